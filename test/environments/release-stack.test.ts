import { Testing } from "cdktf";
import { dev } from "../../environments/dev";
import { EnvironmentConfig, JobFromContainerConfig } from "../../environments/environment-config";
import {
  EnvironmentConfigError,
  validateEnvironments,
} from "../../environments/environment-validation";
import { environments } from "../../environments";
import { prod } from "../../environments/prod";
import { ReleaseStack } from "../../environments/release-stack";
import { stg } from "../../environments/stg";
import { permissionsBoundaryStatements } from "../../modules/permissions-boundary/permissions-boundary";
import { renderPolicyDocument } from "../../modules/iam-role/policy-document";
import { resourceWhere, resources, synthEnvironment, synthRelease } from "./synth-environment";

const boundaryArn = (config: EnvironmentConfig) =>
  `arn:aws:iam::${config.accountId}:policy/ecs-batch-release/${config.name}-permissions-boundary`;

describe.each(environments.map((config) => [config.name, config] as const))(
  "the release stack of %s",
  (name, config) => {
    const { tf } = synthRelease(config);

    it(`keeps its state apart from the jobs stack's, at ${name}-release.tfstate`, () => {
      expect(tf.terraform.backend.s3).toMatchObject({
        bucket: config.backend.s3!.bucket,
        key: `ecs-scheduled-batch/${name}-release.tfstate`,
      });
      expect(tf.provider.aws[0]).toMatchObject({ allowed_account_ids: [config.accountId] });
    });

    it(`has the permissions boundary ${name}-permissions-boundary, and outputs its ARN`, () => {
      const boundary = resourceWhere(tf, "aws_iam_policy", {
        name: `${name}-permissions-boundary`,
      });
      expect(boundary.block.path).toBe("/ecs-batch-release/");
      expect(boundary.block.policy).toBe(
        renderPolicyDocument({
          statements: permissionsBoundaryStatements({
            partition: "aws",
            accountId: config.accountId,
            region: config.region,
            roleNamePrefix: `${name}-`,
            externalTaskRoleArns: [],
          }),
        }),
      );
      expect(tf.output?.["permissions-boundary-arn"]).toMatchObject({
        value: `\${aws_iam_policy.${boundary.id}.arn}`,
      });
    });

    it("keeps every role and policy at the path /ecs-batch-release/, without the boundary", () => {
      const iam = [...resources(tf, "aws_iam_role"), ...resources(tf, "aws_iam_policy")];
      expect(iam.map((r) => r.path)).toEqual(iam.map(() => "/ecs-batch-release/"));
      for (const role of resources(tf, "aws_iam_role")) {
        expect(role).not.toHaveProperty("permissions_boundary");
      }
    });

    it("holds the image repositories and the release, and nothing a job runs", () => {
      const types = Object.keys(tf.resource ?? {});
      for (const type of [
        "aws_ecs_task_definition",
        "aws_cloudwatch_event_rule",
        "aws_scheduler_schedule",
        "aws_sfn_state_machine",
      ]) {
        expect(types).not.toContain(type);
      }
      expect(resources(tf, "aws_ecr_repository").map((r) => r.name)).toEqual(
        Object.keys(config.images ?? {}),
      );
      expect(resources(tf, "aws_codepipeline")).toHaveLength(config.release ? 1 : 0);
    });
  },
);

describe.each(environments.map((config) => [config.name, config] as const))(
  "the jobs stack of %s",
  (name, config) => {
    const { tf } = synthEnvironment(config);

    it(`names every role and policy ${name}-..., and gives every role the boundary`, () => {
      const roles = resources(tf, "aws_iam_role");
      expect(roles.length).toBeGreaterThan(0);
      for (const role of roles) {
        expect(role.name).toMatch(new RegExp(`^${name}-`));
        expect(role.permissions_boundary).toBe(boundaryArn(config));
        expect(role).not.toHaveProperty("path");
      }
      for (const policy of resources(tf, "aws_iam_policy")) {
        expect(policy.name).toMatch(new RegExp(`^${name}-`));
        expect(policy).not.toHaveProperty("path");
      }
    });

    it("holds nothing of the release stack", () => {
      for (const type of [
        "aws_ecr_repository",
        "aws_codepipeline",
        "aws_codebuild_project",
        "aws_iam_openid_connect_provider",
        "aws_s3_bucket",
      ]) {
        expect(resources(tf, type)).toEqual([]);
      }
    });
  },
);

describe("a job's task role made outside the environment", () => {
  const taskRole = "arn:aws:iam::222222222222:role/report-task";
  const config: EnvironmentConfig = {
    ...stg,
    jobs: (stg.jobs as JobFromContainerConfig[]).map((job) => ({
      ...job,
      task: { ...job.task, taskRoleArn: taskRole },
    })),
  };

  it("may be passed to ECS tasks under the boundary, and by the deployer", () => {
    const { tf } = synthRelease({
      ...config,
      images: { report: {} },
      githubActions: {
        repository: "example-org/jobs",
        branch: "develop",
        imageRepository: "report",
      },
    });
    const boundary = resourceWhere(tf, "aws_iam_policy", { name: "stg-permissions-boundary" });
    const passRole = JSON.parse(boundary.block.policy as string).Statement.find(
      (s: { Sid: string }) => s.Sid === "PassTheEnvironmentsRolesToEcsTasks",
    );
    expect(passRole.Resource).toEqual(["arn:aws:iam::222222222222:role/stg-*", taskRole]);
    const deploy = resources(tf, "aws_iam_policy")
      .filter((p) => String(p.name).startsWith("stg-github-deploy-stack"))
      .flatMap((p) => JSON.parse(p.policy as string).Statement);
    expect(deploy.find((s) => s.Sid === "PassTheJobsTaskRolesToEcsTasks")).toMatchObject({
      Resource: [taskRole],
      Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    });
  });
});

describe("ReleaseStack", () => {
  it("must have the id <environment>-release", () => {
    expect(() => new ReleaseStack(Testing.app(), "dev-tools", { config: dev })).toThrow(
      new EnvironmentConfigError(
        "dev",
        "name",
        "the release stack id 'dev-tools' differs: create it with the id 'dev-release'",
      ),
    );
  });
});

describe("validateEnvironments", () => {
  it("accepts dev, stg and prod", () => {
    expect(() => validateEnvironments([dev, stg, prod])).not.toThrow();
  });

  it("refuses an environment whose name starts with another's name and '-'", () => {
    expect(() => validateEnvironments([dev, { ...stg, name: "dev-eu" }])).toThrow(
      "environment 'dev-eu': name: it starts with 'dev-', the name prefix of environment 'dev''s roles and stacks, so the deployer of 'dev' could reach its roles: rename one of the two",
    );
  });

  it("refuses two environments of one name", () => {
    expect(() => validateEnvironments([dev, { ...stg, name: "dev" }])).toThrow(
      "environment 'dev': name: two environments have this name",
    );
  });
});
