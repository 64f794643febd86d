import { RetryOptions, WorkflowDefinitionProps, WorkflowJobRun } from "./workflow-job";

/** Step Functions' limit on a Standard execution's duration, in seconds (one year). */
export const MAX_EXECUTION_SECONDS = 31536000;
/** The longest wait between two attempts of a job: longer backoffs are cut to it. */
export const MAX_RETRY_DELAY_SECONDS = 86400;
/** Timeout of each call to another AWS service (SNS publish, ListExecutions): they take seconds. */
export const SERVICE_CALL_TIMEOUT_SECONDS = 60;
export const OVERLAP_CHECK_RETRY = {
  // SDK integrations name errors `Sfn.<Exception>`; throttling surfaces as Sfn.SfnException.
  ErrorEquals: ["Sfn.SfnException", "States.TaskFailed"],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
};
export const ECS_STARTED_BY_MAX_LENGTH = 128;
/** SNS wants a subject of "less than 100 characters". */
export const SNS_SUBJECT_MAX_LENGTH = 99;

/**
 * `TimeoutSeconds` of the whole state machine: an upper bound of a run that ends without anyone
 * stopping it, so the timeout only ends executions that are truly stuck. Per job: every attempt
 * (one, plus every retry of both kinds) taking its full `timeoutSeconds`, every retry wait, and
 * every notification call; per stage, its slowest job; plus the overlap check. Capped at one year,
 * the longest a Standard execution may run. (A redrive restarts this clock.)
 */
export function workflowTimeoutSeconds(props: WorkflowDefinitionProps): number {
  const jobs = new Map(props.jobs.map((job) => [job.name, job]));
  const notifications =
    (props.notificationTopicArns?.length ?? 0) + (props.chatTopicArn !== undefined ? 1 : 0);
  const jobBound = (job: WorkflowJobRun): number => {
    const { retryOnStartFailure: start, retryOnExitCode: exit } = job;
    return (
      job.timeoutSeconds * (1 + start.attempts + exit.attempts) +
      sum(retryDelaysBound(start)) +
      sum(retryDelaysBound(exit)) +
      notifications * SERVICE_CALL_TIMEOUT_SECONDS
    );
  };
  const stages = sum(
    props.stages.map((stage) => Math.max(...stage.map((n) => jobBound(jobs.get(n)!)))),
  );
  const overlapCheck = props.preventOverlap
    ? SERVICE_CALL_TIMEOUT_SECONDS * (1 + OVERLAP_CHECK_RETRY.MaxAttempts) +
      sum(
        Array.from(
          { length: OVERLAP_CHECK_RETRY.MaxAttempts },
          (_, k) => OVERLAP_CHECK_RETRY.IntervalSeconds * OVERLAP_CHECK_RETRY.BackoffRate ** k,
        ),
      ) +
      (props.notificationTopicArns?.length ?? 0) * SERVICE_CALL_TIMEOUT_SECONDS
    : 0;
  return Math.min(MAX_EXECUTION_SECONDS, Math.ceil(stages + overlapCheck));
}

/** Each retry's wait, rounded up (the machine rounds half to even, never more). */
function retryDelaysBound(retry: RetryOptions): number[] {
  return Array.from({ length: retry.attempts }, (_, k) =>
    Math.min(MAX_RETRY_DELAY_SECONDS, Math.ceil(retry.intervalSeconds * retry.backoffRate ** k)),
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}
