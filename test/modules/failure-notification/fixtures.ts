export { ref, resourceAt } from "../../synth";

export const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
export const TASK_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/0123456789abcdef0";

/** One container of an "ECS Task State Change" event. */
export interface EventContainer {
  readonly name: string;
  readonly exitCode?: number;
  readonly reason?: string;
}

/** An "ECS Task State Change" event of a stopped task, as EventBridge delivers it. */
export function taskStopped(
  containers: readonly EventContainer[],
  detail: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    version: "0",
    id: "3317b2af-7005-947d-b652-f55e762e571a",
    "detail-type": "ECS Task State Change",
    source: "aws.ecs",
    account: "123456789012",
    time: "2026-11-23T03:04:05Z",
    region: "ap-northeast-1",
    resources: [TASK_ARN],
    detail: {
      clusterArn: CLUSTER,
      group: "family:example-batch",
      taskArn: TASK_ARN,
      lastStatus: "STOPPED",
      desiredStatus: "STOPPED",
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      stoppedAt: "2026-11-23T03:04:05.123Z",
      startedBy: "events-rule/example-batch",
      containers: containers.map((c) => ({ lastStatus: "STOPPED", ...c })),
      ...detail,
    },
  };
}

/** Sample values for the placeholders of a failure message, as EventBridge would insert them. */
export const SAMPLE_VALUES: Readonly<Record<string, string>> = {
  taskArn: TASK_ARN,
  stopCode: "EssentialContainerExited",
  stoppedReason: "Essential container in task exited",
  exitCode: "1",
  containerReason: "OutOfMemoryError: Container killed due to memory usage",
  stoppedAt: "2026-11-23T03:04:05.123Z",
  startedBy: "events-rule/example-batch",
};

/** A template with its `<placeholder>`s replaced by values (EventBridge does not escape them). */
export function substitute(template: string, values: Readonly<Record<string, string>>): string {
  return template.replace(/<([A-Za-z0-9_.-]+)>/g, (whole, name: string) => values[name] ?? whole);
}
