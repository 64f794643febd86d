import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsSecurityGroups } from "@cdktf/provider-aws/lib/data-aws-security-groups";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import {
  Fn,
  LocalBackend,
  S3Backend,
  TerraformOutput,
  TerraformStack,
  TerraformVariable,
} from "cdktf";
import { Construct } from "constructs";
import { jobParameterPrefix } from "../runner/job-run-spec";
import { EcrRepository } from "../modules/ecr-repository/ecr-repository";
import { FailureTopic } from "../modules/failure-notification/failure-topic";
import { GithubDeployRole } from "../modules/github-deploy-role/github-deploy-role";
import { JobWorkflow } from "../modules/job-workflow/job-workflow";
import { ReleasePipeline } from "../modules/release-pipeline/release-pipeline";
import { renderPolicyDocument } from "../modules/iam-role/policy-document";
import { runnerPolicy } from "../modules/scheduled-job/runner-policy";
import { JobContainer, ScheduledJob } from "../modules/scheduled-job/scheduled-job";
import {
  COMMIT_HASH_TAG,
  EnvironmentConfig,
  EnvironmentConfigError,
  NetworkConfig,
  releaseBranch,
  usesDeployedTag,
  validateEnvironmentConfig,
} from "./environment-config";

/** The Terraform variable that carries the tag of a deploy: `--var image_tag=<tag>`. */
export const IMAGE_TAG_VARIABLE = "image_tag";

export interface EnvironmentStackProps {
  readonly config: EnvironmentConfig;
}

/**
 * One environment (dev, stg, prod) as one Terraform stack named after it: provider, state
 * backend, cluster, network look-ups and the environment's jobs.
 */
export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly clusterArn: string;
  /** The ECR repositories of the config's `images`, by name. */
  readonly images: Readonly<Record<string, EcrRepository>>;
  /** The `image_tag` variable, declared when a job runs the tag of the deploy. */
  readonly imageTag?: TerraformVariable;
  /** With `release`: the CodePipeline that deploys this stack. */
  readonly releasePipeline?: ReleasePipeline;
  /** With `githubActions`: the role GitHub Actions deploys with. */
  readonly githubDeployRole?: GithubDeployRole;
  readonly jobs: readonly ScheduledJob[];
  readonly workflows: readonly JobWorkflow[];
  /** Where failure notices go, when the config has notifications. */
  readonly failureTopic?: FailureTopic;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const config = props.config;
    validateEnvironmentConfig(config);
    if (id !== config.name) {
      // The stack id is what `cdktf deploy <id>` takes; the state key and tags use config.name.
      throw new EnvironmentConfigError(
        config.name,
        "name",
        `the stack id '${id}' differs: create the stack with the environment's name as its id`,
      );
    }
    this.config = config;

    new AwsProvider(this, "aws", {
      region: config.region,
      allowedAccountIds: [config.accountId],
      defaultTags: [
        {
          tags: {
            ...config.defaultTags,
            Environment: config.name,
            ManagedBy: "cdktf",
          },
        },
      ],
    });
    this.configureBackend(config);

    this.clusterArn = this.cluster(config);
    const network = this.network(config.network);
    if (config.notifications) {
      this.failureTopic = new FailureTopic(this, "FailureTopic", {
        name: `${config.name}-batch-failures`,
        ...config.notifications,
      });
    }
    const notify = (wanted: boolean | undefined) =>
      this.failureTopic && wanted !== false
        ? { topic: this.failureTopic, environment: config.name }
        : undefined;

    this.images = Object.fromEntries(
      Object.entries(config.images ?? {}).map(([name, image]) => [
        name,
        new EcrRepository(this, `Image-${name}`, {
          repositoryName: name,
          keepImages: image.keepImages,
        }),
      ]),
    );
    // A release always deploys with `--var image_tag=...`, which Terraform refuses for an
    // undeclared variable, even when no job runs the deployed tag.
    const needsImageTag =
      config.jobs.some(usesDeployedTag) ||
      config.release !== undefined ||
      config.githubActions !== undefined;
    this.imageTag = needsImageTag ? this.imageTagVariable(config) : undefined;

    this.jobs = config.jobs.map(({ notifyOnFailure, image, container, ...job }) => {
      const repository = image ? this.images[image.repository] : undefined;
      // validateEnvironmentConfig saw to it that a job without an image has container.image.
      const jobContainer: JobContainer | undefined = repository
        ? { ...container, image: repository.imageUri(image!.tag ?? this.imageTag!.stringValue) }
        : (container as JobContainer | undefined);
      const scheduled = new ScheduledJob(this, job.jobName, {
        ...job,
        container: jobContainer,
        // The image URI is a reference, which names no repository at synth time.
        ecrRepositoryArns: repository
          ? [repository.repositoryArn, ...(job.ecrRepositoryArns ?? [])]
          : job.ecrRepositoryArns,
        clusterArn: this.clusterArn,
        subnetIds: network.subnetIds,
        securityGroupIds: network.securityGroupIds,
        region: config.region,
        runnerParameterPrefix: jobParameterPrefix(config.name),
        // A job without a schedule is run by a workflow (which reports for it) or by the runner.
        failureNotification: job.scheduleExpression ? notify(notifyOnFailure) : undefined,
      });
      repository?.allowPull(scheduled.executionRoleArn);
      return scheduled;
    });
    const jobsByName = new Map(this.jobs.map((job) => [job.jobName, job]));
    this.workflows = (config.workflows ?? []).map(
      ({ notifyOnFailure, jobs, ...workflow }) =>
        new JobWorkflow(this, workflow.workflowName, {
          ...workflow,
          jobs: jobs.map((entry) => ({ ...entry, job: jobsByName.get(entry.job)! })),
          failureNotification: notify(notifyOnFailure),
        }),
    );

    for (const job of this.jobs) {
      new TerraformOutput(this, `${job.jobName}-task-definition-arn`, {
        value: job.taskDefinitionArn,
        description: `Task definition (with revision) of job ${job.jobName}`,
      });
      if (job.logGroupName) {
        new TerraformOutput(this, `${job.jobName}-log-group-name`, {
          value: job.logGroupName,
          description: `Log group of job ${job.jobName}`,
        });
      }
    }
    ({ pipeline: this.releasePipeline, githubRole: this.githubDeployRole } =
      this.addRelease(config));
    for (const [name, repository] of Object.entries(this.images)) {
      new TerraformOutput(this, `image-${name}-repository-url`, {
        value: repository.repositoryUrl,
        description: `ECR repository ${name}: push release images here`,
      });
    }
    for (const workflow of this.workflows) {
      new TerraformOutput(this, `${workflow.workflowName}-state-machine-arn`, {
        value: workflow.stateMachineArn,
        description: `State machine of workflow ${workflow.workflowName}: start, redrive or re-run it here`,
      });
    }
    if (this.jobs.length > 0) {
      // Attach it to whatever runs `ecs-batch run` here: a job scheduler's server, a CI role.
      const runner = new IamPolicy(this, "RunnerPolicy", {
        name: `${config.name}-ecs-batch-runner`,
        description: `Lets ecs-batch start, watch and stop the ${config.name} jobs and read their logs`,
        policy: renderPolicyDocument(runnerPolicy(this.jobs)),
      });
      new TerraformOutput(this, "runner-policy-arn", {
        value: runner.arn,
        description: "IAM policy for whoever runs ecs-batch: attach it to the job scheduler's role",
      });
    }
    if (this.failureTopic) {
      new TerraformOutput(this, "failure-topic-arn", {
        value: this.failureTopic.topicArn,
        description: "SNS topic that receives failure notices of this environment's jobs",
      });
    }
  }

  /**
   * `image_tag`, with no default: every deploy names the tag it deploys, so a plan never moves a
   * job to another image unasked. Release tags are commit hashes unless the config says not.
   */
  private imageTagVariable(config: EnvironmentConfig): TerraformVariable {
    const requireCommitHash = config.releaseTags?.requireCommitHash ?? true;
    const users = config.jobs.filter(usesDeployedTag).map((job) => job.jobName);
    const variable = new TerraformVariable(this, IMAGE_TAG_VARIABLE, {
      type: "string",
      nullable: false,
      description: `Tag of the image this deploy runs (${requireCommitHash ? "the first 7 characters of the commit hash, e.g. 1a2b3c4" : "e.g. 1a2b3c4"}), for jobs ${users.join(", ")}: cdktf deploy ${config.name} --var ${IMAGE_TAG_VARIABLE}=<tag>`,
    });
    if (requireCommitHash) {
      variable.addValidation({
        condition: Fn.can(Fn.regex(COMMIT_HASH_TAG.source, variable.stringValue)),
        errorMessage:
          "image_tag must be the first 7 characters of a commit hash, lower-case hexadecimal, e.g. 1a2b3c4.",
      });
    }
    return variable;
  }

  /** The release pipeline or GitHub Actions role that deploys this stack with a new image tag. */
  private addRelease(config: EnvironmentConfig): {
    pipeline?: ReleasePipeline;
    githubRole?: GithubDeployRole;
  } {
    const s3 = config.backend.s3;
    const state = s3 && {
      stateBucket: s3.bucket,
      stateKey: stateKey(config),
      // A key ARN (not an alias or id) scopes the deployer's KMS grant.
      stateKmsKeyArn: s3.kmsKeyId?.startsWith("arn:") ? s3.kmsKeyId : undefined,
    };
    let pipeline: ReleasePipeline | undefined;
    let githubRole: GithubDeployRole | undefined;
    if (config.release && state) {
      pipeline = new ReleasePipeline(this, "Release", {
        ...state,
        environment: config.name,
        connectionArn: config.release.connectionArn,
        repository: config.release.repository,
        branch: releaseBranch(config)!,
        imageRepository: this.images[config.release.imageRepository],
        dockerfile: config.release.dockerfile,
        buildContext: config.release.buildContext,
      });
      new TerraformOutput(this, "release-pipeline-name", {
        value: pipeline.pipelineName,
        description: `CodePipeline that releases branch ${releaseBranch(config)} to ${config.name}`,
      });
    }
    if (config.githubActions && state) {
      githubRole = new GithubDeployRole(this, "GithubDeployRole", {
        ...state,
        environment: config.name,
        repository: config.githubActions.repository,
        branch: config.githubActions.branch,
        imageRepository: this.images[config.githubActions.imageRepository],
        existingProviderArn: config.githubActions.existingProviderArn,
      });
      new TerraformOutput(this, "github-deploy-role-arn", {
        value: githubRole.roleArn,
        description: `Role for GitHub Actions of ${config.githubActions.repository}@${config.githubActions.branch}: role-to-assume`,
      });
    }
    return { pipeline, githubRole };
  }

  private configureBackend(config: EnvironmentConfig): void {
    const { s3, local } = config.backend;
    if (s3) {
      const backend = new S3Backend(this, {
        bucket: s3.bucket,
        key: stateKey(config),
        region: s3.region ?? config.region,
        encrypt: true,
        kmsKeyId: s3.kmsKeyId,
      });
      // S3 native state locking; cdktf 0.21's S3Backend has no field for it.
      backend.addOverride("use_lockfile", true);
    } else {
      new LocalBackend(this, { path: local?.path ?? `terraform.${config.name}.tfstate` });
    }
  }

  private cluster(config: EnvironmentConfig): string {
    if (config.cluster.create) {
      return new EcsCluster(this, "Cluster", {
        name: config.cluster.create.name,
        setting: [{ name: "containerInsights", value: "enabled" }],
      }).arn;
    }
    return new DataAwsEcsCluster(this, "Cluster", { clusterName: config.cluster.existing!.name })
      .arn;
  }

  private network(network: NetworkConfig): { subnetIds: string[]; securityGroupIds: string[] } {
    const vpcFilter = network.vpcId ? [{ name: "vpc-id", values: [network.vpcId] }] : [];
    const tagFilters = (tags: Readonly<Record<string, string>>) =>
      Object.entries(tags).map(([key, value]) => ({ name: `tag:${key}`, values: [value] }));
    const subnetIds = network.subnetTags
      ? new DataAwsSubnets(this, "Subnets", {
          filter: [...vpcFilter, ...tagFilters(network.subnetTags)],
        }).ids
      : [...network.subnetIds!];
    const securityGroupIds = network.securityGroupTags
      ? new DataAwsSecurityGroups(this, "SecurityGroups", {
          filter: [...vpcFilter, ...tagFilters(network.securityGroupTags)],
        }).ids
      : [...network.securityGroupIds!];
    return { subnetIds, securityGroupIds };
  }
}

/** The state object of an environment in its S3 backend. */
function stateKey(config: EnvironmentConfig): string {
  return `${config.backend.s3?.keyPrefix ?? "ecs-scheduled-batch"}/${config.name}.tfstate`;
}
