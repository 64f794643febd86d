export * from "./target-retry";
