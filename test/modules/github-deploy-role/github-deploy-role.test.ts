import { TerraformVariable } from "cdktf";
import { GithubDeployRole, GithubDeployRoleProps } from "../../../modules/github-deploy-role";
import { stackDeployStatements } from "../../../modules/release-pipeline/deploy-statements";
import {
  emptyStack,
  onlyResource,
  ref,
  resourceAt,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";

const REPOSITORY_ARN = "arn:aws:ecr:ap-northeast-1:123456789012:repository/batch-jobs";
const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
const PROPS: GithubDeployRoleProps = {
  environment: "prod",
  repository: "example-org/batch-jobs",
  branch: "main",
  imageRepository: { repositoryArn: REPOSITORY_ARN },
  stateBucket: "example-tfstate-prod",
  stateKey: "ecs-scheduled-batch/prod.tfstate",
};
const STATE = "arn:${data.aws_partition.ProviderPartition.partition}:s3:::example-tfstate-prod";

function roleJson(props: Partial<GithubDeployRoleProps> = {}): TerraformJson {
  return synthesize((scope) => new GithubDeployRole(scope, "github", { ...PROPS, ...props })).json;
}

function trustOf(json: TerraformJson): Record<string, unknown>[] {
  return JSON.parse(onlyResource(json, "aws_iam_role").assume_role_policy as string).Statement;
}

/** The statements of stackDeployStatements, which do not depend on where they deploy. */
const DEPLOY_SIDS = stackDeployStatements({
  environment: "prod",
  partition: "aws",
  accountId: "123456789012",
  region: "ap-northeast-1",
}).map((s) => s.sid);

describe("GithubDeployRole", () => {
  describe("given a repository, branch, image repository and state", () => {
    const json = roleJson();
    const role = onlyResource(json, "aws_iam_role");

    it("creates GitHub's OIDC provider for the STS audience, without thumbprints", () => {
      const provider = onlyResource(json, "aws_iam_openid_connect_provider");
      expect(provider).toMatchObject({
        url: "https://token.actions.githubusercontent.com",
        client_id_list: ["sts.amazonaws.com"],
      });
      expect(provider).not.toHaveProperty("thumbprint_list");
    });

    it("creates the role `<environment>-github-deploy`, for sessions of at most an hour", () => {
      expect(role).toMatchObject({ name: "prod-github-deploy", max_session_duration: 3600 });
    });

    it("trusts tokens of exactly the one repository and branch, for STS", () => {
      expect(trustOf(json)).toEqual([
        {
          Effect: "Allow",
          Principal: {
            Federated: expect.stringMatching(
              ref("aws_iam_openid_connect_provider", "github/Provider", "arn"),
            ),
          },
          Action: "sts:AssumeRoleWithWebIdentity",
          Condition: {
            StringEquals: {
              "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
              "token.actions.githubusercontent.com:sub":
                "repo:example-org/batch-jobs:ref:refs/heads/main",
            },
          },
        },
      ]);
      expect(role.assume_role_policy).not.toMatch(/StringLike|\*/);
    });

    it("pushes to the one image repository and reads and writes the state", () => {
      const policy = resourceAt(json, "aws_iam_policy", "github/Policy");
      expect(policy.name).toBe("prod-github-deploy");
      expect(statementsOf(policy.policy)).toEqual([
        {
          Sid: "LogInToEcr",
          Effect: "Allow",
          Action: ["ecr:GetAuthorizationToken"],
          Resource: ["*"],
        },
        {
          Sid: "PushTheImage",
          Effect: "Allow",
          Action: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:CompleteLayerUpload",
            "ecr:DescribeImages",
            "ecr:InitiateLayerUpload",
            "ecr:PutImage",
            "ecr:UploadLayerPart",
          ],
          Resource: [REPOSITORY_ARN],
        },
        { Sid: "FindTheState", Effect: "Allow", Action: ["s3:ListBucket"], Resource: [STATE] },
        {
          Sid: "ReadAndWriteTheState",
          Effect: "Allow",
          Action: ["s3:GetObject", "s3:PutObject"],
          Resource: [
            `${STATE}/ecs-scheduled-batch/prod.tfstate`,
            `${STATE}/ecs-scheduled-batch/prod.tfstate.tflock`,
          ],
        },
        {
          Sid: "ReleaseTheStateLock",
          Effect: "Allow",
          Action: ["s3:DeleteObject"],
          Resource: [`${STATE}/ecs-scheduled-batch/prod.tfstate.tflock`],
        },
      ]);
    });

    it("has the same deploy permissions as the pipeline's build, attached to the role", () => {
      const first = resourceAt(json, "aws_iam_policy", "github/DeployPolicy");
      const second = resourceAt(json, "aws_iam_policy", "github/DeployPolicy/Resource2");
      expect([first.name, second.name]).toEqual([
        "prod-github-deploy-stack",
        "prod-github-deploy-stack-2",
      ]);
      const statements = [...statementsOf(first.policy), ...statementsOf(second.policy)];
      expect(statements.map((s) => s.Sid)).toEqual(DEPLOY_SIDS);
      expect(
        statements.find((s) => s.Sid === "DenyChangingTheReleaseAndTheBoundary"),
      ).toMatchObject({
        Effect: "Deny",
        Resource: expect.arrayContaining([
          "arn:${data.aws_partition.ProviderPartition.partition}:iam::${data.aws_caller_identity.ProviderAccount.account_id}:role/ecs-batch-release/*",
        ]),
      });
      const attachments = Object.values(resourcesOf(json, "aws_iam_role_policy_attachment"));
      expect(attachments).toHaveLength(3);
      for (const attachment of attachments) {
        expect(attachment.role).toMatch(ref("aws_iam_role", "github", "name"));
      }
    });

    it("grants `*` only for ECR's login among its own statements", () => {
      const own = statementsOf(resourceAt(json, "aws_iam_policy", "github/Policy").policy);
      expect(own.filter((s) => s.Resource.includes("*")).flatMap((s) => s.Action)).toEqual([
        "ecr:GetAuthorizationToken",
      ]);
    });
  });

  it("trusts the account's existing provider instead of making one", () => {
    const json = roleJson({ existingProviderArn: PROVIDER });
    expect(resourcesOf(json, "aws_iam_openid_connect_provider")).toEqual({});
    expect(trustOf(json)[0].Principal).toEqual({ Federated: PROVIDER });
  });

  it("trusts another branch of another repository, exactly", () => {
    const json = roleJson({ environment: "stg", repository: "Org/Jobs", branch: "develop" });
    const [statement] = trustOf(json) as { Condition: { StringEquals: Record<string, string> } }[];
    expect(statement.Condition.StringEquals["token.actions.githubusercontent.com:sub"]).toBe(
      "repo:Org/Jobs:ref:refs/heads/develop",
    );
    expect(onlyResource(json, "aws_iam_role").name).toBe("stg-github-deploy");
  });

  it("uses the deploy permissions given instead of the stack's", () => {
    const json = roleJson({
      deployPermissions: [
        { sid: "Only", actions: ["ecs:RegisterTaskDefinition"], resources: ["*"] },
      ],
    });
    expect(statementsOf(resourceAt(json, "aws_iam_policy", "github/DeployPolicy").policy)).toEqual([
      { Sid: "Only", Effect: "Allow", Action: ["ecs:RegisterTaskDefinition"], Resource: ["*"] },
    ]);
  });

  it("does not reject references resolved at apply time", () => {
    const stack = emptyStack();
    const text = (name: string) =>
      new TerraformVariable(stack, name, { type: "string" }).stringValue;
    expect(
      () =>
        new GithubDeployRole(stack, "github", {
          ...PROPS,
          imageRepository: { repositoryArn: text("arn") },
          existingProviderArn: text("provider"),
        }),
    ).not.toThrow();
  });

  describe("rejects at synth time, naming the construct, field and rule", () => {
    it.each<[string, Partial<GithubDeployRoleProps>, RegExp]>([
      [
        "a missing repository",
        { repository: undefined },
        /test\/github: repository: it is missing/,
      ],
      [
        "a repository pattern",
        { repository: "example-org/*" },
        /test\/github: repository: 'example-org\/\*' is not a repository id/,
      ],
      ["an empty branch", { branch: "" }, /test\/github: branch: the branch is empty/],
      [
        "a branch with a space",
        { branch: "feature x" },
        /test\/github: branch: branch 'feature x' contains white space/,
      ],
      [
        "a branch pattern",
        { branch: "*" },
        /test\/github: branch: '\*' is not a branch name git accepts/,
      ],
      [
        "an environment with an underscore",
        { environment: "prod_1" },
        /test\/github: environment: 'prod_1' is not a release environment name/,
      ],
      [
        "an existing provider of another host",
        { existingProviderArn: "arn:aws:iam::123456789012:oidc-provider/gitlab.com" },
        /test\/github: existingProviderArn: '.*gitlab.com' is not the ARN of a GitHub Actions OIDC provider/,
      ],
      [
        "an image repository that is not an ECR ARN",
        {
          imageRepository: { repositoryArn: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/x" },
        },
        /imageRepository.repositoryArn: .* is not an ECR repository ARN/,
      ],
      [
        "a state bucket ARN instead of its name",
        { stateBucket: "arn:aws:s3:::example" },
        /test\/github: stateBucket: 'arn:aws:s3:::example' is not an S3 bucket name/,
      ],
      [
        "an empty state key",
        { stateKey: "" },
        /test\/github: stateKey: '' is not a state object key/,
      ],
      [
        "empty deploy permissions",
        { deployPermissions: [] },
        /test\/github: deployPermissions: it is empty/,
      ],
    ])("%s", (_, overrides, message) => {
      expect(
        () => new GithubDeployRole(emptyStack(), "github", { ...PROPS, ...overrides }),
      ).toThrow(message);
    });
  });
});
