import { stringify } from "yaml";

/** A Terraform release the build installs, pinned by the SHA-256 of its linux_amd64 zip. */
export interface TerraformRelease {
  /** e.g. "1.11.4"; S3 native state locking (`use_lockfile`) needs 1.11 or later. */
  readonly version: string;
  /** SHA-256 of `terraform_<version>_linux_amd64.zip`, from HashiCorp's `SHA256SUMS` file. */
  readonly linuxAmd64Sha256: string;
}

/** The Terraform that releases install unless told otherwise. */
export const DEFAULT_TERRAFORM: TerraformRelease = {
  version: "1.11.4",
  linuxAmd64Sha256: "1ce994251c00281d6845f0f268637ba50c0005657eb3cf096b92f753b42ef4dc",
};

/**
 * Environment variables the buildspec reads, which the build project sets. The repository's URL
 * and name are references Terraform resolves, so they stay out of the buildspec's text: the YAML
 * is fixed at synth time and no resolved value can break its quoting.
 */
export const BUILD_VARIABLES = {
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
  imageRepositoryUrl: "IMAGE_REPOSITORY_URL",
  imageRepositoryName: "IMAGE_REPOSITORY_NAME",
} as const;

export interface ReleaseBuildspecProps {
  /** The stack `cdktf deploy` applies: the environment's name. */
  readonly environment: string;
  /** The Dockerfile, relative to the repository root.
   * @default "Dockerfile" */
  readonly dockerfile?: string;
  /** The directory `docker build` sends, relative to the repository root.
   * @default "." */
  readonly buildContext?: string;
  /** @default {@link DEFAULT_TERRAFORM} */
  readonly terraform?: TerraformRelease;
}

/** A phase of a CodeBuild buildspec (version 0.2). */
export interface BuildspecPhase {
  readonly "on-failure": "ABORT";
  readonly "runtime-versions"?: Readonly<Record<string, number | string>>;
  readonly commands: readonly string[];
}

/** A CodeBuild buildspec (version 0.2), as an object to inspect and render. */
export interface Buildspec {
  readonly version: 0.2;
  readonly env: {
    readonly shell: "bash";
    readonly variables: Readonly<Record<string, string>>;
  };
  readonly phases: {
    readonly install: BuildspecPhase;
    readonly pre_build: BuildspecPhase;
    readonly build: BuildspecPhase;
    readonly post_build: BuildspecPhase;
  };
}

const SEMVER = /^[0-9]+\.[0-9]+\.[0-9]+$/;
const SHA256 = /^[0-9a-f]{64}$/;

/** Throws unless the release names a version and a SHA-256 digest. */
export function validateTerraformRelease(release: TerraformRelease): void {
  if (!SEMVER.test(release.version)) {
    throw new Error(`'${release.version}' is not a Terraform version like '1.11.4'`);
  }
  if (!SHA256.test(release.linuxAmd64Sha256)) {
    throw new Error(
      `'${release.linuxAmd64Sha256}' is not a SHA-256 digest: 64 lower-case hex characters, from terraform_${release.version}_SHA256SUMS`,
    );
  }
}

/**
 * The release build: install a checksum-verified Terraform and the project's packages, tag the
 * image with the first 7 characters of the commit (`CODEBUILD_RESOLVED_SOURCE_VERSION`, the commit
 * hash when the source action outputs `CODEBUILD_CLONE_REF`), build and push it unless that tag is
 * in the repository already (tags are immutable, so a retried release must not push again), and
 * deploy the environment's stack with `--var image_tag=$TAG`. Every phase aborts the build on a
 * failed command, and the deploy runs only after a successful push.
 */
export function releaseBuildspec(props: ReleaseBuildspecProps): Buildspec {
  const terraform = props.terraform ?? DEFAULT_TERRAFORM;
  validateTerraformRelease(terraform);
  const zip = `terraform_${terraform.version}_linux_amd64.zip`;
  const url = `$${BUILD_VARIABLES.imageRepositoryUrl}`;
  const name = `$${BUILD_VARIABLES.imageRepositoryName}`;
  const image = `"${url}:$TAG"`;
  return {
    version: 0.2,
    env: {
      shell: "bash",
      variables: { CHECKPOINT_DISABLE: "1", CDKTF_DISABLE_TELEMETRY: "1" },
    },
    phases: {
      install: {
        "on-failure": "ABORT",
        "runtime-versions": { nodejs: 20 },
        commands: [
          // cdktf deploy runs terraform; the build image has none.
          `curl -fsSL --retry 3 -o /tmp/terraform.zip https://releases.hashicorp.com/terraform/${terraform.version}/${zip}`,
          `echo "${terraform.linuxAmd64Sha256}  /tmp/terraform.zip" | sha256sum -c -`,
          "unzip -o -q /tmp/terraform.zip terraform -d /usr/local/bin",
          "terraform version",
          "npm ci --no-audit --no-fund",
        ],
      },
      pre_build: {
        "on-failure": "ABORT",
        commands: [
          `TAG=$(echo "$CODEBUILD_RESOLVED_SOURCE_VERSION" | cut -c1-7)`,
          `echo "$TAG" | grep -Eq '^[0-9a-f]{7}$' || { echo "'$CODEBUILD_RESOLVED_SOURCE_VERSION' is not a commit hash: the source action must output CODEBUILD_CLONE_REF" >&2; exit 1; }`,
          `IMAGE_REGISTRY=$(echo "${url}" | cut -d/ -f1)`,
          `aws ecr get-login-password | docker login --username AWS --password-stdin "$IMAGE_REGISTRY"`,
          `if aws ecr describe-images --repository-name "${name}" --image-ids imageTag="$TAG" > /dev/null 2>&1; then IMAGE_PUSHED=yes; else IMAGE_PUSHED=no; fi`,
        ],
      },
      build: {
        "on-failure": "ABORT",
        commands: [
          `if [ "$IMAGE_PUSHED" = yes ]; then echo "${url}:$TAG is pushed already"; else docker build -t ${image} -f ${props.dockerfile ?? "Dockerfile"} ${props.buildContext ?? "."}; fi`,
        ],
      },
      post_build: {
        "on-failure": "ABORT",
        commands: [
          // post_build runs after a failed build phase too.
          `[ "$CODEBUILD_BUILD_SUCCEEDING" = 1 ]`,
          `if [ "$IMAGE_PUSHED" = no ]; then docker push ${image}; fi`,
          `npx cdktf deploy ${props.environment} --auto-approve --var image_tag=$TAG`,
        ],
      },
    },
  };
}

/**
 * The buildspec as YAML text for the build project. Lines are never folded, and the text holds no
 * `${` or `%{`, which Terraform would read as its own interpolation.
 */
export function renderBuildspec(buildspec: Buildspec): string {
  return stringify(buildspec, { lineWidth: 0 });
}
