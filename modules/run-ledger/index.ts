export * from "./recorder-definition";
export * from "./run-ledger";
