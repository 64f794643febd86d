import { SsmParameter } from "@cdktf/provider-aws/lib/ssm-parameter";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { JobRunSpec, jobParameterName } from "../../runner/job-run-spec";

/** The SSM parameter prefix of jobs outside an environment. */
export const DEFAULT_RUNNER_PARAMETER_PREFIX = "/ecs-batch";

/**
 * The job's run spec as parameter text: JSON, with lists known only at apply time (subnets found
 * by tag) as `jsonencode(...)` so Terraform writes them as JSON arrays.
 */
export function runnerParameterValue(spec: JobRunSpec): string {
  const lists = new Map<string, string>();
  const list = (values: readonly string[]): readonly string[] => {
    if (!Token.isUnresolved(values)) {
      return values;
    }
    const placeholder = `@@list${lists.size}@@`;
    lists.set(`"${placeholder}"`, Fn.jsonencode(values));
    return placeholder as unknown as readonly string[];
  };
  let text = JSON.stringify({
    ...spec,
    network: {
      ...spec.network,
      subnets: list(spec.network.subnets),
      securityGroups: list(spec.network.securityGroups),
    },
  });
  for (const [placeholder, expression] of lists) {
    text = text.replace(placeholder, expression);
  }
  return text;
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
