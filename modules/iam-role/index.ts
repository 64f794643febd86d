export * from "./iam-role";
export * from "./policy-document";
export * from "./step-functions-statements";
export * from "./resource-policy";
