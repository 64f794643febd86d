/**
 * What an environment's config says: the types of `environments/<env>.ts`. They are checked by
 * environment-validation.ts before anything is built, and by the constructs themselves.
 */
import {
  BatchJobFromExistingTaskProps,
  BatchJobSchedule,
  ExistingTaskDefinition,
  JobContainer,
  JobTaskOptions,
} from "../modules/batch-job/batch-job";
import { SlackChannel } from "../modules/failure-notification/failure-topic";
import { JobWorkflowProps, WorkflowJob } from "../modules/job-workflow/job-workflow";
import { LaunchOptions, RunPlacement } from "../modules/job-run/job-run";
import { RELEASE_TAG_KEY } from "../modules/permissions-boundary/environment-iam";

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

/** What every job of an environment says, however its task is made. */
interface JobConfigCommon {
  /** Name of the job: names its rule, task definition family, log group and roles. */
  readonly jobName: string;
  /** What the job does, for people. @default no description */
  readonly description?: string;
  /** Where its tasks run, beyond the environment's cluster and network: a public IP (for
   * subnets without a NAT gateway) and a pinned platform version.
   * @default no public IP, the LATEST platform version */
  readonly placement?: Pick<RunPlacement, "assignPublicIp" | "platformVersion">;
  /** How many tasks a run starts and how they are tagged. @default one task, tags propagated */
  readonly launch?: LaunchOptions;
  /** Whether running the job again after a failure is harmless. @default false */
  readonly safeToRerun?: boolean;
  /** Report this job's failures to the environment's notifications. Only jobs with a schedule
   * report on their own; a workflow reports for the jobs it runs.
   * @default true when the environment has notifications */
  readonly notifyOnFailure?: boolean;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A job made from its container: a BatchJob whose placement (cluster, network, platform) and
 * runner parameter come from the environment.
 */
export interface JobFromContainerConfig extends JobConfigCommon {
  /** The task: the job's container (its `image` unless the job has `image`), size, roles, logs.
   * @default a task of the job's `image` alone, 256 CPU units and 512 MiB */
  readonly task?: Omit<JobTaskOptions, "container"> & {
    readonly container?: Omit<JobContainer, "image"> & { readonly image?: string };
  };
  /** The job's image from the environment's `images`: the container runs
   * `<repository URL>:<tag>`, and the job's execution role may pull from that repository.
   * @default the image is `task.container.image` */
  readonly image?: JobImageConfig;
  /** When the job runs: an expression (a rule, in UTC), or `{ rule }` / `{ scheduler }`.
   * @default no schedule: a workflow or the runner starts it */
  readonly schedule?: BatchJobSchedule;
  readonly existingTaskDefinition?: never;
}

/** A job that runs a task definition made elsewhere (see BatchJobFromExistingTaskProps). */
export interface JobFromExistingTaskConfig extends JobConfigCommon {
  readonly existingTaskDefinition: ExistingTaskDefinition;
  /** @default no schedule */
  readonly schedule?: BatchJobFromExistingTaskProps["schedule"];
  readonly task?: never;
  readonly image?: never;
}

/** A job of an environment. */
export type JobConfig = JobFromContainerConfig | JobFromExistingTaskConfig;

/** A job of a workflow, named by its jobName in the environment's jobs. */
export type WorkflowJobConfig = Omit<WorkflowJob, "job"> & { readonly job: string };

/** A workflow of an environment: jobs of the environment run in dependency order. */
export type WorkflowConfig = Omit<JobWorkflowProps, "jobs" | "failureNotification"> & {
  readonly jobs: readonly WorkflowJobConfig[];
  /** Report jobs that failed for good to the environment's notifications.
   * @default true when the environment has notifications */
  readonly notifyOnFailure?: boolean;
};

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
  /** The run ledger: every start and stop of every job's task, as one record each in the log
   * group `/aws/events/<name>-batch-runs`, which `ecs-batch history` reads.
   * @default a ledger that keeps records 365 days */
  readonly ledger?: LedgerConfig;
}

/** The environment's run ledger. */
export interface LedgerConfig {
  /** Days the records are kept: one of CloudWatch Logs' retention periods. @default 365 */
  readonly retentionDays?: number;
}

/** Tags every environment stack sets on its resources, which a config may not override. */
export const STACK_TAG_KEYS: readonly string[] = ["Environment", "ManagedBy", RELEASE_TAG_KEY];

/** A release tag: the first 7 characters of the commit the image was built from. */
export const COMMIT_HASH_TAG = /^[0-9a-f]{7}$/;

/**
 * The task roles the environment's jobs run with that the environment does not make (a job's
 * `taskRoleArn`): its deployer and its roles may pass them to ECS tasks, so they are part of what
 * the release stack grants.
 */
export function externalTaskRoleArns(config: EnvironmentConfig): string[] {
  const arns = config.jobs.flatMap((job) => taskRoleOf(job) ?? []);
  return [...new Set(arns)].sort();
}

/** Whether a job runs the tag given at deploy time (`var.image_tag`), not a fixed one. */
export function usesDeployedTag(job: JobConfig): boolean {
  return job.image !== undefined && job.image.tag === undefined;
}

/** The task role a job runs with, when it has one. */
function taskRoleOf(job: JobConfig): string | undefined {
  return job.existingTaskDefinition
    ? job.existingTaskDefinition.taskRoleArn
    : job.task?.taskRoleArn;
}
