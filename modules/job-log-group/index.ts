export * from "./job-log-group";
