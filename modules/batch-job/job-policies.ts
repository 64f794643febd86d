import { PolicyDocument, PolicyStatement } from "../iam-role/policy-document";

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
