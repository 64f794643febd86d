import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { TerraformOutput, TerraformVariable } from "cdktf";
import { IamRole, IamRoleProps, PolicyDocument } from "../../../modules";
import { emptyStack, onlyResource, statementsOf, synthesize } from "../../synth";

const RUN_TASK_POLICY: PolicyDocument = {
  statements: [
    {
      sid: "RunTask",
      actions: ["ecs:RunTask"],
      resources: ["arn:aws:ecs:ap-northeast-1:123456789012:task-definition/job:*"],
    },
  ],
};

function roleProps(overrides: Partial<IamRoleProps> = {}): IamRoleProps {
  return {
    name: "example-batch-events",
    identifier: "events.amazonaws.com",
    policy: RUN_TASK_POLICY,
    ...overrides,
  };
}

describe("IamRole", () => {
  describe("given the book's inputs (name, identifier, policy)", () => {
    const { text, json } = synthesize((scope) => new IamRole(scope, "EventsRole", roleProps()));

    it("creates a role that only the identifier's service may assume", () => {
      const role = onlyResource(json, "aws_iam_role");
      expect(role.name).toBe("example-batch-events");
      expect(JSON.parse(role.assume_role_policy as string)).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ],
      });
    });

    it("creates a policy of the same name from the typed document", () => {
      expect(text).toHaveResourceWithProperties(IamPolicy, { name: "example-batch-events" });
      const policy = onlyResource(json, "aws_iam_policy");
      expect(statementsOf(policy.policy)).toEqual([
        {
          Sid: "RunTask",
          Effect: "Allow",
          Action: ["ecs:RunTask"],
          Resource: ["arn:aws:ecs:ap-northeast-1:123456789012:task-definition/job:*"],
        },
      ]);
    });

    it("attaches the policy to the role", () => {
      const attachment = onlyResource(json, "aws_iam_role_policy_attachment");
      expect(attachment.role).toMatch(/^\$\{aws_iam_role\.EventsRole_[0-9A-F]+\.name\}$/);
      expect(attachment.policy_arn).toMatch(
        /^\$\{aws_iam_policy\.EventsRole_Policy_[0-9A-F]+\.arn\}$/,
      );
      expect(text).toHaveResource(IamRolePolicyAttachment);
    });
  });

  it("exposes the role ARN and name (the book's outputs) as references", () => {
    const { json } = synthesize((scope) => {
      const role = new IamRole(scope, "Role", roleProps());
      new TerraformOutput(scope, "iam_role_arn", { value: role.roleArn });
      new TerraformOutput(scope, "iam_role_name", { value: role.roleName });
    });
    expect(json.output?.iam_role_arn.value).toMatch(/^\$\{aws_iam_role\.Role_[0-9A-F]+\.arn\}$/);
    expect(json.output?.iam_role_name.value).toMatch(/^\$\{aws_iam_role\.Role_[0-9A-F]+\.name\}$/);
  });

  it("accepts the policy as JSON text and passes it through unchanged", () => {
    const policy = JSON.stringify({
      Version: "2012-10-17",
      Statement: [{ Effect: "Allow", Action: "logs:PutLogEvents", Resource: "*" }],
    });
    const { json } = synthesize((scope) => new IamRole(scope, "Role", roleProps({ policy })));
    expect(onlyResource(json, "aws_iam_policy").policy).toBe(policy);
  });

  it("renders conditions, several principals, trust conditions, path, boundary and tags", () => {
    const { text, json } = synthesize(
      (scope) =>
        new IamRole(
          scope,
          "Role",
          roleProps({
            identifier: ["events.amazonaws.com", "scheduler.amazonaws.com"],
            trustConditions: { StringEquals: { "aws:SourceAccount": "123456789012" } },
            path: "/batch/",
            permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/boundary",
            tags: { Team: "platform" },
            policy: {
              statements: [
                {
                  effect: "Deny",
                  actions: ["iam:PassRole"],
                  resources: ["*"],
                  conditions: {
                    StringNotEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
                  },
                },
              ],
            },
          }),
        ),
    );
    const trust = JSON.parse(onlyResource(json, "aws_iam_role").assume_role_policy as string);
    expect(trust.Statement[0].Principal).toEqual({
      Service: ["events.amazonaws.com", "scheduler.amazonaws.com"],
    });
    expect(trust.Statement[0].Condition).toEqual({
      StringEquals: { "aws:SourceAccount": "123456789012" },
    });
    expect(text).toHaveResourceWithProperties(IamRoleResource, {
      path: "/batch/",
      permissions_boundary: "arn:aws:iam::123456789012:policy/boundary",
      tags: { Team: "platform" },
    });
    expect(statementsOf(onlyResource(json, "aws_iam_policy").policy)[0]).toEqual({
      Effect: "Deny",
      Action: ["iam:PassRole"],
      Resource: ["*"],
      Condition: { StringNotEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    });
  });

  it("renders the same document to the same text every time", () => {
    const first = synthesize((scope) => new IamRole(scope, "Role", roleProps())).json;
    const second = synthesize((scope) => new IamRole(scope, "Role", roleProps())).json;
    expect(onlyResource(first, "aws_iam_policy").policy).toBe(
      onlyResource(second, "aws_iam_policy").policy,
    );
  });

  describe("rejects at synth time, naming the construct and field", () => {
    it.each<[string, Partial<IamRoleProps>, RegExp]>([
      [
        "a name over 64 characters",
        { name: "r".repeat(65) },
        /test\/Role: name: IAM role name 'r{65}' has 65 characters: at most 64/,
      ],
      [
        "a name with a space",
        { name: "my role" },
        /test\/Role: name: IAM role name 'my role' may contain only/,
      ],
      [
        "an identifier that is not a service principal",
        { identifier: "events" },
        /test\/Role: identifier: 'events' is not a service principal/,
      ],
      ["no identifier", { identifier: [] }, /test\/Role: identifier: it is empty/],
      ["a bad path", { path: "batch" }, /test\/Role: path: 'batch' is not an IAM path/],
      [
        "a policy without statements",
        { policy: { statements: [] } },
        /test\/Role: policy: the policy has no statements/,
      ],
      [
        "a statement without actions",
        { policy: { statements: [{ actions: [], resources: ["*"] }] } },
        /test\/Role: policy: statement 0: actions is empty/,
      ],
      [
        "an action that is not service:Action",
        { policy: { statements: [{ actions: ["RunTask"], resources: ["*"] }] } },
        /statement 0: action 'RunTask' must look like 'service:Action'/,
      ],
      [
        "a statement without resources",
        { policy: { statements: [{ sid: "Run", actions: ["ecs:RunTask"], resources: [] }] } },
        /statement Run: resources is empty/,
      ],
      [
        "policy JSON that does not parse",
        { policy: "{not json" },
        /test\/Role: policy: the policy is not valid JSON/,
      ],
      ["policy JSON without Statement", { policy: "{}" }, /the policy JSON has no Statement/],
    ])("%s", (_, overrides, message) => {
      expect(() => new IamRole(emptyStack(), "Role", roleProps(overrides))).toThrow(message);
    });
  });

  describe("given an OIDC provider as a federated principal", () => {
    const PROVIDER = "arn:aws:iam::123456789012:oidc-provider/token.actions.githubusercontent.com";
    const CLAIMS = {
      StringEquals: {
        "token.actions.githubusercontent.com:aud": "sts.amazonaws.com",
        "token.actions.githubusercontent.com:sub":
          "repo:example-org/batch-jobs:ref:refs/heads/main",
      },
    };

    it("trusts the provider's tokens through AssumeRoleWithWebIdentity, on the conditions", () => {
      const { json } = synthesize(
        (scope) =>
          new IamRole(
            scope,
            "Role",
            roleProps({
              identifier: { federated: PROVIDER },
              trustConditions: CLAIMS,
              maxSessionDurationSeconds: 3600,
            }),
          ),
      );
      const role = onlyResource(json, "aws_iam_role");
      expect(JSON.parse(role.assume_role_policy as string)).toEqual({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Federated: PROVIDER },
            Action: "sts:AssumeRoleWithWebIdentity",
            Condition: CLAIMS,
          },
        ],
      });
      expect(role.max_session_duration).toBe(3600);
    });

    it("leaves the session length to IAM's default unless given", () => {
      const { json } = synthesize((scope) => new IamRole(scope, "Role", roleProps()));
      expect(onlyResource(json, "aws_iam_role")).not.toHaveProperty("max_session_duration");
    });

    it.each<[string, Partial<IamRoleProps>, RegExp]>([
      [
        "a federated principal without trust conditions",
        { identifier: { federated: PROVIDER } },
        /test\/Role: trustConditions: a federated principal needs conditions on the token's claims/,
      ],
      [
        "a federated principal that is not an OIDC provider ARN",
        {
          identifier: { federated: "token.actions.githubusercontent.com" },
          trustConditions: CLAIMS,
        },
        /test\/Role: identifier.federated: 'token.actions.githubusercontent.com' is not an IAM OIDC provider ARN/,
      ],
      [
        "a session shorter than an hour",
        { maxSessionDurationSeconds: 900 },
        /test\/Role: maxSessionDurationSeconds: 900 is not valid: it must be a whole number from 3600 to 43200/,
      ],
      [
        "a session longer than 12 hours",
        { maxSessionDurationSeconds: 43201 },
        /maxSessionDurationSeconds: 43201 is not valid/,
      ],
    ])("rejects %s", (_, overrides, message) => {
      expect(() => new IamRole(emptyStack(), "Role", roleProps(overrides))).toThrow(message);
    });

    it("accepts a provider ARN that is a reference resolved at apply time", () => {
      const stack = emptyStack();
      const arn = new TerraformVariable(stack, "provider", { type: "string" }).stringValue;
      expect(
        () =>
          new IamRole(stack, "Role", {
            ...roleProps(),
            identifier: { federated: arn },
            trustConditions: CLAIMS,
          }),
      ).not.toThrow();
    });
  });

  it("writes a list of resources known only at apply time as jsonencode(...)", () => {
    const { json } = synthesize((scope) => {
      const arns = new TerraformVariable(scope, "arns", { type: "list(string)" }).listValue;
      new IamRole(scope, "Role", {
        ...roleProps(),
        policy: { statements: [{ sid: "Pull", actions: ["ecr:BatchGetImage"], resources: arns }] },
      });
    });
    expect(onlyResource(json, "aws_iam_policy").policy).toBe(
      '{"Version":"2012-10-17","Statement":[{"Sid":"Pull","Effect":"Allow","Action":["ecr:BatchGetImage"],"Resource":${jsonencode(var.arns)}}]}',
    );
  });

  it("does not reject names and policies that are references resolved at apply time", () => {
    const stack = emptyStack();
    const name = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
    const policy = new TerraformVariable(stack, "policy", { type: "string" }).stringValue;
    expect(() => new IamRole(stack, "Role", roleProps({ name, policy }))).not.toThrow();
  });
});
