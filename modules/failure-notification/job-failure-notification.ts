import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { familyArnPrefix } from "../ecs-arns/ecs-arns";
import { invalidBeyondRepair, validateField } from "../validation/construct-validation";
import {
  validateContainerName,
  validateLogGroupName,
  validateRuleName,
  validateTaskFamily,
} from "../validation/names";
import { FailureDestination, NoticeFilterTarget } from "./failure-destination";
import { jobStoppedPattern } from "./failure-event-pattern";
import { FailureTopic } from "./failure-topic";
import { addScheduleFailureAlarms } from "./schedule-failure-alarms";
import { noticeFilterInputTemplate } from "./task-notice";

/** Who hears of a job's (or a workflow's) failures. */
export interface JobFailureNotificationOptions {
  /** The topic (and Slack channel) that failures are sent to. */
  readonly topic: FailureTopic;
  /** The environment named in messages, e.g. "prod". @default none */
  readonly environment?: string;
}

export interface JobFailureNotificationProps {
  /** The job, as named in messages; names the rule `<jobName>-failed`. Letters, digits, `-`, `_`. */
  readonly jobName: string;
  /** The environment named in messages, e.g. "prod".
   * @default no environment in messages */
  readonly environment?: string;
  /** ARN of the ECS cluster the job runs in. */
  readonly clusterArn: string;
  /** Task definition family = the job name for BatchJob. */
  readonly family: string;
  /** The job's essential container: its exit code is the job's result, whatever other containers
   * the task holds (sidecars, or agents AWS adds, such as GuardDuty's). */
  readonly containerName: string;
  /** The job's log group, for the link to a run's log in notices. */
  readonly logGroupName: string;
  /** The awslogs stream prefix of the job's containers.
   * @default "batch" */
  readonly logStreamPrefix?: string;
  /** With a FireLens log router: where it sends the job's output (its output plugin), named in
   * notices instead of a link to the job container's log stream.
   * @default the job's output is in its log group */
  readonly logRouterDestination?: string;
  /** Whether running the job again is harmless, as notices say. @default false */
  readonly safeToRerun?: boolean;
  /** How to run the job again, as notices say, e.g. `ecs-batch run report --env prod`.
   * @default run the task definition family again with aws ecs run-task */
  readonly rerunCommand?: string;
  /** Where notices go: the topics, and the notice filter that reads the job's stopped tasks. */
  readonly topic: FailureDestination;
  /** Name of the schedule rule that starts the job: a CloudWatch alarm on its FailedInvocations
   * metric (RunTask failed: capacity, IAM, bad subnet) notifies the same topic.
   * @default no invocation alarm */
  readonly scheduleRuleName?: string;
  /** An SQS dead-letter queue of the job's schedule: an alarm when it holds messages (a run could
   * not be started even after retries).
   * @default no alarm */
  readonly deadLetterQueueName?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** An ECS cluster ARN: the failure rule matches the cluster of the job's events exactly. */
export const CLUSTER_ARN = /^arn:aws[a-z-]*:ecs:[a-z0-9-]+:[0-9]{12}:cluster\/[A-Za-z0-9_-]+$/;
const STREAM_PREFIX = /^[A-Za-z0-9._/-]{1,256}$/;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** Written into the rule target's input template: `<` `>` mark placeholders, quotes and
 * backslashes escape. */
const TEMPLATE_TEXT = /^[^<>"\\\p{Cc}]{1,256}$/u;

/** EventBridge's own retry limits, written out: a late notice is still worth sending. */
const NOTICE_RETRY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

/**
 * Tells people when a run of a batch job failed; ECS scheduled tasks never report a result.
 *
 * An EventBridge rule on the job's stopped tasks (its cluster, any revision of its family: however
 * the task was started) sends each one, with the job's description, to the environment's notice
 * filter (a `FailureNoticeFilter`, shared by every job of the topic). The filter decides by the
 * job's own container, found by name, and sends one notice per failed task. Alarms add the runs
 * that never started: the schedule rule's failed invocations and messages in its dead-letter queue.
 */
export class JobFailureNotification extends Construct {
  /** The `aws_cloudwatch_event_rule` on the job's stopped tasks. */
  readonly rule: CloudwatchEventRule;
  readonly ruleName: string;
  /** The rule's target: the notice filter. */
  readonly target: CloudwatchEventTarget;
  /** The filter the rule sends the job's stopped tasks to. */
  readonly noticeFilter: NoticeFilterTarget;
  /** With scheduleRuleName: the alarm on runs the schedule could not start. */
  readonly invocationAlarm?: CloudwatchMetricAlarm;
  /** With deadLetterQueueName: the alarm on runs left in the dead-letter queue. */
  readonly deadLetterAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: JobFailureNotificationProps) {
    super(scope, id);
    this.validateProps(props);
    const tags = props.tags ? { ...props.tags } : undefined;
    const jobInEnvironment =
      props.environment !== undefined
        ? `${props.jobName} (environment ${props.environment})`
        : props.jobName;
    this.noticeFilter = props.topic.noticeFilter!();

    this.rule = new CloudwatchEventRule(this, "Rule", {
      name: `${props.jobName}-failed`,
      description: `Stopped tasks of batch job ${props.jobName}, for the failure notice filter`,
      eventPattern: JSON.stringify(
        jobStoppedPattern({
          clusterArn: props.clusterArn,
          taskDefinitionArnPrefix: familyArnPrefix(this, props.clusterArn, props.family),
        }),
      ),
      tags,
    });
    this.ruleName = this.rule.name;
    this.target = new CloudwatchEventTarget(this, "FilterTarget", {
      rule: this.rule.name,
      targetId: "notice-filter",
      arn: this.noticeFilter.stateMachineArn,
      roleArn: this.noticeFilter.eventsRoleArn,
      inputTransformer: {
        inputTemplate: noticeFilterInputTemplate({
          name: props.jobName,
          environment: props.environment,
          clusterArn: props.clusterArn,
          family: props.family,
          container: props.containerName,
          logGroupName: props.logGroupName,
          logStreamPrefix: props.logStreamPrefix ?? "batch",
          logRouterDestination: props.logRouterDestination,
          safeToRerun: props.safeToRerun ?? false,
          rerun:
            props.rerunCommand ??
            `aws ecs run-task --cluster ${props.clusterArn} --task-definition ${props.family} (with the job's network configuration)`,
        }),
      },
      retryPolicy: NOTICE_RETRY,
    });

    const alarms = addScheduleFailureAlarms(this, {
      name: props.jobName,
      subject: `batch job ${jobInEnvironment}`,
      topic: props.topic,
      scheduleRuleName: props.scheduleRuleName,
      deadLetterQueueName: props.deadLetterQueueName,
      tags,
    });
    this.invocationAlarm = alarms.invocationAlarm;
    this.deadLetterAlarm = alarms.deadLetterAlarm;
  }

  private validateProps(props: JobFailureNotificationProps): void {
    validateField(this, "jobName", props.jobName, (name) => {
      if (!/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new Error(`job name '${name}' may contain only letters, digits, '-' and '_'`);
      }
      validateRuleName(`${name}-failed`);
    });
    for (const field of ["environment", "logRouterDestination", "rerunCommand"] as const) {
      validateField(this, field, props[field], (text) => {
        if (/[$%]\{/.test(text)) {
          throw new Error(
            `'${text}' must not contain '\${' or '%{': Terraform would read it as its own expression`,
          );
        }
        if (!TEMPLATE_TEXT.test(text)) {
          throw new Error(
            `'${text}' must have 1-256 characters and no '<', '>', '"', '\\' or control characters: it is written into the rule target's input template`,
          );
        }
      });
    }
    validateField(this, "clusterArn", props.clusterArn, (arn) => {
      if (!CLUSTER_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME): the event pattern matches it exactly`,
        );
      }
    });
    if (props.topic.noticeFilter === undefined) {
      invalidBeyondRepair(
        this,
        "topic",
        "it has no notice filter (noticeFilter()): give a FailureTopic, or a destination with the filter of the failure-notification module",
      );
    }
    validateField(this, "family", props.family, validateTaskFamily);
    validateField(this, "containerName", props.containerName, validateContainerName);
    validateField(this, "logGroupName", props.logGroupName, validateLogGroupName);
    validateField(this, "logStreamPrefix", props.logStreamPrefix, (prefix) => {
      if (!STREAM_PREFIX.test(prefix)) {
        throw new Error(
          `log stream prefix '${prefix}' may contain only letters, digits, '.', '_', '-' and '/'`,
        );
      }
    });
    validateField(this, "scheduleRuleName", props.scheduleRuleName, validateRuleName);
    validateField(this, "deadLetterQueueName", props.deadLetterQueueName, (queue) => {
      if (!QUEUE_NAME.test(queue)) {
        throw new Error(
          `queue name '${queue}' is not valid: it must have 1-80 characters, only letters, digits, '-' and '_'`,
        );
      }
    });
  }
}
