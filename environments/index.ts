import { dev } from "./dev";
import { EnvironmentConfig } from "./environment-config";
import { prod } from "./prod";
import { stg } from "./stg";

export * from "./environment-config";
export * from "./environment-stack";
export * from "./environment-validation";
export * from "./release-rules";
export * from "./release-stack";

/** Every environment, in promotion order; main.ts makes one stack of each. */
export const environments: readonly EnvironmentConfig[] = [dev, stg, prod];
