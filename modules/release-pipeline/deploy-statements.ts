import { Construct } from "constructs";
import { PolicyStatement } from "../iam-role/policy-document";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import {
  environmentIamNamePrefix,
  permissionsBoundaryArn,
  RELEASE_IAM_PATH,
  RELEASE_TAG_KEY,
} from "../permissions-boundary/environment-iam";
import { jobParameterPrefix } from "../../contract/job-run-spec";

/** Where a release deploys: the environment's jobs stack, in one account and region. */
export interface DeployTarget {
  /** The environment: the stack `cdktf deploy` takes, and the prefix of names made for it. */
  readonly environment: string;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** Task roles made outside the environment that its jobs run with (a job's `taskRoleArn`):
   * registering and running a task definition with a role needs `iam:PassRole` on it.
   * @default none */
  readonly externalTaskRoleArns?: readonly string[];
}

/** The deploy target of `environment` in the account and region of the scope's AWS provider. */
export function deployTargetOf(
  scope: Construct,
  environment: string,
  externalTaskRoleArns?: readonly string[],
): DeployTarget {
  return {
    environment,
    partition: providerPartition(scope),
    accountId: providerAccountId(scope),
    region: providerRegion(scope),
    externalTaskRoleArns,
  };
}

/** Name of an environment's pipeline and build project; its roles, key and bucket start with it. */
export function releaseName(environment: string): string {
  return `${environment}-release`;
}

/** Name of an environment's GitHub Actions deploy role; its policies start with it. */
export function githubDeployRoleName(environment: string): string {
  return `${environment}-github-deploy`;
}

/** The host of GitHub Actions' OIDC tokens: the provider's URL and the prefix of its claims. */
export const GITHUB_OIDC_HOST = "token.actions.githubusercontent.com";

/** What releases the stack may pass its roles to: its tasks, rules, schedules, workflows. */
const STACK_ROLE_SERVICES = [
  "ecs-tasks.amazonaws.com",
  "events.amazonaws.com",
  "scheduler.amazonaws.com",
  "states.amazonaws.com",
];

/** IAM actions that change a role, besides creating it and its boundary. */
const IAM_ROLE_CHANGES = [
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
];
/** IAM actions that put permissions on a role. */
const IAM_ROLE_PERMISSION_CHANGES = [
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
  "iam:PutRolePolicy",
  "iam:DeleteRolePolicy",
];
/** IAM actions that set or remove a role's permissions boundary. */
const IAM_BOUNDARY_CHANGES = [
  "iam:PutRolePermissionsBoundary",
  "iam:DeleteRolePermissionsBoundary",
];
/** IAM actions with which Terraform changes a managed policy (a change is a new default version). */
const IAM_POLICY_CHANGES = [
  "iam:CreatePolicy",
  "iam:DeletePolicy",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
];
/** KMS actions that change a key or what it may be used for. */
const KMS_KEY_CHANGES = [
  "kms:PutKeyPolicy",
  "kms:EnableKeyRotation",
  "kms:DisableKeyRotation",
  "kms:UpdateKeyDescription",
  "kms:EnableKey",
  "kms:DisableKey",
  "kms:ScheduleKeyDeletion",
  "kms:TagResource",
  "kms:UntagResource",
  "kms:CreateGrant",
];
/** CloudWatch Logs actions that change or delete a log group. */
const LOG_GROUP_CHANGES = [
  "logs:DeleteLogGroup",
  "logs:PutRetentionPolicy",
  "logs:DeleteRetentionPolicy",
  "logs:AssociateKmsKey",
  "logs:DisassociateKmsKey",
  "logs:TagResource",
  "logs:TagLogGroup",
  "logs:UntagResource",
];

/**
 * What `cdktf deploy <environment>` needs to apply the environment's jobs stack: create, read,
 * change and delete every kind of resource the stack manages (cluster, task definitions, roles and
 * policies, rules, schedules, workflows, topics, queues, keys, log groups, runner parameters,
 * alarms, Chatbot), and read the network and the image repositories it looks up.
 *
 * Applying a stack is necessarily broad over the services it manages. The statements are scoped
 * to those services and, where the stack's names are predictable, to them: roles and managed
 * policies are named `<environment>-...`, topics, key aliases and the Chatbot configuration start
 * with the environment's name, runner parameters live under `/ecs-batch/<environment>/`. Queues,
 * log groups and rules are named after jobs, which any commit may add, so those are scoped to the
 * resource type in this account and region. Actions without resource-level permissions are on
 * `*`, each named.
 *
 * IAM is where a deployer could grant itself more than it has, so every path to that is closed:
 * - a role can only be created with the environment's permissions boundary, which denies every
 *   IAM change, and no role's boundary can be changed or removed, nor the boundary policy itself;
 * - policies can be attached only if they are the environment's own (`policy/<environment>-*`),
 *   and only to roles under the boundary, which caps whatever they grant; no inline policies;
 * - trust policies, policy versions and `iam:PassRole` are limited to the environment's own roles
 *   and policies, and roles are passed only to the services the stack's roles are for;
 * - everything the release stack holds (its roles, their policies, the boundary, the artifacts
 *   key, the build's log group) is out of reach: IAM by its path `/ecs-batch-release/`, which no
 *   `role/<environment>-*` pattern matches, and an explicit Deny on all of it besides.
 */
export function stackDeployStatements(target: DeployTarget): PolicyStatement[] {
  const { partition, accountId, region, environment } = target;
  const arn = (service: string, resource: string, inRegion: string = region) =>
    `arn:${partition}:${service}:${inRegion}:${accountId}:${resource}`;
  const iam = (resource: string) => arn("iam", resource, "");
  const prefix = environmentIamNamePrefix(environment);
  const environmentRoles = iam(`role/${prefix}*`);
  const environmentPolicies = iam(`policy/${prefix}*`);
  const boundary = permissionsBoundaryArn(partition, accountId, environment);
  const underTheBoundary = { ArnEquals: { "iam:PermissionsBoundary": boundary } };
  const release = releaseName(environment);
  const externalTaskRoles = target.externalTaskRoleArns ?? [];
  return [
    {
      // None of these has resource-level permissions: IAM only accepts `*` for them.
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
    },
    {
      // None of these has resource-level permissions either; each is one the stack's resources
      // need: deregistering old task definition revisions, new keys, e-mail subscriptions,
      // the Slack channel.
      sid: "ChangeWhatHasNoResourceLevelPermissions",
      actions: [
        "ecs:DeregisterTaskDefinition",
        "kms:CreateKey",
        "sns:Unsubscribe",
        "sns:SetSubscriptionAttributes",
        "chatbot:CreateSlackChannelConfiguration",
      ],
      resources: ["*"],
    },
    {
      sid: "ManageClusters",
      actions: [
        "ecs:CreateCluster",
        "ecs:DescribeClusters",
        "ecs:UpdateCluster",
        "ecs:UpdateClusterSettings",
        "ecs:PutClusterCapacityProviders",
        "ecs:DeleteCluster",
        "ecs:TagResource",
        "ecs:UntagResource",
        "ecs:ListTagsForResource",
      ],
      resources: [arn("ecs", "cluster/*")],
    },
    {
      sid: "ManageTaskDefinitions",
      actions: [
        "ecs:RegisterTaskDefinition",
        "ecs:TagResource",
        "ecs:UntagResource",
        "ecs:ListTagsForResource",
      ],
      resources: [arn("ecs", "task-definition/*")],
    },
    {
      // A new account has no ECS service-linked role until its first cluster makes it.
      sid: "CreateTheEcsServiceLinkedRole",
      actions: ["iam:CreateServiceLinkedRole"],
      resources: [iam("role/aws-service-role/ecs.amazonaws.com/AWSServiceRoleForECS")],
      conditions: { StringEquals: { "iam:AWSServiceName": "ecs.amazonaws.com" } },
    },
    {
      sid: "CreateRolesOnlyUnderTheBoundary",
      actions: ["iam:CreateRole", "iam:PutRolePermissionsBoundary"],
      resources: [environmentRoles],
      conditions: underTheBoundary,
    },
    {
      sid: "AttachTheEnvironmentsPoliciesToRolesUnderTheBoundary",
      actions: ["iam:AttachRolePolicy", "iam:DetachRolePolicy"],
      resources: [environmentRoles],
      conditions: { ...underTheBoundary, ArnLike: { "iam:PolicyARN": environmentPolicies } },
    },
    {
      sid: "ManageTheEnvironmentsRoles",
      actions: [
        ...IAM_ROLE_CHANGES,
        "iam:GetRole",
        "iam:ListRoleTags",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
      ],
      resources: [environmentRoles],
    },
    {
      // Terraform updates a managed policy by creating a version and making it the default.
      sid: "ManageTheEnvironmentsPolicies",
      actions: [
        ...IAM_POLICY_CHANGES,
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:ListPolicyTags",
      ],
      resources: [environmentPolicies],
    },
    {
      sid: "PassTheEnvironmentsRolesToItsServices",
      actions: ["iam:PassRole"],
      resources: [environmentRoles],
      conditions: { StringEquals: { "iam:PassedToService": STACK_ROLE_SERVICES } },
    },
    ...(externalTaskRoles.length > 0
      ? [
          {
            sid: "PassTheJobsTaskRolesToEcsTasks",
            actions: ["iam:PassRole"],
            resources: [...externalTaskRoles],
            conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
          },
        ]
      : []),
    // In the document of the IAM statements above (a deploy policy is split over several), so
    // that each document says what it does not allow.
    {
      sid: "DenyRemovingOrChangingBoundaries",
      effect: "Deny",
      actions: ["iam:DeleteRolePermissionsBoundary"],
      resources: ["*"],
    },
    {
      sid: "DenyChangingTheReleaseAndTheBoundary",
      effect: "Deny",
      actions: [
        "iam:CreateRole",
        ...IAM_ROLE_CHANGES,
        ...IAM_ROLE_PERMISSION_CHANGES,
        ...IAM_BOUNDARY_CHANGES,
        ...IAM_POLICY_CHANGES,
        "iam:SetDefaultPolicyVersion",
        "iam:PassRole",
      ],
      resources: [iam(`role${RELEASE_IAM_PATH}*`), iam(`policy${RELEASE_IAM_PATH}*`), boundary],
    },
    {
      sid: "ManageRules",
      actions: [
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
      ],
      resources: [arn("events", "rule/*")],
    },
    {
      sid: "ManageSchedules",
      actions: [
        "scheduler:CreateSchedule",
        "scheduler:GetSchedule",
        "scheduler:UpdateSchedule",
        "scheduler:DeleteSchedule",
      ],
      resources: [arn("scheduler", "schedule/*/*")],
    },
    {
      sid: "ManageWorkflows",
      actions: [
        "states:CreateStateMachine",
        "states:DescribeStateMachine",
        "states:UpdateStateMachine",
        "states:DeleteStateMachine",
        "states:ListStateMachineVersions",
        "states:TagResource",
        "states:UntagResource",
        "states:ListTagsForResource",
      ],
      resources: [arn("states", "stateMachine:*")],
    },
    {
      sid: "ManageTheEnvironmentsTopics",
      actions: [
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
      ],
      resources: [arn("sns", `${environment}-*`)],
    },
    {
      sid: "ManageQueues",
      actions: [
        "sqs:CreateQueue",
        "sqs:GetQueueAttributes",
        "sqs:GetQueueUrl",
        "sqs:SetQueueAttributes",
        "sqs:DeleteQueue",
        "sqs:TagQueue",
        "sqs:UntagQueue",
        "sqs:ListQueueTags",
      ],
      resources: [arn("sqs", "*")],
    },
    {
      // Key IDs are random: keys are scoped to the account and region, aliases to the
      // environment's names (the release's key is denied below).
      sid: "ManageKeys",
      actions: [
        "kms:DescribeKey",
        "kms:GetKeyPolicy",
        "kms:GetKeyRotationStatus",
        "kms:ListResourceTags",
        // No grants: nothing in the jobs stack makes one.
        ...KMS_KEY_CHANGES.filter((action) => action !== "kms:CreateGrant"),
      ],
      resources: [arn("kms", "key/*")],
    },
    {
      // CreateKey with tags (the provider's default tags) also needs TagResource, which KMS
      // authorises before the key exists: AWS documents that it must not be restricted to
      // particular keys. Only requests that tag with the environment's name qualify.
      sid: "TagNewKeys",
      actions: ["kms:TagResource"],
      resources: ["*"],
      conditions: { StringEquals: { "aws:RequestTag/Environment": environment } },
    },
    {
      sid: "ManageTheEnvironmentsKeyAliases",
      actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      resources: [arn("kms", `alias/${environment}-*`), arn("kms", "key/*")],
    },
    {
      sid: "ManageLogGroups",
      actions: ["logs:CreateLogGroup", ...LOG_GROUP_CHANGES, "logs:ListTagsForResource"],
      resources: [arn("logs", "log-group:*")],
    },
    {
      sid: "ManageRunnerParameters",
      actions: [
        "ssm:PutParameter",
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:DeleteParameter",
        "ssm:AddTagsToResource",
        "ssm:RemoveTagsFromResource",
        "ssm:ListTagsForResource",
      ],
      resources: [arn("ssm", `parameter${jobParameterPrefix(environment)}/*`)],
    },
    {
      sid: "ManageAlarms",
      actions: [
        "cloudwatch:PutMetricAlarm",
        "cloudwatch:DescribeAlarms",
        "cloudwatch:DeleteAlarms",
        "cloudwatch:TagResource",
        "cloudwatch:UntagResource",
        "cloudwatch:ListTagsForResource",
      ],
      resources: [arn("cloudwatch", "alarm:*")],
    },
    {
      // The image repositories belong to the release stack: the jobs stack looks them up.
      sid: "FindImageRepositories",
      actions: ["ecr:DescribeRepositories", "ecr:ListTagsForResource"],
      resources: [arn("ecr", "repository/*")],
    },
    {
      sid: "ManageTheEnvironmentsSlackChannel",
      actions: [
        "chatbot:UpdateSlackChannelConfiguration",
        "chatbot:DeleteSlackChannelConfiguration",
      ],
      resources: [arn("chatbot", `chat-configuration/slack-channel/${environment}-*`, "")],
    },
    {
      // Chatbot's tagging took no resource until 2024, and the IAM data the scan's linter
      // (parliament) checks with still says so: a configuration ARN would read as a resource
      // the actions do not take.
      sid: "TagTheSlackChannel",
      actions: ["chatbot:TagResource", "chatbot:UntagResource"],
      resources: ["*"],
    },
    {
      // The release's key has a random id: it is known by the tag of the release stack, which
      // cannot be removed either (UntagResource is among the changes).
      sid: "DenyChangingTheReleasesKey",
      effect: "Deny",
      actions: KMS_KEY_CHANGES,
      resources: [arn("kms", "key/*")],
      conditions: { Null: { [`aws:ResourceTag/${RELEASE_TAG_KEY}`]: "false" } },
    },
    {
      sid: "DenyChangingTheReleasesKeyAlias",
      effect: "Deny",
      actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      resources: [arn("kms", `alias/${release}*`)],
    },
    {
      sid: "DenyChangingTheReleasesLogs",
      effect: "Deny",
      actions: LOG_GROUP_CHANGES,
      resources: [arn("logs", `log-group:/aws/codebuild/${release}*`)],
    },
  ];
}

/** The environment's Terraform state: the S3 backend's bucket and key. */
export interface StateObject {
  /** The backend's `bucket`. */
  readonly bucket: string;
  /** The backend's `key`, e.g. `ecs-scheduled-batch/prod.tfstate`. */
  readonly key: string;
  /** The backend's `kms_key_id`, when the state is encrypted with a customer managed key. */
  readonly kmsKeyArn?: string;
}

/**
 * What Terraform's S3 backend needs for one state with S3 native locking (`use_lockfile`): list
 * the bucket, read and write the state object, create and delete its `.tflock` object.
 */
export function stateAccessStatements(partition: string, state: StateObject): PolicyStatement[] {
  const bucketArn = `arn:${partition}:s3:::${state.bucket}`;
  const stateArn = `${bucketArn}/${state.key}`;
  const lockArn = `${stateArn}.tflock`;
  return [
    {
      // The backend lists the bucket to find the state (and workspaces) at init.
      sid: "FindTheState",
      actions: ["s3:ListBucket"],
      resources: [bucketArn],
    },
    {
      sid: "ReadAndWriteTheState",
      actions: ["s3:GetObject", "s3:PutObject"],
      resources: [stateArn, lockArn],
    },
    {
      sid: "ReleaseTheStateLock",
      actions: ["s3:DeleteObject"],
      resources: [lockArn],
    },
    ...(state.kmsKeyArn !== undefined
      ? [
          {
            sid: "DecryptAndEncryptTheState",
            actions: ["kms:Decrypt", "kms:GenerateDataKey"],
            resources: [state.kmsKeyArn],
          },
        ]
      : []),
  ];
}

/**
 * What pushing an image to one ECR repository needs: a registry login, the layer and image
 * uploads, and DescribeImages, with which a release skips the build when the commit's image is
 * there already (tags are immutable: a second push of the tag would fail).
 */
export function imagePushStatements(repositoryArn: string): PolicyStatement[] {
  return [
    {
      // GetAuthorizationToken has no resource to scope it to.
      sid: "LogInToEcr",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
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
      resources: [repositoryArn],
    },
  ];
}
