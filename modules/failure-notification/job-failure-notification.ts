import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { SfnStateMachine } from "@cdktf/provider-aws/lib/sfn-state-machine";
import { Construct } from "constructs";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import {
  publishToEncryptedTopicsStatements,
  stateMachineLoggingStatement,
  stateMachineTracingStatement,
} from "../iam-role/step-functions-statements";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { invalid, validateField } from "../validation/construct-validation";
import {
  validateContainerName,
  validateIamRoleName,
  validateLogGroupName,
  validateRuleName,
  validateTaskFamily,
} from "../validation/names";
import { failureMessageInputTransformer, jobFailurePattern } from "./failure-event-pattern";
import { FailureDestination, FailureTopic } from "./failure-topic";
import { addScheduleFailureAlarms } from "./schedule-failure-alarms";
import { resultFilterDefinition, resultFilterInputTemplate } from "./result-filter-definition";

/** Who hears of a job's (or a workflow's) failures. */
export interface JobFailureNotificationOptions {
  /** The topic (and Slack channel) that failures are sent to. */
  readonly topic: FailureTopic;
  /** The environment named in messages, e.g. "prod". @default none */
  readonly environment?: string;
}

export interface JobFailureNotificationProps {
  /** The job, as named in messages; names the rule `<jobName>-failed` and, with sidecars, the
   * result filter `<jobName>-result-filter`. Letters, digits, `-`, `_`. */
  readonly jobName: string;
  /** The environment named in messages, e.g. "prod".
   * @default no environment in messages */
  readonly environment?: string;
  /** ARN of the ECS cluster the job runs in. */
  readonly clusterArn: string;
  /** Task definition family = the job name for BatchJob. */
  readonly family: string;
  /** The job's essential container: its exit code is the job's result. */
  readonly containerName: string;
  /** Whether the task has containers besides the job's own; then a result filter reads each
   * stopped task to find the job container's exit code (see {@link jobFailurePattern}). */
  readonly hasSidecars: boolean;
  /** The job's log group, for the link in messages. */
  readonly logGroupName: string;
  /** The awslogs stream prefix of the job's containers.
   * @default "batch" */
  readonly logStreamPrefix?: string;
  /** Region of the log group, for the link in messages. */
  readonly region: string;
  /** Where notices go: every delivery topic, each in its format. */
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
const REGION = /^[a-z]{2}(-[a-z]+)+-[0-9]+$/;
const STREAM_PREFIX = /^[A-Za-z0-9._/-]{1,256}$/;
const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
/** Messages are EventBridge templates: `<` `>` mark placeholders, quotes and backslashes escape. */
const ENVIRONMENT = /^[^<>"\\\p{Cc}]{1,64}$/u;

/** The resources of a result filter. */
interface ResultFilter {
  readonly stateMachine: SfnStateMachine;
  readonly role: IamRole;
  readonly eventsRole: IamRole;
  readonly logGroup: JobLogGroup;
  readonly target: CloudwatchEventTarget;
}

/** EventBridge's own retry limits, written out: a late notice is still worth sending. */
const NOTICE_RETRY = { maximumRetryAttempts: 185, maximumEventAgeInSeconds: 86400 };

/**
 * Tells people when a run of a batch job failed; ECS scheduled tasks never report a result.
 *
 * An EventBridge rule on the job's "ECS Task State Change" events sends a notice to every topic of
 * a {@link FailureTopic}: directly through input transformers when the task has only the job's
 * container, through a small Express state machine that finds the job's container by name when it
 * has sidecars. Alarms add the runs that never started: the schedule rule's failed invocations and
 * messages in its dead-letter queue.
 */
export class JobFailureNotification extends Construct {
  /** The `aws_cloudwatch_event_rule` on the job's stopped tasks. */
  readonly rule: CloudwatchEventRule;
  readonly ruleName: string;
  /** The rule's targets: one per delivery topic, or the result filter. */
  readonly targets: readonly CloudwatchEventTarget[];
  /** With sidecars: the state machine that reads the job container's exit code. */
  readonly resultFilter?: SfnStateMachine;
  /** With sidecars: the result filter's role. */
  readonly resultFilterRole?: IamRole;
  /** With sidecars: the role EventBridge assumes to start the result filter. */
  readonly filterEventsRole?: IamRole;
  /** With sidecars: the result filter's error log. */
  readonly resultFilterLogGroup?: JobLogGroup;
  /** With scheduleRuleName: the alarm on runs the schedule could not start. */
  readonly invocationAlarm?: CloudwatchMetricAlarm;
  /** With deadLetterQueueName: the alarm on runs left in the dead-letter queue. */
  readonly deadLetterAlarm?: CloudwatchMetricAlarm;

  constructor(scope: Construct, id: string, props: JobFailureNotificationProps) {
    super(scope, id);
    this.validateProps(props);
    const tags = props.tags ? { ...props.tags } : undefined;
    const logStreamPrefix = props.logStreamPrefix ?? "batch";
    const deliveries = props.topic.deliveries;
    const jobInEnvironment =
      props.environment !== undefined
        ? `${props.jobName} (environment ${props.environment})`
        : props.jobName;

    this.rule = new CloudwatchEventRule(this, "Rule", {
      name: `${props.jobName}-failed`,
      description: props.hasSidecars
        ? `Every stopped task of batch job ${props.jobName}, for its result filter`
        : `Failed runs of batch job ${props.jobName}: non-zero exit, killed, or not started`,
      eventPattern: JSON.stringify(
        jobFailurePattern({
          clusterArn: props.clusterArn,
          family: props.family,
          hasSidecars: props.hasSidecars,
        }),
      ),
      tags,
    });
    this.ruleName = this.rule.name;

    if (!props.hasSidecars) {
      // SNS targets need no role: the topic policy lets events.amazonaws.com publish.
      this.targets = deliveries.map(
        (delivery) =>
          new CloudwatchEventTarget(
            this,
            delivery.format === "text" ? "TextTarget" : "ChatTarget",
            {
              rule: this.rule.name,
              targetId: `notify-${delivery.format}`,
              arn: delivery.topicArn,
              inputTransformer: failureMessageInputTransformer(this, {
                jobName: props.jobName,
                environment: props.environment,
                region: props.region,
                logGroupName: props.logGroupName,
                logStreamPrefix,
                containerName: props.containerName,
                format: delivery.format,
              }),
              retryPolicy: NOTICE_RETRY,
            },
          ),
      );
    } else {
      const filter = this.resultFilterOf(props, logStreamPrefix, tags);
      this.resultFilter = filter.stateMachine;
      this.resultFilterRole = filter.role;
      this.filterEventsRole = filter.eventsRole;
      this.resultFilterLogGroup = filter.logGroup;
      this.targets = [filter.target];
    }

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

  /** The Express state machine that reads the job container's exit code, and its target. */
  private resultFilterOf(
    props: JobFailureNotificationProps,
    logStreamPrefix: string,
    tags: Record<string, string> | undefined,
  ): ResultFilter {
    const name = `${props.jobName}-result-filter`;
    const deliveries = props.topic.deliveries;
    const logGroup = new JobLogGroup(this, "ResultFilterLogGroup", {
      jobName: name,
      // The vended-logs prefix keeps Step Functions' log resource policy small.
      logGroupName: `/aws/vendedlogs/states/${name}`,
      tags: props.tags,
    });
    const role = new IamRole(this, "ResultFilterRole", {
      name,
      identifier: "states.amazonaws.com",
      description: `Result filter of batch job ${props.jobName}: publishes its failure notices`,
      policy: {
        statements: [
          ...publishToEncryptedTopicsStatements(
            deliveries.map((d) => d.topicArn),
            props.topic.kmsKeyArn!,
          ),
          stateMachineLoggingStatement(),
          stateMachineTracingStatement(),
        ],
      },
      tags: props.tags,
    });
    const stateMachine = new SfnStateMachine(this, "ResultFilter", {
      name,
      type: "EXPRESS",
      roleArn: role.roleArn,
      definition: resultFilterDefinition(props.jobName, deliveries),
      loggingConfiguration: {
        logDestination: `${logGroup.logGroupArn}:*`,
        level: "ERROR",
        includeExecutionData: true,
      },
      tracingConfiguration: { enabled: true },
      tags,
      // Step Functions checks at creation that the role may deliver logs to the log group.
      dependsOn: [role.attachment],
    });
    const eventsRole = new IamRole(this, "FilterEventsRole", {
      name: `${props.jobName}-filter-events`,
      identifier: "events.amazonaws.com",
      description: `EventBridge role that starts the result filter of batch job ${props.jobName}`,
      policy: {
        statements: [
          {
            sid: "StartResultFilter",
            actions: ["states:StartExecution"],
            resources: [stateMachine.arn],
          },
        ],
      },
      tags: props.tags,
    });
    const target = new CloudwatchEventTarget(this, "FilterTarget", {
      rule: this.rule.name,
      targetId: "result-filter",
      arn: stateMachine.arn,
      roleArn: eventsRole.roleArn,
      inputTransformer: {
        inputTemplate: resultFilterInputTemplate({
          job: props.jobName,
          environment: props.environment,
          container: props.containerName,
          logGroupName: props.logGroupName,
          logStreamPrefix,
          region: props.region,
        }),
      },
      retryPolicy: NOTICE_RETRY,
    });
    return { stateMachine, role, eventsRole, logGroup, target };
  }

  private validateProps(props: JobFailureNotificationProps): void {
    validateField(this, "jobName", props.jobName, (name) => {
      if (!/^[A-Za-z0-9_-]+$/.test(name)) {
        throw new Error(`job name '${name}' may contain only letters, digits, '-' and '_'`);
      }
      validateRuleName(`${name}-failed`);
      if (props.hasSidecars) {
        validateIamRoleName(IamScope.of(this).name(`${name}-result-filter`));
      }
    });
    validateField(this, "environment", props.environment, (environment) => {
      if (!ENVIRONMENT.test(environment)) {
        throw new Error(
          `environment '${environment}' must have 1-64 characters and no '<', '>', '"', '\\' or control characters: it is written into message templates`,
        );
      }
    });
    validateField(this, "clusterArn", props.clusterArn, (arn) => {
      if (!CLUSTER_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME): the event pattern matches it exactly`,
        );
      }
    });
    if (props.hasSidecars && props.topic.kmsKeyArn === undefined) {
      invalid(
        this,
        "topic",
        "with sidecars a result filter publishes the notices with its own role, which needs the topic's kmsKeyArn",
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
    validateField(this, "region", props.region, (region) => {
      if (!REGION.test(region)) {
        throw new Error(`'${region}' is not an AWS region name like 'ap-northeast-1'`);
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
