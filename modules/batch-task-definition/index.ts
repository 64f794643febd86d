export * from "./batch-task-definition";
export * from "./container-definition";
