export * from "./batch-job";
export * from "./job-policies";
export * from "./runner-parameter";
export * from "./runner-policy";
