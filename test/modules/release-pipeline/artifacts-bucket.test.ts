import { ArtifactsBucket } from "../../../modules/release-pipeline/artifacts-bucket";
import { emptyStack, onlyResource, ref, statementsOf, synthesize } from "../../synth";

describe("ArtifactsBucket", () => {
  const { json } = synthesize(
    (scope) =>
      new ArtifactsBucket(scope, "artifacts", {
        namePrefix: "prod-release",
        purpose: "the artifacts of release pipeline prod-release",
      }),
  );
  const bucketId = expect.stringMatching(ref("aws_s3_bucket", "artifacts", "id"));
  const keyArn = expect.stringMatching(ref("aws_kms_key", "artifacts/Key", "arn"));

  it("names the bucket with the prefix and a suffix Terraform makes unique", () => {
    const bucket = onlyResource(json, "aws_s3_bucket");
    expect(bucket.bucket_prefix).toBe("prod-release-");
    expect(bucket).not.toHaveProperty("bucket");
  });

  it("encrypts with a customer managed key made here, rotated, with a bucket key", () => {
    expect(onlyResource(json, "aws_kms_key")).toMatchObject({
      description: "Encrypts the artifacts of release pipeline prod-release",
      enable_key_rotation: true,
      deletion_window_in_days: 30,
    });
    expect(onlyResource(json, "aws_kms_alias").name).toBe("alias/prod-release");
    expect(onlyResource(json, "aws_s3_bucket_server_side_encryption_configuration")).toMatchObject({
      bucket: bucketId,
      rule: [
        {
          apply_server_side_encryption_by_default: {
            sse_algorithm: "aws:kms",
            kms_master_key_id: keyArn,
          },
          bucket_key_enabled: true,
        },
      ],
    });
  });

  it("lets only this account's IAM policies grant the key", () => {
    const [statement, ...others] = statementsOf(onlyResource(json, "aws_kms_key").policy);
    expect(others).toEqual([]);
    expect(statement).toEqual({
      Sid: "EnableIamPoliciesOfThisAccount",
      Effect: "Allow",
      Principal: {
        AWS: "arn:${data.aws_partition.ProviderPartition.partition}:iam::${data.aws_caller_identity.ProviderAccount.account_id}:root",
      },
      Action: ["kms:*"],
      Resource: ["*"],
    });
  });

  it("blocks every kind of public access and disables ACLs", () => {
    expect(onlyResource(json, "aws_s3_bucket_public_access_block")).toMatchObject({
      bucket: bucketId,
      block_public_acls: true,
      block_public_policy: true,
      ignore_public_acls: true,
      restrict_public_buckets: true,
    });
    expect(onlyResource(json, "aws_s3_bucket_ownership_controls")).toMatchObject({
      bucket: bucketId,
      rule: { object_ownership: "BucketOwnerEnforced" },
    });
  });

  it("keeps versions, and expires artifacts after 30 days and old versions after 7", () => {
    expect(onlyResource(json, "aws_s3_bucket_versioning")).toMatchObject({
      bucket: bucketId,
      versioning_configuration: { status: "Enabled" },
    });
    const lifecycle = onlyResource(json, "aws_s3_bucket_lifecycle_configuration");
    expect(lifecycle.rule).toEqual([
      {
        id: "expire-artifacts",
        status: "Enabled",
        filter: [{ prefix: "" }],
        expiration: [{ days: 30 }],
        noncurrent_version_expiration: [{ noncurrent_days: 7 }],
        abort_incomplete_multipart_upload: [{ days_after_initiation: 1 }],
      },
    ]);
    expect(lifecycle.depends_on).toEqual([
      expect.stringMatching(/^aws_s3_bucket_versioning\.artifacts_Versioning_/),
    ]);
  });

  it("denies every request without TLS", () => {
    const policy = onlyResource(json, "aws_s3_bucket_policy");
    expect(policy.bucket).toEqual(bucketId);
    expect(statementsOf(policy.policy)).toEqual([
      {
        Sid: "DenyRequestsWithoutTls",
        Effect: "Deny",
        Principal: "*",
        Action: ["s3:*"],
        Resource: [
          expect.stringMatching(ref("aws_s3_bucket", "artifacts", "arn")),
          expect.stringMatching(ref("aws_s3_bucket", "artifacts", "arn", "/*")),
        ],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("expires artifacts after the days given", () => {
    const { json: custom } = synthesize(
      (scope) =>
        new ArtifactsBucket(scope, "artifacts", {
          namePrefix: "dev-release",
          purpose: "artifacts",
          expireAfterDays: 7,
        }),
    );
    const [rule] = onlyResource(custom, "aws_s3_bucket_lifecycle_configuration").rule as {
      expiration: unknown;
    }[];
    expect(rule.expiration).toEqual([{ days: 7 }]);
  });

  it.each<[string, string, number | undefined, RegExp]>([
    [
      "a prefix with capitals",
      "Prod-Release",
      undefined,
      /test\/artifacts: namePrefix: 'Prod-Release' is not a bucket name prefix: 1-37 lower-case/,
    ],
    ["a prefix over 37 characters", "p".repeat(38), undefined, /is not a bucket name prefix/],
    [
      "no expiry",
      "prod-release",
      0,
      /test\/artifacts: expireAfterDays: 0 is not valid: it must be a whole number from 1 to 3650/,
    ],
  ])("rejects %s", (_, namePrefix, expireAfterDays, message) => {
    expect(
      () =>
        new ArtifactsBucket(emptyStack(), "artifacts", {
          namePrefix,
          purpose: "artifacts",
          expireAfterDays,
        }),
    ).toThrow(message);
  });
});
