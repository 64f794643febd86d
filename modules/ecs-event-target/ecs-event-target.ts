import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import { JobRun } from "../job-run/job-run";
import { validateJobRun } from "../job-run/job-run-validation";
import { ruleTargetOf } from "../job-run/render-job-run";
import {
  TargetRetryProps,
  targetRetryPolicy,
  validateTargetRetry,
} from "../target-retry/target-retry";
import { isUnresolved, validateField } from "../validation/construct-validation";
import { validateTargetId } from "../validation/names";

export interface EcsEventTargetProps extends TargetRetryProps {
  /** Name of the EventBridge rule that fires the target. */
  readonly ruleName: string;
  /** Target id: 1-64 letters, digits, `.`, `-`, `_`.
   * @default the rule name */
  readonly targetId?: string;
  /** ARN of the role EventBridge assumes to call RunTask. */
  readonly roleArn: string;
  /** The task each firing starts: task definition, cluster and network, launch settings. */
  readonly run: JobRun;
}

/**
 * An EventBridge target that runs an ECS task on Fargate (`aws_cloudwatch_event_target` with
 * `ecs_target`), in awsvpc networking without a public IP by default.
 */
export class EcsEventTarget extends Construct {
  /** The `aws_cloudwatch_event_target`. */
  readonly resource: CloudwatchEventTarget;

  constructor(scope: Construct, id: string, props: EcsEventTargetProps) {
    super(scope, id);
    const targetId = props.targetId ?? (isUnresolved(props.ruleName) ? undefined : props.ruleName);
    validateField(this, "targetId", targetId, validateTargetId);
    validateJobRun(this, props.run, "run.");
    validateTargetRetry(this, props);

    this.resource = new CloudwatchEventTarget(this, "Resource", {
      rule: props.ruleName,
      targetId,
      roleArn: props.roleArn,
      ...ruleTargetOf(props.run),
      retryPolicy: targetRetryPolicy(props.retryPolicy),
      deadLetterConfig: props.deadLetterQueueArn ? { arn: props.deadLetterQueueArn } : undefined,
    });
  }
}
