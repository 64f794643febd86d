import { ScheduledJobProps } from "../modules/scheduled-job/scheduled-job";

/**
 * The network a job's tasks run in: subnets and security groups, either as IDs or looked up by
 * tags at plan time. Give exactly one of `subnetIds` / `subnetTags`, and one of
 * `securityGroupIds` / `securityGroupTags`.
 */
export interface NetworkConfig {
  /** Private subnet IDs, e.g. `subnet-0123456789abcdef0`. */
  readonly subnetIds?: readonly string[];
  /** Tags that select the private subnets, e.g. `{ Tier: "private" }`. */
  readonly subnetTags?: Readonly<Record<string, string>>;
  /** Security group IDs, e.g. `sg-0123456789abcdef0`. */
  readonly securityGroupIds?: readonly string[];
  /** Tags that select the security groups. */
  readonly securityGroupTags?: Readonly<Record<string, string>>;
  /** Limits tag look-ups to one VPC. @default any VPC of the account and region */
  readonly vpcId?: string;
}

/** The ECS cluster: give exactly one of `create` and `existing`. */
export interface ClusterConfig {
  /** Create a cluster of this name (Container Insights on). */
  readonly create?: { readonly name: string };
  /** Use an existing cluster of this name. */
  readonly existing?: { readonly name: string };
}

/** Where Terraform keeps this environment's state: give exactly one of `s3` and `local`. */
export interface BackendConfig {
  readonly s3?: {
    readonly bucket: string;
    /** @default the environment's region */
    readonly region?: string;
    /** The state object is `<keyPrefix>/<environment>.tfstate`. @default "ecs-scheduled-batch" */
    readonly keyPrefix?: string;
    /** KMS key for the state object. @default the bucket's default encryption */
    readonly kmsKeyId?: string;
  };
  /** A local state file, for experiments only. */
  readonly local?: {
    /** @default "terraform.<environment>.tfstate" */
    readonly path?: string;
  };
}

/** A job of an environment: a ScheduledJob whose network and cluster come from the environment. */
export type JobConfig = Omit<
  ScheduledJobProps,
  "clusterArn" | "subnetIds" | "securityGroupIds" | "region"
>;

/** Everything one environment (dev, stg, prod) deploys. */
export interface EnvironmentConfig {
  /** Names the stack: `cdktf deploy <name>`. Lower-case letters, digits, `-`. */
  readonly name: string;
  /** AWS region, e.g. `ap-northeast-1`. */
  readonly region: string;
  /** The AWS account this environment lives in: Terraform refuses to touch any other. */
  readonly accountId: string;
  readonly network: NetworkConfig;
  readonly cluster: ClusterConfig;
  readonly backend: BackendConfig;
  /** Tags on every resource (as provider default tags), besides Environment and ManagedBy.
   * @default none */
  readonly defaultTags?: Readonly<Record<string, string>>;
  readonly jobs: readonly JobConfig[];
}

/** An environment config that is incomplete or inconsistent. */
export class EnvironmentConfigError extends Error {
  constructor(environment: string, field: string, rule: string) {
    super(`environment '${environment}': ${field}: ${rule}`);
    this.name = "EnvironmentConfigError";
  }
}

/** Tags every environment stack sets on its resources, which a config may not override. */
export const STACK_TAG_KEYS: readonly string[] = ["Environment", "ManagedBy"];

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Throws an {@link EnvironmentConfigError} naming the environment and the field unless the
 * config is complete and consistent. Job settings are checked by the job constructs themselves.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): void {
  const env = config.name;
  const fail = (field: string, rule: string): never => {
    throw new EnvironmentConfigError(env ?? "(unnamed)", field, rule);
  };
  if (typeof env !== "string" || !/^[a-z][a-z0-9-]{0,31}$/.test(env)) {
    fail(
      "name",
      `'${env}' must be 1-32 lower-case letters, digits and '-', starting with a letter`,
    );
  }
  if (!REGION.test(config.region ?? "")) {
    fail("region", `'${config.region}' is not an AWS region name such as 'ap-northeast-1'`);
  }
  if (!/^[0-9]{12}$/.test(config.accountId ?? "")) {
    fail("accountId", `'${config.accountId}' must be a 12-digit AWS account ID`);
  }

  const network = config.network ?? fail("network", "missing: give subnets and security groups");
  exactlyOne(fail, "network", network, "subnetIds", "subnetTags");
  exactlyOne(fail, "network", network, "securityGroupIds", "securityGroupTags");
  checkIds(fail, "network.subnetIds", network.subnetIds, SUBNET_ID, "subnet-0123456789abcdef0");
  checkIds(
    fail,
    "network.securityGroupIds",
    network.securityGroupIds,
    SECURITY_GROUP_ID,
    "sg-0123456789abcdef0",
  );
  checkTags(fail, "network.subnetTags", network.subnetTags, { selector: true });
  checkTags(fail, "network.securityGroupTags", network.securityGroupTags, { selector: true });
  if (network.vpcId !== undefined) {
    if (!/^vpc-([0-9a-f]{8}|[0-9a-f]{17})$/.test(network.vpcId)) {
      fail("network.vpcId", `'${network.vpcId}' is not a VPC ID such as 'vpc-0123456789abcdef0'`);
    }
    if (network.subnetTags === undefined && network.securityGroupTags === undefined) {
      fail(
        "network.vpcId",
        "it limits tag look-ups, but no subnetTags or securityGroupTags are given",
      );
    }
  }

  const cluster = config.cluster ?? fail("cluster", "missing: give create or existing");
  exactlyOne(fail, "cluster", cluster, "create", "existing");
  const clusterName = (cluster.create ?? cluster.existing)!.name;
  if (!/^[A-Za-z0-9_-]{1,255}$/.test(clusterName ?? "")) {
    fail(
      `cluster.${cluster.create ? "create" : "existing"}.name`,
      `'${clusterName}' must be 1-255 letters, digits, '-' and '_'`,
    );
  }

  const backend = config.backend ?? fail("backend", "missing: give s3 (or local, for experiments)");
  exactlyOne(fail, "backend", backend, "s3", "local");
  if (backend.s3) {
    if (!BUCKET.test(backend.s3.bucket ?? "") || backend.s3.bucket.includes("..")) {
      fail(
        "backend.s3.bucket",
        `'${backend.s3.bucket}' is not an S3 bucket name (3-63 lower-case letters, digits, '.', '-')`,
      );
    }
    if (backend.s3.region !== undefined && !REGION.test(backend.s3.region)) {
      fail("backend.s3.region", `'${backend.s3.region}' is not an AWS region name`);
    }
    // Terraform's S3 backend rejects keys that start or end with '/' or contain '//'.
    if (
      backend.s3.keyPrefix !== undefined &&
      !/^[A-Za-z0-9!_.*'()-]+(\/[A-Za-z0-9!_.*'()-]+)*$/.test(backend.s3.keyPrefix)
    ) {
      fail("backend.s3.keyPrefix", `'${backend.s3.keyPrefix}' must be a plain S3 key prefix`);
    }
  }
  checkTags(fail, "defaultTags", config.defaultTags);
  const reserved = Object.keys(config.defaultTags ?? {}).find((key) =>
    STACK_TAG_KEYS.includes(key),
  );
  if (reserved !== undefined) {
    fail("defaultTags", `'${reserved}' is set by the stack itself; remove it from defaultTags`);
  }

  if (!Array.isArray(config.jobs)) {
    fail("jobs", "missing: give a list of jobs (it may be empty)");
  }
  const names = config.jobs.map((job) => job.jobName);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    fail("jobs", `the job name '${duplicate}' is used twice: job names must be unique`);
  }
}

type Fail = (field: string, rule: string) => never;

function exactlyOne<T extends object>(
  fail: Fail,
  field: string,
  value: T,
  a: keyof T,
  b: keyof T,
): void {
  const given = [a, b].filter((key) => value[key] !== undefined);
  if (given.length !== 1) {
    fail(
      field,
      given.length === 0
        ? `give ${String(a)} or ${String(b)}`
        : `give either ${String(a)} or ${String(b)}, not both`,
    );
  }
}

function checkIds(
  fail: Fail,
  field: string,
  ids: readonly string[] | undefined,
  pattern: RegExp,
  example: string,
): void {
  if (ids === undefined) {
    return;
  }
  if (ids.length === 0) {
    fail(field, "it is empty: give at least one ID");
  }
  const bad = ids.find((id) => !pattern.test(id));
  if (bad !== undefined) {
    fail(field, `'${bad}' is not an ID such as '${example}'`);
  }
}

function checkTags(
  fail: Fail,
  field: string,
  tags: Readonly<Record<string, string>> | undefined,
  options: { selector?: boolean } = {},
): void {
  if (tags === undefined) {
    return;
  }
  if (options.selector && Object.keys(tags).length === 0) {
    fail(
      field,
      "it is empty: it would select every subnet or security group; give at least one tag",
    );
  }
  for (const [key, value] of Object.entries(tags)) {
    // A selector only matches tags: AWS's own (aws:cloudformation:stack-name, ...) may be matched.
    if (key.length === 0 || key.length > 128 || (!options.selector && key.startsWith("aws:"))) {
      fail(field, `tag key '${key}' must be 1-128 characters and not start with 'aws:'`);
    }
    if (typeof value !== "string" || value.length > 256) {
      fail(field, `the value of tag '${key}' must be a string of at most 256 characters`);
    }
  }
}
