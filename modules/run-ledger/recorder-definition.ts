import {
  RUN_RECORD_DETAIL_TYPE,
  RUN_RECORD_SOURCE,
  RUN_RECORD_VERSION,
} from "../../contract/run-record";
import { jsonText } from "../json-text/json-text";
import {
  jobContainerBinding,
  JOB_CONTAINER_FAILED,
  TASK_FAMILY,
  TASK_ID,
} from "../task-events/task-event";

/** What the recorder knows of a job of the environment, by its task definition family. */
export interface LedgerJobEntry {
  /** The job's own container: its exit code is the job's result. */
  readonly container: string;
  /** The job's log group and the awslogs stream prefix of its containers, when it logs there.
   * @default the record names no log stream */
  readonly logGroupName?: string;
  readonly logStreamPrefix?: string;
}

/** State names of the recorder, for tests and for people reading an execution. */
export const RECORDER_STATES = {
  know: "Know the jobs",
  decide: "A job of this environment?",
  notAJob: "Not a job of this environment",
  write: "Write the record",
  record: "Record it",
} as const;

/**
 * The run record (see contract/run-record.ts) of an "ECS Task State Change" event of a job, in
 * JSONata: `$jobs` holds the environment's jobs by family, `$environment` its name.
 */
export const RUN_RECORD = `(
  $detail := $states.input.detail;
  $family := ${TASK_FAMILY};
  $job := $lookup($jobs, $family);
  ${jobContainerBinding("$job.container")};
  $taskId := ${TASK_ID};
  $stopped := $detail.lastStatus = "STOPPED";
  $from := $exists($detail.startedAt) ? $detail.startedAt : $detail.createdAt;
  $overrides := $detail.overrides.containerOverrides[name = $job.container];
  {
    "version": ${RUN_RECORD_VERSION},
    "environment": $environment,
    "job": $family,
    "taskArn": $detail.taskArn,
    "taskId": $taskId,
    "clusterArn": $detail.clusterArn,
    "taskDefinitionArn": $detail.taskDefinitionArn,
    "status": $detail.lastStatus,
    "result": $stopped ? (${JOB_CONTAINER_FAILED} ? "failed" : "succeeded") : "running",
    "startedBy": $detail.startedBy,
    "schedule": $substring($detail.startedBy, 0, 12) = "events-rule/"
      ? $substringAfter($detail.startedBy, "events-rule/") : undefined,
    "workflowExecution": $overrides.environment[name = "WORKFLOW_EXECUTION_ID"].value,
    "createdAt": $detail.createdAt,
    "startedAt": $detail.startedAt,
    "stoppedAt": $detail.stoppedAt,
    "durationSeconds": $stopped and $exists($detail.stoppedAt)
      ? $round(($toMillis($detail.stoppedAt) - $toMillis($from)) / 1000, 3) : undefined,
    "container": $job.container,
    "exitCode": $container.exitCode,
    "exitReason": $container.reason,
    "stopCode": $detail.stopCode,
    "stoppedReason": $detail.stoppedReason,
    "logGroupName": $job.logGroupName,
    "logStreamName": $exists($job.logGroupName)
      ? $job.logStreamPrefix & "/" & $job.container & "/" & $taskId : undefined
  }
)`.replace(/\s*\n\s*/g, " ");

/**
 * The recorder (Express): for a task of one of `jobs` (by family) that started or stopped, writes
 * its run record and puts it on the default event bus as a "Batch Job Run" event, which the
 * ledger's rule stores in the ledger's log group. Tasks of other families (a shared cluster's
 * services) end quietly. Written as JSON text so that a job table known only at apply time (a
 * Terraform variable) is written by Terraform.
 */
export function recorderDefinition(
  environment: string,
  jobs: Readonly<Record<string, LedgerJobEntry>>,
): string {
  const s = RECORDER_STATES;
  return jsonText({
    Comment: `Records each start and stop of the tasks of environment ${environment}'s jobs in its run ledger`,
    QueryLanguage: "JSONata",
    StartAt: s.know,
    States: {
      [s.know]: {
        Type: "Pass",
        Assign: { jobs, environment },
        Next: s.decide,
      },
      [s.decide]: {
        Type: "Choice",
        Choices: [
          {
            Condition: `{% ($detail := $states.input.detail; $exists($lookup($jobs, ${TASK_FAMILY})) and $detail.lastStatus in ["RUNNING", "STOPPED"]) %}`,
            Next: s.write,
          },
        ],
        Default: s.notAJob,
      },
      [s.notAJob]: { Type: "Succeed" },
      [s.write]: { Type: "Pass", Output: `{% ${RUN_RECORD} %}`, Next: s.record },
      [s.record]: {
        Type: "Task",
        Resource: "arn:aws:states:::events:putEvents",
        Arguments: {
          Entries: [
            {
              Source: RUN_RECORD_SOURCE,
              DetailType: RUN_RECORD_DETAIL_TYPE,
              Detail: "{% $states.input %}",
            },
          ],
        },
        Retry: [
          { ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 },
        ],
        End: true,
      },
    },
  });
}
