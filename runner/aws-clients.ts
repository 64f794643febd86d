import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { SSMClient } from "@aws-sdk/client-ssm";

/**
 * The runner's AWS clients. Each SDK package is imported when its client is created, not when
 * this module is, so `ecs-batch --help` never pays for loading the SDK.
 */

export interface AwsClientOptions {
  /** @default the SDK's region settings (AWS_REGION, the profile's region) */
  readonly region?: string;
  /** Attempts per API call, for the SDK's own retries of throttling, 5xx and network blips.
   * @default AWS_MAX_ATTEMPTS when set, else {@link DEFAULT_MAX_ATTEMPTS} */
  readonly maxAttempts?: number;
}

/** The clients `runJob` uses to start and follow a task. */
export interface TaskClients {
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
}

/**
 * More than the SDK's default of 3: a job runs for hours, and a blip that outlasts 3 quick
 * attempts would otherwise cost a polling round trip of the runner's own, slower, backoff.
 */
export const DEFAULT_MAX_ATTEMPTS = 5;

function clientConfig(options: AwsClientOptions): { region?: string; maxAttempts?: number } {
  // An explicit maxAttempts would silently override the user's AWS_MAX_ATTEMPTS.
  const maxAttempts =
    options.maxAttempts ?? (process.env.AWS_MAX_ATTEMPTS ? undefined : DEFAULT_MAX_ATTEMPTS);
  return {
    ...(options.region !== undefined ? { region: options.region } : {}),
    ...(maxAttempts !== undefined ? { maxAttempts } : {}),
  };
}

/** The ECS and CloudWatch Logs clients of one run. */
export async function createTaskClients(options: AwsClientOptions): Promise<TaskClients> {
  const [{ ECSClient }, { CloudWatchLogsClient }] = await Promise.all([
    import("@aws-sdk/client-ecs"),
    import("@aws-sdk/client-cloudwatch-logs"),
  ]);
  const config = clientConfig(options);
  return { ecs: new ECSClient(config), logs: new CloudWatchLogsClient(config) };
}

/** The SSM client that reads a job's parameter. */
export async function createSsmClient(options: AwsClientOptions): Promise<SSMClient> {
  const { SSMClient } = await import("@aws-sdk/client-ssm");
  return new SSMClient(clientConfig(options));
}
