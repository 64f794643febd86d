import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { TerraformStack, Token } from "cdktf";
import { Construct } from "constructs";
import { JobRunSpec, jobParameterName } from "../../contract/job-run-spec";
import { jsonText } from "../json-text/json-text";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";

/** The SSM parameter prefix of jobs outside an environment. */
export const DEFAULT_RUNNER_PARAMETER_PREFIX = "/ecs-batch";

/**
 * The job's run spec as parameter text: JSON, with values known only at apply time (subnets found
 * by tag, a Terraform variable's boolean) as `jsonencode(...)` so Terraform writes them as JSON.
 */
export function runnerParameterValue(spec: JobRunSpec): string {
  return jsonText(spec);
}

/**
 * ARN of the parameter path `prefix` (e.g. `arn:aws:ssm:REGION:ACCOUNT:parameter/ecs-batch/prod`),
 * what GetParametersByPath is granted on: the runner lists an environment's jobs there when it is
 * asked for one that does not exist.
 */
export function parameterPathArn(scope: Construct, prefix: string, region?: string): string {
  const path = prefix.replace(/\/+$/, "");
  // One string per path and region in a stack, so the jobs of a path share one grant.
  const known = pathArns.get(TerraformStack.of(scope)) ?? new Map<string, string>();
  pathArns.set(TerraformStack.of(scope), known);
  // The parameter is in the provider's region: a literal region is that one (an environment
  // names it), anything else is looked up once.
  const literal = region !== undefined && !Token.isUnresolved(region) ? region : undefined;
  const key = `${literal ?? ""} ${path}`;
  if (!known.has(key)) {
    const inRegion = literal ?? providerRegion(scope);
    known.set(
      key,
      `arn:${providerPartition(scope)}:ssm:${inRegion}:${providerAccountId(scope)}:parameter${path}`,
    );
  }
  return known.get(key)!;
}

const pathArns = new WeakMap<TerraformStack, Map<string, string>>();

/**
 * The SSM parameter (`<prefix>/<jobName>`) that tells the runner (`ecs-batch run <job>`) how to
 * start the job, written by Terraform on every deploy so nothing is edited after a release.
 */
export function addRunnerParameter(
  scope: Construct,
  prefix: string,
  spec: JobRunSpec,
  tags: Readonly<Record<string, string>> | undefined,
): SsmParameter {
  return new SsmParameter(scope, "RunnerParameter", {
    name: jobParameterName(prefix, spec.job),
    description: `How ecs-batch starts batch job ${spec.job} (written by Terraform; do not edit)`,
    // The run spec names resources, not secrets.
    type: "String",
    tier: "Standard",
    value: runnerParameterValue(spec),
    tags: tags ? { ...tags } : undefined,
  });
}
