// The examples of docs/constructs.md, one per construct of the library (and a few more that
// docs/ pages show). test/examples.test.ts synthesizes each and checks that the docs quote it
// verbatim, so the documentation cannot drift.
import { Construct } from "constructs";
import {
  ArtifactsBucket,
  BatchJob,
  BatchTaskDefinition,
  DeadLetterQueue,
  EcrRepository,
  EcsEventTarget,
  FailureNoticeFilter,
  FailureTopic,
  GithubDeployRole,
  IamRole,
  IamScope,
  JobFailureNotification,
  JobLogGroup,
  JobWorkflow,
  PermissionsBoundary,
  ReleasePipeline,
  RunLedger,
  RunDashboard,
  alarmArnsIn,
  ScheduleRule,
  SchedulerSchedule,
  StackDeployPolicy,
  stackDeployStatements,
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
    roleArn: "arn:aws:iam::123456789012:role/example-batch-events",
    run: {
      taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:1",
      placement: {
        clusterArn: CLUSTER_ARN,
        subnetIds: SUBNET_IDS,
        platformVersion: "1.3.0", // the book's; default "LATEST"
      },
    },
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

// example: BatchJob
export function batchJobExample(scope: Construct) {
  new BatchJob(scope, "example-batch", {
    jobName: "example-batch",
    description: "important batch process",
    schedule: "cron(*/2 * * * ? *)", // a rule, in UTC; or { rule } / { scheduler }, or none
    placement: {
      clusterArn: CLUSTER_ARN,
      subnetIds: SUBNET_IDS,
      securityGroupIds: ["sg-0123456789abcdef0"],
    },
    task: {
      container: { image: "alpine:3.20", command: ["/bin/date"] },
      logs: { groupName: "/ecs-scheduled-tasks/example" },
    },
  });
}

// example: SchedulerSchedule
export function schedulerScheduleExample(scope: Construct) {
  new SchedulerSchedule(scope, "Schedule", {
    name: "nightly-report",
    scheduleExpression: "cron(0 3 * * ? *)", // 03:00 in Tokyo, daylight saving handled
    timeZone: "Asia/Tokyo",
    flexibleTimeWindowMinutes: 15,
    startDate: "2026-12-01T00:00:00+09:00",
    roleArn: "arn:aws:iam::123456789012:role/nightly-report-scheduler",
    target: {
      ecsTask: {
        taskDefinitionArn:
          "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report:3",
        placement: { clusterArn: CLUSTER_ARN, subnetIds: SUBNET_IDS },
      },
    },
    deadLetterQueueArn: "arn:aws:sqs:ap-northeast-1:123456789012:nightly-report-dlq",
  });
}

// example: DeadLetterQueue
export function deadLetterQueueExample(scope: Construct) {
  const queue = new DeadLetterQueue(scope, "DeadLetterQueue", { queueName: "example-batch-dlq" });
  // A rule's target may send to it only once the queue policy names the rule.
  queue.allowEventBridgeRule("arn:aws:events:ap-northeast-1:123456789012:rule/example-batch");
  return queue.queueArn;
}

// example: FailureTopic
export function failureTopicExample(scope: Construct) {
  return new FailureTopic(scope, "Failures", {
    name: "prod-batch-failures",
    emailAddresses: ["batch-alerts@example.com"],
    httpsEndpoints: ["https://hooks.example.com/aws-sns"],
    slack: { workspaceId: "T0123456789", channelId: "C0123456789" },
  });
}

// example: BatchJob failureNotification
export function batchJobFailureNotificationExample(scope: Construct) {
  const topic = new FailureTopic(scope, "Failures", { name: "prod-batch-failures" });
  new BatchJob(scope, "nightly-report", {
    jobName: "nightly-report",
    // EventBridge Scheduler instead of a UTC rule
    schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
    placement: { clusterArn: CLUSTER_ARN, subnetIds: SUBNET_IDS },
    task: { container: { image: "alpine:3.20", command: ["/bin/sh", "-c", "exit 1"] } },
    failureNotification: { topic, environment: "prod" },
  });
}

// example: JobFailureNotification
export function jobFailureNotificationExample(scope: Construct) {
  // BatchJob makes one for itself (failureNotification); this one watches a job whose task
  // definition is made elsewhere.
  const topic = new FailureTopic(scope, "Failures", { name: "prod-batch-failures" });
  new JobFailureNotification(scope, "LegacyExportFailures", {
    jobName: "legacy-export",
    environment: "prod",
    clusterArn: CLUSTER_ARN,
    family: "legacy-export",
    containerName: "export", // its exit code is the job's result
    logGroupName: "/ecs/legacy-export",
    logStreamPrefix: "ecs",
    rerunCommand: "ecs-batch run-task --cli-input-yaml legacy-export.yaml",
    topic,
  });
}

// example: FailureNoticeFilter
export function failureNoticeFilterExample(scope: Construct) {
  // A FailureTopic makes its own (topic.noticeFilter()); this one sends to a topic made
  // elsewhere, e.g. by the failure-notification Terraform module.
  const filter = new FailureNoticeFilter(scope, "Notices", {
    name: "prod-batch-failures-notices",
    destination: {
      deliveries: [
        { topicArn: "arn:aws:sns:ap-northeast-1:123456789012:prod-batch-failures", format: "text" },
      ],
      kmsKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:key/00000000-0000-0000-0000-000000000000",
    },
  });
  return filter.stateMachineArn; // the target of the jobs' failure rules
}

// example: RunLedger
export function runLedgerExample(scope: Construct) {
  // An environment makes its own; a library user names the jobs whose runs it records.
  const ledger = new RunLedger(scope, "RunLedger", {
    environment: "prod",
    clusterArns: [CLUSTER_ARN],
    jobs: [
      { name: "nightly-report", logGroupName: "/ecs-scheduled-tasks/nightly-report" },
      { name: "legacy-export", container: "exporter" }, // its output is elsewhere
    ],
    retentionDays: 400,
  });
  return ledger.logGroupName; // /aws/events/prod-batch-runs, for ecs-batch history
}

// example: JobWorkflow
export function jobWorkflowExample(scope: Construct) {
  const job = (jobName: string, command: string) =>
    new BatchJob(scope, jobName, {
      jobName,
      placement: { clusterArn: CLUSTER_ARN, subnetIds: SUBNET_IDS },
      task: { container: { image: "alpine:3.20", command: ["/bin/sh", "-c", command] } },
      safeToRerun: true, // no schedule: the workflow starts it
    });
  new JobWorkflow(scope, "nightly-sales", {
    workflowName: "nightly-sales",
    jobs: [
      { job: job("extract-sales", "echo extract"), retryOnExitCode: { attempts: 2 } },
      { job: job("build-report", "echo report"), dependsOn: ["extract-sales"] },
    ],
    schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
    preventOverlap: true,
    failureNotification: {
      topic: new FailureTopic(scope, "Failures", { name: "prod-batch-failures" }),
    },
  });
}

// example: RunDashboard
export function runDashboardExample(scope: Construct) {
  // Made after the jobs, workflows and notices, so that alarmArnsIn finds their alarms.
  return new RunDashboard(scope, "Dashboard", {
    environment: "prod", // the dashboard prod-batch, on the ledger /aws/events/prod-batch-runs
    jobs: [{ name: "extract-sales" }, { name: "build-sales-report" }],
    alarmArns: alarmArnsIn(scope),
  });
}

// example: EcrRepository
export function ecrRepositoryExample(scope: Construct) {
  const repository = new EcrRepository(scope, "Image", {
    repositoryName: "sales-report",
    keepImages: 30, // untagged images go after a day; tags are immutable, scanned on push
  });
  repository.allowPull("arn:aws:iam::123456789012:role/sales-report-execution");
  return repository.imageUri("1a2b3c4");
}

// example: ReleasePipeline
export function releasePipelineExample(scope: Construct) {
  const image = new EcrRepository(scope, "Image", { repositoryName: "sales-report" });
  new ReleasePipeline(scope, "Release", {
    environment: "prod",
    connectionArn:
      "arn:aws:codeconnections:ap-northeast-1:123456789012:connection/00000000-0000-0000-0000-000000000000",
    repository: "example-org/sales-report",
    branch: "main",
    imageRepository: image,
    stateBucket: "example-tfstate-prod-123456789012",
    stateKey: "ecs-scheduled-batch/prod.tfstate",
  });
}

// example: ArtifactsBucket
export function artifactsBucketExample(scope: Construct) {
  const artifacts = new ArtifactsBucket(scope, "Artifacts", {
    namePrefix: "prod-release", // the bucket prod-release-<suffix>, the key alias/prod-release
    purpose: "the artifacts of release pipeline prod-release",
    expireAfterDays: 14,
  });
  return artifacts.kmsKeyArn; // grant it, with the bucket, to the roles that use the artifacts
}

// example: GithubDeployRole
export function githubDeployRoleExample(scope: Construct) {
  const image = new EcrRepository(scope, "Image", { repositoryName: "sales-report" });
  return new GithubDeployRole(scope, "GithubDeploy", {
    environment: "prod",
    repository: "example-org/sales-report",
    branch: "main", // the only ref whose workflow may assume the role
    imageRepository: image,
    stateBucket: "example-tfstate-prod-123456789012",
    stateKey: "ecs-scheduled-batch/prod.tfstate",
  }).roleArn;
}

// example: IamScope
export function iamScopeExample(scope: Construct) {
  const prod = new Construct(scope, "Prod"); // usually the stack itself
  IamScope.of(prod).apply({
    namePrefix: "prod-", // every role and managed policy made in prod: prod-<name>
    permissionsBoundaryArn: "arn:aws:iam::123456789012:policy/prod-permissions-boundary",
  });
  // Its roles are prod-nightly-report-execution and -events, both with the boundary.
  return new BatchJob(prod, "NightlyReport", {
    jobName: "nightly-report",
    schedule: "cron(0 18 * * ? *)",
    placement: { clusterArn: CLUSTER_ARN, subnetIds: SUBNET_IDS },
    task: { container: { image: "alpine:3.20", command: ["/bin/date"] } },
  });
}

// example: PermissionsBoundary
export function permissionsBoundaryExample(scope: Construct) {
  const boundary = new PermissionsBoundary(scope, "Boundary", {
    name: "prod-permissions-boundary",
    partition: "aws",
    accountId: "123456789012",
    region: "ap-northeast-1",
    roleNamePrefix: "prod-", // the only roles its roles may pass (to ECS tasks)
  });
  return boundary.policyArn; // give it to IamScope, and to the runner's role
}

// example: StackDeployPolicy
export function stackDeployPolicyExample(scope: Construct) {
  const deploy = new StackDeployPolicy(scope, "DeployPolicy", {
    name: "prod-ci-deploy", // prod-ci-deploy, prod-ci-deploy-2, ...: as many as the statements need
    roleName: "prod-ci",
    statements: stackDeployStatements({
      environment: "prod",
      partition: "aws",
      accountId: "123456789012",
      region: "ap-northeast-1",
    }),
  });
  return deploy.policies.length;
}
