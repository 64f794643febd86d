import { EnvironmentConfig } from "./environment-config";

/**
 * stg: the network is looked up by tags, so the config survives a VPC rebuild; failures are
 * e-mailed. The account, bucket and address below are placeholders: replace them with your own.
 */
export const stg: EnvironmentConfig = {
  name: "stg",
  region: "ap-northeast-1",
  accountId: "222222222222",
  network: {
    subnetTags: { Tier: "private" },
    securityGroupTags: { Role: "batch" },
  },
  cluster: { create: { name: "batch-stg" } },
  backend: { s3: { bucket: "example-tfstate-stg-222222222222" } },
  defaultTags: { Project: "ecs-scheduled-batch", Owner: "platform" },
  notifications: { emailAddresses: ["batch-alerts@example.com"] },
  jobs: [
    {
      jobName: "example-batch",
      description: "important batch process",
      schedule: "cron(0 * * * ? *)",
      task: {
        container: { image: "alpine:3.20", command: ["/bin/date"] },
        logs: { groupName: "/ecs-scheduled-tasks/example" },
      },
    },
  ],
};
