import { parse } from "yaml";
import { dev } from "../../environments/dev";
import {
  COMMIT_HASH_TAG,
  EnvironmentConfig,
  JobConfig,
  JobFromContainerConfig,
} from "../../environments/environment-config";
import { IMAGE_TAG_VARIABLE } from "../../environments/environment-stack";
import { prod } from "../../environments/prod";
import { DEFAULT_RELEASE_BRANCHES } from "../../environments/release-rules";
import { stg } from "../../environments/stg";
import { Buildspec } from "../../modules/release-pipeline/buildspec";
import { ParsedStatement, statementsOf } from "../synth";
import {
  Block,
  FoundResource,
  TerraformJson,
  containerDefinitions,
  ref,
  resourceWhere,
  resources,
  rolePolicies,
  synthEnvironment,
  synthRelease,
} from "./synth-environment";

/** The partition as the stack's policies write it: a reference to the provider's partition. */
const PARTITION = "${data.aws_partition.ProviderPartition.partition}";
/** What reads, writes or deletes an S3 object. */
const S3_OBJECT_ACTIONS = [
  "s3:GetObject",
  "s3:GetObjectVersion",
  "s3:PutObject",
  "s3:DeleteObject",
  "s3:DeleteObjectVersion",
];
/** What writes an image into an ECR repository. */
const ECR_PUSH_ACTIONS = [
  "ecr:InitiateLayerUpload",
  "ecr:UploadLayerPart",
  "ecr:CompleteLayerUpload",
  "ecr:PutImage",
];

/** The terraform JSON's variable blocks, which synth-environment's type leaves out. */
function variablesOf(tf: TerraformJson): Record<string, Block> {
  return (tf as unknown as { variable?: Record<string, Block> }).variable ?? {};
}

/** The state object the S3 backend keeps: its bucket, the object's and the lock's ARN. */
function stateOf(tf: TerraformJson) {
  const { bucket, key } = tf.terraform.backend.s3 as { bucket: string; key: string };
  const bucketArn = `arn:${PARTITION}:s3:::${bucket}`;
  return { bucketArn, stateArn: `${bucketArn}/${key}`, lockArn: `${bucketArn}/${key}.tflock` };
}

/** Whether an IAM pattern (`*` and `?` wildcards) matches a value. */
function iamMatches(pattern: string, value: string, ignoreCase: boolean): boolean {
  const source = [...pattern]
    .map((c) => (c === "*" ? ".*" : c === "?" ? "." : c.replace(/[.+^${}()|[\]\\]/g, "\\$&")))
    .join("");
  return new RegExp(`^${source}$`, ignoreCase ? "i" : "").test(value);
}

/** Every statement of every policy attached to the role named `roleName`. */
function roleStatements(tf: TerraformJson, roleName: string): ParsedStatement[] {
  return rolePolicies(tf, roleName).flatMap((policy) => statementsOf(policy));
}

/**
 * What the statements allow of `actions`, as sorted "action resource" pairs: an action counts
 * when an Allow statement's action pattern matches it (so `s3:*` or `*` would show up).
 */
function grants(statements: readonly ParsedStatement[], actions: readonly string[]): string[] {
  return statements
    .filter((statement) => statement.Effect === "Allow")
    .flatMap((statement) =>
      actions
        .filter((action) => statement.Action.some((pattern) => iamMatches(pattern, action, true)))
        .flatMap((action) => statement.Resource.map((resource) => `${action} ${resource}`)),
    )
    .sort();
}

/** What a role may do to the state of its own environment: the object, its lock, nothing else. */
function stateObjectGrants(tf: TerraformJson): string[] {
  const { stateArn, lockArn } = stateOf(tf);
  return [
    `s3:GetObject ${stateArn}`,
    `s3:PutObject ${stateArn}`,
    `s3:GetObject ${lockArn}`,
    `s3:PutObject ${lockArn}`,
    `s3:DeleteObject ${lockArn}`,
  ];
}

/** The jobs of a config that run the image of the deploy from `repository`. */
function deployedTagJobs(config: EnvironmentConfig, repository: string): JobConfig[] {
  return config.jobs.filter((job) => job.image?.repository === repository && !job.image.tag);
}

/** dev's release, for configs that vary one field of it. */
const devRelease = dev.release!;

describe.each([
  { config: dev, branch: "dev", job: "build-sales-report" },
  { config: prod, branch: "main", job: "sales-report" },
])("the release of $config.name", ({ config, branch, job }) => {
  const env = config.name;
  const release = config.release!;
  /** The release stack, where the pipeline, its roles and the image repository are. */
  let tf: TerraformJson;
  /** The jobs stack, which the release deploys. */
  let jobs: TerraformJson;
  let pipeline: FoundResource;
  let project: FoundResource;
  let repository: FoundResource;
  let buildspec: Buildspec;
  beforeAll(() => {
    tf = synthRelease(config).tf;
    jobs = synthEnvironment(config).tf;
    pipeline = resourceWhere(tf, "aws_codepipeline", { name: `${env}-release` });
    project = resourceWhere(tf, "aws_codebuild_project", { name: `${env}-release` });
    repository = resourceWhere(tf, "aws_ecr_repository", { name: "sales-report" });
    const source = project.block.source as Block;
    expect(typeof source.buildspec).toBe("string");
    buildspec = parse(source.buildspec as string) as Buildspec;
  });

  it(`releases the image repository sales-report from example-org/sales-report@${branch}`, () => {
    expect(release).toMatchObject({
      repository: "example-org/sales-report",
      imageRepository: "sales-report",
    });
    expect(release.branch ?? DEFAULT_RELEASE_BRANCHES[env]).toBe(branch);
    expect(resources(tf, "aws_codepipeline")).toHaveLength(1);
    expect(resources(tf, "aws_codebuild_project")).toHaveLength(1);
  });

  it(`takes each push to ${branch} through the connection, as a commit the build clones`, () => {
    const stages = pipeline.block.stage as Block[];
    expect(stages.map((stage) => stage.name)).toEqual(["Source", "Release"]);
    const [source] = stages[0].action as Block[];
    expect(source).toMatchObject({
      name: "Source",
      category: "Source",
      provider: "CodeStarSourceConnection",
      output_artifacts: ["source"],
    });
    expect(source.configuration).toEqual({
      BranchName: branch,
      ConnectionArn: release.connectionArn,
      FullRepositoryId: release.repository,
      OutputArtifactFormat: "CODEBUILD_CLONE_REF",
    });
    expect(pipeline.block.trigger).toEqual([
      {
        provider_type: "CodeStarSourceConnection",
        git_configuration: {
          source_action_name: "Source",
          push: [{ branches: { includes: [branch] } }],
        },
      },
    ]);
  });

  it(`builds, pushes and deploys in the CodeBuild project ${env}-release`, () => {
    const [build] = (pipeline.block.stage as Block[])[1].action as Block[];
    expect(build).toMatchObject({
      category: "Build",
      provider: "CodeBuild",
      input_artifacts: ["source"],
      configuration: { ProjectName: ref("aws_codebuild_project", project.id, "name") },
    });
    const buildRole = resourceWhere(tf, "aws_iam_role", { name: `${env}-release-codebuild` });
    expect(project.block.service_role).toBe(ref("aws_iam_role", buildRole.id, "arn"));
    expect((project.block.environment as Block).environment_variable).toEqual([
      {
        name: "IMAGE_REPOSITORY_URL",
        value: ref("aws_ecr_repository", repository.id, "repository_url"),
        type: "PLAINTEXT",
      },
      {
        name: "IMAGE_REPOSITORY_NAME",
        value: ref("aws_ecr_repository", repository.id, "name"),
        type: "PLAINTEXT",
      },
    ]);
  });

  it(`outputs the pipeline's name as release-pipeline-name`, () => {
    expect(tf.output?.["release-pipeline-name"]).toEqual({
      value: ref("aws_codepipeline", pipeline.id, "name"),
      description: `CodePipeline that releases branch ${branch} to ${env}`,
    });
  });

  describe("the buildspec", () => {
    const commands = (phase: keyof Buildspec["phases"]) => buildspec.phases[phase].commands;

    it("aborts on the first failed command of every phase", () => {
      expect(buildspec.version).toBe(0.2);
      expect(Object.keys(buildspec.phases)).toEqual([
        "install",
        "pre_build",
        "build",
        "post_build",
      ]);
      for (const phase of Object.values(buildspec.phases)) {
        expect(phase["on-failure"]).toBe("ABORT");
      }
    });

    it("tags the image with the commit's first 7 characters, checked like image_tag", () => {
      expect(commands("pre_build")).toContain(
        'TAG=$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-7)',
      );
      expect(commands("pre_build")).toContainEqual(
        expect.stringContaining(`echo "$TAG" | grep -Eq '${COMMIT_HASH_TAG.source}'`),
      );
      expect(commands("post_build")).toContain(
        'if [ "$IMAGE_PUSHED" = no ]; then docker push "$IMAGE_REPOSITORY_URL:$TAG"; fi',
      );
    });

    it(`deploys ${env}, once, with --var image_tag=$TAG, after the push`, () => {
      const deploys = Object.values(buildspec.phases)
        .flatMap((phase) => phase.commands)
        .filter((command) => command.includes("cdktf deploy"));
      expect(deploys).toEqual([
        `npx cdktf deploy ${env} --auto-approve --var ${IMAGE_TAG_VARIABLE}=$TAG`,
      ]);
      const post = commands("post_build");
      expect(post.indexOf(deploys[0])).toBeGreaterThan(
        post.findIndex((command) => command.includes("docker push")),
      );
    });
  });

  describe("the build role", () => {
    let statements: ParsedStatement[];
    beforeAll(() => {
      statements = roleStatements(tf, `${env}-release-codebuild`);
    });

    it(`may read and write exactly the jobs stack's state ecs-scheduled-batch/${env}.tfstate and its lock`, () => {
      const { bucketArn } = stateOf(jobs);
      expect(jobs.terraform.backend.s3).toMatchObject({
        bucket: config.backend.s3!.bucket,
        key: `ecs-scheduled-batch/${env}.tfstate`,
      });
      // Not the release stack's own state: a release never applies it.
      expect(tf.terraform.backend.s3).toMatchObject({
        key: `ecs-scheduled-batch/${env}-release.tfstate`,
      });
      const artifacts = resourceWhere(tf, "aws_s3_bucket", { bucket_prefix: `${env}-release-` });
      const artifactObjects = `${ref("aws_s3_bucket", artifacts.id, "arn")}/*`;
      expect(grants(statements, S3_OBJECT_ACTIONS)).toEqual(
        [
          ...stateObjectGrants(jobs),
          `s3:GetObject ${artifactObjects}`,
          `s3:GetObjectVersion ${artifactObjects}`,
          `s3:PutObject ${artifactObjects}`,
        ].sort(),
      );
      expect(grants(statements, ["s3:ListBucket"])).toContain(`s3:ListBucket ${bucketArn}`);
    });

    it("may push to the sales-report repository only", () => {
      const arn = ref("aws_ecr_repository", repository.id, "arn");
      expect(grants(statements, ECR_PUSH_ACTIONS)).toEqual(
        ECR_PUSH_ACTIONS.map((action) => `${action} ${arn}`).sort(),
      );
    });
  });

  describe(`the image tag, from the deploy to job ${job}`, () => {
    let taskDefinition: FoundResource;
    beforeAll(() => {
      taskDefinition = resourceWhere(jobs, "aws_ecs_task_definition", { family: job });
    });

    it(`is the variable image_tag, which only takes a short commit hash`, () => {
      expect(deployedTagJobs(config, release.imageRepository).map((j) => j.jobName)).toEqual([job]);
      expect(variablesOf(jobs)[IMAGE_TAG_VARIABLE]).toMatchObject({
        type: "string",
        nullable: false,
        validation: [
          {
            condition: `\${can(regex("${COMMIT_HASH_TAG.source}", var.${IMAGE_TAG_VARIABLE}))}`,
            error_message: expect.stringContaining("first 7 characters of a commit hash"),
          },
        ],
      });
      expect(variablesOf(jobs)[IMAGE_TAG_VARIABLE]).not.toHaveProperty("default");
    });

    it("runs <repository URL>:${var.image_tag} in the job's container", () => {
      const [container] = containerDefinitions(taskDefinition.block);
      expect(container).toMatchObject({
        name: job,
        image: `\${data.aws_ecr_repository.Image-sales-report.repository_url}:\${var.${IMAGE_TAG_VARIABLE}}`,
      });
    });

    it(`gives the runner, through /ecs-batch/${env}/${job}, the task definition of that image`, () => {
      const parameter = resourceWhere(jobs, "aws_ssm_parameter", {
        name: `/ecs-batch/${env}/${job}`,
      });
      const spec = JSON.parse(parameter.block.value as string);
      expect(spec).toMatchObject({
        job,
        taskDefinitionFamily: job,
        taskDefinitionArn: ref("aws_ecs_task_definition", taskDefinition.id, "arn"),
        containerName: job,
      });
    });

    it("may be pulled by the job's execution role, through its own policy", () => {
      const role = resourceWhere(jobs, "aws_iam_role", { name: `${env}-${job}-execution` });
      expect(taskDefinition.block.execution_role_arn).toBe(ref("aws_iam_role", role.id, "arn"));
      const pulls = grants(
        statementsOf(
          resourceWhere(jobs, "aws_iam_policy", { name: `${env}-${job}-execution` }).block.policy,
        ),
        ["ecr:BatchGetImage"],
      );
      expect(pulls).toEqual([
        "ecr:BatchGetImage ${data.aws_ecr_repository.Image-sales-report.arn}",
      ]);
      expect(resources(tf, "aws_ecr_repository_policy")).toEqual([]);
    });
  });
});

describe("the release branch", () => {
  const branchOf = (config: EnvironmentConfig) => {
    const { tf } = synthRelease(config);
    const stage = (resources(tf, "aws_codepipeline")[0].stage as Block[])[0];
    return ((stage.action as Block[])[0].configuration as Block).BranchName;
  };
  const withRelease = (config: EnvironmentConfig, branch?: string): EnvironmentConfig => ({
    ...config,
    images: { "sales-report": {} },
    release: {
      ...devRelease,
      connectionArn: devRelease.connectionArn.replace(dev.accountId, config.accountId),
      branch,
    },
  });

  it("is develop for stg and main for prod unless the release names one", () => {
    expect(DEFAULT_RELEASE_BRANCHES).toEqual({ stg: "develop", prod: "main" });
    expect(branchOf(withRelease(stg))).toBe("develop");
    expect(prod.release?.branch).toBeUndefined();
    expect(branchOf(withRelease(prod, "release/2025"))).toBe("release/2025");
  });

  it("is the one the release names in an environment with no default", () => {
    expect(branchOf({ ...withRelease(dev, "qa"), name: "qa" })).toBe("qa");
  });

  it("deploys with image_tag even when every job pins its tag: the variable is declared", () => {
    const pinned: EnvironmentConfig = {
      ...withRelease(stg),
      jobs: (stg.jobs as JobFromContainerConfig[]).map((j) => ({
        ...j,
        task: { ...j.task, container: { image: "alpine:3.20" } },
      })),
    };
    expect(pinned.jobs.some((j) => j.image !== undefined)).toBe(false);
    const { tf } = synthEnvironment(pinned);
    expect(variablesOf(tf)[IMAGE_TAG_VARIABLE]).toMatchObject({ type: "string" });
  });
});

describe("an environment released by GitHub Actions", () => {
  const githubActions = {
    repository: "example-org/sales-report",
    branch: "main",
    imageRepository: "sales-report",
  };
  const config: EnvironmentConfig = { ...prod, release: undefined, githubActions };
  let tf: TerraformJson;
  let role: FoundResource;
  beforeAll(() => {
    tf = synthRelease(config).tf;
    role = resourceWhere(tf, "aws_iam_role", { name: "prod-github-deploy" });
  });

  it("has the role prod-github-deploy, and no pipeline", () => {
    expect(role.block).toMatchObject({ max_session_duration: 3600 });
    expect(resources(tf, "aws_codepipeline")).toEqual([]);
    expect(resources(tf, "aws_codebuild_project")).toEqual([]);
  });

  it("lets only workflow runs of example-org/sales-report@main assume it, through GitHub's OIDC provider", () => {
    const provider = resourceWhere(tf, "aws_iam_openid_connect_provider", {
      url: "https://token.actions.githubusercontent.com",
    });
    expect(JSON.parse(role.block.assume_role_policy as string).Statement).toEqual([
      {
        Effect: "Allow",
        Principal: { Federated: ref("aws_iam_openid_connect_provider", provider.id, "arn") },
        Action: "sts:AssumeRoleWithWebIdentity",
        Condition: {
          StringEquals: {
            "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
            "token.actions.githubusercontent.com:sub":
              "repo:example-org/sales-report:ref:refs/heads/main",
          },
        },
      },
    ]);
  });

  it("outputs the role's ARN as github-deploy-role-arn, and no pipeline name", () => {
    expect(tf.output?.["github-deploy-role-arn"]).toEqual({
      value: ref("aws_iam_role", role.id, "arn"),
      description: "Role for GitHub Actions of example-org/sales-report@main: role-to-assume",
    });
    expect(tf.output).not.toHaveProperty("release-pipeline-name");
  });

  it("may read and write exactly prod's state object and push to sales-report only", () => {
    const statements = roleStatements(tf, "prod-github-deploy");
    const repository = resourceWhere(tf, "aws_ecr_repository", { name: "sales-report" });
    const arn = ref("aws_ecr_repository", repository.id, "arn");
    expect(grants(statements, S3_OBJECT_ACTIONS)).toEqual(
      stateObjectGrants(synthEnvironment(config).tf).sort(),
    );
    expect(grants(statements, ECR_PUSH_ACTIONS)).toEqual(
      ECR_PUSH_ACTIONS.map((action) => `${action} ${arn}`).sort(),
    );
  });

  it("trusts the account's existing provider when given one, and makes none", () => {
    const existing = "arn:aws:iam::333333333333:oidc-provider/token.actions.githubusercontent.com";
    const { tf: withExisting } = synthRelease({
      ...config,
      githubActions: { ...githubActions, existingProviderArn: existing },
    });
    expect(resources(withExisting, "aws_iam_openid_connect_provider")).toEqual([]);
    const trust = resourceWhere(withExisting, "aws_iam_role", { name: "prod-github-deploy" }).block
      .assume_role_policy as string;
    expect(JSON.parse(trust).Statement[0].Principal).toEqual({ Federated: existing });
  });
});
