import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { Construct } from "constructs";
import { isUnresolved, validateField } from "../validation/construct-validation";
import { validateTargetId } from "../validation/names";
import {
  validateDeadLetterQueueArn,
  validateFargateTaskRunOptions,
  validateTargetRetryPolicy,
} from "./fargate-run-validation";
import { fargateTaskParameters, targetRetryPolicy } from "./fargate-task-parameters";

/**
 * How EventBridge retries a RunTask call that failed (throttling, no capacity, bad network
 * settings). It never sees a container's exit code: a job that ran and failed is not retried.
 */
export interface TargetRetryPolicy {
  /** How many times to retry a failed RunTask call (0-185).
   * @default 185 */
  readonly maximumRetryAttempts?: number;
  /** How long a scheduled run may wait to start before it is dropped, or sent to the
   * dead-letter queue (60-86400 s). A run that starts an hour late is rarely what a batch wants.
   * @default 3600 */
  readonly maximumEventAgeSeconds?: number;
}

/** How each run of a job is started on Fargate: network, platform, count and start retries. */
export interface FargateRunOptions {
  /** Subnets of the task's network interface: private subnets. */
  readonly subnetIds: readonly string[];
  /** Security groups of the task's network interface.
   * @default the VPC's default security group */
  readonly securityGroupIds?: readonly string[];
  /** Whether the task gets a public IP. Keep batch jobs in private subnets with a NAT or VPC
   * endpoints instead.
   * @default false */
  readonly assignPublicIp?: boolean;
  /** Fargate platform version: `LATEST` or a version such as `1.4.0` (the book's `1.3.0` too).
   * @default "LATEST" */
  readonly platformVersion?: string;
  /** Number of tasks each firing starts (1-10).
   * @default 1 */
  readonly taskCount?: number;
  /** Copy the task definition's tags to the task.
   * @default true */
  readonly propagateTags?: boolean;
  /** Add ECS managed tags (cluster and service names) to the task.
   * @default true */
  readonly enableEcsManagedTags?: boolean;
  /** Retries of failed RunTask calls.
   * @default 185 attempts within 3600 s */
  readonly retryPolicy?: TargetRetryPolicy;
  /** ARN of an SQS queue that receives runs that could not be started. Its queue policy must
   * allow `events.amazonaws.com` to `sqs:SendMessage` with `aws:SourceArn` = the rule ARN.
   * @default no dead-letter queue */
  readonly deadLetterQueueArn?: string;
}

export interface EcsEventTargetProps extends FargateRunOptions {
  /** Name of the EventBridge rule that fires the target. */
  readonly ruleName: string;
  /** Target id: 1-64 letters, digits, `.`, `-`, `_`.
   * @default the rule name */
  readonly targetId?: string;
  /** ARN of the ECS cluster the task runs in. */
  readonly clusterArn: string;
  /** ARN of the task definition to run (with revision, or a family ARN for the latest revision). */
  readonly taskDefinitionArn: string;
  /** ARN of the role EventBridge assumes to call RunTask. */
  readonly roleArn: string;
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
    validateFargateTaskRunOptions(this, props);
    validateTargetRetryPolicy(this, props.retryPolicy);
    validateField(this, "deadLetterQueueArn", props.deadLetterQueueArn, validateDeadLetterQueueArn);

    this.resource = new CloudwatchEventTarget(this, "Resource", {
      rule: props.ruleName,
      targetId,
      arn: props.clusterArn,
      roleArn: props.roleArn,
      ecsTarget: fargateTaskParameters(props.taskDefinitionArn, props),
      retryPolicy: targetRetryPolicy(props.retryPolicy),
      deadLetterConfig: props.deadLetterQueueArn ? { arn: props.deadLetterQueueArn } : undefined,
    });
  }
}
