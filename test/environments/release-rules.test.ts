import { dev } from "../../environments/dev";
import { EnvironmentConfig } from "../../environments/environment-config";
import {
  EnvironmentConfigError,
  validateEnvironmentConfig,
} from "../../environments/environment-validation";
import { prod } from "../../environments/prod";
import {
  DEFAULT_RELEASE_BRANCHES,
  checkRelease,
  releaseBranch,
} from "../../environments/release-rules";
import { stg } from "../../environments/stg";
import { synthEnvironment, synthRelease } from "./synth-environment";

/** dev's release, for configs that vary one field of it. */
const devRelease = dev.release!;

function errorOf(config: EnvironmentConfig): Error {
  try {
    validateEnvironmentConfig(config);
  } catch (error) {
    expect(error).toBeInstanceOf(EnvironmentConfigError);
    return error as Error;
  }
  throw new Error("the config was accepted");
}

describe("releaseBranch", () => {
  const withRelease = (config: EnvironmentConfig, branch?: string): EnvironmentConfig => ({
    ...config,
    release: { ...devRelease, branch },
  });

  it("defaults to develop for stg and main for prod", () => {
    expect(DEFAULT_RELEASE_BRANCHES).toEqual({ stg: "develop", prod: "main" });
    expect(releaseBranch(withRelease(stg))).toBe("develop");
    expect(releaseBranch(withRelease(prod))).toBe("main");
  });

  it("is the branch the release names, before any default", () => {
    expect(releaseBranch(dev)).toBe("dev");
    expect(releaseBranch(withRelease(prod, "release/2025"))).toBe("release/2025");
  });

  it("is unknown in an environment with no default whose release names none", () => {
    expect(releaseBranch({ ...withRelease(dev), name: "qa" })).toBeUndefined();
  });
});

describe("checkRelease", () => {
  /** The field and rule checkRelease fails with, or undefined when it passes. */
  function failureOf(config: EnvironmentConfig): { field: string; rule: string } | undefined {
    class Failed extends Error {
      constructor(
        readonly field: string,
        readonly rule: string,
      ) {
        super(`${field}: ${rule}`);
      }
    }
    try {
      checkRelease((field, rule) => {
        throw new Failed(field, rule);
      }, config);
    } catch (error) {
      expect(error).toBeInstanceOf(Failed);
      return { field: (error as Failed).field, rule: (error as Failed).rule };
    }
    return undefined;
  }

  it("passes dev's and prod's releases, and an environment without one", () => {
    expect(failureOf(dev)).toBeUndefined();
    expect(failureOf(prod)).toBeUndefined();
    expect(failureOf(stg)).toBeUndefined();
  });

  it("reads only the release: the rest of the config is validateEnvironmentConfig's", () => {
    expect(failureOf({ ...dev, region: "tokyo", jobs: [] })).toBeUndefined();
  });

  it("hands the field and the rule to the caller's fail", () => {
    expect(failureOf({ ...dev, release: { ...devRelease, repository: "sales-report" } })).toEqual({
      field: "release.repository",
      rule: "'sales-report' must be a repository id 'owner/name'",
    });
  });
});

describe("checkRelease, as validateEnvironmentConfig runs it", () => {
  const githubActions = {
    repository: "example-org/sales-report",
    branch: "main",
    imageRepository: "sales-report",
  };
  /** dev with its release replaced by GitHub Actions. */
  const github = (fields: Partial<typeof githubActions>): EnvironmentConfig => ({
    ...dev,
    release: undefined,
    githubActions: { ...githubActions, ...fields },
  });
  /** dev without images: only the jobs that name their container's image. */
  const withoutImages: EnvironmentConfig = {
    ...dev,
    images: undefined,
    release: undefined,
    jobs: dev.jobs.filter((job) => job.image === undefined),
    workflows: undefined,
  };

  it.each<[string, EnvironmentConfig]>([
    ["dev's release, on its own branch", dev],
    ["prod's release, on the default branch", prod],
    [
      "a release without a branch in stg",
      { ...stg, images: { "sales-report": {} }, release: { ...devRelease, branch: undefined } },
    ],
    ["a release with a branch in an environment with no default", { ...dev, name: "qa" }],
    [
      "a release of a repository id with '.', '_' and '-'",
      {
        ...dev,
        release: { ...devRelease, repository: "example.org/sales_report-2" },
      },
    ],
    ["GitHub Actions", github({})],
    ["GitHub Actions beside the pipeline", { ...dev, githubActions }],
  ])("accepts %s", (_, config) => {
    expect(() => validateEnvironmentConfig(config)).not.toThrow();
  });

  it.each<[string, EnvironmentConfig, string]>([
    [
      "a release of an image repository not in images",
      { ...dev, release: { ...devRelease, imageRepository: "reports" } },
      "environment 'dev': release.imageRepository: 'reports' is not in images: name one of sales-report",
    ],
    [
      "a release without connectionArn",
      { ...dev, release: { ...devRelease, connectionArn: undefined as unknown as string } },
      "environment 'dev': release.connectionArn: missing: create a CodeStar connection to the Git host in the console and give its ARN",
    ],
    [
      "a release with an empty connectionArn",
      { ...dev, release: { ...devRelease, connectionArn: "" } },
      "environment 'dev': release.connectionArn: missing: create a CodeStar connection to the Git host in the console and give its ARN",
    ],
    [
      "a release without a branch in an environment with no default",
      { ...dev, name: "qa", release: { ...devRelease, branch: undefined } },
      "environment 'qa': release.branch: no branch maps to environment 'qa' by default (develop -> stg, main -> prod): set release.branch",
    ],
    [
      "a release of a repository without its owner",
      { ...dev, release: { ...devRelease, repository: "sales-report" } },
      "environment 'dev': release.repository: 'sales-report' must be a repository id 'owner/name'",
    ],
    [
      "a release of a repository URL",
      {
        ...dev,
        release: { ...devRelease, repository: "https://github.com/example-org/sales-report" },
      },
      "environment 'dev': release.repository: 'https://github.com/example-org/sales-report' must be a repository id 'owner/name'",
    ],
    [
      "a release with a local backend",
      { ...dev, backend: { local: {} } },
      "environment 'dev': release: a release deploys the stack from a build, which needs the state in S3: use backend.s3",
    ],
    [
      "GitHub Actions pushing to an image repository not in images",
      github({ imageRepository: "reports" }),
      "environment 'dev': githubActions.imageRepository: 'reports' is not in images: name one of sales-report",
    ],
    [
      "GitHub Actions in an environment without images",
      { ...withoutImages, githubActions },
      "environment 'dev': githubActions.imageRepository: 'sales-report' is not in images: name one of (none: add images)",
    ],
    [
      "GitHub Actions of a repository without its owner",
      github({ repository: "example-org" }),
      "environment 'dev': githubActions.repository: 'example-org' must be a repository id 'owner/name'",
    ],
    [
      "GitHub Actions with a local backend",
      { ...github({}), backend: { local: {} } },
      "environment 'dev': githubActions: a release deploys the stack from a build, which needs the state in S3: use backend.s3",
    ],
  ])("rejects %s", (_, config, message) => {
    expect(errorOf(config).message).toBe(message);
  });

  it.each([synthEnvironment, synthRelease])(
    "fails the synth of either stack with the same error",
    (synth) => {
      const config = { ...dev, name: "qa", release: { ...devRelease, branch: undefined } };
      expect(() => synth(config)).toThrow(
        new EnvironmentConfigError(
          "qa",
          "release.branch",
          "no branch maps to environment 'qa' by default (develop -> stg, main -> prod): set release.branch",
        ),
      );
    },
  );
});
