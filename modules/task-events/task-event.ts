/*
 * How an "ECS Task State Change" event is read, in JSONata, wherever a state machine reads one
 * (the failure notice filter, the run ledger's recorder): with `$detail` bound to the event's
 * detail and `$container` to the job's container, found by name.
 */

/** The family of the task's definition: `report` of `arn:...:task-definition/report:3`. */
export const TASK_FAMILY =
  '$substringBefore($substringAfter($detail.taskDefinitionArn, ":task-definition/"), ":")';

/** The task's id: the last part of its ARN, which names its containers' log streams. */
export const TASK_ID = '$split($detail.taskArn, "/")[-1]';

/**
 * Whether the job's container failed, in a stopped task: it has no exit code (it never ran, or
 * was stopped before it exited) or a non-zero one. Other containers (sidecars, a log router,
 * agents AWS adds such as GuardDuty's) do not count.
 */
export const JOB_CONTAINER_FAILED =
  "($not($exists($container.exitCode)) or $container.exitCode != 0)";

/** The job's container of the task, by name: `$container := ...` with the name expression. */
export function jobContainerBinding(nameExpression: string): string {
  return `$container := $detail.containers[name = ${nameExpression}]`;
}
