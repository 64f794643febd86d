export * from "./artifacts-bucket";
export * from "./buildspec";
export * from "./deploy-statements";
export * from "./release-pipeline";
export * from "./release-validation";
export * from "./stack-deploy-policy";
