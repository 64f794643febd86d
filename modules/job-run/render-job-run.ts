import { Fn, Token } from "cdktf";
import { JOB_RUN_SPEC_VERSION, JobRunSpec } from "../../contract/job-run-spec";
import { isUnresolved } from "../validation/construct-validation";
import { JobRun } from "./job-run";

/*
 * One renderer per consumer of a job's JobRun, and the one place where values known only at
 * apply time (Terraform variables, looked-up subnets) are made to fit each consumer's shape.
 */

/** The Fargate launch every consumer asks for. */
const LAUNCH_TYPE = "FARGATE";

/** A list as a consumer's attribute: copied, unless it is a reference resolved at apply time. */
function listValue(list: readonly string[]): string[] {
  return isUnresolved(list) ? (list as string[]) : [...list];
}

/**
 * `ENABLED` or `DISABLED`, as RunTask's API and the runner take it. A boolean known only at apply
 * time is chosen by Terraform.
 */
export function publicIpSetting(assignPublicIp: boolean | undefined): "ENABLED" | "DISABLED" {
  if (isUnresolved(assignPublicIp)) {
    return Token.asString(Fn.conditional(assignPublicIp, "ENABLED", "DISABLED")) as "ENABLED";
  }
  return assignPublicIp ? "ENABLED" : "DISABLED";
}

/**
 * `TASK_DEFINITION` when the task definition's tags are copied to the task, else `none`: what the
 * consumer writes for "no propagation" (null leaves the attribute or field unset). A boolean known
 * only at apply time is chosen by Terraform.
 */
function propagateTagsSetting<None extends null | "NONE">(
  propagateTags: boolean | undefined,
  none: None,
): "TASK_DEFINITION" | None {
  if (isUnresolved(propagateTags)) {
    return Token.asString(Fn.conditional(propagateTags, "TASK_DEFINITION", none)) as None;
  }
  return propagateTags === false ? none : "TASK_DEFINITION";
}

/** The launch settings with their defaults: one task, tags propagated, ECS managed tags on. */
function launchOf(run: JobRun) {
  return {
    taskCount: run.launch?.taskCount ?? 1,
    propagateTags: run.launch?.propagateTags,
    enableEcsManagedTags: run.launch?.enableEcsManagedTags ?? true,
  };
}

/** The ECS parameters EventBridge takes, the same for a rule target and a Scheduler target. */
function eventBridgeEcsParameters(run: JobRun) {
  const { placement } = run;
  const launch = launchOf(run);
  return {
    launchType: LAUNCH_TYPE,
    platformVersion: placement.platformVersion ?? "LATEST",
    taskCount: launch.taskCount,
    taskDefinitionArn: run.taskDefinitionArn,
    propagateTags: propagateTagsSetting(launch.propagateTags, null) ?? undefined,
    enableEcsManagedTags: launch.enableEcsManagedTags,
    networkConfiguration: {
      subnets: listValue(placement.subnetIds),
      securityGroups: placement.securityGroupIds
        ? listValue(placement.securityGroupIds)
        : undefined,
      assignPublicIp: placement.assignPublicIp ?? false,
    },
  };
}

/** An EventBridge rule target's `arn` (the cluster) and `ecs_target`. */
export function ruleTargetOf(run: JobRun) {
  return { arn: run.placement.clusterArn, ecsTarget: eventBridgeEcsParameters(run) };
}

/** An EventBridge Scheduler target's `arn` (the cluster) and `ecs_parameters`. */
export function schedulerTargetOf(run: JobRun) {
  return { arn: run.placement.clusterArn, ecsParameters: eventBridgeEcsParameters(run) };
}

/** What a Step Functions task adds to a run: who started it and the job container's variables. */
export interface RunTaskContext {
  /** RunTask's `startedBy`, e.g. `workflow/nightly-sales`. */
  readonly startedBy: string;
  /** Environment variables of the job's container: plain values or ASL expressions. */
  readonly environment: Readonly<Record<string, string>>;
}

/**
 * The `Arguments` of a Step Functions `ecs:runTask.sync` task, in RunTask's API names. The run
 * must know its job container (a workflow overrides its environment and reads its exit code).
 */
export function runTaskSyncArguments(
  run: JobRun,
  context: RunTaskContext,
): Record<string, unknown> {
  const { placement } = run;
  const launch = launchOf(run);
  const securityGroups = placement.securityGroupIds ?? [];
  return {
    LaunchType: LAUNCH_TYPE,
    Cluster: placement.clusterArn,
    TaskDefinition: run.taskDefinitionArn,
    PlatformVersion: placement.platformVersion ?? "LATEST",
    NetworkConfiguration: {
      AwsvpcConfiguration: {
        Subnets: listValue(placement.subnetIds),
        ...(isUnresolved(securityGroups) || securityGroups.length > 0
          ? { SecurityGroups: listValue(securityGroups) }
          : {}),
        AssignPublicIp: publicIpSetting(placement.assignPublicIp),
      },
    },
    // RunTask takes NONE; left out when literal, as before.
    ...(launch.propagateTags === false
      ? {}
      : { PropagateTags: propagateTagsSetting(launch.propagateTags, "NONE") }),
    EnableECSManagedTags: launch.enableEcsManagedTags,
    StartedBy: context.startedBy,
    Overrides: {
      ContainerOverrides: [
        {
          Name: run.container!.name,
          Environment: Object.entries(context.environment).map(([Name, Value]) => ({
            Name,
            Value,
          })),
        },
      ],
    },
  };
}

/** Who the job is, for its runner spec. */
export interface RunnerSpecJob {
  readonly jobName: string;
  /** Its task definition family, which RunTask runs the latest revision of. */
  readonly family: string;
  readonly safeToRerun: boolean;
  /** The run ledger of its environment, which `ecs-batch history` and `logs` read.
   * @default none */
  readonly ledgerLogGroupName?: string;
}

/**
 * The runner's spec of a job (its SSM parameter's value), from its run. The run must know its job
 * container and its logs: the runner waits for that container's exit code and streams its log.
 */
export function runnerSpecOf(run: JobRun, job: RunnerSpecJob): JobRunSpec {
  const { placement } = run;
  const launch = launchOf(run);
  const logs = run.container!.logs!;
  return {
    version: JOB_RUN_SPEC_VERSION,
    job: job.jobName,
    cluster: placement.clusterArn,
    taskDefinitionFamily: job.family,
    taskDefinitionArn: run.taskDefinitionArn,
    containerName: run.container!.name,
    launchType: LAUNCH_TYPE,
    platformVersion: placement.platformVersion ?? "LATEST",
    network: {
      subnets: listValue(placement.subnetIds),
      securityGroups: listValue(placement.securityGroupIds ?? []),
      assignPublicIp: publicIpSetting(placement.assignPublicIp),
    },
    propagateTags: propagateTagsSetting(launch.propagateTags, null) ?? undefined,
    enableEcsManagedTags: launch.enableEcsManagedTags,
    logGroupName: logs.logGroupName,
    logStreamPrefix: logs.streamPrefix,
    region: logs.region,
    safeToRerun: job.safeToRerun,
    ...(job.ledgerLogGroupName !== undefined ? { ledgerLogGroupName: job.ledgerLogGroupName } : {}),
  };
}
