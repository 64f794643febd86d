/**
 * What the runner needs to start one job, as Terraform writes it at deploy time into the job's
 * SSM parameter (`<prefix>/<jobName>`, e.g. `/ecs-batch/prod/nightly-report`). BatchJob
 * writes it; `ecs-batch run <job> --env <env>` reads it. Nothing is rewritten by hand after a
 * release: the task definition family always runs its latest active revision (or a pinned one).
 */
export interface JobRunSpec {
  /** Format version of this document. */
  readonly version: typeof JOB_RUN_SPEC_VERSION;
  readonly job: string;
  /** Cluster ARN. */
  readonly cluster: string;
  /** Task definition family: RunTask with the family runs its latest ACTIVE revision. */
  readonly taskDefinitionFamily: string;
  /** The revision Terraform deployed last, for `--deployed-revision`. */
  readonly taskDefinitionArn: string;
  /** The job's own (essential) container: its exit code is the job's result. */
  readonly containerName: string;
  readonly launchType: "FARGATE";
  readonly platformVersion: string;
  readonly network: {
    readonly subnets: readonly string[];
    readonly securityGroups: readonly string[];
    readonly assignPublicIp: "ENABLED" | "DISABLED";
  };
  /** `TASK_DEFINITION` to copy the task definition's tags to the task; absent or null for none
   * (null when a Terraform variable chose none). */
  readonly propagateTags?: "TASK_DEFINITION" | null;
  readonly enableEcsManagedTags: boolean;
  /** Where the container logs (awslogs): stream `<logStreamPrefix>/<containerName>/<task id>`. */
  readonly logGroupName: string;
  readonly logStreamPrefix: string;
  readonly region: string;
  readonly safeToRerun: boolean;
  /** The run ledger of the job's environment (a CloudWatch Logs log group of run records, see
   * run-record.ts), which `ecs-batch history` and `ecs-batch logs` read. Absent for a job
   * outside an environment with a ledger. */
  readonly ledgerLogGroupName?: string;
}

export const JOB_RUN_SPEC_VERSION = 1;

/**
 * The tag ecs-batch puts on every task it starts, with the job's name (its task definition
 * family) as value: the runner policy lets it stop only tasks that carry it, so a runner cannot
 * stop other tasks of a shared cluster.
 */
export const JOB_TAG_KEY = "BatchJob";

/** The SSM parameter prefix of an environment's jobs. */
export function jobParameterPrefix(environment: string): string {
  return `/ecs-batch/${environment}`;
}

/** The SSM parameter name of one job. */
export function jobParameterName(prefix: string, jobName: string): string {
  return `${prefix.replace(/\/+$/, "")}/${jobName}`;
}

/** The environment whose prefix `prefix` is (`/ecs-batch/<env>`), or undefined. */
export function environmentOfPrefix(prefix: string): string | undefined {
  const trimmed = prefix.replace(/\/+$/, "");
  const environment = /^\/ecs-batch\/([^/]+)$/.exec(trimmed)?.[1];
  return environment !== undefined && jobParameterPrefix(environment) === trimmed
    ? environment
    : undefined;
}

/**
 * The command that runs a job again from its parameter: `--env <env>` when the prefix is an
 * environment's, else `--parameter-prefix <prefix>`. What failure notices tell people to run.
 */
export function runCommandOf(jobName: string, prefix: string): string {
  const environment = environmentOfPrefix(prefix);
  return environment !== undefined
    ? `ecs-batch run ${jobName} --env ${environment}`
    : `ecs-batch run ${jobName} --parameter-prefix ${prefix.replace(/\/+$/, "")}`;
}
