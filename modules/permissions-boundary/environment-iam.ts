/*
 * How the IAM resources of an environment are named, so that what deploys the environment can be
 * scoped by ARN: everything a release deploys (the jobs stack) is named `<environment>-...` at the
 * path `/`; everything that grants power (the release stack: its roles, their policies, the
 * permissions boundary) lives at the path `/ecs-batch-release/`, which no `role/<environment>-*`
 * pattern reaches.
 */

/** The name prefix of an environment's roles and managed policies, e.g. `prod-`. */
export function environmentIamNamePrefix(environment: string): string {
  return `${environment}-`;
}

/** The IAM path of the release stack's roles and policies, the boundary among them. */
export const RELEASE_IAM_PATH = "/ecs-batch-release/";

/** The name of an environment's permissions boundary policy, e.g. `prod-permissions-boundary`. */
export function permissionsBoundaryName(environment: string): string {
  return `${environment}-permissions-boundary`;
}

/** The ARN of an environment's permissions boundary, known before it exists. */
export function permissionsBoundaryArn(
  partition: string,
  accountId: string,
  environment: string,
): string {
  return `arn:${partition}:iam::${accountId}:policy${RELEASE_IAM_PATH}${permissionsBoundaryName(environment)}`;
}

/**
 * The tag every resource of a release stack carries, with the environment as value: what a deployer
 * may not touch when its resources have random names (the release's KMS key).
 */
export const RELEASE_TAG_KEY = "EcsBatchRelease";
