export * from "./ecr-repository";
