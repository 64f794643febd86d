import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsSecurityGroups } from "@cdktf/provider-aws/lib/data-aws-security-groups";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { LocalBackend, S3Backend, TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { jobParameterPrefix } from "../runner/job-run-spec";
import { FailureTopic } from "../modules/failure-notification/failure-topic";
import { JobWorkflow } from "../modules/job-workflow/job-workflow";
import { renderPolicyDocument } from "../modules/iam-role/policy-document";
import { runnerPolicy } from "../modules/scheduled-job/runner-policy";
import { ScheduledJob } from "../modules/scheduled-job/scheduled-job";
import {
  EnvironmentConfig,
  EnvironmentConfigError,
  NetworkConfig,
  validateEnvironmentConfig,
} from "./environment-config";

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

    this.jobs = config.jobs.map(({ notifyOnFailure, ...job }) => {
      return new ScheduledJob(this, job.jobName, {
        ...job,
        clusterArn: this.clusterArn,
        subnetIds: network.subnetIds,
        securityGroupIds: network.securityGroupIds,
        region: config.region,
        runnerParameterPrefix: jobParameterPrefix(config.name),
        // A job without a schedule is run by a workflow (which reports for it) or by the runner.
        failureNotification: job.scheduleExpression ? notify(notifyOnFailure) : undefined,
      });
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

  private configureBackend(config: EnvironmentConfig): void {
    const { s3, local } = config.backend;
    if (s3) {
      const backend = new S3Backend(this, {
        bucket: s3.bucket,
        key: `${s3.keyPrefix ?? "ecs-scheduled-batch"}/${config.name}.tfstate`,
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
