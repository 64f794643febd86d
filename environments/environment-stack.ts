import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { DataAwsEcrRepository } from "@cdktf/provider-aws/lib/data-aws-ecr-repository";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsSecurityGroups } from "@cdktf/provider-aws/lib/data-aws-security-groups";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { Fn, TerraformOutput, TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { jobParameterPrefix } from "../contract/job-run-spec";
import { FailureTopic } from "../modules/failure-notification/failure-topic";
import { IamScope } from "../modules/iam-role/iam-scope";
import { JobWorkflow } from "../modules/job-workflow/job-workflow";
import {
  environmentIamNamePrefix,
  permissionsBoundaryArn,
} from "../modules/permissions-boundary/environment-iam";
import { ImageRepository } from "../modules/release-pipeline/release-pipeline";
import { renderPolicyDocument } from "../modules/iam-role/policy-document";
import { partitionOfRegion } from "../modules/stack-context";
import {
  BatchJob,
  BatchJobProps,
  JobContainer,
  JobTaskOptions,
} from "../modules/batch-job/batch-job";
import { runnerPolicy } from "../modules/batch-job/runner-policy";
import { RunLedger } from "../modules/run-ledger/run-ledger";
import { RunDashboard } from "../modules/run-dashboard/run-dashboard";
import { alarmArnsIn } from "../modules/run-dashboard/alarm-arns";
import { runLedgerLogGroupName } from "../contract/run-record";
import { RunPlacement } from "../modules/job-run/job-run";
import {
  COMMIT_HASH_TAG,
  EnvironmentConfig,
  JobConfig,
  NetworkConfig,
  usesDeployedTag,
} from "./environment-config";
import { checkStackConfig, EnvironmentConfigError } from "./environment-validation";
import { addEnvironmentBackend, addEnvironmentProvider } from "./stack-setup";

/** The Terraform variable that carries the tag of a deploy: `--var image_tag=<tag>`. */
export const IMAGE_TAG_VARIABLE = "image_tag";

export interface EnvironmentStackProps {
  readonly config: EnvironmentConfig;
}

/**
 * The jobs of one environment (dev, stg, prod) as one Terraform stack named after it: provider,
 * state backend, cluster, network look-ups, the jobs, workflows and notices, and the runner's
 * policy. This is the stack a release deploys; what grants power (the permissions boundary, the
 * image repositories, the release itself) is in the environment's {@link ReleaseStack}.
 *
 * Every role and managed policy here is named `<environment>-...` and every role carries the
 * environment's permissions boundary ({@link IamScope}).
 */
export class EnvironmentStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  readonly clusterArn: string;
  /** The ECR repositories of the config's `images` (made by the release stack), by name. */
  readonly images: Readonly<Record<string, ImageRepository>>;
  /** The `image_tag` variable, declared when a job runs the tag of the deploy. */
  readonly imageTag?: TerraformVariable;
  /** ARN of the permissions boundary every role here carries. */
  readonly permissionsBoundaryArn: string;
  readonly jobs: readonly BatchJob[];
  readonly workflows: readonly JobWorkflow[];
  /** Where failure notices go, when the config has notifications. */
  readonly failureTopic?: FailureTopic;
  /** Every start and stop of every job's task, one record each, when it has jobs. */
  readonly runLedger?: RunLedger;
  /** The jobs' runs, failures, durations and alarms, from the ledger, when it has jobs. */
  readonly dashboard?: RunDashboard;

  constructor(scope: Construct, id: string, props: EnvironmentStackProps) {
    super(scope, id);
    const config = props.config;
    checkStackConfig(this, config);
    if (id !== config.name) {
      // The stack id is what `cdktf deploy <id>` takes; the state key and tags use config.name.
      throw new EnvironmentConfigError(
        config.name,
        "name",
        `the stack id '${id}' differs: create the stack with the environment's name as its id`,
      );
    }
    this.config = config;
    // Known from the config, before the release stack has made it.
    this.permissionsBoundaryArn = permissionsBoundaryArn(
      partitionOfRegion(config.region),
      config.accountId,
      config.name,
    );
    IamScope.of(this).apply({
      namePrefix: environmentIamNamePrefix(config.name),
      permissionsBoundaryArn: this.permissionsBoundaryArn,
    });
    addEnvironmentProvider(this, config);
    addEnvironmentBackend(this, config, id);

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

    // The release stack makes the repositories; a look-up fails the plan clearly until it has.
    this.images = Object.fromEntries(
      Object.keys(config.images ?? {}).map((name) => {
        const found = new DataAwsEcrRepository(this, `Image-${name}`, { name });
        return [
          name,
          { repositoryName: name, repositoryArn: found.arn, repositoryUrl: found.repositoryUrl },
        ];
      }),
    );
    // A release always deploys with `--var image_tag=...`, which Terraform refuses for an
    // undeclared variable, even when no job runs the deployed tag.
    const needsImageTag =
      config.jobs.some(usesDeployedTag) ||
      config.release !== undefined ||
      config.githubActions !== undefined;
    this.imageTag = needsImageTag ? this.imageTagVariable(config) : undefined;

    const placement: RunPlacement = {
      clusterArn: this.clusterArn,
      subnetIds: network.subnetIds,
      securityGroupIds: network.securityGroupIds,
    };
    this.jobs = config.jobs.map(
      (job) =>
        new BatchJob(this, job.jobName, this.jobProps(job, placement, notify(job.notifyOnFailure))),
    );
    this.runLedger =
      this.jobs.length === 0
        ? undefined
        : new RunLedger(this, "RunLedger", {
            environment: config.name,
            region: config.region,
            clusterArns: [this.clusterArn],
            // A job of a task definition made elsewhere has no known container to read a result from.
            jobs: this.jobs
              .filter((job) => job.jobContainerName !== undefined)
              .map((job) => ({
                name: job.jobName,
                container: job.jobContainerName,
                // With a log router the job's output is at the router's destination.
                logGroupName: job.logRouterDestination === undefined ? job.logGroupName : undefined,
                logStreamPrefix: job.logStreamPrefix,
              })),
            retentionDays: config.ledger?.retentionDays,
            alarmTopicArns: this.failureTopic?.deliveries.map((d) => d.topicArn),
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
    for (const workflow of this.workflows) {
      new TerraformOutput(this, `${workflow.workflowName}-state-machine-arn`, {
        value: workflow.stateMachineArn,
        description: `State machine of workflow ${workflow.workflowName}: start, redrive or re-run it here`,
      });
    }
    if (this.jobs.length > 0) {
      // Attach it to whatever runs `ecs-batch run` here: a job scheduler's server, a CI role.
      const runner = new IamPolicy(this, "RunnerPolicy", {
        name: IamScope.of(this).name("ecs-batch-runner"),
        description: `Lets ecs-batch start, watch and stop the ${config.name} jobs and read their logs`,
        policy: renderPolicyDocument(runnerPolicy(this.jobs)),
      });
      new TerraformOutput(this, "runner-policy-arn", {
        value: runner.arn,
        description: "IAM policy for whoever runs ecs-batch: attach it to the job scheduler's role",
      });
    }
    if (this.runLedger) {
      new TerraformOutput(this, "run-ledger-log-group", {
        value: this.runLedger.logGroupName,
        description: "Log group of the run ledger: every start and stop of every job's task",
      });
      // Last: it shows the alarms made above.
      this.dashboard = new RunDashboard(this, "Dashboard", {
        environment: config.name,
        ledgerLogGroupName: this.runLedger.logGroupName,
        // A job of a task definition made elsewhere has no known container to read a result from.
        jobs: this.jobs
          .filter((job) => job.jobContainerName !== undefined)
          .map((job) => ({ name: job.jobName })),
        alarmArns: alarmArnsIn(this),
        region: config.region,
      });
      new TerraformOutput(this, "dashboard-name", {
        value: this.dashboard.dashboardName,
        description: "CloudWatch dashboard of the jobs' runs, failures, durations and alarms",
      });
    }
    if (this.failureTopic) {
      new TerraformOutput(this, "failure-topic-arn", {
        value: this.failureTopic.topicArn,
        description: "SNS topic that receives failure notices of this environment's jobs",
      });
    }
  }

  /** The props of a job of the config, with the environment's placement, images and logs. */
  private jobProps(
    job: JobConfig,
    placement: RunPlacement,
    notify: BatchJobProps["failureNotification"],
  ): BatchJobProps {
    const common = {
      jobName: job.jobName,
      description: job.description,
      placement: { ...placement, ...job.placement },
      launch: job.launch,
      safeToRerun: job.safeToRerun,
      tags: job.tags,
    };
    if (job.existingTaskDefinition) {
      return {
        ...common,
        existingTaskDefinition: job.existingTaskDefinition,
        schedule: job.schedule,
      };
    }
    const { image, task } = job;
    const repository = image ? this.images[image.repository] : undefined;
    // validateEnvironmentConfig saw to it that a job without an image has task.container.image.
    const container: JobContainer = repository
      ? {
          ...task?.container,
          image: `${repository.repositoryUrl}:${image!.tag ?? this.imageTag!.stringValue}`,
        }
      : (task?.container as JobContainer);
    return {
      ...common,
      schedule: job.schedule,
      task: {
        ...task,
        container,
        // The image URI is a reference, which names no repository at synth time.
        ecrRepositoryArns: repository
          ? [repository.repositoryArn, ...(task?.ecrRepositoryArns ?? [])]
          : task?.ecrRepositoryArns,
        // The environment's region: the stack's provider's, known here.
        logs: { ...task?.logs, region: this.config.region } as JobTaskOptions["logs"],
      },
      runnerParameterPrefix: jobParameterPrefix(this.config.name),
      // The ledger is made once the jobs are, under this name, in the environment's account.
      ledgerLogGroupName: runLedgerLogGroupName(this.config.name),
      ledgerLogGroupArn: `arn:${partitionOfRegion(this.config.region)}:logs:${this.config.region}:${this.config.accountId}:log-group:${runLedgerLogGroupName(this.config.name)}`,
      // A job without a schedule is run by a workflow (which reports for it) or by the runner.
      failureNotification: job.schedule ? notify : undefined,
    };
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
