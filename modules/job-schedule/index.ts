export * from "./job-schedule";
