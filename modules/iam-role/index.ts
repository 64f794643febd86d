export * from "./iam-role";
export * from "./iam-scope";
export * from "./policy-document";
export * from "./step-functions-statements";
export * from "./resource-policy";
