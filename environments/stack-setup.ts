import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformStack } from "cdktf";
import { EnvironmentConfig } from "./environment-config";

/*
 * What both stacks of an environment (its jobs stack and its release stack) set up the same way:
 * the AWS provider, locked to the environment's account, with its default tags, and the state
 * backend, one state object per stack.
 */

/**
 * The AWS provider of an environment's stack: its region, only its account, its tags, and the
 * stack's own tags (`stackTags`), e.g. the release stack's.
 */
export function addEnvironmentProvider(
  stack: TerraformStack,
  config: EnvironmentConfig,
  stackTags: Readonly<Record<string, string>> = {},
): void {
  new AwsProvider(stack, "aws", {
    region: config.region,
    allowedAccountIds: [config.accountId],
    defaultTags: [
      {
        tags: {
          ...config.defaultTags,
          ...stackTags,
          Environment: config.name,
          ManagedBy: "cdktf",
        },
      },
    ],
  });
}

/**
 * The state backend of one stack of the environment: in S3 the object
 * `<keyPrefix>/<stackName>.tfstate` with S3 native locking, or a local file for experiments.
 */
export function addEnvironmentBackend(
  stack: TerraformStack,
  config: EnvironmentConfig,
  stackName: string,
): void {
  const { s3, local } = config.backend;
  if (s3) {
    const backend = new S3Backend(stack, {
      bucket: s3.bucket,
      key: stateKey(config, stackName),
      region: s3.region ?? config.region,
      encrypt: true,
      kmsKeyId: s3.kmsKeyId,
    });
    // S3 native state locking; cdktf 0.21's S3Backend has no field for it.
    backend.addOverride("use_lockfile", true);
  } else {
    new LocalBackend(stack, {
      path:
        stackName === config.name
          ? (local?.path ?? `terraform.${stackName}.tfstate`)
          : `terraform.${stackName}.tfstate`,
    });
  }
}

/** The state object of one stack of an environment in its S3 backend. */
export function stateKey(config: EnvironmentConfig, stackName: string): string {
  return `${config.backend.s3?.keyPrefix ?? "ecs-scheduled-batch"}/${stackName}.tfstate`;
}
