/** An EventBridge event pattern, as the JSON object it is rendered from. */
export type EventPattern = Readonly<Record<string, unknown>>;

export interface JobStoppedPatternOptions {
  /** ARN of the cluster the job's tasks run in. */
  readonly clusterArn: string;
  /** What the ARNs of the job's task definition revisions start with:
   * `arn:...:task-definition/FAMILY:` (see `familyArnPrefix`). */
  readonly taskDefinitionArnPrefix: string;
}

/**
 * The EventBridge pattern of the "ECS Task State Change" events of the job's stopped tasks: its
 * cluster, any revision of its family, `lastStatus` STOPPED.
 *
 * It matches no field of `containers`. EventBridge matches each field of an array of objects on
 * its own, so `containers.name = job` with `containers.exitCode != 0` also matches a task whose
 * sidecar (or the GuardDuty agent AWS adds to tasks) exited non-zero while the job exited 0, and
 * `exists: false` on `containers.exitCode` misses a job that never ran beside a container that
 * did. Which container's exit code decides is left to the notice filter, which finds the job's
 * container by name. Nor does it match `group`: RunTask takes any group, and a run started with
 * one (`ecs-batch run-task` passes it through) is still the job's.
 */
export function jobStoppedPattern(options: JobStoppedPatternOptions): EventPattern {
  return {
    source: ["aws.ecs"],
    "detail-type": ["ECS Task State Change"],
    detail: {
      clusterArn: [options.clusterArn],
      lastStatus: ["STOPPED"],
      taskDefinitionArn: [{ prefix: options.taskDefinitionArnPrefix }],
    },
  };
}
