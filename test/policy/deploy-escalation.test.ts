import { dev } from "../../environments/dev";
import { EnvironmentConfig } from "../../environments/environment-config";
import { prod } from "../../environments/prod";
import {
  RELEASE_IAM_PATH,
  permissionsBoundaryArn,
} from "../../modules/permissions-boundary/environment-iam";
import { rolePolicies, synthRelease } from "../environments/synth-environment";
import { Decision, decide, SimulatedRequest } from "./iam-simulator";

/*
 * Whoever can push to a release branch controls what the deploy role does. These tests ask an IAM
 * simulator what that role may do, as synthesized in the release stack: every way to grant itself
 * or anyone more than the environment's permissions boundary allows must be denied, and every
 * change a deploy of the jobs stack makes must be allowed.
 */

const githubConfig: EnvironmentConfig = {
  ...prod,
  release: undefined,
  githubActions: {
    repository: "example-org/sales-report",
    branch: "main",
    imageRepository: "sales-report",
  },
};

interface DeployRole {
  readonly config: EnvironmentConfig;
  readonly roleName: string;
}

const deployRoles: DeployRole[] = [
  { config: dev, roleName: "dev-release-codebuild" },
  { config: prod, roleName: "prod-release-codebuild" },
  { config: githubConfig, roleName: "prod-github-deploy" },
];

describe.each(deployRoles)("the deploy role $roleName", ({ config, roleName }) => {
  const env = config.name;
  const account = config.accountId;
  const iam = (resource: string) => `arn:aws:iam::${account}:${resource}`;
  const region = config.region;
  const boundary = permissionsBoundaryArn("aws", account, env);
  const { tf } = synthRelease(config);
  const principal = {
    arn: iam(`role${RELEASE_IAM_PATH}${roleName}`),
    policies: rolePolicies(tf, roleName),
  };
  const ask = (request: SimulatedRequest): Promise<Decision> => decide(principal, request);
  const underBoundary = { "iam:PermissionsBoundary": boundary };
  const otherBoundary = { "iam:PermissionsBoundary": iam("policy/other-boundary") };
  const releaseRoles = [
    iam(`role${RELEASE_IAM_PATH}${env}-release-codebuild`),
    iam(`role${RELEASE_IAM_PATH}${env}-release-codepipeline`),
    iam(`role${RELEASE_IAM_PATH}${env}-github-deploy`),
  ];

  describe("cannot escalate", () => {
    it.each<[string, SimulatedRequest]>([
      [
        "create a role without the boundary",
        { action: "iam:CreateRole", resource: iam(`role/${env}-admin`) },
      ],
      [
        "create a role with another boundary",
        { action: "iam:CreateRole", resource: iam(`role/${env}-admin`), context: otherBoundary },
      ],
      [
        "create a role outside the environment's names",
        { action: "iam:CreateRole", resource: iam("role/admin"), context: underBoundary },
      ],
      [
        "create a role at the release's path",
        {
          action: "iam:CreateRole",
          resource: iam(`role${RELEASE_IAM_PATH}${env}-admin`),
          context: underBoundary,
        },
      ],
      [
        "attach AdministratorAccess to a role under the boundary",
        {
          action: "iam:AttachRolePolicy",
          resource: iam(`role/${env}-job-execution`),
          context: {
            ...underBoundary,
            "iam:PolicyARN": "arn:aws:iam::aws:policy/AdministratorAccess",
          },
        },
      ],
      [
        "attach its own policy to a role without the boundary",
        {
          action: "iam:AttachRolePolicy",
          resource: iam(`role/${env}-job-execution`),
          context: { "iam:PolicyARN": iam(`policy/${env}-job-execution`) },
        },
      ],
      [
        "put an inline policy on a role",
        {
          action: "iam:PutRolePolicy",
          resource: iam(`role/${env}-job-execution`),
          context: underBoundary,
        },
      ],
      [
        "remove a role's boundary",
        { action: "iam:DeleteRolePermissionsBoundary", resource: iam(`role/${env}-job-execution`) },
      ],
      [
        "give a role another boundary",
        {
          action: "iam:PutRolePermissionsBoundary",
          resource: iam(`role/${env}-job-execution`),
          context: otherBoundary,
        },
      ],
      ["rewrite the boundary", { action: "iam:CreatePolicyVersion", resource: boundary }],
      [
        "switch the boundary to an older version",
        { action: "iam:SetDefaultPolicyVersion", resource: boundary },
      ],
      ["delete the boundary", { action: "iam:DeletePolicy", resource: boundary }],
      [
        "rewrite its own deploy policy",
        {
          action: "iam:CreatePolicyVersion",
          resource: iam(`policy${RELEASE_IAM_PATH}${env}-release-deploy`),
        },
      ],
      [
        "rewrite a policy outside the environment's names",
        { action: "iam:CreatePolicyVersion", resource: iam("policy/platform-admin") },
      ],
      [
        "create a user or access keys",
        { action: "iam:CreateAccessKey", resource: iam("user/someone") },
      ],
      [
        "pass a job role to EC2",
        {
          action: "iam:PassRole",
          resource: iam(`role/${env}-job-execution`),
          context: { "iam:PassedToService": "ec2.amazonaws.com" },
        },
      ],
      [
        "pass another team's role to ECS tasks",
        {
          action: "iam:PassRole",
          resource: iam("role/platform-admin"),
          context: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        },
      ],
      [
        "let someone else assume a role of another environment",
        { action: "iam:UpdateAssumeRolePolicy", resource: iam("role/other-job-execution") },
      ],
      [
        "create an OIDC provider",
        { action: "iam:CreateOpenIDConnectProvider", resource: iam("oidc-provider/example.com") },
      ],
    ])("%s: denied", async (_, request) => {
      expect(await ask(request)).not.toBe("Allowed");
    });

    it.each(releaseRoles)("cannot change or pass the release's role %s", async (role) => {
      for (const action of [
        "iam:UpdateAssumeRolePolicy",
        "iam:AttachRolePolicy",
        "iam:DetachRolePolicy",
        "iam:PutRolePolicy",
        "iam:DeleteRolePermissionsBoundary",
        "iam:DeleteRole",
        "iam:TagRole",
      ]) {
        expect([action, await ask({ action, resource: role, context: underBoundary })]).toEqual([
          action,
          "ExplicitlyDenied",
        ]);
      }
      for (const service of ["codebuild.amazonaws.com", "ecs-tasks.amazonaws.com"]) {
        expect(
          await ask({
            action: "iam:PassRole",
            resource: role,
            context: { "iam:PassedToService": service },
          }),
        ).not.toBe("Allowed");
      }
    });

    it("cannot change the release's key, alias, build logs, pipeline, build project, bucket or repositories", async () => {
      const releaseKey = {
        resource: `arn:aws:kms:${region}:${account}:key/1234abcd-12ab-34cd-56ef-1234567890ab`,
        // The release stack tags all it makes, its key too.
        context: { "aws:ResourceTag/EcsBatchRelease": env },
      };
      for (const action of [
        "kms:PutKeyPolicy",
        "kms:ScheduleKeyDeletion",
        "kms:DisableKey",
        "kms:UntagResource",
        "kms:TagResource",
      ]) {
        expect([action, await ask({ action, ...releaseKey })]).toEqual([
          action,
          "ExplicitlyDenied",
        ]);
      }
      const denied: SimulatedRequest[] = [
        {
          action: "kms:DeleteAlias",
          resource: `arn:aws:kms:${region}:${account}:alias/${env}-release`,
        },
        {
          action: "logs:DeleteLogGroup",
          resource: `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/${env}-release`,
        },
        {
          action: "logs:PutRetentionPolicy",
          resource: `arn:aws:logs:${region}:${account}:log-group:/aws/codebuild/${env}-release`,
        },
        {
          action: "codepipeline:UpdatePipeline",
          resource: `arn:aws:codepipeline:${region}:${account}:${env}-release`,
        },
        {
          action: "codebuild:UpdateProject",
          resource: `arn:aws:codebuild:${region}:${account}:project/${env}-release`,
        },
        { action: "s3:PutBucketPolicy", resource: `arn:aws:s3:::${env}-release-artifacts` },
        {
          action: "ecr:SetRepositoryPolicy",
          resource: `arn:aws:ecr:${region}:${account}:repository/sales-report`,
        },
        {
          action: "ecr:DeleteRepository",
          resource: `arn:aws:ecr:${region}:${account}:repository/sales-report`,
        },
      ];
      for (const request of denied) {
        expect([request.action, await ask(request)]).not.toEqual([request.action, "Allowed"]);
      }
    });
  });

  describe("can deploy the jobs stack", () => {
    it.each<[string, SimulatedRequest]>([
      [
        "create a role under the boundary",
        {
          action: "iam:CreateRole",
          resource: iam(`role/${env}-job-execution`),
          context: underBoundary,
        },
      ],
      [
        "attach the environment's policy to it",
        {
          action: "iam:AttachRolePolicy",
          resource: iam(`role/${env}-job-execution`),
          context: { ...underBoundary, "iam:PolicyARN": iam(`policy/${env}-job-execution`) },
        },
      ],
      [
        "update a policy of the environment",
        { action: "iam:CreatePolicyVersion", resource: iam(`policy/${env}-job-execution`) },
      ],
      [
        "change a role's trust",
        { action: "iam:UpdateAssumeRolePolicy", resource: iam(`role/${env}-job-events`) },
      ],
      ["delete a role", { action: "iam:DeleteRole", resource: iam(`role/${env}-job-events`) }],
      ...["ecs-tasks", "events", "scheduler", "states"].map(
        (service): [string, SimulatedRequest] => [
          `pass a role to ${service}`,
          {
            action: "iam:PassRole",
            resource: iam(`role/${env}-job-execution`),
            context: { "iam:PassedToService": `${service}.amazonaws.com` },
          },
        ],
      ),
    ])("%s: allowed", async (_, request) => {
      expect(await ask(request)).toBe("Allowed");
    });
  });
});
