export * from "./scheduler-schedule";
