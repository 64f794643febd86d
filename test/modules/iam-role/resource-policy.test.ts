import { renderResourcePolicy } from "../../../modules/iam-role";

describe("renderResourcePolicy", () => {
  it("renders each kind of principal, Allow by default, and conditions only when given", () => {
    const json = renderResourcePolicy({
      statements: [
        {
          sid: "Root",
          principal: { aws: "arn:aws:iam::123456789012:root" },
          actions: ["kms:*"],
          resources: ["*"],
        },
        {
          sid: "OneService",
          principal: { service: "events.amazonaws.com" },
          actions: ["kms:Decrypt"],
          resources: ["*"],
        },
        {
          sid: "ListOfOneService",
          principal: { service: ["events.amazonaws.com"] },
          actions: ["kms:Decrypt"],
          resources: ["*"],
        },
        {
          sid: "TwoServices",
          principal: { service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
          actions: ["sns:Publish"],
          resources: ["arn:aws:sns:ap-northeast-1:123456789012:t"],
          conditions: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
        {
          sid: "Everyone",
          effect: "Deny",
          principal: "*",
          actions: ["sns:Publish"],
          resources: ["arn:aws:sns:ap-northeast-1:123456789012:t"],
        },
      ],
    });
    expect(JSON.parse(json)).toEqual({
      Version: "2012-10-17",
      Statement: [
        {
          Sid: "Root",
          Effect: "Allow",
          Principal: { AWS: "arn:aws:iam::123456789012:root" },
          Action: ["kms:*"],
          Resource: ["*"],
        },
        {
          Sid: "OneService",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["kms:Decrypt"],
          Resource: ["*"],
        },
        {
          Sid: "ListOfOneService",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["kms:Decrypt"],
          Resource: ["*"],
        },
        {
          Sid: "TwoServices",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: ["sns:Publish"],
          Resource: ["arn:aws:sns:ap-northeast-1:123456789012:t"],
          Condition: { StringEquals: { "aws:SourceAccount": "123456789012" } },
        },
        {
          Sid: "Everyone",
          Effect: "Deny",
          Principal: "*",
          Action: ["sns:Publish"],
          Resource: ["arn:aws:sns:ap-northeast-1:123456789012:t"],
        },
      ],
    });
  });

  it("renders several AWS principals as a list, one as a string, and no Resource when none is given", () => {
    const roles = ["arn:aws:iam::123456789012:role/a", "arn:aws:iam::123456789012:role/b"];
    const json = renderResourcePolicy({
      statements: [
        { sid: "TwoRoles", principal: { aws: roles }, actions: ["ecr:BatchGetImage"] },
        { sid: "ListOfOneRole", principal: { aws: [roles[0]] }, actions: ["ecr:BatchGetImage"] },
      ],
    });
    expect(JSON.parse(json).Statement).toEqual([
      {
        Sid: "TwoRoles",
        Effect: "Allow",
        Principal: { AWS: roles },
        Action: ["ecr:BatchGetImage"],
      },
      {
        Sid: "ListOfOneRole",
        Effect: "Allow",
        Principal: { AWS: roles[0] },
        Action: ["ecr:BatchGetImage"],
      },
    ]);
  });

  it("writes the keys of every statement in one order, so plans do not churn", () => {
    const json = renderResourcePolicy({
      statements: [
        {
          conditions: { Bool: { "aws:SecureTransport": "false" } },
          resources: ["*"],
          actions: ["sns:Publish"],
          principal: "*",
          effect: "Deny",
          sid: "DenyWithoutTls",
        },
      ],
    });
    expect(Object.keys(JSON.parse(json).Statement[0])).toEqual([
      "Sid",
      "Effect",
      "Principal",
      "Action",
      "Resource",
      "Condition",
    ]);
  });
});
