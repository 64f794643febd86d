import { environments } from "../../environments";
import { EnvironmentConfig, externalTaskRoleArns } from "../../environments/environment-config";
import { prod } from "../../environments/prod";
import { runnerPolicy } from "../../modules/batch-job/runner-policy";
import { type PolicyStatement, renderPolicyDocument } from "../../modules/iam-role/policy-document";
import type { RunnableJob } from "../../modules/job-run/job-run";
import { partitionOfRegion } from "../../modules/stack-context";
import { permissionsBoundaryStatements } from "../../modules/permissions-boundary/permissions-boundary";
import { permissionsBoundaryArn } from "../../modules/permissions-boundary/environment-iam";
import { synthEnvironment } from "../environments/synth-environment";
import { decide } from "./iam-simulator";
import { type PolicyJson, permissionsOf, requestsOf } from "./policy-requests";

/*
 * The permissions boundary caps every role of an environment. A boundary that forgets an action
 * some role needs would make that role fail at run time, in production, with AccessDenied. So an
 * IAM simulator evaluates every statement every role of every environment is given, under the
 * boundary: each must be allowed. A config that uses every feature (sidecars, secrets, a log
 * router, Slack, a task role made elsewhere, a workflow on a rule that prevents overlapping runs)
 * stands in for what the shipped
 * environments do not use yet.
 */

const everything: EnvironmentConfig = {
  ...prod,
  name: "kitchen",
  release: { ...prod.release!, branch: "main" },
  notifications: {
    emailAddresses: ["batch@example.com"],
    slack: { workspaceId: "T0123456789", channelId: "C0123456789" },
  },
  jobs: [
    ...prod.jobs,
    {
      jobName: "with-sidecars",
      schedule: "rate(1 hour)",
      task: {
        taskRoleArn: "arn:aws:iam::333333333333:role/report-task",
        container: {
          image: "333333333333.dkr.ecr.ap-northeast-1.amazonaws.com/report:1a2b3c4",
          secrets: {
            TOKEN: {
              ssmParameterArn: "arn:aws:ssm:ap-northeast-1:333333333333:parameter/report/token",
            },
            PASSWORD: {
              secretsManagerSecretArn:
                "arn:aws:secretsmanager:ap-northeast-1:333333333333:secret:report-AbCdEf",
            },
          },
        },
        sidecars: [{ name: "proxy", image: "public.ecr.aws/nginx/nginx:1" }],
        logRouter: {
          destination: { name: "cloudwatch_logs", options: { region: "ap-northeast-1" } },
        },
      },
    },
    { jobName: "first", task: { container: { image: "alpine:3.20" } }, safeToRerun: true },
    { jobName: "second", task: { container: { image: "alpine:3.20" } } },
  ],
  workflows: [
    {
      workflowName: "chain",
      schedule: { rule: { expression: "cron(0 1 * * ? *)" } },
      preventOverlap: true,
      jobs: [{ job: "first" }, { job: "second", dependsOn: ["first"] }],
    },
  ],
};

describe.each([...environments, everything].map((config) => [config.name, config] as const))(
  "every role of %s",
  (name, config) => {
    const boundary = permissionsBoundaryStatements({
      partition: partitionOfRegion(config.region),
      accountId: config.accountId,
      region: config.region,
      roleNamePrefix: `${name}-`,
      externalTaskRoleArns: externalTaskRoleArns(config),
    });
    const { roles, policies } = permissionsOf(synthEnvironment(config).synth);

    it("carries the environment's boundary", () => {
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) {
        expect([role.name, role.permissionsBoundary]).toEqual([
          role.name,
          permissionsBoundaryArn("aws", config.accountId, name),
        ]);
      }
    });

    it.each(roles.map((role) => [role.name, role] as const))(
      "%s may do under the boundary all its policies allow",
      async (_, role) => {
        for (const policy of role.policies) {
          await expectAllowedUnder(boundary, role.arn, policy.document, config);
        }
      },
    );

    it("lets the role that runs ecs-batch, given the boundary too, do all the runner policy allows", async () => {
      const runner = policies.find((p) => p.name === `${name}-ecs-batch-runner`);
      expect(runner).toBeDefined();
      const runnerRole = `arn:aws:iam::${config.accountId}:role/batch-scheduler`;
      await expectAllowedUnder(boundary, runnerRole, runner!.document, config);
    });
  },
);

describe("the runner policy of jobs with a run ledger", () => {
  // Literal ARNs stand in for a job's references, so every statement can be simulated as is.
  const account = "123456789012";
  const region = "ap-northeast-1";
  const arn = (service: string, resource: string) =>
    `arn:aws:${service}:${region}:${account}:${resource}`;
  const job: RunnableJob = {
    jobName: "nightly-report",
    run: {
      taskDefinitionArn: arn("ecs", "task-definition/nightly-report"),
      placement: {
        clusterArn: arn("ecs", "cluster/batch"),
        subnetIds: ["subnet-0123456789abcdef0"],
      },
    },
    access: {
      jobName: "nightly-report",
      clusterArn: arn("ecs", "cluster/batch"),
      clusterTasksArn: arn("ecs", "task/batch/*"),
      taskDefinitionRevisionsArn: arn("ecs", "task-definition/nightly-report:*"),
      passRoleArns: [`arn:aws:iam::${account}:role/prod-nightly-report-execution`],
    },
    safeToRerun: true,
    runnerParameterArn: arn("ssm", "parameter/ecs-batch/prod/nightly-report"),
    runnerParameterPathArn: arn("ssm", "parameter/ecs-batch/prod"),
    logGroupArn: arn("logs", "log-group:/ecs-batch/prod/nightly-report"),
    ledgerLogGroupArn: arn("logs", "log-group:/aws/events/prod-batch-runs"),
  };
  const policy = renderPolicyDocument(runnerPolicy([job]));
  const boundary = permissionsBoundaryStatements({
    partition: "aws",
    accountId: account,
    region,
    roleNamePrefix: "prod-",
  });

  it("queries the ledger, and is allowed all of it under the environment's boundary", async () => {
    const document = JSON.parse(policy) as PolicyJson;
    expect(document.Statement.map((s) => s.Sid)).toEqual(
      expect.arrayContaining(["QueryTheRunLedger", "StopLedgerQueries"]),
    );
    const role = `arn:aws:iam::${account}:role/batch-scheduler`;
    await expectAllowedUnder(boundary, role, document, { accountId: account, region });
  });
});

/** Expects IAM to allow `role`, under `boundary`, every request an Allow of `document` grants. */
async function expectAllowedUnder(
  boundary: PolicyStatement[],
  role: string,
  document: PolicyJson,
  where: { readonly accountId: string; readonly region: string },
): Promise<void> {
  for (const statement of document.Statement.filter((s) => s.Effect === "Allow")) {
    for (const request of await requestsOf(statement, where.accountId, where.region)) {
      const decision = await decide(
        { arn: role, policies: [JSON.stringify(document)], boundary },
        request,
      );
      expect([statement.Sid, request.action, request.resource, decision]).toEqual([
        statement.Sid,
        request.action,
        request.resource,
        "Allowed",
      ]);
    }
  }
}
