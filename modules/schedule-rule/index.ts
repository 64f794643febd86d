export * from "./schedule-rule";
