// The library's public surface: every construct, type and validator, from one place.
export * from "./batch-task-definition";
export * from "./ecs-event-target";
export * from "./iam-role";
export * from "./job-log-group";
export * from "./schedule-rule";
export * from "./scheduled-job";
export * from "./validation";
