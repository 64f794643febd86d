import { stackDeployStatements } from "../../../modules/release-pipeline/deploy-statements";
import { TerraformVariable } from "cdktf";
import { parse } from "yaml";
import { ReleasePipeline, ReleasePipelineProps } from "../../../modules/release-pipeline";
import {
  emptyStack,
  onlyResource,
  ParsedStatement,
  ref,
  resourceAt,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";

const CONNECTION =
  "arn:aws:codestar-connections:ap-northeast-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789";
const IMAGES = {
  repositoryName: "batch-jobs",
  repositoryArn: "arn:aws:ecr:ap-northeast-1:123456789012:repository/batch-jobs",
  repositoryUrl: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/batch-jobs",
};
const PROPS: ReleasePipelineProps = {
  environment: "prod",
  connectionArn: CONNECTION,
  repository: "example-org/batch-jobs",
  branch: "main",
  imageRepository: IMAGES,
  stateBucket: "example-tfstate-prod",
  stateKey: "ecs-scheduled-batch/prod.tfstate",
};
const PARTITION = "${data.aws_partition.ProviderPartition.partition}";
const ACCOUNT = "${data.aws_caller_identity.ProviderAccount.account_id}";
const REGION = "${data.aws_region.ScheduledJobProviderRegion.region}";
const STATE = `arn:${PARTITION}:s3:::example-tfstate-prod`;

function pipelineJson(props: Partial<ReleasePipelineProps> = {}): TerraformJson {
  return synthesize((scope) => new ReleasePipeline(scope, "release", { ...PROPS, ...props })).json;
}

/** The policy statements of the role at `path`, by the policy IamRole attaches. */
function roleStatements(json: TerraformJson, path: string): ParsedStatement[] {
  return statementsOf(resourceAt(json, "aws_iam_policy", `${path}/Policy`).policy);
}

function trustOf(json: TerraformJson, path: string): Record<string, unknown> {
  return JSON.parse(resourceAt(json, "aws_iam_role", path).assume_role_policy as string)
    .Statement[0];
}

describe("ReleasePipeline", () => {
  describe("given a repository, branch, image repository and state", () => {
    const { json } = synthesize((scope) => new ReleasePipeline(scope, "release", PROPS));
    const pipeline = onlyResource(json, "aws_codepipeline");
    const project = onlyResource(json, "aws_codebuild_project");

    it("creates the pipeline, build, roles, artifact bucket, key and log group", () => {
      expect(Object.keys(json.resource ?? {}).sort()).toEqual([
        "aws_cloudwatch_log_group",
        "aws_codebuild_project",
        "aws_codepipeline",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_kms_alias",
        "aws_kms_key",
        "aws_s3_bucket",
        "aws_s3_bucket_lifecycle_configuration",
        "aws_s3_bucket_ownership_controls",
        "aws_s3_bucket_policy",
        "aws_s3_bucket_public_access_block",
        "aws_s3_bucket_server_side_encryption_configuration",
        "aws_s3_bucket_versioning",
      ]);
      expect(Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name)).toEqual([
        "prod-release-codebuild",
        "prod-release-codepipeline",
      ]);
    });

    it("creates a V2 pipeline named after the environment, storing encrypted artifacts", () => {
      expect(pipeline).toMatchObject({
        name: "prod-release",
        pipeline_type: "V2",
        execution_mode: "SUPERSEDED",
      });
      expect(pipeline.role_arn).toMatch(ref("aws_iam_role", "release/PipelineRole", "arn"));
      expect(pipeline.artifact_store).toEqual([
        {
          type: "S3",
          location: expect.stringMatching(ref("aws_s3_bucket", "release/Artifacts", "bucket")),
          encryption_key: {
            type: "KMS",
            id: expect.stringMatching(ref("aws_kms_key", "release/Artifacts/Key", "arn")),
          },
        },
      ]);
    });

    it("takes the branch's commits through the connection, as a reference the build clones", () => {
      const [source, release] = pipeline.stage as Record<string, unknown>[];
      expect(source).toEqual({
        name: "Source",
        action: [
          {
            name: "Source",
            category: "Source",
            owner: "AWS",
            provider: "CodeStarSourceConnection",
            version: "1",
            output_artifacts: ["source"],
            configuration: {
              ConnectionArn: CONNECTION,
              FullRepositoryId: "example-org/batch-jobs",
              BranchName: "main",
              OutputArtifactFormat: "CODEBUILD_CLONE_REF",
            },
          },
        ],
      });
      expect(release).toEqual({
        name: "Release",
        action: [
          {
            name: "BuildPushDeploy",
            category: "Build",
            owner: "AWS",
            provider: "CodeBuild",
            version: "1",
            input_artifacts: ["source"],
            configuration: {
              ProjectName: expect.stringMatching(
                ref("aws_codebuild_project", "release/Project", "name"),
              ),
            },
          },
        ],
      });
      expect(pipeline.stage).toHaveLength(2);
    });

    it("starts on a push to the branch only", () => {
      expect(pipeline.trigger).toEqual([
        {
          provider_type: "CodeStarSourceConnection",
          git_configuration: {
            source_action_name: "Source",
            push: [{ branches: { includes: ["main"] } }],
          },
        },
      ]);
    });

    it("is created after its roles have their permissions, since it starts at once", () => {
      expect(pipeline.depends_on).toEqual([
        expect.stringMatching(
          /^aws_iam_role_policy_attachment\.release_BuildRole_PolicyAttachment_/,
        ),
        expect.stringMatching(/^aws_iam_role_policy_attachment\.release_DeployPolicy_Attachment_/),
        expect.stringMatching(/^aws_iam_role_policy_attachment\.release_DeployPolicy_Attachment2_/),
        expect.stringMatching(
          /^aws_iam_role_policy_attachment\.release_PipelineRole_PolicyAttachment_/,
        ),
      ]);
    });

    it("builds in a privileged standard 7.0 Linux container of medium size", () => {
      expect(project).toMatchObject({
        name: "prod-release",
        build_timeout: 60,
        artifacts: { type: "CODEPIPELINE" },
        source: { type: "CODEPIPELINE" },
      });
      expect(project.service_role).toMatch(ref("aws_iam_role", "release/BuildRole", "arn"));
      expect(project.encryption_key).toMatch(ref("aws_kms_key", "release/Artifacts/Key", "arn"));
      expect(project.environment).toEqual({
        type: "LINUX_CONTAINER",
        compute_type: "BUILD_GENERAL1_MEDIUM",
        image: "aws/codebuild/standard:7.0",
        image_pull_credentials_type: "CODEBUILD",
        privileged_mode: true,
        environment_variable: [
          { name: "IMAGE_REPOSITORY_URL", value: IMAGES.repositoryUrl, type: "PLAINTEXT" },
          { name: "IMAGE_REPOSITORY_NAME", value: "batch-jobs", type: "PLAINTEXT" },
        ],
      });
    });

    it("writes build logs to its log group, kept a year", () => {
      expect(project.logs_config).toEqual({
        cloudwatch_logs: {
          status: "ENABLED",
          group_name: expect.stringMatching(
            ref("aws_cloudwatch_log_group", "release/LogGroup", "name"),
          ),
        },
        s3_logs: { status: "DISABLED" },
      });
      expect(onlyResource(json, "aws_cloudwatch_log_group")).toMatchObject({
        name: "/aws/codebuild/prod-release",
        retention_in_days: 365,
      });
    });

    describe("the buildspec, parsed from the project's YAML", () => {
      const buildspec = parse((project.source as { buildspec: string }).buildspec);
      const commands: string[] = [
        ...buildspec.phases.install.commands,
        ...buildspec.phases.pre_build.commands,
        ...buildspec.phases.build.commands,
        ...buildspec.phases.post_build.commands,
      ];
      const at = (pattern: RegExp) => commands.findIndex((c) => pattern.test(c));

      it("installs Node 20, Terraform and the packages first", () => {
        expect(buildspec.phases.install["runtime-versions"]).toEqual({ nodejs: 20 });
        expect(at(/sha256sum -c -$/)).toBeLessThan(at(/^npm ci/));
      });

      it("tags from CODEBUILD_RESOLVED_SOURCE_VERSION cut to 7, checks it, then logs in", () => {
        const tag = at(/^TAG=\$\(echo "\$CODEBUILD_RESOLVED_SOURCE_VERSION" \| cut -c1-7\)$/);
        const check = at(/grep -Eq '\^\[0-9a-f\]\{7\}\$'/);
        const login = at(/^aws ecr get-login-password \| docker login --username AWS/);
        expect(tag).toBeGreaterThan(at(/^npm ci/));
        expect(check).toBe(tag + 1);
        expect(login).toBeGreaterThan(check);
      });

      it("builds and pushes the image with that tag, then deploys with it", () => {
        const build = at(/docker build -t "\$IMAGE_REPOSITORY_URL:\$TAG" -f Dockerfile \./);
        const push = at(/docker push "\$IMAGE_REPOSITORY_URL:\$TAG"/);
        const deploy = commands.indexOf(
          "npx cdktf deploy prod --auto-approve --var image_tag=$TAG",
        );
        expect(build).toBeGreaterThan(at(/docker login/));
        expect(push).toBeGreaterThan(build);
        expect(deploy).toBe(commands.length - 1);
        expect(deploy).toBeGreaterThan(push);
        expect(buildspec.env.variables).toEqual({
          CHECKPOINT_DISABLE: "1",
          CDKTF_DISABLE_TELEMETRY: "1",
        });
      });
    });

    describe("the build role", () => {
      it("may be assumed by CodeBuild for this project of this account only", () => {
        expect(trustOf(json, "release/BuildRole")).toEqual({
          Effect: "Allow",
          Principal: { Service: "codebuild.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: {
            StringEquals: { "aws:SourceAccount": ACCOUNT },
            ArnEquals: {
              "aws:SourceArn": `arn:${PARTITION}:codebuild:${REGION}:${ACCOUNT}:project/prod-release`,
            },
          },
        });
      });

      it("writes logs, clones, reads artifacts, pushes the image and uses the state", () => {
        expect(roleStatements(json, "release/BuildRole")).toEqual([
          {
            Sid: "WriteBuildLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [
              expect.stringMatching(
                ref("aws_cloudwatch_log_group", "release/LogGroup", "arn", ":log-stream:*"),
              ),
            ],
          },
          {
            Sid: "CloneThroughTheConnection",
            Effect: "Allow",
            Action: ["codestar-connections:UseConnection"],
            Resource: [CONNECTION],
          },
          {
            Sid: "ReadAndWriteArtifacts",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            Resource: [
              expect.stringMatching(ref("aws_s3_bucket", "release/Artifacts", "arn", "/*")),
            ],
          },
          {
            Sid: "FindTheArtifactsBucket",
            Effect: "Allow",
            Action: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
            Resource: [expect.stringMatching(ref("aws_s3_bucket", "release/Artifacts", "arn"))],
          },
          {
            Sid: "EncryptAndDecryptArtifacts",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [expect.stringMatching(ref("aws_kms_key", "release/Artifacts/Key", "arn"))],
          },
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
            Resource: [IMAGES.repositoryArn],
          },
          {
            Sid: "FindTheState",
            Effect: "Allow",
            Action: ["s3:ListBucket"],
            Resource: [STATE],
          },
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

      it("has the stack's deploy permissions, split over two policies it is attached to", () => {
        const first = resourceAt(json, "aws_iam_policy", "release/DeployPolicy");
        const second = resourceAt(json, "aws_iam_policy", "release/DeployPolicy/Resource2");
        expect([first.name, second.name]).toEqual(["prod-release-deploy", "prod-release-deploy-2"]);
        const sids = [...statementsOf(first.policy), ...statementsOf(second.policy)].map(
          (s) => s.Sid,
        );
        expect(sids).toEqual(
          stackDeployStatements({
            environment: "prod",
            partition: "aws",
            accountId: "123456789012",
            region: "ap-northeast-1",
          }).map((s) => s.sid),
        );
        for (const attachment of ["Attachment", "Attachment2"]) {
          expect(
            resourceAt(json, "aws_iam_role_policy_attachment", `release/DeployPolicy/${attachment}`)
              .role,
          ).toMatch(ref("aws_iam_role", "release/BuildRole", "name"));
        }
      });
    });

    describe("the pipeline role", () => {
      it("may be assumed by CodePipeline of this account only", () => {
        expect(trustOf(json, "release/PipelineRole")).toEqual({
          Effect: "Allow",
          Principal: { Service: "codepipeline.amazonaws.com" },
          Action: "sts:AssumeRole",
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        });
      });

      it("uses the connection, runs the one build, and reads and writes artifacts", () => {
        const statements = roleStatements(json, "release/PipelineRole");
        expect(statements).toEqual([
          {
            Sid: "TakeCommitsThroughTheConnection",
            Effect: "Allow",
            Action: ["codestar-connections:UseConnection"],
            Resource: [CONNECTION],
          },
          {
            Sid: "RunTheReleaseBuild",
            Effect: "Allow",
            Action: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
            Resource: [
              expect.stringMatching(ref("aws_codebuild_project", "release/Project", "arn")),
            ],
          },
          {
            Sid: "ReadAndWriteArtifacts",
            Effect: "Allow",
            Action: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
            Resource: [
              expect.stringMatching(ref("aws_s3_bucket", "release/Artifacts", "arn", "/*")),
            ],
          },
          {
            Sid: "FindTheArtifactsBucket",
            Effect: "Allow",
            Action: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
            Resource: [expect.stringMatching(ref("aws_s3_bucket", "release/Artifacts", "arn"))],
          },
          {
            Sid: "EncryptAndDecryptArtifacts",
            Effect: "Allow",
            Action: ["kms:Decrypt", "kms:GenerateDataKey"],
            Resource: [expect.stringMatching(ref("aws_kms_key", "release/Artifacts/Key", "arn"))],
          },
        ]);
      });
    });

    it("grants `*` only for actions without resource-level permissions", () => {
      const onEverything = Object.values(resourcesOf(json, "aws_iam_policy"))
        .flatMap((policy) => statementsOf(policy.policy))
        .filter((s) => s.Resource.includes("*"))
        .flatMap((s) => s.Action);
      expect(onEverything.filter((a) => a.startsWith("ecr:"))).toEqual([
        "ecr:GetAuthorizationToken",
      ]);
      expect(onEverything).not.toContain("iam:PassRole");
      expect(onEverything.every((a) => !a.endsWith(":*") && a !== "*")).toBe(true);
    });
  });

  it("uses the compute type, Dockerfile, context, retention and state key given", () => {
    const json = pipelineJson({
      computeType: "BUILD_GENERAL1_LARGE",
      dockerfile: "jobs/Dockerfile",
      buildContext: "jobs",
      logRetentionDays: 90,
      stateKmsKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-1111-2222-3333-4444",
    });
    const project = onlyResource(json, "aws_codebuild_project");
    expect((project.environment as Record<string, unknown>).compute_type).toBe(
      "BUILD_GENERAL1_LARGE",
    );
    expect((project.source as { buildspec: string }).buildspec).toContain(
      "-f jobs/Dockerfile jobs;",
    );
    expect(onlyResource(json, "aws_cloudwatch_log_group").retention_in_days).toBe(90);
    expect(roleStatements(json, "release/BuildRole").map((s) => s.Sid)).toContain(
      "DecryptAndEncryptTheState",
    );
  });

  it("uses the deploy permissions given instead of the stack's", () => {
    const json = pipelineJson({
      deployPermissions: [
        { sid: "Only", actions: ["ecs:RegisterTaskDefinition"], resources: ["*"] },
      ],
    });
    const policy = resourceAt(json, "aws_iam_policy", "release/DeployPolicy");
    expect(statementsOf(policy.policy)).toEqual([
      { Sid: "Only", Effect: "Allow", Action: ["ecs:RegisterTaskDefinition"], Resource: ["*"] },
    ]);
    expect(Object.keys(resourcesOf(json, "aws_iam_policy"))).toHaveLength(3);
  });

  it("accepts the newer codeconnections ARN, a GitLab group id and a nested branch", () => {
    const json = pipelineJson({
      connectionArn: CONNECTION.replace("codestar-connections", "codeconnections"),
      repository: "Example_Group.io/batch.jobs",
      branch: "release/2025-01",
    });
    const source = (onlyResource(json, "aws_codepipeline").stage as { action: unknown[] }[])[0]
      .action[0] as { configuration: Record<string, string> };
    expect(source.configuration).toMatchObject({
      FullRepositoryId: "Example_Group.io/batch.jobs",
      BranchName: "release/2025-01",
    });
  });

  it("does not reject references resolved at apply time", () => {
    const stack = emptyStack();
    const text = (name: string) =>
      new TerraformVariable(stack, name, { type: "string" }).stringValue;
    expect(
      () =>
        new ReleasePipeline(stack, "release", {
          ...PROPS,
          connectionArn: text("connection"),
          imageRepository: {
            repositoryName: text("name"),
            repositoryArn: text("arn"),
            repositoryUrl: text("url"),
          },
          stateBucket: text("bucket"),
        }),
    ).not.toThrow();
  });

  describe("rejects at synth time, naming the construct, field and rule", () => {
    it.each<[string, Partial<ReleasePipelineProps>, RegExp]>([
      [
        "a missing connection ARN",
        { connectionArn: undefined },
        /^test\/release: connectionArn: it is missing$/,
      ],
      [
        "an empty connection ARN",
        { connectionArn: "" },
        /test\/release: connectionArn: it is empty: create a connection/,
      ],
      [
        "a connection ARN of another service",
        { connectionArn: "arn:aws:codecommit:ap-northeast-1:123456789012:connection/abc" },
        /test\/release: connectionArn: 'arn:aws:codecommit:.*' is not a connection ARN/,
      ],
      [
        "a connection ARN without its id",
        { connectionArn: "arn:aws:codestar-connections:ap-northeast-1:123456789012:connection/" },
        /connectionArn: .* is not a connection ARN: write arn:aws:codestar-connections:REGION:ACCOUNT:connection\/ID/,
      ],
      [
        "a repository without its owner",
        { repository: "batch-jobs" },
        /test\/release: repository: 'batch-jobs' is not a repository id: write 'owner\/name'/,
      ],
      [
        "a repository URL",
        { repository: "https://github.com/example-org/batch-jobs" },
        /repository: 'https:\/\/github.com\/example-org\/batch-jobs' is not a repository id/,
      ],
      ["a repository named '..'", { repository: "example-org/.." }, /is not a repository id/],
      ["a missing branch", { branch: undefined }, /test\/release: branch: it is missing/],
      ["an empty branch", { branch: "" }, /test\/release: branch: the branch is empty/],
      [
        "a branch with a space",
        { branch: "my branch" },
        /test\/release: branch: branch 'my branch' contains white space/,
      ],
      [
        "a branch pattern",
        { branch: "release/*" },
        /branch: 'release\/\*' is not a branch name git accepts .*not a pattern/,
      ],
      ["a branch with '..'", { branch: "a..b" }, /branch: 'a..b' is not a branch name git accepts/],
      ["a branch ending in .lock", { branch: "main.lock" }, /is not a branch name git accepts/],
      ["a branch with a control character", { branch: "main\u0007" }, /is not a branch name/],
      ["a branch starting with '-'", { branch: "-f" }, /'-f' is not a branch name git accepts/],
      [
        "a ref instead of a branch",
        { branch: "refs/heads/main" },
        /branch: 'refs\/heads\/main' is a ref: write the branch name alone/,
      ],
      [
        "an environment with capitals",
        { environment: "Prod" },
        /test\/release: environment: 'Prod' is not a release environment name/,
      ],
      ["an environment too long", { environment: "e".repeat(21) }, /is not a release environment/],
      [
        "a Dockerfile outside the repository",
        { dockerfile: "../Dockerfile" },
        /test\/release: dockerfile: '..\/Dockerfile' is not a path inside the repository/,
      ],
      [
        "a build context with a shell character",
        { buildContext: ". && curl evil" },
        /buildContext: '. && curl evil' is not a path inside the repository/,
      ],
      [
        "an absolute Dockerfile path",
        { dockerfile: "/Dockerfile" },
        /dockerfile: '\/Dockerfile' is not a path inside the repository/,
      ],
      [
        "an image repository ARN that is not ECR's",
        { imageRepository: { ...IMAGES, repositoryArn: "batch-jobs" } },
        /imageRepository.repositoryArn: 'batch-jobs' is not an ECR repository ARN/,
      ],
      [
        "an image repository URL with a tag",
        { imageRepository: { ...IMAGES, repositoryUrl: `${IMAGES.repositoryUrl}:latest` } },
        /imageRepository.repositoryUrl: .* is not an ECR repository URL/,
      ],
      [
        "a state bucket with capitals",
        { stateBucket: "Example-State" },
        /test\/release: stateBucket: 'Example-State' is not an S3 bucket name/,
      ],
      [
        "a state key with a leading slash",
        { stateKey: "/prod.tfstate" },
        /test\/release: stateKey: '\/prod.tfstate' is not a state object key/,
      ],
      [
        "a state key that is an alias",
        { stateKmsKeyArn: "alias/state" },
        /stateKmsKeyArn: 'alias\/state' is not a KMS key ARN/,
      ],
      [
        "a Windows compute type",
        { computeType: "BUILD_GENERAL1_WINDOWS" as "BUILD_GENERAL1_SMALL" },
        /computeType: 'BUILD_GENERAL1_WINDOWS' is not a compute type of Linux containers/,
      ],
      [
        "a log retention CloudWatch does not offer",
        { logRetentionDays: 100 },
        /test\/release\/LogGroup: retentionDays: 100 is not a retention CloudWatch Logs accepts/,
      ],
      [
        "a Terraform version without a digest",
        { terraform: { version: "1.12.0", linuxAmd64Sha256: "" } },
        /test\/release: terraform: '' is not a SHA-256 digest/,
      ],
      [
        "empty deploy permissions",
        { deployPermissions: [] },
        /test\/release: deployPermissions: it is empty/,
      ],
    ])("%s", (_, overrides, message) => {
      expect(
        () => new ReleasePipeline(emptyStack(), "release", { ...PROPS, ...overrides }),
      ).toThrow(message);
    });
  });
});

describe("ReleasePipeline's use of the connection", () => {
  const actionsFor = (connectionArn: string) => {
    const { json } = synthesize(
      (scope) => new ReleasePipeline(scope, "release", { ...PROPS, connectionArn }),
    );
    return statementsOf(resourceAt(json, "aws_iam_policy", "release/PipelineRole/Policy").policy)
      .filter((s) => s.Sid === "TakeCommitsThroughTheConnection")
      .flatMap((s) => s.Action);
  };

  it("is the action of the connection ARN's own service prefix: IAM matches no other", () => {
    expect(actionsFor(CONNECTION)).toEqual(["codestar-connections:UseConnection"]);
    expect(
      actionsFor(
        "arn:aws:codeconnections:ap-northeast-1:123456789012:connection/0a1b2c3d-4e5f-6789-abcd-ef0123456789",
      ),
    ).toEqual(["codeconnections:UseConnection"]);
  });
});
