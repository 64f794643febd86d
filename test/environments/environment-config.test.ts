import { dev } from "../../environments/dev";
import {
  COMMIT_HASH_TAG,
  EnvironmentConfig,
  JobConfig,
  STACK_TAG_KEYS,
  externalTaskRoleArns,
  usesDeployedTag,
} from "../../environments/environment-config";
import { prod } from "../../environments/prod";
import { stg } from "../../environments/stg";
import { RELEASE_TAG_KEY } from "../../modules/permissions-boundary/environment-iam";

const reportRole = "arn:aws:iam::222222222222:role/report-task";
const legacyRole = "arn:aws:iam::222222222222:role/legacy-task";

/** stg with these jobs. */
const withJobs = (...jobs: JobConfig[]): EnvironmentConfig => ({ ...stg, jobs });

describe("externalTaskRoleArns", () => {
  it("is empty for the shipped environments: their jobs run without a task role", () => {
    expect([dev, stg, prod].map(externalTaskRoleArns)).toEqual([[], [], []]);
  });

  it("collects the task roles of jobs made from a container and of existing task definitions", () => {
    const config = withJobs(
      { jobName: "report", task: { container: { image: "alpine" }, taskRoleArn: reportRole } },
      {
        jobName: "legacy",
        existingTaskDefinition: {
          taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:222222222222:task-definition/legacy:3",
          executionRoleArn: "arn:aws:iam::222222222222:role/legacy-execution",
          taskRoleArn: legacyRole,
        },
      },
      { jobName: "plain", task: { container: { image: "alpine" } } },
    );
    expect(externalTaskRoleArns(config)).toEqual([legacyRole, reportRole]);
  });

  it("names a role that two jobs share once", () => {
    const job = (jobName: string): JobConfig => ({
      jobName,
      task: { container: { image: "alpine" }, taskRoleArn: reportRole },
    });
    expect(externalTaskRoleArns(withJobs(job("a"), job("b")))).toEqual([reportRole]);
  });
});

describe("usesDeployedTag", () => {
  it.each<[boolean, string, JobConfig]>([
    [
      true,
      "an image of the environment and no tag",
      { jobName: "report", image: { repository: "r" } },
    ],
    [
      false,
      "an image of the environment and a fixed tag",
      { jobName: "pinned", image: { repository: "r", tag: "1a2b3c4" } },
    ],
    [
      false,
      "its container's own image",
      { jobName: "plain", task: { container: { image: "alpine" } } },
    ],
  ])("is %s for a job with %s", (expected, _description, job) => {
    expect(usesDeployedTag(job)).toBe(expected);
  });
});

describe("the environment's constants", () => {
  it("reserves the tags every stack sets itself", () => {
    expect(STACK_TAG_KEYS).toEqual(["Environment", "ManagedBy", RELEASE_TAG_KEY]);
  });

  it("takes the first 7 characters of a commit hash, lower-case, as a release tag", () => {
    expect(["1a2b3c4", "0000000"].filter((tag) => COMMIT_HASH_TAG.test(tag))).toHaveLength(2);
    expect(["1A2B3C4", "1a2b3c", "1a2b3c4d", "latest"].some((t) => COMMIT_HASH_TAG.test(t))).toBe(
      false,
    );
  });
});
