import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { PutParameterCommand } from "@aws-sdk/client-ssm";
import { jobParameterName, jobParameterPrefix } from "../../../contract/job-run-spec";
import {
  RUN_RECORD_DETAIL_TYPE,
  RUN_RECORD_SOURCE,
  runLedgerLogGroupName,
  type RunRecord,
} from "../../../contract/run-record";
import { EXIT_CODES } from "../../../runner/exit-codes";
import { TASK_ARN, expectExitCode, runCli } from "./cli-process";
import {
  BatchFixture,
  ENVIRONMENT,
  JOB_NAME,
  LOG_GROUP_NAME,
  LOG_STREAM_PREFIX,
  createBatchFixture,
} from "./fixture";
import { MotoServer, REGION, startMotoServer } from "./moto-server";

// `ecs-batch history` and `ecs-batch logs` end to end: the built CLI against moto's server, whose
// Logs Insights runs `fields`, `sort` and `limit` (and ignores `filter`, which the runner applies
// again). The ledger is seeded with run records the way the environment's rule writes them.

const LEDGER = runLedgerLogGroupName(ENVIRONMENT);
const LEDGER_STREAM = "runs";

let moto: MotoServer;
let fixture: BatchFixture;
let logs: CloudWatchLogsClient;

beforeAll(async () => {
  moto = await startMotoServer();
  fixture = await createBatchFixture(moto);
  logs = new CloudWatchLogsClient(moto.clientConfig);
  // The job's parameter names its environment's ledger.
  await fixture.ssm.send(
    new PutParameterCommand({
      Name: jobParameterName(jobParameterPrefix(ENVIRONMENT), JOB_NAME),
      Type: "String",
      Value: JSON.stringify({ ...fixture.spec, ledgerLogGroupName: LEDGER }),
      Overwrite: true,
    }),
  );
  await logs.send(new CreateLogGroupCommand({ logGroupName: LEDGER }));
  await logs.send(
    new CreateLogStreamCommand({ logGroupName: LEDGER, logStreamName: LEDGER_STREAM }),
  );
  await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP_NAME }));
});

afterAll(async () => {
  logs?.destroy();
  fixture?.ecs.destroy();
  fixture?.ssm.destroy();
  await moto?.stop();
});

/** A record of a run of the fixture's job, started `minutesAgo` and, unless running, ended. */
function runRecord(taskId: string, minutesAgo: number, fields: Partial<RunRecord> = {}): RunRecord {
  const startedAt = new Date(Date.now() - minutesAgo * 60_000);
  const running = fields.status === "RUNNING";
  return {
    version: 1,
    environment: ENVIRONMENT,
    job: JOB_NAME,
    taskArn: `${fixture.clusterArn.replace(":cluster/", ":task/")}/${taskId}`,
    taskId,
    clusterArn: fixture.clusterArn,
    taskDefinitionArn: fixture.taskDefinitionArn,
    status: "STOPPED",
    result: running ? "running" : "succeeded",
    startedBy: "events-rule/test-job",
    schedule: "test-job",
    createdAt: new Date(startedAt.getTime() - 10_000).toISOString(),
    startedAt: startedAt.toISOString(),
    ...(running
      ? {}
      : {
          stoppedAt: new Date(startedAt.getTime() + 42_000).toISOString(),
          durationSeconds: 42,
          exitCode: 0,
        }),
    container: JOB_NAME,
    logGroupName: LOG_GROUP_NAME,
    logStreamName: `${LOG_STREAM_PREFIX}/${JOB_NAME}/${taskId}`,
    ...fields,
  };
}

/** Writes records to the ledger as the environment's rule does: each event whole, in order. */
async function recordRuns(...records: RunRecord[]): Promise<void> {
  const events = records
    .map((detail) => {
      const time = detail.stoppedAt ?? detail.startedAt ?? detail.createdAt;
      return {
        timestamp: Date.parse(time),
        message: JSON.stringify({
          version: "0",
          id: `${detail.taskId}-${detail.status}`,
          "detail-type": RUN_RECORD_DETAIL_TYPE,
          source: RUN_RECORD_SOURCE,
          account: "123456789012",
          time,
          region: REGION,
          resources: [],
          detail,
        }),
      };
    })
    .sort((a, b) => a.timestamp - b.timestamp);
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: LEDGER,
      logStreamName: LEDGER_STREAM,
      logEvents: events,
    }),
  );
}

async function writeJobLog(taskId: string, ...lines: string[]): Promise<void> {
  const logStreamName = `${LOG_STREAM_PREFIX}/${JOB_NAME}/${taskId}`;
  await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP_NAME, logStreamName }));
  await logs.send(
    new PutLogEventsCommand({
      logGroupName: LOG_GROUP_NAME,
      logStreamName,
      logEvents: lines.map((message) => ({ timestamp: Date.now(), message })),
    }),
  );
}

const HISTORY = ["history", JOB_NAME, "--env", ENVIRONMENT];
const LOGS = ["logs", JOB_NAME, "--env", ENVIRONMENT];

// The tests share one ledger and run in order: each adds the runs it reads.
describe("ecs-batch history and logs against moto", () => {
  test("history of a job without runs in the window says so, exit 0", async () => {
    const result = await runCli([...HISTORY, "--utc"], moto.env);

    expectExitCode(result, EXIT_CODES.success);
    expect(result.stdout).toMatch(
      /^no runs of job since \d{4}-\d\d-\d\d \d\d:\d\d:\d\d \(UTC\)\n$/,
    );
  });

  test("history lists each run once, newest first, a running one as running", async () => {
    const earlier = runRecord("1111aaaa", 120, { status: "RUNNING", result: "running" });
    const done = runRecord("1111aaaa", 120);
    const going = runRecord("2222bbbb", 5, { status: "RUNNING", result: "running" });
    // ECS delivered the STOPPED event twice.
    await recordRuns(earlier, done, done, going);

    const table = await runCli([...HISTORY, "--utc"], moto.env);
    const json = await runCli([...HISTORY, "--json"], moto.env);

    expectExitCode(table, EXIT_CODES.success);
    expect(table.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^STARTED \(UTC\) +DURATION +RESULT +EXIT +STARTED BY +TASK$/),
      expect.stringMatching(/ so far +running +- +schedule test-job +2222bbbb$/),
      expect.stringMatching(/ 42s +succeeded +0 +schedule test-job +1111aaaa$/),
    ]);
    expectExitCode(json, EXIT_CODES.success);
    expect(JSON.parse(json.stdout)).toEqual([going, done]);
  });

  test("history --all finds the ledger in the environment's job parameters", async () => {
    const result = await runCli(
      ["history", "--all", "--env", ENVIRONMENT, "--since", "24h"],
      moto.env,
    );

    expectExitCode(result, EXIT_CODES.success);
    expect(result.stdout.trim().split("\n")).toEqual([
      expect.stringMatching(/^JOB +STARTED \(/),
      expect.stringMatching(/^job .* 2222bbbb$/),
      expect.stringMatching(/^job .* 1111aaaa$/),
    ]);
  });

  test("history --since leaves out older runs", async () => {
    const result = await runCli([...HISTORY, "--since", "1h"], moto.env);

    expectExitCode(result, EXIT_CODES.success);
    expect(result.stdout).toMatch(/2222bbbb\n$/);
    expect(result.stdout).not.toMatch(/1111aaaa/);
  });

  test("logs --task prints the container log of that run", async () => {
    await writeJobLog("1111aaaa", "report started", "report written");

    const result = await runCli([...LOGS, "--task", "1111aaaa"], moto.env);

    expectExitCode(result, EXIT_CODES.success);
    expect(result.stdout).toMatch(/^\S+Z report started\n\S+Z report written\n$/);
    expect(result.stderr).toMatch(/ecs-batch: task 1111aaaa of job: succeeded, exit 0, started /);
  });

  test("logs --follow reads the last run's log until its task stops", async () => {
    // A task that runs now: moto moves it one state on per DescribeTasks.
    const started = await runCli(["run", JOB_NAME, "--env", ENVIRONMENT, "--no-wait"], moto.env);
    expectExitCode(started, EXIT_CODES.success);
    const taskArn = (started.stdout.match(TASK_ARN) ?? [""])[0];
    const taskId = taskArn.split("/").pop() ?? "";
    await recordRuns(runRecord(taskId, 0, { status: "RUNNING", result: "running", taskArn }));
    await writeJobLog(taskId, "working on it");

    const result = await runCli([...LOGS, "--follow"], moto.env);

    expectExitCode(result, EXIT_CODES.success);
    expect(result.stdout).toMatch(/^\S+Z working on it\n$/);
    expect(result.stderr).toMatch(
      new RegExp(`ecs-batch: task ${taskId} stopped: container ${JOB_NAME} exited 0\\n$`),
    );
  });
});
