import { PolicyDocument, PolicyStatement } from "../iam-role/policy-document";

/** What the events role's policy is scoped to. */
export interface EventsRoleScope {
  readonly clusterArn: string;
  /** `arn:...:task/CLUSTER/*`: the tasks of the cluster (see clusterTasksArn). */
  readonly clusterTasksArn: string;
  /** `arn:...:task-definition/FAMILY:*`: every revision of the job's family (see familyRevisionsArn). */
  readonly taskDefinitionRevisionsArn: string;
  /** The task's execution role and, if any, task role: the only roles it may pass. */
  readonly passRoleArns: readonly string[];
}

/**
 * The least-privilege policy of the role EventBridge assumes to start one job, in place of the
 * AWS managed `AmazonEC2ContainerServiceEventsRole` (RunTask and PassRole on `*`).
 */
export function eventsRolePolicy(scope: EventsRoleScope): PolicyDocument {
  return {
    statements: [
      {
        sid: "RunThisJobsTaskDefinition",
        actions: ["ecs:RunTask"],
        resources: [scope.taskDefinitionRevisionsArn],
        conditions: { ArnEquals: { "ecs:cluster": scope.clusterArn } },
      },
      {
        sid: "PassThisJobsRolesToEcsTasks",
        actions: ["iam:PassRole"],
        resources: [...scope.passRoleArns],
        conditions: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
      },
      {
        sid: "TagTasksAtLaunch",
        actions: ["ecs:TagResource"],
        resources: [scope.clusterTasksArn],
        conditions: { StringEquals: { "ecs:CreateAction": "RunTask" } },
      },
    ],
  };
}

/** What the execution role's policy is scoped to. */
export interface ExecutionRoleScope {
  readonly logGroupArn: string;
  /** ECR repositories the images are pulled from; `*` when an image is not known at synth. */
  readonly ecrRepositoryArns: readonly string[];
  readonly ssmParameterArns: readonly string[];
  readonly secretsManagerSecretArns: readonly string[];
}

/**
 * The execution role's policy: pull the job's images from ECR, write its logs, read its
 * secrets; nothing else.
 */
export function executionRolePolicy(scope: ExecutionRoleScope): PolicyDocument {
  const statements: PolicyStatement[] = [];
  if (scope.ecrRepositoryArns.length > 0) {
    statements.push(
      {
        // GetAuthorizationToken has no resource to scope it to.
        sid: "AuthenticateToEcr",
        actions: ["ecr:GetAuthorizationToken"],
        resources: ["*"],
      },
      {
        sid: "PullJobImages",
        actions: [
          "ecr:BatchCheckLayerAvailability",
          "ecr:GetDownloadUrlForLayer",
          "ecr:BatchGetImage",
        ],
        resources: [...scope.ecrRepositoryArns],
      },
    );
  }
  statements.push({
    sid: "WriteJobLogs",
    actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
    resources: [`${scope.logGroupArn}:log-stream:*`],
  });
  if (scope.ssmParameterArns.length > 0) {
    statements.push({
      sid: "ReadJobParameters",
      actions: ["ssm:GetParameters"],
      resources: [...scope.ssmParameterArns],
    });
  }
  if (scope.secretsManagerSecretArns.length > 0) {
    statements.push({
      sid: "ReadJobSecrets",
      actions: ["secretsmanager:GetSecretValue"],
      resources: [...scope.secretsManagerSecretArns],
    });
  }
  return { statements };
}
