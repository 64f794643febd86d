import { PolicyStatement } from "../../../modules/iam-role/policy-document";
import {
  DeployTarget,
  imagePushStatements,
  stackDeployStatements,
  stateAccessStatements,
} from "../../../modules/release-pipeline/deploy-statements";
import {
  MANAGED_POLICY_MAX_CHARACTERS,
  policySize,
} from "../../../modules/release-pipeline/stack-deploy-policy";

const TARGET: DeployTarget = {
  environment: "prod",
  partition: "aws",
  accountId: "123456789012",
  region: "ap-northeast-1",
};
const ARN = "arn:aws:%s:ap-northeast-1:123456789012:";
const arn = (service: string, resource: string) => `${ARN.replace("%s", service)}${resource}`;

/** Actions of the stack without resource-level permissions: the only ones it allows on `*`. */
const WITHOUT_RESOURCE_LEVEL_PERMISSIONS = [
  "chatbot:CreateSlackChannelConfiguration",
  "chatbot:DescribeSlackChannelConfigurations",
  "chatbot:ListTagsForResource",
  "ec2:DescribeSecurityGroups",
  "ec2:DescribeSubnets",
  "ec2:DescribeVpcs",
  "ecs:DeregisterTaskDefinition",
  "ecs:DescribeTaskDefinition",
  "kms:CreateKey",
  "kms:ListAliases",
  "logs:DescribeLogGroups",
  "sns:GetSubscriptionAttributes",
  "sns:SetSubscriptionAttributes",
  "sns:Unsubscribe",
  "ssm:DescribeParameters",
  "sts:GetCallerIdentity",
];

const bySid = (statements: readonly PolicyStatement[]): Record<string, PolicyStatement> =>
  Object.fromEntries(statements.map((s) => [s.sid, s]));

describe("stackDeployStatements", () => {
  const statements = stackDeployStatements(TARGET);
  const sids = bySid(statements);

  it("has these statements, each with a unique Sid", () => {
    expect(statements.map((s) => s.sid)).toEqual([
      "ReadWhatHasNoResourceLevelPermissions",
      "ChangeWhatHasNoResourceLevelPermissions",
      "ManageClusters",
      "ManageTaskDefinitions",
      "CreateTheEcsServiceLinkedRole",
      "CreateRolesOnlyUnderTheBoundary",
      "AttachTheEnvironmentsPoliciesToRolesUnderTheBoundary",
      "ManageTheEnvironmentsRoles",
      "ManageTheEnvironmentsPolicies",
      "PassTheEnvironmentsRolesToItsServices",
      "DenyRemovingOrChangingBoundaries",
      "DenyChangingTheReleaseAndTheBoundary",
      "ManageRules",
      "ManageSchedules",
      "ManageWorkflows",
      "ManageTheEnvironmentsTopics",
      "ManageQueues",
      "ManageKeys",
      "TagNewKeys",
      "ManageTheEnvironmentsKeyAliases",
      "ManageLogGroups",
      "ManageRunnerParameters",
      "ManageAlarms",
      "FindImageRepositories",
      "ManageTheEnvironmentsSlackChannel",
      "TagTheSlackChannel",
      "DenyChangingTheReleasesKey",
      "DenyChangingTheReleasesKeyAlias",
      "DenyChangingTheReleasesLogs",
    ]);
  });

  it("grants `*` only for actions without resource-level permissions (and tags on new keys)", () => {
    const onEverything = statements
      .filter((s) => s.effect !== "Deny" && s.resources.includes("*"))
      .flatMap((s) => s.actions)
      .sort();
    // Tags on new keys (KMS authorises them before the key exists) and on the Slack channel (the
    // scan's IAM data knows no resource for Chatbot's tagging).
    expect(onEverything).toEqual(
      [
        ...WITHOUT_RESOURCE_LEVEL_PERMISSIONS,
        "kms:TagResource",
        "chatbot:TagResource",
        "chatbot:UntagResource",
      ].sort(),
    );
    for (const statement of statements) {
      expect(statement.actions).not.toContain("*");
      for (const action of statement.actions) {
        expect(action).not.toMatch(/^[a-z0-9-]+:\*$/);
      }
    }
  });

  it("reads what has no resource-level permissions", () => {
    expect(sids.ReadWhatHasNoResourceLevelPermissions).toEqual({
      sid: "ReadWhatHasNoResourceLevelPermissions",
      actions: [
        "sts:GetCallerIdentity",
        "ec2:DescribeSubnets",
        "ec2:DescribeSecurityGroups",
        "ec2:DescribeVpcs",
        "ecs:DescribeTaskDefinition",
        "logs:DescribeLogGroups",
        "ssm:DescribeParameters",
        "kms:ListAliases",
        "sns:GetSubscriptionAttributes",
        "chatbot:DescribeSlackChannelConfigurations",
        "chatbot:ListTagsForResource",
      ],
      resources: ["*"],
    });
    expect(sids.ChangeWhatHasNoResourceLevelPermissions.actions).toEqual([
      "ecs:DeregisterTaskDefinition",
      "kms:CreateKey",
      "sns:Unsubscribe",
      "sns:SetSubscriptionAttributes",
      "chatbot:CreateSlackChannelConfiguration",
    ]);
    expect(sids.TagNewKeys).toEqual({
      sid: "TagNewKeys",
      actions: ["kms:TagResource"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestTag/Environment": "prod" } },
    });
  });

  it.each<[string, string[]]>([
    ["ManageClusters", [arn("ecs", "cluster/*")]],
    ["ManageTaskDefinitions", [arn("ecs", "task-definition/*")]],
    ["ManageRules", [arn("events", "rule/*")]],
    ["ManageSchedules", [arn("scheduler", "schedule/*/*")]],
    ["ManageWorkflows", [arn("states", "stateMachine:*")]],
    ["ManageTheEnvironmentsTopics", [arn("sns", "prod-*")]],
    ["ManageQueues", [arn("sqs", "*")]],
    ["ManageKeys", [arn("kms", "key/*")]],
    ["ManageTheEnvironmentsKeyAliases", [arn("kms", "alias/prod-*"), arn("kms", "key/*")]],
    ["ManageLogGroups", [arn("logs", "log-group:*")]],
    ["ManageRunnerParameters", [arn("ssm", "parameter/ecs-batch/prod/*")]],
    ["ManageAlarms", [arn("cloudwatch", "alarm:*")]],
    ["FindImageRepositories", [arn("ecr", "repository/*")]],
    [
      "ManageTheEnvironmentsSlackChannel",
      ["arn:aws:chatbot::123456789012:chat-configuration/slack-channel/prod-*"],
    ],
  ])("scopes %s to the stack's resources in this account and region", (sid, resources) => {
    expect(sids[sid].resources).toEqual(resources);
    expect(sids[sid].effect).toBeUndefined();
    for (const action of sids[sid].actions) {
      expect(action.split(":")[0]).toBe(resources[0].split(":")[2]);
    }
  });

  it("manages the stack's clusters and task definitions", () => {
    expect(sids.ManageClusters.actions).toEqual([
      "ecs:CreateCluster",
      "ecs:DescribeClusters",
      "ecs:UpdateCluster",
      "ecs:UpdateClusterSettings",
      "ecs:PutClusterCapacityProviders",
      "ecs:DeleteCluster",
      "ecs:TagResource",
      "ecs:UntagResource",
      "ecs:ListTagsForResource",
    ]);
    expect(sids.ManageTaskDefinitions.actions).toEqual([
      "ecs:RegisterTaskDefinition",
      "ecs:TagResource",
      "ecs:UntagResource",
      "ecs:ListTagsForResource",
    ]);
  });

  it("creates only ECS's service-linked role", () => {
    expect(sids.CreateTheEcsServiceLinkedRole).toEqual({
      sid: "CreateTheEcsServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [
        "arn:aws:iam::123456789012:role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS",
      ],
      conditions: { StringEquals: { "iam:AWSServiceName": "ecs.amazonaws.com" } },
    });
  });

  it("creates roles only under the environment's boundary, with the environment's names", () => {
    const boundary = "arn:aws:iam::123456789012:policy/ecs-batch-release/prod-permissions-boundary";
    expect(sids.CreateRolesOnlyUnderTheBoundary).toEqual({
      sid: "CreateRolesOnlyUnderTheBoundary",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      resources: ["arn:aws:iam::123456789012:role/prod-*"],
      conditions: { ArnEquals: { "iam:PermissionsBoundary": boundary } },
    });
    expect(sids.AttachTheEnvironmentsPoliciesToRolesUnderTheBoundary).toEqual({
      sid: "AttachTheEnvironmentsPoliciesToRolesUnderTheBoundary",
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: ["arn:aws:iam::123456789012:role/prod-*"],
      conditions: {
        ArnEquals: { "iam:PermissionsBoundary": boundary },
        ArnLike: { "iam:PolicyARN": "arn:aws:iam::123456789012:policy/prod-*" },
      },
    });
  });

  it("changes only the environment's roles and policies, with no iam:* and no inline policy", () => {
    expect(sids.ManageTheEnvironmentsRoles.resources).toEqual([
      "arn:aws:iam::123456789012:role/prod-*",
    ]);
    expect(sids.ManageTheEnvironmentsPolicies.resources).toEqual([
      "arn:aws:iam::123456789012:policy/prod-*",
    ]);
    const iamActions = statements
      .filter((s) => s.effect !== "Deny")
      .flatMap((s) => s.actions)
      .filter((a) => a.startsWith("iam:"));
    expect(iamActions).not.toContain("iam:*");
    expect(iamActions).not.toContain("iam:PutRolePolicy");
    expect(iamActions).not.toContain("iam:DeleteRolePermissionsBoundary");
  });

  it("passes the environment's roles only to the services the stack's roles are for", () => {
    expect(sids.PassTheEnvironmentsRolesToItsServices).toEqual({
      sid: "PassTheEnvironmentsRolesToItsServices",
      actions: ["iam:PassRole"],
      resources: ["arn:aws:iam::123456789012:role/prod-*"],
      conditions: {
        StringEquals: {
          "iam:PassedToService": [
            "ecs-tasks.amazonaws.com",
            "events.amazonaws.com",
            "scheduler.amazonaws.com",
            "states.amazonaws.com",
          ],
        },
      },
    });
    const passRole = statements.filter(
      (s) => s.effect !== "Deny" && s.actions.some((a) => a.startsWith("iam:Pass")),
    );
    expect(passRole).toHaveLength(1);
  });

  it("passes a job's own task role made elsewhere only to ECS tasks", () => {
    const taskRole = "arn:aws:iam::123456789012:role/report-task";
    const withTaskRole = bySid(
      stackDeployStatements({ ...TARGET, externalTaskRoleArns: [taskRole] }),
    );
    expect(withTaskRole.PassTheJobsTaskRolesToEcsTasks).toEqual({
      sid: "PassTheJobsTaskRolesToEcsTasks",
      actions: ["iam:PassRole"],
      resources: [taskRole],
      conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    });
  });

  it("manages rules, schedules, workflows, topics, queues, logs, parameters, alarms, images", () => {
    expect(sids.ManageRules.actions).toEqual([
      "events:PutRule",
      "events:DescribeRule",
      "events:DeleteRule",
      "events:EnableRule",
      "events:DisableRule",
      "events:PutTargets",
      "events:RemoveTargets",
      "events:ListTargetsByRule",
      "events:TagResource",
      "events:UntagResource",
      "events:ListTagsForResource",
    ]);
    expect(sids.ManageSchedules.actions).toEqual([
      "scheduler:CreateSchedule",
      "scheduler:GetSchedule",
      "scheduler:UpdateSchedule",
      "scheduler:DeleteSchedule",
    ]);
    expect(sids.ManageWorkflows.actions).toEqual([
      "states:CreateStateMachine",
      "states:DescribeStateMachine",
      "states:UpdateStateMachine",
      "states:DeleteStateMachine",
      "states:ListStateMachineVersions",
      "states:TagResource",
      "states:UntagResource",
      "states:ListTagsForResource",
    ]);
    expect(sids.ManageTheEnvironmentsTopics.actions).toEqual([
      "sns:CreateTopic",
      "sns:GetTopicAttributes",
      "sns:SetTopicAttributes",
      "sns:DeleteTopic",
      "sns:GetDataProtectionPolicy",
      "sns:Subscribe",
      "sns:ListSubscriptionsByTopic",
      "sns:TagResource",
      "sns:UntagResource",
      "sns:ListTagsForResource",
    ]);
    expect(sids.ManageQueues.actions).toEqual([
      "sqs:CreateQueue",
      "sqs:GetQueueAttributes",
      "sqs:GetQueueUrl",
      "sqs:SetQueueAttributes",
      "sqs:DeleteQueue",
      "sqs:TagQueue",
      "sqs:UntagQueue",
      "sqs:ListQueueTags",
    ]);
    expect(sids.ManageLogGroups.actions).toEqual([
      "logs:CreateLogGroup",
      "logs:DeleteLogGroup",
      "logs:PutRetentionPolicy",
      "logs:DeleteRetentionPolicy",
      "logs:AssociateKmsKey",
      "logs:DisassociateKmsKey",
      "logs:TagResource",
      "logs:TagLogGroup",
      "logs:UntagResource",
      "logs:ListTagsForResource",
    ]);
    expect(sids.ManageRunnerParameters.actions).toEqual([
      "ssm:PutParameter",
      "ssm:GetParameter",
      "ssm:GetParameters",
      "ssm:DeleteParameter",
      "ssm:AddTagsToResource",
      "ssm:RemoveTagsFromResource",
      "ssm:ListTagsForResource",
    ]);
    expect(sids.ManageAlarms.actions).toEqual([
      "cloudwatch:PutMetricAlarm",
      "cloudwatch:DescribeAlarms",
      "cloudwatch:DeleteAlarms",
      "cloudwatch:TagResource",
      "cloudwatch:UntagResource",
      "cloudwatch:ListTagsForResource",
    ]);
    expect(sids.FindImageRepositories.actions).toEqual([
      "ecr:DescribeRepositories",
      "ecr:ListTagsForResource",
    ]);
    expect(sids.ManageTheEnvironmentsSlackChannel.actions).toEqual([
      "chatbot:UpdateSlackChannelConfiguration",
      "chatbot:DeleteSlackChannelConfiguration",
    ]);
  });

  it("manages keys and the environment's aliases, and makes no grants", () => {
    expect(sids.ManageKeys.actions).toEqual([
      "kms:DescribeKey",
      "kms:GetKeyPolicy",
      "kms:GetKeyRotationStatus",
      "kms:ListResourceTags",
      "kms:PutKeyPolicy",
      "kms:EnableKeyRotation",
      "kms:DisableKeyRotation",
      "kms:UpdateKeyDescription",
      "kms:EnableKey",
      "kms:DisableKey",
      "kms:ScheduleKeyDeletion",
      "kms:TagResource",
      "kms:UntagResource",
    ]);
    expect(sids.ManageTheEnvironmentsKeyAliases.actions).toEqual([
      "kms:CreateAlias",
      "kms:UpdateAlias",
      "kms:DeleteAlias",
    ]);
    const grants = statements.flatMap((s) => s.actions).filter((a) => /Grant/.test(a));
    expect(grants).toEqual(["kms:CreateGrant"]);
    expect(sids.DenyChangingTheReleasesKey.actions).toContain("kms:CreateGrant");
  });

  it("grants nothing on the release's pipeline, build, artifacts or OIDC provider", () => {
    const releaseActions = statements
      .filter((s) => s.effect !== "Deny")
      .flatMap((s) => s.actions)
      .filter((a) => /^(codepipeline|codebuild|s3):|OpenIDConnect/.test(a));
    expect(releaseActions).toEqual([]);
  });

  it("denies every change to the release's roles and policies and to the boundary", () => {
    const deny = sids.DenyChangingTheReleaseAndTheBoundary;
    expect(deny.effect).toBe("Deny");
    expect(deny.resources).toEqual([
      "arn:aws:iam::123456789012:role/ecs-batch-release/*",
      "arn:aws:iam::123456789012:policy/ecs-batch-release/*",
      "arn:aws:iam::123456789012:policy/ecs-batch-release/prod-permissions-boundary",
    ]);
    const iamWrites = statements
      .filter((s) => s.effect !== "Deny")
      .flatMap((s) => s.actions)
      .filter((a) => a.startsWith("iam:") && !/^iam:(Get|List)/.test(a))
      .filter((a) => a !== "iam:CreateServiceLinkedRole");
    expect(deny.actions).toEqual(expect.arrayContaining(iamWrites));
    expect(sids.DenyRemovingOrChangingBoundaries).toEqual({
      sid: "DenyRemovingOrChangingBoundaries",
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: ["*"],
    });
  });

  it("fits two managed policies even in the longest partition and region names", () => {
    const longest = stackDeployStatements({
      environment: "a".repeat(20),
      partition: "aws-us-gov",
      accountId: "123456789012",
      region: "ap-southeast-4",
    });
    const size = policySize(longest);
    expect(size).toBeGreaterThan(MANAGED_POLICY_MAX_CHARACTERS);
    expect(size).toBeLessThan(2 * MANAGED_POLICY_MAX_CHARACTERS);
  });
});

describe("stateAccessStatements", () => {
  const state = { bucket: "example-tfstate", key: "ecs-scheduled-batch/prod.tfstate" };

  it("lists the bucket, reads and writes the state and its lock, deletes only the lock", () => {
    expect(stateAccessStatements("aws", state)).toEqual([
      {
        sid: "FindTheState",
        actions: ["s3:ListBucket"],
        resources: ["arn:aws:s3:::example-tfstate"],
      },
      {
        sid: "ReadAndWriteTheState",
        actions: ["s3:GetObject", "s3:PutObject"],
        resources: [
          "arn:aws:s3:::example-tfstate/ecs-scheduled-batch/prod.tfstate",
          "arn:aws:s3:::example-tfstate/ecs-scheduled-batch/prod.tfstate.tflock",
        ],
      },
      {
        sid: "ReleaseTheStateLock",
        actions: ["s3:DeleteObject"],
        resources: ["arn:aws:s3:::example-tfstate/ecs-scheduled-batch/prod.tfstate.tflock"],
      },
    ]);
  });

  it("uses the state's KMS key when it has one", () => {
    const key = "arn:aws:kms:ap-northeast-1:123456789012:key/0a1b2c3d-1111-2222-3333-444455556666";
    expect(stateAccessStatements("aws", { ...state, kmsKeyArn: key })[3]).toEqual({
      sid: "DecryptAndEncryptTheState",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [key],
    });
  });
});

describe("imagePushStatements", () => {
  it("logs in to ECR (no resource-level permissions) and pushes to the one repository", () => {
    const repository = arn("ecr", "repository/batch-jobs");
    expect(imagePushStatements(repository)).toEqual([
      { sid: "LogInToEcr", actions: ["ecr:GetAuthorizationToken"], resources: ["*"] },
      {
        sid: "PushTheImage",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:BatchGetImage",
          "ecr:CompleteLayerUpload",
          "ecr:DescribeImages",
          "ecr:InitiateLayerUpload",
          "ecr:PutImage",
          "ecr:UploadLayerPart",
        ],
        resources: [repository],
      },
    ]);
  });
});
