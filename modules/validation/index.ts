export * from "./construct-validation";
export * from "./fargate-task-size";
export * from "./names";
export * from "./schedule-expression";
export * from "./scheduler-schedule";
