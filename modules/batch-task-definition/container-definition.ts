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

/**
 * Sends the container's output to the FireLens log router of the same task (the `awsfirelens`
 * driver): ECS turns these options into the router's Fluent Bit output section.
 */
export interface FireLensLogging {
  readonly driver: "awsfirelens";
  /** The Fluent Bit output plugin, written as the `Name` option: e.g. `cloudwatch_logs`,
   * `kinesis_firehose`, `datadog`, `http`. Lower-case letters, digits and `_`. */
  readonly outputName: string;
  /** The output's other options, e.g. `{ region: "ap-northeast-1", delivery_stream: "jobs" }`.
   * Plain text in the task definition: no secrets.
   * @default none */
  readonly options?: Readonly<Record<string, string>>;
  /** Options whose values are secrets (an API key, a password), read by ECS from SSM or Secrets
   * Manager when the task starts, with the execution role.
   * @default none */
  readonly secretOptions?: Readonly<Record<string, ContainerSecret>>;
}

/** Where a container's output goes: CloudWatch Logs (awslogs) or a FireLens log router. */
export type ContainerLogging = AwsLogsLogging | FireLensLogging;

/** Makes a container the task's FireLens log router (`firelensConfiguration`). */
export interface FireLensRouter {
  /** @default "fluentbit" */
  readonly type?: "fluentbit" | "fluentd";
  /** FireLens options, e.g. `{ "enable-ecs-log-metadata": "false" }`.
   * @default none: ECS adds the task's metadata to each record */
  readonly options?: Readonly<Record<string, string>>;
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
  readonly logging?: ContainerLogging;
  /** Makes this container the task's FireLens log router, which the containers with
   * `awsfirelens` logging send their output to. At most one per task.
   * @default not a log router */
  readonly firelens?: FireLensRouter;
}

/** Whether a container's output goes to the task's FireLens log router. */
export function isFireLensLogging(
  logging: ContainerLogging | undefined,
): logging is FireLensLogging {
  return logging !== undefined && "driver" in logging && logging.driver === "awsfirelens";
}

/** An environment variable name ECS takes. */
export const ENV_NAME = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A Fluent Bit output plugin name, e.g. `cloudwatch_logs`. */
const OUTPUT_NAME = /^[a-z][a-z0-9_]*$/;
/** A Fluent Bit option name (`tls.verify`, `log_group_name`, ...). */
const OPTION_NAME = /^[A-Za-z][A-Za-z0-9_.-]*$/;
/** An option name that says its value is a secret, which belongs in `secretOptions`. */
const SECRET_OPTION_NAME = /PASS(WORD|WD)|SECRET|TOKEN|API_?KEY|PRIVATE_?KEY|CREDENTIAL/i;

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
    validateSecretArn(`${where}: secret '${name}'`, secret);
  }
  if (isFireLensLogging(container.logging)) {
    validateFireLensLogging(where, container.logging);
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

function validateSecretArn(where: string, secret: ContainerSecret): void {
  const arn = secretArn(secret);
  const service = "ssmParameterArn" in secret ? "ssm" : "secretsmanager";
  const pattern =
    service === "ssm"
      ? /^arn:aws[a-z-]*:ssm:[a-z0-9-]+:[0-9]{12}:parameter\/.+$/
      : /^arn:aws[a-z-]*:secretsmanager:[a-z0-9-]+:[0-9]{12}:secret:.+$/;
  if (!isUnresolved(arn) && !pattern.test(arn)) {
    throw new Error(
      `${where}: '${arn}' is not ${service === "ssm" ? "an SSM parameter" : "a Secrets Manager secret"} ARN; give the full ARN so the execution role can be scoped to it`,
    );
  }
}

function validateFireLensLogging(where: string, logging: FireLensLogging): void {
  if (!isUnresolved(logging.outputName) && !OUTPUT_NAME.test(logging.outputName)) {
    throw new Error(
      `${where}: FireLens output '${logging.outputName}' must be a Fluent Bit output plugin name: lower-case letters, digits and '_', e.g. 'cloudwatch_logs'`,
    );
  }
  const options = Object.keys(logging.options ?? {});
  const secretOptions = Object.keys(logging.secretOptions ?? {});
  for (const name of [...options, ...secretOptions]) {
    if (name.toLowerCase() === "name") {
      throw new Error(`${where}: FireLens option '${name}' is the output's name: set outputName`);
    }
    if (!OPTION_NAME.test(name)) {
      throw new Error(
        `${where}: FireLens option name '${name}' must be letters, digits, '_', '.' and '-', starting with a letter`,
      );
    }
  }
  const secretLooking = options.find((name) => SECRET_OPTION_NAME.test(name));
  if (secretLooking !== undefined) {
    throw new Error(
      `${where}: FireLens option '${secretLooking}' looks like a secret, and options are plain text in the task definition: put it in secretOptions`,
    );
  }
  const both = options.find((name) => secretOptions.includes(name));
  if (both !== undefined) {
    throw new Error(
      `${where}: FireLens option '${both}' is both in options and in secretOptions: keep it in one`,
    );
  }
  for (const [name, secret] of Object.entries(logging.secretOptions ?? {})) {
    validateSecretArn(`${where}: FireLens secret option '${name}'`, secret);
  }
}

/**
 * Throws an Error naming the rule unless the task's FireLens routing is whole: at most one log
 * router, and one whenever a container logs through `awsfirelens`.
 */
export function validateFireLensRouting(containers: readonly BatchContainer[]): void {
  const routers = containers.filter((c) => c.firelens !== undefined).map((c) => c.name);
  if (routers.length > 1) {
    throw new Error(
      `containers '${routers.join("', '")}' are all FireLens log routers: a task has at most one`,
    );
  }
  const routed = containers.find((c) => isFireLensLogging(c.logging));
  if (routed !== undefined && routers.length === 0) {
    throw new Error(
      `container '${routed.name}' logs through awsfirelens, but no container is the FireLens log router: give one a firelens configuration`,
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

/** The `secrets` (or `secretOptions`) list: name and where ECS reads the value, sorted by name. */
function secretList(secrets: Readonly<Record<string, ContainerSecret>> | undefined) {
  return Object.entries(secrets ?? {})
    .map(([name, secret]) => ({ name, valueFrom: secretValueFrom(secret) }))
    .sort(byName);
}

function logConfiguration(logging: ContainerLogging | undefined): unknown {
  if (logging === undefined) {
    return undefined;
  }
  if (isFireLensLogging(logging)) {
    const secretOptions = secretList(logging.secretOptions);
    return {
      logDriver: "awsfirelens",
      options: { ...logging.options, Name: logging.outputName },
      secretOptions: secretOptions.length > 0 ? secretOptions : undefined,
    };
  }
  return {
    logDriver: "awslogs",
    options: {
      "awslogs-group": logging.logGroupName,
      "awslogs-region": logging.region,
      "awslogs-stream-prefix": logging.streamPrefix ?? "batch",
    },
  };
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
        secrets: secretList(c.secrets),
        readonlyRootFilesystem: c.readonlyRootFilesystem ?? true,
        stopTimeout: c.stopTimeoutSeconds,
        workingDirectory: c.workingDirectory,
        user: c.user,
        // ECS reports these defaults back; stating them keeps plans from showing a diff.
        mountPoints: [],
        portMappings: [],
        volumesFrom: [],
        systemControls: [],
        logConfiguration: logConfiguration(c.logging),
        firelensConfiguration: c.firelens
          ? { type: c.firelens.type ?? "fluentbit", options: c.firelens.options }
          : undefined,
      }),
    ),
  );
}
