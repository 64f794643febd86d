import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { isUnresolved } from "../validation/construct-validation";

/**
 * A Terraform expression as a local value. Policies are JSON text, and an expression with
 * quoted arguments inside that text would make it unreadable JSON for people and scanners;
 * a reference to a local keeps it plain.
 */
function asLocal(scope: Construct, id: string, expression: string): string {
  return new TerraformLocal(scope, id, expression).asString;
}

/**
 * `arn:...:task-definition/FAMILY:*` from a task definition ARN with or without revision.
 * ECS no longer honours RunTask permissions on a family ARN without a revision (since
 * October 2024), so grants need the `:*` wildcard.
 */
export function familyRevisionsArn(scope: Construct, taskDefinitionArn: string): string {
  if (isUnresolved(taskDefinitionArn)) {
    return asLocal(
      scope,
      "TaskDefinitionRevisionsArn",
      Fn.replace(taskDefinitionArn, "/(:[0-9]+)?$/", ":*"),
    );
  }
  return taskDefinitionArn.replace(/(:[0-9]+)?$/, ":*");
}

/** `arn:...:task/CLUSTER/*`, the ARNs of the tasks a cluster runs, from the cluster's ARN. */
export function clusterTasksArn(
  scope: Construct,
  clusterArn: string,
  localId = "ClusterTasksArn",
): string {
  if (isUnresolved(clusterArn)) {
    return asLocal(scope, localId, `${Fn.replace(clusterArn, ":cluster/", ":task/")}/*`);
  }
  return `${clusterArn.replace(":cluster/", ":task/")}/*`;
}

const ECR_IMAGE =
  /^([0-9]{12})\.dkr\.ecr(?:-fips)?\.([a-z0-9-]+)\.amazonaws\.com(\.cn)?\/([a-z0-9._/-]+?)(?::[\w.-]+)?(?:@sha256:[0-9a-f]{64})?$/;

/**
 * The ECR repository ARN an image URI is pulled from, `undefined` for images from other
 * registries (Docker Hub, ECR Public, ...), and `unknown` for images that are references
 * resolved at apply time.
 */
export function ecrRepositoryArnOfImage(image: string): string | undefined | "unknown" {
  if (isUnresolved(image)) {
    return "unknown";
  }
  const match = ECR_IMAGE.exec(image);
  if (!match) {
    return undefined;
  }
  const [, account, region, china, repository] = match;
  const partition = china ? "aws-cn" : region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
  return `arn:${partition}:ecr:${region}:${account}:repository/${repository}`;
}

/**
 * `arn:...:task-definition/FAMILY:`, what the ARN of every revision of a family starts with, in
 * the cluster's region and account: an event pattern's `prefix` on a task's `taskDefinitionArn`
 * (the `:` keeps `report` from matching `report-cleanup`).
 */
export function familyArnPrefix(
  scope: Construct,
  clusterArn: string,
  family: string,
  localId = "TaskDefinitionArnPrefix",
): string {
  if (isUnresolved(clusterArn) || isUnresolved(family)) {
    return asLocal(
      scope,
      localId,
      `${Fn.replace(clusterArn, "/:cluster/.*$/", ":task-definition/")}${family}:`,
    );
  }
  return clusterArn.replace(/:cluster\/.*$/, `:task-definition/${family}:`);
}
