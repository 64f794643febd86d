import { dev } from "../../environments/dev";
import {
  COMMIT_HASH_TAG,
  EnvironmentConfig,
  JobConfig,
  JobFromContainerConfig,
} from "../../environments/environment-config";
import { IMAGE_TAG_VARIABLE } from "../../environments/environment-stack";
import { ExistingTaskDefinition } from "../../modules/batch-job/batch-job";
import {
  EnvironmentConfigError,
  validateEnvironmentConfig,
} from "../../environments/environment-validation";
import { statementsOf } from "../synth";
import {
  Block,
  SynthesizedEnvironment,
  TerraformJson,
  containerDefinitions,
  ref,
  resourceWhere,
  resources,
  synthEnvironment,
  synthRelease,
} from "./synth-environment";

/** A job that runs the image of the deploy from the environment's repository `report`. */
const report: JobFromContainerConfig = {
  jobName: "nightly-report",
  schedule: "cron(0 18 * * ? *)",
  image: { repository: "report" },
  task: { container: { command: ["python", "-m", "report"] } },
};

/** A task definition made outside the environment. */
const legacyTask: ExistingTaskDefinition = {
  taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:222222222222:task-definition/legacy:3",
  executionRoleArn: "arn:aws:iam::222222222222:role/legacy-execution",
};

const base: EnvironmentConfig = {
  name: "stg",
  region: "ap-northeast-1",
  accountId: "222222222222",
  network: {
    subnetIds: ["subnet-0123456789abcdef0"],
    securityGroupIds: ["sg-0123456789abcdef0"],
  },
  cluster: { create: { name: "batch-stg" } },
  backend: { s3: { bucket: "state-bucket-222222222222" } },
  images: { report: {}, "batch/export": { keepImages: 10 } },
  jobs: [report],
};

const withJobs = (...jobs: JobConfig[]): EnvironmentConfig => ({ ...base, jobs });

/** dev, whose build-sales-report (its third job) runs this literal tag. */
const withDevReportTag = (tag: string): EnvironmentConfig => ({
  ...dev,
  jobs: dev.jobs.map((job) =>
    job.jobName === "build-sales-report"
      ? { ...(job as JobFromContainerConfig), image: { repository: "sales-report", tag } }
      : job,
  ),
});

/** The terraform JSON's variable blocks, which synth-environment's type leaves out. */
function variablesOf(tf: TerraformJson): Record<string, Block> {
  return (tf as unknown as { variable?: Record<string, Block> }).variable ?? {};
}

/** The one ECR repository of a name: its logical id and block. */
function repository(tf: TerraformJson, name: string) {
  return resourceWhere(tf, "aws_ecr_repository", { name });
}

/** The jobs stack's look-up of the repository of `images` entry `name`: an attribute of it. */
const lookedUp = (name: string, attribute: string) =>
  `\${data.aws_ecr_repository.Image-${name.replace("/", "--")}.${attribute}}`;

/** The container definitions of the task definition of a family. */
function containersOf(tf: TerraformJson, family: string): Block[] {
  return containerDefinitions(resourceWhere(tf, "aws_ecs_task_definition", { family }).block);
}

function errorOf(config: EnvironmentConfig): Error {
  try {
    validateEnvironmentConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    return error as Error;
  }
  throw new Error("the config was accepted");
}

describe("EnvironmentStack images", () => {
  describe("a job on the image of the deploy", () => {
    let env: SynthesizedEnvironment;
    let release: TerraformJson;
    let reportRepository: { id: string; block: Block };
    beforeAll(() => {
      env = synthEnvironment(base);
      release = synthRelease(base).tf;
      reportRepository = repository(release, "report");
    });

    it("makes one repository per entry of images in the release stack, named after it", () => {
      expect(
        resources(release, "aws_ecr_repository")
          .map((r) => r.name)
          .sort(),
      ).toEqual(["batch/export", "report"]);
      expect(reportRepository.id).toMatch(/^Image-report_[0-9A-F]{8}$/);
      expect(reportRepository.block).toMatchObject({
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
        encryption_configuration: [{ encryption_type: "KMS" }],
      });
    });

    it("keeps each repository's keepImages images", () => {
      const kept = resources(release, "aws_ecr_lifecycle_policy").map(
        (p) => JSON.parse(p.policy as string).rules[1].selection.countNumber,
      );
      expect(kept.sort()).toEqual([10, 30]);
    });

    it("looks the repositories up in the jobs stack, which a release may not change", () => {
      expect(resources(env.tf, "aws_ecr_repository")).toEqual([]);
      expect(env.tf.data?.aws_ecr_repository).toEqual({
        "Image-report": { name: "report" },
        "Image-batch--export": { name: "batch/export" },
      });
      expect(Object.keys(env.stack.images).sort()).toEqual(["batch/export", "report"]);
    });

    it("declares image_tag, with no default, a description and the commit hash validation", () => {
      expect(IMAGE_TAG_VARIABLE).toBe("image_tag");
      const variable = variablesOf(env.tf).image_tag;
      expect(variable).toEqual({
        type: "string",
        nullable: false,
        description: expect.stringMatching(
          /first 7 characters of the commit hash.*nightly-report.*cdktf deploy stg --var image_tag=<tag>/,
        ),
        validation: [
          {
            condition: '${can(regex("^[0-9a-f]{7}$", var.image_tag))}',
            error_message: expect.stringMatching(/first 7 characters of a commit hash/),
          },
        ],
      });
      expect(COMMIT_HASH_TAG.source).toBe("^[0-9a-f]{7}$");
    });

    it("runs <repository URL>:${var.image_tag} in the job's container", () => {
      const [container] = containersOf(env.tf, "nightly-report");
      expect(container).toMatchObject({
        name: "nightly-report",
        image: `${lookedUp("report", "repository_url")}:\${var.image_tag}`,
        command: ["python", "-m", "report"],
      });
    });

    it("points the runner's parameter at the task definition that runs the tag", () => {
      const taskDefinition = resourceWhere(env.tf, "aws_ecs_task_definition", {
        family: "nightly-report",
      });
      const parameter = resourceWhere(env.tf, "aws_ssm_parameter", {
        name: "/ecs-batch/stg/nightly-report",
      });
      const spec = JSON.parse(parameter.block.value as string);
      expect(spec.taskDefinitionArn).toBe(ref("aws_ecs_task_definition", taskDefinition.id, "arn"));
      expect(spec.containerName).toBe("nightly-report");
    });

    it("lets the job's execution role pull from that repository only, without a warning", () => {
      const policy = resources(env.tf, "aws_iam_policy").find(
        (p) => p.name === "stg-nightly-report-execution",
      );
      const pull = statementsOf(policy!.policy).find((s) => s.Sid === "PullJobImages");
      expect(pull?.Resource).toEqual([lookedUp("report", "arn")]);
      const warnings = env.stack.jobs[0].node.metadata.filter((m) => m.type === "@cdktf/warn");
      expect(warnings).toEqual([]);
    });

    it("gives the repositories no policy: the jobs' roles pull with their own, in the account", () => {
      expect(resources(release, "aws_ecr_repository_policy")).toEqual([]);
      expect(resources(env.tf, "aws_ecr_repository_policy")).toEqual([]);
    });

    it("outputs each repository's URL from the release stack, to push to", () => {
      expect(release.output?.["image-report-repository-url"]).toEqual({
        value: ref("aws_ecr_repository", reportRepository.id, "repository_url"),
        description: "ECR repository report: push release images here",
      });
      expect(env.tf.output?.["image-report-repository-url"]).toBeUndefined();
    });
  });

  it("runs a literal tag, and declares no image_tag when no job needs it", () => {
    const { tf } = synthEnvironment(
      withJobs({ ...report, image: { repository: "report", tag: "1a2b3c4" } }),
    );
    expect(containersOf(tf, "nightly-report")[0].image).toBe(
      `${lookedUp("report", "repository_url")}:1a2b3c4`,
    );
    expect(variablesOf(tf)).toEqual({});
  });

  it("declares no image_tag for an environment without images", () => {
    const { tf } = synthEnvironment({
      ...base,
      images: undefined,
      jobs: [{ jobName: "plain", task: { container: { image: "alpine:3.20" } } }],
    });
    expect(variablesOf(tf)).toEqual({});
    expect(tf.data?.aws_ecr_repository).toBeUndefined();
  });

  it("leaves out the validation when release tags need not be commit hashes", () => {
    const { tf } = synthEnvironment({ ...base, releaseTags: { requireCommitHash: false } });
    const variable = variablesOf(tf).image_tag;
    expect(variable).not.toHaveProperty("validation");
    expect(variable.description).not.toMatch(/commit hash/);
  });

  it("makes a container from the image alone, running the image's command", () => {
    const { tf } = synthEnvironment(withJobs({ ...report, task: undefined }));
    const [container] = containersOf(tf, "nightly-report");
    expect(container.image).toMatch(/repository_url\}:\$\{var\.image_tag\}$/);
    expect(container).not.toHaveProperty("command");
  });

  it("adds the repositories of literal sidecar images to the execution role's pulls", () => {
    const { tf } = synthEnvironment(
      withJobs({
        ...report,
        task: {
          ...report.task,
          sidecars: [
            { name: "proxy", image: "222222222222.dkr.ecr.ap-northeast-1.amazonaws.com/proxy:1" },
          ],
        },
      }),
    );
    const policy = resources(tf, "aws_iam_policy").find(
      (p) => p.name === "stg-nightly-report-execution",
    );
    expect(statementsOf(policy!.policy).find((s) => s.Sid === "PullJobImages")?.Resource).toEqual([
      lookedUp("report", "arn"),
      "arn:aws:ecr:ap-northeast-1:222222222222:repository/proxy",
    ]);
  });

  it("routes a job's logs through FireLens when the job config asks", () => {
    const { tf } = synthEnvironment(
      withJobs({
        ...report,
        task: { ...report.task, logRouter: { destination: { name: "cloudwatch_logs" } } },
      }),
    );
    const containers = containersOf(tf, "nightly-report");
    expect(containers.map((c) => c.name)).toEqual(["nightly-report", "log_router"]);
    expect(containers[0].logConfiguration).toEqual({
      logDriver: "awsfirelens",
      options: { Name: "cloudwatch_logs" },
    });
  });

  it("refuses a bad repository name before either stack is made", () => {
    for (const synth of [synthEnvironment, synthRelease]) {
      expect(() => synth({ ...base, images: { Report: {} }, jobs: [] })).toThrow(
        "environment 'stg': images.Report: repository name 'Report' is not valid",
      );
    }
  });

  describe("validation", () => {
    it.each<[string, EnvironmentConfig]>([
      ["a job on the deployed tag", base],
      [
        "a commit hash tag",
        withJobs({ ...report, image: { repository: "report", tag: "0f1e2d3" } }),
      ],
      [
        "another tag when commit hashes are not required",
        {
          ...withJobs({ ...report, image: { repository: "report", tag: "v1.2.3" } }),
          releaseTags: { requireCommitHash: false },
        },
      ],
      [
        "a container image and no image",
        withJobs({ jobName: "a", task: { container: { image: "alpine" } } }),
      ],
      [
        "an existing task definition",
        withJobs({ jobName: "legacy", existingTaskDefinition: legacyTask }),
      ],
      ["a literal commit hash tag on dev's build-sales-report", withDevReportTag("0f1e2d3")],
    ])("accepts %s", (_, config) => {
      expect(() => validateEnvironmentConfig(config)).not.toThrow();
    });

    it.each<[string, EnvironmentConfig, string]>([
      [
        "an image repository that is not in images",
        withJobs({ ...report, image: { repository: "reports" } }),
        "environment 'stg': jobs[0].image.repository: job 'nightly-report': 'reports' is not one of this environment's images (report, batch/export): add it to images",
      ],
      [
        "an image repository in an environment without images",
        { ...base, images: undefined },
        "environment 'stg': jobs[0].image.repository: job 'nightly-report': 'report' is not one of this environment's images (none): add it to images",
      ],
      [
        "a literal tag that is not a commit hash",
        withJobs({ ...report, image: { repository: "report", tag: "latest" } }),
        "environment 'stg': jobs[0].image.tag: job 'nightly-report': 'latest' is not a commit hash tag: release tags are the first 7 characters of a commit hash, lower-case hexadecimal, e.g. '1a2b3c4' (or set releaseTags.requireCommitHash: false)",
      ],
      [
        "a commit hash in capitals",
        withJobs({ ...report, image: { repository: "report", tag: "1A2B3C4" } }),
        "environment 'stg': jobs[0].image.tag: job 'nightly-report': '1A2B3C4' is not a commit hash tag",
      ],
      [
        "a full commit hash",
        withJobs({ ...report, image: { repository: "report", tag: "1a2b3c4d" } }),
        "environment 'stg': jobs[0].image.tag: job 'nightly-report': '1a2b3c4d' is not a commit hash tag",
      ],
      [
        "a tag that is no image tag, when commit hashes are not required",
        {
          ...withJobs({ ...report, image: { repository: "report", tag: "v1 2" } }),
          releaseTags: { requireCommitHash: false },
        },
        "environment 'stg': jobs[0].image.tag: job 'nightly-report': 'v1 2' is not an image tag: 1-128 letters, digits, '_', '.' and '-'",
      ],
      [
        "both image and task.container.image",
        withJobs({ ...report, task: { container: { image: "alpine:3.20" } } }),
        "environment 'stg': jobs[0].image: job 'nightly-report' gives both image and task.container.image: keep one",
      ],
      [
        "a container without an image and no image",
        withJobs({ jobName: "a", task: { container: { command: ["/bin/date"] } } }),
        "environment 'stg': jobs[0].task.container.image: job 'a' has no image: give task.container.image, or image: { repository } from this environment's images",
      ],
      [
        "neither a task nor an image",
        withJobs({ jobName: "a", description: "no container at all" }),
        "environment 'stg': jobs[0].task.container.image: job 'a' has no image: give task.container.image, or image: { repository } from this environment's images",
      ],
      [
        "a literal tag on dev's build-sales-report that is not a commit hash",
        withDevReportTag("latest"),
        "environment 'dev': jobs[2].image.tag: job 'build-sales-report': 'latest' is not a commit hash tag: release tags are the first 7 characters of a commit hash, lower-case hexadecimal, e.g. '1a2b3c4' (or set releaseTags.requireCommitHash: false)",
      ],
      [
        "a literal tag of a whole commit hash on dev's build-sales-report",
        withDevReportTag("0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4"),
        "environment 'dev': jobs[2].image.tag: job 'build-sales-report': '0f1e2d3c4b5a69788796a5b4c3d2e1f0a1b2c3d4' is not a commit hash tag: release tags are the first 7 characters of a commit hash, lower-case hexadecimal, e.g. '1a2b3c4' (or set releaseTags.requireCommitHash: false)",
      ],
      [
        "images that are not a map",
        { ...base, images: [] as never },
        `environment 'stg': images: give a map of repository names, e.g. { "nightly-report": {} }`,
      ],
    ])("rejects %s", (_, config, message) => {
      expect(errorOf(config).message).toContain(message);
    });

    it("leaves an image beside an existing task definition to the JobConfig type, which refuses it", () => {
      // @ts-expect-error image makes the job's container; an existing task definition has its own
      const legacy: JobConfig = {
        jobName: "legacy",
        existingTaskDefinition: legacyTask,
        image: { repository: "report" },
      };
      // What compiles cannot hold both, so validation no longer looks for the pair.
      expect(() => validateEnvironmentConfig(withJobs(legacy))).not.toThrow();
    });
  });
});
