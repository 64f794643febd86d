import {
  CreateClusterCommand,
  DescribeTasksCommand,
  ECSClient,
  RegisterTaskDefinitionCommand,
  Task,
} from "@aws-sdk/client-ecs";
import { PutParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import {
  JOB_RUN_SPEC_VERSION,
  JobRunSpec,
  jobParameterName,
  jobParameterPrefix,
} from "../../../contract/job-run-spec";
import { MotoServer, REGION } from "./moto-server";

/** What the tests run against: one cluster, one Fargate job and its SSM parameter. */
export interface BatchFixture {
  readonly ecs: ECSClient;
  readonly ssm: SSMClient;
  readonly clusterArn: string;
  readonly taskDefinitionArn: string;
  /** moto's default subnets of the region. */
  readonly subnets: readonly string[];
  /** moto's default security group of the default VPC. */
  readonly securityGroups: readonly string[];
  /** The document stored as the job's SSM parameter. */
  readonly spec: JobRunSpec;
}

export const CLUSTER_NAME = "batch";
export const JOB_NAME = "job";
export const ENVIRONMENT = "test";
export const LOG_GROUP_NAME = "/ecs-scheduled-tasks/job";
export const LOG_STREAM_PREFIX = "batch";

export async function createBatchFixture(moto: MotoServer): Promise<BatchFixture> {
  const ecs = new ECSClient(moto.clientConfig);
  const ssm = new SSMClient(moto.clientConfig);
  const [subnets, securityGroups] = await Promise.all([
    ec2QueryValues(moto.endpoint, "DescribeSubnets", "subnetId", {
      "Filter.1.Name": "default-for-az",
      "Filter.1.Value.1": "true",
    }),
    ec2QueryValues(moto.endpoint, "DescribeSecurityGroups", "groupId", {
      "Filter.1.Name": "group-name",
      "Filter.1.Value.1": "default",
    }),
  ]);
  if (subnets.length === 0 || securityGroups.length === 0) {
    throw new Error(
      `moto has no default subnets (${subnets}) or security group (${securityGroups})`,
    );
  }

  const { cluster } = await ecs.send(new CreateClusterCommand({ clusterName: CLUSTER_NAME }));
  const { taskDefinition } = await ecs.send(
    new RegisterTaskDefinitionCommand({
      family: JOB_NAME,
      networkMode: "awsvpc",
      requiresCompatibilities: ["FARGATE"],
      cpu: "256",
      memory: "512",
      containerDefinitions: [
        {
          name: JOB_NAME,
          image: "public.ecr.aws/docker/library/busybox:latest",
          essential: true,
          // moto's RunTask adds up container memory and fails (HTTP 500) without it, although
          // Fargate only needs the task's.
          memory: 512,
          command: ["echo", "hello"],
          logConfiguration: {
            logDriver: "awslogs",
            options: {
              "awslogs-group": LOG_GROUP_NAME,
              "awslogs-region": REGION,
              "awslogs-stream-prefix": LOG_STREAM_PREFIX,
            },
          },
        },
      ],
    }),
  );
  const clusterArn = cluster?.clusterArn;
  const taskDefinitionArn = taskDefinition?.taskDefinitionArn;
  if (clusterArn === undefined || taskDefinitionArn === undefined) {
    throw new Error("moto returned no cluster or task definition ARN");
  }

  const spec: JobRunSpec = {
    version: JOB_RUN_SPEC_VERSION,
    job: JOB_NAME,
    cluster: clusterArn,
    taskDefinitionFamily: JOB_NAME,
    taskDefinitionArn,
    containerName: JOB_NAME,
    launchType: "FARGATE",
    platformVersion: "LATEST",
    network: { subnets, securityGroups, assignPublicIp: "DISABLED" },
    propagateTags: "TASK_DEFINITION",
    enableEcsManagedTags: true,
    logGroupName: LOG_GROUP_NAME,
    logStreamPrefix: LOG_STREAM_PREFIX,
    region: REGION,
    safeToRerun: true,
  };
  await ssm.send(
    new PutParameterCommand({
      Name: jobParameterName(jobParameterPrefix(ENVIRONMENT), JOB_NAME),
      Type: "String",
      Value: JSON.stringify(spec),
      Overwrite: true,
    }),
  );
  return { ecs, ssm, clusterArn, taskDefinitionArn, subnets, securityGroups, spec };
}

/** The task as DescribeTasks shows it. Each call moves a moto task one state on. */
export async function describeTask(fixture: BatchFixture, taskArn: string): Promise<Task> {
  const { tasks = [], failures = [] } = await fixture.ecs.send(
    new DescribeTasksCommand({ cluster: fixture.clusterArn, tasks: [taskArn] }),
  );
  if (tasks.length !== 1) {
    throw new Error(`DescribeTasks ${taskArn}: ${JSON.stringify({ tasks, failures })}`);
  }
  return tasks[0];
}

/**
 * One field of every item an EC2 Query API call lists. @aws-sdk/client-ec2 is not a dependency,
 * and moto accepts any signature: the Authorization header only tells it the service and region.
 */
async function ec2QueryValues(
  endpoint: string,
  action: string,
  field: string,
  params: Record<string, string>,
): Promise<string[]> {
  const response = await fetch(endpoint, {
    method: "POST",
    headers: {
      "Content-Type": "application/x-www-form-urlencoded",
      Authorization: `AWS4-HMAC-SHA256 Credential=testing/20260101/${REGION}/ec2/aws4_request, SignedHeaders=host, Signature=0`,
    },
    body: new URLSearchParams({ Action: action, Version: "2016-11-15", ...params }),
  });
  const xml = await response.text();
  if (!response.ok) throw new Error(`EC2 ${action}: HTTP ${response.status}: ${xml}`);
  return [...xml.matchAll(new RegExp(`<${field}>([^<]+)</${field}>`, "g"))].map((m) => m[1]);
}
