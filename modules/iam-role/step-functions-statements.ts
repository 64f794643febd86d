import { PolicyStatement } from "./policy-document";

/**
 * What a state machine's role needs to send its execution history to CloudWatch Logs. Step
 * Functions delivers logs through CloudWatch Logs' vended-log API, whose actions have no
 * resource-level permissions: they can only be granted on `*`.
 */
export function stateMachineLoggingStatement(): PolicyStatement {
  return {
    sid: "DeliverExecutionLogs",
    actions: [
      "logs:CreateLogDelivery",
      "logs:DeleteLogDelivery",
      "logs:DescribeLogGroups",
      "logs:DescribeResourcePolicies",
      "logs:GetLogDelivery",
      "logs:ListLogDeliveries",
      "logs:PutResourcePolicy",
      "logs:UpdateLogDelivery",
    ],
    resources: ["*"],
  };
}

/** What a state machine's role needs for X-Ray tracing; X-Ray has no resource-level permissions. */
export function stateMachineTracingStatement(): PolicyStatement {
  return {
    sid: "SendTraces",
    actions: [
      "xray:GetSamplingRules",
      "xray:GetSamplingTargets",
      "xray:PutTelemetryRecords",
      "xray:PutTraceSegments",
    ],
    resources: ["*"],
  };
}

/** Publishing to SNS topics: the topics, and the customer managed key that encrypts them, if any. */
export function publishToTopicsStatements(
  topicArns: readonly string[],
  kmsKeyArn: string | undefined,
): PolicyStatement[] {
  return [
    { sid: "PublishFailureNotices", actions: ["sns:Publish"], resources: [...topicArns] },
    ...(kmsKeyArn === undefined
      ? []
      : [
          {
            sid: "EncryptFailureNotices",
            actions: ["kms:Decrypt", "kms:GenerateDataKey*"],
            resources: [kmsKeyArn],
          },
        ]),
  ];
}
