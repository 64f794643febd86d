import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import { ScheduledJob, ScheduledJobProps } from "../../../modules";
import { FailureTopic } from "../../../modules/failure-notification";
import {
  emptyStack,
  ref,
  resourceAt,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";

const BOOK_JOB: ScheduledJobProps = {
  jobName: "example-batch",
  description: "important batch process",
  scheduleExpression: "cron(*/2 * * * ? *)",
  clusterArn: CLUSTER,
  subnetIds: ["subnet-0123456789abcdef0"],
  securityGroupIds: ["sg-0123456789abcdef0"],
  region: "ap-northeast-1",
  container: { image: "alpine:3.20", command: ["/bin/date"] },
  logGroupName: "/ecs-scheduled-tasks/example",
};

function jobJson(props: Partial<ScheduledJobProps> = {}): TerraformJson {
  return synthesize((scope) => new ScheduledJob(scope, "job", { ...BOOK_JOB, ...props })).json;
}

describe("ScheduledJob", () => {
  describe("given the book's sample job", () => {
    const { text, json } = synthesize((scope) => new ScheduledJob(scope, "job", BOOK_JOB));

    it("creates exactly the job's resources", () => {
      expect(Object.keys(json.resource ?? {}).sort()).toEqual([
        "aws_cloudwatch_event_rule",
        "aws_cloudwatch_event_target",
        "aws_cloudwatch_log_group",
        "aws_ecs_task_definition",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_sqs_queue",
        "aws_sqs_queue_policy",
        "aws_ssm_parameter",
      ]);
      expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toHaveLength(2);
    });

    it("creates the log group with the book's name and a year's retention", () => {
      expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
        name: "/ecs-scheduled-tasks/example",
        retention_in_days: 365,
      });
    });

    it("creates the task definition with the job name as family and awslogs into the group", () => {
      expect(text).toHaveResourceWithProperties(EcsTaskDefinition, {
        family: "example-batch",
        cpu: "256",
        memory: "512",
      });
      const task = resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition");
      expect(task.execution_role_arn).toMatch(ref("aws_iam_role", "job_ExecutionRole", "arn"));
      const [container] = JSON.parse(task.container_definitions as string);
      expect(container).toMatchObject({
        name: "example-batch",
        image: "alpine:3.20",
        command: ["/bin/date"],
        essential: true,
      });
      expect(container.logConfiguration).toEqual({
        logDriver: "awslogs",
        options: {
          "awslogs-group": expect.stringMatching(
            ref("aws_cloudwatch_log_group", "job_LogGroup", "name"),
          ),
          "awslogs-region": "ap-northeast-1",
          "awslogs-stream-prefix": "batch",
        },
      });
    });

    it("creates the rule and a target that runs this revision in the cluster", () => {
      expect(text).toHaveResourceWithProperties(CloudwatchEventRule, {
        name: "example-batch",
        description: "important batch process",
        schedule_expression: "cron(*/2 * * * ? *)",
      });
      expect(text).toHaveResourceWithProperties(CloudwatchEventTarget, {
        target_id: "example-batch",
        arn: CLUSTER,
      });
      const target = resourceAt(json, "aws_cloudwatch_event_target", "job/Target");
      expect(target.rule).toMatch(ref("aws_cloudwatch_event_rule", "job_Rule", "name"));
      expect(target.role_arn).toMatch(ref("aws_iam_role", "job_EventsRole", "arn"));
      expect(target.ecs_target).toMatchObject({
        task_definition_arn: expect.stringMatching(
          ref("aws_ecs_task_definition", "job_TaskDefinition", "arn"),
        ),
        network_configuration: {
          subnets: ["subnet-0123456789abcdef0"],
          security_groups: ["sg-0123456789abcdef0"],
          assign_public_ip: false,
        },
      });
    });

    describe("the dead-letter queue", () => {
      const queue = resourceAt(json, "aws_sqs_queue", "job/DeadLetterQueue");
      const queuePolicy = resourceAt(json, "aws_sqs_queue_policy", "job/DeadLetterQueue/Policy");

      it("is an encrypted queue named after the job that keeps runs for 14 days", () => {
        expect(queue).toMatchObject({
          name: "example-batch-dlq",
          sqs_managed_sse_enabled: true,
          message_retention_seconds: 1209600,
        });
      });

      it("receives the runs the target could not start", () => {
        const target = resourceAt(json, "aws_cloudwatch_event_target", "job/Target");
        expect(target.dead_letter_config).toEqual({
          arn: expect.stringMatching(ref("aws_sqs_queue", "job_DeadLetterQueue", "arn")),
        });
      });

      it("lets EventBridge send to it on behalf of this job's rule only", () => {
        expect(queuePolicy.queue_url).toMatch(ref("aws_sqs_queue", "job_DeadLetterQueue", "url"));
        const statements = JSON.parse(queuePolicy.policy as string).Statement;
        expect(statements.map((s: { Sid: string }) => s.Sid)).toEqual([
          "DenyInsecureTransport",
          "AllowEventBridgeRule1",
        ]);
        expect(statements[1]).toEqual({
          Sid: "AllowEventBridgeRule1",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["sqs:SendMessage"],
          Resource: [expect.stringMatching(ref("aws_sqs_queue", "job_DeadLetterQueue", "arn"))],
          Condition: {
            ArnEquals: {
              "aws:SourceArn": expect.stringMatching(
                ref("aws_cloudwatch_event_rule", "job_Rule", "arn"),
              ),
            },
          },
        });
      });
    });

    describe("the events role", () => {
      const role = resourceAt(json, "aws_iam_role", "job/EventsRole");
      const statements = statementsOf(
        resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
      );

      it("is assumed by EventBridge only", () => {
        expect(role.name).toBe("example-batch-events");
        expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
          {
            Effect: "Allow",
            Principal: { Service: "events.amazonaws.com" },
            Action: "sts:AssumeRole",
          },
        ]);
      });

      it("does not use the AWS managed AmazonEC2ContainerServiceEventsRole", () => {
        expect(text).not.toContain("AmazonEC2ContainerServiceEventsRole");
        expect(role).not.toHaveProperty("managed_policy_arns");
      });

      it("has exactly three statements", () => {
        expect(statements.map((s) => s.Sid)).toEqual([
          "RunThisJobsTaskDefinition",
          "PassThisJobsRolesToEcsTasks",
          "TagTasksAtLaunch",
        ]);
        expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
      });

      it("may run every revision of this job's family, in this cluster only", () => {
        const [runTask] = statements;
        expect(runTask.Action).toEqual(["ecs:RunTask"]);
        expect(runTask.Resource).toHaveLength(1);
        expect(runTask.Resource[0]).toMatch(
          /^\$\{aws_ecs_task_definition\.job_TaskDefinition_[0-9A-F]+\.arn_without_revision\}:\*$/,
        );
        expect(runTask.Condition).toEqual({ ArnEquals: { "ecs:cluster": CLUSTER } });
      });

      it("may pass only this job's execution role, and only to ECS tasks", () => {
        const passRole = statements[1];
        expect(passRole.Action).toEqual(["iam:PassRole"]);
        expect(passRole.Resource).toEqual([
          expect.stringMatching(ref("aws_iam_role", "job_ExecutionRole", "arn")),
        ]);
        expect(passRole.Condition).toEqual({
          StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" },
        });
      });

      it("may tag only tasks of this cluster, and only while RunTask creates them", () => {
        const tag = statements[2];
        expect(tag.Action).toEqual(["ecs:TagResource"]);
        expect(tag.Resource).toEqual(["arn:aws:ecs:ap-northeast-1:123456789012:task/batch/*"]);
        expect(tag.Condition).toEqual({ StringEquals: { "ecs:CreateAction": "RunTask" } });
      });

      it("has no wildcard resource anywhere", () => {
        for (const statement of statements) {
          expect(statement.Resource).not.toContain("*");
        }
      });
    });

    describe("the execution role", () => {
      const role = resourceAt(json, "aws_iam_role", "job/ExecutionRole");
      const statements = statementsOf(
        resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
      );

      it("is assumed by ECS tasks only", () => {
        expect(role.name).toBe("example-batch-execution");
        expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({
          Service: "ecs-tasks.amazonaws.com",
        });
      });

      it("may only write to the job's log group when the image is not from ECR", () => {
        expect(statements).toEqual([
          {
            Sid: "WriteJobLogs",
            Effect: "Allow",
            Action: ["logs:CreateLogStream", "logs:PutLogEvents"],
            Resource: [
              expect.stringMatching(
                /^\$\{aws_cloudwatch_log_group\.job_LogGroup_[0-9A-F]+\.arn\}:log-stream:\*$/,
              ),
            ],
          },
        ]);
      });
    });
  });

  it("pulls only from the ECR repositories of its images", () => {
    const json = jobJson({
      container: { image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/batch/job:1a2b3c4" },
      sidecars: [
        {
          name: "proxy",
          image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/proxy@sha256:" + "a".repeat(64),
        },
        { name: "hub", image: "public.ecr.aws/docker/library/busybox:latest" },
      ],
    });
    const statements = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    );
    expect(statements.find((s) => s.Sid === "AuthenticateToEcr")).toEqual({
      Sid: "AuthenticateToEcr",
      Effect: "Allow",
      Action: ["ecr:GetAuthorizationToken"],
      Resource: ["*"],
    });
    expect(statements.find((s) => s.Sid === "PullJobImages")).toEqual({
      Sid: "PullJobImages",
      Effect: "Allow",
      Action: [
        "ecr:BatchCheckLayerAvailability",
        "ecr:GetDownloadUrlForLayer",
        "ecr:BatchGetImage",
      ],
      Resource: [
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/batch/job",
        "arn:aws:ecr:ap-northeast-1:123456789012:repository/proxy",
      ],
    });
  });

  it("pulls from the repositories given in ecrRepositoryArns instead", () => {
    const repository = "arn:aws:ecr:ap-northeast-1:123456789012:repository/job";
    const json = jobJson({ ecrRepositoryArns: [repository] });
    const statements = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    );
    expect(statements.find((s) => s.Sid === "PullJobImages")?.Resource).toEqual([repository]);
  });

  it("adds ecrRepositoryArns to the repositories of literal image URIs, without a warning", () => {
    const repository = "arn:aws:ecr:ap-northeast-1:123456789012:repository/job";
    const stack = emptyStack();
    const image = new TerraformVariable(stack, "image", { type: "string" }).stringValue;
    const job = new ScheduledJob(stack, "job", {
      ...BOOK_JOB,
      container: { image },
      sidecars: [
        { name: "proxy", image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/proxy:1" },
      ],
      ecrRepositoryArns: [repository],
    });
    expect(warningsOf(job)).toEqual([]);
    const statements = statementsOf(
      resourceAt(JSON.parse(Testing.synth(stack)), "aws_iam_policy", "job/ExecutionRole/Policy")
        .policy,
    );
    expect(statements.find((s) => s.Sid === "PullJobImages")?.Resource).toEqual([
      repository,
      "arn:aws:ecr:ap-northeast-1:123456789012:repository/proxy",
    ]);
  });

  it("warns, and may pull from any repository, when an image is only known at apply time", () => {
    const stack = emptyStack();
    const image = new TerraformVariable(stack, "image", { type: "string" }).stringValue;
    const job = new ScheduledJob(stack, "job", { ...BOOK_JOB, container: { image } });
    expect(warningsOf(job)).toEqual([
      expect.stringMatching(
        /an image is a reference resolved at apply time.*set ecrRepositoryArns/,
      ),
    ]);
  });

  it("may read exactly the job's secrets", () => {
    const ssm = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/batch/db-password";
    const secret = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:batch/api-AbCdEf";
    const json = jobJson({
      container: {
        image: "alpine:3.20",
        secrets: {
          DB_PASSWORD: { ssmParameterArn: ssm },
          API_TOKEN: { secretsManagerSecretArn: secret, jsonKey: "token" },
          API_USER: { secretsManagerSecretArn: secret, jsonKey: "user" },
        },
      },
    });
    const statements = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    );
    expect(statements.find((s) => s.Sid === "ReadJobParameters")).toMatchObject({
      Action: ["ssm:GetParameters"],
      Resource: [ssm],
    });
    expect(statements.find((s) => s.Sid === "ReadJobSecrets")).toMatchObject({
      Action: ["secretsmanager:GetSecretValue"],
      Resource: [secret],
    });
  });

  it("lets the events role pass the task role too, when the job has one", () => {
    const taskRoleArn = "arn:aws:iam::123456789012:role/example-batch-task";
    const json = jobJson({ taskRoleArn });
    const task = resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition");
    expect(task.task_role_arn).toBe(taskRoleArn);
    const passRole = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
    )[1];
    expect(passRole.Resource).toEqual([
      expect.stringMatching(ref("aws_iam_role", "job_ExecutionRole", "arn")),
      taskRoleArn,
    ]);
  });

  it("names the log group /ecs-scheduled-tasks/<job> by default", () => {
    const json = jobJson({ logGroupName: undefined });
    expect(resourceAt(json, "aws_cloudwatch_log_group", "job/LogGroup").name).toBe(
      "/ecs-scheduled-tasks/example-batch",
    );
  });

  it("adds sidecars as non-essential containers logging to the same group", () => {
    const json = jobJson({
      sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31" }],
      logStreamPrefix: "nightly",
    });
    const containers = JSON.parse(
      resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition")
        .container_definitions as string,
    );
    expect(
      containers.map((c: { name: string; essential: boolean }) => [c.name, c.essential]),
    ).toEqual([
      ["example-batch", true],
      ["proxy", false],
    ]);
    expect(containers[1].logConfiguration.options["awslogs-stream-prefix"]).toBe("nightly");
  });

  it("reads the region from the provider when none is given", () => {
    const { text, json } = synthesize((scope) => {
      new ScheduledJob(scope, "a", { ...BOOK_JOB, jobName: "a", region: undefined });
      new ScheduledJob(scope, "b", { ...BOOK_JOB, jobName: "b", region: undefined });
    });
    expect(text).toHaveDataSource(DataAwsRegion);
    expect(Object.keys(json.data?.aws_region ?? {})).toHaveLength(1);
    const [container] = JSON.parse(
      resourceAt(json, "aws_ecs_task_definition", "a/TaskDefinition")
        .container_definitions as string,
    );
    expect(container.logConfiguration.options["awslogs-region"]).toMatch(
      /^\$\{data\.aws_region\.ScheduledJobProviderRegion\.region\}$/,
    );
  });

  it("passes schedule, network and target settings through", () => {
    const json = jobJson({
      enabled: false,
      platformVersion: "1.4.0",
      taskCount: 2,
      retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 600 },
      deadLetterQueueArn: "arn:aws:sqs:ap-northeast-1:123456789012:dlq",
      cpu: 1024,
      memoryMiB: 2048,
      cpuArchitecture: "ARM64",
      ephemeralStorageGiB: 50,
      logRetentionDays: 30,
      tags: { CostCenter: "batch" },
    });
    expect(resourceAt(json, "aws_cloudwatch_event_rule", "job/Rule")).toMatchObject({
      state: "DISABLED",
      tags: { CostCenter: "batch" },
    });
    expect(resourceAt(json, "aws_cloudwatch_event_target", "job/Target")).toMatchObject({
      ecs_target: { platform_version: "1.4.0", task_count: 2 },
      retry_policy: { maximum_retry_attempts: 3, maximum_event_age_in_seconds: 600 },
      dead_letter_config: { arn: "arn:aws:sqs:ap-northeast-1:123456789012:dlq" },
    });
    expect(resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition")).toMatchObject({
      cpu: "1024",
      memory: "2048",
      runtime_platform: { cpu_architecture: "ARM64" },
      ephemeral_storage: { size_in_gib: 50 },
      tags: { CostCenter: "batch" },
    });
    expect(resourceAt(json, "aws_cloudwatch_log_group", "job/LogGroup").retention_in_days).toBe(30);
    expect(resourceAt(json, "aws_iam_role", "job/EventsRole").tags).toEqual({
      CostCenter: "batch",
    });
  });

  it("warns when the job gets a public IP", () => {
    const job = new ScheduledJob(emptyStack(), "job", { ...BOOK_JOB, assignPublicIp: true });
    expect(warningsOf(job)).toEqual([
      expect.stringMatching(/assignPublicIp is true; batch jobs belong in private subnets/),
    ]);
  });

  it("makes no dead-letter queue with deadLetterQueue false", () => {
    const json = jobJson({ deadLetterQueue: false });
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    expect(resourcesOf(json, "aws_sqs_queue_policy")).toEqual({});
    expect(resourceAt(json, "aws_cloudwatch_event_target", "job/Target")).not.toHaveProperty(
      "dead_letter_config",
    );
  });

  it("sends to the queue given in deadLetterQueueArn and makes none", () => {
    const queueArn = "arn:aws:sqs:ap-northeast-1:123456789012:shared-dlq";
    const json = jobJson({ deadLetterQueueArn: queueArn });
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    expect(resourcesOf(json, "aws_sqs_queue_policy")).toEqual({});
    expect(
      resourceAt(json, "aws_cloudwatch_event_target", "job/Target").dead_letter_config,
    ).toEqual({ arn: queueArn });
  });

  describe("without a scheduleExpression", () => {
    let job!: ScheduledJob;
    const { json } = synthesize((scope) => {
      job = new ScheduledJob(scope, "job", { ...BOOK_JOB, scheduleExpression: undefined });
    });

    it("makes the task, its log group and execution role, but no schedule", () => {
      expect(Object.keys(json.resource ?? {}).sort()).toEqual([
        "aws_cloudwatch_log_group",
        "aws_ecs_task_definition",
        "aws_iam_policy",
        "aws_iam_role",
        "aws_iam_role_policy_attachment",
        "aws_ssm_parameter",
      ]);
      expect(Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name)).toEqual([
        "example-batch-execution",
      ]);
    });

    it("has no schedule, rule, target or events role", () => {
      expect(job.schedule).toBeUndefined();
      expect(job.rule).toBeUndefined();
      expect(job.target).toBeUndefined();
      expect(job.eventsRole).toBeUndefined();
      expect(job.eventsRoleArn).toBeUndefined();
    });

    it.each<[keyof ScheduledJobProps, Partial<ScheduledJobProps>]>([
      ["enabled", { enabled: true }],
      ["scheduler", { scheduler: { timeZone: "Asia/Tokyo" } }],
      ["retryPolicy", { retryPolicy: { maximumRetryAttempts: 3 } }],
      ["deadLetterQueue", { deadLetterQueue: false }],
      ["deadLetterQueueArn", { deadLetterQueueArn: "arn:aws:sqs:ap-northeast-1:123456789012:q" }],
      ["eventsRoleArn", { eventsRoleArn: "arn:aws:iam::123456789012:role/shared-events" }],
    ])("refuses %s, which only configures a schedule", (field, option) => {
      expect(
        () =>
          new ScheduledJob(emptyStack(), "job", {
            ...BOOK_JOB,
            scheduleExpression: undefined,
            ...option,
          }),
      ).toThrow(
        `test/job: ${field}: it configures the job's schedule, but the job has no scheduleExpression`,
      );
    });
  });

  describe("safeToRerun", () => {
    it.each<[string, boolean | undefined, string]>([
      ["true", true, "true"],
      ["false", false, "false"],
      ["left out", undefined, "false"],
    ])("tags the task definition SafeToRerun when %s", (_, safeToRerun, tag) => {
      const json = jobJson({ safeToRerun, tags: { CostCenter: "batch" } });
      expect(resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition").tags).toEqual({
        CostCenter: "batch",
        SafeToRerun: tag,
      });
    });

    it("is exposed on the job, false by default", () => {
      const stack = emptyStack();
      expect(new ScheduledJob(stack, "a", { ...BOOK_JOB, jobName: "a" }).safeToRerun).toBe(false);
      expect(
        new ScheduledJob(stack, "b", { ...BOOK_JOB, jobName: "b", safeToRerun: true }).safeToRerun,
      ).toBe(true);
    });
  });

  describe("failureNotification", () => {
    const TOPIC = ref("aws_sns_topic", "failures", "arn");

    function notifiedJson(props: Partial<ScheduledJobProps> = {}): TerraformJson {
      return synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        new ScheduledJob(scope, "job", {
          ...BOOK_JOB,
          failureNotification: { topic, environment: "dev" },
          ...props,
        });
      }).json;
    }

    const alarmsOf = (json: TerraformJson) =>
      Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"));
    const ruleNamesOf = (json: TerraformJson) =>
      Object.values(resourcesOf(json, "aws_cloudwatch_event_rule")).map((r) => r.name);

    it("makes the <job>-failed rule, which sends to the topic", () => {
      const json = notifiedJson();
      const rule = resourceAt(json, "aws_cloudwatch_event_rule", "job/FailureNotification/Rule");
      expect(rule.name).toBe("example-batch-failed");
      expect(JSON.parse(rule.event_pattern as string).detail.group).toEqual([
        "family:example-batch",
      ]);
      const target = resourceAt(
        json,
        "aws_cloudwatch_event_target",
        "job/FailureNotification/TextTarget",
      );
      expect(target.arn).toMatch(TOPIC);
    });

    it("alarms on the job's rule's failed invocations and on its dead-letter queue", () => {
      const json = notifiedJson();
      const invocations = resourceAt(
        json,
        "aws_cloudwatch_metric_alarm",
        "job/FailureNotification/InvocationAlarm",
      );
      expect(invocations).toMatchObject({
        alarm_name: "example-batch-start-failed",
        namespace: "AWS/Events",
        metric_name: "FailedInvocations",
        alarm_actions: [expect.stringMatching(TOPIC)],
      });
      expect((invocations.dimensions as { RuleName: string }).RuleName).toMatch(
        ref("aws_cloudwatch_event_rule", "job_Rule", "name"),
      );
      expect(
        alarmsOf(json)
          .map((a) => a.alarm_name)
          .sort(),
      ).toEqual(["example-batch-runs-not-started", "example-batch-start-failed"]);
    });

    it("alarms on the dead-letter queue instead of a rule when the job runs on Scheduler", () => {
      const json = notifiedJson({ scheduler: { timeZone: "Asia/Tokyo" } });
      expect(ruleNamesOf(json)).toEqual(["example-batch-failed"]);
      const [alarm] = alarmsOf(json);
      expect(alarmsOf(json)).toHaveLength(1);
      expect(alarm).toMatchObject({
        alarm_name: "example-batch-runs-not-started",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
      });
      expect((alarm.dimensions as { QueueName: string }).QueueName).toMatch(
        ref("aws_sqs_queue", "job_DeadLetterQueue", "name"),
      );
    });

    it("makes no alarm for a job without a schedule", () => {
      const json = notifiedJson({ scheduleExpression: undefined });
      expect(alarmsOf(json)).toEqual([]);
      expect(ruleNamesOf(json)).toEqual(["example-batch-failed"]);
    });

    it("reads the exit code through a result filter state machine when the job has sidecars", () => {
      const json = notifiedJson({ sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31" }] });
      const filter = resourceAt(
        json,
        "aws_sfn_state_machine",
        "job/FailureNotification/ResultFilter",
      );
      expect(filter).toMatchObject({ name: "example-batch-result-filter", type: "EXPRESS" });
      const target = resourceAt(
        json,
        "aws_cloudwatch_event_target",
        "job/FailureNotification/FilterTarget",
      );
      expect(target.arn).toMatch(
        ref("aws_sfn_state_machine", "job_FailureNotification_ResultFilter", "arn"),
      );
    });

    it("sends straight to the topic, without a state machine, when the job has no sidecars", () => {
      expect(resourcesOf(notifiedJson(), "aws_sfn_state_machine")).toEqual({});
    });

    it("is refused for a job that runs an existing task definition", () => {
      const stack = emptyStack();
      const topic = new FailureTopic(stack, "failures", { name: "dev-batch-failures" });
      expect(
        () =>
          new ScheduledJob(stack, "job", {
            jobName: "legacy",
            scheduleExpression: "rate(1 day)",
            clusterArn: CLUSTER,
            subnetIds: ["subnet-0123456789abcdef0"],
            taskDefinition: {
              taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/x:1",
              executionRoleArn: "arn:aws:iam::123456789012:role/x",
            },
            failureNotification: { topic },
          }),
      ).toThrow(
        "test/job: failureNotification: it needs the job's container and log group, which an existing taskDefinition hides",
      );
    });
  });

  describe("preventOverlap", () => {
    function overlapJson(props: Partial<ScheduledJobProps> = {}): TerraformJson {
      return synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        new ScheduledJob(scope, "job", {
          ...BOOK_JOB,
          preventOverlap: true,
          failureNotification: { topic, environment: "dev" },
          ...props,
        });
      }).json;
    }
    const json = overlapJson();
    const stateMachine = resourceAt(json, "aws_sfn_state_machine", "job/Workflow");
    const asl = JSON.parse(stateMachine.definition as string) as {
      StartAt: string;
      States: Record<string, { Type: string; Branches?: { StartAt: string }[] }>;
    };

    it("schedules a one-job workflow named after the job instead of the task", () => {
      expect(stateMachine.name).toBe("example-batch");
      const target = resourceAt(json, "aws_cloudwatch_event_target", "job/Workflow/Target");
      expect(target.arn).toMatch(ref("aws_sfn_state_machine", "job/Workflow", "arn"));
      expect(target).not.toHaveProperty("ecs_target");
      expect(
        Object.values(resourcesOf(json, "aws_cloudwatch_event_target")).filter(
          (t) => "ecs_target" in t,
        ),
      ).toEqual([]);
      expect(
        Object.values(resourcesOf(json, "aws_cloudwatch_event_rule")).map((r) => r.name),
      ).toEqual(["example-batch"]);
    });

    it("lets its schedule only start that workflow", () => {
      const policy = resourceAt(json, "aws_iam_policy", "job/Workflow/EventsRole/Policy");
      expect(statementsOf(policy.policy)).toEqual([
        expect.objectContaining({
          Action: ["states:StartExecution"],
          Resource: [expect.stringMatching(/^\$\{aws_sfn_state_machine\.job_Workflow_/)],
        }),
      ]);
    });

    it("checks for a running execution before it runs the job", () => {
      expect(asl.StartAt).toBe("Check for a running execution");
      const stage = asl.States["Stage 1: example-batch"];
      expect(stage.Type).toBe("Parallel");
      expect(stage.Branches).toHaveLength(1);
    });

    it("reports failures from the workflow, once, instead of from every stopped task", () => {
      expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_rule"))).toHaveLength(1);
      expect(JSON.stringify(asl)).toContain("Notify example-batch failed");
      expect(
        resourceAt(json, "aws_cloudwatch_metric_alarm", "job/Workflow/InvocationAlarm").dimensions,
      ).toEqual({
        RuleName: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.job_Workflow_Rule_/),
      });
    });

    it.each([
      [
        "without a schedule",
        { scheduleExpression: undefined },
        "test/job: preventOverlap: it configures the job's schedule, but the job has no scheduleExpression",
      ],
      [
        "with eventsRoleArn",
        { eventsRoleArn: "arn:aws:iam::123456789012:role/shared-events" },
        "test/job: eventsRoleArn: with preventOverlap the schedule starts the job's workflow",
      ],
    ])("is refused %s", (_, props, message) => {
      expect(
        () =>
          new ScheduledJob(emptyStack(), "job", { ...BOOK_JOB, preventOverlap: true, ...props }),
      ).toThrow(message);
    });
  });

  describe("the runner's parameter", () => {
    const specOf = (json: TerraformJson) =>
      JSON.parse(resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").value as string);

    it("tells ecs-batch how to start the job, at /ecs-batch/<job>", () => {
      const json = jobJson({ safeToRerun: true });
      const parameter = resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter");
      expect(parameter).toMatchObject({
        name: "/ecs-batch/example-batch",
        type: "String",
        tier: "Standard",
      });
      expect(specOf(json)).toEqual({
        version: 1,
        job: "example-batch",
        cluster: CLUSTER,
        taskDefinitionFamily: "example-batch",
        taskDefinitionArn: expect.stringMatching(
          /^\$\{aws_ecs_task_definition\.job_TaskDefinition_[0-9A-F]{8}\.arn\}$/,
        ),
        containerName: "example-batch",
        launchType: "FARGATE",
        platformVersion: "LATEST",
        network: {
          subnets: ["subnet-0123456789abcdef0"],
          securityGroups: ["sg-0123456789abcdef0"],
          assignPublicIp: "DISABLED",
        },
        propagateTags: "TASK_DEFINITION",
        enableEcsManagedTags: true,
        logGroupName: expect.stringMatching(/^\$\{aws_cloudwatch_log_group\.job_LogGroup_/),
        logStreamPrefix: "batch",
        region: "ap-northeast-1",
        safeToRerun: true,
      });
    });

    it("follows the job's run options and container name", () => {
      const spec = specOf(
        jobJson({
          platformVersion: "1.4.0",
          assignPublicIp: true,
          propagateTags: false,
          enableEcsManagedTags: false,
          logStreamPrefix: "nightly",
          container: { name: "app", image: "alpine:3.20" },
        }),
      );
      expect(spec).toMatchObject({
        containerName: "app",
        platformVersion: "1.4.0",
        network: { assignPublicIp: "ENABLED" },
        enableEcsManagedTags: false,
        logStreamPrefix: "nightly",
      });
      expect(spec).not.toHaveProperty("propagateTags");
    });

    it("takes another prefix, or none", () => {
      const json = jobJson({ runnerParameterPrefix: "/ecs-batch/prod/" });
      expect(resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").name).toBe(
        "/ecs-batch/prod/example-batch",
      );
      expect(resourcesOf(jobJson({ runnerParameterPrefix: false }), "aws_ssm_parameter")).toEqual(
        {},
      );
    });

    it("leaves a public IP and safeToRerun that are Terraform variables to Terraform", () => {
      const { json } = synthesize((scope) => {
        const flag = (id: string) =>
          new TerraformVariable(scope, id, { type: "bool" }).booleanValue as unknown as boolean;
        const job = new ScheduledJob(scope, "job", {
          ...BOOK_JOB,
          assignPublicIp: flag("public_ip"),
          safeToRerun: flag("rerun"),
        });
        // Whether there will be a public IP is not known yet: nothing to warn about.
        expect(warningsOf(job)).toEqual([]);
      });
      const value = resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").value as string;
      expect(value).toContain('"assignPublicIp":"${var.public_ip ? "ENABLED" : "DISABLED"}"');
      expect(value).toContain('"safeToRerun":${jsonencode(var.rerun)}');
    });

    it("writes subnets known only at apply time as a JSON array expression", () => {
      const { json } = synthesize((scope) => {
        const subnets = new TerraformVariable(scope, "subnets", { type: "list(string)" });
        new ScheduledJob(scope, "job", { ...BOOK_JOB, subnetIds: subnets.listValue });
      });
      const value = resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").value as string;
      expect(value).toContain('"subnets":${jsonencode(var.subnets)}');
    });
  });

  describe("escape hatches", () => {
    it("uses an existing events role and creates none", () => {
      const eventsRoleArn = "arn:aws:iam::123456789012:role/shared-events";
      const json = jobJson({ eventsRoleArn });
      expect(Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name)).toEqual([
        "example-batch-execution",
      ]);
      expect(resourceAt(json, "aws_cloudwatch_event_target", "job/Target").role_arn).toBe(
        eventsRoleArn,
      );
    });

    it("runs an existing task definition: no log group, execution role or task definition made here", () => {
      const taskDefinition = {
        taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/legacy:7",
        executionRoleArn: "arn:aws:iam::123456789012:role/legacy-execution",
        taskRoleArn: "arn:aws:iam::123456789012:role/legacy-task",
      };
      const { text, json } = synthesize(
        (scope) =>
          new ScheduledJob(scope, "job", {
            jobName: "legacy",
            scheduleExpression: "rate(1 day)",
            clusterArn: CLUSTER,
            subnetIds: ["subnet-0123456789abcdef0"],
            taskDefinition,
          }),
      );
      expect(text).not.toHaveResource(EcsTaskDefinition);
      expect(text).not.toHaveResource(CloudwatchLogGroup);
      expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toHaveLength(1);
      expect(text).toHaveResourceWithProperties(IamRole, { name: "legacy-events" });
      expect(
        resourceAt(json, "aws_cloudwatch_event_target", "job/Target").ecs_target,
      ).toMatchObject({
        task_definition_arn: taskDefinition.taskDefinitionArn,
      });
      const [runTask, passRole] = statementsOf(
        resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
      );
      expect(runTask.Resource).toEqual([
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/legacy:*",
      ]);
      expect(passRole.Resource).toEqual([
        taskDefinition.executionRoleArn,
        taskDefinition.taskRoleArn,
      ]);
    });

    it("scopes RunTask to the family of an existing task definition known only at apply time", () => {
      const { json } = synthesize((scope) => {
        const arn = new TerraformVariable(scope, "task_definition_arn", { type: "string" })
          .stringValue;
        new ScheduledJob(scope, "job", {
          jobName: "legacy",
          scheduleExpression: "rate(1 day)",
          clusterArn: CLUSTER,
          subnetIds: ["subnet-0123456789abcdef0"],
          taskDefinition: {
            taskDefinitionArn: arn,
            executionRoleArn: "arn:aws:iam::123456789012:role/x",
          },
        });
      });
      const [runTask] = statementsOf(
        resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
      );
      expect(localBehind(json, runTask.Resource[0])).toBe(
        '${replace(var.task_definition_arn, "/(:[0-9]+)?$/", ":*")}',
      );
    });

    it("writes to an existing log group and creates none", () => {
      const logGroup = {
        logGroupName: "/shared/batch",
        logGroupArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/shared/batch",
      };
      const json = jobJson({ logGroupName: undefined, logGroup });
      expect(resourcesOf(json, "aws_cloudwatch_log_group")).toEqual({});
      const [container] = JSON.parse(
        resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition")
          .container_definitions as string,
      );
      expect(container.logConfiguration.options["awslogs-group"]).toBe("/shared/batch");
      const [writeLogs] = statementsOf(
        resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
      );
      expect(writeLogs.Resource).toEqual([`${logGroup.logGroupArn}:log-stream:*`]);
    });

    it("derives the task ARNs to tag from a cluster known only at apply time", () => {
      const { json } = synthesize((scope) => {
        const clusterArn = new TerraformVariable(scope, "cluster_arn", { type: "string" })
          .stringValue;
        new ScheduledJob(scope, "job", { ...BOOK_JOB, clusterArn });
      });
      const tag = statementsOf(
        resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
      )[2];
      expect(tag.Resource).toHaveLength(1);
      expect(localBehind(json, tag.Resource[0])).toBe(
        '${replace(var.cluster_arn, ":cluster/", ":task/")}/*',
      );
    });
  });

  describe("rejects at synth time, naming the job and the field", () => {
    it.each<[string, Partial<ScheduledJobProps>, RegExp]>([
      [
        "a Unix cron line",
        { scheduleExpression: "cron(*/2 * * * *)" },
        /test\/job\/Rule: scheduleExpression: schedule expression 'cron\(\*\/2 \* \* \* \*\)'.*cron\(\*\/2 \* \* \* \? \*\)/,
      ],
      [
        "a job name with a dot (not a task family)",
        { jobName: "example.batch" },
        /test\/job: jobName: 'example.batch' names a task definition family too/,
      ],
      [
        "a job name too long for its role names",
        { jobName: "j".repeat(60) },
        /test\/job: jobName: IAM role name 'j{60}-execution' has 70 characters: at most 64/,
      ],
      [
        "a Fargate size that does not exist",
        { cpu: 512, memoryMiB: 512 },
        /test\/job\/TaskDefinition: cpu\/memoryMiB: Fargate task size cpu=512 memory=512 MiB is not valid/,
      ],
      ["no container", { container: undefined }, /test\/job: container: the job needs a container/],
      [
        "a task definition and a container",
        {
          taskDefinition: {
            taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/x:1",
            executionRoleArn: "arn:aws:iam::123456789012:role/x",
          },
        },
        /test\/job: container: give either taskDefinition or the task's own settings/,
      ],
      [
        "an existing log group and a retention for a new one",
        {
          logGroupName: undefined,
          logRetentionDays: 30,
          logGroup: {
            logGroupName: "/x",
            logGroupArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/x",
          },
        },
        /test\/job: logRetentionDays: it configures a log group made here, but logGroup names an existing one/,
      ],
      [
        "ARM64 on platform 1.3.0",
        { platformVersion: "1.3.0", cpuArchitecture: "ARM64" },
        /test\/job: platformVersion: '1.3.0' does not support cpuArchitecture ARM64: use '1.4.0' or 'LATEST'/,
      ],
      [
        "8 vCPU on platform 1.3.0",
        { platformVersion: "1.3.0", cpu: 8192, memoryMiB: 16384 },
        /'1.3.0' does not support cpu 8192/,
      ],
      [
        "ephemeral storage on platform 1.3.0",
        { platformVersion: "1.3.0", ephemeralStorageGiB: 30 },
        /'1.3.0' does not support ephemeralStorageGiB/,
      ],
      ["no subnets", { subnetIds: [] }, /test\/job\/Target: subnetIds: it is empty/],
    ])("%s", (_, overrides, message) => {
      expect(() => new ScheduledJob(emptyStack(), "job", { ...BOOK_JOB, ...overrides })).toThrow(
        message,
      );
    });

    it("accepts the book's platform 1.3.0 for a job that needs nothing newer", () => {
      expect(
        () => new ScheduledJob(emptyStack(), "job", { ...BOOK_JOB, platformVersion: "1.3.0" }),
      ).not.toThrow();
    });
  });
});

/** The expression of the Terraform local that a `${local.NAME}` reference points at. */
function localBehind(json: TerraformJson, reference: string): unknown {
  const name = /^\$\{local\.([A-Za-z0-9_-]+)\}$/.exec(reference)?.[1];
  expect(name).toBeDefined();
  return json.locals?.[name!];
}

function warningsOf(scope: Construct): string[] {
  return scope.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
}
