import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import { BatchJob, renderPolicyDocument, runnerPolicy } from "../../../modules";
import type { RunnableJob } from "../../../modules/job-run/job-run";
import { ParsedStatement, statementsOf, synthesize } from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const SUBNETS = ["subnet-0123456789abcdef0"];

/** The runner policy of the jobs `build` makes, as synthesized. */
function policyOf(build: (scope: Construct) => RunnableJob[]): ParsedStatement[] {
  const { json } = synthesize((scope) => {
    const jobs = build(scope);
    new IamPolicy(scope, "Runner", {
      name: "runner",
      policy: renderPolicyDocument(runnerPolicy(jobs)),
    });
  });
  const policy = Object.values(json.resource!.aws_iam_policy).find((p) => p.name === "runner")!
    .policy as string;
  return statementsOf(policy);
}

const job = (scope: Construct, jobName: string, task: object = {}, clusterArn = CLUSTER) =>
  new BatchJob(scope, jobName, {
    jobName,
    placement: { clusterArn, subnetIds: SUBNETS },
    task: { container: { image: "alpine:3.20" }, ...task },
  });

/** The statements of the runner policy of jobs without a ledger. */
const RUNNER_STATEMENTS = [
  "ReadJobParameters",
  "ListJobParameters",
  "RunTheJobsTasks",
  "PassTheJobsRolesToEcsTasks",
  "TagTasksAtLaunch",
  "WatchTheJobsTasks",
  "StopTheTasksItStarted",
  "FindTheJobContainer",
  "ReadJobLogs",
];

const LEDGER = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/events/prod-batch-runs";

/** A job of an environment with a run ledger, as the environment will give it. */
const withLedger = (job: BatchJob, ledgerLogGroupArn = LEDGER): RunnableJob =>
  Object.assign(Object.create(job) as BatchJob, { ledgerLogGroupArn });

describe("runnerPolicy", () => {
  const statements = policyOf((scope) => [
    job(scope, "extract"),
    job(scope, "load", { taskRoleArn: "arn:aws:iam::123456789012:role/load-task" }),
  ]);
  const bySid = (sid: string) => statements.find((s) => s.Sid === sid)!;
  const ref = (type: string, construct: string, attribute: string) =>
    expect.stringMatching(
      new RegExp(`^\\$\\{${type}\\.${construct}_[0-9A-F]{8}\\.${attribute}\\}`),
    );

  it("has exactly the statements the runner needs", () => {
    expect(statements.map((s) => s.Sid)).toEqual(RUNNER_STATEMENTS);
  });

  it("reads only the jobs' own parameters", () => {
    expect(bySid("ReadJobParameters")).toMatchObject({
      Action: ["ssm:GetParameter"],
      Resource: expect.arrayContaining([
        ref("aws_ssm_parameter", "extract_RunnerParameter", "arn"),
        ref("aws_ssm_parameter", "load_RunnerParameter", "arn"),
      ]),
    });
    expect(bySid("ReadJobParameters").Resource).toHaveLength(2);
  });

  it("lists the parameters of the jobs' parameter path only, once for jobs that share it", () => {
    expect(bySid("ListJobParameters")).toEqual({
      Sid: "ListJobParameters",
      Effect: "Allow",
      Action: ["ssm:GetParametersByPath"],
      Resource: [
        "arn:${data.aws_partition.ProviderPartition.partition}:ssm:${data.aws_region.ScheduledJobProviderRegion.region}:${data.aws_caller_identity.ProviderAccount.account_id}:parameter/ecs-batch",
      ],
    });
  });

  it("runs every revision of the jobs' families, in their cluster only", () => {
    expect(bySid("RunTheJobsTasks")).toMatchObject({
      Action: ["ecs:RunTask"],
      Condition: { ArnEquals: { "ecs:cluster": CLUSTER } },
    });
    expect(bySid("RunTheJobsTasks").Resource).toHaveLength(2);
    for (const resource of bySid("RunTheJobsTasks").Resource) {
      expect(resource).toMatch(
        /^\$\{aws_ecs_task_definition\.(extract|load)_TaskDefinition_[0-9A-F]{8}\.arn_without_revision\}:\*$/,
      );
    }
  });

  it("watches and tags only the cluster's tasks, and stops only those it tagged with a job", () => {
    const tasks = ["arn:aws:ecs:ap-northeast-1:123456789012:task/batch/*"];
    expect(bySid("WatchTheJobsTasks")).toEqual({
      Sid: "WatchTheJobsTasks",
      Effect: "Allow",
      Action: ["ecs:DescribeTasks"],
      Resource: tasks,
    });
    expect(bySid("StopTheTasksItStarted")).toEqual({
      Sid: "StopTheTasksItStarted",
      Effect: "Allow",
      Action: ["ecs:StopTask"],
      Resource: tasks,
      Condition: { StringEquals: { "aws:ResourceTag/BatchJob": ["extract", "load"] } },
    });
    expect(bySid("TagTasksAtLaunch")).toMatchObject({
      Action: ["ecs:TagResource"],
      Resource: tasks,
      Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
    });
  });

  it("uses * only for DescribeTaskDefinition, which has no resource-level permissions", () => {
    expect(statements.filter((s) => s.Resource.includes("*"))).toEqual([
      expect.objectContaining({
        Sid: "FindTheJobContainer",
        Action: ["ecs:DescribeTaskDefinition"],
      }),
    ]);
  });

  it("passes the execution and task roles, to ECS tasks only", () => {
    const pass = bySid("PassTheJobsRolesToEcsTasks");
    expect(pass.Condition).toEqual({
      StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
    });
    expect(pass.Resource).toHaveLength(3);
    expect(pass.Resource).toContain("arn:aws:iam::123456789012:role/load-task");
  });

  it("reads the jobs' log streams only", () => {
    expect(bySid("ReadJobLogs").Action).toEqual(["logs:GetLogEvents"]);
    for (const resource of bySid("ReadJobLogs").Resource) {
      expect(resource).toMatch(
        /^\$\{aws_cloudwatch_log_group\.(extract|load)_LogGroup_[0-9A-F]{8}\.arn\}:log-stream:\*$/,
      );
    }
  });

  it("runs, watches and stops the jobs of two clusters in those clusters only", () => {
    const reports = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/reports";
    const statements = policyOf((scope) => [
      job(scope, "extract"),
      job(scope, "report", {}, reports),
    ]);
    const sid = (name: string) => statements.find((s) => s.Sid === name)!;
    expect(sid("RunTheJobsTasks").Condition).toEqual({
      ArnEquals: { "ecs:cluster": [CLUSTER, reports] },
    });
    const tasks = [
      "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/*",
      "arn:aws:ecs:ap-northeast-1:123456789012:task/reports/*",
    ];
    for (const name of ["TagTasksAtLaunch", "WatchTheJobsTasks", "StopTheTasksItStarted"]) {
      expect(sid(name).Resource).toEqual(tasks);
    }
  });

  it("leaves out parameters and logs a job does not have", () => {
    const statements = policyOf((scope) => [
      new BatchJob(scope, "legacy", {
        jobName: "legacy",
        placement: { clusterArn: CLUSTER, subnetIds: SUBNETS },
        existingTaskDefinition: {
          taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/legacy:3",
          executionRoleArn: "arn:aws:iam::123456789012:role/legacy-execution",
        },
      }),
    ]);
    expect(statements.map((s) => s.Sid)).not.toContain("ReadJobParameters");
    expect(statements.map((s) => s.Sid)).not.toContain("ReadJobLogs");
  });

  describe("for jobs with a run ledger", () => {
    const statements = policyOf((scope) => [
      withLedger(job(scope, "extract")),
      withLedger(job(scope, "load")),
    ]);
    const sid = (name: string) => statements.find((s) => s.Sid === name)!;

    it("adds the ledger query statements, and nothing else", () => {
      expect(statements.map((s) => s.Sid)).toEqual([
        ...RUNNER_STATEMENTS,
        "QueryTheRunLedger",
        "StopLedgerQueries",
      ]);
    });

    it("starts queries and reads their results on the ledger only, once for jobs that share it", () => {
      expect(sid("QueryTheRunLedger")).toEqual({
        Sid: "QueryTheRunLedger",
        Effect: "Allow",
        Action: ["logs:StartQuery", "logs:GetQueryResults"],
        Resource: [LEDGER, `${LEDGER}:*`],
      });
    });

    it("stops queries on every resource, as StopQuery has no resource-level permissions", () => {
      expect(sid("StopLedgerQueries")).toEqual({
        Sid: "StopLedgerQueries",
        Effect: "Allow",
        Action: ["logs:StopQuery"],
        Resource: ["*"],
      });
      expect(statements.filter((s) => s.Resource.includes("*")).map((s) => s.Sid)).toEqual([
        "FindTheJobContainer",
        "StopLedgerQueries",
      ]);
    });

    it("queries every ledger of jobs from two environments", () => {
      const stg = "arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/events/stg-batch-runs";
      const statements = policyOf((scope) => [
        withLedger(job(scope, "extract")),
        withLedger(job(scope, "load"), stg),
      ]);
      expect(statements.find((s) => s.Sid === "QueryTheRunLedger")!.Resource).toEqual([
        LEDGER,
        `${LEDGER}:*`,
        stg,
        `${stg}:*`,
      ]);
    });
  });
});
