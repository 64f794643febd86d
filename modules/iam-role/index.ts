export * from "./iam-role";
export * from "./policy-document";
