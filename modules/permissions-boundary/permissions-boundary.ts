import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { Construct } from "constructs";
import { RUN_RECORD_SOURCE } from "../../contract/run-record";
import { ECR_PULL_ACTIONS } from "../ecr-repository/ecr-repository";
import { chatReadStatements } from "../failure-notification/failure-topic";
import { IamScope } from "../iam-role/iam-scope";
import { PolicyStatement, renderPolicyDocument } from "../iam-role/policy-document";
import {
  stateMachineLoggingStatement,
  stateMachineTracingStatement,
} from "../iam-role/step-functions-statements";
import { validateField } from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";

/** What a permissions boundary is written for: one environment in one account and region. */
export interface BoundaryScope {
  readonly partition: string;
  readonly accountId: string;
  readonly region: string;
  /** The name prefix of the environment's roles (e.g. `prod-`): the only roles its roles may
   * pass, besides `externalTaskRoleArns`. */
  readonly roleNamePrefix: string;
  /** Task roles made outside the environment that its jobs run with (a job's `taskRoleArn`): its
   * roles may pass them to ECS tasks.
   * @default none */
  readonly externalTaskRoleArns?: readonly string[];
}

/** IAM actions that change IAM itself: a role under the boundary may do none of them. */
const IAM_WRITES = [
  "iam:Add*",
  "iam:Attach*",
  "iam:Change*",
  "iam:Create*",
  "iam:Deactivate*",
  "iam:Delete*",
  "iam:Detach*",
  "iam:Enable*",
  "iam:Put*",
  "iam:Remove*",
  "iam:Reset*",
  "iam:Resync*",
  "iam:Set*",
  "iam:Tag*",
  "iam:Untag*",
  "iam:Update*",
  "iam:Upload*",
];

/**
 * The statements of an environment's permissions boundary: the union of what the project's own
 * roles ever do (job execution roles, schedule roles, workflow and result-filter roles, the
 * Chatbot role) and what the runner does, each kept to the environment's account (and region,
 * where the project's resources are regional), and an explicit Deny of every change to IAM, to
 * the organization and to the account, so no policy attached to a role under it can grant them.
 *
 * A boundary only caps: a role under it may do what both its own policies and the boundary allow.
 * The test of the environments checks that every statement of every role the project makes is
 * allowed by it (an IAM simulator evaluates each one), so a new statement cannot be forgotten.
 */
export function permissionsBoundaryStatements(scope: BoundaryScope): PolicyStatement[] {
  const { partition, accountId, region } = scope;
  const arn = (service: string, resource: string, inRegion: string = region) =>
    `arn:${partition}:${service}:${inRegion}:${accountId}:${resource}`;
  return [
    {
      // Schedules, workflows and the runner start, watch and stop the jobs' tasks.
      sid: "RunWatchAndStopTasks",
      actions: ["ecs:RunTask", "ecs:StopTask", "ecs:DescribeTasks", "ecs:TagResource"],
      resources: [arn("ecs", "task-definition/*"), arn("ecs", "task/*")],
    },
    {
      // The runner finds the job's container; DescribeTaskDefinition has no resource-level
      // permissions.
      sid: "ReadTaskDefinitions",
      actions: ["ecs:DescribeTaskDefinition"],
      resources: ["*"],
    },
    {
      sid: "PassTheEnvironmentsRolesToEcsTasks",
      actions: ["iam:PassRole"],
      resources: [
        `arn:${partition}:iam::${accountId}:role/${scope.roleNamePrefix}*`,
        ...(scope.externalTaskRoleArns ?? []),
      ],
      conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
    },
    {
      // GetAuthorizationToken has no resource to scope it to.
      sid: "LogInToEcr",
      actions: ["ecr:GetAuthorizationToken"],
      resources: ["*"],
    },
    {
      // Images may come from repositories of other accounts and regions.
      sid: "PullImages",
      actions: [...ECR_PULL_ACTIONS],
      resources: [`arn:${partition}:ecr:*:*:repository/*`],
    },
    {
      // Jobs write their logs; the runner reads them, and queries the run ledger.
      sid: "WriteAndReadJobLogs",
      actions: [
        "logs:CreateLogStream",
        "logs:PutLogEvents",
        "logs:GetLogEvents",
        "logs:StartQuery",
        "logs:GetQueryResults",
      ],
      resources: [arn("logs", "log-group:*")],
    },
    {
      // The runner stops the ledger queries it gives up on; StopQuery has no resource-level
      // permissions.
      sid: "StopLogQueries",
      actions: ["logs:StopQuery"],
      resources: ["*"],
    },
    {
      ...stateMachineLoggingStatement(),
      sid: "DeliverStateMachineLogs",
    },
    {
      ...stateMachineTracingStatement(),
      sid: "SendTraces",
    },
    {
      sid: "ReadJobParametersAndSecrets",
      actions: [
        "ssm:GetParameter",
        "ssm:GetParameters",
        "ssm:GetParametersByPath",
        "secretsmanager:GetSecretValue",
      ],
      resources: [arn("ssm", "parameter/*", "*"), arn("secretsmanager", "secret:*", "*")],
    },
    {
      sid: "StartAndListWorkflowExecutions",
      actions: ["states:StartExecution", "states:ListExecutions"],
      resources: [arn("states", "stateMachine:*")],
    },
    {
      // Step Functions' runTask.sync learns that a task stopped through this managed rule.
      sid: "ManageTheStepFunctionsEcsRule",
      actions: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
      resources: [arn("events", "rule/StepFunctionsGetEventsForECSTaskRule")],
    },
    {
      // The run ledger's recorder puts its records on the default bus, as ecs-batch events only.
      sid: "PutRunRecords",
      actions: ["events:PutEvents"],
      resources: [arn("events", "event-bus/default")],
      conditions: {
        "ForAllValues:StringEquals": { "events:source": RUN_RECORD_SOURCE },
        Null: { "events:source": "false" },
      },
    },
    {
      sid: "SendUnstartedRunsToDeadLetterQueues",
      actions: ["sqs:SendMessage"],
      resources: [arn("sqs", "*")],
    },
    {
      sid: "PublishNotices",
      actions: ["sns:Publish"],
      resources: [arn("sns", "*")],
    },
    {
      sid: "EncryptNotices",
      actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
      resources: [arn("kms", "key/*")],
    },
    // AWS Chatbot renders alarms in Slack with the alarms' details and graphs.
    ...chatReadStatements(partition, region, accountId),
    {
      sid: "DenyChangesToIamTheOrganizationAndTheAccount",
      effect: "Deny",
      actions: [...IAM_WRITES, "organizations:*", "account:*"],
      resources: ["*"],
    },
  ];
}

export interface PermissionsBoundaryProps extends BoundaryScope {
  /** Name of the managed policy, under the scope's name prefix ({@link IamScope}), e.g.
   * `prod-permissions-boundary`. */
  readonly name: string;
  /** @default no description */
  readonly description?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * A permissions boundary for the roles of one environment: a managed policy that the deployer of
 * the environment must put on every role it creates (its own policy allows `iam:CreateRole` only
 * with this boundary) and can never change. See {@link permissionsBoundaryStatements}.
 */
export class PermissionsBoundary extends Construct {
  /** The `aws_iam_policy`. */
  readonly resource: IamPolicy;
  readonly policyArn: string;
  readonly statements: readonly PolicyStatement[];

  constructor(scope: Construct, id: string, props: PermissionsBoundaryProps) {
    super(scope, id);
    const iam = IamScope.of(this);
    const name = iam.name(props.name);
    validateField(this, "name", name, validateIamRoleName);
    this.statements = permissionsBoundaryStatements(props);
    this.resource = new IamPolicy(this, "Resource", {
      name,
      path: iam.path,
      description: props.description,
      policy: renderPolicyDocument({ statements: this.statements }),
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.policyArn = this.resource.arn;
  }
}
