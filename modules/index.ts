// The library's public surface: every construct, type and validator, from one place.
export * from "./batch-task-definition";
export * from "./dead-letter-queue";
export * from "./ecr-repository";
export * from "./ecs-event-target";
export * from "./failure-notification";
export * from "./github-deploy-role";
export * from "./iam-role";
export * from "./job-log-group";
export * from "./job-schedule";
export * from "./job-workflow";
export * from "./permissions-boundary";
export * from "./release-pipeline";
export * from "./schedule-rule";
export * from "./scheduled-job";
export * from "./scheduler-schedule";
export * from "./stack-context";
export * from "./validation";
