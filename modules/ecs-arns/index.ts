export * from "./ecs-arns";
