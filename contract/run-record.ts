/**
 * One record of an environment's run ledger: a start or a stop of a task of one of its jobs, as
 * the ledger's recorder writes it (the `detail` of a "Batch Job Run" event, which the ledger's
 * rule stores in the ledger's log group) and as `ecs-batch history` and `ecs-batch logs` read it.
 * Every start and stop of every job's task lands here, whoever started it.
 */
export interface RunRecord {
  /** Format version of this record. */
  readonly version: typeof RUN_RECORD_VERSION;
  readonly environment: string;
  /** The job: its task definition family. */
  readonly job: string;
  readonly taskArn: string;
  /** The last part of the task ARN, which names the job's log stream. */
  readonly taskId: string;
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  /** `RUNNING`: the task started; `STOPPED`: it ended. */
  readonly status: "RUNNING" | "STOPPED";
  /** `running`; or, once stopped, `succeeded` (the job container exited 0) or `failed`. */
  readonly result: "running" | "succeeded" | "failed";
  /** RunTask's startedBy: `events-rule/<rule>` (a schedule rule), `workflow/<workflow>` (a
   * workflow), `ecs-batch` (the runner), or what a person gave. Absent when none was given. */
  readonly startedBy?: string;
  /** The schedule rule that started it, when `startedBy` names one. */
  readonly schedule?: string;
  /** The workflow execution that ran it (the container's WORKFLOW_EXECUTION_ID). */
  readonly workflowExecution?: string;
  /** ISO 8601 times, as ECS gives them. */
  readonly createdAt: string;
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  /** Seconds from the start (or the creation, for a task that never started) to the stop. */
  readonly durationSeconds?: number;
  /** The job's own container, found by name: whatever else the task holds. */
  readonly container: string;
  /** The job container's exit code, once it has one. */
  readonly exitCode?: number;
  /** Why the job container stopped, when ECS says (e.g. OutOfMemoryError). */
  readonly exitReason?: string;
  readonly stopCode?: string;
  readonly stoppedReason?: string;
  /** Where the job container's output is: its log group and stream. */
  readonly logGroupName?: string;
  readonly logStreamName?: string;
}

export const RUN_RECORD_VERSION = 1;

/** The `source` and `detail-type` of the events that carry run records to the ledger. */
export const RUN_RECORD_SOURCE = "ecs-batch";
export const RUN_RECORD_DETAIL_TYPE = "Batch Job Run";

/** The ledger log group of an environment. */
export function runLedgerLogGroupName(environment: string): string {
  return `/aws/events/${environment}-batch-runs`;
}
