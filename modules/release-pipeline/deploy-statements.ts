import { Construct } from "constructs";
import { PolicyStatement } from "../iam-role/policy-document";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import { jobParameterPrefix } from "../../runner/job-run-spec";

/** Where a release deploys: the environment's stack, in one account and region. */
export interface DeployTarget {
  /** The environment: the stack `cdktf deploy` takes, and the prefix of names made for it. */
  readonly environment: string;
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
}

/** The deploy target of `environment` in the account and region of the scope's AWS provider. */
export function deployTargetOf(scope: Construct, environment: string): DeployTarget {
  return {
    environment,
    partition: providerPartition(scope),
    accountId: providerAccountId(scope),
    region: providerRegion(scope),
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

/** IAM actions that change roles and policies: what a deployer may not do to its own. */
const IAM_ROLE_WRITES = [
  "iam:CreateRole",
  "iam:DeleteRole",
  "iam:UpdateRole",
  "iam:UpdateRoleDescription",
  "iam:UpdateAssumeRolePolicy",
  "iam:TagRole",
  "iam:UntagRole",
  "iam:AttachRolePolicy",
  "iam:DetachRolePolicy",
];
const IAM_POLICY_WRITES = [
  "iam:CreatePolicy",
  "iam:DeletePolicy",
  "iam:CreatePolicyVersion",
  "iam:DeletePolicyVersion",
  "iam:TagPolicy",
  "iam:UntagPolicy",
];

/**
 * What `cdktf deploy <environment>` needs to apply the environment's stack: create, read, change
 * and delete every kind of resource the stack manages (cluster, task definitions, roles and
 * policies, rules, schedules, workflows, topics, queues, keys, log groups, runner parameters,
 * alarms, image repositories, Chatbot), read the network it looks up, and read the release's own
 * resources, which live in the same stack.
 *
 * Applying a stack is necessarily broad over the services it manages. The statements are scoped
 * to those services and, where the stack's names are predictable, to them: topics, key aliases
 * and the Chatbot configuration start with the environment's name, runner parameters live under
 * `/ecs-batch/<environment>/`. Job roles, queues, log groups and image repositories are named
 * after jobs and images, which any commit may add, so those are scoped to the resource type in
 * this account and region. `iam:PassRole` names the services the stack's roles are for. Actions
 * without resource-level permissions are on `*`, each named.
 *
 * A deployer may read but not change the release itself (pipeline, build project, artifact
 * bucket, its own roles and policies): whatever runs the release cannot widen its own
 * permissions or point itself at another repository. Change the release by applying the stack
 * as an administrator.
 */
export function stackDeployStatements(target: DeployTarget): PolicyStatement[] {
  const { partition, accountId, region, environment } = target;
  const arn = (service: string, resource: string, inRegion: string = region) =>
    `arn:${partition}:${service}:${inRegion}:${accountId}:${resource}`;
  const iam = (resource: string) => arn("iam", resource, "");
  const release = releaseName(environment);
  const githubRole = githubDeployRoleName(environment);
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
      // Job roles are named after jobs (`<job>-execution`, ...), which any commit may add: all
      // roles and policies of the account, less the release's own (see the Deny below).
      sid: "ManageRolesAndPolicies",
      actions: [
        ...IAM_ROLE_WRITES,
        "iam:GetRole",
        "iam:ListRoleTags",
        "iam:ListRolePolicies",
        "iam:ListAttachedRolePolicies",
        "iam:ListInstanceProfilesForRole",
        ...IAM_POLICY_WRITES,
        "iam:GetPolicy",
        "iam:GetPolicyVersion",
        "iam:ListPolicyVersions",
        "iam:ListPolicyTags",
      ],
      resources: [iam("role/*"), iam("policy/*")],
    },
    {
      sid: "PassRolesToTheStacksServices",
      actions: ["iam:PassRole"],
      resources: [iam("role/*")],
      conditions: { StringEquals: { "iam:PassedToService": STACK_ROLE_SERVICES } },
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
      // environment's names.
      sid: "ManageKeys",
      actions: [
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
      ],
      resources: [arn("kms", "key/*")],
    },
    {
      // CreateKey with tags (the provider's default tags) also needs TagResource, authorised
      // before the key, and so its ARN, exists.
      sid: "TagNewKeys",
      actions: ["kms:TagResource"],
      resources: ["*"],
    },
    {
      sid: "ManageTheEnvironmentsKeyAliases",
      actions: ["kms:CreateAlias", "kms:UpdateAlias", "kms:DeleteAlias"],
      resources: [arn("kms", `alias/${environment}-*`), arn("kms", "key/*")],
    },
    {
      // ECR encrypts a new repository's images through a grant on the key, made for the caller.
      sid: "LetEcrEncryptNewRepositories",
      actions: ["kms:CreateGrant", "kms:RetireGrant"],
      resources: [arn("kms", "key/*")],
      conditions: {
        StringEquals: { "kms:ViaService": `ecr.${region}.amazonaws.com` },
        Bool: { "kms:GrantIsForAWSResource": "true" },
      },
    },
    {
      sid: "ManageLogGroups",
      actions: [
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
      ],
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
      sid: "ManageImageRepositories",
      actions: [
        "ecr:CreateRepository",
        "ecr:DescribeRepositories",
        "ecr:DeleteRepository",
        "ecr:PutImageScanningConfiguration",
        "ecr:PutImageTagMutability",
        "ecr:PutLifecyclePolicy",
        "ecr:GetLifecyclePolicy",
        "ecr:DeleteLifecyclePolicy",
        "ecr:SetRepositoryPolicy",
        "ecr:GetRepositoryPolicy",
        "ecr:DeleteRepositoryPolicy",
        "ecr:TagResource",
        "ecr:UntagResource",
        "ecr:ListTagsForResource",
      ],
      resources: [arn("ecr", "repository/*")],
    },
    {
      sid: "ManageTheEnvironmentsSlackChannel",
      actions: [
        "chatbot:UpdateSlackChannelConfiguration",
        "chatbot:DeleteSlackChannelConfiguration",
        "chatbot:TagResource",
        "chatbot:UntagResource",
      ],
      resources: [arn("chatbot", `chat-configuration/slack-channel/${environment}-*`, "")],
    },
    {
      // Terraform refreshes the release's resources on every deploy; it may not change them.
      sid: "ReadTheRelease",
      actions: [
        "codepipeline:GetPipeline",
        "codepipeline:ListTagsForResource",
        "codebuild:BatchGetProjects",
        "iam:GetOpenIDConnectProvider",
        "iam:ListOpenIDConnectProviderTags",
        "s3:ListBucket",
        "s3:GetBucket*",
        "s3:GetAccelerateConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
      ],
      resources: [
        arn("codepipeline", release),
        arn("codebuild", `project/${release}`),
        iam(`oidc-provider/${GITHUB_OIDC_HOST}`),
        `arn:${partition}:s3:::${release}-*`,
      ],
    },
    {
      sid: "DenyChangingTheReleasesOwnPermissions",
      effect: "Deny",
      actions: [...IAM_ROLE_WRITES, ...IAM_POLICY_WRITES],
      resources: [
        iam(`role/${release}-*`),
        iam(`policy/${release}-*`),
        iam(`role/${githubRole}*`),
        iam(`policy/${githubRole}*`),
      ],
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
