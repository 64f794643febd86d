import { validateRepositoryName } from "../modules/ecr-repository/ecr-repository";
import { SlackChannel } from "../modules/failure-notification/failure-topic";
import { RELEASE_TAG_KEY } from "../modules/permissions-boundary/environment-iam";
import { JobWorkflowProps, WorkflowJob } from "../modules/job-workflow/job-workflow";
import { JobContainer, ScheduledJobProps } from "../modules/scheduled-job/scheduled-job";

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

/**
 * Who hears of failures: an SNS topic (`<environment>-batch-failures`, KMS-encrypted) with these
 * subscribers. Scheduled jobs and workflows report to it.
 */
export interface NotificationConfig {
  /** Each address gets an e-mail to confirm, then every failure notice. @default none */
  readonly emailAddresses?: readonly string[];
  /** `https://` endpoints subscribed to the topic (they confirm the subscription). @default none */
  readonly httpsEndpoints?: readonly string[];
  /** A Slack channel, through AWS Chatbot. Authorise the workspace once per account in the
   * Chatbot console first. @default no Slack */
  readonly slack?: SlackChannel;
}

/** An ECR repository of the environment, named after its key in `images`. */
export interface ImageConfig {
  /** How many images the repository keeps (1-1000); older ones expire, and a release whose
   * image expired can no longer be deployed again.
   * @default 30 */
  readonly keepImages?: number;
}

/** A job's image from one of the environment's ECR repositories. */
export interface JobImageConfig {
  /** The repository: a key of the environment's `images`. */
  readonly repository: string;
  /** A fixed tag, to pin the job to one release while others move on. A short commit hash (7
   * lower-case hexadecimal characters) unless `releaseTags.requireCommitHash` is false.
   * @default the tag of the deploy: `var.image_tag` (`cdktf deploy <env> --var image_tag=<tag>`) */
  readonly tag?: string;
}

/** How the release tags of an environment's images look. */
export interface ReleaseTagsConfig {
  /** Image tags are the first 7 characters of the commit they were built from: the `image_tag`
   * variable carries a Terraform validation `^[0-9a-f]{7}$`, and a job's literal `image.tag`
   * that is not one fails the synth.
   * @default true */
  readonly requireCommitHash?: boolean;
}

/** A job of an environment: a ScheduledJob whose network and cluster come from the environment. */
export type JobConfig = Omit<
  ScheduledJobProps,
  | "clusterArn"
  | "subnetIds"
  | "securityGroupIds"
  | "region"
  | "failureNotification"
  | "runnerParameterPrefix"
  | "container"
> & {
  /** The job's container. Its `image` is required unless the job has `image`, which fills it
   * (give one of the two). */
  readonly container?: Omit<JobContainer, "image"> & { readonly image?: string };
  /** The job's image from the environment's `images`: the container runs
   * `<repository URL>:<tag>`, and the job's execution role may pull from that repository.
   * @default the image is `container.image` */
  readonly image?: JobImageConfig;
  /** Report this job's failures to the environment's notifications. Only jobs with a schedule
   * report on their own; a workflow reports for the jobs it runs.
   * @default true when the environment has notifications */
  readonly notifyOnFailure?: boolean;
};

/** A job of a workflow, named by its jobName in the environment's jobs. */
export type WorkflowJobConfig = Omit<WorkflowJob, "job"> & { readonly job: string };

/** A workflow of an environment: jobs of the environment run in dependency order. */
export type WorkflowConfig = Omit<JobWorkflowProps, "jobs" | "failureNotification"> & {
  readonly jobs: readonly WorkflowJobConfig[];
  /** Report jobs that failed for good to the environment's notifications.
   * @default true when the environment has notifications */
  readonly notifyOnFailure?: boolean;
};

/** Everything one environment (dev, stg, prod) deploys. */
/**
 * The release pipeline of an environment: on a push to `branch`, CodePipeline builds the image
 * of `imageRepository`, tags it with the commit's first 7 characters, pushes it, and deploys this
 * environment's stack with that tag.
 */
export interface ReleaseConfig {
  /** ARN of the CodeStar (CodeConnections) connection to the Git host, made once per account in
   * the console (it needs a person to authorise it). */
  readonly connectionArn: string;
  /** The Git repository, `owner/name`. */
  readonly repository: string;
  /** The branch that releases to this environment.
   * @default `develop` for `stg`, `main` for `prod`; other environments must name one */
  readonly branch?: string;
  /** The entry of `images` the build pushes. */
  readonly imageRepository: string;
  /** @default "Dockerfile" */
  readonly dockerfile?: string;
  /** @default "." */
  readonly buildContext?: string;
}

/** GitHub Actions instead of CodePipeline: a role that one repository and branch may assume. */
export interface GithubActionsConfig {
  /** `owner/name`. */
  readonly repository: string;
  readonly branch: string;
  /** The entry of `images` the workflow pushes. */
  readonly imageRepository: string;
  /** The account's GitHub OIDC provider, when another stack made it already.
   * @default one made here */
  readonly existingProviderArn?: string;
}

/** Which branch releases to which environment, unless a release names its branch. */
export const DEFAULT_RELEASE_BRANCHES: Readonly<Record<string, string>> = {
  stg: "develop",
  prod: "main",
};

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
  /** ECR repositories for the jobs' images, by repository name, e.g.
   * `{ "nightly-report": {} }`; a job names one in `image.repository`.
   * @default none */
  readonly images?: Readonly<Record<string, ImageConfig>>;
  /** How release tags look; see {@link ReleaseTagsConfig}.
   * @default 7-character commit hashes */
  readonly releaseTags?: ReleaseTagsConfig;
  /** A CodePipeline that releases on a push. @default no pipeline */
  readonly release?: ReleaseConfig;
  /** A role for GitHub Actions to release with. @default none */
  readonly githubActions?: GithubActionsConfig;
  readonly jobs: readonly JobConfig[];
  /** Jobs with dependencies, run as Step Functions workflows. @default none */
  readonly workflows?: readonly WorkflowConfig[];
  /** Where failure notices go. @default no notifications */
  readonly notifications?: NotificationConfig;
}

/** An environment config that is incomplete or inconsistent. */
export class EnvironmentConfigError extends Error {
  constructor(environment: string, field: string, rule: string) {
    super(`environment '${environment}': ${field}: ${rule}`);
    this.name = "EnvironmentConfigError";
  }
}

/** Tags every environment stack sets on its resources, which a config may not override. */
export const STACK_TAG_KEYS: readonly string[] = ["Environment", "ManagedBy", RELEASE_TAG_KEY];

/** A release tag: the first 7 characters of the commit the image was built from. */
export const COMMIT_HASH_TAG = /^[0-9a-f]{7}$/;
/** A Docker image tag. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;

/**
 * The task roles the environment's jobs run with that the environment does not make (a job's
 * `taskRoleArn`): its deployer and its roles may pass them to ECS tasks, so they are part of what
 * the release stack grants.
 */
export function externalTaskRoleArns(config: EnvironmentConfig): string[] {
  const arns = config.jobs.flatMap((job) => (job.taskRoleArn ? [job.taskRoleArn] : []));
  return [...new Set(arns)].sort();
}

/** Whether a job runs the tag given at deploy time (`var.image_tag`), not a fixed one. */
export function usesDeployedTag(job: JobConfig): boolean {
  return job.image !== undefined && job.image.tag === undefined;
}

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
  checkJobImages(fail, config);
  checkWorkflows(fail, config);
  checkRelease(fail, config);
  const notifyOnFailure = [
    ...config.jobs.filter((job) => job.notifyOnFailure === true).map((j) => `job '${j.jobName}'`),
    ...(config.workflows ?? [])
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

/**
 * Throws an {@link EnvironmentConfigError} unless the environments can live side by side: each
 * config valid, names unique, and no environment's IAM names reachable by another's deployer
 * (`role/dev-*` would match the roles of an environment `dev-eu`), nor a stack id taken twice
 * (`dev-release` is the release stack of `dev`).
 */
export function validateEnvironments(configs: readonly EnvironmentConfig[]): void {
  configs.forEach(validateEnvironmentConfig);
  for (const config of configs) {
    for (const other of configs) {
      if (other === config) {
        continue;
      }
      if (other.name === config.name) {
        throw new EnvironmentConfigError(config.name, "name", "two environments have this name");
      }
      if (other.name.startsWith(`${config.name}-`)) {
        throw new EnvironmentConfigError(
          other.name,
          "name",
          `it starts with '${config.name}-', the name prefix of environment '${config.name}''s roles and stacks, so the deployer of '${config.name}' could reach its roles: rename one of the two`,
        );
      }
    }
  }
}

/** Each job has exactly one image: its container's, or one of the environment's `images`. */
function checkJobImages(fail: Fail, config: EnvironmentConfig): void {
  const images = config.images ?? {};
  if (typeof images !== "object" || Array.isArray(images)) {
    fail("images", 'give a map of repository names, e.g. { "nightly-report": {} }');
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
    const containerImage = job.container?.image;
    if (job.image === undefined) {
      if (job.container !== undefined && containerImage === undefined) {
        fail(
          `${field}.container.image`,
          `${name} has no image: give container.image, or image: { repository } from this environment's images`,
        );
      }
      return;
    }
    if (containerImage !== undefined) {
      fail(`${field}.image`, `${name} gives both image and container.image: keep one`);
    }
    if (job.taskDefinition !== undefined) {
      fail(
        `${field}.image`,
        `${name}: image makes the job's container, but taskDefinition names an existing task definition: keep one`,
      );
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
          `'${entry.job}' is not a job of this environment: add it to jobs (without a scheduleExpression)`,
        );
      }
      if (job.scheduleExpression !== undefined) {
        fail(
          `${field}.jobs[${j}].job`,
          `job '${entry.job}' has its own scheduleExpression, so it would also run outside workflow '${name}': remove the job's schedule`,
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

/** The branch that releases to the environment, or undefined when none is known. */
export function releaseBranch(config: EnvironmentConfig): string | undefined {
  return config.release?.branch ?? DEFAULT_RELEASE_BRANCHES[config.name];
}

/** A release needs its image, its branch, its connection, and a state it can deploy with. */
function checkRelease(fail: Fail, config: EnvironmentConfig): void {
  const targets = [
    ["release", config.release],
    ["githubActions", config.githubActions],
  ] as const;
  for (const [field, target] of targets) {
    if (target === undefined) {
      continue;
    }
    if (config.images?.[target.imageRepository] === undefined) {
      fail(
        `${field}.imageRepository`,
        `'${target.imageRepository}' is not in images: name one of ${Object.keys(config.images ?? {}).join(", ") || "(none: add images)"}`,
      );
    }
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(target.repository ?? "")) {
      fail(`${field}.repository`, `'${target.repository}' must be a repository id 'owner/name'`);
    }
    if (config.backend?.s3 === undefined) {
      fail(
        field,
        "a release deploys the stack from a build, which needs the state in S3: use backend.s3",
      );
    }
  }
  const release = config.release;
  if (release !== undefined) {
    if (typeof release.connectionArn !== "string" || release.connectionArn.length === 0) {
      fail(
        "release.connectionArn",
        "missing: create a CodeStar connection to the Git host in the console and give its ARN",
      );
    }
    if (releaseBranch(config) === undefined) {
      fail(
        "release.branch",
        `no branch maps to environment '${config.name}' by default (${Object.entries(
          DEFAULT_RELEASE_BRANCHES,
        )
          .map(([env, branch]) => `${branch} -> ${env}`)
          .join(", ")}): set release.branch`,
      );
    }
  }
}
