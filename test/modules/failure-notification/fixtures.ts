import type { NoticeJob } from "../../../modules/failure-notification/task-notice";

export { ref, resourceAt } from "../../synth";

export const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";

/** The job the notice filter reads of in these tests, as its rule target describes it. */
export const NOTICE_JOB: NoticeJob = {
  name: "example-batch",
  environment: "dev",
  clusterArn: CLUSTER,
  family: "example-batch",
  container: "example-batch",
  logGroupName: "/ecs-scheduled-tasks/example",
  logStreamPrefix: "batch",
  safeToRerun: false,
  rerun: "ecs-batch run example-batch --env dev",
};
export const TASK_ID = "0123456789abcdef0123456789abcdef";
export const TASK_ARN = `arn:aws:ecs:ap-northeast-1:123456789012:task/batch/${TASK_ID}`;
export const TASK_DEFINITION_ARN =
  "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:3";

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
      taskDefinitionArn: TASK_DEFINITION_ARN,
      startedAt: "2026-11-23T03:00:15.456Z",
      stoppedAt: "2026-11-23T03:04:05.123Z",
      startedBy: "events-rule/example-batch",
      containers: containers.map((c) => ({ lastStatus: "STOPPED", ...c })),
      ...detail,
    },
  };
}
