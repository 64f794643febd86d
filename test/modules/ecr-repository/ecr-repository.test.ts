import { EcrLifecyclePolicy } from "@cdktf/provider-aws/lib/ecr-lifecycle-policy";
import { EcrRepository as EcrRepositoryResource } from "@cdktf/provider-aws/lib/ecr-repository";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformVariable } from "cdktf";
import {
  EcrRepository,
  EcrRepositoryProps,
  ecrLifecyclePolicy,
} from "../../../modules/ecr-repository";
import { emptyStack, ref, resourceAt, resourcesOf, synthesize } from "../../synth";

const ROLE = "arn:aws:iam::123456789012:role/nightly-report-execution";
const OTHER_ROLE = "arn:aws:iam::123456789012:role/weekly-report-execution";
const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

interface LifecycleRule {
  rulePriority: number;
  description: string;
  selection: Record<string, unknown>;
  action: { type: string };
}

interface RepositoryPolicyStatement {
  Sid: string;
  Effect: string;
  Principal: { AWS: string | string[] };
  Action: string[];
  Resource?: unknown;
}

function repositoryJson(props: Partial<EcrRepositoryProps> = {}, pullers: string[] = []) {
  return synthesize((scope) => {
    const repository = new EcrRepository(scope, "repo", {
      repositoryName: "nightly-report",
      ...props,
    });
    pullers.forEach((arn) => repository.allowPull(arn));
  });
}

function rulesOf(policy: unknown): LifecycleRule[] {
  return (JSON.parse(policy as string) as { rules: LifecycleRule[] }).rules;
}

function repositoryStatements(json: ReturnType<typeof repositoryJson>["json"]) {
  const policy = resourceAt(json, "aws_ecr_repository_policy", "repo/Policy").policy;
  return (JSON.parse(policy as string) as { Statement: RepositoryPolicyStatement[] }).Statement;
}

describe("EcrRepository", () => {
  describe("with defaults", () => {
    const { text, json } = repositoryJson();
    const repository = resourceAt(json, "aws_ecr_repository", "repo");

    it("makes a repository of the given name with immutable tags and scan on push", () => {
      expect(text).toHaveResourceWithProperties(EcrRepositoryResource, {
        name: "nightly-report",
        image_tag_mutability: "IMMUTABLE",
        image_scanning_configuration: { scan_on_push: true },
      });
    });

    it("encrypts with KMS and the AWS managed key", () => {
      expect(repository.encryption_configuration).toEqual([{ encryption_type: "KMS" }]);
    });

    it("makes no repository policy until a role may pull", () => {
      expect(resourcesOf(json, "aws_ecr_repository_policy")).toEqual({});
    });

    it("attaches the lifecycle policy to the repository", () => {
      expect(text).toHaveResourceWithProperties(EcrLifecyclePolicy, {});
      const lifecycle = resourceAt(json, "aws_ecr_lifecycle_policy", "repo/LifecyclePolicy");
      expect(lifecycle.repository).toMatch(ref("aws_ecr_repository", "repo", "name"));
    });

    describe("the lifecycle policy", () => {
      const rules = rulesOf(
        resourceAt(json, "aws_ecr_lifecycle_policy", "repo/LifecyclePolicy").policy,
      );

      it("has two rules, untagged images first", () => {
        expect(rules.map((r) => r.rulePriority)).toEqual([1, 2]);
      });

      it("first expires untagged images a day after their push", () => {
        expect(rules[0]).toEqual({
          rulePriority: 1,
          description: "Expire untagged images after 1 day",
          selection: {
            tagStatus: "untagged",
            countType: "sinceImagePushed",
            countUnit: "days",
            countNumber: 1,
          },
          action: { type: "expire" },
        });
      });

      it("then keeps the last 30 images of any tag, evaluated last as ECR requires", () => {
        expect(rules[1]).toEqual({
          rulePriority: 2,
          description: "Keep the last 30 images",
          selection: { tagStatus: "any", countType: "imageCountMoreThan", countNumber: 30 },
          action: { type: "expire" },
        });
      });
    });

    it("exposes the repository's ARN, URL and name as references", () => {
      const { json: probed } = synthesize((scope) => {
        const repo = new EcrRepository(scope, "repo", { repositoryName: "nightly-report" });
        new IamRole(scope, "probe", {
          assumeRolePolicy: "{}",
          tags: { arn: repo.repositoryArn, url: repo.repositoryUrl, name: repo.repositoryName },
        });
      });
      expect(probed.resource!.aws_iam_role.probe.tags).toEqual({
        arn: expect.stringMatching(ref("aws_ecr_repository", "repo", "arn")),
        url: expect.stringMatching(ref("aws_ecr_repository", "repo", "repository_url")),
        name: expect.stringMatching(ref("aws_ecr_repository", "repo", "name")),
      });
    });
  });

  it("encrypts with the given customer managed key", () => {
    const { json } = repositoryJson({ kmsKeyArn: KEY });
    expect(resourceAt(json, "aws_ecr_repository", "repo").encryption_configuration).toEqual([
      { encryption_type: "KMS", kms_key: KEY },
    ]);
  });

  it("keeps keepImages images", () => {
    const { json } = repositoryJson({ keepImages: 5 });
    const rules = rulesOf(
      resourceAt(json, "aws_ecr_lifecycle_policy", "repo/LifecyclePolicy").policy,
    );
    expect(rules[1].selection.countNumber).toBe(5);
    expect(rules[1].description).toBe("Keep the last 5 images");
  });

  it("renders the lifecycle policy deterministically", () => {
    expect(ecrLifecyclePolicy(30)).toBe(ecrLifecyclePolicy(30));
    expect(Object.keys(JSON.parse(ecrLifecyclePolicy(30)).rules[1])).toEqual([
      "rulePriority",
      "description",
      "selection",
      "action",
    ]);
  });

  it("tags the repository", () => {
    const { json } = repositoryJson({ tags: { Team: "reports" } });
    expect(resourceAt(json, "aws_ecr_repository", "repo").tags).toEqual({ Team: "reports" });
  });

  describe("allowPull", () => {
    it("lets exactly the given role pull, with the three pull actions, naming no Resource", () => {
      const { json } = repositoryJson({}, [ROLE]);
      const policy = resourceAt(json, "aws_ecr_repository_policy", "repo/Policy");
      expect(policy.repository).toMatch(ref("aws_ecr_repository", "repo", "name"));
      expect(repositoryStatements(json)).toEqual([
        {
          Sid: "PullByJobRoles",
          Effect: "Allow",
          Principal: { AWS: ROLE },
          Action: [
            "ecr:BatchCheckLayerAvailability",
            "ecr:BatchGetImage",
            "ecr:GetDownloadUrlForLayer",
          ],
        },
      ]);
    });

    it("collects every role allowed, once each, in one statement", () => {
      const { json } = repositoryJson({}, [ROLE, OTHER_ROLE, ROLE]);
      const statements = repositoryStatements(json);
      expect(statements).toHaveLength(1);
      expect(statements[0].Principal).toEqual({ AWS: [ROLE, OTHER_ROLE] });
      expect(Object.keys(resourcesOf(json, "aws_ecr_repository_policy"))).toHaveLength(1);
    });

    it("renders roles allowed after the first call too, and takes role references", () => {
      const { json } = synthesize((scope) => {
        const repository = new EcrRepository(scope, "repo", { repositoryName: "nightly-report" });
        repository.allowPull(ROLE);
        const role = new IamRole(scope, "execution", { assumeRolePolicy: "{}" });
        repository.allowPull(role.arn);
      });
      expect(repositoryStatements(json)[0].Principal.AWS).toEqual([
        ROLE,
        "${aws_iam_role.execution.arn}",
      ]);
    });

    it("rejects an ARN that is not a role's", () => {
      const repository = new EcrRepository(emptyStack(), "repo", { repositoryName: "report" });
      expect(() => repository.allowPull("arn:aws:iam::123456789012:user/alice")).toThrow(
        /test\/repo: roleArn: 'arn:aws:iam::123456789012:user\/alice' is not an IAM role ARN/,
      );
    });
  });

  describe("imageUri", () => {
    it("is the repository URL and the tag", () => {
      const { json } = synthesize((scope) => {
        const repository = new EcrRepository(scope, "repo", { repositoryName: "report" });
        const tag = new TerraformVariable(scope, "image_tag", { type: "string" });
        new IamRole(scope, "probe", {
          assumeRolePolicy: "{}",
          tags: {
            fixed: repository.imageUri("1a2b3c4"),
            deployed: repository.imageUri(tag.stringValue),
          },
        });
      });
      expect(json.resource!.aws_iam_role.probe.tags).toEqual({
        fixed: expect.stringMatching(
          ref("aws_ecr_repository", "repo", "repository_url", ":1a2b3c4"),
        ),
        deployed: expect.stringMatching(
          ref("aws_ecr_repository", "repo", "repository_url", ":${var.image_tag}"),
        ),
      });
    });

    it.each([
      ["a commit hash", "1a2b3c4"],
      ["a version", "v1.2.3"],
      ["underscores and dashes", "release_2024-01-01"],
      ["128 characters", "a".repeat(128)],
    ])("accepts %s as a tag", (_, tag) => {
      const repository = new EcrRepository(emptyStack(), "repo", { repositoryName: "report" });
      expect(() => repository.imageUri(tag)).not.toThrow();
    });

    it.each([
      ["an empty tag", ""],
      ["a leading dash", "-latest"],
      ["a leading dot", ".hidden"],
      ["a space", "with space"],
      ["129 characters", "a".repeat(129)],
      ["a colon", "tag:1"],
    ])("rejects %s as a tag", (_, tag) => {
      const repository = new EcrRepository(emptyStack(), "repo", { repositoryName: "report" });
      expect(() => repository.imageUri(tag)).toThrow(
        /test\/repo: tag: image tag '.*' is not valid: 1-128 letters, digits/,
      );
    });
  });

  describe("validation", () => {
    it.each([
      ["2 characters", "ab"],
      ["a dash", "nightly-report"],
      ["a namespace", "batch/nightly_report"],
      ["'.', '-' and '_' in parts", "a.b/c-d/e_f"],
      ["256 characters", "a".repeat(256)],
    ])("accepts a repository name of %s", (_, repositoryName) => {
      expect(() => new EcrRepository(emptyStack(), "repo", { repositoryName })).not.toThrow();
    });

    it.each([
      ["1 character", "a"],
      ["257 characters", "a".repeat(257)],
      ["capitals", "Nightly-Report"],
      ["a space", "nightly report"],
      ["a leading dash", "-report"],
      ["a trailing dash", "report-"],
      ["an empty part", "batch//report"],
      ["a leading slash", "/report"],
      ["a trailing slash", "report/"],
      ["two separators in a row", "night..report"],
    ])("rejects a repository name with %s", (_, repositoryName) => {
      expect(() => new EcrRepository(emptyStack(), "repo", { repositoryName })).toThrow(
        /test\/repo: repositoryName: repository name '.*' is not valid: it must have 2-256 characters, lower-case letters and digits/,
      );
    });

    it.each([1, 30, 1000])("accepts keepImages %d", (keepImages) => {
      expect(
        () => new EcrRepository(emptyStack(), "repo", { repositoryName: "report", keepImages }),
      ).not.toThrow();
    });

    it.each([0, 1001, 2.5])("rejects keepImages %d", (keepImages) => {
      expect(
        () => new EcrRepository(emptyStack(), "repo", { repositoryName: "report", keepImages }),
      ).toThrow(
        new RegExp(
          `test/repo: keepImages: ${keepImages} is not valid: it must be a whole number from 1 to 1000`,
        ),
      );
    });

    it("skips a keepImages known only at apply time", () => {
      const stack = emptyStack();
      const keepImages = new TerraformVariable(stack, "keep", { type: "number" }).numberValue;
      expect(
        () => new EcrRepository(stack, "repo", { repositoryName: "report", keepImages }),
      ).not.toThrow();
    });

    it("rejects a KMS key given by ID", () => {
      expect(
        () =>
          new EcrRepository(emptyStack(), "repo", {
            repositoryName: "report",
            kmsKeyArn: "1234abcd-12ab-34cd-56ef-1234567890ab",
          }),
      ).toThrow(/test\/repo: kmsKeyArn: '1234abcd-.*' is not a KMS key ARN/);
    });
  });
});
