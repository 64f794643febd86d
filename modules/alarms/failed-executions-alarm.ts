import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { Construct } from "constructs";

export interface FailedExecutionsAlarmOptions {
  readonly alarmName: string;
  /** What failing means, and what to do: the alarm's description. */
  readonly description: string;
  readonly stateMachineArn: string;
  /** Topics the alarm tells. */
  readonly alarmActions: readonly string[];
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * An alarm when an execution of a state machine fails (AWS/States ExecutionsFailed, any in five
 * minutes): for state machines whose failure means something was not done (a notice not sent, a
 * run not recorded).
 */
export function failedExecutionsAlarm(
  scope: Construct,
  id: string,
  options: FailedExecutionsAlarmOptions,
): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, id, {
    alarmName: options.alarmName,
    alarmDescription: options.description,
    namespace: "AWS/States",
    metricName: "ExecutionsFailed",
    dimensions: { StateMachineArn: options.stateMachineArn },
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
    treatMissingData: "notBreaching",
    alarmActions: [...options.alarmActions],
    tags: options.tags ? { ...options.tags } : undefined,
  });
}
