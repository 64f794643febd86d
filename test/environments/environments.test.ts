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
import { EnvironmentConfig } from "../../environments/environment-config";
import { prod } from "../../environments/prod";
import { stg } from "../../environments/stg";
import {
  Block,
  SynthesizedEnvironment,
  containerDefinitions,
  dataSources,
  eventTarget,
  onlyResource,
  onlyResourceId,
  resources,
  synthEnvironment,
} from "./synth-environment";

/** Each environment is synthesized once for the whole file. */
const synthesized = new Map<string, SynthesizedEnvironment>();
function synthOnce(config: EnvironmentConfig): SynthesizedEnvironment {
  let env = synthesized.get(config.name);
  if (!env) {
    env = synthEnvironment(config);
    synthesized.set(config.name, env);
  }
  return env;
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

  it("is what main.ts synthesizes: one stack per environment, named after it", async () => {
    const outdir = fs.mkdtempSync(path.join(os.tmpdir(), "cdktf-main-"));
    const previous = process.env.CDKTF_OUTDIR;
    process.env.CDKTF_OUTDIR = outdir;
    try {
      await jest.isolateModulesAsync(async () => {
        await import("../../main");
      });
      const manifest = JSON.parse(fs.readFileSync(path.join(outdir, "manifest.json"), "utf8"));
      expect(Object.keys(manifest.stacks).sort()).toEqual(["dev", "prod", "stg"]);
      for (const config of environments) {
        const stack = manifest.stacks[config.name];
        const tf = JSON.parse(
          fs.readFileSync(path.join(outdir, stack.synthesizedStackPath), "utf8"),
        );
        expect(tf.terraform.backend.s3.key).toBe(`ecs-scheduled-batch/${config.name}.tfstate`);
        expect(tf.provider.aws[0].allowed_account_ids).toEqual([config.accountId]);
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

    it("has one rule, target, task definition, log group and set of outputs per job", () => {
      expect(resources(env.tf, "aws_cloudwatch_event_rule")).toHaveLength(config.jobs.length);
      expect(resources(env.tf, "aws_cloudwatch_event_target")).toHaveLength(config.jobs.length);
      expect(Object.keys(env.tf.output ?? {}).sort()).toEqual(
        config.jobs
          .flatMap((j) => [
            `${j.jobName}-task-definition-arn`,
            ...(j.taskDefinition ? [] : [`${j.jobName}-log-group-name`]),
          ])
          .sort(),
      );
      for (const job of config.jobs) {
        expect(env.synth).toHaveResourceWithProperties(CloudwatchEventRule, {
          name: job.jobName,
          schedule_expression: job.scheduleExpression,
          state: job.enabled === false ? "DISABLED" : "ENABLED",
        });
        expect(env.synth).toHaveResourceWithProperties(EcsTaskDefinition, {
          family: job.jobName,
          cpu: String(job.cpu ?? 256),
          memory: String(job.memoryMiB ?? 512),
        });
        expect(env.synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
          name: job.logGroupName ?? `/ecs-scheduled-tasks/${job.jobName}`,
          retention_in_days: job.logRetentionDays ?? 180,
        });
        expect(eventTarget(env.tf, job.jobName)).toMatchObject({ target_id: job.jobName });
      }
    });

    it("runs its jobs in its network", () => {
      const { network } = config;
      for (const job of config.jobs) {
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
  let env: SynthesizedEnvironment;
  let taskDefinitionId: string;
  let logGroupId: string;
  beforeAll(() => {
    env = synthOnce(dev);
    taskDefinitionId = onlyResourceId(env.tf, "aws_ecs_task_definition");
    logGroupId = onlyResourceId(env.tf, "aws_cloudwatch_log_group");
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

  it("schedules the book's sample job every two minutes", () => {
    expect(onlyResource(env.tf, "aws_cloudwatch_event_rule")).toEqual({
      name: "example-batch",
      description: "important batch process",
      schedule_expression: "cron(*/2 * * * ? *)",
      state: "ENABLED",
    });
  });

  it("defines the sample job's task: Fargate, 256 CPU units, 512 MiB", () => {
    expect(env.synth).toHaveResourceWithProperties(EcsTaskDefinition, {
      family: "example-batch",
      cpu: "256",
      memory: "512",
      network_mode: "awsvpc",
      requires_compatibilities: ["FARGATE"],
    });
  });

  it("runs /bin/date in alpine, logging to its log group with awslogs", () => {
    const containers = containerDefinitions(onlyResource(env.tf, "aws_ecs_task_definition"));
    expect(containers).toHaveLength(1);
    expect(containers[0]).toMatchObject({
      name: "example-batch",
      image: "alpine:3.20",
      command: ["/bin/date"],
      essential: true,
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": `\${aws_cloudwatch_log_group.${logGroupId}.name}`,
          "awslogs-stream-prefix": "batch",
          "awslogs-region": "ap-northeast-1",
        },
      },
    });
  });

  it("keeps the logs in /ecs-scheduled-tasks/example for 180 days", () => {
    expect(env.synth).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ecs-scheduled-tasks/example",
      retention_in_days: 180,
    });
    expect(onlyResource(env.tf, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs-scheduled-tasks/example",
      retention_in_days: 180,
    });
  });

  it("starts one Fargate task in the dev subnets, without a public IP", () => {
    const ruleId = onlyResourceId(env.tf, "aws_cloudwatch_event_rule");
    expect(onlyResource(env.tf, "aws_cloudwatch_event_target")).toMatchObject({
      rule: `\${aws_cloudwatch_event_rule.${ruleId}.name}`,
      target_id: "example-batch",
      arn: "${aws_ecs_cluster.Cluster.arn}",
      ecs_target: {
        launch_type: "FARGATE",
        platform_version: "LATEST",
        task_count: 1,
        task_definition_arn: `\${aws_ecs_task_definition.${taskDefinitionId}.arn}`,
        network_configuration: {
          assign_public_ip: false,
          subnets: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
          security_groups: ["sg-0a1b2c3d4e5f60001"],
        },
      },
    });
  });

  it("looks nothing up", () => {
    expect(env.tf.data ?? {}).toEqual({});
  });

  it("outputs the task definition ARN and log group name", () => {
    expect(env.tf.output).toEqual({
      "example-batch-task-definition-arn": {
        value: `\${aws_ecs_task_definition.${taskDefinitionId}.arn}`,
        description: "Task definition (with revision) of job example-batch",
      },
      "example-batch-log-group-name": {
        value: `\${aws_cloudwatch_log_group.${logGroupId}.name}`,
        description: "Log group of job example-batch",
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
    expect(onlyResource(env.tf, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs-scheduled-tasks/example",
      retention_in_days: 180,
    });
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

  it("keeps the logs for a year", () => {
    expect(onlyResource(env.tf, "aws_cloudwatch_log_group")).toMatchObject({
      name: "/ecs-scheduled-tasks/example",
      retention_in_days: 365,
    });
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
