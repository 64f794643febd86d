export * from "./ecs-event-target";
export * from "./fargate-run-validation";
export * from "./fargate-task-parameters";
