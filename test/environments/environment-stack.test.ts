import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsSecurityGroups } from "@cdktf/provider-aws/lib/data-aws-security-groups";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { TerraformElement, Testing } from "cdktf";
import {
  EnvironmentConfig,
  JobConfig,
  JobFromContainerConfig,
  NotificationConfig,
  WorkflowConfig,
} from "../../environments/environment-config";
import { EnvironmentStack } from "../../environments/environment-stack";
import {
  EnvironmentConfigError,
  validateEnvironmentConfig,
} from "../../environments/environment-validation";
import { BatchJob } from "../../modules/batch-job/batch-job";
import { stateNames } from "../../modules/job-workflow/state-names";
import { ValidationError } from "../../modules/validation/construct-validation";
import { statementsOf } from "../synth";
import {
  failureRuleNames,
  jobNoticeRule,
  noticeFilterOf,
  publishedTopics,
  runLedgerRuleNames,
} from "./failure-notices";
import {
  FoundResource,
  SynthesizedEnvironment,
  allStates,
  dataSources,
  eventTarget,
  containerDefinitions,
  jobBranch,
  onlyResourceId,
  ref,
  resourceTypesOf,
  resourceWhere,
  resources,
  stateMachineDefinition,
  synthEnvironment,
} from "./synth-environment";

const job: JobFromContainerConfig = {
  jobName: "nightly-report",
  description: "the nightly report",
  schedule: "cron(0 18 * * ? *)",
  task: { container: { image: "alpine:3.20", command: ["/bin/date"] } },
};

/** Two jobs without a schedule, and a workflow that runs report after extract. */
const extract: JobConfig = {
  jobName: "extract",
  task: { container: { image: "alpine:3.20", command: ["/bin/date"] } },
};
const report: JobConfig = { ...extract, jobName: "report" };
const workflow: WorkflowConfig = {
  workflowName: "nightly",
  jobs: [{ job: "extract" }, { job: "report", dependsOn: ["extract"] }],
};

const base: EnvironmentConfig = {
  name: "dev",
  region: "eu-west-1",
  accountId: "123456789012",
  network: {
    subnetIds: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
    securityGroupIds: ["sg-0123456789abcdef0"],
  },
  cluster: { create: { name: "jobs-dev" } },
  backend: { s3: { bucket: "state-bucket-123456789012" } },
  defaultTags: { Project: "reports", CostCenter: "42" },
  jobs: [job],
};

describe("EnvironmentStack", () => {
  describe("provider and S3 backend with defaults", () => {
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment(base);
    });

    it("configures the AWS provider for the environment's region and account only", () => {
      expect(env.synth).toHaveProviderWithProperties(AwsProvider, {
        region: "eu-west-1",
        allowed_account_ids: ["123456789012"],
      });
      expect(env.tf.provider.aws).toHaveLength(1);
      expect(env.tf.provider.aws[0]).toMatchObject({
        region: "eu-west-1",
        allowed_account_ids: ["123456789012"],
      });
    });

    it("tags every resource with Environment, ManagedBy and the config's default tags", () => {
      expect(env.synth).toHaveProviderWithProperties(AwsProvider, {
        default_tags: [
          {
            tags: { Environment: "dev", ManagedBy: "cdktf", Project: "reports", CostCenter: "42" },
          },
        ],
      });
      expect(env.tf.provider.aws[0].default_tags).toEqual([
        { tags: { Environment: "dev", ManagedBy: "cdktf", Project: "reports", CostCenter: "42" } },
      ]);
    });

    it("keeps the state in S3 under ecs-scheduled-batch/<env>.tfstate, encrypted and locked", () => {
      expect(env.tf.terraform.backend).toEqual({
        s3: {
          bucket: "state-bucket-123456789012",
          key: "ecs-scheduled-batch/dev.tfstate",
          region: "eu-west-1",
          encrypt: true,
          use_lockfile: true,
        },
      });
    });

    it("exposes the validated config", () => {
      expect(env.stack.config).toBe(base);
    });
  });

  describe("provider without default tags in the config", () => {
    it("still tags with Environment and ManagedBy", () => {
      const { tf } = synthEnvironment({ ...base, name: "qa", defaultTags: undefined }, "qa");
      expect(tf.provider.aws[0].default_tags).toEqual([
        { tags: { Environment: "qa", ManagedBy: "cdktf" } },
      ]);
    });
  });

  describe("S3 backend with every option", () => {
    it("uses the bucket, region, key prefix and KMS key of the config", () => {
      const { tf } = synthEnvironment({
        ...base,
        name: "stg",
        backend: {
          s3: {
            bucket: "shared-state",
            region: "us-east-1",
            keyPrefix: "teams/batch",
            kmsKeyId: "alias/tfstate",
          },
        },
      });
      expect(tf.terraform.backend).toEqual({
        s3: {
          bucket: "shared-state",
          key: "teams/batch/stg.tfstate",
          region: "us-east-1",
          kms_key_id: "alias/tfstate",
          encrypt: true,
          use_lockfile: true,
        },
      });
    });
  });

  describe("local backend", () => {
    it("defaults the path to terraform.<env>.tfstate", () => {
      const { tf } = synthEnvironment({ ...base, backend: { local: {} } });
      expect(tf.terraform.backend).toEqual({ local: { path: "terraform.dev.tfstate" } });
    });

    it("uses the config's path", () => {
      const { tf } = synthEnvironment({
        ...base,
        backend: { local: { path: "state/dev.tfstate" } },
      });
      expect(tf.terraform.backend).toEqual({ local: { path: "state/dev.tfstate" } });
    });
  });

  describe("created cluster", () => {
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment(base);
    });

    it("creates the cluster with Container Insights enabled", () => {
      expect(env.synth).toHaveResourceWithProperties(EcsCluster, {
        name: "jobs-dev",
        setting: [{ name: "containerInsights", value: "enabled" }],
      });
      expect(resources(env.tf, "aws_ecs_cluster")).toHaveLength(1);
    });

    it("does not look up a cluster", () => {
      expect(dataSources(env.tf, "aws_ecs_cluster")).toEqual([]);
    });

    it("runs the jobs in the created cluster", () => {
      expect(eventTarget(env.tf, "nightly-report").arn).toBe("${aws_ecs_cluster.Cluster.arn}");
      expect(env.stack.clusterArn).toBeDefined();
    });
  });

  describe("existing cluster", () => {
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment({ ...base, cluster: { existing: { name: "platform" } } });
    });

    it("looks the cluster up by name", () => {
      expect(env.synth).toHaveDataSourceWithProperties(DataAwsEcsCluster, {
        cluster_name: "platform",
      });
      expect(dataSources(env.tf, "aws_ecs_cluster")).toHaveLength(1);
    });

    it("creates no cluster", () => {
      expect(resources(env.tf, "aws_ecs_cluster")).toEqual([]);
    });

    it("runs the jobs in the looked-up cluster, and lets the events role run tasks only there", () => {
      expect(env.synth).toHaveResourceWithProperties(CloudwatchEventTarget, {
        target_id: "nightly-report",
        arn: "${data.aws_ecs_cluster.Cluster.arn}",
      });
      const eventsPolicy = resources(env.tf, "aws_iam_policy").find(
        (p) => p.name === "dev-nightly-report-events",
      );
      const policy = eventsPolicy?.policy as string;
      expect(policy).toContain("data.aws_ecs_cluster.Cluster.arn");
      expect(policy.replaceAll("data.aws_ecs_cluster.", "")).not.toContain("aws_ecs_cluster.");
    });
  });

  describe("network by IDs", () => {
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment(base);
    });

    it("looks nothing up", () => {
      expect(dataSources(env.tf, "aws_subnets")).toEqual([]);
      expect(dataSources(env.tf, "aws_security_groups")).toEqual([]);
    });

    it("puts the jobs' tasks in the given subnets and security groups", () => {
      expect(eventTarget(env.tf, "nightly-report").ecs_target).toMatchObject({
        network_configuration: {
          subnets: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
          security_groups: ["sg-0123456789abcdef0"],
          assign_public_ip: false,
        },
      });
    });
  });

  describe("a job's own placement", () => {
    it("adds a public IP and a pinned platform version to the environment's network", () => {
      const publicJob: JobConfig = {
        ...job,
        jobName: "public-report",
        placement: { assignPublicIp: true, platformVersion: "1.4.0" },
      };
      const { tf } = synthEnvironment({ ...base, jobs: [job, publicJob] });
      expect(eventTarget(tf, "public-report").ecs_target).toMatchObject({
        platform_version: "1.4.0",
        network_configuration: {
          subnets: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
          security_groups: ["sg-0123456789abcdef0"],
          assign_public_ip: true,
        },
      });
      expect(eventTarget(tf, "nightly-report").ecs_target).toMatchObject({
        platform_version: "LATEST",
        network_configuration: { assign_public_ip: false },
      });
    });
  });

  describe("network by tags in one VPC", () => {
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment({
        ...base,
        network: {
          subnetTags: { Tier: "private", Zone: "batch" },
          securityGroupTags: { Role: "batch" },
          vpcId: "vpc-0123456789abcdef0",
        },
      });
    });

    it("looks the subnets up by VPC and tags", () => {
      expect(env.synth).toHaveDataSourceWithProperties(DataAwsSubnets, {
        filter: [
          { name: "vpc-id", values: ["vpc-0123456789abcdef0"] },
          { name: "tag:Tier", values: ["private"] },
          { name: "tag:Zone", values: ["batch"] },
        ],
      });
      expect(dataSources(env.tf, "aws_subnets")).toHaveLength(1);
    });

    it("looks the security groups up by VPC and tags", () => {
      expect(env.synth).toHaveDataSourceWithProperties(DataAwsSecurityGroups, {
        filter: [
          { name: "vpc-id", values: ["vpc-0123456789abcdef0"] },
          { name: "tag:Role", values: ["batch"] },
        ],
      });
      expect(dataSources(env.tf, "aws_security_groups")).toHaveLength(1);
    });

    it("puts the jobs' tasks in the looked-up subnets and security groups", () => {
      expect(eventTarget(env.tf, "nightly-report").ecs_target).toMatchObject({
        network_configuration: {
          subnets: "${data.aws_subnets.Subnets.ids}",
          security_groups: "${data.aws_security_groups.SecurityGroups.ids}",
        },
      });
    });
  });

  describe("subnets by tags in any VPC, security groups by ID", () => {
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment({
        ...base,
        network: {
          subnetTags: { Tier: "private" },
          securityGroupIds: ["sg-0123456789abcdef0"],
        },
      });
    });

    it("looks up only the subnets, with tag filters and no vpc-id filter", () => {
      expect(dataSources(env.tf, "aws_subnets")).toEqual([
        { filter: [{ name: "tag:Tier", values: ["private"] }] },
      ]);
      expect(dataSources(env.tf, "aws_security_groups")).toEqual([]);
    });

    it("mixes looked-up subnets with the given security groups", () => {
      expect(eventTarget(env.tf, "nightly-report").ecs_target).toMatchObject({
        network_configuration: {
          subnets: "${data.aws_subnets.Subnets.ids}",
          security_groups: ["sg-0123456789abcdef0"],
        },
      });
    });
  });

  describe("network by AWS-applied tags", () => {
    it("filters on aws: tag keys", () => {
      const { synth } = synthEnvironment({
        ...base,
        network: {
          subnetTags: { "aws:cloudformation:stack-name": "network" },
          securityGroupIds: ["sg-0123456789abcdef0"],
        },
      });
      expect(synth).toHaveDataSourceWithProperties(DataAwsSubnets, {
        filter: [{ name: "tag:aws:cloudformation:stack-name", values: ["network"] }],
      });
    });
  });

  describe("jobs", () => {
    const importer: JobConfig = {
      jobName: "importer",
      schedule: { rule: { expression: "rate(1 hour)", enabled: false } },
      existingTaskDefinition: {
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/importer:7",
        executionRoleArn: "arn:aws:iam::123456789012:role/importer-execution",
      },
    };
    const weekly: JobConfig = {
      ...job,
      jobName: "weekly-report",
      task: { ...job.task, logs: { groupName: "/reports/weekly" } },
    };
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthEnvironment({ ...base, jobs: [job, weekly, importer] });
    });

    it("makes one BatchJob per job of the config, in order", () => {
      expect(env.stack.jobs).toHaveLength(3);
      expect(env.stack.jobs.every((j) => j instanceof BatchJob)).toBe(true);
      expect(env.stack.jobs.map((j) => j.jobName)).toEqual([
        "nightly-report",
        "weekly-report",
        "importer",
      ]);
      expect(env.stack.jobs.map((j) => j.node.id)).toEqual([
        "nightly-report",
        "weekly-report",
        "importer",
      ]);
    });

    it("makes one rule and one target per job, beside the run ledger's two", () => {
      expect(
        resources(env.tf, "aws_cloudwatch_event_rule")
          .map((rule) => rule.name)
          .sort(),
      ).toEqual(
        ["importer", "nightly-report", "weekly-report", ...runLedgerRuleNames("dev")].sort(),
      );
      expect(
        resources(env.tf, "aws_cloudwatch_event_target")
          .map((target) => target.target_id)
          .sort(),
      ).toEqual(["importer", "nightly-report", "run-ledger", "run-recorder", "weekly-report"]);
      for (const name of ["nightly-report", "weekly-report"]) {
        expect(env.synth).toHaveResourceWithProperties(CloudwatchEventRule, {
          name,
          schedule_expression: "cron(0 18 * * ? *)",
          state: "ENABLED",
        });
      }
      expect(env.synth).toHaveResourceWithProperties(CloudwatchEventRule, {
        name: "importer",
        schedule_expression: "rate(1 hour)",
        state: "DISABLED",
      });
    });

    it.each(["nightly-report", "weekly-report", "importer"])(
      "targets job %s from its own rule, in the environment's cluster and network",
      (name) => {
        const rules = env.tf.resource?.aws_cloudwatch_event_rule ?? {};
        const ruleId = Object.keys(rules).find((id) => rules[id].name === name);
        expect(ruleId).toBeDefined();
        expect(eventTarget(env.tf, name)).toMatchObject({
          target_id: name,
          rule: `\${aws_cloudwatch_event_rule.${ruleId}.name}`,
          arn: "${aws_ecs_cluster.Cluster.arn}",
          ecs_target: {
            network_configuration: {
              subnets: ["subnet-0123456789abcdef0", "subnet-0123456789abcdef1"],
              security_groups: ["sg-0123456789abcdef0"],
            },
          },
        });
      },
    );

    it("gives the environment's region to the jobs' log configuration, looking none up", () => {
      const definitions = resources(env.tf, "aws_ecs_task_definition");
      expect(definitions).toHaveLength(2);
      for (const definition of definitions) {
        expect(containerDefinitions(definition)).toMatchObject([
          { logConfiguration: { options: { "awslogs-region": "eu-west-1" } } },
        ]);
      }
      const { tf } = synthEnvironment({ ...base, jobs: [job, weekly] });
      expect(dataSources(tf, "aws_region")).toEqual([]);
    });

    // A job of an existing task definition has no log configuration to write a region into.
    it("looks up no region for a job of an existing task definition either", () => {
      expect(dataSources(env.tf, "aws_region")).toEqual([]);
    });

    it("outputs each job's task definition ARN, its log group when it has one, and the run ledger", () => {
      const definitions = env.tf.resource?.aws_ecs_task_definition ?? {};
      const taskDefinitionId = (family: string) =>
        Object.keys(definitions).find((id) => definitions[id].family === family);
      const logGroups = env.tf.resource?.aws_cloudwatch_log_group ?? {};
      const logGroupId = (name: string) =>
        Object.keys(logGroups).find((id) => logGroups[id].name === name);

      expect(env.tf.output).toEqual({
        "nightly-report-task-definition-arn": {
          value: `\${aws_ecs_task_definition.${taskDefinitionId("nightly-report")}.arn}`,
          description: "Task definition (with revision) of job nightly-report",
        },
        "nightly-report-log-group-name": {
          value: `\${aws_cloudwatch_log_group.${logGroupId("/ecs-scheduled-tasks/nightly-report")}.name}`,
          description: "Log group of job nightly-report",
        },
        "weekly-report-task-definition-arn": {
          value: `\${aws_ecs_task_definition.${taskDefinitionId("weekly-report")}.arn}`,
          description: "Task definition (with revision) of job weekly-report",
        },
        "weekly-report-log-group-name": {
          value: `\${aws_cloudwatch_log_group.${logGroupId("/reports/weekly")}.name}`,
          description: "Log group of job weekly-report",
        },
        "importer-task-definition-arn": {
          value: "arn:aws:ecs:eu-west-1:123456789012:task-definition/importer:7",
          description: "Task definition (with revision) of job importer",
        },
        "run-ledger-log-group": {
          value: `\${aws_cloudwatch_log_group.${logGroupId("/aws/events/dev-batch-runs")}.name}`,
          description: "Log group of the run ledger: every start and stop of every job's task",
        },
        "dashboard-name": {
          value: "${aws_cloudwatch_dashboard.Dashboard_9E4231ED.dashboard_name}",
          description: "CloudWatch dashboard of the jobs' runs, failures, durations and alarms",
        },
        "runner-policy-arn": {
          value: "${aws_iam_policy.RunnerPolicy.arn}",
          description:
            "IAM policy for whoever runs ecs-batch: attach it to the job scheduler's role",
        },
      });
    });
  });

  describe("no jobs", () => {
    it("makes the cluster but no rules, targets or outputs", () => {
      const { stack, tf } = synthEnvironment({ ...base, jobs: [] });
      expect(stack.jobs).toEqual([]);
      expect(resources(tf, "aws_ecs_cluster")).toHaveLength(1);
      expect(resources(tf, "aws_cloudwatch_event_rule")).toEqual([]);
      expect(resources(tf, "aws_cloudwatch_event_target")).toEqual([]);
      expect(tf.output ?? {}).toEqual({});
    });
  });

  describe("failure notifications", () => {
    const notifications: NotificationConfig = { emailAddresses: ["ops@example.com"] };
    const quiet: JobConfig = { ...job, jobName: "quiet-report", notifyOnFailure: false };
    const unscheduled: JobConfig = {
      jobName: "adhoc-export",
      task: { container: { image: "alpine:3.20", command: ["/bin/date"] } },
    };

    describe("with notifications", () => {
      let env: SynthesizedEnvironment;
      let topic: FoundResource;
      beforeAll(() => {
        env = synthEnvironment({ ...base, notifications, jobs: [job, quiet, unscheduled] });
        topic = resourceWhere(env.tf, "aws_sns_topic", { name: "dev-batch-failures" });
      });

      it("makes the topic <env>-batch-failures with the config's subscribers, and outputs it", () => {
        expect(env.stack.failureTopic?.topicArn).toBeDefined();
        expect(topic.block.kms_master_key_id).toBe(
          ref("aws_kms_key", onlyResourceId(env.tf, "aws_kms_key"), "arn"),
        );
        expect(resources(env.tf, "aws_sns_topic_subscription")).toEqual([
          {
            topic_arn: ref("aws_sns_topic", topic.id, "arn"),
            protocol: "email",
            endpoint: "ops@example.com",
          },
        ]);
        expect(env.tf.output?.["failure-topic-arn"]).toEqual({
          value: ref("aws_sns_topic", topic.id, "arn"),
          description: "SNS topic that receives failure notices of this environment's jobs",
        });
      });

      it("hands a scheduled job's stopped tasks to the topic's notice filter, naming the environment", () => {
        const nightly = env.stack.jobs.find((j) => j.jobName === "nightly-report");
        expect(nightly?.failureNotification).toBeDefined();
        const { filterArn, eventsRoleArn } = noticeFilterOf(env.tf, "dev-batch-failures");
        const { rule, target, job } = jobNoticeRule(env.tf, "nightly-report");
        expect(JSON.parse(rule.block.event_pattern as string)).toMatchObject({
          source: ["aws.ecs"],
          "detail-type": ["ECS Task State Change"],
          detail: { clusterArn: ["${aws_ecs_cluster.Cluster.arn}"], lastStatus: ["STOPPED"] },
        });
        expect(target).toMatchObject({
          target_id: "notice-filter",
          arn: filterArn,
          role_arn: eventsRoleArn,
        });
        expect(job).toEqual({
          name: "nightly-report",
          environment: "dev",
          clusterArn: "${aws_ecs_cluster.Cluster.arn}",
          family: "nightly-report",
          container: "nightly-report",
          logGroupName: ref(
            "aws_cloudwatch_log_group",
            resourceWhere(env.tf, "aws_cloudwatch_log_group", {
              name: "/ecs-scheduled-tasks/nightly-report",
            }).id,
            "name",
          ),
          logStreamPrefix: "batch",
          safeToRerun: false,
          // The environment's runner parameter: /ecs-batch/dev/nightly-report.
          rerun: "ecs-batch run nightly-report --env dev",
        });
        expect(
          resources(env.tf, "aws_cloudwatch_metric_alarm")
            .map((alarm) => alarm.alarm_name)
            .sort(),
        ).toEqual([
          "dev-batch-failures-notices-failed",
          "dev-batch-failures-notices-filter-failed",
          "dev-batch-runs-recorder-failed",
          "nightly-report-runs-not-started",
          "nightly-report-start-failed",
        ]);
      });

      it("makes one notice filter for the environment, whose sender publishes to the topic", () => {
        const { filter, sender } = noticeFilterOf(env.tf, "dev-batch-failures");
        expect(filter.block.type).toBe("EXPRESS");
        expect(sender.block.type).toBe("STANDARD");
        // One filter and one sender for all the jobs; the third is the run ledger's recorder.
        expect(
          resources(env.tf, "aws_sfn_state_machine")
            .map((machine) => machine.name)
            .sort(),
        ).toEqual([
          "dev-batch-failures-notices",
          "dev-batch-failures-notices-filter",
          "dev-batch-runs-recorder",
        ]);
        expect(publishedTopics(sender.block.definition)).toEqual({
          "Notify people": ref("aws_sns_topic", topic.id, "arn"),
        });
        for (const alarm of [
          "dev-batch-failures-notices-failed",
          "dev-batch-failures-notices-filter-failed",
        ]) {
          expect(
            resourceWhere(env.tf, "aws_cloudwatch_metric_alarm", { alarm_name: alarm }).block
              .alarm_actions,
          ).toEqual([ref("aws_sns_topic", topic.id, "arn")]);
        }
      });

      it("does not notify of a job with notifyOnFailure: false", () => {
        expect(resourceTypesOf(env.tf, "quiet-report")).toContain("aws_cloudwatch_event_rule");
        expect(env.stack.jobs.find((j) => j.jobName === "quiet-report")?.failureNotification).toBe(
          undefined,
        );
        expect(resourceTypesOf(env.tf, "quiet-report")).not.toContain(
          "aws_cloudwatch_metric_alarm",
        );
        expect(failureRuleNames(env.tf, "dev")).not.toContain("quiet-report-failed");
      });

      it("does not notify of a job without a schedule: a workflow or the runner starts it", () => {
        expect(env.stack.jobs.find((j) => j.jobName === "adhoc-export")?.failureNotification).toBe(
          undefined,
        );
        expect(resourceTypesOf(env.tf, "adhoc-export")).not.toContain("aws_cloudwatch_event_rule");
        expect(failureRuleNames(env.tf, "dev")).toEqual(["nightly-report-failed"]);
      });
    });

    describe("without notifications", () => {
      let env: SynthesizedEnvironment;
      beforeAll(() => {
        env = synthEnvironment({
          ...base,
          jobs: [job, extract, report],
          workflows: [{ ...workflow, preventOverlap: true }],
        });
      });

      it("makes no topic, key, subscription, alarm, notice filter, failure rule or output", () => {
        expect(env.stack.failureTopic).toBeUndefined();
        // The workflow's own state machine and the run ledger's recorder only.
        expect(
          resources(env.tf, "aws_sfn_state_machine")
            .map((m) => m.name)
            .sort(),
        ).toEqual(["dev-batch-runs-recorder", "nightly"]);
        for (const type of [
          "aws_sns_topic",
          "aws_sns_topic_policy",
          "aws_sns_topic_subscription",
          "aws_kms_key",
          "aws_kms_alias",
          "aws_cloudwatch_metric_alarm",
          "aws_chatbot_slack_channel_configuration",
        ]) {
          expect(resources(env.tf, type)).toEqual([]);
        }
        expect(failureRuleNames(env.tf, "dev")).toEqual([]);
        expect(env.stack.jobs.map((j) => j.failureNotification)).toEqual([
          undefined,
          undefined,
          undefined,
        ]);
        expect(Object.keys(env.tf.output ?? {})).not.toContain("failure-topic-arn");
      });

      it("gives the workflow no notify states and no right to publish", () => {
        const asl = stateMachineDefinition(env.tf, "nightly");
        const publishing = allStates(asl).filter(([, state]) =>
          state.Resource?.startsWith("arn:aws:states:::sns:"),
        );
        expect(publishing).toEqual([]);
        const policy = resourceWhere(env.tf, "aws_iam_policy", { name: "dev-nightly-workflow" });
        const actions = statementsOf(policy.block.policy).flatMap((s) => s.Action);
        expect(actions.filter((a) => a.startsWith("sns:") || a.startsWith("kms:"))).toEqual([]);
      });
    });

    describe("a workflow, with notifications", () => {
      let env: SynthesizedEnvironment;
      let topicArn: string;
      let keyArn: string;
      beforeAll(() => {
        env = synthEnvironment({
          ...base,
          notifications,
          jobs: [extract, report],
          workflows: [workflow],
        });
        topicArn = ref("aws_sns_topic", onlyResourceId(env.tf, "aws_sns_topic"), "arn");
        keyArn = ref("aws_kms_key", onlyResourceId(env.tf, "aws_kms_key"), "arn");
      });

      it("may publish to the topic and encrypt with its key", () => {
        const policy = resourceWhere(env.tf, "aws_iam_policy", { name: "dev-nightly-workflow" });
        const statements = statementsOf(policy.block.policy);
        expect(statements.filter((s) => s.Action.includes("sns:Publish"))).toEqual([
          {
            Sid: "PublishFailureNotices",
            Effect: "Allow",
            Action: ["sns:Publish"],
            Resource: [topicArn],
          },
        ]);
        expect(statements.filter((s) => s.Resource.includes(keyArn))).toEqual([
          {
            Sid: "EncryptFailureNotices",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
            Resource: [keyArn],
          },
        ]);
      });

      it.each(["extract", "report"])(
        "publishes a notice to the topic when job %s failed for good, then fails",
        (name) => {
          const names = stateNames(name);
          const branch = jobBranch(stateMachineDefinition(env.tf, "nightly"), name);
          expect(branch.States[names.notify]).toMatchObject({
            Type: "Task",
            Resource: "arn:aws:states:::sns:publish",
            Arguments: { TopicArn: topicArn, Subject: `[nightly] job ${name} failed` },
            Next: names.failed,
          });
          expect(branch.States[names.classify].Default).toBe(names.notify);
          expect(branch.States[names.failed].Type).toBe("Fail");
        },
      );

      it("makes no failure rule or notice filter for the jobs it runs, and outputs the state machine", () => {
        expect(failureRuleNames(env.tf, "dev")).toEqual([]);
        expect(
          resources(env.tf, "aws_sfn_state_machine")
            .map((m) => m.name)
            .sort(),
        ).toEqual(["dev-batch-runs-recorder", "nightly"]);
        const stateMachine = resourceWhere(env.tf, "aws_sfn_state_machine", { name: "nightly" });
        expect(env.tf.output?.["nightly-state-machine-arn"]).toEqual({
          value: ref("aws_sfn_state_machine", stateMachine.id, "arn"),
          description: "State machine of workflow nightly: start, redrive or re-run it here",
        });
      });

      it("does not notify when the workflow sets notifyOnFailure: false", () => {
        const { tf } = synthEnvironment({
          ...base,
          notifications,
          jobs: [extract, report],
          workflows: [{ ...workflow, notifyOnFailure: false }],
        });
        const asl = stateMachineDefinition(tf, "nightly");
        expect(allStates(asl).map(([name]) => name)).not.toContain(stateNames("extract").notify);
        const policy = resourceWhere(tf, "aws_iam_policy", { name: "dev-nightly-workflow" });
        expect(statementsOf(policy.block.policy).flatMap((s) => s.Action)).not.toContain(
          "sns:Publish",
        );
      });
    });
  });

  describe("workflows", () => {
    it("makes one JobWorkflow per workflow of the config, running the named jobs", () => {
      const { stack } = synthEnvironment({
        ...base,
        jobs: [extract, report],
        workflows: [workflow],
      });
      expect(stack.workflows.map((w) => w.node.id)).toEqual(["nightly"]);
      expect(stack.workflows[0].stages).toEqual([["extract"], ["report"]]);
    });

    it.each<[string, WorkflowConfig["jobs"], string]>([
      [
        "a dependency cycle",
        [
          { job: "extract", dependsOn: ["report"] },
          { job: "report", dependsOn: ["extract"] },
        ],
        "dev/nightly: jobs: jobs 'extract' -> 'report' -> 'extract' form a cycle: each depends on the next, so none can start",
      ],
      [
        "a dependency on a job outside the workflow",
        [{ job: "extract" }, { job: "report", dependsOn: ["nightly-report"] }],
        "dev/nightly: jobs: job 'report' depends on 'nightly-report', which is not in the workflow",
      ],
    ])("fails the synth on %s, naming the jobs and the construct path", (_d, jobs, message) => {
      const config = { ...base, jobs: [job, extract, report], workflows: [{ ...workflow, jobs }] };
      // The config check does not read dependsOn: the workflow construct does, at synth.
      expect(() => validateEnvironmentConfig(config)).not.toThrow();
      let error: unknown;
      try {
        synthEnvironment(config);
      } catch (caught) {
        error = caught;
      }
      expect(error).toBeInstanceOf(ValidationError);
      expect((error as Error).message).toBe(message);
    });
  });

  describe("a bad config", () => {
    it.each<[string, EnvironmentConfig, RegExp]>([
      ["a bad region", { ...base, region: "tokyo" }, /^environment 'dev': region: 'tokyo'/],
      [
        "both cluster kinds",
        { ...base, cluster: { create: { name: "a" }, existing: { name: "b" } } },
        /^environment 'dev': cluster: give either create or existing, not both$/,
      ],
      [
        "duplicate job names",
        { ...base, jobs: [job, job] },
        /^environment 'dev': jobs: the job name 'nightly-report' is used twice/,
      ],
    ])("throws on %s before any resource, provider or backend is made", (_d, config, message) => {
      const app = Testing.app();
      expect(() => new EnvironmentStack(app, "dev", { config })).toThrow(EnvironmentConfigError);
      expect(() => new EnvironmentStack(Testing.app(), "dev", { config })).toThrow(message);
      const elements = app.node.findAll().filter((c) => c instanceof TerraformElement);
      expect(elements).toEqual([]);
    });

    it("throws when the stack id is not the environment's name", () => {
      expect(() => new EnvironmentStack(Testing.app(), "production", { config: base })).toThrow(
        /^environment 'dev': name: the stack id 'production' differs/,
      );
    });

    it("(whereas a good config makes them, in the same kind of app)", () => {
      const app = Testing.app();
      new EnvironmentStack(app, "dev", { config: base });
      const elements = app.node.findAll().filter((c) => c instanceof TerraformElement);
      expect(elements.some((e) => e instanceof AwsProvider)).toBe(true);
      expect(elements.some((e) => e instanceof EcsCluster)).toBe(true);
    });
  });
});
