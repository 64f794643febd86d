export * from "./job-run";
export * from "./job-run-validation";
export * from "./render-job-run";
export * from "./task-start-statements";
