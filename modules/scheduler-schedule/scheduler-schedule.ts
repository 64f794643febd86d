import { SchedulerSchedule as SchedulerScheduleResource } from "@cdktf/provider-aws/lib/scheduler-schedule";
import { Construct } from "constructs";
import { FargateRunOptions, TargetRetryPolicy } from "../ecs-event-target/ecs-event-target";
import {
  fargateTaskParameters,
  targetRetryPolicy,
} from "../ecs-event-target/fargate-task-parameters";
import { scheduleState } from "../schedule-rule/schedule-rule";
import {
  validateDeadLetterQueueArn,
  validateFargateTaskRunOptions,
  validateTargetRetryPolicy,
} from "../ecs-event-target/fargate-run-validation";
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

/** An ECS task on Fargate as a Scheduler target. */
export interface SchedulerEcsTarget extends Omit<
  FargateRunOptions,
  "retryPolicy" | "deadLetterQueueArn"
> {
  /** ARN of the ECS cluster the task runs in. */
  readonly clusterArn: string;
  /** ARN of the task definition to run (with revision, or a family ARN for the latest revision). */
  readonly taskDefinitionArn: string;
}

export interface SchedulerScheduleProps extends SchedulerTimeOptions {
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
  /** The ECS task to run. Give exactly one of `ecsTask` and `stateMachineArn`.
   * @default no ECS target */
  readonly ecsTask?: SchedulerEcsTarget;
  /** ARN of the Step Functions state machine to start. Give exactly one of `ecsTask` and
   * `stateMachineArn`.
   * @default no state machine target */
  readonly stateMachineArn?: string;
  /** Input of each execution of a state machine target, as JSON text.
   * @default "{}" */
  readonly input?: string;
  /** Retries of a target that could not be started.
   * @default 185 attempts within 3600 s, as for EcsEventTarget */
  readonly retryPolicy?: TargetRetryPolicy;
  /** ARN of a standard SQS queue that receives the runs that could not be started. The role must
   * be allowed to `sqs:SendMessage` to it.
   * @default no dead-letter queue */
  readonly deadLetterQueueArn?: string;
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
    const ecsTask = props.ecsTask;
    const windowMinutes = props.flexibleTimeWindowMinutes;

    this.resource = new SchedulerScheduleResource(this, "Resource", {
      name: props.name,
      groupName: props.groupName,
      description: props.description,
      scheduleExpression: props.scheduleExpression,
      // Set even when it is the default, so plans show the zone the expression is read in.
      scheduleExpressionTimezone: props.timeZone ?? "UTC",
      startDate: props.startDate === undefined ? undefined : inUtc(props.startDate),
      endDate: props.endDate === undefined ? undefined : inUtc(props.endDate),
      state: scheduleState(props.enabled),
      flexibleTimeWindow:
        windowMinutes === undefined
          ? { mode: "OFF" }
          : { mode: "FLEXIBLE", maximumWindowInMinutes: windowMinutes },
      target: {
        arn: ecsTask ? ecsTask.clusterArn : props.stateMachineArn!,
        roleArn: props.roleArn,
        input: ecsTask ? undefined : (props.input ?? "{}"),
        ecsParameters: ecsTask
          ? fargateTaskParameters(ecsTask.taskDefinitionArn, ecsTask)
          : undefined,
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

    if (props.ecsTask && props.stateMachineArn !== undefined) {
      invalid(this, "stateMachineArn", "give either ecsTask or stateMachineArn, not both");
    }
    if (!props.ecsTask && props.stateMachineArn === undefined) {
      invalid(this, "ecsTask", "the schedule needs a target: give ecsTask or stateMachineArn");
    }
    if (props.ecsTask) {
      validateFargateTaskRunOptions(this, props.ecsTask, "ecsTask.");
      if (props.input !== undefined) {
        invalid(
          this,
          "input",
          "it is passed to a state machine target only; an ECS task takes its settings from its task definition",
        );
      }
    }
    validateField(this, "stateMachineArn", props.stateMachineArn, (arn) => {
      if (!STATE_MACHINE_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME)`,
        );
      }
    });
    validateField(this, "input", props.input, (input) => {
      try {
        JSON.parse(input);
      } catch (error) {
        throw new Error(`it is not valid JSON (${(error as Error).message})`, { cause: error });
      }
    });
    validateTargetRetryPolicy(this, props.retryPolicy);
    validateField(this, "deadLetterQueueArn", props.deadLetterQueueArn, validateDeadLetterQueueArn);
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
