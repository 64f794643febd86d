export * from "./job-workflow";
export * from "./workflow-definition";
export * from "./workflow-graph";
