import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { EcrRepositoryPolicy } from "@cdktf/provider-aws/lib/ecr-repository-policy";
import { Lazy } from "cdktf";
import { Construct } from "constructs";
import { renderResourcePolicy } from "../iam-role/resource-policy";
import { jsonText } from "../json-text/json-text";
import { validateField, validateIntegerRange } from "../validation/construct-validation";

export interface EcrRepositoryProps {
  /** Repository name: 2-256 lower-case letters, digits, and `.`, `_`, `-` between them, in
   * `/`-separated parts, e.g. `nightly-report` or `batch/nightly-report`. */
  readonly repositoryName: string;
  /** How many images to keep: pushing one more expires the oldest. Tags cannot be rolled back to
   * once their image is gone, so keep as many releases as you may want to return to.
   * @default 30 */
  readonly keepImages?: number;
  /** ARN of a customer managed KMS key that encrypts the images. Its key policy must let whoever
   * runs Terraform create grants on it (`kms:CreateGrant`, `kms:DescribeKey`); ECR decrypts for
   * pulls through its own grant, so the roles that pull need no KMS permission. The key cannot
   * be changed later without replacing the repository (and losing its images).
   * @default KMS encryption with the AWS managed key `aws/ecr`, which needs no key policy */
  readonly kmsKeyArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** ECR's own rule for repository names (CreateRepository's pattern). */
const REPOSITORY_NAME = /^(?:[a-z0-9]+(?:[._-][a-z0-9]+)*\/)*[a-z0-9]+(?:[._-][a-z0-9]+)*$/;
/** A Docker image tag. */
const IMAGE_TAG = /^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/;
const ROLE_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:role\/.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/.+$/;

/** What a role that runs the images may do: read them, nothing else. */
export const ECR_PULL_ACTIONS: readonly string[] = [
  "ecr:BatchCheckLayerAvailability",
  "ecr:BatchGetImage",
  "ecr:GetDownloadUrlForLayer",
];

/** Throws an Error quoting the name unless it is an ECR repository name. */
export function validateRepositoryName(name: string): void {
  if (name.length < 2 || name.length > 256 || !REPOSITORY_NAME.test(name)) {
    throw new Error(
      `repository name '${name}' is not valid: it must have 2-256 characters, lower-case letters and digits with '.', '_' or '-' between them, in parts separated by '/'`,
    );
  }
}

/**
 * The lifecycle policy JSON: untagged images (layers of an interrupted push, an image whose tag
 * moved) expire after a day; of the rest, the newest `keepImages` stay. ECR evaluates a rule on
 * `any` tag status last, so it has the highest priority number.
 */
export function ecrLifecyclePolicy(keepImages: number): string {
  return jsonText({
    rules: [
      {
        rulePriority: 1,
        description: "Expire untagged images after 1 day",
        selection: {
          tagStatus: "untagged",
          countType: "sinceImagePushed",
          countUnit: "days",
          countNumber: 1,
        },
        action: { type: "expire" },
      },
      {
        rulePriority: 2,
        description: `Keep the last ${keepImages} images`,
        selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: keepImages },
        action: { type: "expire" },
      },
    ],
  });
}

/**
 * A private ECR repository for a job's image: tags immutable (a tag names one build forever, so a
 * task definition revision always runs what was deployed), scan on push, KMS encryption, a
 * lifecycle policy that keeps the last `keepImages` images, and a repository policy that lets the
 * roles given to {@link allowPull} pull.
 *
 * Within the account the repository policy adds to IAM: a role of the account whose own policy
 * allows pulls can pull whether or not it is named here. It is what lets a role of another
 * account in, and it says who the repository is for.
 */
export class EcrRepository extends Construct {
  /** The `aws_ecr_repository`. */
  readonly resource: EcrRepositoryResource;
  /** The `aws_ecr_lifecycle_policy`. */
  readonly lifecyclePolicy: EcrLifecyclePolicy;
  /** The `aws_ecr_repository_policy`, made by the first {@link allowPull}. */
  policyResource?: EcrRepositoryPolicy;
  readonly repositoryArn: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>`: what `docker push` and image URIs name. */
  readonly repositoryUrl: string;
  readonly repositoryName: string;
  private readonly pullRoleArns: string[] = [];

  constructor(scope: Construct, id: string, props: EcrRepositoryProps) {
    super(scope, id);
    validateField(this, "repositoryName", props.repositoryName, validateRepositoryName);
    validateIntegerRange(this, "keepImages", props.keepImages, 1, 1000);
    validateField(this, "kmsKeyArn", props.kmsKeyArn, (arn) => {
      if (!KMS_KEY_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not a KMS key ARN: write arn:aws:kms:REGION:ACCOUNT:key/ID (or alias/NAME)`,
        );
      }
    });

    this.resource = new EcrRepositoryResource(this, "Resource", {
      name: props.repositoryName,
      imageTagMutability: "IMMUTABLE",
      imageScanningConfiguration: { scanOnPush: true },
      encryptionConfiguration: [
        props.kmsKeyArn !== undefined
          ? { encryptionType: "KMS", kmsKey: props.kmsKeyArn }
          : { encryptionType: "KMS" },
      ],
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.repositoryArn = this.resource.arn;
    this.repositoryUrl = this.resource.repositoryUrl;
    this.repositoryName = this.resource.name;

    this.lifecyclePolicy = new EcrLifecyclePolicy(this, "LifecyclePolicy", {
      repository: this.repositoryName,
      policy: ecrLifecyclePolicy(props.keepImages ?? 30),
    });
  }

  /** The URI of this repository's image with `tag`, e.g. `<repositoryUrl>:1a2b3c4`. */
  imageUri(tag: string): string {
    validateField(this, "tag", tag, (value) => {
      if (!IMAGE_TAG.test(value)) {
        throw new Error(
          `image tag '${value}' is not valid: 1-128 letters, digits, '_', '.' and '-', not starting with '.' or '-'`,
        );
      }
    });
    return `${this.repositoryUrl}:${tag}`;
  }

  /**
   * Lets one role pull this repository's images (`ecr:BatchGetImage`,
   * `ecr:GetDownloadUrlForLayer`, `ecr:BatchCheckLayerAvailability`): typically the execution
   * role of a job that runs them. The first call makes the repository policy; it is rendered at
   * synth time, so roles allowed later are in it too. A role allowed already is not added again.
   */
  allowPull(roleArn: string): void {
    validateField(this, "roleArn", roleArn, (arn) => {
      if (!ROLE_ARN.test(arn)) {
        throw new Error(`'${arn}' is not an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME)`);
      }
    });
    if (this.pullRoleArns.includes(roleArn)) {
      return;
    }
    this.pullRoleArns.push(roleArn);
    this.policyResource ??= new EcrRepositoryPolicy(this, "Policy", {
      repository: this.repositoryName,
      policy: Lazy.stringValue({
        produce: () =>
          renderResourcePolicy({
            statements: [
              {
                sid: "PullByJobRoles",
                principal: { aws: [...this.pullRoleArns] },
                actions: ECR_PULL_ACTIONS,
              },
            ],
          }),
      }),
    });
  }
}
