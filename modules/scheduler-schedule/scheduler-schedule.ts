import { SchedulerSchedule as SchedulerScheduleResource } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { JobRun } from "../job-run/job-run";
import { validateJobRun } from "../job-run/job-run-validation";
import { schedulerTargetOf } from "../job-run/render-job-run";
import { scheduleState } from "../schedule-rule/schedule-rule";
import {
  TargetRetryProps,
  targetRetryPolicy,
  validateTargetRetry,
} from "../target-retry/target-retry";
import {
  invalid,
  isUnresolved,
  validateField,
  validateIntegerRange,
} from "../validation/construct-validation";
import {
  isRealDateTime,
  SCHEDULER_LIMITS,
  validateSchedulerExpression,
  validateSchedulerName,
  validateTimeZone,
} from "../validation/scheduler-schedule";

/** The time zone a Scheduler schedule reads its expression in when it names none. */
export const DEFAULT_SCHEDULER_TIME_ZONE = "UTC";

/** When and how a Scheduler schedule fires: the options a rule does not have. */
export interface SchedulerTimeOptions {
  /** IANA time zone the cron/at expression is read in, e.g. "Asia/Tokyo"; Scheduler follows
   * its daylight saving time.
   * @default "UTC" */
  readonly timeZone?: string;
  /** Let Scheduler start the run up to this many minutes late, to spread load (1-1440).
   * @default off: runs start on time */
  readonly flexibleTimeWindowMinutes?: number;
  /** First time a recurring schedule may fire: RFC 3339 with whole seconds and a zone (`Z` or
   * `+hh:mm`), e.g. "2026-12-01T00:00:00+09:00". Written in UTC, as AWS reports it back.
   * @default now */
  readonly startDate?: string;
  /** Last time a recurring schedule may fire, RFC 3339 like `startDate`.
   * @default no end */
  readonly endDate?: string;
  /** Schedule group: 1-64 letters, digits, `.`, `-`, `_`.
   * @default "default" */
  readonly groupName?: string;
}

/**
 * What a schedule (a rule's target or a Scheduler schedule) starts: an ECS task, as a job's run
 * describes it, or a Step Functions state machine. Exactly one.
 */
export type ScheduleTarget =
  | { readonly ecsTask: JobRun; readonly stateMachineArn?: never; readonly input?: never }
  | {
      /** ARN of the state machine to start. */
      readonly stateMachineArn: string;
      /** Input of each execution, as JSON text.
       * @default "{}" */
      readonly input?: string;
      readonly ecsTask?: never;
    };

export interface SchedulerScheduleProps extends SchedulerTimeOptions, TargetRetryProps {
  /** Schedule name: 1-64 letters, digits, `.`, `-`, `_`, unique in its group. */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
  /** `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or six-field `cron(...)`, read in `timeZone`. */
  readonly scheduleExpression: string;
  /** Whether the schedule fires.
   * @default true */
  readonly enabled?: boolean;
  /** ARN of the role Scheduler assumes to start the target (and to send to the DLQ). */
  readonly roleArn: string;
  /** What the schedule starts. */
  readonly target: ScheduleTarget;
}

const RFC3339 =
  /^([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})(Z|([+-])([0-9]{2}):([0-9]{2}))$/;
const STATE_MACHINE_ARN =
  /^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[^:\s]+(:[^:\s]+)?$/;

/**
 * An EventBridge Scheduler schedule (`aws_scheduler_schedule`) that starts an ECS task on
 * Fargate or a Step Functions state machine. Unlike a rule it reads its expression in a time
 * zone, takes one-time `at(...)` schedules, start and end dates and a flexible time window.
 */
export class SchedulerSchedule extends Construct {
  /** The `aws_scheduler_schedule`. */
  readonly resource: SchedulerScheduleResource;
  readonly scheduleArn: string;
  readonly scheduleName: string;

  constructor(scope: Construct, id: string, props: SchedulerScheduleProps) {
    super(scope, id);
    this.validateProps(props);
    const target = props.target;
    const windowMinutes = props.flexibleTimeWindowMinutes;

    this.resource = new SchedulerScheduleResource(this, "Resource", {
      name: props.name,
      groupName: props.groupName,
      description: props.description,
      scheduleExpression: props.scheduleExpression,
      // Set even when it is the default, so plans show the zone the expression is read in.
      scheduleExpressionTimezone: props.timeZone ?? DEFAULT_SCHEDULER_TIME_ZONE,
      startDate: props.startDate === undefined ? undefined : inUtc(props.startDate),
      endDate: props.endDate === undefined ? undefined : inUtc(props.endDate),
      state: scheduleState(props.enabled),
      flexibleTimeWindow:
        windowMinutes === undefined
          ? { mode: "OFF" }
          : { mode: "FLEXIBLE", maximumWindowInMinutes: windowMinutes },
      target: {
        ...(target.ecsTask
          ? schedulerTargetOf(target.ecsTask)
          : { arn: target.stateMachineArn, input: target.input ?? "{}" }),
        roleArn: props.roleArn,
        retryPolicy: targetRetryPolicy(props.retryPolicy),
        deadLetterConfig: props.deadLetterQueueArn ? { arn: props.deadLetterQueueArn } : undefined,
      },
    });
    this.scheduleArn = this.resource.arn;
    this.scheduleName = this.resource.name;
  }

  private validateProps(props: SchedulerScheduleProps): void {
    validateField(this, "name", props.name, validateSchedulerName);
    validateField(this, "groupName", props.groupName, validateSchedulerName);
    validateField(this, "description", props.description, (description) => {
      if (description.length > 512) {
        throw new Error(`it has ${description.length} characters; at most 512 are allowed`);
      }
    });
    validateField(
      this,
      "scheduleExpression",
      props.scheduleExpression,
      validateSchedulerExpression,
    );
    validateField(this, "timeZone", props.timeZone, validateTimeZone);
    const { flexibleTimeWindowMinutes } = SCHEDULER_LIMITS;
    validateIntegerRange(
      this,
      "flexibleTimeWindowMinutes",
      props.flexibleTimeWindowMinutes,
      flexibleTimeWindowMinutes.min,
      flexibleTimeWindowMinutes.max,
    );
    this.validateDates(props);

    const target = props.target;
    if (target.ecsTask) {
      validateJobRun(this, target.ecsTask, "target.ecsTask.");
    }
    validateField(this, "target.stateMachineArn", target.stateMachineArn, (arn) => {
      if (!STATE_MACHINE_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)`,
        );
      }
    });
    validateField(this, "target.input", target.input, (input) => {
      try {
        JSON.parse(input);
      } catch (error) {
        throw new Error(`it is not valid JSON (${(error as Error).message})`, { cause: error });
      }
    });
    validateTargetRetry(this, props);
  }

  private validateDates(props: SchedulerScheduleProps): void {
    validateField(this, "startDate", props.startDate, validateRfc3339);
    validateField(this, "endDate", props.endDate, validateRfc3339);
    const expression = props.scheduleExpression;
    if (!isUnresolved(expression) && expression.startsWith("at(")) {
      const dated = (["startDate", "endDate"] as const).find((d) => props[d] !== undefined);
      if (dated) {
        invalid(
          this,
          dated,
          `a one-time schedule ${expression} fires once at its own time: startDate and endDate only bound recurring rate(...) and cron(...) schedules`,
        );
      }
    }
    const { startDate, endDate } = props;
    if (
      startDate !== undefined &&
      endDate !== undefined &&
      !isUnresolved(startDate) &&
      !isUnresolved(endDate) &&
      Date.parse(endDate) <= Date.parse(startDate)
    ) {
      invalid(this, "endDate", `'${endDate}' is not after startDate '${startDate}'`);
    }
  }
}

/**
 * Throws an Error quoting the value unless it is an RFC 3339 date and time with whole seconds and
 * a zone, that exists. Fractions of a second are refused: AWS keeps whole seconds, so the value
 * would differ from what it reports back at every plan.
 */
function validateRfc3339(value: string): void {
  const match = RFC3339.exec(value);
  if (!match) {
    throw new Error(
      `'${value}' is not an RFC 3339 date and time: write yyyy-mm-ddThh:mm:ss with whole seconds and a zone, 'Z' or '+hh:mm', e.g. 2026-12-01T00:00:00+09:00`,
    );
  }
  const [offsetHours, offsetMinutes] = [match[9], match[10]].map(Number);
  const exists =
    isRealDateTime(match.slice(1, 7).map(Number)) &&
    (match[7] === "Z" || (offsetHours <= 23 && offsetMinutes <= 59));
  if (!exists) {
    throw new Error(`'${value}' is not valid: there is no such date, time or zone offset`);
  }
}

/**
 * A valid RFC 3339 date in UTC (`...Z`), the form the AWS provider reads back; a date with an
 * offset would show as changed at every plan. References are left to Terraform.
 */
function inUtc(value: string): string {
  if (isUnresolved(value)) {
    return value;
  }
  return new Date(Date.parse(value)).toISOString().replace(/\.000Z$/, "Z");
}
