import { IConstruct } from "constructs";
import { validateField, validateIntegerRange } from "../validation/construct-validation";
import { SCHEDULER_LIMITS } from "../validation/scheduler-schedule";

/**
 * How EventBridge (a rule target or a Scheduler schedule) retries a start that failed
 * (throttling, no capacity, bad network settings). It never sees a container's exit code: a job
 * that ran and failed is not retried.
 */
export interface TargetRetryPolicy {
  /** How many times to retry a failed start (0-185).
   * @default 185 */
  readonly maximumRetryAttempts?: number;
  /** How long a scheduled run may wait to start before it is dropped, or sent to the
   * dead-letter queue (60-86400 s). A run that starts an hour late is rarely what a batch wants.
   * @default 3600 */
  readonly maximumEventAgeSeconds?: number;
}

/** What a rule target or schedule does with a start that fails: its retries and where it ends. */
export interface TargetRetryProps {
  /** Retries of failed starts.
   * @default 185 attempts within 3600 s */
  readonly retryPolicy?: TargetRetryPolicy;
  /** ARN of an SQS standard queue that receives the runs that could not be started. A rule's
   * queue policy must allow `events.amazonaws.com` to `sqs:SendMessage` with `aws:SourceArn` =
   * the rule ARN; a schedule's role must be allowed to send to it.
   * @default no dead-letter queue */
  readonly deadLetterQueueArn?: string;
}

/**
 * The retry policy of a rule target or schedule. The default, 185 attempts within an hour,
 * gives up on a run that would start more than an hour late (AWS's own default is 24 hours).
 */
export function targetRetryPolicy(policy: TargetRetryPolicy | undefined): {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
} {
  return {
    maximumRetryAttempts: policy?.maximumRetryAttempts ?? 185,
    maximumEventAgeInSeconds: policy?.maximumEventAgeSeconds ?? 3600,
  };
}

/** Checks the retry attempts and the event age of a retry policy, and the dead-letter queue. */
export function validateTargetRetry(scope: IConstruct, props: TargetRetryProps): void {
  const { maximumRetryAttempts, maximumEventAgeSeconds } = SCHEDULER_LIMITS;
  validateIntegerRange(
    scope,
    "retryPolicy.maximumRetryAttempts",
    props.retryPolicy?.maximumRetryAttempts,
    maximumRetryAttempts.min,
    maximumRetryAttempts.max,
  );
  validateIntegerRange(
    scope,
    "retryPolicy.maximumEventAgeSeconds",
    props.retryPolicy?.maximumEventAgeSeconds,
    maximumEventAgeSeconds.min,
    maximumEventAgeSeconds.max,
  );
  validateField(scope, "deadLetterQueueArn", props.deadLetterQueueArn, validateDeadLetterQueueArn);
}

/**
 * Throws an Error quoting the ARN unless it is the ARN of a standard SQS queue: neither
 * EventBridge rules nor Scheduler accept a FIFO queue as a dead-letter queue.
 */
export function validateDeadLetterQueueArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(arn)) {
    throw new Error(`'${arn}' is not an SQS queue ARN`);
  }
  if (arn.endsWith(".fifo")) {
    throw new Error(
      `'${arn}' is a FIFO queue: EventBridge and Scheduler dead-letter queues must be standard queues`,
    );
  }
}
