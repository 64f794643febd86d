import { TerraformStack, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  BatchJob,
  BatchJobFromContainersProps,
  JobTaskOptions,
} from "../../../modules/batch-job/batch-job";
import { FailureTopic } from "../../../modules/failure-notification";
import { RunPlacement } from "../../../modules/job-run/job-run";
import {
  JobWorkflow,
  JobWorkflowProps,
  WorkflowJob,
  workflowJobSettings,
} from "../../../modules/job-workflow";
import {
  emptyStack,
  onlyResource,
  ParsedStatement,
  ref,
  resourceAt,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const CLUSTER_TASKS = "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/*";
const OTHER_CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/reports";
const OTHER_CLUSTER_TASKS = "arn:aws:ecs:ap-northeast-1:123456789012:task/reports/*";
const TASK_ROLE = "arn:aws:iam::123456789012:role/load-task";

const ACCOUNT = "${data.aws_caller_identity.ProviderAccount.account_id}";
const PARTITION = "${data.aws_partition.ProviderPartition.partition}";
const REGION = "${data.aws_region.ScheduledJobProviderRegion.region}";

interface JobChanges extends Partial<Omit<BatchJobFromContainersProps, "placement" | "task">> {
  readonly placement?: Partial<RunPlacement>;
  readonly task?: Partial<JobTaskOptions>;
}

/** A job without a schedule of its own, for a workflow to start. */
function jobIn(scope: Construct, name: string, changes: JobChanges = {}) {
  const { placement, task, ...props } = changes;
  return new BatchJob(scope, name, {
    jobName: name,
    placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"], ...placement },
    task: { container: { image: "alpine:3.20" }, ...task },
    ...props,
  });
}

/** extract, then load (which has a task role). */
function twoJobs(scope: Construct): WorkflowJob[] {
  return [
    { job: jobIn(scope, "extract") },
    { job: jobIn(scope, "load", { task: { taskRoleArn: TASK_ROLE } }), dependsOn: ["extract"] },
  ];
}

/** a; then b and c side by side; then d, once both succeeded. */
function diamond(scope: Construct): WorkflowJob[] {
  return [
    { job: jobIn(scope, "a") },
    { job: jobIn(scope, "b"), dependsOn: ["a"] },
    { job: jobIn(scope, "c"), dependsOn: ["a"] },
    { job: jobIn(scope, "d"), dependsOn: ["b", "c"] },
  ];
}

interface Synthesized {
  readonly json: TerraformJson;
  readonly workflow: JobWorkflow;
}

function workflowJson(
  jobs: (scope: Construct) => WorkflowJob[] = twoJobs,
  props: Partial<JobWorkflowProps> & { withTopic?: boolean } = {},
): Synthesized {
  let workflow!: JobWorkflow;
  const { withTopic, ...overrides } = props;
  const { json } = synthesize((scope) => {
    const topic = withTopic
      ? new FailureTopic(scope, "failures", { name: "dev-batch-failures" })
      : undefined;
    workflow = new JobWorkflow(scope, "wf", {
      workflowName: "nightly",
      description: "nightly load of the warehouse",
      jobs: jobs(scope),
      ...(topic ? { failureNotification: { topic, environment: "dev" } } : {}),
      ...overrides,
    });
  });
  return { json, workflow };
}

const familyRevisions = (job: string) =>
  expect.stringMatching(
    ref("aws_ecs_task_definition", `${job}/TaskDefinition`, "arn_without_revision", ":*"),
  );
const executionRole = (job: string) =>
  expect.stringMatching(ref("aws_iam_role", `${job}/ExecutionRole`, "arn"));
const STATE_MACHINE_ARN = ref("aws_sfn_state_machine", "wf", "arn");

function roleStatements(json: TerraformJson): ParsedStatement[] {
  return statementsOf(resourceAt(json, "aws_iam_policy", "wf/Role/Policy").policy);
}

function statement(statements: readonly ParsedStatement[], sid: string): ParsedStatement {
  const found = statements.find((s) => s.Sid === sid);
  if (!found) {
    throw new Error(`no statement ${sid} in ${statements.map((s) => s.Sid).join(", ")}`);
  }
  return found;
}

interface AslState {
  Type: string;
  Next?: string;
  Branches?: { StartAt: string; States: Record<string, AslState> }[];
  Arguments?: Record<string, unknown>;
  TimeoutSeconds?: number;
  Choices?: { Condition: string; Next: string }[];
}

function definitionOf(json: TerraformJson): { StartAt: string; States: Record<string, AslState> } {
  return JSON.parse(onlyResource(json, "aws_sfn_state_machine").definition as string);
}

/** The states the execution passes through, from StartAt, following Next. */
function mainPath(definition: ReturnType<typeof definitionOf>): string[] {
  const path: string[] = [];
  for (let name: string | undefined = definition.StartAt; name;) {
    path.push(name);
    name = definition.States[name].Next;
  }
  return path;
}

describe("JobWorkflow", () => {
  describe("of two jobs, load after extract", () => {
    const { json, workflow } = workflowJson();
    const stateMachine = onlyResource(json, "aws_sfn_state_machine");
    const statements = roleStatements(json);

    it("is a Standard state machine with the role, full logging and tracing", () => {
      expect(stateMachine).toMatchObject({
        name: "nightly",
        type: "STANDARD",
        logging_configuration: { level: "ALL", include_execution_data: true },
        tracing_configuration: { enabled: true },
      });
      expect(stateMachine.role_arn).toMatch(ref("aws_iam_role", "wf/Role", "arn"));
      expect(
        (stateMachine.logging_configuration as Record<string, unknown>).log_destination,
      ).toMatch(ref("aws_cloudwatch_log_group", "wf/LogGroup", "arn", ":*"));
    });

    it("is created only once its role may deliver logs, which Step Functions checks", () => {
      expect(stateMachine.depends_on).toEqual([
        expect.stringMatching(
          /^aws_iam_role_policy_attachment\.wf_Role_PolicyAttachment_[0-9A-F]{8}$/,
        ),
      ]);
    });

    it("logs to a vended-logs group named after the workflow", () => {
      expect(resourceAt(json, "aws_cloudwatch_log_group", "wf/LogGroup")).toMatchObject({
        name: "/aws/vendedlogs/states/nightly",
        retention_in_days: 365,
      });
    });

    it("runs the stages in order: extract, then load", () => {
      expect(workflow.stages).toEqual([["extract"], ["load"]]);
      const definition = definitionOf(json);
      expect(mainPath(definition)).toEqual([
        "Stage 1: extract",
        "Stage 2: load",
        "Workflow succeeded",
      ]);
      expect(definition.States["Stage 1: extract"].Type).toBe("Parallel");
      expect(definition).toMatchObject({ Comment: "nightly load of the warehouse" });
    });

    it("runs each job's own task definition in its cluster", () => {
      const stage = definitionOf(json).States["Stage 2: load"];
      expect(stage.Branches).toHaveLength(1);
      const run = stage.Branches![0].States["Run load"];
      expect(run.Arguments).toMatchObject({
        LaunchType: "FARGATE",
        Cluster: CLUSTER,
        TaskDefinition: expect.stringMatching(
          ref("aws_ecs_task_definition", "load/TaskDefinition", "arn"),
        ),
      });
    });

    it("makes no schedule", () => {
      expect(workflow.schedule).toBeUndefined();
      expect(resourcesOf(json, "aws_cloudwatch_event_rule")).toEqual({});
      expect(resourcesOf(json, "aws_scheduler_schedule")).toEqual({});
      expect(resourcesOf(json, "aws_sqs_queue")).toEqual({});
    });

    describe("its role", () => {
      it("may be assumed by Step Functions of this account only", () => {
        const role = resourceAt(json, "aws_iam_role", "wf/Role");
        expect(role.name).toBe("nightly-workflow");
        expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
          {
            Effect: "Allow",
            Principal: { Service: "states.amazonaws.com" },
            Action: "sts:AssumeRole",
            Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
          },
        ]);
      });

      it("has exactly these statements", () => {
        expect(statements.map((s) => s.Sid)).toEqual([
          "RunTheJobsTasks",
          "PassTheJobsRolesToEcsTasks",
          "TagTasksAtLaunch",
          "WatchTheJobsTasks",
          "StopTheJobsTasks",
          "ManageTheSyncEventRule",
          "DeliverExecutionLogs",
          "SendTraces",
        ]);
        expect(statements.every((s) => s.Effect === "Allow")).toBe(true);
      });

      it("may run every revision of each job's family, in the jobs' cluster only", () => {
        expect(statement(statements, "RunTheJobsTasks")).toEqual({
          Sid: "RunTheJobsTasks",
          Effect: "Allow",
          Action: ["ecs:RunTask"],
          Resource: [familyRevisions("extract"), familyRevisions("load")],
          Condition: { ArnEquals: { "ecs:cluster": CLUSTER } },
        });
      });

      it("may pass the execution and task roles, to ECS tasks only", () => {
        expect(statement(statements, "PassTheJobsRolesToEcsTasks")).toEqual({
          Sid: "PassTheJobsRolesToEcsTasks",
          Effect: "Allow",
          Action: ["iam:PassRole"],
          Resource: [executionRole("extract"), executionRole("load"), TASK_ROLE],
          Condition: { StringEquals: { "iam:PassedToService": "ecs-tasks.amazonaws.com" } },
        });
      });

      it("may tag the cluster's tasks, only while RunTask creates them", () => {
        expect(statement(statements, "TagTasksAtLaunch")).toEqual({
          Sid: "TagTasksAtLaunch",
          Effect: "Allow",
          Action: ["ecs:TagResource"],
          Resource: [CLUSTER_TASKS],
          Condition: { StringEquals: { "ecs:CreateAction": "RunTask" } },
        });
      });

      it("may watch the cluster's tasks, and stop any of them: a timed-out run's task ARN is unknown until then", () => {
        expect(statement(statements, "WatchTheJobsTasks")).toEqual({
          Sid: "WatchTheJobsTasks",
          Effect: "Allow",
          Action: ["ecs:DescribeTasks"],
          Resource: [CLUSTER_TASKS],
        });
        expect(statement(statements, "StopTheJobsTasks")).toEqual({
          Sid: "StopTheJobsTasks",
          Effect: "Allow",
          Action: ["ecs:StopTask"],
          Resource: [CLUSTER_TASKS],
        });
      });

      it("may manage only the rule Step Functions uses for runTask.sync", () => {
        expect(statement(statements, "ManageTheSyncEventRule")).toEqual({
          Sid: "ManageTheSyncEventRule",
          Effect: "Allow",
          Action: ["events:DescribeRule", "events:PutRule", "events:PutTargets"],
          Resource: [
            `arn:${PARTITION}:events:${REGION}:${ACCOUNT}:rule/StepFunctionsGetEventsForECSTaskRule`,
          ],
        });
      });

      it("delivers logs and traces, the only grants on *", () => {
        expect(statement(statements, "DeliverExecutionLogs").Action).toEqual(
          expect.arrayContaining(["logs:CreateLogDelivery", "logs:PutResourcePolicy"]),
        );
        expect(statement(statements, "SendTraces").Action).toEqual(
          expect.arrayContaining(["xray:PutTraceSegments", "xray:PutTelemetryRecords"]),
        );
        const onStar = statements.filter((s) => s.Resource.includes("*"));
        expect(onStar.map((s) => s.Sid)).toEqual(["DeliverExecutionLogs", "SendTraces"]);
        expect(onStar.every((s) => s.Resource.length === 1)).toBe(true);
        expect(onStar.flatMap((s) => s.Action).every((a) => /^(logs|xray):/.test(a))).toBe(true);
      });

      it("may neither list executions nor publish notices", () => {
        const actions = statements.flatMap((s) => s.Action);
        expect(actions).not.toContain("states:ListExecutions");
        expect(actions.filter((a) => /^(sns|kms):/.test(a))).toEqual([]);
      });
    });
  });

  describe("of a diamond: a; b and c; d", () => {
    const { json, workflow } = workflowJson(diamond);

    it("runs b and c side by side, between a and d", () => {
      expect(workflow.stages).toEqual([["a"], ["b", "c"], ["d"]]);
      const definition = definitionOf(json);
      expect(mainPath(definition)).toEqual([
        "Stage 1: a",
        "Stage 2: b, c",
        "Stage 3: d",
        "Workflow succeeded",
      ]);
      expect(definition.States["Stage 2: b, c"].Branches!.map((branch) => branch.StartAt)).toEqual([
        "Skip b?",
        "Skip c?",
      ]);
    });

    it("may run the four families, and pass their four execution roles", () => {
      const statements = roleStatements(json);
      expect(statement(statements, "RunTheJobsTasks").Resource).toEqual(
        ["a", "b", "c", "d"].map(familyRevisions),
      );
      expect(statement(statements, "PassTheJobsRolesToEcsTasks").Resource).toEqual(
        ["a", "b", "c", "d"].map(executionRole),
      );
    });
  });

  describe("with preventOverlap", () => {
    const { json } = workflowJson(twoJobs, { preventOverlap: true });

    it("checks for a running execution first", () => {
      expect(mainPath(definitionOf(json))).toEqual([
        "Check for a running execution",
        "Previous run still running?",
      ]);
    });

    it("may list the executions of this state machine only", () => {
      const statements = roleStatements(json);
      expect(statement(statements, "SeeRunningExecutions")).toEqual({
        Sid: "SeeRunningExecutions",
        Effect: "Allow",
        Action: ["states:ListExecutions"],
        Resource: [`arn:${PARTITION}:states:${REGION}:${ACCOUNT}:stateMachine:nightly`],
      });
      expect(statements.filter((s) => s.Resource.includes("*")).map((s) => s.Sid)).toEqual([
        "DeliverExecutionLogs",
        "SendTraces",
      ]);
    });
  });

  describe("with failureNotification", () => {
    const { json } = workflowJson(twoJobs, { withTopic: true });
    const statements = roleStatements(json);

    it("may publish to the topic, encrypted with its key", () => {
      expect(statement(statements, "PublishFailureNotices")).toEqual({
        Sid: "PublishFailureNotices",
        Effect: "Allow",
        Action: ["sns:Publish"],
        Resource: [expect.stringMatching(ref("aws_sns_topic", "failures", "arn"))],
      });
      expect(statement(statements, "EncryptFailureNotices")).toEqual({
        Sid: "EncryptFailureNotices",
        Effect: "Allow",
        Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
        Resource: [expect.stringMatching(ref("aws_kms_key", "failures/Key", "arn"))],
      });
      expect(statements.filter((s) => s.Resource.includes("*")).map((s) => s.Sid)).toEqual([
        "DeliverExecutionLogs",
        "SendTraces",
      ]);
    });

    it("publishes a notice when a job failed for good", () => {
      const branch = definitionOf(json).States["Stage 1: extract"].Branches![0];
      expect(branch.States["Notify extract failed"]).toMatchObject({
        Type: "Task",
        Resource: "arn:aws:states:::sns:publish",
        Arguments: { TopicArn: expect.stringMatching(ref("aws_sns_topic", "failures", "arn")) },
      });
    });
  });

  describe("scheduled by a rule", () => {
    const { json, workflow } = workflowJson(twoJobs, {
      schedule: "cron(0 18 * * ? *)",
    });

    it("starts the state machine with input {} from a rule named after the workflow", () => {
      expect(workflow.schedule?.kind).toBe("rule");
      expect(resourceAt(json, "aws_cloudwatch_event_rule", "wf/Rule")).toMatchObject({
        name: "nightly",
        schedule_expression: "cron(0 18 * * ? *)",
      });
      const target = resourceAt(json, "aws_cloudwatch_event_target", "wf/Target");
      expect(target.arn).toMatch(STATE_MACHINE_ARN);
      expect(target.input).toBe("{}");
      expect(target.role_arn).toMatch(ref("aws_iam_role", "wf/EventsRole", "arn"));
      expect(target.dead_letter_config).toEqual({
        arn: expect.stringMatching(ref("aws_sqs_queue", "wf/DeadLetterQueue", "arn")),
      });
    });

    it("lets the events role start this state machine and nothing else", () => {
      expect(resourceAt(json, "aws_iam_role", "wf/EventsRole").name).toBe("nightly-events");
      expect(
        statementsOf(resourceAt(json, "aws_iam_policy", "wf/EventsRole/Policy").policy),
      ).toEqual([
        {
          Sid: "StartThisWorkflow",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [expect.stringMatching(STATE_MACHINE_ARN)],
        },
      ]);
    });
  });

  describe("scheduled on EventBridge Scheduler", () => {
    const { json, workflow } = workflowJson(twoJobs, {
      schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
    });
    const statements = statementsOf(
      resourceAt(json, "aws_iam_policy", "wf/SchedulerRole/Policy").policy,
    );

    it("starts the state machine with input {} at 03:00 Tokyo time", () => {
      expect(workflow.schedule?.kind).toBe("scheduler");
      expect(resourcesOf(json, "aws_cloudwatch_event_rule")).toEqual({});
      const schedule = resourceAt(json, "aws_scheduler_schedule", "wf/Schedule");
      expect(schedule).toMatchObject({
        name: "nightly",
        schedule_expression: "cron(0 3 * * ? *)",
        schedule_expression_timezone: "Asia/Tokyo",
        target: { input: "{}" },
      });
      expect((schedule.target as Record<string, unknown>).arn).toMatch(STATE_MACHINE_ARN);
    });

    it("lets the scheduler role start this state machine only, and fill its queue", () => {
      expect(resourceAt(json, "aws_iam_role", "wf/SchedulerRole").name).toBe("nightly-scheduler");
      expect(statements).toEqual([
        {
          Sid: "StartThisWorkflow",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [expect.stringMatching(STATE_MACHINE_ARN)],
        },
        {
          Sid: "SendUnstartedRunsToDeadLetterQueue",
          Effect: "Allow",
          Action: ["sqs:SendMessage"],
          Resource: [expect.stringMatching(ref("aws_sqs_queue", "wf/DeadLetterQueue", "arn"))],
        },
      ]);
    });
  });

  describe("with a job's own retries and timeout", () => {
    const { json } = workflowJson((scope) => [
      { job: jobIn(scope, "extract") },
      {
        job: jobIn(scope, "load", { safeToRerun: true }),
        dependsOn: ["extract"],
        retryOnExitCode: { attempts: 2 },
        retryOnStartFailure: { attempts: 1 },
        timeoutSeconds: 600,
      },
    ]);
    const definition = definitionOf(json);
    const branch = (stage: string) => definition.States[stage].Branches![0].States;

    it("runs a job without settings with the defaults: a day, 3 start retries, no exit retry", () => {
      const extract = branch("Stage 1: extract");
      expect(extract["Run extract"].TimeoutSeconds).toBe(86400);
      expect(extract["Classify extract failure"].Choices!.map((c) => c.Condition)).toEqual([
        "{% $failure_0.kind = 'timeout' %}",
        "{% $failure_0.kind = 'exit' and $exitRetries_0 < 0 %}",
        "{% $failure_0.kind = 'exit' %}",
        "{% $failure_0.kind = 'start' and $startRetries_0 < 3 %}",
      ]);
    });

    it("takes a job's settings over the defaults, keeping the defaults it does not set", () => {
      const load = branch("Stage 2: load");
      expect(load["Run load"].TimeoutSeconds).toBe(600);
      expect(load["Classify load failure"]).toMatchObject({
        Choices: [
          {},
          {
            Condition: "{% $failure_1.kind = 'exit' and $exitRetries_1 < 2 %}",
            Assign: {
              retryDelay_1: "{% $min([$round(300 * $power(1, $exitRetries_1)), 86400]) %}",
            },
          },
          {},
          {
            Condition: "{% $failure_1.kind = 'start' and $startRetries_1 < 1 %}",
            Assign: {
              retryDelay_1: "{% $min([$round(60 * $power(2, $startRetries_1)), 86400]) %}",
            },
          },
        ],
      });
    });
  });

  describe("of jobs in two clusters", () => {
    const { json } = workflowJson((scope) => [
      { job: jobIn(scope, "extract") },
      {
        job: jobIn(scope, "report", { placement: { clusterArn: OTHER_CLUSTER } }),
        dependsOn: ["extract"],
      },
    ]);
    const statements = roleStatements(json);

    it("may run the jobs in either cluster, and tag, watch and stop the tasks of both", () => {
      expect(statement(statements, "RunTheJobsTasks").Condition).toEqual({
        ArnEquals: { "ecs:cluster": [CLUSTER, OTHER_CLUSTER] },
      });
      for (const sid of ["TagTasksAtLaunch", "WatchTheJobsTasks", "StopTheJobsTasks"]) {
        expect([sid, statement(statements, sid).Resource]).toEqual([
          sid,
          [CLUSTER_TASKS, OTHER_CLUSTER_TASKS],
        ]);
      }
    });
  });

  describe("in an environment whose subnets are looked up at plan time", () => {
    const { json } = workflowJson((scope) => {
      const subnets = new TerraformVariable(scope, "subnet_ids", { type: "list(string)" });
      return [{ job: jobIn(scope, "extract", { placement: { subnetIds: subnets.listValue } }) }];
    });
    const definition = onlyResource(json, "aws_sfn_state_machine").definition as string;

    it("writes the subnets into the definition as Terraform's jsonencode of the list", () => {
      expect(definition).toContain(
        '"AwsvpcConfiguration":{"Subnets":${jsonencode(var.subnet_ids)},"AssignPublicIp":"DISABLED"}',
      );
      expect(definition).not.toMatch(/"Subnets":"/);
      expect(definition).not.toContain("TfToken");
    });

    it("is JSON once Terraform has rendered the list", () => {
      const rendered = definition.replace(
        "${jsonencode(var.subnet_ids)}",
        JSON.stringify(["subnet-0a", "subnet-0b"]),
      );
      const run = (JSON.parse(rendered) as ReturnType<typeof definitionOf>).States[
        "Stage 1: extract"
      ].Branches![0].States["Run extract"];
      expect(run.Arguments!.NetworkConfiguration).toEqual({
        AwsvpcConfiguration: { Subnets: ["subnet-0a", "subnet-0b"], AssignPublicIp: "DISABLED" },
      });
    });
  });

  describe("with a job's assignPublicIp given as a Terraform variable", () => {
    const { json } = workflowJson((scope) => {
      // As the generated Terraform modules pass a bool variable: a token typed as a boolean.
      const assignPublicIp = new TerraformVariable(scope, "public_ip", { type: "bool" })
        .booleanValue as unknown as boolean;
      return [{ job: jobIn(scope, "extract", { placement: { assignPublicIp } }) }];
    });
    const definition = onlyResource(json, "aws_sfn_state_machine").definition as string;

    it("lets Terraform choose ENABLED or DISABLED from the variable", () => {
      expect(definition).toContain('"AssignPublicIp":"${var.public_ip ? "ENABLED" : "DISABLED"}"');
      expect(definition).not.toContain('"AssignPublicIp":"ENABLED"');
    });
  });

  describe("with a job's propagateTags given as a Terraform variable", () => {
    const { json } = workflowJson((scope) => {
      const propagateTags = new TerraformVariable(scope, "propagate_tags", { type: "bool" })
        .booleanValue as unknown as boolean;
      return [{ job: jobIn(scope, "extract", { launch: { propagateTags } }) }];
    });
    const definition = onlyResource(json, "aws_sfn_state_machine").definition as string;

    // A token is never the literal false: read as one, every task would get the tags.
    it("lets Terraform choose whether the task gets the task definition's tags", () => {
      expect(definition).toContain(
        '"PropagateTags":"${var.propagate_tags ? "TASK_DEFINITION" : "NONE"}"',
      );
    });
  });

  describe("rejects at synth time, naming the workflow and the field", () => {
    function build(
      jobs: (scope: Construct) => WorkflowJob[],
      props: Partial<JobWorkflowProps> = {},
    ): () => JobWorkflow {
      return () => {
        const stack: TerraformStack = emptyStack();
        return new JobWorkflow(stack, "wf", {
          workflowName: "nightly",
          jobs: jobs(stack),
          ...props,
        });
      };
    }

    it("a cycle, naming its jobs", () => {
      expect(
        build((scope) => [
          { job: jobIn(scope, "a"), dependsOn: ["c"] },
          { job: jobIn(scope, "b"), dependsOn: ["a"] },
          { job: jobIn(scope, "c"), dependsOn: ["b"] },
        ]),
      ).toThrow(
        "test/wf: jobs: jobs 'a' -> 'c' -> 'b' -> 'a' form a cycle: each depends on the next, so none can start",
      );
    });

    it("a dependency on a job that is not in the workflow", () => {
      expect(
        build((scope) => [
          { job: jobIn(scope, "a") },
          { job: jobIn(scope, "b"), dependsOn: ["x"] },
        ]),
      ).toThrow("test/wf: jobs: job 'b' depends on 'x', which is not in the workflow");
    });

    it.each([
      ["a space", "nightly load"],
      ["a dot", "nightly.load"],
      ["55 characters", "w".repeat(55)],
    ])("a workflowName with %s", (_, workflowName) => {
      expect(build(twoJobs, { workflowName })).toThrow(
        `test/wf: workflowName: '${workflowName}' must be 1-54 letters, digits, '-' and '_'`,
      );
    });

    it("accepts a workflowName of 54 characters", () => {
      expect(build(twoJobs, { workflowName: "w".repeat(54) })).not.toThrow();
    });

    it("a job made from an existing task definition, whose job container is unknown", () => {
      expect(
        build((scope) => [
          { job: jobIn(scope, "a") },
          {
            job: new BatchJob(scope, "legacy", {
              jobName: "legacy",
              placement: { clusterArn: CLUSTER, subnetIds: ["subnet-0123456789abcdef0"] },
              existingTaskDefinition: {
                taskDefinitionArn:
                  "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/legacy:7",
                executionRoleArn: "arn:aws:iam::123456789012:role/legacy-execution",
              },
            }),
            dependsOn: ["a"],
          },
        ]),
      ).toThrow(
        "test/wf: jobs: job 'legacy': run.container is unknown: the job runs an existing task definition, whose job container a workflow cannot tell",
      );
    });

    it("a job that starts 2 tasks a run, naming it: a workflow follows one task", () => {
      expect(
        build((scope) => [
          { job: jobIn(scope, "a") },
          {
            // No runner parameter, whose runner refuses several tasks itself.
            job: jobIn(scope, "fan-out", {
              launch: { taskCount: 2 },
              runnerParameterPrefix: false,
            }),
            dependsOn: ["a"],
          },
        ]),
      ).toThrow(
        "test/wf: jobs: job 'fan-out': run.launch.taskCount is 2, but a workflow follows one task of each job and takes its container's exit code as the result",
      );
    });
  });
});

describe("workflowJobSettings", () => {
  it("gives a job without settings the defaults: a day, 3 start retries doubling, no exit retry", () => {
    expect(workflowJobSettings({})).toEqual({
      retryOnStartFailure: { attempts: 3, intervalSeconds: 60, backoffRate: 2 },
      retryOnExitCode: { attempts: 0, intervalSeconds: 300, backoffRate: 1 },
      timeoutSeconds: 86400,
    });
  });

  it("keeps the defaults of the fields a partial retry setting leaves out", () => {
    expect(
      workflowJobSettings({
        retryOnExitCode: { attempts: 2 },
        retryOnStartFailure: { intervalSeconds: 10 },
        timeoutSeconds: 600,
      }),
    ).toEqual({
      retryOnStartFailure: { attempts: 3, intervalSeconds: 10, backoffRate: 2 },
      retryOnExitCode: { attempts: 2, intervalSeconds: 300, backoffRate: 1 },
      timeoutSeconds: 600,
    });
  });
});
