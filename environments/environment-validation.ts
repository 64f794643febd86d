/**
 * The checks of an environment config that no construct can make: the environment's own fields,
 * how its jobs, images, workflows and release fit together, and how environments fit beside each
 * other. Job settings are checked by the job constructs themselves.
 */
import { IConstruct } from "constructs";
import { validateRepositoryName } from "../modules/ecr-repository/ecr-repository";
import { LOG_RETENTION_DAYS } from "../modules/job-log-group/job-log-group";
import { collectsProblems } from "../modules/validation/construct-validation";
import {
  COMMIT_HASH_TAG,
  EnvironmentConfig,
  STACK_TAG_KEYS,
  WorkflowJobConfig,
} from "./environment-config";
import { checkRelease, Fail } from "./release-rules";

/** A Docker image tag. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/** An environment config that is incomplete or inconsistent. */
export class EnvironmentConfigError extends Error {
  constructor(
    readonly environment: string,
    readonly field: string,
    readonly rule: string,
  ) {
    super(`environment '${environment}': ${field}: ${rule}`);
    this.name = "EnvironmentConfigError";
  }
}

const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-[0-9]$/;
const SUBNET_ID = /^subnet-([0-9a-f]{8}|[0-9a-f]{17})$/;
const SECURITY_GROUP_ID = /^sg-([0-9a-f]{8}|[0-9a-f]{17})$/;
const BUCKET = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;

/**
 * Throws the first {@link EnvironmentConfigError} of {@link environmentConfigProblems}: the config
 * must be complete and consistent.
 */
export function validateEnvironmentConfig(config: EnvironmentConfig): void {
  const [first] = environmentConfigProblems(config);
  if (first !== undefined) {
    throw first;
  }
}

/**
 * Every problem of an environment's config, each naming the environment, the field and the rule:
 * none when the config is complete and consistent. Job settings are checked by the job constructs
 * themselves.
 */
export function environmentConfigProblems(config: EnvironmentConfig): EnvironmentConfigError[] {
  const env = config.name;
  const problems: EnvironmentConfigError[] = [];
  const fail: Fail = (field, rule) => {
    problems.push(new EnvironmentConfigError(env ?? "(unnamed)", field, rule));
  };
  checkConfig(fail, config);
  return problems;
}

function checkConfig(fail: Fail, config: EnvironmentConfig): void {
  const env = config.name;
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

  const network = config.network;
  if (network === undefined) {
    fail("network", "missing: give subnets and security groups");
  } else {
    checkNetwork(fail, network);
  }

  const cluster = config.cluster;
  if (cluster === undefined) {
    fail("cluster", "missing: give create or existing");
  } else if (exactlyOne(fail, "cluster", cluster, "create", "existing")) {
    const clusterName = (cluster.create ?? cluster.existing)!.name;
    if (!/^[A-Za-z0-9_-]{1,255}$/.test(clusterName ?? "")) {
      fail(
        `cluster.${cluster.create ? "create" : "existing"}.name`,
        `'${clusterName}' must be 1-255 letters, digits, '-' and '_'`,
      );
    }
  }

  const backend = config.backend;
  if (backend === undefined) {
    fail("backend", "missing: give s3 (or local, for experiments)");
  } else {
    checkBackend(fail, backend);
  }
  checkTags(fail, "defaultTags", config.defaultTags);
  const reserved = Object.keys(config.defaultTags ?? {}).find((key) =>
    STACK_TAG_KEYS.includes(key),
  );
  if (reserved !== undefined) {
    fail("defaultTags", `'${reserved}' is set by the stack itself; remove it from defaultTags`);
  }
  checkLedger(fail, config.ledger);

  if (!Array.isArray(config.jobs)) {
    fail("jobs", "missing: give a list of jobs (it may be empty)");
    return;
  }
  const names = config.jobs.map((job) => job.jobName);
  const duplicate = names.find((name, index) => names.indexOf(name) !== index);
  if (duplicate !== undefined) {
    fail("jobs", `the job name '${duplicate}' is used twice: job names must be unique`);
  }
  checkJobImages(fail, config);
  checkWorkflows(fail, config);
  checkRelease(fail, config);
  const notifyOnFailure = [
    ...config.jobs.filter((job) => job.notifyOnFailure === true).map((j) => `job '${j.jobName}'`),
    ...(Array.isArray(config.workflows) ? config.workflows : [])
      .filter((workflow) => workflow.notifyOnFailure === true)
      .map((w) => `workflow '${w.workflowName}'`),
  ];
  if (notifyOnFailure.length > 0 && config.notifications === undefined) {
    fail(
      "notifications",
      `${notifyOnFailure[0]} sets notifyOnFailure, but the environment has no notifications: add notifications (e-mail addresses, HTTPS endpoints or Slack)`,
    );
  }
}

function checkNetwork(fail: Fail, network: EnvironmentConfig["network"]): void {
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
}

/** The run ledger is a log group: it keeps its records for one of CloudWatch Logs' periods. */
function checkLedger(fail: Fail, ledger: EnvironmentConfig["ledger"]): void {
  const days = ledger?.retentionDays;
  if (days !== undefined && !LOG_RETENTION_DAYS.includes(days)) {
    fail(
      "ledger.retentionDays",
      `${JSON.stringify(days)} is not a retention CloudWatch Logs accepts: use one of ${LOG_RETENTION_DAYS.join(", ")}`,
    );
  }
}

function checkBackend(fail: Fail, backend: EnvironmentConfig["backend"]): void {
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
}

/**
 * Throws the first problem of {@link environmentsProblems}: the environments must be able to
 * live side by side, each config valid.
 */
export function validateEnvironments(configs: readonly EnvironmentConfig[]): void {
  const [first] = [...configs.flatMap(environmentConfigProblems), ...environmentsProblems(configs)];
  if (first !== undefined) {
    throw first;
  }
}

/**
 * What keeps environments from living side by side (their own configs aside): a name taken
 * twice, or an environment's IAM names reachable by another's deployer (`role/dev-*` would match
 * the roles of an environment `dev-eu`; `dev-release` is also the release stack of `dev`).
 */
export function environmentsProblems(
  configs: readonly EnvironmentConfig[],
): EnvironmentConfigError[] {
  const problems: EnvironmentConfigError[] = [];
  configs.forEach((config, index) => {
    configs.forEach((other, otherIndex) => {
      if (other.name === config.name && otherIndex > index) {
        problems.push(
          new EnvironmentConfigError(config.name, "name", "two environments have this name"),
        );
      }
      if (other !== config && other.name.startsWith(`${config.name}-`)) {
        problems.push(
          new EnvironmentConfigError(
            other.name,
            "name",
            `it starts with '${config.name}-', the name prefix of environment '${config.name}''s roles and stacks, so the deployer of '${config.name}' could reach its roles: rename one of the two`,
          ),
        );
      }
    });
  });
  return problems;
}

/** Each job has exactly one image: its container's, or one of the environment's `images`. */
function checkJobImages(fail: Fail, config: EnvironmentConfig): void {
  const images = config.images ?? {};
  if (typeof images !== "object" || Array.isArray(images)) {
    fail("images", 'give a map of repository names, e.g. { "nightly-report": {} }');
    return;
  }
  for (const name of Object.keys(images)) {
    try {
      validateRepositoryName(name);
    } catch (error) {
      fail(`images.${name}`, (error as Error).message);
    }
  }
  const requireCommitHash = config.releaseTags?.requireCommitHash ?? true;
  config.jobs.forEach((job, j) => {
    const field = `jobs[${j}]`;
    const name = `job '${job.jobName}'`;
    if (job.existingTaskDefinition) {
      return;
    }
    const containerImage = job.task?.container?.image;
    if (job.image === undefined) {
      if (containerImage === undefined) {
        fail(
          `${field}.task.container.image`,
          `${name} has no image: give task.container.image, or image: { repository } from this environment's images`,
        );
      }
      return;
    }
    if (containerImage !== undefined) {
      fail(`${field}.image`, `${name} gives both image and task.container.image: keep one`);
    }
    const repository = job.image.repository;
    if (!Object.hasOwn(images, repository)) {
      const known = Object.keys(images);
      fail(
        `${field}.image.repository`,
        `${name}: '${repository}' is not one of this environment's images (${known.length > 0 ? known.join(", ") : "none"}): add it to images`,
      );
    }
    const tag = job.image.tag;
    if (tag === undefined) {
      return;
    }
    if (requireCommitHash && !COMMIT_HASH_TAG.test(tag)) {
      fail(
        `${field}.image.tag`,
        `${name}: '${tag}' is not a commit hash tag: release tags are the first 7 characters of a commit hash, lower-case hexadecimal, e.g. '1a2b3c4' (or set releaseTags.requireCommitHash: false)`,
      );
    }
    if (!IMAGE_TAG.test(tag)) {
      fail(
        `${field}.image.tag`,
        `${name}: '${tag}' is not an image tag: 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
      );
    }
  });
}

/** Workflows name jobs of the environment, each job at most once, and no job runs twice. */
function checkWorkflows(fail: Fail, config: EnvironmentConfig): void {
  const workflows = config.workflows ?? [];
  if (!Array.isArray(workflows)) {
    fail("workflows", "give a list of workflows");
    return;
  }
  const jobs = new Map(config.jobs.map((job) => [job.jobName, job]));
  const owner = new Map<string, string>();
  const names = new Set<string>();
  workflows.forEach((workflow, w) => {
    const field = `workflows[${w}]`;
    const name = workflow.workflowName;
    // Workflows and jobs share the rule, schedule and role namespaces.
    if (names.has(name) || jobs.has(name)) {
      fail(
        `${field}.workflowName`,
        `'${name}' is already the name of a ${names.has(name) ? "workflow" : "job"}: workflow and job names must be unique`,
      );
    }
    names.add(name);
    const entries: readonly WorkflowJobConfig[] = workflow.jobs ?? [];
    entries.forEach((entry, j) => {
      const job = jobs.get(entry.job);
      if (job === undefined) {
        fail(
          `${field}.jobs[${j}].job`,
          `'${entry.job}' is not a job of this environment: add it to jobs (without a schedule)`,
        );
      } else if (job.schedule !== undefined) {
        fail(
          `${field}.jobs[${j}].job`,
          `job '${entry.job}' has its own schedule, so it would also run outside workflow '${name}': remove the job's schedule`,
        );
      }
      const other = owner.get(entry.job);
      if (other !== undefined) {
        fail(
          `${field}.jobs[${j}].job`,
          `job '${entry.job}' is already in workflow '${other}': a job belongs to one workflow`,
        );
      }
      owner.set(entry.job, name);
    });
  });
}

/** Whether exactly one of `a` and `b` is given; fails otherwise. */
function exactlyOne<T extends object>(
  fail: Fail,
  field: string,
  value: T,
  a: keyof T,
  b: keyof T,
): boolean {
  const given = [a, b].filter((key) => value[key] !== undefined);
  if (given.length !== 1) {
    fail(
      field,
      given.length === 0
        ? `give ${String(a)} or ${String(b)}`
        : `give either ${String(a)} or ${String(b)}, not both`,
    );
  }
  return given.length === 1;
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
    return;
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

/** The configs whose problems a stack of the app has reported already, per app. */
const reportedConfigs = new WeakMap<IConstruct, WeakSet<EnvironmentConfig>>();

/**
 * Checks the config an environment's stack is made from. An app that collects problems (see
 * COLLECT_PROBLEMS) gets each problem as a validation of the stack, once per config (its two
 * stacks share it), and the stack goes on; otherwise the first problem is thrown.
 */
export function checkStackConfig(stack: IConstruct, config: EnvironmentConfig): void {
  if (!collectsProblems(stack)) {
    validateEnvironmentConfig(config);
    return;
  }
  const root = stack.node.root;
  const reported = reportedConfigs.get(root) ?? new WeakSet<EnvironmentConfig>();
  reportedConfigs.set(root, reported);
  if (reported.has(config)) {
    return;
  }
  reported.add(config);
  const problems = environmentConfigProblems(config);
  stack.node.addValidation({ validate: () => problems.map((p) => `${p.field}: ${p.rule}`) });
}
