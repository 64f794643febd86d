import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { S3Bucket } from "@cdktf/provider-aws/lib/s3-bucket";
import { S3BucketLifecycleConfiguration } from "@cdktf/provider-aws/lib/s3-bucket-lifecycle-configuration";
import { S3BucketOwnershipControls } from "@cdktf/provider-aws/lib/s3-bucket-ownership-controls";
import { S3BucketPolicy } from "@cdktf/provider-aws/lib/s3-bucket-policy";
import { S3BucketPublicAccessBlock } from "@cdktf/provider-aws/lib/s3-bucket-public-access-block";
import { S3BucketServerSideEncryptionConfigurationA } from "@cdktf/provider-aws/lib/s3-bucket-server-side-encryption-configuration";
import { S3BucketVersioningA } from "@cdktf/provider-aws/lib/s3-bucket-versioning";
import { Construct } from "constructs";
import { renderResourcePolicy } from "../iam-role/resource-policy";
import { providerAccountId, providerPartition } from "../stack-context";
import { validateField, validateIntegerRange } from "../validation/construct-validation";

export interface ArtifactsBucketProps {
  /** Starts the bucket's name (Terraform appends a unique suffix) and names the key's alias
   * `alias/<namePrefix>`: 1-37 lower-case letters, digits and `-`, e.g. "prod-release". */
  readonly namePrefix: string;
  /** What the bucket holds, for the key's description. */
  readonly purpose: string;
  /** Days an artifact is kept; earlier versions of an object go a week after they are replaced.
   * @default 30 */
  readonly expireAfterDays?: number;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const NAME_PREFIX = /^[a-z0-9][a-z0-9-]{0,36}$/;
const NONCURRENT_VERSION_DAYS = 7;

/**
 * A private S3 bucket for pipeline artifacts: encrypted with a customer managed KMS key made here
 * (rotation on), public access blocked, ACLs disabled (bucket owner enforced), versioned, TLS
 * required, artifacts expired after `expireAfterDays`.
 *
 * A customer managed key rather than `aws/s3`: the pipeline's and build's roles are granted the
 * key by its ARN, and the key's use is logged in CloudTrail under its own name.
 */
export class ArtifactsBucket extends Construct {
  /** The `aws_s3_bucket`. */
  readonly resource: S3Bucket;
  /** The `aws_kms_key` that encrypts the artifacts. */
  readonly key: KmsKey;
  readonly bucketName: string;
  readonly bucketArn: string;
  readonly kmsKeyArn: string;

  constructor(scope: Construct, id: string, props: ArtifactsBucketProps) {
    super(scope, id);
    validateField(this, "namePrefix", props.namePrefix, (prefix) => {
      if (!NAME_PREFIX.test(prefix)) {
        throw new Error(
          `'${prefix}' is not a bucket name prefix: 1-37 lower-case letters, digits and '-', starting with a letter or digit`,
        );
      }
    });
    validateIntegerRange(this, "expireAfterDays", props.expireAfterDays, 1, 3650);
    const tags = props.tags ? { ...props.tags } : undefined;
    const partition = providerPartition(this);
    const account = providerAccountId(this);

    this.key = new KmsKey(this, "Key", {
      description: `Encrypts ${props.purpose}`,
      enableKeyRotation: true,
      deletionWindowInDays: 30,
      policy: renderResourcePolicy({
        statements: [
          {
            // The roles that use the key get it through their own IAM policies.
            sid: "EnableIamPoliciesOfThisAccount",
            principal: { aws: `arn:${partition}:iam::${account}:root` },
            actions: ["kms:*"],
            resources: ["*"],
          },
        ],
      }),
      tags,
    });
    new KmsAlias(this, "KeyAlias", {
      name: `alias/${props.namePrefix}`,
      targetKeyId: this.key.keyId,
    });
    this.kmsKeyArn = this.key.arn;

    this.resource = new S3Bucket(this, "Resource", {
      bucketPrefix: `${props.namePrefix}-`,
      tags,
    });
    this.bucketName = this.resource.bucket;
    this.bucketArn = this.resource.arn;
    const bucket = this.resource.id;

    new S3BucketPublicAccessBlock(this, "PublicAccessBlock", {
      bucket,
      blockPublicAcls: true,
      blockPublicPolicy: true,
      ignorePublicAcls: true,
      restrictPublicBuckets: true,
    });
    new S3BucketOwnershipControls(this, "OwnershipControls", {
      bucket,
      rule: { objectOwnership: "BucketOwnerEnforced" },
    });
    new S3BucketServerSideEncryptionConfigurationA(this, "Encryption", {
      bucket,
      rule: [
        {
          applyServerSideEncryptionByDefault: {
            sseAlgorithm: "aws:kms",
            kmsMasterKeyId: this.kmsKeyArn,
          },
          // One data key per bucket instead of one KMS call per object.
          bucketKeyEnabled: true,
        },
      ],
    });
    const versioning = new S3BucketVersioningA(this, "Versioning", {
      bucket,
      versioningConfiguration: { status: "Enabled" },
    });
    new S3BucketLifecycleConfiguration(this, "Lifecycle", {
      bucket,
      rule: [
        {
          id: "expire-artifacts",
          status: "Enabled",
          filter: [{ prefix: "" }],
          expiration: [{ days: props.expireAfterDays ?? 30 }],
          noncurrentVersionExpiration: [{ noncurrentDays: NONCURRENT_VERSION_DAYS }],
          abortIncompleteMultipartUpload: [{ daysAfterInitiation: 1 }],
        },
      ],
      // S3 rejects a lifecycle configuration with noncurrent-version rules before versioning.
      dependsOn: [versioning],
    });
    new S3BucketPolicy(this, "Policy", {
      bucket,
      policy: renderResourcePolicy({
        statements: [
          {
            sid: "DenyRequestsWithoutTls",
            effect: "Deny",
            principal: "*",
            actions: ["s3:*"],
            resources: [this.bucketArn, `${this.bucketArn}/*`],
            conditions: { Bool: { "aws:SecureTransport": "false" } },
          },
        ],
      }),
    });
  }
}
