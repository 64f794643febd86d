import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { TerraformVariable } from "cdktf";
import { EcsEventTarget, EcsEventTargetProps, JobRun } from "../../../modules";
import { emptyStack, onlyResource, synthesize } from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const TASK_DEFINITION = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:3";
const ROLE = "arn:aws:iam::123456789012:role/example-batch-events";

const BOOK_RUN: JobRun = {
  taskDefinitionArn: TASK_DEFINITION,
  placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"] },
};

const BOOK_TARGET: EcsEventTargetProps = {
  ruleName: "example-batch",
  roleArn: ROLE,
  run: BOOK_RUN,
};

/** The book's run with other placement and launch settings. */
function runWith(
  placement: Partial<JobRun["placement"]>,
  launch: JobRun["launch"] = undefined,
): JobRun {
  return { ...BOOK_RUN, placement: { ...BOOK_RUN.placement, ...placement }, launch };
}

function targetOf(props: EcsEventTargetProps): Record<string, unknown> {
  const { json } = synthesize((scope) => new EcsEventTarget(scope, "Target", props));
  return onlyResource(json, "aws_cloudwatch_event_target");
}

describe("EcsEventTarget", () => {
  it("runs the task definition on Fargate in the cluster with the events role", () => {
    const { text } = synthesize((scope) => new EcsEventTarget(scope, "Target", BOOK_TARGET));
    expect(text).toHaveResourceWithProperties(CloudwatchEventTarget, {
      rule: "example-batch",
      target_id: "example-batch",
      arn: CLUSTER,
      role_arn: ROLE,
    });
    expect(targetOf(BOOK_TARGET).ecs_target).toMatchObject({
      launch_type: "FARGATE",
      task_count: 1,
      task_definition_arn: TASK_DEFINITION,
    });
  });

  it("defaults to platform LATEST, no public IP, propagated tags and ECS managed tags", () => {
    expect(targetOf(BOOK_TARGET).ecs_target).toEqual({
      launch_type: "FARGATE",
      platform_version: "LATEST",
      task_count: 1,
      task_definition_arn: TASK_DEFINITION,
      propagate_tags: "TASK_DEFINITION",
      enable_ecs_managed_tags: true,
      network_configuration: {
        subnets: ["subnet-0123456789abcdef0"],
        assign_public_ip: false,
      },
    });
  });

  it("drops a run that cannot start within an hour by default, retrying meanwhile", () => {
    expect(targetOf(BOOK_TARGET).retry_policy).toEqual({
      maximum_retry_attempts: 185,
      maximum_event_age_in_seconds: 3600,
    });
    expect(targetOf(BOOK_TARGET)).not.toHaveProperty("dead_letter_config");
  });

  it("takes the book's platform 1.3.0 and every other setting", () => {
    const target = targetOf({
      ...BOOK_TARGET,
      targetId: "nightly",
      run: runWith(
        {
          platformVersion: "1.3.0",
          securityGroupIds: ["sg-0123456789abcdef0"],
          assignPublicIp: true,
        },
        { taskCount: 2, propagateTags: false, enableEcsManagedTags: false },
      ),
      retryPolicy: { maximumRetryAttempts: 0, maximumEventAgeSeconds: 60 },
      deadLetterQueueArn: "arn:aws:sqs:ap-northeast-1:123456789012:batch-dlq",
    });
    expect(target.target_id).toBe("nightly");
    expect(target.ecs_target).toEqual({
      launch_type: "FARGATE",
      platform_version: "1.3.0",
      task_count: 2,
      task_definition_arn: TASK_DEFINITION,
      enable_ecs_managed_tags: false,
      network_configuration: {
        subnets: ["subnet-0123456789abcdef0"],
        security_groups: ["sg-0123456789abcdef0"],
        assign_public_ip: true,
      },
    });
    expect(target.retry_policy).toEqual({
      maximum_retry_attempts: 0,
      maximum_event_age_in_seconds: 60,
    });
    expect(target.dead_letter_config).toEqual({
      arn: "arn:aws:sqs:ap-northeast-1:123456789012:batch-dlq",
    });
  });

  it("leaves the target id to Terraform when the rule name is a reference and no id is given", () => {
    const { json } = synthesize((scope) => {
      const ruleName = new TerraformVariable(scope, "rule", { type: "string" }).stringValue;
      new EcsEventTarget(scope, "Target", { ...BOOK_TARGET, ruleName });
    });
    expect(onlyResource(json, "aws_cloudwatch_event_target")).not.toHaveProperty("target_id");
  });

  it.each<[string, Partial<EcsEventTargetProps>, RegExp]>([
    [
      "no subnets",
      { run: runWith({ subnetIds: [] }) },
      /test\/Target: run.placement.subnetIds: it is empty/,
    ],
    [
      "a platform version that is not one",
      { run: runWith({ platformVersion: "latest" }) },
      /test\/Target: run.placement.platformVersion: 'latest' is not a Fargate platform version/,
    ],
    [
      "a task count of 0",
      { run: runWith({}, { taskCount: 0 }) },
      /test\/Target: run.launch.taskCount: 0 is not valid: it must be a whole number from 1 to 10/,
    ],
    [
      "a task count of 11",
      { run: runWith({}, { taskCount: 11 }) },
      /run.launch.taskCount: 11 is not valid/,
    ],
    [
      "186 retry attempts",
      { retryPolicy: { maximumRetryAttempts: 186 } },
      /retryPolicy.maximumRetryAttempts: 186 is not valid: .* 0 to 185/,
    ],
    [
      "an event age of 59 s",
      { retryPolicy: { maximumEventAgeSeconds: 59 } },
      /retryPolicy.maximumEventAgeSeconds: 59 is not valid: .* 60 to 86400/,
    ],
    [
      "an event age of 86401 s",
      { retryPolicy: { maximumEventAgeSeconds: 86401 } },
      /maximumEventAgeSeconds: 86401/,
    ],
    [
      "a target id over 64 characters",
      { targetId: "t".repeat(65) },
      /test\/Target: targetId: target id 't{65}'/,
    ],
    [
      "a dead-letter queue that is not an SQS ARN",
      { deadLetterQueueArn: "batch-dlq" },
      /deadLetterQueueArn: 'batch-dlq' is not an SQS queue ARN/,
    ],
    [
      "a FIFO dead-letter queue",
      { deadLetterQueueArn: "arn:aws:sqs:ap-northeast-1:123456789012:dlq.fifo" },
      /deadLetterQueueArn: .*dlq.fifo' is a FIFO queue/,
    ],
  ])("rejects %s", (_, overrides, message) => {
    expect(
      () => new EcsEventTarget(emptyStack(), "Target", { ...BOOK_TARGET, ...overrides }),
    ).toThrow(message);
  });
});
