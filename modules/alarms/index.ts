export * from "./failed-executions-alarm";
