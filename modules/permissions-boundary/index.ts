export * from "./environment-iam";
export * from "./permissions-boundary";
