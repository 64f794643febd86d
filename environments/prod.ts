import { EnvironmentConfig } from "./environment-config";

/**
 * prod: jobs run in the platform team's existing cluster; logs are kept for a year. The
 * account, network and bucket below are placeholders: replace them with your own.
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
  jobs: [
    {
      jobName: "example-batch",
      description: "important batch process",
      scheduleExpression: "cron(0 18 * * ? *)",
      cpu: 512,
      memoryMiB: 1024,
      container: { image: "alpine:3.20", command: ["/bin/date"] },
      logGroupName: "/ecs-scheduled-tasks/example",
      logRetentionDays: 365,
    },
  ],
};
