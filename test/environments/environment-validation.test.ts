import { dev } from "../../environments/dev";
import {
  EnvironmentConfig,
  JobConfig,
  JobFromContainerConfig,
  WorkflowConfig,
} from "../../environments/environment-config";
import {
  EnvironmentConfigError,
  validateEnvironmentConfig,
} from "../../environments/environment-validation";
import { prod } from "../../environments/prod";
import { stg } from "../../environments/stg";

/** A valid config of dev's shape, written out so the tests do not depend on dev.ts. */
const valid: EnvironmentConfig = {
  name: "dev",
  region: "ap-northeast-1",
  accountId: "111111111111",
  network: {
    subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
  },
  cluster: { create: { name: "batch-dev" } },
  backend: { s3: { bucket: "example-tfstate-dev-111111111111" } },
  defaultTags: { Project: "ecs-scheduled-batch", Owner: "platform" },
  jobs: [
    {
      jobName: "example-batch",
      description: "important batch process",
      schedule: "cron(*/2 * * * ? *)",
      task: {
        cpu: 256,
        memoryMiB: 512,
        container: { image: "alpine:3.20", command: ["/bin/date"] },
        logs: { groupName: "/ecs-scheduled-tasks/example" },
      },
    },
  ],
};

type Patch = (config: EnvironmentConfig) => EnvironmentConfig;

/** A copy of `valid` with some top-level fields replaced (`undefined` removes the field). */
const withFields =
  (fields: Record<string, unknown>): Patch =>
  (config) =>
    ({ ...config, ...fields }) as EnvironmentConfig;

/** A copy of `valid` whose network is `network` (not merged with valid's). */
const withNetwork =
  (network: Record<string, unknown>): Patch =>
  (config) =>
    ({ ...config, network }) as EnvironmentConfig;

const byIds = {
  subnetIds: ["subnet-0a1b2c3d4e5f60001"],
  securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
};

/** Escapes a string for use in a RegExp. */
const literal = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");

function errorOf(config: EnvironmentConfig): unknown {
  try {
    validateEnvironmentConfig(config);
  } catch (error) {
    return error;
  }
  return undefined;
}

describe("validateEnvironmentConfig", () => {
  it("accepts the valid base config", () => {
    expect(() => validateEnvironmentConfig(valid)).not.toThrow();
  });

  it.each([dev, stg, prod])("accepts the real $name config", (config) => {
    expect(() => validateEnvironmentConfig(config)).not.toThrow();
  });

  it.each<[string, Patch]>([
    [
      "network by tags",
      withNetwork({ subnetTags: { Tier: "private" }, securityGroupTags: { Role: "batch" } }),
    ],
    [
      "network by tags in one VPC",
      withNetwork({
        subnetTags: { Tier: "private" },
        securityGroupTags: { Role: "batch" },
        vpcId: "vpc-0a1b2c3d4e5f60001",
      }),
    ],
    [
      "subnets by tags in one VPC, security groups by ID",
      withNetwork({
        subnetTags: { Tier: "private" },
        securityGroupIds: ["sg-0a1b2c3d"],
        vpcId: "vpc-0a1b2c3d",
      }),
    ],
    [
      "8-digit subnet and security group IDs",
      withNetwork({ subnetIds: ["subnet-0a1b2c3d"], securityGroupIds: ["sg-0a1b2c3d"] }),
    ],
    ["an existing cluster", withFields({ cluster: { existing: { name: "platform_prod-1" } } })],
    ["a local backend with its default path", withFields({ backend: { local: {} } })],
    [
      "a local backend with a path",
      withFields({ backend: { local: { path: "state/dev.tfstate" } } }),
    ],
    [
      "an S3 backend with every option",
      withFields({
        backend: {
          s3: {
            bucket: "my.state-bucket",
            region: "us-gov-west-1",
            keyPrefix: "teams/batch",
            kmsKeyId: "alias/tfstate",
          },
        },
      }),
    ],
    [
      "selector tags with an AWS-applied aws: key",
      withNetwork({
        subnetTags: { "aws:cloudformation:stack-name": "network" },
        securityGroupTags: { "aws:cloudformation:logical-id": "BatchSecurityGroup" },
      }),
    ],
    ["no default tags", withFields({ defaultTags: undefined })],
    ["empty default tags", withFields({ defaultTags: {} })],
    ["no jobs", withFields({ jobs: [] })],
    ["a run ledger with its defaults", withFields({ ledger: {} })],
    ["a run ledger kept 731 days", withFields({ ledger: { retentionDays: 731 } })],
    ["a run ledger kept 10 years", withFields({ ledger: { retentionDays: 3653 } })],
    ["a 32-character name", withFields({ name: `e${"a".repeat(31)}` })],
  ])("accepts %s", (_description, patch) => {
    expect(() => validateEnvironmentConfig(patch(valid))).not.toThrow();
  });

  it.each<[string, Patch, RegExp]>([
    // name: the message names the bad name as the environment too
    [
      "an upper-case name",
      withFields({ name: "Dev" }),
      /^environment 'Dev': name: 'Dev' must be 1-32 lower-case letters, digits and '-', starting with a letter$/,
    ],
    ["an empty name", withFields({ name: "" }), /^environment '': name: '' must be 1-32/],
    [
      "a name starting with a digit",
      withFields({ name: "1dev" }),
      /^environment '1dev': name: '1dev' must be/,
    ],
    [
      "a 33-character name",
      withFields({ name: `e${"a".repeat(32)}` }),
      new RegExp(`^environment 'e${"a".repeat(32)}': name: 'e${"a".repeat(32)}' must be 1-32`),
    ],
    [
      "a name with '_'",
      withFields({ name: "dev_1" }),
      /^environment 'dev_1': name: 'dev_1' must be/,
    ],
    [
      "no name",
      withFields({ name: undefined }),
      /^environment '\(unnamed\)': name: 'undefined' must be/,
    ],

    // region and account
    [
      "a region that is not a region name",
      withFields({ region: "tokyo" }),
      /^environment 'dev': region: 'tokyo' is not an AWS region name such as 'ap-northeast-1'$/,
    ],
    [
      "an upper-case region",
      withFields({ region: "AP-NORTHEAST-1" }),
      /^environment 'dev': region: 'AP-NORTHEAST-1' is not/,
    ],
    [
      "an availability zone as region",
      withFields({ region: "ap-northeast-1a" }),
      /^environment 'dev': region: 'ap-northeast-1a' is not/,
    ],
    [
      "no region",
      withFields({ region: undefined }),
      /^environment 'dev': region: 'undefined' is not/,
    ],
    [
      "an 11-digit account ID",
      withFields({ accountId: "11111111111" }),
      /^environment 'dev': accountId: '11111111111' must be a 12-digit AWS account ID$/,
    ],
    [
      "a non-numeric account ID",
      withFields({ accountId: "11111111111x" }),
      /^environment 'dev': accountId: '11111111111x' must be/,
    ],
    [
      "no account ID",
      withFields({ accountId: undefined }),
      /^environment 'dev': accountId: 'undefined' must be/,
    ],

    // network
    [
      "no network",
      withFields({ network: undefined }),
      /^environment 'dev': network: missing: give subnets and security groups$/,
    ],
    [
      "neither subnetIds nor subnetTags",
      withNetwork({ securityGroupIds: byIds.securityGroupIds }),
      /^environment 'dev': network: give subnetIds or subnetTags$/,
    ],
    [
      "both subnetIds and subnetTags",
      withNetwork({ ...byIds, subnetTags: { Tier: "private" } }),
      /^environment 'dev': network: give either subnetIds or subnetTags, not both$/,
    ],
    [
      "neither securityGroupIds nor securityGroupTags",
      withNetwork({ subnetIds: byIds.subnetIds }),
      /^environment 'dev': network: give securityGroupIds or securityGroupTags$/,
    ],
    [
      "both securityGroupIds and securityGroupTags",
      withNetwork({ ...byIds, securityGroupTags: { Role: "batch" } }),
      /^environment 'dev': network: give either securityGroupIds or securityGroupTags, not both$/,
    ],
    [
      "a malformed subnet ID",
      withNetwork({ ...byIds, subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-123"] }),
      /^environment 'dev': network\.subnetIds: 'subnet-123' is not an ID such as 'subnet-0123456789abcdef0'$/,
    ],
    [
      "a security group ID as subnet ID",
      withNetwork({ ...byIds, subnetIds: ["sg-0a1b2c3d4e5f60001"] }),
      /^environment 'dev': network\.subnetIds: 'sg-0a1b2c3d4e5f60001' is not an ID/,
    ],
    [
      "an upper-case subnet ID",
      withNetwork({ ...byIds, subnetIds: ["subnet-0A1B2C3D"] }),
      /^environment 'dev': network\.subnetIds: 'subnet-0A1B2C3D' is not an ID/,
    ],
    [
      "a malformed security group ID",
      withNetwork({ ...byIds, securityGroupIds: ["sg-xyz"] }),
      /^environment 'dev': network\.securityGroupIds: 'sg-xyz' is not an ID such as 'sg-0123456789abcdef0'$/,
    ],
    [
      "an empty subnetIds list",
      withNetwork({ ...byIds, subnetIds: [] }),
      /^environment 'dev': network\.subnetIds: it is empty: give at least one ID$/,
    ],
    [
      "an empty securityGroupIds list",
      withNetwork({ ...byIds, securityGroupIds: [] }),
      /^environment 'dev': network\.securityGroupIds: it is empty: give at least one ID$/,
    ],
    [
      "empty subnetTags",
      withNetwork({ subnetTags: {}, securityGroupIds: byIds.securityGroupIds }),
      /^environment 'dev': network\.subnetTags: it is empty: it would select every subnet or security group; give at least one tag$/,
    ],
    [
      "empty securityGroupTags",
      withNetwork({ subnetIds: byIds.subnetIds, securityGroupTags: {} }),
      /^environment 'dev': network\.securityGroupTags: it is empty: it would select every/,
    ],
    [
      "a malformed vpcId",
      withNetwork({
        subnetTags: { Tier: "private" },
        securityGroupTags: { Role: "batch" },
        vpcId: "vpc-123",
      }),
      /^environment 'dev': network\.vpcId: 'vpc-123' is not a VPC ID such as 'vpc-0123456789abcdef0'$/,
    ],
    [
      "a vpcId without tags to limit",
      withNetwork({ ...byIds, vpcId: "vpc-0a1b2c3d4e5f60001" }),
      /^environment 'dev': network\.vpcId: it limits tag look-ups, but no subnetTags or securityGroupTags are given$/,
    ],

    // cluster
    [
      "no cluster",
      withFields({ cluster: undefined }),
      /^environment 'dev': cluster: missing: give create or existing$/,
    ],
    [
      "neither create nor existing",
      withFields({ cluster: {} }),
      /^environment 'dev': cluster: give create or existing$/,
    ],
    [
      "both create and existing",
      withFields({ cluster: { create: { name: "a" }, existing: { name: "b" } } }),
      /^environment 'dev': cluster: give either create or existing, not both$/,
    ],
    [
      "a cluster name with a space",
      withFields({ cluster: { create: { name: "batch dev" } } }),
      /^environment 'dev': cluster\.create\.name: 'batch dev' must be 1-255 letters, digits, '-' and '_'$/,
    ],
    [
      "a 256-character cluster name",
      withFields({ cluster: { create: { name: "c".repeat(256) } } }),
      new RegExp(`^environment 'dev': cluster\\.create\\.name: '${"c".repeat(256)}' must be 1-255`),
    ],
    [
      "an empty existing cluster name",
      withFields({ cluster: { existing: { name: "" } } }),
      /^environment 'dev': cluster\.existing\.name: '' must be 1-255/,
    ],
    [
      "an existing cluster given by ARN",
      withFields({
        cluster: { existing: { name: "arn:aws:ecs:ap-northeast-1:111111111111:cluster/x" } },
      }),
      new RegExp(
        `^environment 'dev': cluster\\.existing\\.name: '${literal("arn:aws:ecs:ap-northeast-1:111111111111:cluster/x")}' must be`,
      ),
    ],

    // backend
    [
      "no backend",
      withFields({ backend: undefined }),
      /^environment 'dev': backend: missing: give s3 \(or local, for experiments\)$/,
    ],
    [
      "neither s3 nor local",
      withFields({ backend: {} }),
      /^environment 'dev': backend: give s3 or local$/,
    ],
    [
      "both s3 and local",
      withFields({ backend: { s3: { bucket: "example-tfstate" }, local: {} } }),
      /^environment 'dev': backend: give either s3 or local, not both$/,
    ],
    [
      "an upper-case bucket",
      withFields({ backend: { s3: { bucket: "Example_TFState" } } }),
      /^environment 'dev': backend\.s3\.bucket: 'Example_TFState' is not an S3 bucket name \(3-63 lower-case letters, digits, '\.', '-'\)$/,
    ],
    [
      "a 2-character bucket",
      withFields({ backend: { s3: { bucket: "ab" } } }),
      /^environment 'dev': backend\.s3\.bucket: 'ab' is not an S3 bucket name/,
    ],
    [
      "a 64-character bucket",
      withFields({ backend: { s3: { bucket: "b".repeat(64) } } }),
      new RegExp(`^environment 'dev': backend\\.s3\\.bucket: '${"b".repeat(64)}' is not`),
    ],
    [
      "a bucket with '..'",
      withFields({ backend: { s3: { bucket: "my..bucket" } } }),
      /^environment 'dev': backend\.s3\.bucket: 'my\.\.bucket' is not an S3 bucket name/,
    ],
    [
      "a bucket ending in '-'",
      withFields({ backend: { s3: { bucket: "my-bucket-" } } }),
      /^environment 'dev': backend\.s3\.bucket: 'my-bucket-' is not/,
    ],
    [
      "no bucket",
      withFields({ backend: { s3: {} } }),
      /^environment 'dev': backend\.s3\.bucket: 'undefined' is not/,
    ],
    [
      "a bad backend region",
      withFields({ backend: { s3: { bucket: "example-tfstate", region: "tokyo" } } }),
      /^environment 'dev': backend\.s3\.region: 'tokyo' is not an AWS region name$/,
    ],
    [
      "a keyPrefix with a space",
      withFields({ backend: { s3: { bucket: "example-tfstate", keyPrefix: "my prefix" } } }),
      /^environment 'dev': backend\.s3\.keyPrefix: 'my prefix' must be a plain S3 key prefix$/,
    ],
    [
      "an empty keyPrefix",
      withFields({ backend: { s3: { bucket: "example-tfstate", keyPrefix: "" } } }),
      /^environment 'dev': backend\.s3\.keyPrefix: '' must be a plain S3 key prefix$/,
    ],
    [
      "a keyPrefix with a leading '/'",
      withFields({ backend: { s3: { bucket: "example-tfstate", keyPrefix: "/teams/batch" } } }),
      /^environment 'dev': backend\.s3\.keyPrefix: '\/teams\/batch' must be a plain S3 key prefix$/,
    ],
    [
      "a keyPrefix with a trailing '/'",
      withFields({ backend: { s3: { bucket: "example-tfstate", keyPrefix: "teams/batch/" } } }),
      /^environment 'dev': backend\.s3\.keyPrefix: 'teams\/batch\/' must be/,
    ],
    [
      "a keyPrefix with '//'",
      withFields({ backend: { s3: { bucket: "example-tfstate", keyPrefix: "teams//batch" } } }),
      /^environment 'dev': backend\.s3\.keyPrefix: 'teams\/\/batch' must be/,
    ],
    [
      "a keyPrefix with '$'",
      withFields({ backend: { s3: { bucket: "example-tfstate", keyPrefix: "state/$env" } } }),
      /^environment 'dev': backend\.s3\.keyPrefix: 'state\/\$env' must be/,
    ],

    // defaultTags
    [
      "a default tag the stack sets itself",
      withFields({ defaultTags: { Environment: "production" } }),
      /^environment 'dev': defaultTags: 'Environment' is set by the stack itself; remove it from defaultTags$/,
    ],
    [
      "a default tag with an aws: key",
      withFields({ defaultTags: { Project: "x", "aws:createdBy": "me" } }),
      /^environment 'dev': defaultTags: tag key 'aws:createdBy' must be 1-128 characters and not start with 'aws:'$/,
    ],
    [
      "a default tag with an empty key",
      withFields({ defaultTags: { "": "x" } }),
      /^environment 'dev': defaultTags: tag key '' must be 1-128/,
    ],
    [
      "a default tag with a 129-character key",
      withFields({ defaultTags: { ["k".repeat(129)]: "x" } }),
      new RegExp(`^environment 'dev': defaultTags: tag key '${"k".repeat(129)}' must be 1-128`),
    ],
    [
      "a default tag with a 257-character value",
      withFields({ defaultTags: { Owner: "v".repeat(257) } }),
      /^environment 'dev': defaultTags: the value of tag 'Owner' must be a string of at most 256 characters$/,
    ],

    // ledger
    [
      "a run ledger kept 100 days, which CloudWatch Logs does not offer",
      withFields({ ledger: { retentionDays: 100 } }),
      /^environment 'dev': ledger\.retentionDays: 100 is not a retention CloudWatch Logs accepts: use one of 1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288, 3653$/,
    ],
    [
      "a run ledger kept 0 days (never expiring is not a period)",
      withFields({ ledger: { retentionDays: 0 } }),
      /^environment 'dev': ledger\.retentionDays: 0 is not a retention/,
    ],
    [
      "a run ledger kept a year given as text",
      withFields({ ledger: { retentionDays: "365" } }),
      /^environment 'dev': ledger\.retentionDays: "365" is not a retention/,
    ],

    // jobs
    [
      "two jobs of the same name",
      (config) => ({
        ...config,
        jobs: [...config.jobs, { ...config.jobs[0], description: "again" }],
      }),
      /^environment 'dev': jobs: the job name 'example-batch' is used twice: job names must be unique$/,
    ],
    [
      "no jobs list",
      withFields({ jobs: undefined }),
      /^environment 'dev': jobs: missing: give a list of jobs \(it may be empty\)$/,
    ],
  ])("rejects %s", (_description, patch, message) => {
    const error = errorOf(patch(valid));
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    expect((error as Error).name).toBe("EnvironmentConfigError");
    expect((error as Error).message).toMatch(message);
  });

  describe("workflows and notifications", () => {
    /** `valid` with two jobs without a schedule, run by a workflow one after the other. */
    const withWorkflow: EnvironmentConfig = {
      ...valid,
      jobs: [
        ...valid.jobs,
        {
          jobName: "extract-sales",
          task: { container: { image: "alpine:3.20", command: ["/bin/true"] } },
          safeToRerun: true,
        },
        { jobName: "build-sales-report", task: { container: { image: "alpine:3.20" } } },
      ],
      workflows: [
        {
          workflowName: "nightly-sales",
          jobs: [
            { job: "extract-sales" },
            { job: "build-sales-report", dependsOn: ["extract-sales"] },
          ],
        },
      ],
    };
    const nightly = withWorkflow.workflows![0];
    const notifications = { emailAddresses: ["batch-alerts@example.com"] };
    const archive: JobConfig = {
      jobName: "archive-sales",
      task: { container: { image: "alpine:3.20" } },
    };
    /** `withWorkflow` with a third unscheduled job, and these workflows after nightly-sales. */
    const withWorkflows = (...workflows: WorkflowConfig[]): EnvironmentConfig => ({
      ...withWorkflow,
      jobs: [...withWorkflow.jobs, archive],
      workflows: [nightly, ...workflows],
    });
    const weekly = (jobs: WorkflowConfig["jobs"]): WorkflowConfig => ({
      workflowName: "weekly-sales",
      jobs,
    });
    /** `withWorkflow` whose scheduled job example-batch has these settings too. */
    const withSampleJob = (settings: Partial<JobFromContainerConfig>): EnvironmentConfig => ({
      ...withWorkflow,
      jobs: [
        { ...(valid.jobs[0] as JobFromContainerConfig), ...settings },
        ...withWorkflow.jobs.slice(1),
      ],
    });

    it.each<[string, EnvironmentConfig]>([
      ["a workflow of jobs without a schedule", withWorkflow],
      ["an empty list of workflows", { ...valid, workflows: [] }],
      ["two workflows, each with its own jobs", withWorkflows(weekly([{ job: "archive-sales" }]))],
      ["notifications that no one opts into", { ...withWorkflow, notifications }],
      [
        "notifyOnFailure true on a job, with notifications",
        { ...withSampleJob({ notifyOnFailure: true }), notifications },
      ],
      [
        "notifyOnFailure true on a workflow, with notifications",
        { ...withWorkflow, notifications, workflows: [{ ...nightly, notifyOnFailure: true }] },
      ],
      [
        "notifyOnFailure false on a job and a workflow, without notifications",
        {
          ...withSampleJob({ notifyOnFailure: false }),
          workflows: [{ ...nightly, notifyOnFailure: false }],
        },
      ],
    ])("accepts %s", (_description, config) => {
      expect(() => validateEnvironmentConfig(config)).not.toThrow();
    });

    it.each<[string, EnvironmentConfig, RegExp]>([
      [
        "workflows that are not a list",
        { ...valid, workflows: {} as unknown as WorkflowConfig[] },
        /^environment 'dev': workflows: give a list of workflows$/,
      ],
      [
        "a workflow naming a job that does not exist",
        {
          ...withWorkflow,
          workflows: [{ ...nightly, jobs: [...nightly.jobs, { job: "load-sales" }] }],
        },
        /^environment 'dev': workflows\[0\]\.jobs\[2\]\.job: 'load-sales' is not a job of this environment: add it to jobs \(without a schedule\)$/,
      ],
      [
        "a workflow job that has its own schedule",
        {
          ...withWorkflow,
          workflows: [{ ...nightly, jobs: [{ job: "example-batch" }, ...nightly.jobs] }],
        },
        /^environment 'dev': workflows\[0\]\.jobs\[0\]\.job: job 'example-batch' has its own schedule, so it would also run outside workflow 'nightly-sales': remove the job's schedule$/,
      ],
      [
        "a workflow job that has its own Scheduler schedule",
        {
          ...withWorkflow,
          jobs: withWorkflow.jobs.map((job) =>
            job.jobName === "extract-sales"
              ? { ...job, schedule: { scheduler: { expression: "cron(0 1 * * ? *)" } } }
              : job,
          ),
        },
        /^environment 'dev': workflows\[0\]\.jobs\[0\]\.job: job 'extract-sales' has its own schedule, so it would also run outside workflow 'nightly-sales': remove the job's schedule$/,
      ],
      [
        "a job in two workflows",
        withWorkflows(weekly([{ job: "archive-sales" }, { job: "build-sales-report" }])),
        /^environment 'dev': workflows\[1\]\.jobs\[1\]\.job: job 'build-sales-report' is already in workflow 'nightly-sales': a job belongs to one workflow$/,
      ],
      [
        "a job twice in one workflow",
        {
          ...withWorkflow,
          workflows: [{ ...nightly, jobs: [...nightly.jobs, { job: "extract-sales" }] }],
        },
        /^environment 'dev': workflows\[0\]\.jobs\[2\]\.job: job 'extract-sales' is already in workflow 'nightly-sales': a job belongs to one workflow$/,
      ],
      [
        "a workflow named like a job",
        { ...withWorkflow, workflows: [{ ...nightly, workflowName: "extract-sales" }] },
        /^environment 'dev': workflows\[0\]\.workflowName: 'extract-sales' is already the name of a job: workflow and job names must be unique$/,
      ],
      [
        "two workflows of the same name",
        withWorkflows({ ...weekly([{ job: "archive-sales" }]), workflowName: "nightly-sales" }),
        /^environment 'dev': workflows\[1\]\.workflowName: 'nightly-sales' is already the name of a workflow: workflow and job names must be unique$/,
      ],
      [
        "notifyOnFailure true on a job, without notifications",
        withSampleJob({ notifyOnFailure: true }),
        /^environment 'dev': notifications: job 'example-batch' sets notifyOnFailure, but the environment has no notifications: add notifications \(e-mail addresses, HTTPS endpoints or Slack\)$/,
      ],
      [
        "notifyOnFailure true on a workflow, without notifications",
        { ...withWorkflow, workflows: [{ ...nightly, notifyOnFailure: true }] },
        /^environment 'dev': notifications: workflow 'nightly-sales' sets notifyOnFailure, but the environment has no notifications: add notifications \(e-mail addresses, HTTPS endpoints or Slack\)$/,
      ],
    ])("rejects %s", (_description, config, message) => {
      const error = errorOf(config);
      expect(error).toBeInstanceOf(EnvironmentConfigError);
      expect((error as Error).message).toMatch(message);
    });
  });

  it("names the environment of the config in the message", () => {
    const error = errorOf({ ...valid, name: "stg", region: "tokyo" });
    expect((error as Error).message).toBe(
      "environment 'stg': region: 'tokyo' is not an AWS region name such as 'ap-northeast-1'",
    );
  });

  it("does not change the config it checks", () => {
    const copy = structuredClone(valid);
    validateEnvironmentConfig(valid);
    expect(valid).toEqual(copy);
  });
});
