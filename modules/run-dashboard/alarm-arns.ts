import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { IConstruct } from "constructs";

/**
 * The ARNs of every CloudWatch alarm made so far in `scope` and below it, in construct tree order:
 * a RunDashboard's `alarmArns`. Make the dashboard after the jobs, workflows and notices whose
 * alarms it shows; alarms made later are not in the list.
 */
export function alarmArnsIn(scope: IConstruct): string[] {
  return scope.node
    .findAll()
    .filter(
      (c): c is CloudwatchMetricAlarm | CloudwatchCompositeAlarm =>
        c instanceof CloudwatchMetricAlarm || c instanceof CloudwatchCompositeAlarm,
    )
    .map((alarm) => alarm.arn);
}
