export * from "./arns";
export * from "./job-policies";
export * from "./scheduled-job";
export * from "./runner-parameter";
export * from "./runner-policy";
