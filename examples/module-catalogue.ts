// The README's module catalogue, one example per construct. test/examples.test.ts synthesizes
// each and checks that the README quotes it verbatim, so the documentation cannot drift.
import { Construct } from "constructs";
import {
  BatchTaskDefinition,
  EcsEventTarget,
  IamRole,
  JobLogGroup,
  ScheduleRule,
  ScheduledJob,
} from "../modules";

const CLUSTER_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const SUBNET_IDS = ["subnet-0123456789abcdef0"];

// example: IamRole
export function iamRoleExample(scope: Construct) {
  const role = new IamRole(scope, "ReportRole", {
    name: "nightly-report-task",
    identifier: "ecs-tasks.amazonaws.com",
    policy: {
      statements: [
        {
          sid: "WriteReports",
          actions: ["s3:PutObject"],
          resources: ["arn:aws:s3:::example-reports/nightly/*"],
        },
      ],
    },
  });
  return role.roleArn; // and role.roleName
}

// example: ScheduleRule
export function scheduleRuleExample(scope: Construct) {
  new ScheduleRule(scope, "Rule", {
    name: "example-batch",
    description: "important batch process",
    scheduleExpression: "cron(*/2 * * * ? *)", // every two minutes, UTC
  });
}

// example: EcsEventTarget
export function ecsEventTargetExample(scope: Construct) {
  new EcsEventTarget(scope, "Target", {
    ruleName: "example-batch",
    clusterArn: CLUSTER_ARN,
    taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:1",
    roleArn: "arn:aws:iam::123456789012:role/example-batch-events",
    subnetIds: SUBNET_IDS,
    platformVersion: "1.3.0", // the book's; default "LATEST"
    retryPolicy: { maximumRetryAttempts: 10, maximumEventAgeSeconds: 900 },
  });
}

// example: BatchTaskDefinition
export function batchTaskDefinitionExample(scope: Construct) {
  new BatchTaskDefinition(scope, "TaskDefinition", {
    family: "nightly-report",
    cpu: 1024,
    memoryMiB: 2048,
    cpuArchitecture: "ARM64",
    executionRoleArn: "arn:aws:iam::123456789012:role/nightly-report-execution",
    containers: [
      {
        name: "report",
        image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/report:1a2b3c4",
        command: ["python", "-m", "report"],
        environment: { REPORT_DATE: "yesterday" },
        secrets: {
          DB_PASSWORD: {
            ssmParameterArn: "arn:aws:ssm:ap-northeast-1:123456789012:parameter/report/db-password",
          },
        },
        logging: { logGroupName: "/ecs-scheduled-tasks/nightly-report", region: "ap-northeast-1" },
      },
    ],
  });
}

// example: JobLogGroup
export function jobLogGroupExample(scope: Construct) {
  new JobLogGroup(scope, "Logs", {
    jobName: "example-batch",
    logGroupName: "/ecs-scheduled-tasks/example", // default /ecs-scheduled-tasks/<jobName>
    retentionDays: 180,
  });
}

// example: ScheduledJob
export function scheduledJobExample(scope: Construct) {
  new ScheduledJob(scope, "example-batch", {
    jobName: "example-batch",
    description: "important batch process",
    scheduleExpression: "cron(*/2 * * * ? *)",
    clusterArn: CLUSTER_ARN,
    subnetIds: SUBNET_IDS,
    securityGroupIds: ["sg-0123456789abcdef0"],
    container: { image: "alpine:3.20", command: ["/bin/date"] },
    logGroupName: "/ecs-scheduled-tasks/example",
  });
}
