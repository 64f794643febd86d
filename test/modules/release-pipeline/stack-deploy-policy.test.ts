import { PolicyStatement } from "../../../modules/iam-role/policy-document";
import {
  MANAGED_POLICY_MAX_CHARACTERS,
  policySize,
  StackDeployPolicy,
} from "../../../modules/release-pipeline/stack-deploy-policy";
import { emptyStack, ref, resourceAt, resourcesOf, statementsOf, synthesize } from "../../synth";

/** A statement of about `size` characters. */
function statement(sid: string, size: number): PolicyStatement {
  const resource = `arn:aws:ssm:ap-northeast-1:123456789012:parameter/${"p".repeat(size)}`;
  return { sid, actions: ["ssm:GetParameter"], resources: [resource] };
}

describe("StackDeployPolicy", () => {
  it("puts statements that fit in one policy attached to the role", () => {
    const { json } = synthesize(
      (scope) =>
        new StackDeployPolicy(scope, "deploy", {
          name: "prod-release-deploy",
          roleName: "prod-release-codebuild",
          description: "What release prod-release needs",
          statements: [statement("A", 10), statement("B", 10)],
        }),
    );
    const policies = Object.values(resourcesOf(json, "aws_iam_policy"));
    expect(policies).toHaveLength(1);
    expect(policies[0]).toMatchObject({
      name: "prod-release-deploy",
      description: "What release prod-release needs",
    });
    expect(statementsOf(policies[0].policy).map((s) => s.Sid)).toEqual(["A", "B"]);
    expect(resourceAt(json, "aws_iam_role_policy_attachment", "deploy/Attachment")).toMatchObject({
      role: "prod-release-codebuild",
      policy_arn: expect.stringMatching(ref("aws_iam_policy", "deploy", "arn")),
    });
  });

  it("splits statements, in order, over as few policies as IAM's size limit allows", () => {
    const statements = ["A", "B", "C", "D", "E"].map((sid) => statement(sid, 2500));
    const { json } = synthesize(
      (scope) =>
        new StackDeployPolicy(scope, "deploy", {
          name: "prod-release-deploy",
          roleName: "prod-release-codebuild",
          statements,
        }),
    );
    const groups = [
      resourceAt(json, "aws_iam_policy", "deploy"),
      resourceAt(json, "aws_iam_policy", "deploy/Resource2"),
      resourceAt(json, "aws_iam_policy", "deploy/Resource3"),
    ];
    expect(groups.map((p) => p.name)).toEqual([
      "prod-release-deploy",
      "prod-release-deploy-2",
      "prod-release-deploy-3",
    ]);
    expect(groups.map((p) => statementsOf(p.policy).map((s) => s.Sid))).toEqual([
      ["A", "B"],
      ["C", "D"],
      ["E"],
    ]);
    for (const policy of groups) {
      expect((policy.policy as string).replace(/\s/g, "").length).toBeLessThanOrEqual(
        MANAGED_POLICY_MAX_CHARACTERS,
      );
    }
    expect(Object.keys(resourcesOf(json, "aws_iam_role_policy_attachment"))).toHaveLength(3);
  });

  it("counts the characters IAM counts: all but white space", () => {
    const one = [statement("A", 10)];
    expect(policySize(one)).toBe(
      JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          { Sid: "A", Effect: "Allow", Action: one[0].actions, Resource: one[0].resources },
        ],
      }).length,
    );
  });

  it.each<[string, string, PolicyStatement[], RegExp]>([
    [
      "a statement too large for any policy",
      "prod-release-deploy",
      [statement("Huge", 7000)],
      /test\/deploy: statements: statement Huge alone makes a policy of \d+ characters, more than the 6144 IAM allows/,
    ],
    [
      "no statements",
      "prod-release-deploy",
      [],
      /test\/deploy: statements: the policy has no statements/,
    ],
    [
      "a name too long for the numbered policies",
      "p".repeat(63),
      [statement("A", 10)],
      /test\/deploy: name: IAM role name 'p{63}-9' has 65 characters/,
    ],
  ])("rejects %s", (_, name, statements, message) => {
    expect(
      () => new StackDeployPolicy(emptyStack(), "deploy", { name, roleName: "role", statements }),
    ).toThrow(message);
  });
});
