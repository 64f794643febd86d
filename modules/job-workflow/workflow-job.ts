/**
 * A workflow's jobs as its definition takes them: how each job starts (its JobRun), how its
 * failures are retried and how long a run may take.
 */
import { JobRun } from "../job-run/job-run";

/** How often, and after how long, a failed job is run again. */
export interface RetryOptions {
  /** Retries after the first attempt (0-10). */
  readonly attempts: number;
  /** Seconds before the first retry (1-86400). */
  readonly intervalSeconds: number;
  /** Multiplier of the interval per retry (1-10). */
  readonly backoffRate: number;
}

/** One job of a workflow and how each of its runs starts. */
export interface WorkflowJobRun {
  /** Name of the job: 1-58 letters, digits, `-` and `_` (it names states of 80 characters). */
  readonly name: string;
  /** How the job's task starts: its task definition, placement and launch settings, and its
   * container, whose exit code is the job's result. */
  readonly run: JobRun;
  /** Retries when the job's container never ran or did not finish: no capacity, image pull,
   * throttling, a failed essential sidecar. */
  readonly retryOnStartFailure: RetryOptions;
  /** Retries when the job's container ran and exited non-zero. Needs `safeToRerun`. */
  readonly retryOnExitCode: RetryOptions;
  /** Seconds a run may take (60-31536000); then Step Functions stops the task. A run that timed
   * out is not retried: a hung job would most likely hang again. */
  readonly timeoutSeconds: number;
  /** Whether running the job again after it ran and failed is harmless. */
  readonly safeToRerun: boolean;
}

export interface WorkflowDefinitionProps {
  /** Name of the workflow, for the jobs' environment, `startedBy` and the notifications. */
  readonly workflowName: string;
  /** What the workflow does, for people.
   * @default no comment */
  readonly description?: string;
  /** Job names by stage, from {@link workflowStages}. */
  readonly stages: readonly (readonly string[])[];
  /** Every job of the stages, once. */
  readonly jobs: readonly WorkflowJobRun[];
  /** SNS topics that get a plain-text message when a job fails for good.
   * @default no plain-text notifications */
  readonly notificationTopicArns?: readonly string[];
  /** SNS topic of AWS Chatbot (Slack): gets the same news as a Chatbot custom notification.
   * @default no chat notifications */
  readonly chatTopicArn?: string;
  /** Skip a run while an earlier execution of this state machine is still running.
   * @default false */
  readonly preventOverlap?: boolean;
}

export const DEFAULT_RETRY_ON_START_FAILURE: RetryOptions = {
  attempts: 3,
  intervalSeconds: 60,
  backoffRate: 2,
};
export const DEFAULT_RETRY_ON_EXIT_CODE: RetryOptions = {
  attempts: 0,
  intervalSeconds: 300,
  backoffRate: 1,
};
export const DEFAULT_JOB_TIMEOUT_SECONDS = 86400;
