import { Testing, TerraformElement } from "cdktf";
import { environments } from "../../environments";
import { dev } from "../../environments/dev";
import { EnvironmentConfig, JobConfig } from "../../environments/environment-config";
import { EnvironmentStack } from "../../environments/environment-stack";
import { EnvironmentConfigError } from "../../environments/environment-validation";
import { prod } from "../../environments/prod";
import { stg } from "../../environments/stg";
import { RunLedger } from "../../modules/run-ledger/run-ledger";
import { runStateMachine, TaskCall } from "../asl/asl-runner";
import {
  EcsTaskStateChangeEvent,
  taskStateChangeEvent,
} from "../event-ruler/ecs-task-state-change-events";
import { EventMatch, matchEvents, MatchTable } from "../event-ruler/event-ruler";
import { statementsOf } from "../synth";
import {
  AslState,
  Block,
  FoundResource,
  SynthesizedEnvironment,
  TerraformJson,
  containerDefinitions,
  parseTerraformJson,
  ref,
  resourceWhere,
  resources,
  resourcesOfConstruct,
  resourcesWhere,
  rolePolicies,
  stateMachineDefinition,
  synthEnvironment,
  synthOnce,
} from "./synth-environment";

/*
 * The run ledger of each environment: every start and stop of a task of one of its jobs, written
 * by the recorder as one record and stored by the ledger's rule in /aws/events/<env>-batch-runs.
 */

/** The ledger's resources in a synthesized stack, found by the names it gives them. */
interface Ledger {
  readonly logGroup: FoundResource;
  /** The rule on the cluster's task state changes, which starts the recorder. */
  readonly taskRule: FoundResource;
  /** The rule that stores the records in the log group. */
  readonly ledgerRule: FoundResource;
  readonly recorder: FoundResource;
  readonly recorderLogGroup: FoundResource;
  readonly recorderRole: FoundResource;
  readonly eventsRole: FoundResource;
  readonly resourcePolicy: FoundResource;
}

function ledgerOf(tf: TerraformJson, environment: string): Ledger {
  const name = `${environment}-batch-runs`;
  return {
    logGroup: resourceWhere(tf, "aws_cloudwatch_log_group", { name: `/aws/events/${name}` }),
    taskRule: resourceWhere(tf, "aws_cloudwatch_event_rule", {
      name: `${environment}-batch-task-changes`,
    }),
    ledgerRule: resourceWhere(tf, "aws_cloudwatch_event_rule", { name }),
    recorder: resourceWhere(tf, "aws_sfn_state_machine", { name: `${name}-recorder` }),
    recorderLogGroup: resourceWhere(tf, "aws_cloudwatch_log_group", {
      name: `/aws/vendedlogs/states/${name}-recorder`,
    }),
    recorderRole: resourceWhere(tf, "aws_iam_role", { name: `${name}-recorder` }),
    eventsRole: resourceWhere(tf, "aws_iam_role", { name: `${name}-events` }),
    resourcePolicy: resourceWhere(tf, "aws_cloudwatch_log_resource_policy", { policy_name: name }),
  };
}

/** The one target of a rule. */
function targetOf(tf: TerraformJson, rule: FoundResource): Block {
  const targets = resourcesWhere(tf, "aws_cloudwatch_event_target", {
    rule: ref("aws_cloudwatch_event_rule", rule.id, "name"),
  });
  expect(targets).toHaveLength(1);
  return targets[0].block;
}

/** What the recorder knows: its first state assigns the jobs by family, and the environment. */
function recorderKnows(
  tf: TerraformJson,
  environment: string,
): { jobs: Record<string, Block>; environment: string } {
  const asl = stateMachineDefinition(tf, `${environment}-batch-runs-recorder`);
  const first = asl.States[asl.StartAt] as AslState & {
    Assign?: { jobs: Record<string, Block>; environment: string };
  };
  expect(first.Type).toBe("Pass");
  expect(first.Assign).toBeDefined();
  return first.Assign!;
}

/** The job's own container: named by its task's container, or after the job. */
function jobContainerName(job: JobConfig): string {
  return job.task?.container?.name ?? job.jobName;
}

/**
 * Where the job's own container logs, read from its task definition: the log group and stream
 * prefix of its awslogs driver, or nothing when it logs elsewhere (through a log router).
 */
function whereTheJobLogs(tf: TerraformJson, job: JobConfig): Block {
  const taskDefinition = resourceWhere(tf, "aws_ecs_task_definition", { family: job.jobName });
  const container = containerDefinitions(taskDefinition.block).find(
    (c) => c.name === jobContainerName(job),
  );
  expect(container).toBeDefined();
  const logging = container!.logConfiguration as { logDriver: string; options: Block };
  return logging.logDriver === "awslogs"
    ? {
        logGroupName: logging.options["awslogs-group"],
        logStreamPrefix: logging.options["awslogs-stream-prefix"],
      }
    : {};
}

/** The ARN Terraform gives the environment's cluster, made or looked up. */
function clusterArnOf(config: EnvironmentConfig): string {
  const name = (config.cluster.create ?? config.cluster.existing)!.name;
  return `arn:aws:ecs:${config.region}:${config.accountId}:cluster/${name}`;
}

/** A task state change of a job of `config`, in its cluster; once stopped, its container exited 0. */
function taskEvent(
  config: EnvironmentConfig,
  job: JobConfig,
  lastStatus: "PENDING" | "RUNNING" | "STOPPED",
  clusterArn = clusterArnOf(config),
): EcsTaskStateChangeEvent {
  return taskStateChangeEvent({
    clusterArn,
    family: job.jobName,
    lastStatus,
    containers: [
      { name: jobContainerName(job), ...(lastStatus === "STOPPED" ? { exitCode: 0 } : {}) },
    ],
    taskSeed: `${config.name} ${job.jobName}`,
  });
}

/** The events one run of the recorder put on the bus (the entries of its putEvents calls). */
async function recordedBy(
  tf: TerraformJson,
  environment: string,
  event: unknown,
): Promise<{ status: string; path: readonly string[]; entries: Block[] }> {
  const { block } = resourceWhere(tf, "aws_sfn_state_machine", {
    name: `${environment}-batch-runs-recorder`,
  });
  const entries: Block[] = [];
  const putEvents = ({ arguments: args }: TaskCall) => {
    entries.push(...(args.Entries as Block[]));
    return { FailedEntryCount: 0, Entries: [{ EventId: "1" }] };
  };
  const run = await runStateMachine(
    parseTerraformJson(block.definition) as Parameters<typeof runStateMachine>[0],
    event,
    { "arn:aws:states:::events:putEvents": putEvents },
  );
  return { status: run.status, path: run.path, entries };
}

/** A record's event as EventBridge delivers it to the rules of the default bus. */
function delivered(config: EnvironmentConfig, entry: Block): Block {
  return {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": entry.DetailType,
    source: entry.Source,
    account: config.accountId,
    time: "2026-11-23T03:10:31Z",
    region: config.region,
    resources: [],
    detail: entry.Detail,
  };
}

/** Each environment, the cluster its ledger reads, and its jobs: scheduled and workflow ones. */
const LEDGERS: readonly [EnvironmentConfig, string, readonly string[]][] = [
  [dev, "${aws_ecs_cluster.Cluster.arn}", ["build-sales-report", "example-batch", "extract-sales"]],
  [stg, "${aws_ecs_cluster.Cluster.arn}", ["example-batch"]],
  // prod's jobs run in the platform team's cluster, looked up by name.
  [prod, "${data.aws_ecs_cluster.Cluster.arn}", ["example-batch", "sales-report"]],
];

it("covers every environment", () => {
  expect(LEDGERS.map(([config]) => config)).toEqual(environments);
});

describe.each(LEDGERS.map(([config, ...rest]) => [config.name, config, ...rest] as const))(
  "the run ledger of %s",
  (name, config, clusterArn, jobNames) => {
    let env: SynthesizedEnvironment;
    let ledger: Ledger;
    beforeAll(() => {
      env = synthOnce(config);
      ledger = ledgerOf(env.tf, name);
    });

    it(`keeps the records in /aws/events/${name}-batch-runs for a year, and outputs its name`, () => {
      expect(env.stack.runLedger).toBeInstanceOf(RunLedger);
      expect(ledger.logGroup.block).toEqual({
        name: `/aws/events/${name}-batch-runs`,
        retention_in_days: 365,
      });
      expect(env.tf.output?.["run-ledger-log-group"]).toEqual({
        value: ref("aws_cloudwatch_log_group", ledger.logGroup.id, "name"),
        description: "Log group of the run ledger: every start and stop of every job's task",
      });
    });

    it("starts the recorder on every start and stop of a task in the environment's cluster", () => {
      expect(JSON.parse(ledger.taskRule.block.event_pattern as string)).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: { clusterArn: [clusterArn], lastStatus: ["RUNNING", "STOPPED"] },
      });
      expect(targetOf(env.tf, ledger.taskRule)).toMatchObject({
        target_id: "run-recorder",
        arn: ref("aws_sfn_state_machine", ledger.recorder.id, "arn"),
        role_arn: ref("aws_iam_role", ledger.eventsRole.id, "arn"),
      });
      const statements = rolePolicies(env.tf, `${name}-batch-runs-events`).flatMap((policy) =>
        statementsOf(policy),
      );
      expect(statements).toEqual([
        expect.objectContaining({
          Action: ["states:StartExecution"],
          Resource: [ref("aws_sfn_state_machine", ledger.recorder.id, "arn")],
        }),
      ]);
    });

    it("records with an Express state machine that logs its errors and may put only run records", () => {
      expect(ledger.recorder.block).toMatchObject({
        type: "EXPRESS",
        role_arn: ref("aws_iam_role", ledger.recorderRole.id, "arn"),
        logging_configuration: {
          level: "ERROR",
          log_destination: `${ref("aws_cloudwatch_log_group", ledger.recorderLogGroup.id, "arn")}:*`,
        },
      });
      const statements = rolePolicies(env.tf, `${name}-batch-runs-recorder`).flatMap((policy) =>
        statementsOf(policy),
      );
      expect(statements.filter((s) => s.Action.some((a) => a.startsWith("events:")))).toEqual([
        expect.objectContaining({
          Action: ["events:PutEvents"],
          Condition: {
            "ForAllValues:StringEquals": {
              "events:source": "ecs-batch",
              "events:detail-type": "Batch Job Run",
            },
            Null: { "events:source": "false", "events:detail-type": "false" },
          },
        }),
      ]);
    });

    it("stores the environment's records in the log group, which only the ledger's rule may write to", () => {
      expect(JSON.parse(ledger.ledgerRule.block.event_pattern as string)).toEqual({
        source: ["ecs-batch"],
        "detail-type": ["Batch Job Run"],
        detail: { environment: [name] },
      });
      const logGroupArn = ref("aws_cloudwatch_log_group", ledger.logGroup.id, "arn");
      const target = targetOf(env.tf, ledger.ledgerRule);
      expect(target).toMatchObject({ target_id: "run-ledger", arn: logGroupArn });
      // CloudWatch Logs takes a rule's events through its resource policy, not through a role.
      expect(target).not.toHaveProperty("role_arn");
      // EventBridge makes its streams there, and writes records for the ledger's rule only.
      expect(statementsOf(ledger.resourcePolicy.block.policy_document)).toEqual([
        expect.objectContaining({
          Action: ["logs:CreateLogStream"],
          Resource: [`${logGroupArn}:*`],
        }),
        expect.objectContaining({
          Action: ["logs:PutLogEvents"],
          Resource: [`${logGroupArn}:*`],
          Condition: {
            ArnEquals: {
              "aws:SourceArn": ref("aws_cloudwatch_event_rule", ledger.ledgerRule.id, "arn"),
            },
          },
        }),
      ]);
      expect(statementsOf(ledger.resourcePolicy.block.policy_document)[0]).not.toHaveProperty(
        "Condition",
      );
    });

    it(`knows every job of ${name} by family (${jobNames.join(", ")}): its container, and where it logs`, () => {
      const knows = recorderKnows(env.tf, name);
      expect(knows.environment).toBe(name);
      expect(Object.keys(knows.jobs).sort()).toEqual(jobNames);
      for (const job of config.jobs) {
        expect(knows.jobs[job.jobName]).toEqual({
          container: jobContainerName(job),
          ...whereTheJobLogs(env.tf, job),
        });
      }
    });

    it("names the ledger in each job's runner parameter", () => {
      for (const job of config.jobs) {
        const parameter = resourceWhere(env.tf, "aws_ssm_parameter", {
          name: `/ecs-batch/${name}/${job.jobName}`,
        });
        expect(parseTerraformJson(parameter.block.value)).toMatchObject({
          job: job.jobName,
          ledgerLogGroupName: ledger.logGroup.block.name,
        });
      }
    });

    it("alarms to the environment's failure topics when the recorder fails", () => {
      const topics = [
        `${name}-batch-failures`,
        ...(config.notifications?.slack ? [`${name}-batch-failures-chat`] : []),
      ].map((topic) =>
        ref("aws_sns_topic", resourceWhere(env.tf, "aws_sns_topic", { name: topic }).id, "arn"),
      );
      const alarm = resourceWhere(env.tf, "aws_cloudwatch_metric_alarm", {
        alarm_name: `${name}-batch-runs-recorder-failed`,
      });
      expect(alarm.block).toMatchObject({
        namespace: "AWS/States",
        metric_name: "ExecutionsFailed",
        dimensions: { StateMachineArn: ref("aws_sfn_state_machine", ledger.recorder.id, "arn") },
        alarm_actions: topics,
      });
    });

    it.each(jobNames)(
      "records a run of %s with its container and the log stream that container writes",
      async (jobName) => {
        const job = config.jobs.find((j) => j.jobName === jobName)!;
        const stopped = taskEvent(config, job, "STOPPED");
        const { status, entries } = await recordedBy(env.tf, name, stopped);
        expect(status).toBe("SUCCEEDED");
        expect(entries).toHaveLength(1);
        expect(entries[0]).toMatchObject({ Source: "ecs-batch", DetailType: "Batch Job Run" });
        const taskId = stopped.detail.taskArn.split("/").pop();
        const logs = whereTheJobLogs(env.tf, job);
        expect(entries[0].Detail).toMatchObject({
          environment: name,
          job: jobName,
          status: "STOPPED",
          result: "succeeded",
          container: jobContainerName(job),
          // awslogs names a container's stream <prefix>/<container>/<task id>.
          logGroupName: logs.logGroupName,
          logStreamName: `${logs.logStreamPrefix}/${jobContainerName(job)}/${taskId}`,
        });
      },
    );

    it("records nothing of a task that is not one of its jobs' (a service in the same cluster)", async () => {
      const service: JobConfig = { jobName: "web-frontend" };
      const { status, path, entries } = await recordedBy(
        env.tf,
        name,
        taskEvent(config, service, "STOPPED"),
      );
      expect(status).toBe("SUCCEEDED");
      expect(path[path.length - 1]).toBe("Not a job of this environment");
      expect(entries).toEqual([]);
    });
  },
);

describe("the ledgers' rules, matched as EventBridge does", () => {
  type PatternName = `${string}/${"task changes" | "ledger"}`;
  type EventName = `${string}/${string}`;
  let table: MatchTable<PatternName, EventName>;

  beforeAll(async () => {
    const patterns: Record<PatternName, object> = {};
    const events: Record<EventName, object> = {};
    for (const config of environments) {
      const { tf } = synthOnce(config);
      const ledger = ledgerOf(tf, config.name);
      // Terraform gives the rule the cluster's ARN.
      patterns[`${config.name}/task changes`] = JSON.parse(
        (ledger.taskRule.block.event_pattern as string).replace(
          /\$\{[^}]+\}/,
          clusterArnOf(config),
        ),
      );
      patterns[`${config.name}/ledger`] = JSON.parse(
        ledger.ledgerRule.block.event_pattern as string,
      );
      const job = config.jobs[0];
      events[`${config.name}/a job's task started`] = taskEvent(config, job, "RUNNING");
      events[`${config.name}/a job's task stopped`] = taskEvent(config, job, "STOPPED");
      events[`${config.name}/a job's task pending`] = taskEvent(config, job, "PENDING");
      events[`${config.name}/a task of another cluster stopped`] = taskEvent(
        config,
        job,
        "STOPPED",
        `${clusterArnOf(config)}-other`,
      );
      const { entries } = await recordedBy(tf, config.name, taskEvent(config, job, "STOPPED"));
      events[`${config.name}/the recorder's record`] = delivered(config, entries[0]);
    }
    table = matchEvents(patterns, events);
  });

  /** The events a pattern matches, the same in both of event-ruler's ways of matching. */
  function matchedBy(pattern: PatternName): EventName[] {
    const matches = Object.entries(table[pattern]) as [EventName, EventMatch][];
    const arrayConsistent = matches.filter(([, m]) => m.arrayConsistent).map(([e]) => e);
    const flattened = matches.filter(([, m]) => m.flattened).map(([e]) => e);
    expect(flattened).toEqual(arrayConsistent);
    return arrayConsistent.sort();
  }

  it.each(environments.map((c) => c.name))(
    "%s: the task rule takes the starts and stops of its cluster's tasks, nothing else",
    (name) => {
      expect(matchedBy(`${name}/task changes`)).toEqual([
        `${name}/a job's task started`,
        `${name}/a job's task stopped`,
      ]);
    },
  );

  it.each(environments.map((c) => c.name))(
    "%s: the ledger's rule stores its recorder's records, and no other environment's",
    (name) => {
      expect(matchedBy(`${name}/ledger`)).toEqual([`${name}/the recorder's record`]);
    },
  );
});

describe("the run ledger's settings", () => {
  const base: EnvironmentConfig = {
    name: "dev",
    region: "eu-west-1",
    accountId: "123456789012",
    network: {
      subnetIds: ["subnet-0123456789abcdef0"],
      securityGroupIds: ["sg-0123456789abcdef0"],
    },
    cluster: { create: { name: "jobs-dev" } },
    backend: { local: {} },
    jobs: [
      {
        jobName: "nightly-report",
        schedule: "cron(0 18 * * ? *)",
        task: { container: { image: "alpine:3.20" } },
      },
    ],
  };

  it("keeps the records as many days as ledger.retentionDays says", () => {
    const { tf } = synthEnvironment({ ...base, ledger: { retentionDays: 731 } });
    expect(ledgerOf(tf, "dev").logGroup.block.retention_in_days).toBe(731);
  });

  it("alarms on the recorder only when the environment has notifications", () => {
    const quiet = synthEnvironment(base);
    expect(ledgerOf(quiet.tf, "dev").recorder).toBeDefined();
    expect(resources(quiet.tf, "aws_cloudwatch_metric_alarm")).toEqual([]);

    const { tf } = synthEnvironment({
      ...base,
      notifications: { emailAddresses: ["ops@example.com"] },
    });
    const topic = resourceWhere(tf, "aws_sns_topic", { name: "dev-batch-failures" });
    expect(
      resourceWhere(tf, "aws_cloudwatch_metric_alarm", {
        alarm_name: "dev-batch-runs-recorder-failed",
      }).block.alarm_actions,
    ).toEqual([ref("aws_sns_topic", topic.id, "arn")]);
  });

  it("knows a job's own container and stream prefix, no log group of a job with a log router, and no job of a task definition made elsewhere", async () => {
    const named: JobConfig = {
      jobName: "weekly-report",
      task: {
        container: { name: "report", image: "alpine:3.20" },
        sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31.0" }],
        logs: { groupName: "/reports/weekly", streamPrefix: "reports" },
      },
    };
    const routed: JobConfig = {
      jobName: "export",
      task: {
        container: { image: "alpine:3.20" },
        logRouter: { destination: { name: "kinesis_firehose" } },
      },
    };
    const existing: JobConfig = {
      jobName: "importer",
      existingTaskDefinition: {
        taskDefinitionArn: "arn:aws:ecs:eu-west-1:123456789012:task-definition/importer:7",
        executionRoleArn: "arn:aws:iam::123456789012:role/importer-execution",
      },
    };
    const { tf } = synthEnvironment({ ...base, jobs: [...base.jobs, named, routed, existing] });
    const { jobs } = recorderKnows(tf, "dev");
    const logGroup = (name: string) =>
      ref(
        "aws_cloudwatch_log_group",
        resourceWhere(tf, "aws_cloudwatch_log_group", { name }).id,
        "name",
      );
    expect(jobs["nightly-report"]).toEqual({
      container: "nightly-report",
      logGroupName: logGroup("/ecs-scheduled-tasks/nightly-report"),
      logStreamPrefix: "batch",
    });
    expect(jobs["weekly-report"]).toEqual({
      container: "report",
      logGroupName: logGroup("/reports/weekly"),
      logStreamPrefix: "reports",
    });
    // Its output is at the router's destination: its log group holds only the router's own log.
    expect(jobs.export).toEqual({ container: "export" });
    // Its task definition is made elsewhere: its container, which decides a run, is not known.
    expect(jobs).not.toHaveProperty("importer");

    // A record names the stream of the job's own container, under the job's stream prefix.
    const config = { ...base, jobs: [...base.jobs, named, routed, existing] };
    const stopped = taskEvent(config, named, "STOPPED");
    const [record] = (await recordedBy(tf, "dev", stopped)).entries;
    expect(record.Detail).toMatchObject({
      job: "weekly-report",
      container: "report",
      logGroupName: logGroup("/reports/weekly"),
      logStreamName: `reports/report/${stopped.detail.taskArn.split("/").pop()}`,
    });
    const [routedRecord] = (await recordedBy(tf, "dev", taskEvent(config, routed, "STOPPED")))
      .entries;
    expect(routedRecord.Detail).toMatchObject({ job: "export", container: "export" });
    expect(routedRecord.Detail).not.toHaveProperty("logStreamName");
  });

  it("makes no ledger in an environment without jobs", () => {
    const { stack, tf } = synthEnvironment({ ...base, jobs: [] });
    expect(stack.runLedger).toBeUndefined();
    expect(resourcesOfConstruct(tf, "RunLedger")).toEqual([]);
    expect(resources(tf, "aws_cloudwatch_log_group")).toEqual([]);
    expect(resources(tf, "aws_sfn_state_machine")).toEqual([]);
    expect(tf.output ?? {}).not.toHaveProperty("run-ledger-log-group");
  });

  it("rejects a retention CloudWatch Logs does not offer before anything is made", () => {
    const app = Testing.app();
    const config = { ...base, ledger: { retentionDays: 100 } };
    expect(() => new EnvironmentStack(app, "dev", { config })).toThrow(EnvironmentConfigError);
    expect(() => new EnvironmentStack(Testing.app(), "dev", { config })).toThrow(
      /^environment 'dev': ledger\.retentionDays: 100 is not a retention CloudWatch Logs accepts/,
    );
    expect(app.node.findAll().filter((c) => c instanceof TerraformElement)).toEqual([]);
  });
});

describe("the runner policy of an environment", () => {
  it("may query the environment's run ledger, the log group the ledger writes", () => {
    const { tf } = synthEnvironment(dev);
    const policy = Object.values(tf.resource?.aws_iam_policy ?? {}).find(
      (p) => p.name === "dev-ecs-batch-runner",
    );
    const query = statementsOf(policy!.policy as string).find((s) => s.Sid === "QueryTheRunLedger");
    const ledgerArn =
      "arn:aws:logs:ap-northeast-1:111111111111:log-group:/aws/events/dev-batch-runs";
    expect(query).toMatchObject({
      Action: ["logs:StartQuery", "logs:GetQueryResults"],
      Resource: [ledgerArn, `${ledgerArn}:*`],
    });
    expect(Object.values(tf.resource?.aws_cloudwatch_log_group ?? {}).map((g) => g.name)).toContain(
      "/aws/events/dev-batch-runs",
    );
  });
});
