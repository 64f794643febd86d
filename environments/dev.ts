import { EnvironmentConfig } from "./environment-config";

/**
 * dev: the book's sample batch, in a cluster made for it. The account, subnet, security group
 * and bucket below are placeholders: replace them with your own.
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
  jobs: [
    {
      jobName: "example-batch",
      description: "important batch process",
      scheduleExpression: "cron(*/2 * * * ? *)",
      cpu: 256,
      memoryMiB: 512,
      container: { image: "alpine:3.20", command: ["/bin/date"] },
      logGroupName: "/ecs-scheduled-tasks/example",
    },
  ],
};
