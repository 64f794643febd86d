import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import { DeadLetterQueue } from "../dead-letter-queue/dead-letter-queue";
import {
  EcsEventTarget,
  FargateRunOptions,
  TargetRetryPolicy,
} from "../ecs-event-target/ecs-event-target";
import { targetRetryPolicy } from "../ecs-event-target/fargate-task-parameters";
import { IamRole } from "../iam-role/iam-role";
import { PolicyStatement } from "../iam-role/policy-document";
import { ScheduleRule } from "../schedule-rule/schedule-rule";
import { SchedulerSchedule, SchedulerTimeOptions } from "../scheduler-schedule/scheduler-schedule";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import { invalid, isUnresolved } from "../validation/construct-validation";

/** When a job or workflow runs, and what happens to a run that cannot be started. */
export interface JobScheduleOptions {
  /**
   * When it runs: `rate(value unit)` or six-field `cron(...)`; with `scheduler`, also a one-time
   * `at(yyyy-mm-ddThh:mm:ss)`. Read in UTC on a rule, in `scheduler.timeZone` on Scheduler.
   */
  readonly scheduleExpression: string;
  /** Whether the schedule fires. @default true */
  readonly enabled?: boolean;
  /**
   * Run the schedule on EventBridge Scheduler instead of an EventBridge rule: an IANA time zone
   * (03:00 Asia/Tokyo is written as that), a flexible window, start and end dates, `at(...)`.
   * @default an EventBridge rule, in UTC (the book's `aws_cloudwatch_event_rule`)
   */
  readonly scheduler?: SchedulerTimeOptions;
  /** Retries of a start that failed (throttling, no capacity, IAM, bad subnet).
   * @default 185 attempts within 3600 s */
  readonly retryPolicy?: TargetRetryPolicy;
  /** Keep runs that could not be started, after the retries, in an encrypted SQS queue made here
   * (`<name>-dlq`). @default true, unless deadLetterQueueArn names an existing queue */
  readonly deadLetterQueue?: boolean;
  /** An existing SQS standard queue for runs that could not be started. For a rule its queue
   * policy must let `events.amazonaws.com` send with `aws:SourceArn` = the rule ARN.
   * @default a queue made here (see deadLetterQueue) */
  readonly deadLetterQueueArn?: string;
}

/** What a schedule starts: one ECS task, or a Step Functions state machine. */
export type ScheduleTarget =
  | {
      readonly ecsTask: Omit<FargateRunOptions, "retryPolicy" | "deadLetterQueueArn"> & {
        readonly clusterArn: string;
        readonly taskDefinitionArn: string;
      };
    }
  | { readonly stateMachineArn: string; readonly input?: string };

export interface JobScheduleProps extends JobScheduleOptions {
  /** Names the rule or schedule, its role (`<name>-events` / `<name>-scheduler`) and queue. */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
  readonly target: ScheduleTarget;
  /** What the role may do to start the target, e.g. RunTask on one family. */
  readonly startPermissions: readonly PolicyStatement[];
  /** Escape hatch: a role to assume instead of one made here. @default a least-privilege role */
  readonly roleArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The resources of a schedule, which are made in the scope of the job or workflow it starts. */
export interface JobSchedule {
  /** `rule` (EventBridge rule and target) or `scheduler` (EventBridge Scheduler schedule). */
  readonly kind: "rule" | "scheduler";
  readonly rule?: ScheduleRule;
  readonly ruleTarget?: EcsEventTarget | CloudwatchEventTarget;
  readonly schedulerSchedule?: SchedulerSchedule;
  /** The role made here; absent when roleArn was given. */
  readonly role?: IamRole;
  readonly roleArn: string;
  readonly deadLetterQueue?: DeadLetterQueue;
  readonly deadLetterQueueArn?: string;
}

/**
 * Adds the schedule of a job or workflow to `scope`: an EventBridge rule with its target, or an
 * EventBridge Scheduler schedule; a least-privilege role to start the target; an encrypted
 * dead-letter queue. The ids (`Rule`, `Target`, `EventsRole`, `Schedule`, `SchedulerRole`,
 * `DeadLetterQueue`) sit directly under `scope`, so a job's Terraform addresses do not depend on
 * this function.
 */
export function addJobSchedule(scope: Construct, props: JobScheduleProps): JobSchedule {
  const useScheduler = props.scheduler !== undefined;
  if (
    !useScheduler &&
    !isUnresolved(props.scheduleExpression) &&
    props.scheduleExpression?.startsWith("at(")
  ) {
    invalid(
      scope,
      "scheduleExpression",
      `'${props.scheduleExpression}' is a one-time schedule, which only EventBridge Scheduler runs: set scheduler (e.g. { timeZone: "Asia/Tokyo" })`,
    );
  }
  if (props.deadLetterQueue === true && props.deadLetterQueueArn !== undefined) {
    invalid(
      scope,
      "deadLetterQueue",
      "give either deadLetterQueue (a queue made here) or deadLetterQueueArn (an existing queue), not both",
    );
  }
  const deadLetterQueue =
    props.deadLetterQueueArn === undefined && props.deadLetterQueue !== false
      ? new DeadLetterQueue(scope, "DeadLetterQueue", {
          queueName: `${props.name}-dlq`,
          tags: props.tags,
        })
      : undefined;
  const deadLetterQueueArn = props.deadLetterQueueArn ?? deadLetterQueue?.queueArn;
  return useScheduler
    ? addSchedulerSchedule(scope, props, deadLetterQueue, deadLetterQueueArn)
    : addRule(scope, props, deadLetterQueue, deadLetterQueueArn);
}

function addRule(
  scope: Construct,
  props: JobScheduleProps,
  deadLetterQueue: DeadLetterQueue | undefined,
  deadLetterQueueArn: string | undefined,
): JobSchedule {
  const role = props.roleArn
    ? undefined
    : new IamRole(scope, "EventsRole", {
        name: `${props.name}-events`,
        identifier: "events.amazonaws.com",
        description: `EventBridge role that starts ${props.name} on its schedule and nothing else`,
        policy: { statements: props.startPermissions },
        tags: props.tags,
      });
  const roleArn = props.roleArn ?? role!.roleArn;
  const rule = new ScheduleRule(scope, "Rule", {
    name: props.name,
    description: props.description,
    scheduleExpression: props.scheduleExpression,
    enabled: props.enabled,
    tags: props.tags,
  });
  deadLetterQueue?.allowEventBridgeRule(rule.ruleArn);
  let ruleTarget: EcsEventTarget | CloudwatchEventTarget;
  if ("ecsTask" in props.target) {
    ruleTarget = new EcsEventTarget(scope, "Target", {
      ...props.target.ecsTask,
      ruleName: rule.ruleName,
      targetId: props.name,
      roleArn,
      retryPolicy: props.retryPolicy,
      deadLetterQueueArn,
    });
  } else {
    ruleTarget = new CloudwatchEventTarget(scope, "Target", {
      rule: rule.ruleName,
      targetId: props.name,
      arn: props.target.stateMachineArn,
      roleArn,
      input: props.target.input ?? "{}",
      retryPolicy: targetRetryPolicy(props.retryPolicy),
      deadLetterConfig: deadLetterQueueArn ? { arn: deadLetterQueueArn } : undefined,
    });
  }
  return { kind: "rule", rule, ruleTarget, role, roleArn, deadLetterQueue, deadLetterQueueArn };
}

function addSchedulerSchedule(
  scope: Construct,
  props: JobScheduleProps,
  deadLetterQueue: DeadLetterQueue | undefined,
  deadLetterQueueArn: string | undefined,
): JobSchedule {
  const groupName = props.scheduler?.groupName ?? "default";
  let role: IamRole | undefined;
  if (!props.roleArn) {
    const account = providerAccountId(scope);
    // Scheduler assumes the role with the schedule *group* as aws:SourceArn: AWS's confused
    // deputy guidance says to scope the condition to the group, never to one schedule.
    const groupArn = `arn:${providerPartition(scope)}:scheduler:${providerRegion(scope)}:${account}:schedule-group/${groupName}`;
    role = new IamRole(scope, "SchedulerRole", {
      name: `${props.name}-scheduler`,
      identifier: "scheduler.amazonaws.com",
      description: `EventBridge Scheduler role that starts ${props.name} on its schedule and nothing else`,
      // Only this account's schedules of the group may assume the role (confused deputy).
      trustConditions: {
        StringEquals: { "aws:SourceAccount": account },
        ArnEquals: { "aws:SourceArn": groupArn },
      },
      policy: {
        statements: [
          ...props.startPermissions,
          // Scheduler sends to the dead-letter queue with the schedule's role.
          ...(deadLetterQueueArn
            ? [
                {
                  sid: "SendUnstartedRunsToDeadLetterQueue",
                  actions: ["sqs:SendMessage"],
                  resources: [deadLetterQueueArn],
                },
              ]
            : []),
        ],
      },
      tags: props.tags,
    });
  }
  const roleArn = props.roleArn ?? role!.roleArn;
  const schedulerSchedule = new SchedulerSchedule(scope, "Schedule", {
    ...props.scheduler,
    name: props.name,
    description: props.description,
    scheduleExpression: props.scheduleExpression,
    enabled: props.enabled,
    roleArn,
    ...("ecsTask" in props.target
      ? { ecsTask: props.target.ecsTask }
      : { stateMachineArn: props.target.stateMachineArn, input: props.target.input }),
    retryPolicy: props.retryPolicy,
    deadLetterQueueArn,
  });
  return {
    kind: "scheduler",
    schedulerSchedule,
    role,
    roleArn,
    deadLetterQueue,
    deadLetterQueueArn,
  };
}
