import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import { DeadLetterQueue } from "../dead-letter-queue/dead-letter-queue";
import { EcsEventTarget } from "../ecs-event-target/ecs-event-target";
import { IamRole } from "../iam-role/iam-role";
import { PolicyStatement } from "../iam-role/policy-document";
import { ScheduleRule } from "../schedule-rule/schedule-rule";
import { ScheduleTarget, SchedulerSchedule } from "../scheduler-schedule/scheduler-schedule";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import { targetRetryPolicy } from "../target-retry/target-retry";
import { invalid, isUnresolved } from "../validation/construct-validation";
import { Schedule, scheduleChoiceOf, ScheduleOptions, scheduleOptionsOf } from "./schedule-options";

export interface JobScheduleProps {
  /** Names the rule or schedule, its role (`<name>-events` / `<name>-scheduler`) and queue. */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
  /** When it runs, on a rule or on Scheduler. */
  readonly schedule: Schedule;
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

/** The queue a schedule's failed starts go to: made here, existing, or none. */
function deadLetterQueueOf(
  scope: Construct,
  props: JobScheduleProps,
  options: ScheduleOptions,
): { queue?: DeadLetterQueue; arn?: string } {
  const choice = options.deadLetterQueue ?? true;
  if (choice === false) {
    return {};
  }
  if (choice === true) {
    const queue = new DeadLetterQueue(scope, "DeadLetterQueue", {
      queueName: `${props.name}-dlq`,
      tags: props.tags,
    });
    return { queue, arn: queue.queueArn };
  }
  return { arn: choice.queueArn };
}

/**
 * Adds the schedule of a job or workflow to `scope`: an EventBridge rule with its target, or an
 * EventBridge Scheduler schedule; a least-privilege role to start the target; an encrypted
 * dead-letter queue. The ids (`Rule`, `Target`, `EventsRole`, `Schedule`, `SchedulerRole`,
 * `DeadLetterQueue`) sit directly under `scope`, so a job's Terraform addresses do not depend on
 * this function.
 */
export function addJobSchedule(scope: Construct, props: JobScheduleProps): JobSchedule {
  const choice = scheduleChoiceOf(props.schedule);
  const options = scheduleOptionsOf(choice);
  if (choice.rule && !isUnresolved(options.expression) && options.expression.startsWith("at(")) {
    invalid(
      scope,
      "schedule.rule.expression",
      `'${options.expression}' is a one-time schedule, which only EventBridge Scheduler runs: use schedule: { scheduler: { expression, timeZone } }`,
    );
  }
  const deadLetterQueue = deadLetterQueueOf(scope, props, options);
  return choice.scheduler
    ? addSchedulerSchedule(scope, props, deadLetterQueue)
    : addRule(scope, props, options, deadLetterQueue);
}

function addRule(
  scope: Construct,
  props: JobScheduleProps,
  options: ScheduleOptions,
  deadLetterQueue: { queue?: DeadLetterQueue; arn?: string },
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
    scheduleExpression: options.expression,
    enabled: options.enabled,
    tags: props.tags,
  });
  deadLetterQueue.queue?.allowEventBridgeRule(rule.ruleArn);
  const target = props.target;
  const ruleTarget = target.ecsTask
    ? new EcsEventTarget(scope, "Target", {
        run: target.ecsTask,
        ruleName: rule.ruleName,
        targetId: props.name,
        roleArn,
        retryPolicy: options.retryPolicy,
        deadLetterQueueArn: deadLetterQueue.arn,
      })
    : new CloudwatchEventTarget(scope, "Target", {
        rule: rule.ruleName,
        targetId: props.name,
        arn: target.stateMachineArn,
        roleArn,
        input: target.input ?? "{}",
        retryPolicy: targetRetryPolicy(options.retryPolicy),
        deadLetterConfig: deadLetterQueue.arn ? { arn: deadLetterQueue.arn } : undefined,
      });
  return {
    kind: "rule",
    rule,
    ruleTarget,
    role,
    roleArn,
    deadLetterQueue: deadLetterQueue.queue,
    deadLetterQueueArn: deadLetterQueue.arn,
  };
}

function addSchedulerSchedule(
  scope: Construct,
  props: JobScheduleProps,
  deadLetterQueue: { queue?: DeadLetterQueue; arn?: string },
): JobSchedule {
  const options = scheduleChoiceOf(props.schedule).scheduler!;
  const groupName = options.groupName ?? "default";
  const deadLetterQueueArn = deadLetterQueue.arn;
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
    name: props.name,
    description: props.description,
    scheduleExpression: options.expression,
    timeZone: options.timeZone,
    flexibleTimeWindowMinutes: options.flexibleTimeWindowMinutes,
    startDate: options.startDate,
    endDate: options.endDate,
    groupName: options.groupName,
    enabled: options.enabled,
    roleArn,
    target: props.target,
    retryPolicy: options.retryPolicy,
    deadLetterQueueArn,
  });
  return {
    kind: "scheduler",
    schedulerSchedule,
    role,
    roleArn,
    deadLetterQueue: deadLetterQueue.queue,
    deadLetterQueueArn,
  };
}
