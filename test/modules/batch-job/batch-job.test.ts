import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { CloudwatchEventTarget } from "@cdktf/provider-aws/lib/cloudwatch-event-target";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { EcsTaskDefinition } from "@cdktf/provider-aws/lib/ecs-task-definition";
import { IamRole } from "@cdktf/provider-aws/lib/iam-role";
import { TerraformVariable, Testing } from "cdktf";
import { Construct } from "constructs";
import {
  BatchJob,
  BatchJobFromContainersProps,
  BatchJobFromExistingTaskProps,
  BatchJobProps,
  JobTaskOptions,
  RunPlacement,
} from "../../../modules";
import { jobParameterName, jobParameterPrefix } from "../../../contract/job-run-spec";
import { FailureTopic, NoticeJob } from "../../../modules/failure-notification";
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

const EXPRESSION = "cron(*/2 * * * ? *)";

const BOOK_TASK: JobTaskOptions = {
  container: { image: "alpine:3.20", command: ["/bin/date"] },
  logs: { groupName: "/ecs-scheduled-tasks/example", region: "ap-northeast-1" },
};

const BOOK_JOB: BatchJobFromContainersProps = {
  jobName: "example-batch",
  description: "important batch process",
  schedule: EXPRESSION,
  placement: {
    clusterArn: CLUSTER,
    subnetIds: ["subnet-0123456789abcdef0"],
    securityGroupIds: ["sg-0123456789abcdef0"],
  },
  task: BOOK_TASK,
};

/** The book's job with other task settings. */
function withTask(task: Partial<JobTaskOptions>): BatchJobFromContainersProps {
  return { ...BOOK_JOB, task: { ...BOOK_TASK, ...task } };
}

/** The book's job in another placement. */
function withPlacement(placement: Partial<RunPlacement>): BatchJobFromContainersProps {
  return { ...BOOK_JOB, placement: { ...BOOK_JOB.placement, ...placement } };
}

/** A job that runs a task definition made elsewhere. */
const LEGACY_JOB: BatchJobFromExistingTaskProps = {
  jobName: "legacy",
  schedule: "rate(1 day)",
  placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"] },
  existingTaskDefinition: {
    taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/legacy:7",
    executionRoleArn: "arn:aws:iam::123456789012:role/legacy-execution",
  },
};

function jobJson(props: Partial<BatchJobFromContainersProps> = {}): TerraformJson {
  return jobJsonOf({ ...BOOK_JOB, ...props });
}

function jobJsonOf(props: BatchJobProps): TerraformJson {
  return synthesize((scope) => new BatchJob(scope, "job", props)).json;
}

describe("BatchJob", () => {
  describe("given the book's sample job", () => {
    let job!: BatchJob;
    const { text, json } = synthesize((scope) => {
      job = new BatchJob(scope, "job", BOOK_JOB);
    });

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

      it("has exactly the three statements that start the job's tasks", () => {
        expect(statements.map((s) => s.Sid)).toEqual([
          "RunTheJobsTasks",
          "PassTheJobsRolesToEcsTasks",
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

    it("describes how its task starts: its run, which every starter renders", () => {
      expect(job.run).toEqual({
        taskDefinitionArn: job.taskDefinitionArn,
        placement: BOOK_JOB.placement,
        launch: undefined,
        container: {
          name: "example-batch",
          logs: {
            logGroupName: job.logGroupName,
            streamPrefix: "batch",
            region: "ap-northeast-1",
          },
        },
      });
    });

    it("describes what starting its tasks takes in IAM", () => {
      expect(job.access).toEqual({
        jobName: "example-batch",
        clusterArn: CLUSTER,
        clusterTasksArn: "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/*",
        taskDefinitionRevisionsArn: job.taskDefinitionRevisionsArn,
        passRoleArns: [job.executionRoleArn],
        optionalRoleArns: undefined,
      });
      expect(job.taskDefinitionRevisionsArn).toBe(`${job.taskDefinition!.familyArn}:*`);
    });
  });

  it("gives its events role and its Scheduler role the same statements to start it", () => {
    const startStatements = (props: BatchJobProps, policyPath: string) =>
      statementsOf(resourceAt(jobJsonOf(props), "aws_iam_policy", policyPath).policy).filter(
        (s) => s.Sid !== "SendUnstartedRunsToDeadLetterQueue",
      );
    const onRule = startStatements(BOOK_JOB, "job/EventsRole/Policy");
    const onScheduler = startStatements(
      { ...BOOK_JOB, schedule: { scheduler: { expression: EXPRESSION } } },
      "job/SchedulerRole/Policy",
    );
    expect(onScheduler).toEqual(onRule);
    expect(onRule.map((s) => s.Sid)).toEqual([
      "RunTheJobsTasks",
      "PassTheJobsRolesToEcsTasks",
      "TagTasksAtLaunch",
    ]);
  });

  it("pulls only from the ECR repositories of its images", () => {
    const json = jobJsonOf(
      withTask({
        container: {
          image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/batch/job:1a2b3c4",
        },
        sidecars: [
          {
            name: "proxy",
            image:
              "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/proxy@sha256:" + "a".repeat(64),
          },
          { name: "hub", image: "public.ecr.aws/docker/library/busybox:latest" },
        ],
      }),
    );
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

  it("pulls from the repositories given in task.ecrRepositoryArns instead", () => {
    const repository = "arn:aws:ecr:ap-northeast-1:123456789012:repository/job";
    const json = jobJsonOf(withTask({ ecrRepositoryArns: [repository] }));
    const statements = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    );
    expect(statements.find((s) => s.Sid === "PullJobImages")?.Resource).toEqual([repository]);
  });

  it("adds task.ecrRepositoryArns to the repositories of literal image URIs, without a warning", () => {
    const repository = "arn:aws:ecr:ap-northeast-1:123456789012:repository/job";
    const stack = emptyStack();
    const image = new TerraformVariable(stack, "image", { type: "string" }).stringValue;
    const job = new BatchJob(
      stack,
      "job",
      withTask({
        container: { image },
        sidecars: [
          { name: "proxy", image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/proxy:1" },
        ],
        ecrRepositoryArns: [repository],
      }),
    );
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
    const job = new BatchJob(stack, "job", withTask({ container: { image } }));
    expect(warningsOf(job)).toEqual([
      expect.stringMatching(
        /an image is a reference resolved at apply time.*set task.ecrRepositoryArns/,
      ),
    ]);
  });

  it("may read exactly the job's secrets", () => {
    const ssm = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/batch/db-password";
    const secret = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:batch/api-AbCdEf";
    const json = jobJsonOf(
      withTask({
        container: {
          image: "alpine:3.20",
          secrets: {
            DB_PASSWORD: { ssmParameterArn: ssm },
            API_TOKEN: { secretsManagerSecretArn: secret, jsonKey: "token" },
            API_USER: { secretsManagerSecretArn: secret, jsonKey: "user" },
          },
        },
      }),
    );
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
    let job!: BatchJob;
    const { json } = synthesize((scope) => {
      job = new BatchJob(scope, "job", withTask({ taskRoleArn }));
    });
    const task = resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition");
    expect(task.task_role_arn).toBe(taskRoleArn);
    const passRole = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
    )[1];
    expect(passRole.Resource).toEqual([
      expect.stringMatching(ref("aws_iam_role", "job_ExecutionRole", "arn")),
      taskRoleArn,
    ]);
    expect(job.access.passRoleArns).toEqual([job.executionRoleArn, taskRoleArn]);
  });

  describe("with a task role known only at apply time, which may be null", () => {
    let job!: BatchJob;
    const { json } = synthesize((scope) => {
      const taskRoleArn = new TerraformVariable(scope, "task_role_arn", {
        type: "string",
        nullable: true,
      }).stringValue;
      job = new BatchJob(scope, "job", withTask({ taskRoleArn }));
    });

    it("counts the role among those that may be null, not those always passed", () => {
      expect(job.access.passRoleArns).toEqual([job.executionRoleArn]);
      expect(job.access.optionalRoleArns).toEqual([job.taskRoleArn]);
    });

    it("lets its events role pass the roles through compact, so a null role drops out", () => {
      const policy = resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy as string;
      expect(policy).toMatch(
        /"Action":\["iam:PassRole"\],"Resource":\$\{jsonencode\(compact\(\[aws_iam_role\.job_ExecutionRole_[0-9A-F]{8}\.arn, var\.task_role_arn\]\)\)\},/,
      );
    });
  });

  it("names the log group /ecs-scheduled-tasks/<job> by default", () => {
    const json = jobJsonOf(withTask({ logs: { region: "ap-northeast-1" } }));
    expect(resourceAt(json, "aws_cloudwatch_log_group", "job/LogGroup").name).toBe(
      "/ecs-scheduled-tasks/example-batch",
    );
  });

  it("adds sidecars as non-essential containers logging to the same group", () => {
    const json = jobJsonOf(
      withTask({
        sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31" }],
        logs: { groupName: "/ecs-scheduled-tasks/example", streamPrefix: "nightly" },
      }),
    );
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
      new BatchJob(scope, "a", { ...withTask({ logs: {} }), jobName: "a" });
      new BatchJob(scope, "b", { ...withTask({ logs: {} }), jobName: "b" });
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
      schedule: {
        rule: {
          expression: EXPRESSION,
          enabled: false,
          retryPolicy: { maximumRetryAttempts: 3, maximumEventAgeSeconds: 600 },
          deadLetterQueue: { queueArn: "arn:aws:sqs:ap-northeast-1:123456789012:dlq" },
        },
      },
      placement: { ...BOOK_JOB.placement, platformVersion: "1.4.0" },
      launch: { taskCount: 2 },
      // The runner follows one task: a job that starts two a run has no runner parameter.
      runnerParameterPrefix: false,
      task: {
        ...BOOK_TASK,
        cpu: 1024,
        memoryMiB: 2048,
        cpuArchitecture: "ARM64",
        ephemeralStorageGiB: 50,
        logs: { groupName: "/ecs-scheduled-tasks/example", retentionDays: 30 },
      },
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
    const job = new BatchJob(emptyStack(), "job", withPlacement({ assignPublicIp: true }));
    expect(warningsOf(job)).toEqual([
      expect.stringMatching(/assignPublicIp is true; batch jobs belong in private subnets/),
    ]);
  });

  it("makes no dead-letter queue with deadLetterQueue false", () => {
    const json = jobJson({
      schedule: { rule: { expression: EXPRESSION, deadLetterQueue: false } },
    });
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    expect(resourcesOf(json, "aws_sqs_queue_policy")).toEqual({});
    expect(resourceAt(json, "aws_cloudwatch_event_target", "job/Target")).not.toHaveProperty(
      "dead_letter_config",
    );
  });

  it("sends to an existing dead-letter queue and makes none", () => {
    const queueArn = "arn:aws:sqs:ap-northeast-1:123456789012:shared-dlq";
    const json = jobJson({
      schedule: { rule: { expression: EXPRESSION, deadLetterQueue: { queueArn } } },
    });
    expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    expect(resourcesOf(json, "aws_sqs_queue_policy")).toEqual({});
    expect(
      resourceAt(json, "aws_cloudwatch_event_target", "job/Target").dead_letter_config,
    ).toEqual({ arn: queueArn });
  });

  describe("without a schedule", () => {
    let job!: BatchJob;
    const { json } = synthesize((scope) => {
      job = new BatchJob(scope, "job", { ...BOOK_JOB, schedule: undefined });
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

    // A schedule's options (enabled, retries, dead-letter queue, role, overlap) now sit inside
    // schedule, next to its expression: none can be given without one. tsc checks these.
    describe("refuses by its type a schedule's options without its expression", () => {
      it("Scheduler options without an expression", () => {
        const props: BatchJobProps = {
          ...BOOK_JOB,
          // @ts-expect-error: expression is required
          schedule: { scheduler: { timeZone: "Asia/Tokyo" } },
        };
        expect(() => new BatchJob(emptyStack(), "job", props)).toThrow();
      });

      it("rule options without an expression", () => {
        const props: BatchJobProps = {
          ...BOOK_JOB,
          // @ts-expect-error: expression is required
          schedule: { rule: { enabled: true, deadLetterQueue: false } },
        };
        expect(() => new BatchJob(emptyStack(), "job", props)).toThrow();
      });

      it("a role without a rule or Scheduler schedule", () => {
        const props: BatchJobProps = {
          ...BOOK_JOB,
          // @ts-expect-error: a schedule is an expression, { rule } or { scheduler }
          schedule: { roleArn: "arn:aws:iam::123456789012:role/shared-events" },
        };
        expect(() => new BatchJob(emptyStack(), "job", props)).toThrow();
      });

      it("preventOverlap without a rule or Scheduler schedule", () => {
        const props: BatchJobProps = {
          ...BOOK_JOB,
          // @ts-expect-error: a schedule is an expression, { rule } or { scheduler }
          schedule: { preventOverlap: true },
        };
        expect(() => new BatchJob(emptyStack(), "job", props)).toThrow();
      });
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
      expect(new BatchJob(stack, "a", { ...BOOK_JOB, jobName: "a" }).safeToRerun).toBe(false);
      expect(
        new BatchJob(stack, "b", { ...BOOK_JOB, jobName: "b", safeToRerun: true }).safeToRerun,
      ).toBe(true);
    });
  });

  describe("failureNotification", () => {
    const TOPIC = ref("aws_sns_topic", "failures", "arn");
    /** The topic's notice filter (an Express state machine) and the role EventBridge starts it with. */
    const NOTICE_FILTER = ref("aws_sfn_state_machine", "failures/NoticeFilter", "arn");
    const NOTICE_FILTER_EVENTS_ROLE = ref(
      "aws_iam_role",
      "failures/NoticeFilter/EventsRole",
      "arn",
    );

    function notifiedJson(props: Partial<BatchJobFromContainersProps> = {}): TerraformJson {
      return synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        new BatchJob(scope, "job", {
          ...BOOK_JOB,
          failureNotification: { topic, environment: "dev" },
          ...props,
        });
      }).json;
    }
    const json = notifiedJson();

    const ruleNamesOf = (json: TerraformJson) =>
      Object.values(resourcesOf(json, "aws_cloudwatch_event_rule")).map((r) => r.name);
    /** The alarms of the job at `path`; the notice filter's alarms are the topic's. */
    const jobAlarmsOf = (json: TerraformJson, path = "job") =>
      Object.entries(resourcesOf(json, "aws_cloudwatch_metric_alarm"))
        .filter(([id]) => id.startsWith(`${path}_`))
        .map(([, alarm]) => alarm);

    it("makes the <job>-failed rule on the job's stopped tasks: its cluster, any revision of its family", () => {
      const rule = resourceAt(json, "aws_cloudwatch_event_rule", "job/FailureNotification/Rule");
      expect(rule).toMatchObject({
        name: "example-batch-failed",
        description: "Stopped tasks of batch job example-batch, for the failure notice filter",
      });
      expect(JSON.parse(rule.event_pattern as string)).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [CLUSTER],
          lastStatus: ["STOPPED"],
          taskDefinitionArn: [
            { prefix: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:" },
          ],
        },
      });
    });

    it("sends them to the topic's notice filter, with the filter's events role, and nowhere else", () => {
      const { target } = noticeTargetOf(json);
      expect(target).toMatchObject({
        rule: expect.stringMatching(
          ref("aws_cloudwatch_event_rule", "job/FailureNotification/Rule", "name"),
        ),
        target_id: "notice-filter",
        arn: expect.stringMatching(NOTICE_FILTER),
        role_arn: expect.stringMatching(NOTICE_FILTER_EVENTS_ROLE),
        retry_policy: { maximum_retry_attempts: 185, maximum_event_age_in_seconds: 86400 },
      });
      // The whole event goes to the filter: nothing is picked out of it by the rule.
      expect(Object.keys(target.input_transformer as object)).toEqual(["input_template"]);
      // The job's schedule target and the notice filter target: no rule publishes to the topic.
      expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_target")).sort()).toEqual([
        expect.stringMatching(/^job_FailureNotification_FilterTarget_[0-9A-F]{8}$/),
        expect.stringMatching(/^job_Target_[0-9A-F]{8}$/),
      ]);
      expect(
        Object.values(resourcesOf(json, "aws_cloudwatch_event_target")).filter((t) =>
          TOPIC.test(t.arn as string),
        ),
      ).toEqual([]);
    });

    it("describes the job to the filter: its container, log group and stream prefix, whether and how to re-run it", () => {
      const { template, job } = noticeTargetOf(json);
      expect(template).toMatch(/^\{"job":\{.*\},"event":<aws\.events\.event\.json>\}$/);
      expect(job).toEqual({
        name: "example-batch",
        environment: "dev",
        clusterArn: CLUSTER,
        family: "example-batch",
        container: "example-batch",
        logGroupName: expect.stringMatching(
          ref("aws_cloudwatch_log_group", "job_LogGroup", "name"),
        ),
        logStreamPrefix: "batch",
        safeToRerun: false,
        rerun: "ecs-batch run example-batch --parameter-prefix /ecs-batch",
      });
      // Without a log router the job's output is in its log group: no destination to name.
      expect(job).not.toHaveProperty("logRouterDestination");
    });

    it("follows the job's container name, stream prefix, safeToRerun and environment prefix", () => {
      const { job } = noticeTargetOf(
        notifiedJson({
          safeToRerun: true,
          runnerParameterPrefix: "/ecs-batch/prod",
          task: {
            container: { name: "app", image: "alpine:3.20" },
            logs: { groupName: "/jobs/example", region: "ap-northeast-1", streamPrefix: "nightly" },
          },
        }),
      );
      expect(job).toMatchObject({
        container: "app",
        logStreamPrefix: "nightly",
        safeToRerun: true,
        rerun: "ecs-batch run example-batch --env prod",
      });
    });

    it("names the job's log group as it is, when the group is made elsewhere", () => {
      const logGroup = {
        logGroupName: "/shared/batch",
        logGroupArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/shared/batch",
      };
      const { job } = noticeTargetOf(
        notifiedJson(withTask({ logs: { existingLogGroup: logGroup, region: "ap-northeast-1" } })),
      );
      expect(job.logGroupName).toBe("/shared/batch");
    });

    it("tells how to start the task again with aws ecs run-task when the job has no runner parameter", () => {
      const { job } = noticeTargetOf(notifiedJson({ runnerParameterPrefix: false }));
      expect(job.rerun).toBe(
        `aws ecs run-task --cluster ${CLUSTER} --task-definition example-batch (with the job's network configuration)`,
      );
    });

    it("leaves the environment out of the description when none is given", () => {
      const { json: withoutEnvironment } = synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "batch-failures" });
        new BatchJob(scope, "job", { ...BOOK_JOB, failureNotification: { topic } });
      });
      expect(noticeTargetOf(withoutEnvironment).job).not.toHaveProperty("environment");
    });

    it("reads a job with sidecars the same way: its own container decides, found by name", () => {
      const withSidecar = notifiedJson(
        withTask({ sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31" }] }),
      );
      expect(noticeTargetOf(withSidecar).job).toEqual(noticeTargetOf(json).job);
      expect(noticeTargetOf(withSidecar).target.arn).toMatch(NOTICE_FILTER);
      expect(
        resourceAt(withSidecar, "aws_cloudwatch_event_rule", "job/FailureNotification/Rule")
          .event_pattern,
      ).toBe(
        resourceAt(json, "aws_cloudwatch_event_rule", "job/FailureNotification/Rule").event_pattern,
      );
      expect(Object.keys(withSidecar.resource ?? {}).sort()).toEqual(
        Object.keys(json.resource ?? {}).sort(),
      );
    });

    it("makes no state machine or role of its own: the topic's notice filter reads every job", () => {
      expect(
        Object.values(resourcesOf(json, "aws_sfn_state_machine"))
          .map((m) => [m.name, m.type])
          .sort(),
      ).toEqual([
        ["dev-batch-failures-notices", "STANDARD"],
        ["dev-batch-failures-notices-filter", "EXPRESS"],
      ]);
      for (const type of ["aws_sfn_state_machine", "aws_iam_role", "aws_cloudwatch_log_group"]) {
        expect(
          Object.keys(resourcesOf(json, type)).filter((id) =>
            id.startsWith("job_FailureNotification_"),
          ),
        ).toEqual([]);
      }
    });

    it("alarms on the job's rule's failed invocations and on its dead-letter queue", () => {
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
        jobAlarmsOf(json)
          .map((a) => a.alarm_name)
          .sort(),
      ).toEqual(["example-batch-runs-not-started", "example-batch-start-failed"]);
    });

    it("alarms on the dead-letter queue instead of a rule when the job runs on Scheduler", () => {
      const onScheduler = notifiedJson({
        schedule: { scheduler: { expression: EXPRESSION, timeZone: "Asia/Tokyo" } },
      });
      expect(ruleNamesOf(onScheduler)).toEqual(["example-batch-failed"]);
      const alarms = jobAlarmsOf(onScheduler);
      expect(alarms).toHaveLength(1);
      expect(alarms[0]).toMatchObject({
        alarm_name: "example-batch-runs-not-started",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
      });
      expect((alarms[0].dimensions as { QueueName: string }).QueueName).toMatch(
        ref("aws_sqs_queue", "job_DeadLetterQueue", "name"),
      );
    });

    it("makes no alarm for a job without a schedule, but still reads its stopped tasks", () => {
      const unscheduled = notifiedJson({ schedule: undefined });
      expect(jobAlarmsOf(unscheduled)).toEqual([]);
      expect(ruleNamesOf(unscheduled)).toEqual(["example-batch-failed"]);
      expect(noticeTargetOf(unscheduled).target.arn).toMatch(NOTICE_FILTER);
    });

    it("shares the topic's one notice filter among all the jobs that report to it", () => {
      let topic!: FailureTopic;
      const jobs: BatchJob[] = [];
      const { json: shared } = synthesize((scope) => {
        topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        jobs.push(
          new BatchJob(scope, "a", {
            ...BOOK_JOB,
            jobName: "report-a",
            failureNotification: { topic, environment: "dev" },
          }),
          new BatchJob(scope, "b", {
            ...BOOK_JOB,
            jobName: "report-b",
            schedule: { scheduler: { expression: EXPRESSION } },
            safeToRerun: true,
            failureNotification: { topic, environment: "dev" },
          }),
        );
      });
      const [a, b] = jobs.map((j) => j.failureNotification!);
      expect(a.noticeFilter).toBe(topic.noticeFilter());
      expect(b.noticeFilter).toBe(a.noticeFilter);

      // One filter and one sender, with their roles, log groups and alarms, whatever the jobs.
      expect(
        Object.values(resourcesOf(shared, "aws_sfn_state_machine"))
          .map((m) => m.name)
          .sort(),
      ).toEqual(["dev-batch-failures-notices", "dev-batch-failures-notices-filter"]);
      expect(
        Object.values(resourcesOf(shared, "aws_iam_role"))
          .map((r) => r.name as string)
          .filter((name) => name.startsWith("dev-batch-failures"))
          .sort(),
      ).toEqual([
        "dev-batch-failures-notices",
        "dev-batch-failures-notices-events",
        "dev-batch-failures-notices-filter",
      ]);
      expect(
        Object.values(resourcesOf(shared, "aws_cloudwatch_metric_alarm"))
          .map((alarm) => alarm.alarm_name as string)
          .filter((name) => name.startsWith("dev-batch-failures"))
          .sort(),
      ).toEqual(["dev-batch-failures-notices-failed", "dev-batch-failures-notices-filter-failed"]);

      // Each job's rule hands its own tasks, described as its own, to that filter.
      const targets = ["a", "b"].map((path) => noticeTargetOf(shared, path));
      for (const { target } of targets) {
        expect(target.arn).toMatch(NOTICE_FILTER);
        expect(target.role_arn).toMatch(NOTICE_FILTER_EVENTS_ROLE);
      }
      expect(targets.map(({ job }) => [job.name, job.family, job.safeToRerun, job.rerun])).toEqual([
        ["report-a", "report-a", false, "ecs-batch run report-a --parameter-prefix /ecs-batch"],
        ["report-b", "report-b", true, "ecs-batch run report-b --parameter-prefix /ecs-batch"],
      ]);
      expect(ruleNamesOf(shared).sort()).toEqual([
        "report-a",
        "report-a-failed",
        "report-b-failed",
      ]);
    });

    it("rejects an environment that would break the rule target's input template", () => {
      const stack = emptyStack();
      const topic = new FailureTopic(stack, "failures", { name: "dev-batch-failures" });
      expect(
        () =>
          new BatchJob(stack, "job", {
            ...BOOK_JOB,
            failureNotification: { topic, environment: 'prod"' },
          }),
      ).toThrow(
        `test/job/FailureNotification: environment: 'prod"' must have 1-256 characters and no '<', '>', '"', '\\' or control characters: it is written into the rule target's input template`,
      );
    });

    // Written as text, it would be a token's name, which the filter reads as true.
    it("leaves a safeToRerun that is a Terraform variable to Terraform", () => {
      const { json: withVariable } = synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        const rerun = new TerraformVariable(scope, "rerun", { type: "bool" })
          .booleanValue as unknown as boolean;
        new BatchJob(scope, "job", {
          ...BOOK_JOB,
          safeToRerun: rerun,
          failureNotification: { topic, environment: "dev" },
        });
      });
      const { template } = noticeTargetOf(withVariable);
      expect(template).not.toContain("unresolved-token");
      expect(template).toContain('"safeToRerun":${jsonencode(var.rerun)}');
    });

    it("is refused, by type only, for a job that runs an existing task definition", () => {
      const stack = emptyStack();
      const topic = new FailureTopic(stack, "failures", { name: "dev-batch-failures" });
      // @ts-expect-error: a notice needs the job's container and log group, hidden here
      const props: BatchJobProps = { ...LEGACY_JOB, failureNotification: { topic } };
      // tsc is the check; the construct does not look at the combination again.
      expect(() => new BatchJob(stack, "job", props)).not.toThrow();
    });
  });

  describe("preventOverlap", () => {
    function overlapJson(props: Partial<BatchJobFromContainersProps> = {}): TerraformJson {
      return synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        new BatchJob(scope, "job", {
          ...BOOK_JOB,
          schedule: { rule: { expression: EXPRESSION }, preventOverlap: true },
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
      // No job reads its stopped tasks through the topic's notice filter, so none is made.
      expect(Object.values(resourcesOf(json, "aws_sfn_state_machine")).map((m) => m.name)).toEqual([
        "example-batch",
      ]);
      expect(JSON.stringify(asl)).toContain("Notify example-batch failed");
      expect(
        resourceAt(json, "aws_cloudwatch_metric_alarm", "job/Workflow/InvocationAlarm").dimensions,
      ).toEqual({
        RuleName: expect.stringMatching(/^\$\{aws_cloudwatch_event_rule\.job_Workflow_Rule_/),
      });
    });

    it("runs the workflow on Scheduler when the job's schedule is there", () => {
      const onScheduler = overlapJson({
        schedule: {
          scheduler: { expression: EXPRESSION, timeZone: "Asia/Tokyo" },
          preventOverlap: true,
        },
      });
      const schedule = resourceAt(onScheduler, "aws_scheduler_schedule", "job/Workflow/Schedule");
      expect(schedule).toMatchObject({
        name: "example-batch",
        schedule_expression_timezone: "Asia/Tokyo",
      });
      expect((schedule.target as { arn: string }).arn).toMatch(
        ref("aws_sfn_state_machine", "job/Workflow", "arn"),
      );
      expect(resourcesOf(onScheduler, "aws_cloudwatch_event_rule")).toEqual({});
      expect(Object.keys(resourcesOf(onScheduler, "aws_scheduler_schedule"))).toHaveLength(1);
    });

    it("is refused for a job that starts several tasks a run, which a workflow cannot follow", () => {
      expect(
        () =>
          new BatchJob(emptyStack(), "job", {
            ...BOOK_JOB,
            schedule: { rule: { expression: EXPRESSION }, preventOverlap: true },
            launch: { taskCount: 2 },
            runnerParameterPrefix: false,
          }),
      ).toThrow(
        "test/job/Workflow: jobs: job 'example-batch': run.launch.taskCount is 2, but a workflow follows one task",
      );
    });

    it("is refused, by type only, together with the schedule's own role", () => {
      const props: BatchJobProps = {
        ...BOOK_JOB,
        schedule: {
          rule: { expression: EXPRESSION },
          preventOverlap: true,
          // @ts-expect-error: with preventOverlap the schedule starts the workflow, with its role
          roleArn: "arn:aws:iam::123456789012:role/shared-events",
        },
      };
      // tsc is the check; the construct does not look at the combination again.
      expect(() => new BatchJob(emptyStack(), "job", props)).not.toThrow();
    });

    it("is refused for a job of an existing task definition, by type and by the workflow", () => {
      // @ts-expect-error: a workflow follows the job's container, which is unknown here
      const props: BatchJobProps = {
        ...LEGACY_JOB,
        schedule: { rule: { expression: "rate(1 day)" }, preventOverlap: true },
      };
      expect(() => new BatchJob(emptyStack(), "job", props)).toThrow(
        "test/job/Workflow: jobs: job 'legacy': run.container is unknown",
      );
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
          placement: { ...BOOK_JOB.placement, platformVersion: "1.4.0", assignPublicIp: true },
          launch: { propagateTags: false, enableEcsManagedTags: false },
          task: {
            container: { name: "app", image: "alpine:3.20" },
            logs: { region: "ap-northeast-1", streamPrefix: "nightly" },
          },
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

    describe("runCommand, how a job scheduler runs the job from its parameter", () => {
      const runCommandOf = (props: Partial<BatchJobFromContainersProps>) =>
        new BatchJob(emptyStack(), "job", { ...BOOK_JOB, ...props }).runCommand;

      it("names the default prefix /ecs-batch", () => {
        expect(runCommandOf({})).toBe("ecs-batch run example-batch --parameter-prefix /ecs-batch");
      });

      it.each([
        ["/ecs-batch/prod", "prod"],
        ["/ecs-batch/prod/", "prod"],
        ["/ecs-batch/stg-2", "stg-2"],
      ])("names the environment of an environment's prefix %s", (prefix, environment) => {
        expect(runCommandOf({ runnerParameterPrefix: prefix })).toBe(
          `ecs-batch run example-batch --env ${environment}`,
        );
      });

      it.each([
        ["/teams/data", "/teams/data"],
        ["/teams/data/", "/teams/data"],
        ["/ecs-batch/prod/nightly", "/ecs-batch/prod/nightly"],
        ["/other/prod", "/other/prod"],
      ])("names any other prefix %s as it is, without a trailing /", (prefix, named) => {
        expect(runCommandOf({ runnerParameterPrefix: prefix })).toBe(
          `ecs-batch run example-batch --parameter-prefix ${named}`,
        );
      });

      it.each(["/ecs-batch", "/ecs-batch/prod/", "/teams/data/"])(
        "makes ecs-batch read the parameter written under %s",
        (prefix) => {
          let job!: BatchJob;
          const { json } = synthesize((scope) => {
            job = new BatchJob(scope, "job", { ...BOOK_JOB, runnerParameterPrefix: prefix });
          });
          // What `ecs-batch run` reads: the parameter under --parameter-prefix, or the environment's.
          const [, option, value] =
            /^ecs-batch run example-batch --(env|parameter-prefix) (\S+)$/.exec(job.runCommand!)!;
          const read = jobParameterName(
            option === "env" ? jobParameterPrefix(value) : value,
            "example-batch",
          );
          expect(resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").name).toBe(read);
        },
      );

      it("is none with runnerParameterPrefix false", () => {
        expect(runCommandOf({ runnerParameterPrefix: false })).toBeUndefined();
      });

      it("is none for a job of an existing task definition, which writes no parameter", () => {
        const job = new BatchJob(emptyStack(), "job", LEGACY_JOB);
        expect(job.runnerParameter).toBeUndefined();
        expect(job.runCommand).toBeUndefined();
      });
    });

    it("leaves a public IP and safeToRerun that are Terraform variables to Terraform", () => {
      const { json } = synthesize((scope) => {
        const flag = (id: string) =>
          new TerraformVariable(scope, id, { type: "bool" }).booleanValue as unknown as boolean;
        const job = new BatchJob(scope, "job", {
          ...withPlacement({ assignPublicIp: flag("public_ip") }),
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
        new BatchJob(scope, "job", withPlacement({ subnetIds: subnets.listValue }));
      });
      const value = resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").value as string;
      expect(value).toContain('"subnets":${jsonencode(var.subnets)}');
    });

    it("refuses a job that starts several tasks a run, which the runner cannot follow", () => {
      expect(
        () => new BatchJob(emptyStack(), "job", { ...BOOK_JOB, launch: { taskCount: 2 } }),
      ).toThrow(
        "test/job: launch.taskCount: the job starts 2 tasks a run, but the runner (ecs-batch run, through the job's SSM parameter) follows one task and takes its container's exit code as the result: start several tasks only from a rule or Scheduler schedule, or set taskCount 1",
      );
    });

    it("lets a job without a runner parameter start several tasks from its rule", () => {
      const json = jobJson({ launch: { taskCount: 2 }, runnerParameterPrefix: false });
      expect(resourcesOf(json, "aws_ssm_parameter")).toEqual({});
      expect(
        resourceAt(json, "aws_cloudwatch_event_target", "job/Target").ecs_target,
      ).toMatchObject({ task_count: 2 });
    });

    it("leaves a task count known only at apply time to Terraform", () => {
      const { json } = synthesize((scope) => {
        const count = new TerraformVariable(scope, "task_count", { type: "number" }).numberValue;
        new BatchJob(scope, "job", { ...BOOK_JOB, launch: { taskCount: count } });
      });
      expect(
        resourceAt(json, "aws_cloudwatch_event_target", "job/Target").ecs_target,
      ).toMatchObject({ task_count: "${var.task_count}" });
      expect(Object.keys(resourcesOf(json, "aws_ssm_parameter"))).toHaveLength(1);
    });
  });

  describe("escape hatches", () => {
    it("uses an existing events role and creates none", () => {
      const eventsRoleArn = "arn:aws:iam::123456789012:role/shared-events";
      const json = jobJson({
        schedule: { rule: { expression: EXPRESSION }, roleArn: eventsRoleArn },
      });
      expect(Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name)).toEqual([
        "example-batch-execution",
      ]);
      expect(resourceAt(json, "aws_cloudwatch_event_target", "job/Target").role_arn).toBe(
        eventsRoleArn,
      );
    });

    it("uses an existing role on Scheduler too", () => {
      const roleArn = "arn:aws:iam::123456789012:role/shared-scheduler";
      const json = jobJson({ schedule: { scheduler: { expression: EXPRESSION }, roleArn } });
      expect(Object.values(resourcesOf(json, "aws_iam_role")).map((r) => r.name)).toEqual([
        "example-batch-execution",
      ]);
      expect(
        (resourceAt(json, "aws_scheduler_schedule", "job/Schedule").target as { role_arn: string })
          .role_arn,
      ).toBe(roleArn);
    });

    describe("an existing task definition", () => {
      const existingTaskDefinition = {
        ...LEGACY_JOB.existingTaskDefinition,
        taskRoleArn: "arn:aws:iam::123456789012:role/legacy-task",
      };
      let job!: BatchJob;
      const { text, json } = synthesize((scope) => {
        job = new BatchJob(scope, "job", { ...LEGACY_JOB, existingTaskDefinition });
      });

      it("is run: no log group, execution role or task definition made here", () => {
        expect(text).not.toHaveResource(EcsTaskDefinition);
        expect(text).not.toHaveResource(CloudwatchLogGroup);
        expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toHaveLength(1);
        expect(text).toHaveResourceWithProperties(IamRole, { name: "legacy-events" });
        expect(
          resourceAt(json, "aws_cloudwatch_event_target", "job/Target").ecs_target,
        ).toMatchObject({
          task_definition_arn: existingTaskDefinition.taskDefinitionArn,
        });
      });

      it("lets the events role run its family and pass its roles", () => {
        const [runTask, passRole] = statementsOf(
          resourceAt(json, "aws_iam_policy", "job/EventsRole/Policy").policy,
        );
        expect(runTask.Resource).toEqual([
          "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/legacy:*",
        ]);
        expect(passRole.Resource).toEqual([
          existingTaskDefinition.executionRoleArn,
          existingTaskDefinition.taskRoleArn,
        ]);
      });

      it("leaves its job container unknown, and writes no runner parameter", () => {
        expect(job.run.container).toBeUndefined();
        expect(job.jobContainerName).toBeUndefined();
        expect(resourcesOf(json, "aws_ssm_parameter")).toEqual({});
      });

      it("may start several tasks a run: nothing here follows its tasks", () => {
        const many = jobJsonOf({ ...LEGACY_JOB, launch: { taskCount: 3 } });
        expect(
          resourceAt(many, "aws_cloudwatch_event_target", "job/Target").ecs_target,
        ).toMatchObject({ task_count: 3 });
      });
    });

    it("scopes RunTask to the family of an existing task definition known only at apply time", () => {
      const { json } = synthesize((scope) => {
        const arn = new TerraformVariable(scope, "task_definition_arn", { type: "string" })
          .stringValue;
        new BatchJob(scope, "job", {
          ...LEGACY_JOB,
          existingTaskDefinition: {
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
      const json = jobJsonOf(
        withTask({ logs: { existingLogGroup: logGroup, region: "ap-northeast-1" } }),
      );
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
      expect(
        JSON.parse(resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").value as string)
          .logGroupName,
      ).toBe("/shared/batch");
    });

    it("derives the task ARNs to tag from a cluster known only at apply time", () => {
      const { json } = synthesize((scope) => {
        const clusterArn = new TerraformVariable(scope, "cluster_arn", { type: "string" })
          .stringValue;
        new BatchJob(scope, "job", withPlacement({ clusterArn }));
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
    it.each<[string, Partial<BatchJobFromContainersProps>, RegExp]>([
      [
        "a Unix cron line",
        { schedule: "cron(*/2 * * * *)" },
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
        { task: { ...BOOK_TASK, cpu: 512, memoryMiB: 512 } },
        /test\/job\/TaskDefinition: cpu\/memoryMiB: Fargate task size cpu=512 memory=512 MiB is not valid/,
      ],
      [
        "ARM64 on platform 1.3.0",
        {
          placement: { ...BOOK_JOB.placement, platformVersion: "1.3.0" },
          task: { ...BOOK_TASK, cpuArchitecture: "ARM64" },
        },
        /test\/job: placement.platformVersion: '1.3.0' does not support task.cpuArchitecture ARM64: use '1.4.0' or 'LATEST'/,
      ],
      [
        "8 vCPU on platform 1.3.0",
        {
          placement: { ...BOOK_JOB.placement, platformVersion: "1.3.0" },
          task: { ...BOOK_TASK, cpu: 8192, memoryMiB: 16384 },
        },
        /'1.3.0' does not support task.cpu 8192/,
      ],
      [
        "ephemeral storage on platform 1.3.0",
        {
          placement: { ...BOOK_JOB.placement, platformVersion: "1.3.0" },
          task: { ...BOOK_TASK, ephemeralStorageGiB: 30 },
        },
        /'1.3.0' does not support task.ephemeralStorageGiB/,
      ],
      [
        "a platform version that is not one",
        { placement: { ...BOOK_JOB.placement, platformVersion: "latest" } },
        /test\/job: placement.platformVersion: 'latest' is not a Fargate platform version/,
      ],
      [
        "no subnets",
        { placement: { ...BOOK_JOB.placement, subnetIds: [] } },
        /test\/job: placement.subnetIds: it is empty/,
      ],
      [
        "a task count of 11",
        { launch: { taskCount: 11 }, runnerParameterPrefix: false },
        /test\/job: launch.taskCount: 11 is not valid: it must be a whole number from 1 to 10/,
      ],
      [
        "the tag the runner puts on its tasks",
        { tags: { BatchJob: "other" } },
        /test\/job: tags: 'BatchJob' is set by the job itself/,
      ],
      [
        "the tag made from safeToRerun",
        { tags: { SafeToRerun: "true" } },
        /test\/job: tags: 'SafeToRerun' is set by the job itself/,
      ],
    ])("%s", (_, overrides, message) => {
      expect(() => new BatchJob(emptyStack(), "job", { ...BOOK_JOB, ...overrides })).toThrow(
        message,
      );
    });

    it("accepts the book's platform 1.3.0 for a job that needs nothing newer", () => {
      expect(
        () => new BatchJob(emptyStack(), "job", withPlacement({ platformVersion: "1.3.0" })),
      ).not.toThrow();
    });
  });

  // What the types refuse is no longer checked when the job is made; tsc (npm test) checks it.
  describe("refuses by its type, not at synth time", () => {
    it("a job without a container", () => {
      // @ts-expect-error: task.container is required
      const props: BatchJobProps = { ...BOOK_JOB, task: { cpu: 256 } };
      expect(() => new BatchJob(emptyStack(), "job", props)).toThrow();
    });

    it("a job without a task or an existing task definition", () => {
      // @ts-expect-error: a job has task or existingTaskDefinition
      const props: BatchJobProps = { jobName: "example-batch", placement: BOOK_JOB.placement };
      expect(() => new BatchJob(emptyStack(), "job", props)).toThrow();
    });

    it("an existing task definition and a task", () => {
      // @ts-expect-error: a job has task or existingTaskDefinition, not both
      const props: BatchJobProps = { ...LEGACY_JOB, task: BOOK_TASK };
      // Not checked again: the existing task definition is run, and no task definition is made.
      expect(resourcesOf(jobJsonOf(props), "aws_ecs_task_definition")).toEqual({});
    });

    it("an existing log group and options of a log group made here", () => {
      const props: BatchJobProps = withTask({
        logs: {
          existingLogGroup: {
            logGroupName: "/x",
            logGroupArn: "arn:aws:logs:ap-northeast-1:123456789012:log-group:/x",
          },
          // @ts-expect-error: retentionDays configures a log group made here
          retentionDays: 30,
        },
      });
      // Not checked again: the existing group is used and none is made.
      expect(resourcesOf(jobJsonOf(props), "aws_cloudwatch_log_group")).toEqual({});
    });
  });
});

/** The expression of the Terraform local that a `${local.NAME}` reference points at. */
function localBehind(json: TerraformJson, reference: string): unknown {
  const name = /^\$\{local\.([A-Za-z0-9_-]+)\}$/.exec(reference)?.[1];
  expect(name).toBeDefined();
  return json.locals?.[name!];
}

/** The rule target that hands the stopped tasks of the job at `path` to the notice filter, its
 * input template, and the job as the template describes it. */
function noticeTargetOf(json: TerraformJson, path = "job") {
  const target = resourceAt(
    json,
    "aws_cloudwatch_event_target",
    `${path}/FailureNotification/FilterTarget`,
  );
  const template = (target.input_transformer as { input_template: string }).input_template;
  // A value Terraform writes as JSON (`${jsonencode(...)}`) is read as its text.
  const { job } = JSON.parse(
    template
      .replace("<aws.events.event.json>", "null")
      .replace(/\$\{jsonencode\(([^}]*)\)\}/g, '"${jsonencode($1)}"'),
  ) as { job: NoticeJob };
  return { target, template, job };
}

function warningsOf(scope: Construct): string[] {
  return scope.node.metadata.filter((m) => m.type === "@cdktf/warn").map((m) => String(m.data));
}
