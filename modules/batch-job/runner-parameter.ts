import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Construct } from "constructs";
import { JobRunSpec, jobParameterName } from "../../contract/job-run-spec";
import { jsonText } from "../json-text/json-text";

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
