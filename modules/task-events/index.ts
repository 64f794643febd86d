export * from "./task-event";
