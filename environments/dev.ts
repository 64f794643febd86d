import { EnvironmentConfig } from "./environment-config";

/**
 * dev: the book's sample batch, in a cluster made for it, reporting failures; a nightly
 * workflow of two jobs at 03:00 Tokyo time, the second after the first; and the release pipeline
 * of the report's image. The account, subnets,
 * security group, bucket and e-mail address below are placeholders: replace them with your own.
 */
export const dev: EnvironmentConfig = {
  name: "dev",
  region: "ap-northeast-1",
  accountId: "111111111111",
  network: {
    subnetIds: ["subnet-0a1b2c3d4e5f60001", "subnet-0a1b2c3d4e5f60002"],
    securityGroupIds: ["sg-0a1b2c3d4e5f60001"],
  },
  cluster: { create: { name: "batch-dev" } },
  backend: { s3: { bucket: "example-tfstate-dev-111111111111" } },
  defaultTags: { Project: "ecs-scheduled-batch", Owner: "platform" },
  notifications: { emailAddresses: ["batch-alerts@example.com"] },
  images: { "sales-report": {} },
  // A push to the dev branch releases the sales report here (develop -> stg, main -> prod).
  release: {
    connectionArn:
      "arn:aws:codeconnections:ap-northeast-1:111111111111:connection/00000000-0000-0000-0000-000000000001",
    repository: "example-org/sales-report",
    branch: "dev",
    imageRepository: "sales-report",
  },
  jobs: [
    {
      jobName: "example-batch",
      description: "important batch process",
      schedule: "cron(*/2 * * * ? *)", // an EventBridge rule, in UTC
      task: {
        cpu: 256,
        memoryMiB: 512,
        container: { image: "alpine:3.20", command: ["/bin/date"] },
        logs: { groupName: "/ecs-scheduled-tasks/example" },
      },
      safeToRerun: true,
    },
    {
      jobName: "extract-sales",
      description: "exports yesterday's sales",
      task: {
        container: { image: "alpine:3.20", command: ["/bin/sh", "-c", "echo extracting sales"] },
      },
      safeToRerun: true,
    },
    {
      jobName: "build-sales-report",
      description: "builds the sales report from the export",
      image: { repository: "sales-report" }, // tag: the release's commit hash (var.image_tag)
      task: { container: { command: ["python", "-m", "sales_report"] } },
    },
  ],
  workflows: [
    {
      workflowName: "nightly-sales",
      description: "sales export, then the report built from it",
      schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
      preventOverlap: true,
      jobs: [
        { job: "extract-sales", retryOnExitCode: { attempts: 2 }, timeoutSeconds: 3600 },
        { job: "build-sales-report", dependsOn: ["extract-sales"], timeoutSeconds: 7200 },
      ],
    },
  ],
};
