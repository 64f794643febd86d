import { TerraformVariable, Token } from "cdktf";
import { IamScope, RunLedger, RunLedgerOfJobsProps, RunLedgerProps } from "../../../modules";
import { RUN_RECORD_DETAIL_TYPE, RUN_RECORD_SOURCE, RunRecord } from "../../../contract/run-record";
import { RECORDER_STATES } from "../../../modules/run-ledger/recorder-definition";
import { runStateMachine, TaskCall } from "../../asl/asl-runner";
import {
  ecsTaskStateChangeCorpus,
  EcsTaskStateChangeEvent,
  taskStateChangeEvent,
} from "../../event-ruler/ecs-task-state-change-events";
import { matchEvents } from "../../event-ruler/event-ruler";
import { emptyStack, resourceAt, statementsOf, synthesize } from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-dev";
const PROPS: RunLedgerOfJobsProps = {
  environment: "dev",
  clusterArns: [CLUSTER],
  jobs: [
    { name: "report", logGroupName: "/ecs-scheduled-tasks/report" },
    { name: "extract", container: "main", logGroupName: "/batch/extract", logStreamPrefix: "jobs" },
    { name: "routed" },
  ],
};

/** A stopped task of the job `routed`, whose output is not in a log group (PROPS). */
const ROUTED_RUN = taskStateChangeEvent({
  clusterArn: CLUSTER,
  family: "routed",
  taskSeed: "routed",
  containers: [{ name: "routed", exitCode: 0 }],
});

function ledgerJson(props: Partial<RunLedgerOfJobsProps> = {}) {
  return synthesize((scope) => {
    new RunLedger(scope, "ledger", { ...PROPS, ...props });
  }).json;
}

/** The recorder's definition, as synthesized (JSON text: the job table is literal here). */
function recorderDefinition(json = ledgerJson()): string {
  return resourceAt(json, "aws_sfn_state_machine", "ledger/Recorder").definition as string;
}

/** Runs the recorder on an event; the events it put on the bus. */
async function record(event: object, definition = recorderDefinition()) {
  const put: TaskCall[] = [];
  const run = await runStateMachine(definition, event, {
    "arn:aws:states:::events:putEvents": (call) => {
      put.push(call);
      return { Entries: [{ EventId: "e-1" }], FailedEntryCount: 0 };
    },
  });
  const entries = put.flatMap(
    (call) => (call.arguments as { Entries: Record<string, unknown>[] }).Entries,
  );
  return { run, entries, records: entries.map((entry) => entry.Detail as RunRecord) };
}

describe("RunLedger", () => {
  const json = ledgerJson();

  it("keeps the records in /aws/events/<environment>-batch-runs, 365 days by default", () => {
    expect(resourceAt(json, "aws_cloudwatch_log_group", "ledger/LogGroup")).toMatchObject({
      name: "/aws/events/dev-batch-runs",
      retention_in_days: 365,
    });
    expect(
      resourceAt(ledgerJson({ retentionDays: 90 }), "aws_cloudwatch_log_group", "ledger/LogGroup")
        .retention_in_days,
    ).toBe(90);
  });

  it("reads every start and stop of a task in the clusters, and starts the recorder with them", () => {
    const rule = resourceAt(json, "aws_cloudwatch_event_rule", "ledger/TaskRule");
    expect(rule.name).toBe("dev-batch-task-changes");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: { clusterArn: [CLUSTER], lastStatus: ["RUNNING", "STOPPED"] },
    });
    expect(resourceAt(json, "aws_cloudwatch_event_target", "ledger/TaskTarget")).toMatchObject({
      target_id: "run-recorder",
      arn: expect.stringMatching(/^\$\{aws_sfn_state_machine\.ledger_Recorder_[0-9A-F]{8}\.arn\}$/),
      role_arn: expect.stringMatching(/^\$\{aws_iam_role\.ledger_EventsRole_[0-9A-F]{8}\.arn\}$/),
    });
  });

  it("stores the environment's run records in the log group, with no role", () => {
    const rule = resourceAt(json, "aws_cloudwatch_event_rule", "ledger/LedgerRule");
    expect(rule.name).toBe("dev-batch-runs");
    expect(JSON.parse(rule.event_pattern as string)).toEqual({
      source: [RUN_RECORD_SOURCE],
      "detail-type": [RUN_RECORD_DETAIL_TYPE],
      detail: { environment: ["dev"] },
    });
    const target = resourceAt(json, "aws_cloudwatch_event_target", "ledger/LedgerTarget");
    expect(target.arn).toMatch(
      /^\$\{aws_cloudwatch_log_group\.ledger_LogGroup_[0-9A-F]{8}\.arn\}$/,
    );
    expect(target).not.toHaveProperty("role_arn");
  });

  it("lets EventBridge write to the log group for the ledger's rule only", () => {
    const policy = resourceAt(json, "aws_cloudwatch_log_resource_policy", "ledger/ResourcePolicy");
    expect(policy.policy_name).toBe("dev-batch-runs");
    const arnOfLogGroup = expect.stringMatching(
      /^\$\{aws_cloudwatch_log_group\.ledger_LogGroup_[0-9A-F]{8}\.arn\}:\*$/,
    );
    const writers = { Service: ["events.amazonaws.com", "delivery.logs.amazonaws.com"] };
    expect(statementsOf(policy.policy_document as string)).toEqual([
      {
        Sid: "LetEventBridgeMakeTheLedgersStreams",
        Effect: "Allow",
        Principal: writers,
        Action: ["logs:CreateLogStream"],
        Resource: [arnOfLogGroup],
      },
      {
        Sid: "LetTheLedgerRuleWriteRecords",
        Effect: "Allow",
        Principal: writers,
        Action: ["logs:PutLogEvents"],
        Resource: [arnOfLogGroup],
        Condition: {
          ArnEquals: {
            "aws:SourceArn": expect.stringMatching(
              /^\$\{aws_cloudwatch_event_rule\.ledger_LedgerRule_[0-9A-F]{8}\.arn\}$/,
            ),
          },
        },
      },
    ]);
  });

  it("lets the recorder put ecs-batch run records on the default bus, and nothing else", () => {
    const role = resourceAt(json, "aws_iam_policy", "ledger/RecorderRole/Policy");
    expect(statementsOf(role.policy as string)[0]).toEqual({
      Sid: "PutRunRecords",
      Effect: "Allow",
      Action: ["events:PutEvents"],
      Resource: [
        expect.stringMatching(
          /:events:\$\{data\.aws_region\.[^}]+\}:\$\{data\.aws_caller_identity\.[^}]+\}:event-bus\/default$/,
        ),
      ],
      Condition: {
        "ForAllValues:StringEquals": {
          "events:source": RUN_RECORD_SOURCE,
          "events:detail-type": RUN_RECORD_DETAIL_TYPE,
        },
        Null: { "events:source": "false", "events:detail-type": "false" },
      },
    });
    const events = resourceAt(json, "aws_iam_policy", "ledger/EventsRole/Policy");
    expect(statementsOf(events.policy as string)).toEqual([
      {
        Sid: "StartTheRecorder",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [
          expect.stringMatching(/^\$\{aws_sfn_state_machine\.ledger_Recorder_[0-9A-F]{8}\.arn\}$/),
        ],
      },
    ]);
  });

  it("makes the recorder an Express state machine that logs its errors", () => {
    expect(resourceAt(json, "aws_sfn_state_machine", "ledger/Recorder")).toMatchObject({
      name: "dev-batch-runs-recorder",
      type: "EXPRESS",
      logging_configuration: { level: "ERROR", include_execution_data: true },
      tracing_configuration: { enabled: true },
    });
  });

  it("alarms on failed recordings only when it has topics to tell", () => {
    expect(json.resource?.aws_cloudwatch_metric_alarm).toBeUndefined();
    const topic = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures";
    expect(
      resourceAt(
        ledgerJson({ alarmTopicArns: [topic] }),
        "aws_cloudwatch_metric_alarm",
        "ledger/RecorderFailedAlarm",
      ),
    ).toMatchObject({
      alarm_name: "dev-batch-runs-recorder-failed",
      namespace: "AWS/States",
      metric_name: "ExecutionsFailed",
      alarm_actions: [topic],
    });
  });

  it("takes clusters known only at apply time, which Terraform writes into the rule's pattern", () => {
    const withVariable = synthesize((scope) => {
      const clusters = new TerraformVariable(scope, "clusters", { type: "list(string)" });
      new RunLedger(scope, "ledger", { ...PROPS, clusterArns: clusters.listValue });
    }).json;
    const rule = resourceAt(withVariable, "aws_cloudwatch_event_rule", "ledger/TaskRule");
    expect(rule.event_pattern).toContain(
      '"detail":{"clusterArn":${jsonencode(var.clusters)},"lastStatus":["RUNNING","STOPPED"]}',
    );
  });

  it("uses a region given to it instead of looking one up", () => {
    const withRegion = ledgerJson({ region: "eu-west-1" });
    expect(withRegion.data?.aws_region).toBeUndefined();
  });

  describe("refuses", () => {
    const build = (props: Partial<RunLedgerOfJobsProps>) => () =>
      new RunLedger(emptyStack(), "ledger", { ...PROPS, ...props });

    it.each([
      [
        { environment: "Dev" },
        "test/ledger: environment: 'Dev' must be 1-32 lower-case letters, digits and '-', starting with a letter",
      ],
      [
        { clusterArns: [] },
        "test/ledger: clusterArns: it is empty: name the clusters the jobs run in",
      ],
      [{ jobs: [{ name: "a" }, { name: "a" }] }, "test/ledger: jobs: the job 'a' is listed twice"],
      [{ jobs: [{ name: "a b" }] }, "test/ledger: jobs[0].name: "],
      [{ jobs: [{ name: "a", container: "x y" }] }, "test/ledger: jobs[0].container: "],
    ])("%j", (props, message) => {
      expect(build(props as Partial<RunLedgerOfJobsProps>)).toThrow(message);
    });

    it("role names the IAM prefix makes too long", () => {
      const stack = emptyStack();
      // 42 + "dev-batch-runs-recorder" (23) is 65: one more than a role name may have.
      IamScope.of(stack).apply({ namePrefix: "x".repeat(41) + "-" });
      expect(() => new RunLedger(stack, "ledger", PROPS)).toThrow(/test\/ledger: environment: /);
    });
  });
});

describe("RunLedger with a job table known only at apply time", () => {
  /** The jobs of PROPS as the recorder's table: what a Terraform value must hold. */
  const TABLE = {
    report: {
      container: "report",
      logGroupName: "/ecs-scheduled-tasks/report",
      logStreamPrefix: "batch",
    },
    extract: { container: "main", logGroupName: "/batch/extract", logStreamPrefix: "jobs" },
    routed: { container: "routed" },
  };
  const common = { environment: "dev", clusterArns: [CLUSTER] };

  // A ledger takes jobs or a job table, not both: checked by the type checker (npx tsc --noEmit).
  // @ts-expect-error: jobs and jobTable exclude each other
  void ({ ...PROPS, jobTable: TABLE } satisfies RunLedgerProps);

  /** The recorder's definition with a Terraform variable as its job table; the variable's name. */
  function definitionOfTable() {
    let name = "";
    const json = synthesize((scope) => {
      const table = new TerraformVariable(scope, "job_table", { type: "map(any)" });
      name = table.friendlyUniqueId;
      new RunLedger(scope, "ledger", { ...common, jobTable: Token.asAnyMap(table.value) });
    }).json;
    return { definition: recorderDefinition(json), name };
  }

  it("writes the value into the definition, as JSON that Terraform writes when it applies", () => {
    const { definition, name } = definitionOfTable();
    const reference = `\${jsonencode(var.${name})}`;
    expect(definition).toContain(`"Assign":{"jobs":${reference},"environment":"dev"}`);
    expect(definition.split(reference)).toHaveLength(2);
  });

  it("records a run as a ledger of the same jobs does, once Terraform has written the table", async () => {
    const { definition, name } = definitionOfTable();
    const written = definition.replace(`\${jsonencode(var.${name})}`, JSON.stringify(TABLE));
    const corpus = ecsTaskStateChangeCorpus({ jobName: "report", clusterArn: CLUSTER });
    for (const event of [corpus.sidecarFirstJobExit1.event, corpus.otherFamilyExit1.event]) {
      expect((await record(event, written)).records).toEqual((await record(event)).records);
    }
    const { records } = await record(ROUTED_RUN, written);
    expect(records).toEqual((await record(ROUTED_RUN)).records);
    expect(records[0]).not.toHaveProperty("logStreamName");
  });

  it("refuses a table known at synth time: jobs are checked, a table is not", () => {
    expect(() => new RunLedger(emptyStack(), "ledger", { ...common, jobTable: TABLE })).toThrow(
      "test/ledger: jobTable: it is known at synth time: give it as jobs, which are checked",
    );
  });
});

describe("the recorder", () => {
  const corpus = ecsTaskStateChangeCorpus({ jobName: "report", clusterArn: CLUSTER });
  const definition = recorderDefinition();

  it("records a stopped task of a job: the job container's exit code by name, times, duration", async () => {
    const { run, entries, records } = await record(corpus.sidecarFirstJobExit1.event);
    expect(run.status).toBe("SUCCEEDED");
    expect(entries).toEqual([
      { Source: RUN_RECORD_SOURCE, DetailType: RUN_RECORD_DETAIL_TYPE, Detail: expect.any(Object) },
    ]);
    const { detail } = corpus.sidecarFirstJobExit1.event;
    const taskId = detail.taskArn.split("/").pop();
    expect(records[0]).toEqual({
      version: 1,
      environment: "dev",
      job: "report",
      taskArn: detail.taskArn,
      taskId,
      clusterArn: CLUSTER,
      taskDefinitionArn: detail.taskDefinitionArn,
      status: "STOPPED",
      result: "failed",
      startedBy: "events-rule/report",
      schedule: "report",
      createdAt: detail.createdAt,
      startedAt: detail.startedAt,
      stoppedAt: detail.stoppedAt,
      durationSeconds: 616,
      container: "report",
      exitCode: 1,
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
      logGroupName: "/ecs-scheduled-tasks/report",
      logStreamName: `batch/report/${taskId}`,
    });
  });

  it.each([
    ["jobExit0", "STOPPED", "succeeded", 0],
    ["jobExit0SidecarExit1", "STOPPED", "succeeded", 0],
    ["guardDutyAgentExit1", "STOPPED", "succeeded", 0],
    ["jobExit1SidecarExit0", "STOPPED", "failed", 1],
    ["outOfMemory", "STOPPED", "failed", 137],
    ["jobNeverRanSidecarExit0", "STOPPED", "failed", undefined],
    ["taskFailedToStart", "STOPPED", "failed", undefined],
    ["customGroupExit1", "STOPPED", "failed", 1],
    ["running", "RUNNING", "running", undefined],
  ] as const)("records %s as %s, %s, exit code %s", async (name, status, result, exitCode) => {
    const { records } = await record(corpus[name].event, definition);
    expect(records).toHaveLength(1);
    expect(records[0]).toMatchObject({ status, result });
    expect(records[0].exitCode).toBe(exitCode);
  });

  it("measures a task that never started from its creation", async () => {
    const { records } = await record(corpus.taskFailedToStart.event, definition);
    expect(records[0]).not.toHaveProperty("startedAt");
    expect(records[0].durationSeconds).toBe(43);
  });

  it("names the workflow execution that ran the task", async () => {
    const event = taskStateChangeEvent({
      clusterArn: CLUSTER,
      family: "extract",
      taskSeed: "workflow",
      startedBy: "workflow/nightly-sales",
      containers: [{ name: "main", exitCode: 0 }],
    });
    const execution = "arn:aws:states:ap-northeast-1:123456789012:execution:nightly-sales:run-1";
    const withOverrides = {
      ...event,
      detail: {
        ...event.detail,
        overrides: {
          containerOverrides: [
            {
              name: "main",
              environment: [
                { name: "WORKFLOW_NAME", value: "nightly-sales" },
                { name: "WORKFLOW_EXECUTION_ID", value: execution },
              ],
            },
          ],
        },
      },
    };
    const { records } = await record(withOverrides, definition);
    expect(records[0]).toMatchObject({
      job: "extract",
      container: "main",
      startedBy: "workflow/nightly-sales",
      workflowExecution: execution,
      result: "succeeded",
      logGroupName: "/batch/extract",
      logStreamName: `jobs/main/${event.detail.taskArn.split("/").pop()}`,
    });
    expect(records[0]).not.toHaveProperty("schedule");
  });

  it("names no log stream for a job whose output is elsewhere", async () => {
    const { records } = await record(ROUTED_RUN, definition);
    expect(records[0]).not.toHaveProperty("logGroupName");
    expect(records[0]).not.toHaveProperty("logStreamName");
  });

  it("records nothing of a task that is not a job's, or not started nor stopped", async () => {
    for (const event of [corpus.otherFamilyExit1.event, corpus.deprovisioningJobExit1.event]) {
      const { run, entries } = await record(event, definition);
      expect(run.status).toBe("SUCCEEDED");
      expect(run.path).toContain(RECORDER_STATES.notAJob);
      expect(entries).toEqual([]);
    }
  });

  it("writes only fields of RunRecord", async () => {
    const keys: (keyof RunRecord)[] = [
      "version",
      "environment",
      "job",
      "taskArn",
      "taskId",
      "clusterArn",
      "taskDefinitionArn",
      "status",
      "result",
      "startedBy",
      "schedule",
      "workflowExecution",
      "createdAt",
      "startedAt",
      "stoppedAt",
      "durationSeconds",
      "container",
      "exitCode",
      "exitReason",
      "stopCode",
      "stoppedReason",
      "logGroupName",
      "logStreamName",
    ];
    for (const name of Object.keys(corpus) as (keyof typeof corpus)[]) {
      const { records } = await record(corpus[name].event, definition);
      for (const r of records) {
        expect(Object.keys(r).filter((key) => !keys.includes(key as keyof RunRecord))).toEqual([]);
      }
    }
  });
});

describe("the ledger's rules, by event-ruler, in both of its modes", () => {
  const json = ledgerJson();
  const pattern = (id: string) =>
    JSON.parse(resourceAt(json, "aws_cloudwatch_event_rule", id).event_pattern as string);
  const corpus = ecsTaskStateChangeCorpus({ jobName: "report", clusterArn: CLUSTER });

  it("reads the starts and stops in the environment's clusters, and stores this environment's records only", async () => {
    const recordEvent = (detail: RunRecord | { environment: string }): EcsTaskStateChangeEvent =>
      ({
        version: "0",
        id: "0e3c9e5b-0000-4000-8000-000000000000",
        "detail-type": RUN_RECORD_DETAIL_TYPE,
        source: RUN_RECORD_SOURCE,
        account: "123456789012",
        time: "2026-11-23T03:10:31Z",
        region: "ap-northeast-1",
        resources: [],
        detail,
      }) as unknown as EcsTaskStateChangeEvent;
    const { records } = await record(corpus.jobExit1.event);
    const table = matchEvents(
      { tasks: pattern("ledger/TaskRule"), ledger: pattern("ledger/LedgerRule") },
      {
        running: corpus.running.event,
        stopped: corpus.jobExit1.event,
        deprovisioning: corpus.deprovisioningJobExit1.event,
        otherCluster: corpus.otherClusterExit1.event,
        record: recordEvent(records[0]),
        otherEnvironmentRecord: recordEvent({ ...records[0], environment: "prod" }),
      },
    );
    const both = (row: Record<string, { arrayConsistent: boolean; flattened: boolean }>) =>
      Object.fromEntries(
        Object.entries(row).map(([name, m]) => [
          name,
          m.arrayConsistent && m.flattened
            ? true
            : m.arrayConsistent || m.flattened
              ? "differs"
              : false,
        ]),
      );
    expect(both(table.tasks)).toEqual({
      running: true,
      stopped: true,
      deprovisioning: false,
      otherCluster: false,
      record: false,
      otherEnvironmentRecord: false,
    });
    expect(both(table.ledger)).toEqual({
      running: false,
      stopped: false,
      deprovisioning: false,
      otherCluster: false,
      record: true,
      otherEnvironmentRecord: false,
    });
  }, 30_000);
});
