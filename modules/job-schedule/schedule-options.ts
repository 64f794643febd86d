import { SchedulerTimeOptions } from "../scheduler-schedule/scheduler-schedule";
import { TargetRetryPolicy } from "../target-retry/target-retry";

/** An existing SQS standard queue for the runs a schedule could not start. */
export interface ExistingDeadLetterQueue {
  /** For a rule, its queue policy must let `events.amazonaws.com` send with `aws:SourceArn` =
   * the rule's ARN; a Scheduler schedule sends with its role, which is granted it here. */
  readonly queueArn: string;
}

/** When a job or workflow runs, and what happens to a run that cannot be started. */
export interface ScheduleOptions {
  /**
   * When it runs: `rate(value unit)` or six-field `cron(...)`; on Scheduler also a one-time
   * `at(yyyy-mm-ddThh:mm:ss)`. Read in UTC on a rule, in `timeZone` on Scheduler.
   */
  readonly expression: string;
  /** Whether the schedule fires. @default true */
  readonly enabled?: boolean;
  /** Retries of a start that failed (throttling, no capacity, IAM, bad subnet).
   * @default 185 attempts within 3600 s */
  readonly retryPolicy?: TargetRetryPolicy;
  /** Where runs that could not be started after the retries go: an encrypted SQS queue made here
   * (`<name>-dlq`, true), nowhere (false), or an existing queue.
   * @default true */
  readonly deadLetterQueue?: boolean | ExistingDeadLetterQueue;
}

/** A schedule on EventBridge Scheduler: time zones, flexible windows, start and end, `at(...)`. */
export interface SchedulerScheduleOptions extends ScheduleOptions, SchedulerTimeOptions {}

/**
 * Where a schedule runs: an EventBridge rule (the book's `aws_cloudwatch_event_rule`, in UTC) or an
 * EventBridge Scheduler schedule. Exactly one.
 */
export type ScheduleChoice =
  | { readonly rule: ScheduleOptions; readonly scheduler?: never }
  | { readonly scheduler: SchedulerScheduleOptions; readonly rule?: never };

/** A schedule: an expression alone, read as a rule in UTC with its defaults, or a choice. */
export type Schedule = string | ScheduleChoice;

/** The schedule as a choice: an expression alone is a rule. */
export function scheduleChoiceOf(schedule: Schedule): ScheduleChoice {
  return typeof schedule === "string" ? { rule: { expression: schedule } } : schedule;
}

/** The options of the chosen schedule, whichever it is. */
export function scheduleOptionsOf(choice: ScheduleChoice): ScheduleOptions {
  return choice.rule ?? choice.scheduler!;
}
