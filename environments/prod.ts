import { EnvironmentConfig } from "./environment-config";

/**
 * prod: jobs run in the platform team's existing cluster; logs are kept for a year. A merge to
 * main releases the sales report: its image is built, tagged with the commit's first 7
 * characters, pushed, and the stack deployed with that tag. The account, network, bucket and
 * connection, e-mail address and Slack IDs below are placeholders: replace them with your own.
 */
export const prod: EnvironmentConfig = {
  name: "prod",
  region: "ap-northeast-1",
  accountId: "333333333333",
  network: {
    subnetIds: ["subnet-0b1c2d3e4f5a60001", "subnet-0b1c2d3e4f5a60002", "subnet-0b1c2d3e4f5a60003"],
    securityGroupIds: ["sg-0b1c2d3e4f5a60001"],
  },
  cluster: { existing: { name: "platform-prod" } },
  backend: { s3: { bucket: "example-tfstate-prod-333333333333" } },
  defaultTags: { Project: "ecs-scheduled-batch", Owner: "platform" },
  // Failures go to on-call by e-mail and to Slack (AWS Chatbot: authorise the workspace first).
  notifications: {
    emailAddresses: ["batch-oncall@example.com"],
    slack: { workspaceId: "T0123456789", channelId: "C0123456789" },
  },
  images: { "sales-report": { keepImages: 50 } },
  release: {
    connectionArn:
      "arn:aws:codeconnections:ap-northeast-1:333333333333:connection/00000000-0000-0000-0000-000000000003",
    repository: "example-org/sales-report",
    imageRepository: "sales-report", // branch: main, the default for prod
  },
  jobs: [
    {
      jobName: "example-batch",
      description: "important batch process",
      schedule: "cron(0 18 * * ? *)",
      task: {
        cpu: 512,
        memoryMiB: 1024,
        container: { image: "alpine:3.20", command: ["/bin/date"] },
        logs: { groupName: "/ecs-scheduled-tasks/example", retentionDays: 365 },
      },
    },
    {
      jobName: "sales-report",
      description: "yesterday's sales report, from the released image",
      schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
      image: { repository: "sales-report" }, // tag: the release's commit hash (var.image_tag)
      task: { container: { command: ["python", "-m", "sales_report"] } },
      safeToRerun: true,
    },
  ],
};
