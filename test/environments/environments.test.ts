import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsEcsCluster } from "@cdktf/provider-aws/lib/data-aws-ecs-cluster";
import { DataAwsSecurityGroups } from "@cdktf/provider-aws/lib/data-aws-security-groups";
import { DataAwsSubnets } from "@cdktf/provider-aws/lib/data-aws-subnets";
import { EcsCluster } from "@cdktf/provider-aws/lib/ecs-cluster";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import * as fs from "fs";
import * as os from "os";
import * as path from "path";
import { environments } from "../../environments";
import { dev } from "../../environments/dev";
import { prod } from "../../environments/prod";
import { stg } from "../../environments/stg";
import {
  Schedule,
  ScheduleOptions,
  scheduleChoiceOf,
} from "../../modules/job-schedule/schedule-options";
import {
  WORKFLOW_STATES,
  jobVariables,
  stageStateName,
  stateNames,
} from "../../modules/job-workflow/state-names";
import { statementsOf } from "../synth";
import {
  failureRuleNames,
  jobNoticeRule,
  localBehind,
  noticeFilterOf,
  publishedTopics,
} from "./failure-notices";
import {
  Asl,
  Block,
  FoundResource,
  SynthesizedEnvironment,
  TerraformJson,
  containerDefinitions,
  dataSources,
  eventTarget,
  happyPath,
  jobBranch,
  onlyResource,
  ref,
  rolePolicies,
  resourceTypesOf,
  resourceWhere,
  resources,
  resourcesOfConstruct,
  resourcesWhere,
  stateMachineDefinition,
  synthOnce,
  synthRelease,
} from "./synth-environment";

/**
 * The logical id of the KMS key behind an alias, e.g. "alias/dev-batch-failures": a stack may hold
 * several keys (the failure topic's, the release artifacts'), so a key is found by what names it.
 */
function keyIdOfAlias(tf: TerraformJson, alias: string): string {
  const { block } = resourceWhere(tf, "aws_kms_alias", { name: alias });
  const target = /^\$\{aws_kms_key\.([^.]+)\.key_id\}$/.exec(block.target_key_id as string);
  expect(target).not.toBeNull();
  const id = target![1];
  expect(tf.resource?.aws_kms_key?.[id]).toBeDefined();
  return id;
}

/** The EventBridge rule of a schedule, when it runs on a rule (not on EventBridge Scheduler). */
function ruleOf(schedule: Schedule | undefined): ScheduleOptions | undefined {
  return schedule === undefined ? undefined : scheduleChoiceOf(schedule).rule;
}

describe("the environments list", () => {
  it("is dev, stg and prod, in promotion order", () => {
    expect(environments.map((e) => e.name)).toEqual(["dev", "stg", "prod"]);
    expect(environments).toEqual([dev, stg, prod]);
    expect(environments[0]).toBe(dev);
    expect(environments[1]).toBe(stg);
    expect(environments[2]).toBe(prod);
  });

  it("gives each environment its own account and state bucket", () => {
    expect(new Set(environments.map((e) => e.accountId)).size).toBe(environments.length);
    expect(new Set(environments.map((e) => e.backend.s3?.bucket)).size).toBe(environments.length);
  });

  it("is what main.ts synthesizes: per environment its jobs stack and its release stack", async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-main-"));
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      await jest.isolateModulesAsync(async () => {
        await import("../../main");
      });
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
      expect(Object.keys(manifest.stacks).sort()).toEqual([
        "dev",
        "dev-release",
        "prod",
        "prod-release",
        "stg",
        "stg-release",
      ]);
      for (const config of environments) {
        for (const stackName of [config.name, `${config.name}-release`]) {
          const stack = manifest.stacks[stackName];
          const tf = JSON.parse(
            fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8"),
          );
          expect(tf.terraform.backend.s3.key).toBe(`ecs-scheduled-batch/${stackName}.tfstate`);
          expect(tf.provider.aws[0].allowed_account_ids).toEqual([config.accountId]);
        }
      }
    } finally {
      if (previous === undefined) {
        delete process.env.CDKTF_OUTDIR;
      } else {
        process.env.CDKTF_OUTDIR = previous;
      }
      fs.rmSync(outdir, { recursive: true, force: true });
    }
  });
});

/** What every environment's stack must contain, read from its config. */
describe.each(environments.map((config) => [config.name, config] as const))(
  "environment %s synthesizes what its config says",
  (name, config) => {
    /** Jobs started by an EventBridge rule (not by Scheduler, a workflow or the runner). */
    const onRule = config.jobs.filter((j) => ruleOf(j.schedule) !== undefined);
    let env: SynthesizedEnvironment;
    beforeAll(() => {
      env = synthOnce(config);
    });

    it("has the provider of its region and account, with its default tags", () => {
      expect(env.synth).toHaveProviderWithProperties(AwsProvider, {
        region: config.region,
        allowed_account_ids: [config.accountId],
      });
      expect(env.tf.provider.aws[0].default_tags).toEqual([
        { tags: { ...config.defaultTags, Environment: name, ManagedBy: "cdktf" } },
      ]);
    });

    it("keeps its state in its own S3 bucket", () => {
      const s3 = config.backend.s3!;
      expect(env.tf.terraform.backend).toEqual({
        s3: expect.objectContaining({
          bucket: s3.bucket,
          key: `${s3.keyPrefix ?? "ecs-scheduled-batch"}/${name}.tfstate`,
          region: s3.region ?? config.region,
          encrypt: true,
          use_lockfile: true,
        }),
      });
    });

    it("has its cluster", () => {
      if (config.cluster.create) {
        expect(env.synth).toHaveResourceWithProperties(EcsCluster, {
          name: config.cluster.create.name,
        });
        expect(dataSources(env.tf, "aws_ecs_cluster")).toEqual([]);
      } else {
        expect(env.synth).toHaveDataSourceWithProperties(DataAwsEcsCluster, {
          cluster_name: config.cluster.existing!.name,
        });
        expect(resources(env.tf, "aws_ecs_cluster")).toEqual([]);
      }
    });

    it("has a task definition, a log group and outputs per job, per workflow its outputs, and its run ledger's", () => {
      const workflows = config.workflows ?? [];
      expect(Object.keys(env.tf.output ?? {}).sort()).toEqual(
        [
          ...config.jobs.flatMap((j) => [
            `${j.jobName}-task-definition-arn`,
            ...(j.existingTaskDefinition ? [] : [`${j.jobName}-log-group-name`]),
          ]),
          ...workflows.map((w) => `${w.workflowName}-state-machine-arn`),
          ...(config.notifications ? ["failure-topic-arn"] : []),
          ...(config.jobs.length > 0
            ? ["runner-policy-arn", "run-ledger-log-group", "dashboard-name"]
            : []),
        ].sort(),
      );
      for (const job of config.jobs.filter((j) => !j.existingTaskDefinition)) {
        expect(env.synth).toHaveResourceWithProperties(EcsTaskDefinition, {
          family: job.jobName,
          cpu: String(job.task?.cpu ?? 256),
          memory: String(job.task?.memoryMiB ?? 512),
        });
        expect(env.synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
          name: job.task?.logs?.groupName ?? `/ecs-scheduled-tasks/${job.jobName}`,
          retention_in_days: job.task?.logs?.retentionDays ?? 365,
        });
      }
    });

    it("has one schedule rule and one target per scheduled job, and none for the others", () => {
      const ruleWorkflows = (config.workflows ?? []).filter(
        (w) => ruleOf(w.schedule) !== undefined,
      );
      const scheduleRules = resources(env.tf, "aws_cloudwatch_event_rule").filter(
        (rule) => rule.schedule_expression !== undefined,
      );
      expect(scheduleRules.map((rule) => rule.name).sort()).toEqual(
        [...onRule.map((j) => j.jobName), ...ruleWorkflows.map((w) => w.workflowName)].sort(),
      );
      const ecsTargets = resources(env.tf, "aws_cloudwatch_event_target").filter(
        (target) => target.ecs_target !== undefined,
      );
      expect(ecsTargets).toHaveLength(onRule.length);
      for (const job of onRule) {
        const rule = resourceWhere(env.tf, "aws_cloudwatch_event_rule", { name: job.jobName });
        const { expression, enabled } = ruleOf(job.schedule)!;
        expect(rule.block).toMatchObject({
          schedule_expression: expression,
          state: enabled === false ? "DISABLED" : "ENABLED",
        });
        expect(eventTarget(env.tf, job.jobName)).toMatchObject({
          target_id: job.jobName,
          rule: ref("aws_cloudwatch_event_rule", rule.id, "name"),
        });
      }
      for (const job of config.jobs.filter((j) => j.schedule === undefined)) {
        expect(resourcesWhere(env.tf, "aws_cloudwatch_event_rule", { name: job.jobName })).toEqual(
          [],
        );
        expect(resourcesWhere(env.tf, "aws_scheduler_schedule", { name: job.jobName })).toEqual([]);
        expect(
          resourcesWhere(env.tf, "aws_cloudwatch_event_target", { target_id: job.jobName }),
        ).toEqual([]);
      }
    });

    it("reports the failures of its scheduled jobs when it has notifications", () => {
      const notified = config.notifications
        ? config.jobs.filter((j) => j.schedule !== undefined && j.notifyOnFailure !== false)
        : [];
      expect(failureRuleNames(env.tf, name).sort()).toEqual(
        notified.map((j) => `${j.jobName}-failed`).sort(),
      );
      const topic = `${name}-batch-failures`;
      expect(resources(env.tf, "aws_sns_topic").map((t) => t.name)).toEqual(
        config.notifications
          ? [topic, ...(config.notifications.slack ? [`${topic}-chat`] : [])]
          : [],
      );
      expect(resources(env.tf, "aws_chatbot_slack_channel_configuration")).toHaveLength(
        config.notifications?.slack ? 1 : 0,
      );
      // One notice filter (and its sender) reads the stopped tasks of every notified job.
      const noticeMachines = resources(env.tf, "aws_sfn_state_machine")
        .map((machine) => machine.name as string)
        .filter((machineName) => machineName.startsWith(`${topic}-notices`));
      expect(noticeMachines.sort()).toEqual(
        notified.length > 0 ? [`${topic}-notices`, `${topic}-notices-filter`] : [],
      );
      if (notified.length > 0) {
        const { filterArn, eventsRoleArn } = noticeFilterOf(env.tf, topic);
        for (const job of notified) {
          const notice = jobNoticeRule(env.tf, job.jobName);
          expect(notice.target).toMatchObject({ arn: filterArn, role_arn: eventsRoleArn });
          expect(notice.job).toMatchObject({
            name: job.jobName,
            environment: name,
            safeToRerun: job.safeToRerun ?? false,
            rerun: `ecs-batch run ${job.jobName} --env ${name}`,
          });
        }
      }
    });

    it("runs its scheduled jobs in its network", () => {
      const { network } = config;
      for (const job of onRule) {
        const networkConfiguration = (eventTarget(env.tf, job.jobName).ecs_target as Block)
          .network_configuration;
        expect(networkConfiguration).toMatchObject({
          subnets: network.subnetIds ?? "${data.aws_subnets.Subnets.ids}",
          security_groups:
            network.securityGroupIds ?? "${data.aws_security_groups.SecurityGroups.ids}",
        });
      }
    });
  },
);

describe("dev", () => {
  const workflowJobs = ["extract-sales", "build-sales-report"];
  let env: SynthesizedEnvironment;
  /** The book's sample job, found by name among dev's jobs. */
  let sample: { taskDefinition: FoundResource; logGroup: FoundResource; rule: FoundResource };
  let topic: FoundResource;
  let topicArn: string;
  let stateMachine: FoundResource;
  let asl: Asl;
  beforeAll(() => {
    env = synthOnce(dev);
    sample = {
      taskDefinition: resourceWhere(env.tf, "aws_ecs_task_definition", {
        family: "example-batch",
      }),
      logGroup: resourceWhere(env.tf, "aws_cloudwatch_log_group", {
        name: "/ecs-scheduled-tasks/example",
      }),
      rule: resourceWhere(env.tf, "aws_cloudwatch_event_rule", { name: "example-batch" }),
    };
    topic = resourceWhere(env.tf, "aws_sns_topic", { name: "dev-batch-failures" });
    topicArn = ref("aws_sns_topic", topic.id, "arn");
    stateMachine = resourceWhere(env.tf, "aws_sfn_state_machine", { name: "nightly-sales" });
    asl = stateMachineDefinition(env.tf, "nightly-sales");
  });

  it("runs in account 111111111111 in ap-northeast-1, with its state in its bucket", () => {
    expect(env.synth).toHaveProviderWithProperties(AwsProvider, {
      region: "ap-northeast-1",
      allowed_account_ids: ["111111111111"],
      default_tags: [
        {
          tags: {
            Environment: "dev",
            ManagedBy: "cdktf",
            Project: "ecs-scheduled-batch",
            Owner: "platform",
          },
        },
      ],
    });
    expect(env.tf.terraform.backend).toEqual({
      s3: {
        bucket: "example-tfstate-dev-111111111111",
        key: "ecs-scheduled-batch/dev.tfstate",
        region: "ap-northeast-1",
        encrypt: true,
        use_lockfile: true,
      },
    });
  });

  it("creates cluster batch-dev with Container Insights", () => {
    expect(onlyResource(env.tf, "aws_ecs_cluster")).toEqual({
      name: "batch-dev",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  describe("the book's sample job, example-batch", () => {
    it("is scheduled every two minutes, the only job on an EventBridge rule", () => {
      expect(sample.rule.block).toEqual({
        name: "example-batch",
        description: "important batch process",
        schedule_expression: "cron(*/2 * * * ? *)",
        state: "ENABLED",
      });
      const scheduleRules = resources(env.tf, "aws_cloudwatch_event_rule").filter(
        (rule) => rule.schedule_expression !== undefined,
      );
      expect(scheduleRules).toEqual([sample.rule.block]);
    });

    it("defines its task: Fargate, 256 CPU units, 512 MiB", () => {
      expect(sample.taskDefinition.block).toMatchObject({
        cpu: "256",
        memory: "512",
        network_mode: "awsvpc",
        requires_compatibilities: ["FARGATE"],
      });
    });

    it("runs /bin/date in alpine, logging to its log group with awslogs", () => {
      const containers = containerDefinitions(sample.taskDefinition.block);
      expect(containers).toHaveLength(1);
      expect(containers[0]).toMatchObject({
        name: "example-batch",
        image: "alpine:3.20",
        command: ["/bin/date"],
        essential: true,
        logConfiguration: {
          logDriver: "awslogs",
          options: {
            "awslogs-group": ref("aws_cloudwatch_log_group", sample.logGroup.id, "name"),
            "awslogs-stream-prefix": "batch",
            "awslogs-region": "ap-northeast-1",
          },
        },
      });
    });

    it("keeps the logs in /ecs-scheduled-tasks/example for a year", () => {
      expect(sample.logGroup.block).toEqual({
        name: "/ecs-scheduled-tasks/example",
        retention_in_days: 365,
      });
    });

    it("starts one Fargate task in the dev subnets, without a public IP", () => {
      expect(eventTarget(env.tf, "example-batch")).toMatchObject({
        rule: ref("aws_cloudwatch_event_rule", sample.rule.id, "name"),
        target_id: "example-batch",
        arn: "${aws_ecs_cluster.Cluster.arn}",
        ecs_target: {
          launch_type: "FARGATE",
          platform_version: "LATEST",
          task_count: 1,
          task_definition_arn: ref("aws_ecs_task_definition", sample.taskDefinition.id, "arn"),
          network_configuration: {
            assign_public_ip: false,
            subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
            security_groups: ["sg-0a1b2c3d4e5f60001"],
          },
        },
      });
      expect(
        resourcesWhere(env.tf, "aws_cloudwatch_event_target", {
          rule: ref("aws_cloudwatch_event_rule", sample.rule.id, "name"),
        }),
      ).toHaveLength(1);
    });

    it("looks nothing up: none of its resources reads a data source", () => {
      expect(resourcesOfConstruct(env.tf, "example-batch").length).toBeGreaterThan(0);
      expect(JSON.stringify(resourcesOfConstruct(env.tf, "example-batch"))).not.toContain(
        "${data.",
      );
    });

    it("hands its stopped tasks to the notice filter of dev-batch-failures when it stops", () => {
      const { rule, target, job, inputTemplate } = jobNoticeRule(env.tf, "example-batch");
      const pattern = JSON.parse(rule.block.event_pattern as string);
      expect(pattern).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: ["${aws_ecs_cluster.Cluster.arn}"],
          lastStatus: ["STOPPED"],
          taskDefinitionArn: [{ prefix: expect.any(String) }],
        },
      });
      // Any revision of the family, in the cluster's region and account: known once it exists.
      expect(localBehind(env.tf, pattern.detail.taskDefinitionArn[0].prefix)).toBe(
        '${replace(aws_ecs_cluster.Cluster.arn, "/:cluster/.*$/", ":task-definition/")}example-batch:',
      );
      const { filterArn, eventsRoleArn } = noticeFilterOf(env.tf, "dev-batch-failures");
      expect(target).toMatchObject({
        target_id: "notice-filter",
        arn: filterArn,
        // A state machine target needs a role: the notice filter's, which may start it only.
        role_arn: eventsRoleArn,
      });
      expect(inputTemplate.endsWith(',"event":<aws.events.event.json>}')).toBe(true);
      expect(job).toEqual({
        name: "example-batch",
        environment: "dev",
        clusterArn: "${aws_ecs_cluster.Cluster.arn}",
        family: "example-batch",
        container: "example-batch",
        logGroupName: ref("aws_cloudwatch_log_group", sample.logGroup.id, "name"),
        logStreamPrefix: "batch",
        // dev's sample job is marked safeToRerun: the notice says so.
        safeToRerun: true,
        rerun: "ecs-batch run example-batch --env dev",
      });
    });

    it("raises an alarm on the topic when its schedule rule cannot start a run", () => {
      const alarm = resourceWhere(env.tf, "aws_cloudwatch_metric_alarm", {
        metric_name: "FailedInvocations",
      });
      expect(alarm.block).toMatchObject({
        alarm_name: "example-batch-start-failed",
        namespace: "AWS/Events",
        dimensions: { RuleName: ref("aws_cloudwatch_event_rule", sample.rule.id, "name") },
        alarm_actions: [topicArn],
      });
      const queue = resourceWhere(env.tf, "aws_sqs_queue", { name: "example-batch-dlq" });
      expect(
        resourceWhere(env.tf, "aws_cloudwatch_metric_alarm", {
          alarm_name: "example-batch-runs-not-started",
        }).block,
      ).toMatchObject({
        dimensions: { QueueName: ref("aws_sqs_queue", queue.id, "name") },
        alarm_actions: [topicArn],
      });
    });
  });

  it("reads the provider's account, partition and region and its image repository: it looks up no network or cluster", () => {
    expect(env.tf.data).toEqual({
      aws_caller_identity: { ProviderAccount: {} },
      aws_ecr_repository: { "Image-sales-report": { name: "sales-report" } },
      aws_partition: { ProviderPartition: {} },
      aws_region: { ScheduledJobProviderRegion: {} },
    });
  });

  it("sends failure notices to the KMS-encrypted topic dev-batch-failures, e-mailed to the team", () => {
    const key = keyIdOfAlias(env.tf, "alias/dev-batch-failures");
    expect(key).toMatch(/^FailureTopic_Key_[0-9A-F]{8}$/);
    expect(topic.block).toEqual({
      name: "dev-batch-failures",
      kms_master_key_id: ref("aws_kms_key", key, "arn"),
    });
    expect(resources(env.tf, "aws_sns_topic_subscription")).toEqual([
      { topic_arn: topicArn, protocol: "email", endpoint: "batch-alerts@example.com" },
    ]);
  });

  describe("the workflow nightly-sales", () => {
    it("runs at 03:00 Tokyo time on EventBridge Scheduler, starting the state machine", () => {
      const role = resourceWhere(env.tf, "aws_iam_role", { name: "dev-nightly-sales-scheduler" });
      expect(
        resourceWhere(env.tf, "aws_scheduler_schedule", { name: "nightly-sales" }).block,
      ).toMatchObject({
        schedule_expression: "cron(0 3 * * ? *)",
        schedule_expression_timezone: "Asia/Tokyo",
        state: "ENABLED",
        flexible_time_window: { mode: "OFF" },
        target: {
          arn: ref("aws_sfn_state_machine", stateMachine.id, "arn"),
          role_arn: ref("aws_iam_role", role.id, "arn"),
          input: "{}",
        },
      });
      expect(resources(env.tf, "aws_scheduler_schedule")).toHaveLength(1);
    });

    it("checks for a running execution, then runs extract-sales in a stage before build-sales-report", () => {
      const stage1 = stageStateName(0, ["extract-sales"]);
      const stage2 = stageStateName(1, ["build-sales-report"]);
      expect(happyPath(asl)).toEqual([
        WORKFLOW_STATES.checkForRunningExecution,
        WORKFLOW_STATES.previousRunStillRunning,
        stage1,
        stage2,
        WORKFLOW_STATES.succeeded,
      ]);
      expect(asl.States[WORKFLOW_STATES.checkForRunningExecution].Resource).toBe(
        "arn:aws:states:::aws-sdk:sfn:listExecutions",
      );
      expect(asl.States[stage1].Type).toBe("Parallel");
      expect(asl.States[stage1].Branches!.map((b) => b.StartAt)).toEqual([
        stateNames("extract-sales").skip,
      ]);
      expect(asl.States[stage2].Branches!.map((b) => b.StartAt)).toEqual([
        stateNames("build-sales-report").skip,
      ]);
    });

    it.each([
      ["extract-sales", 3600],
      ["build-sales-report", 7200],
    ])("runs %s as its Fargate task in the dev subnets, with a timeout of %i s", (job, timeout) => {
      const branch = jobBranch(asl, job);
      const names = stateNames(job);
      expect(happyPath(branch)).toEqual([names.skip, names.start, names.run]);
      const taskDefinition = resourceWhere(env.tf, "aws_ecs_task_definition", { family: job });
      expect(branch.States[names.run]).toMatchObject({
        Resource: "arn:aws:states:::ecs:runTask.sync",
        TimeoutSeconds: timeout,
        Arguments: {
          LaunchType: "FARGATE",
          Cluster: "${aws_ecs_cluster.Cluster.arn}",
          TaskDefinition: ref("aws_ecs_task_definition", taskDefinition.id, "arn"),
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
              SecurityGroups: ["sg-0a1b2c3d4e5f60001"],
              AssignPublicIp: "DISABLED",
            },
          },
        },
      });
    });

    it.each([
      ["extract-sales", 0, 2],
      ["build-sales-report", 1, 0],
    ])("retries %s (job %i) on a non-zero exit code %i times", (job, index, attempts) => {
      const names = stateNames(job);
      const classify = jobBranch(asl, job).States[names.classify];
      expect(classify.Choices!.map((c) => c.Condition)).toContainEqual(
        expect.stringContaining(`$${jobVariables(index).exitRetries} < ${attempts}`),
      );
    });

    it.each(workflowJobs)("reports %s to the topic when it failed for good", (job) => {
      const names = stateNames(job);
      const branch = jobBranch(asl, job);
      expect(branch.States[names.classify].Default).toBe(names.notify);
      expect(branch.States[names.notify]).toMatchObject({
        Resource: "arn:aws:states:::sns:publish",
        Arguments: { TopicArn: topicArn },
        Next: names.failed,
      });
      expect(branch.States[names.failed].Type).toBe("Fail");
    });

    it("tells the topic when it skips a run because the previous one still runs", () => {
      const choice = asl.States[WORKFLOW_STATES.previousRunStillRunning];
      expect(choice.Choices!.map((c) => c.Next)).toEqual([WORKFLOW_STATES.notifyRunSkipped]);
      expect(asl.States[WORKFLOW_STATES.notifyRunSkipped]).toMatchObject({
        Resource: "arn:aws:states:::sns:publish",
        Arguments: { TopicArn: topicArn },
        Next: WORKFLOW_STATES.skippedRun,
      });
    });

    it("may publish to the topic and encrypt with its key", () => {
      const policy = resourceWhere(env.tf, "aws_iam_policy", {
        name: "dev-nightly-sales-workflow",
      });
      const statements = statementsOf(policy.block.policy);
      const key = keyIdOfAlias(env.tf, "alias/dev-batch-failures");
      expect(statements.find((s) => s.Action.includes("sns:Publish"))).toMatchObject({
        Effect: "Allow",
        Action: ["sns:Publish"],
        Resource: [topicArn],
      });
      expect(statements.find((s) => s.Action.includes("kms:GenerateDataKey*"))).toMatchObject({
        Resource: [ref("aws_kms_key", key, "arn")],
      });
    });

    it.each(workflowJobs)(
      "leaves %s without a schedule or failure notice of its own: the workflow runs and reports it",
      (job) => {
        expect(resourceTypesOf(env.tf, job)).toEqual([
          "aws_cloudwatch_log_group",
          "aws_ecs_task_definition",
          "aws_iam_policy",
          "aws_iam_role",
          "aws_iam_role_policy_attachment",
          "aws_ssm_parameter",
        ]);
        for (const name of [job, `${job}-failed`]) {
          expect(resourcesWhere(env.tf, "aws_cloudwatch_event_rule", { name })).toEqual([]);
        }
        expect(resourcesWhere(env.tf, "aws_scheduler_schedule", { name: job })).toEqual([]);
        const batchJob = env.stack.jobs.find((j) => j.jobName === job);
        expect(batchJob?.schedule).toBeUndefined();
        expect(batchJob?.failureNotification).toBeUndefined();
      },
    );
  });

  it("outputs the jobs' task definitions and log groups, the state machine, the topic, the runner policy and the run ledger", () => {
    const id = (type: string, match: Block) => resourceWhere(env.tf, type, match).id;
    const taskDefinition = (family: string) =>
      ref("aws_ecs_task_definition", id("aws_ecs_task_definition", { family }), "arn");
    const logGroup = (name: string) =>
      ref("aws_cloudwatch_log_group", id("aws_cloudwatch_log_group", { name }), "name");
    expect(env.tf.output).toEqual({
      "example-batch-task-definition-arn": {
        value: taskDefinition("example-batch"),
        description: "Task definition (with revision) of job example-batch",
      },
      "example-batch-log-group-name": {
        value: logGroup("/ecs-scheduled-tasks/example"),
        description: "Log group of job example-batch",
      },
      "extract-sales-task-definition-arn": {
        value: taskDefinition("extract-sales"),
        description: "Task definition (with revision) of job extract-sales",
      },
      "extract-sales-log-group-name": {
        value: logGroup("/ecs-scheduled-tasks/extract-sales"),
        description: "Log group of job extract-sales",
      },
      "build-sales-report-task-definition-arn": {
        value: taskDefinition("build-sales-report"),
        description: "Task definition (with revision) of job build-sales-report",
      },
      "build-sales-report-log-group-name": {
        value: logGroup("/ecs-scheduled-tasks/build-sales-report"),
        description: "Log group of job build-sales-report",
      },
      "nightly-sales-state-machine-arn": {
        value: ref("aws_sfn_state_machine", stateMachine.id, "arn"),
        description: "State machine of workflow nightly-sales: start, redrive or re-run it here",
      },
      "failure-topic-arn": {
        value: topicArn,
        description: "SNS topic that receives failure notices of this environment's jobs",
      },
      "runner-policy-arn": {
        value: ref("aws_iam_policy", "RunnerPolicy", "arn"),
        description: "IAM policy for whoever runs ecs-batch: attach it to the job scheduler's role",
      },
      "run-ledger-log-group": {
        value: logGroup("/aws/events/dev-batch-runs"),
        description: "Log group of the run ledger: every start and stop of every job's task",
      },
      "dashboard-name": {
        value: ref("aws_cloudwatch_dashboard", "Dashboard_9E4231ED", "dashboard_name"),
        description: "CloudWatch dashboard of the jobs' runs, failures, durations and alarms",
      },
    });
  });
});

describe("stg", () => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthOnce(stg);
  });

  it("runs in account 222222222222 with its state in its bucket", () => {
    expect(env.synth).toHaveProviderWithProperties(AwsProvider, {
      region: "ap-northeast-1",
      allowed_account_ids: ["222222222222"],
    });
    expect(env.tf.terraform.backend.s3).toMatchObject({
      bucket: "example-tfstate-stg-222222222222",
      key: "ecs-scheduled-batch/stg.tfstate",
    });
  });

  it("creates cluster batch-stg", () => {
    expect(env.synth).toHaveResourceWithProperties(EcsCluster, {
      name: "batch-stg",
      setting: [{ name: "containerInsights", value: "enabled" }],
    });
  });

  it("looks the subnets and security groups up by tags, in any VPC", () => {
    expect(env.synth).toHaveDataSourceWithProperties(DataAwsSubnets, {
      filter: [{ name: "tag:Tier", values: ["private"] }],
    });
    expect(env.synth).toHaveDataSourceWithProperties(DataAwsSecurityGroups, {
      filter: [{ name: "tag:Role", values: ["batch"] }],
    });
    expect(dataSources(env.tf, "aws_subnets")).toEqual([
      { filter: [{ name: "tag:Tier", values: ["private"] }] },
    ]);
    expect(dataSources(env.tf, "aws_security_groups")).toEqual([
      { filter: [{ name: "tag:Role", values: ["batch"] }] },
    ]);
  });

  it("runs the sample job hourly with the default task size in the looked-up network", () => {
    expect(env.synth).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "example-batch",
      schedule_expression: "cron(0 * * * ? *)",
      state: "ENABLED",
    });
    expect(env.synth).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "example-batch",
      cpu: "256",
      memory: "512",
    });
    expect(
      resourceWhere(env.tf, "aws_cloudwatch_log_group", { name: "/ecs-scheduled-tasks/example" })
        .block,
    ).toEqual({ name: "/ecs-scheduled-tasks/example", retention_in_days: 365 });
    // Besides the job's, only the notice filter's and its sender's logs, and the run ledger's
    // and its recorder's.
    expect(
      resources(env.tf, "aws_cloudwatch_log_group")
        .map((group) => group.name)
        .sort(),
    ).toEqual([
      "/aws/events/stg-batch-runs",
      "/aws/vendedlogs/states/stg-batch-failures-notices",
      "/aws/vendedlogs/states/stg-batch-failures-notices-filter",
      "/aws/vendedlogs/states/stg-batch-runs-recorder",
      "/ecs-scheduled-tasks/example",
    ]);
    expect(eventTarget(env.tf, "example-batch")).toMatchObject({
      arn: "${aws_ecs_cluster.Cluster.arn}",
      ecs_target: {
        network_configuration: {
          subnets: "${data.aws_subnets.Subnets.ids}",
          security_groups: "${data.aws_security_groups.SecurityGroups.ids}",
          assign_public_ip: false,
        },
      },
    });
  });

  it("e-mails the failures of the sample job to batch-alerts@example.com, through stg-batch-failures", () => {
    const topic = resourceWhere(env.tf, "aws_sns_topic", { name: "stg-batch-failures" });
    const topicArn = ref("aws_sns_topic", topic.id, "arn");
    expect(topic.block.kms_master_key_id).toBe(
      ref("aws_kms_key", keyIdOfAlias(env.tf, "alias/stg-batch-failures"), "arn"),
    );
    expect(resources(env.tf, "aws_sns_topic")).toHaveLength(1);
    expect(resources(env.tf, "aws_sns_topic_subscription")).toEqual([
      { topic_arn: topicArn, protocol: "email", endpoint: "batch-alerts@example.com" },
    ]);
    expect(resources(env.tf, "aws_chatbot_slack_channel_configuration")).toEqual([]);

    const { filterArn, sender } = noticeFilterOf(env.tf, "stg-batch-failures");
    expect(publishedTopics(sender.block.definition)).toEqual({ "Notify people": topicArn });
    const { target, job } = jobNoticeRule(env.tf, "example-batch");
    expect(target.arn).toBe(filterArn);
    expect(job).toMatchObject({
      name: "example-batch",
      environment: "stg",
      container: "example-batch",
      safeToRerun: false,
      rerun: "ecs-batch run example-batch --env stg",
    });
    expect(
      resources(env.tf, "aws_cloudwatch_metric_alarm")
        .map((alarm) => alarm.alarm_name)
        .sort(),
    ).toEqual([
      "example-batch-runs-not-started",
      "example-batch-start-failed",
      "stg-batch-failures-notices-failed",
      "stg-batch-failures-notices-filter-failed",
      "stg-batch-runs-recorder-failed",
    ]);
    expect(env.tf.output?.["failure-topic-arn"]).toEqual({
      value: topicArn,
      description: "SNS topic that receives failure notices of this environment's jobs",
    });
  });

  it("tells the runner the looked-up network through /ecs-batch/stg/example-batch", () => {
    const parameter = resourceWhere(env.tf, "aws_ssm_parameter", {
      name: "/ecs-batch/stg/example-batch",
    }).block;
    const value = parameter.value as string;
    expect(value).toContain('"subnets":${jsonencode(data.aws_subnets.Subnets.ids)}');
    expect(value).toContain(
      '"securityGroups":${jsonencode(data.aws_security_groups.SecurityGroups.ids)}',
    );
    expect(value).toContain('"cluster":"${aws_ecs_cluster.Cluster.arn}"');
  });
});

describe("prod", () => {
  let env: SynthesizedEnvironment;
  beforeAll(() => {
    env = synthOnce(prod);
  });

  it("runs in account 333333333333 with its state in its bucket", () => {
    expect(env.synth).toHaveProviderWithProperties(AwsProvider, {
      region: "ap-northeast-1",
      allowed_account_ids: ["333333333333"],
    });
    expect(env.tf.terraform.backend.s3).toMatchObject({
      bucket: "example-tfstate-prod-333333333333",
      key: "ecs-scheduled-batch/prod.tfstate",
    });
  });

  it("uses the existing cluster platform-prod and creates none", () => {
    expect(env.synth).toHaveDataSourceWithProperties(DataAwsEcsCluster, {
      cluster_name: "platform-prod",
    });
    expect(resources(env.tf, "aws_ecs_cluster")).toEqual([]);
    expect(eventTarget(env.tf, "example-batch").arn).toBe("${data.aws_ecs_cluster.Cluster.arn}");
  });

  it("runs the sample job daily at 18:00 UTC with 512 CPU units and 1024 MiB", () => {
    expect(env.synth).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "example-batch",
      schedule_expression: "cron(0 18 * * ? *)",
      state: "ENABLED",
    });
    expect(env.synth).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "example-batch",
      cpu: "512",
      memory: "1024",
    });
  });

  it("keeps the logs of its jobs, of its notice filter and of its run ledger, for a year", () => {
    for (const name of ["/ecs-scheduled-tasks/example", "/ecs-scheduled-tasks/sales-report"]) {
      expect(resourceWhere(env.tf, "aws_cloudwatch_log_group", { name }).block).toEqual({
        name,
        retention_in_days: 365,
      });
    }
    const logGroups = resources(env.tf, "aws_cloudwatch_log_group");
    expect(logGroups.map((group) => group.name).sort()).toEqual([
      "/aws/events/prod-batch-runs",
      "/aws/vendedlogs/states/prod-batch-failures-notices",
      "/aws/vendedlogs/states/prod-batch-failures-notices-filter",
      "/aws/vendedlogs/states/prod-batch-runs-recorder",
      "/ecs-scheduled-tasks/example",
      "/ecs-scheduled-tasks/sales-report",
    ]);
    expect(logGroups.map((group) => group.retention_in_days)).toEqual([
      365, 365, 365, 365, 365, 365,
    ]);
  });

  describe("its failure notices", () => {
    let topicArn: string;
    let chatTopicArn: string;
    beforeAll(() => {
      topicArn = ref(
        "aws_sns_topic",
        resourceWhere(env.tf, "aws_sns_topic", { name: "prod-batch-failures" }).id,
        "arn",
      );
      chatTopicArn = ref(
        "aws_sns_topic",
        resourceWhere(env.tf, "aws_sns_topic", { name: "prod-batch-failures-chat" }).id,
        "arn",
      );
    });

    it("go by e-mail to batch-oncall@example.com", () => {
      expect(resources(env.tf, "aws_sns_topic_subscription")).toEqual([
        { topic_arn: topicArn, protocol: "email", endpoint: "batch-oncall@example.com" },
      ]);
      expect(env.tf.output?.["failure-topic-arn"]).toMatchObject({ value: topicArn });
    });

    it("go to Slack channel C0123456789 of workspace T0123456789 through AWS Chatbot", () => {
      const role = resourceWhere(env.tf, "aws_iam_role", { name: "prod-batch-failures-chatbot" });
      expect(onlyResource(env.tf, "aws_chatbot_slack_channel_configuration")).toMatchObject({
        configuration_name: "prod-batch-failures",
        slack_team_id: "T0123456789",
        slack_channel_id: "C0123456789",
        sns_topic_arns: [chatTopicArn],
        iam_role_arn: ref("aws_iam_role", role.id, "arn"),
      });
    });

    it("are sent by one notice filter to both topics, each in its format, encrypted with the topics' key", () => {
      const { sender } = noticeFilterOf(env.tf, "prod-batch-failures");
      expect(publishedTopics(sender.block.definition)).toEqual({
        "Notify people": topicArn,
        "Notify chat": chatTopicArn,
      });
      const key = ref("aws_kms_key", keyIdOfAlias(env.tf, "alias/prod-batch-failures"), "arn");
      const statements = rolePolicies(env.tf, "prod-batch-failures-notices").flatMap((policy) =>
        statementsOf(policy),
      );
      expect(statements.find((s) => s.Action.includes("sns:Publish"))?.Resource).toEqual([
        topicArn,
        chatTopicArn,
      ]);
      expect(statements.find((s) => s.Action.includes("kms:GenerateDataKey*"))?.Resource).toEqual([
        key,
      ]);
    });

    it.each([
      ["example-batch", false],
      ["sales-report", true],
    ])("tell of %s's failed tasks, whether it may be re-run, and how", (jobName, safeToRerun) => {
      const { filterArn, eventsRoleArn } = noticeFilterOf(env.tf, "prod-batch-failures");
      const { target, job } = jobNoticeRule(env.tf, jobName);
      expect(target).toMatchObject({ arn: filterArn, role_arn: eventsRoleArn });
      expect(job).toMatchObject({
        name: jobName,
        environment: "prod",
        clusterArn: "${data.aws_ecs_cluster.Cluster.arn}",
        family: jobName,
        container: jobName,
        safeToRerun,
        rerun: `ecs-batch run ${jobName} --env prod`,
      });
    });

    it("alarm on runs that did not start: example-batch's rule and dead-letter queue, sales-report's queue", () => {
      expect(
        resources(env.tf, "aws_cloudwatch_metric_alarm")
          .map((alarm) => alarm.alarm_name)
          .sort(),
      ).toEqual([
        "example-batch-runs-not-started",
        "example-batch-start-failed",
        "prod-batch-failures-notices-failed",
        "prod-batch-failures-notices-filter-failed",
        "prod-batch-runs-recorder-failed",
        "sales-report-runs-not-started",
      ]);
      for (const alarm of resources(env.tf, "aws_cloudwatch_metric_alarm")) {
        expect(alarm.alarm_actions).toEqual([topicArn, chatTopicArn]);
      }
    });
  });

  it("runs sales-report at 03:00 Tokyo time on EventBridge Scheduler, from the released image", () => {
    const taskDefinition = resourceWhere(env.tf, "aws_ecs_task_definition", {
      family: "sales-report",
    });
    expect(
      resourceWhere(env.tf, "aws_scheduler_schedule", { name: "sales-report" }).block,
    ).toMatchObject({
      schedule_expression: "cron(0 3 * * ? *)",
      schedule_expression_timezone: "Asia/Tokyo",
      state: "ENABLED",
      target: {
        arn: "${data.aws_ecs_cluster.Cluster.arn}",
        ecs_parameters: {
          launch_type: "FARGATE",
          task_definition_arn: ref("aws_ecs_task_definition", taskDefinition.id, "arn"),
        },
      },
    });
    expect(resourcesWhere(env.tf, "aws_cloudwatch_event_rule", { name: "sales-report" })).toEqual(
      [],
    );
    expect(containerDefinitions(taskDefinition.block)[0]).toMatchObject({
      name: "sales-report",
      image: "${data.aws_ecr_repository.Image-sales-report.repository_url}:${var.image_tag}",
      command: ["python", "-m", "sales_report"],
    });
  });

  it("keeps the last 50 images of sales-report, in its release stack", () => {
    const { tf } = synthRelease(prod);
    const repository = resourceWhere(tf, "aws_ecr_repository", { name: "sales-report" });
    const lifecycle = resourceWhere(tf, "aws_ecr_lifecycle_policy", {
      repository: ref("aws_ecr_repository", repository.id, "name"),
    });
    const rules = JSON.parse(lifecycle.block.policy as string).rules;
    expect(resources(env.tf, "aws_ecr_repository")).toEqual([]);
    expect(rules).toContainEqual(
      expect.objectContaining({
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 50 },
        action: { type: "expire" },
      }),
    );
  });

  it("runs the tasks in the three prod subnets", () => {
    expect(eventTarget(env.tf, "example-batch").ecs_target).toMatchObject({
      launch_type: "FARGATE",
      network_configuration: {
        subnets: [
          "subnet-0b1c2d3e4f5a60001",
          "subnet-0b1c2d3e4f5a60002",
          "subnet-0b1c2d3e4f5a60003",
        ],
        security_groups: ["sg-0b1c2d3e4f5a60001"],
        assign_public_ip: false,
      },
    });
    expect(dataSources(env.tf, "aws_subnets")).toEqual([]);
  });
});
