import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";
import { FailureDestination } from "./failure-destination";

/** What a schedule's alarms watch, and whom they tell. */
export interface ScheduleFailureAlarmsOptions {
  /** Names the alarms `<name>-start-failed` and `<name>-runs-not-started`. */
  readonly name: string;
  /** What the schedule starts, as people read it, e.g. "batch job report (environment prod)". */
  readonly subject: string;
  readonly topic: Pick<FailureDestination, "deliveries">;
  /** The schedule's EventBridge rule: an alarm on its FailedInvocations. @default no such alarm */
  readonly scheduleRuleName?: string;
  /** The schedule's dead-letter queue: an alarm when it holds messages. @default no such alarm */
  readonly deadLetterQueueName?: string;
  readonly tags?: Readonly<Record<string, string>>;
}

export interface ScheduleFailureAlarms {
  /** With scheduleRuleName: runs the schedule could not start. */
  readonly invocationAlarm?: CloudwatchMetricAlarm;
  /** With deadLetterQueueName: runs left in the dead-letter queue after the retries. */
  readonly deadLetterAlarm?: CloudwatchMetricAlarm;
}

/**
 * Alarms, in `scope`, on the runs a schedule fired but could not start (ids `InvocationAlarm`,
 * `DeadLetterAlarm`): the schedule's retry and dead-letter settings see these failures, but no
 * ECS task event is ever sent for a task that RunTask or StartExecution never created.
 */
export function addScheduleFailureAlarms(
  scope: Construct,
  options: ScheduleFailureAlarmsOptions,
): ScheduleFailureAlarms {
  const common = {
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    alarmActions: options.topic.deliveries.map((d) => d.topicArn),
    tags: options.tags ? { ...options.tags } : undefined,
  };
  const invocationAlarm =
    options.scheduleRuleName === undefined
      ? undefined
      : new CloudwatchMetricAlarm(scope, "InvocationAlarm", {
          ...common,
          alarmName: `${options.name}-start-failed`,
          alarmDescription:
            `EventBridge could not start ${options.subject} from its schedule (no Fargate ` +
            `capacity, a missing IAM permission, a bad subnet or security group). Find the ` +
            `failed call in CloudTrail, or the message in the schedule's dead-letter queue, fix ` +
            `the cause, and start the missed run by hand if it is still needed.`,
          namespace: "AWS/Events",
          metricName: "FailedInvocations",
          dimensions: { RuleName: options.scheduleRuleName },
          statistic: "Sum",
        });
  const deadLetterAlarm =
    options.deadLetterQueueName === undefined
      ? undefined
      : new CloudwatchMetricAlarm(scope, "DeadLetterAlarm", {
          ...common,
          alarmName: `${options.name}-runs-not-started`,
          alarmDescription:
            `Runs of ${options.subject} could not be started even after retries and wait in SQS ` +
            `queue ${options.deadLetterQueueName}. Read the messages' ERROR_CODE and ` +
            `ERROR_MESSAGE attributes, fix the cause, start the missed runs by hand if they are ` +
            `still needed, then delete the messages.`,
          namespace: "AWS/SQS",
          metricName: "ApproximateNumberOfMessagesVisible",
          dimensions: { QueueName: options.deadLetterQueueName },
          statistic: "Maximum",
        });
  return { invocationAlarm, deadLetterAlarm };
}
