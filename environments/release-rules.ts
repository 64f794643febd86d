/** The rules of an environment's release: its branch, its image, its connection, its state. */
import { EnvironmentConfig } from "./environment-config";

/** Which branch releases to which environment, unless a release names its branch. */
export const DEFAULT_RELEASE_BRANCHES: Readonly<Record<string, string>> = {
  stg: "develop",
  prod: "main",
};

/** Reports a problem of the field, and the rule. */
export type Fail = (field: string, rule: string) => void;

/** The branch that releases to the environment, or undefined when none is known. */
export function releaseBranch(config: EnvironmentConfig): string | undefined {
  return config.release?.branch ?? DEFAULT_RELEASE_BRANCHES[config.name];
}

/** A release needs its image, its branch, its connection, and a state it can deploy with. */
export function checkRelease(fail: Fail, config: EnvironmentConfig): void {
  const targets = [
    ["release", config.release],
    ["githubActions", config.githubActions],
  ] as const;
  for (const [field, target] of targets) {
    if (target === undefined) {
      continue;
    }
    if (config.images?.[target.imageRepository] === undefined) {
      fail(
        `${field}.imageRepository`,
        `'${target.imageRepository}' is not in images: name one of ${Object.keys(config.images ?? {}).join(", ") || "(none: add images)"}`,
      );
    }
    if (!/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(target.repository ?? "")) {
      fail(`${field}.repository`, `'${target.repository}' must be a repository id 'owner/name'`);
    }
    if (config.backend?.s3 === undefined) {
      fail(
        field,
        "a release deploys the stack from a build, which needs the state in S3: use backend.s3",
      );
    }
  }
  const release = config.release;
  if (release !== undefined) {
    if (typeof release.connectionArn !== "string" || release.connectionArn.length === 0) {
      fail(
        "release.connectionArn",
        "missing: create a CodeStar connection to the Git host in the console and give its ARN",
      );
    }
    if (releaseBranch(config) === undefined) {
      fail(
        "release.branch",
        `no branch maps to environment '${config.name}' by default (${Object.entries(
          DEFAULT_RELEASE_BRANCHES,
        )
          .map(([env, branch]) => `${branch} -> ${env}`)
          .join(", ")}): set release.branch`,
      );
    }
  }
}
