export * from "./job-schedule";
export * from "./schedule-options";
