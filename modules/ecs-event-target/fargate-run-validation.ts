import { IConstruct } from "constructs";
import {
  validateField,
  validateIntegerRange,
  validateNotEmpty,
} from "../validation/construct-validation";
import { SCHEDULER_LIMITS } from "../validation/scheduler-schedule";
import type { FargateRunOptions, TargetRetryPolicy } from "./ecs-event-target";

/*
 * The checks of a Fargate run shared by the two services that start one: EventBridge rule
 * targets and EventBridge Scheduler schedules. Both take the same limits (SCHEDULER_LIMITS), the
 * same network settings and only standard SQS queues as dead-letter queues.
 */

/** `LATEST` or a Fargate platform version such as `1.4.0`. */
export const PLATFORM_VERSION = /^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$/;

/**
 * Checks subnets, platform version and task count of a Fargate run. `fieldPrefix` names where the
 * options sit in the construct's props, e.g. `ecsTask.` gives the field `ecsTask.taskCount`.
 */
export function validateFargateTaskRunOptions(
  scope: IConstruct,
  options: Pick<FargateRunOptions, "subnetIds" | "platformVersion" | "taskCount">,
  fieldPrefix = "",
): void {
  validateNotEmpty(scope, `${fieldPrefix}subnetIds`, options.subnetIds);
  validateField(scope, `${fieldPrefix}platformVersion`, options.platformVersion, (version) => {
    if (!PLATFORM_VERSION.test(version)) {
      throw new Error(
        `'${version}' is not a Fargate platform version: write 'LATEST' or e.g. '1.4.0'`,
      );
    }
  });
  const { taskCount } = SCHEDULER_LIMITS;
  validateIntegerRange(
    scope,
    `${fieldPrefix}taskCount`,
    options.taskCount,
    taskCount.min,
    taskCount.max,
  );
}

/** Checks the retry attempts and the event age of a retry policy. */
export function validateTargetRetryPolicy(
  scope: IConstruct,
  retryPolicy: TargetRetryPolicy | undefined,
): void {
  const { maximumRetryAttempts, maximumEventAgeSeconds } = SCHEDULER_LIMITS;
  validateIntegerRange(
    scope,
    "retryPolicy.maximumRetryAttempts",
    retryPolicy?.maximumRetryAttempts,
    maximumRetryAttempts.min,
    maximumRetryAttempts.max,
  );
  validateIntegerRange(
    scope,
    "retryPolicy.maximumEventAgeSeconds",
    retryPolicy?.maximumEventAgeSeconds,
    maximumEventAgeSeconds.min,
    maximumEventAgeSeconds.max,
  );
}

/**
 * Throws an Error quoting the ARN unless it is the ARN of a standard SQS queue: neither
 * EventBridge rules nor Scheduler accept a FIFO queue as a dead-letter queue.
 */
export function validateDeadLetterQueueArn(arn: string): void {
  if (!/^arn:aws[a-z-]*:sqs:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]+(\.fifo)?$/.test(arn)) {
    throw new Error(`'${arn}' is not an SQS queue ARN`);
  }
  if (arn.endsWith(".fifo")) {
    throw new Error(
      `'${arn}' is a FIFO queue: EventBridge and Scheduler dead-letter queues must be standard queues`,
    );
  }
}
