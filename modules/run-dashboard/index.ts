export * from "./alarm-arns";
export * from "./run-dashboard";
