export * from "./stack-context";
