export * from "./ecs-event-target";
