/**
 * Rules for the inputs of a release (pipeline or GitHub Actions role), checked at synth time.
 * Each validator throws an Error that quotes the bad value and states the rule; constructs report
 * it with `validateField`, which names the construct and the field.
 */

/** An environment name as releases use it: in role names, a bucket prefix, `cdktf deploy`. */
const ENVIRONMENT_NAME = /^[a-z][a-z0-9-]{0,19}$/;
const CONNECTION_ARN =
  /^arn:aws[a-z-]*:(codestar-connections|codeconnections):[a-z0-9-]+:[0-9]{12}:connection\/[A-Za-z0-9-]+$/;
/** `owner/name`: an organisation or user, then a repository (GitHub, GitLab, Bitbucket). */
const REPOSITORY_ID = /^[A-Za-z0-9][A-Za-z0-9_.-]{0,99}\/[A-Za-z0-9_.-]{1,100}$/;
/** A relative path inside the repository, with no character a shell would interpret. */
const REPOSITORY_PATH = /^[A-Za-z0-9_.][A-Za-z0-9_./-]*$/;
const ECR_REPOSITORY_ARN = /^arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository\/[a-z0-9._/-]+$/;
const ECR_REPOSITORY_URL =
  /^[0-9]{12}\.dkr\.ecr(-fips)?\.[a-z0-9-]+\.amazonaws\.com(\.cn)?\/[a-z0-9._/-]+$/;
const BUCKET_NAME = /^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;

export function validateEnvironmentName(name: string): void {
  if (!ENVIRONMENT_NAME.test(name)) {
    throw new Error(
      `'${name}' is not a release environment name: 1-20 lower-case letters, digits and '-', starting with a letter (it names roles, a bucket and the stack that 'cdktf deploy' takes)`,
    );
  }
}

/** The ARN of a CodeStar connection (now AWS CodeConnections) to GitHub, GitLab or Bitbucket. */
export function validateConnectionArn(arn: string): void {
  if (!CONNECTION_ARN.test(arn)) {
    throw new Error(
      `'${arn}' is not a connection ARN: write arn:aws:codestar-connections:REGION:ACCOUNT:connection/ID (or arn:aws:codeconnections:...), as the console shows under Developer Tools > Connections`,
    );
  }
}

export function validateRepositoryId(id: string): void {
  const name = id.split("/")[1];
  if (!REPOSITORY_ID.test(id) || name === "." || name === "..") {
    throw new Error(
      `'${id}' is not a repository id: write 'owner/name', e.g. 'example-org/batch-jobs' (letters, digits, '-', '_', '.')`,
    );
  }
}

/**
 * A branch name as git allows it (git check-ref-format), and without glob characters: the
 * pipeline's trigger reads `*` and `?` as patterns, and the GitHub role trusts exactly one branch.
 */
export function validateBranchName(branch: string): void {
  if (branch.length === 0) {
    throw new Error("the branch is empty: name the branch whose commits are released, e.g. 'main'");
  }
  if (/\s/.test(branch)) {
    throw new Error(`branch '${branch}' contains white space, which git does not allow`);
  }
  if (
    /[~^:?*[\\]/.test(branch) ||
    [...branch].some((c) => c.charCodeAt(0) < 0x20 || c.charCodeAt(0) === 0x7f) ||
    branch.includes("..") ||
    branch.includes("@{") ||
    branch.includes("//") ||
    branch.startsWith("/") ||
    branch.startsWith("-") ||
    branch.endsWith("/") ||
    branch.endsWith(".") ||
    branch.endsWith(".lock") ||
    branch === "@"
  ) {
    throw new Error(
      `'${branch}' is not a branch name git accepts (no '~^:?*[\\', '..', '@{', leading '-' or '/', trailing '/', '.' or '.lock'); write the branch itself, not a pattern`,
    );
  }
  if (branch.startsWith("refs/")) {
    throw new Error(`'${branch}' is a ref: write the branch name alone, e.g. 'main'`);
  }
}

/** A path of the repository (Dockerfile, build context) that the buildspec writes into commands. */
export function validateRepositoryPath(path: string): void {
  if (!REPOSITORY_PATH.test(path) || path.split("/").includes("..")) {
    throw new Error(
      `'${path}' is not a path inside the repository: letters, digits, '_', '.', '-' and '/', relative, without '..'`,
    );
  }
}

export function validateEcrRepositoryArn(arn: string): void {
  if (!ECR_REPOSITORY_ARN.test(arn)) {
    throw new Error(
      `'${arn}' is not an ECR repository ARN (arn:aws:ecr:REGION:ACCOUNT:repository/NAME)`,
    );
  }
}

export function validateEcrRepositoryUrl(url: string): void {
  if (!ECR_REPOSITORY_URL.test(url)) {
    throw new Error(
      `'${url}' is not an ECR repository URL (ACCOUNT.dkr.ecr.REGION.amazonaws.com/NAME, no tag)`,
    );
  }
}

export function validateBucketName(name: string): void {
  if (!BUCKET_NAME.test(name) || name.includes("..")) {
    throw new Error(
      `'${name}' is not an S3 bucket name: 3-63 lower-case letters, digits, '.' and '-', starting and ending with a letter or digit`,
    );
  }
}

/** The state object's key, as the S3 backend's `key` gives it. */
export function validateStateKey(key: string): void {
  if (key.length === 0 || key.startsWith("/") || key.endsWith("/") || /\s/.test(key)) {
    throw new Error(
      `'${key}' is not a state object key: write the backend's key, e.g. 'ecs-scheduled-batch/prod.tfstate' (no leading or trailing '/', no spaces)`,
    );
  }
}

export function validateKmsKeyArn(arn: string): void {
  if (!KMS_KEY_ARN.test(arn)) {
    throw new Error(
      `'${arn}' is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID): grants name the key, not an alias`,
    );
  }
}
