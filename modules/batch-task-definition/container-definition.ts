import { TerraformIterator } from "cdktf";
import { jsonText } from "../json-text/json-text";
import { isUnresolved } from "../validation/construct-validation";
import { validateContainerName } from "../validation/names";

/** A secret read from SSM Parameter Store when the task starts. */
export interface SsmParameterSecret {
  /** Full ARN of the parameter (so the execution role can be scoped to it). */
  readonly ssmParameterArn: string;
}

/** A secret read from Secrets Manager when the task starts. */
export interface SecretsManagerSecret {
  /** Full ARN of the secret (so the execution role can be scoped to it). */
  readonly secretsManagerSecretArn: string;
  /** A key of the secret's JSON value, to inject that field only.
   * @default the whole secret value */
  readonly jsonKey?: string;
  /** @default AWSCURRENT */
  readonly versionStage?: string;
  /** @default the version of versionStage */
  readonly versionId?: string;
}

/** Where a secret environment variable's value comes from. Never put secrets in `environment`. */
export type ContainerSecret = SsmParameterSecret | SecretsManagerSecret;

/** Sends the container's output to CloudWatch Logs with the awslogs driver. */
export interface AwsLogsLogging {
  readonly logGroupName: string;
  /** Region of the log group. */
  readonly region: string;
  /** Log streams are named `<prefix>/<container>/<task id>`.
   * @default "batch" */
  readonly streamPrefix?: string;
}

/** What a container runs: shared by job containers and sidecars. */
export interface ContainerOptions {
  /** Image URI, e.g. `alpine:3.20` or `123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/job:1a2b3c4`. */
  readonly image: string;
  /** @default the image's CMD */
  readonly command?: readonly string[];
  /** @default the image's ENTRYPOINT */
  readonly entryPoint?: readonly string[];
  /** Plain environment variables. Secrets go in `secrets`.
   * @default none */
  readonly environment?: Readonly<Record<string, string>>;
  /** Environment variables whose values ECS reads from SSM or Secrets Manager at start.
   * @default none */
  readonly secrets?: Readonly<Record<string, ContainerSecret>>;
  /** Mount the root file system read-only. Batch jobs should write to volumes or S3; set false
   * for images that must write to their own file system.
   * @default true */
  readonly readonlyRootFilesystem?: boolean;
  /** Seconds between SIGTERM and SIGKILL when the task stops (2-120 on Fargate).
   * @default 30 (the ECS default) */
  readonly stopTimeoutSeconds?: number;
  /** @default the image's WORKDIR */
  readonly workingDirectory?: string;
  /** User (and group) the process runs as, e.g. `1000:1000`.
   * @default the image's USER */
  readonly user?: string;
}

/** A container of a batch task definition. */
export interface BatchContainer extends ContainerOptions {
  /** Container name: 1-255 letters, digits, `-`, `_`. */
  readonly name: string;
  /** Whether the task stops when this container stops. The job's own container is essential.
   * @default true */
  readonly essential?: boolean;
  /** @default no log configuration (output is lost) */
  readonly logging?: AwsLogsLogging;
}

/** An environment variable name ECS takes. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** Throws an Error naming the container and the rule unless the container is well formed. */
export function validateBatchContainer(container: BatchContainer): void {
  if (!isUnresolved(container.name)) {
    validateContainerName(container.name);
  }
  const where = `container '${container.name}'`;
  if (!isUnresolved(container.image) && !/^\S+$/.test(container.image)) {
    throw new Error(
      `${where}: image '${container.image}' must be a non-empty image URI without spaces`,
    );
  }
  // A map known only at apply time (a Terraform variable) has no names to check here.
  const variables = isUnresolved(container.environment)
    ? []
    : Object.keys(container.environment ?? {});
  const secrets = Object.keys(container.secrets ?? {});
  for (const name of [...variables, ...secrets]) {
    if (!ENV_NAME.test(name)) {
      throw new Error(
        `${where}: environment variable name '${name}' must be letters, digits and '_', not starting with a digit`,
      );
    }
  }
  const both = variables.filter((name) => secrets.includes(name));
  if (both.length > 0) {
    throw new Error(`${where}: '${both[0]}' is both in environment and in secrets: keep it in one`);
  }
  for (const [name, secret] of Object.entries(container.secrets ?? {})) {
    const arn = secretArn(secret);
    const service = "ssmParameterArn" in secret ? "ssm" : "secretsmanager";
    const pattern =
      service === "ssm"
        ? /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\/.+$/
        : /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$/;
    if (!isUnresolved(arn) && !pattern.test(arn)) {
      throw new Error(
        `${where}: secret '${name}': '${arn}' is not ${service === "ssm" ? "an SSM parameter" : "a Secrets Manager secret"} ARN; give the full ARN so the execution role can be scoped to it`,
      );
    }
  }
  const timeout = container.stopTimeoutSeconds;
  if (
    timeout !== undefined &&
    !isUnresolved(timeout) &&
    (!Number.isInteger(timeout) || timeout < 2 || timeout > 120)
  ) {
    throw new Error(
      `${where}: stopTimeoutSeconds ${timeout} must be a whole number from 2 to 120 on Fargate`,
    );
  }
}

/** The ARN of the parameter or secret behind a container secret. */
export function secretArn(secret: ContainerSecret): string {
  return "ssmParameterArn" in secret ? secret.ssmParameterArn : secret.secretsManagerSecretArn;
}

function secretValueFrom(secret: ContainerSecret): string {
  if ("ssmParameterArn" in secret) {
    return secret.ssmParameterArn;
  }
  const { secretsManagerSecretArn: arn, jsonKey, versionStage, versionId } = secret;
  if (jsonKey === undefined && versionStage === undefined && versionId === undefined) {
    return arn;
  }
  return `${arn}:${jsonKey ?? ""}:${versionStage ?? ""}:${versionId ?? ""}`;
}

const byName = (a: { name: string }, b: { name: string }) =>
  a.name < b.name ? -1 : a.name > b.name ? 1 : 0;

/** Recursively orders object keys, so equal inputs always render to the same text. */
function sortKeys(value: unknown): unknown {
  if (isUnresolved(value)) {
    return value;
  }
  if (Array.isArray(value)) {
    return value.map(sortKeys);
  }
  if (value !== null && typeof value === "object") {
    return Object.fromEntries(
      Object.keys(value)
        .sort()
        .filter((key) => (value as Record<string, unknown>)[key] !== undefined)
        .map((key) => [key, sortKeys((value as Record<string, unknown>)[key])]),
    );
  }
  return value;
}

/**
 * The `environment` list of a container definition. A map known only at apply time becomes a
 * Terraform for expression; Terraform iterates a map in key order, so it is sorted too.
 */
function environmentList(environment: Readonly<Record<string, string>> | undefined): unknown {
  if (isUnresolved(environment)) {
    return TerraformIterator.fromMap(environment!).forExpressionForList(
      "{ name = key, value = val }",
    );
  }
  return Object.entries(environment ?? {})
    .map(([name, value]) => ({ name, value }))
    .sort(byName);
}

/**
 * Renders ECS container definitions JSON. Deterministic: keys sorted, environment variables and
 * secrets sorted by name, containers in the given order, so plans do not churn. Values known only
 * at apply time (Terraform variables) are written as Terraform expressions (see {@link jsonText}).
 */
export function renderContainerDefinitions(containers: readonly BatchContainer[]): string {
  return jsonText(
    containers.map((c) =>
      sortKeys({
        name: c.name,
        image: c.image,
        essential: c.essential ?? true,
        command: c.command ? [...c.command] : undefined,
        entryPoint: c.entryPoint ? [...c.entryPoint] : undefined,
        environment: environmentList(c.environment),
        secrets: Object.entries(c.secrets ?? {})
          .map(([name, secret]) => ({ name, valueFrom: secretValueFrom(secret) }))
          .sort(byName),
        readonlyRootFilesystem: c.readonlyRootFilesystem ?? true,
        stopTimeout: c.stopTimeoutSeconds,
        workingDirectory: c.workingDirectory,
        user: c.user,
        // ECS reports these defaults back; stating them keeps plans from showing a diff.
        mountPoints: [],
        portMappings: [],
        volumesFrom: [],
        systemControls: [],
        logConfiguration: c.logging
          ? {
              logDriver: "awslogs",
              options: {
                "awslogs-group": c.logging.logGroupName,
                "awslogs-region": c.logging.region,
                "awslogs-stream-prefix": c.logging.streamPrefix ?? "batch",
              },
            }
          : undefined,
      }),
    ),
  );
}
