import type { FargateRunOptions, TargetRetryPolicy } from "./ecs-event-target";

/**
 * The ECS parameters of a Fargate run, as both EventBridge rule targets (`ecs_target`) and
 * Scheduler schedules (`ecs_parameters`) take them: awsvpc networking without a public IP, tags
 * from the task definition and ECS managed tags, unless the options say otherwise.
 */
export function fargateTaskParameters(
  taskDefinitionArn: string,
  options: Omit<FargateRunOptions, "retryPolicy" | "deadLetterQueueArn">,
) {
  return {
    launchType: "FARGATE",
    platformVersion: options.platformVersion ?? "LATEST",
    taskCount: options.taskCount ?? 1,
    taskDefinitionArn,
    propagateTags: options.propagateTags === false ? undefined : "TASK_DEFINITION",
    enableEcsManagedTags: options.enableEcsManagedTags ?? true,
    networkConfiguration: {
      subnets: [...options.subnetIds],
      securityGroups: options.securityGroupIds ? [...options.securityGroupIds] : undefined,
      assignPublicIp: options.assignPublicIp ?? false,
    },
  };
}

/**
 * The retry policy of a rule target or schedule. The default, 185 attempts within an hour,
 * gives up on a run that would start more than an hour late (AWS's own default is 24 hours).
 */
export function targetRetryPolicy(policy: TargetRetryPolicy | undefined): {
  maximumRetryAttempts: number;
  maximumEventAgeInSeconds: number;
} {
  return {
    maximumRetryAttempts: policy?.maximumRetryAttempts ?? 185,
    maximumEventAgeInSeconds: policy?.maximumEventAgeSeconds ?? 3600,
  };
}
