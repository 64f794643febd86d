import {
  GetQueryResultsCommand,
  ResourceNotFoundException,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { GetParametersByPathCommand } from "@aws-sdk/client-ssm";
import { movingClock, NOW, parameterHolds, runFakeCli, SPEC, ssmMock } from "../fake-cli";
import {
  ledgerAnswers,
  JOB_PARAMETER,
  ledgerHolds,
  LEDGER,
  SPEC_WITH_LEDGER,
  queriesStarted,
  record,
  row,
  runningRecord,
} from "../fake-ledger";
import { awsError, logsMock } from "../fake-runner-deps";

const HISTORY = ["history", "nightly-report", "--env", "prod"];

/** A run going on since 02:55 UTC: the ledger has its RUNNING record, delivered twice. */
const RUNNING = runningRecord("c0ffee", { startedAt: "2026-11-23T02:55:00.000Z" });
/** Last night's run, succeeded: RUNNING, then STOPPED delivered twice. */
const SUCCEEDED_STOPPED = record("a11ce", {
  createdAt: "2026-11-22T17:59:50.000Z",
  startedAt: "2026-11-22T18:00:00.000Z",
  stoppedAt: "2026-11-22T18:01:33.000Z",
});
const SUCCEEDED_RUNNING = runningRecord("a11ce", {
  createdAt: "2026-11-22T17:59:50.000Z",
  startedAt: "2026-11-22T18:00:00.000Z",
  logStreamName: "nightly-report/app/a11ce",
});
/** A run started by hand with ecs-batch that exited 3. */
const FAILED = record("b0b", {
  startedBy: "ecs-batch/batch/scheduler-01",
  schedule: undefined,
  createdAt: "2026-11-22T02:59:50.000Z",
  startedAt: "2026-11-22T03:00:00.000Z",
  stoppedAt: "2026-11-22T04:30:00.000Z",
  durationSeconds: 5400,
  result: "failed",
  exitCode: 3,
});
/** A workflow's run that never started. */
const NOT_STARTED = record("d00d", {
  startedBy: "workflow/prod-chain",
  schedule: undefined,
  workflowExecution: "arn:aws:states:ap-northeast-1:123456789012:execution:prod-chain:run-42",
  createdAt: "2026-11-21T03:00:00.000Z",
  startedAt: undefined,
  stoppedAt: "2026-11-21T03:00:20.000Z",
  durationSeconds: 20,
  result: "failed",
  exitCode: undefined,
  stopCode: "TaskFailedToStart",
  stoppedReason: "CannotPullContainerError: pull access denied",
});

/** The ledger rows of those runs, newest first, duplicates and all. */
const ROWS = [
  row(RUNNING, "2026-11-23T02:55:00Z"),
  row(RUNNING, "2026-11-23T02:55:00Z"),
  row(SUCCEEDED_STOPPED),
  row(SUCCEEDED_STOPPED),
  row(SUCCEEDED_RUNNING, "2026-11-22T18:00:00Z"),
  row(FAILED),
  row(NOT_STARTED),
];

beforeEach(() => {
  ssmMock.reset();
  logsMock.reset();
  parameterHolds(JOB_PARAMETER, SPEC_WITH_LEDGER);
});

describe("ecs-batch history <job> --env <env>", () => {
  test("prints the job's last runs, one row per task, newest first, in the user's time zone", async () => {
    ledgerHolds(...ROWS);

    const run = await runFakeCli(HISTORY, { timeZone: "Asia/Tokyo" });

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      [
        "STARTED (Asia/Tokyo)  DURATION     RESULT                      EXIT  STARTED BY                    TASK",
        "2026-11-23 11:55:00   5m5s so far  running                     -     schedule prod-nightly-report  c0ffee",
        "2026-11-23 03:00:00   1m33s        succeeded                   0     schedule prod-nightly-report  a11ce",
        "2026-11-22 12:00:00   1h30m        failed                      3     ecs-batch/batch/scheduler-01  b0b",
        "2026-11-21 12:00:00   20s          failed (TaskFailedToStart)  -     workflow prod-chain:run-42    d00d",
        "",
      ].join("\n"),
    );
    expect(run.stderr).toBe("");
  });

  test("shows the start times in the zone TZ names, or in UTC with --utc", async () => {
    ledgerHolds(row(SUCCEEDED_STOPPED));

    const newYork = await runFakeCli(HISTORY, { timeZone: "America/New_York" });
    const utc = await runFakeCli([...HISTORY, "--utc"], { timeZone: "America/New_York" });

    expect(newYork.stdout.split("\n").slice(0, 2)).toEqual([
      expect.stringMatching(/^STARTED \(America\/New_York\) +DURATION/),
      expect.stringMatching(/^2026-11-22 13:00:00 +1m33s +succeeded/),
    ]);
    expect(utc.stdout.split("\n").slice(0, 2)).toEqual([
      expect.stringMatching(/^STARTED \(UTC\) +DURATION/),
      expect.stringMatching(/^2026-11-22 18:00:00 +1m33s +succeeded/),
    ]);
  });

  test("queries the job's records in the ledger of its parameter, over the last 7 days", async () => {
    ledgerHolds();

    await runFakeCli(HISTORY);

    expect(logsMock.commandCalls(StartQueryCommand)[0].args[0].input).toEqual({
      logGroupNames: [LEDGER],
      queryString: [
        "fields @timestamp, @message",
        '| filter detail.job = "nightly-report"',
        "| sort @timestamp desc",
        // 20 runs, each a RUNNING and a STOPPED record that ECS may deliver twice
        "| limit 80",
      ].join("\n"),
      startTime: Math.floor((NOW - 7 * 24 * 3600 * 1000) / 1000),
      endTime: Math.ceil(NOW / 1000),
    });
    expect(logsMock.commandCalls(GetQueryResultsCommand)[0].args[0].input).toEqual({
      queryId: expect.any(String),
    });
  });

  test.each([
    { since: "24h", from: NOW - 24 * 3600 * 1000 },
    { since: "2w", from: NOW - 14 * 24 * 3600 * 1000 },
    // Midnight in the user's zone (Asia/Tokyo, UTC+9)
    { since: "2026-11-20", from: Date.parse("2026-11-19T15:00:00Z") },
    { since: "2026-11-20T18:30", from: Date.parse("2026-11-20T09:30:00Z") },
    { since: "2026-11-20T18:30Z", from: Date.parse("2026-11-20T18:30:00Z") },
  ])("--since $since reads from then on", async ({ since, from }) => {
    ledgerHolds();

    const run = await runFakeCli([...HISTORY, "--since", since], { timeZone: "Asia/Tokyo" });

    expect(run.exitCode).toBe(0);
    expect(logsMock.commandCalls(StartQueryCommand)[0].args[0].input.startTime).toBe(
      Math.floor(from / 1000),
    );
  });

  test("--limit lists only the newest runs, and reads records for that many", async () => {
    ledgerHolds(...ROWS);

    const run = await runFakeCli([...HISTORY, "--limit", "2"]);

    expect(queriesStarted()[0]).toMatch(/\| limit 8$/);
    expect(run.stdout.trim().split("\n").slice(1)).toEqual([
      expect.stringMatching(/ c0ffee$/),
      expect.stringMatching(/ a11ce$/),
    ]);
  });

  test("--failed asks for failed runs only, and shows no other even if the query does", async () => {
    // moto's Insights ignores filters: the runner filters again.
    ledgerHolds(...ROWS);

    const run = await runFakeCli([...HISTORY, "--failed"]);

    expect(queriesStarted()[0]).toContain(
      '| filter detail.job = "nightly-report" and detail.result = "failed"',
    );
    expect(run.stdout.trim().split("\n").slice(1)).toEqual([
      expect.stringMatching(/ b0b$/),
      expect.stringMatching(/ d00d$/),
    ]);
  });

  test("--json prints one array of the merged run records", async () => {
    ledgerHolds(...ROWS);

    const run = await runFakeCli([...HISTORY, "--json"]);

    expect(run.exitCode).toBe(0);
    const runs = JSON.parse(run.stdout);
    expect(runs).toEqual([RUNNING, SUCCEEDED_STOPPED, FAILED, NOT_STARTED].map(withoutUndefined));
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
  });

  test("a STOPPED record lacking a field takes it from the task's RUNNING record", async () => {
    const stoppedWithoutStarter = { ...SUCCEEDED_STOPPED, startedBy: undefined };
    ledgerHolds(row(stoppedWithoutStarter), row(SUCCEEDED_RUNNING, "2026-11-22T18:00:00Z"));

    const run = await runFakeCli([...HISTORY, "--json"]);

    expect(JSON.parse(run.stdout)).toEqual([
      { ...withoutUndefined(SUCCEEDED_STOPPED), startedBy: "events-rule/prod-nightly-report" },
    ]);
  });

  test("no runs in the window: says so and exits 0; --json prints []", async () => {
    ledgerHolds();

    const run = await runFakeCli(HISTORY, { timeZone: "Asia/Tokyo" });
    const json = await runFakeCli([...HISTORY, "--json"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("no runs of nightly-report since 2026-11-16 12:00:05 (Asia/Tokyo)\n");
    expect(json.exitCode).toBe(0);
    expect(json.stdout).toBe("[]\n");
  });

  test("skips events that are not run records it reads, and says how many", async () => {
    ledgerHolds(row(SUCCEEDED_STOPPED), row({ ...SUCCEEDED_STOPPED, version: 2 }), [
      { field: "@message", value: "not JSON" },
    ]);

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(2);
    expect(run.stderr).toMatch(
      /ecs-batch: skipped 2 events of \/aws\/events\/prod-batch-runs that are not run records this ecs-batch reads/,
    );
  });
});

describe("ecs-batch history --all --env <env>", () => {
  test("lists the runs of every job, finding the ledger in any job parameter of the environment", async () => {
    const withoutLedger = { ...SPEC_WITH_LEDGER, ledgerLogGroupName: undefined };
    ssmMock.on(GetParametersByPathCommand, { Path: "/ecs-batch/prod" }).resolves({
      Parameters: [
        {
          Name: "/ecs-batch/prod/legacy",
          Value: JSON.stringify({ ...withoutLedger, job: "legacy" }),
        },
        { Name: "/ecs-batch/prod/broken", Value: "not JSON" },
        { Name: JOB_PARAMETER, Value: JSON.stringify(SPEC_WITH_LEDGER) },
      ],
    });
    ledgerHolds(row(record("e1", { job: "extract" })), row(SUCCEEDED_STOPPED));

    const run = await runFakeCli(["history", "--all", "--env", "prod", "--since", "24h"]);

    expect(run.exitCode).toBe(0);
    expect(queriesStarted()[0]).not.toContain("filter");
    expect(run.stdout.split("\n").slice(0, 3)).toEqual([
      expect.stringMatching(/^JOB +STARTED \(Asia\/Tokyo\) +DURATION/),
      expect.stringMatching(/^extract +2026-11-23 12:00:00 /),
      expect.stringMatching(/^nightly-report +2026-11-23 03:00:00 /),
    ]);
  });

  test("an environment whose jobs name no ledger: exit 125 saying so", async () => {
    const withoutLedger = { ...SPEC_WITH_LEDGER, ledgerLogGroupName: undefined };
    ssmMock.on(GetParametersByPathCommand).resolves({
      Parameters: [{ Name: JOB_PARAMETER, Value: JSON.stringify(withoutLedger) }],
    });

    const run = await runFakeCli(["history", "--all", "--env", "prod"]);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: no job parameter under \/ecs-batch\/prod names a run ledger \(ledgerLogGroupName\)\n.*hint: deploy the environment with its run ledger/,
    );
    expect(logsMock.commandCalls(StartQueryCommand)).toEqual([]);
  });

  test("an environment without jobs: exit 125 saying so", async () => {
    ssmMock.on(GetParametersByPathCommand).resolves({ Parameters: [] });

    const run = await runFakeCli([
      "history",
      "--all",
      "--env",
      "stg",
      "--region",
      "ap-northeast-1",
    ]);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: no job parameter is under \/ecs-batch\/stg in ap-northeast-1/,
    );
  });
});

describe("ecs-batch history: partial results", () => {
  test("a query CloudWatch Logs timed out: the table, and a warning that it may be incomplete", async () => {
    ledgerAnswers({ status: "Running" }, { status: "Timeout", results: [row(SUCCEEDED_STOPPED)] });

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/ a11ce\n$/);
    expect(run.stderr).toMatch(
      /ecs-batch: the list may be incomplete: CloudWatch Logs stopped the query at its own time limit\n/,
    );
  });

  test("a query that returned its limit of records: older runs may be missing", async () => {
    // --limit 1 reads 4 records; all 4 are of the one running run: an older run may be missing.
    ledgerHolds(...Array.from({ length: 4 }, () => row(RUNNING, "2026-11-23T02:55:00Z")));

    const run = await runFakeCli([...HISTORY, "--limit", "1"]);

    expect(run.exitCode).toBe(0);
    expect(run.stderr).toMatch(
      /the list may be incomplete: the query returned its limit of 4 records: runs that started before 2026-11-23T02:55:00.000Z may be missing/,
    );
  });

  test("a query that returned its limit of records, with fewer runs than asked: older runs may be missing", async () => {
    // --limit 2 reads 8 records: 7 of one run, and one of another job that the query engine
    // did not filter out. A second run of the job may be older than all of them.
    ledgerHolds(
      ...Array.from({ length: 7 }, () => row(RUNNING, "2026-11-23T02:55:00Z")),
      row(record("e1", { job: "extract" }), "2026-11-23T02:00:00Z"),
    );

    const run = await runFakeCli([...HISTORY, "--limit", "2"]);

    expect(run.stdout.trim().split("\n")).toHaveLength(2);
    expect(run.stderr).toMatch(
      /the list may be incomplete: the query returned its limit of 8 records: runs that started before 2026-11-23T02:00:00.000Z may be missing/,
    );
  });

  test("a query that returned its limit of records, all newer than the runs shown: complete", async () => {
    ledgerHolds(
      row(RUNNING, "2026-11-23T02:55:00Z"),
      row(SUCCEEDED_STOPPED),
      row(SUCCEEDED_RUNNING, "2026-11-22T18:00:00Z"),
      row(FAILED),
    );

    const run = await runFakeCli([...HISTORY, "--limit", "1"]);

    expect(run.stdout.trim().split("\n")).toHaveLength(2);
    expect(run.stderr).toBe("");
  });
});

describe("ecs-batch history: queries that do not work", () => {
  test("a query that does not complete within --timeout is stopped: exit 125 saying so", async () => {
    ledgerAnswers({ status: "Running" });

    const run = await runFakeCli([...HISTORY, "--timeout", "30s"], movingClock());

    expect(run.exitCode).toBe(125);
    expect(logsMock.commandCalls(StopQueryCommand)).toHaveLength(1);
    expect(run.stderr).toMatch(
      /error: the query of the run ledger \/aws\/events\/prod-batch-runs did not complete within 30s: it was stopped\n.*hint: try again with a longer --timeout, or a shorter --since/,
    );
    expect(run.stdout).toBe("");
  });

  test("the default timeout is 60 s", async () => {
    ledgerAnswers({ status: "Running" });
    const clock = movingClock();

    const run = await runFakeCli(HISTORY, clock);

    expect(run.exitCode).toBe(125);
    expect(clock.now() - NOW).toBe(60_000);
  });

  test.each([
    { status: "Failed", says: /ended with status Failed in CloudWatch Logs/ },
    { status: "Cancelled", says: /was cancelled \(StopQuery by someone else\)/ },
  ] as const)("a query that ends $status: exit 125", async ({ status, says }) => {
    ledgerAnswers({ status: "Scheduled" }, { status });

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(says);
    expect(run.stdout).toBe("");
  });

  test("SIGINT while waiting for the query stops it, exit 130", async () => {
    ledgerAnswers({ status: "Running" });
    const handlers = new Set<(signal: NodeJS.Signals) => void>();

    const run = await runFakeCli(HISTORY, {
      signals: {
        on: (handler) => {
          handlers.add(handler);
          return () => handlers.delete(handler);
        },
      },
      sleep: async () => handlers.forEach((handler) => handler("SIGINT")),
    });

    expect(run.exitCode).toBe(130);
    expect(logsMock.commandCalls(StopQueryCommand)).toHaveLength(1);
    expect(run.stderr).toMatch(/ecs-batch: received SIGINT: stopped the query\n$/);
    // Unsubscribed: the process exits on the next signal as usual.
    expect(handlers.size).toBe(0);
  });

  test("GetQueryResults throttled: retried until the query completes", async () => {
    ledgerAnswers(awsError("ThrottlingException", 400), {
      status: "Complete",
      results: [row(SUCCEEDED_STOPPED)],
    });

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/ a11ce\n$/);
    expect(run.stderr).toMatch(/cannot read the results of the ledger query \(ThrottlingException/);
  });

  test("a ledger log group that does not exist: exit 125 saying so", async () => {
    logsMock.on(StartQueryCommand).rejects(
      new ResourceNotFoundException({
        message: "Log group '/aws/events/prod-batch-runs' does not exist",
        $metadata: { httpStatusCode: 400 },
      }),
    );

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: the run ledger \/aws\/events\/prod-batch-runs does not exist .*\n.*hint: deploy the environment's run ledger, or check the region/,
    );
  });

  test("access denied: exit 125 naming the runner policy of the environment", async () => {
    logsMock
      .on(StartQueryCommand)
      .rejects(
        awsError(
          "AccessDeniedException",
          400,
          "User: arn:aws:sts::123456789012:assumed-role/batch-scheduler/i-0abc is not authorized to perform: logs:StartQuery on resource: arn:aws:logs:ap-northeast-1:123456789012:log-group:/aws/events/prod-batch-runs because no identity-based policy allows the logs:StartQuery action",
        ),
      );

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: cannot query the run ledger \/aws\/events\/prod-batch-runs: access denied: role batch-scheduler may not logs:StartQuery/,
    );
    expect(run.stderr).toMatch(/hint: attach the policy prod-ecs-batch-runner/);
  });

  test("a job whose parameter names no ledger: exit 125 saying so", async () => {
    parameterHolds(JOB_PARAMETER, SPEC);

    const run = await runFakeCli(HISTORY);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: job parameter \/ecs-batch\/prod\/nightly-report names no run ledger \(ledgerLogGroupName\)/,
    );
  });

  test("queries the ledger in the job's region, or --region", async () => {
    ledgerHolds();

    const own = await runFakeCli(HISTORY);
    const other = await runFakeCli([...HISTORY, "--region", "us-east-1"]);

    expect(own.taskClientOptions).toEqual([{ region: "ap-northeast-1" }]);
    expect(other.taskClientOptions).toEqual([{ region: "us-east-1" }]);
    expect(other.ssmClientOptions).toEqual([{ region: "us-east-1" }]);
  });
});

describe("ecs-batch history: bad arguments exit 2", () => {
  test.each([
    { argv: ["history", "--env", "prod"], says: /give a job, or --all/ },
    { argv: [...HISTORY, "--all"], says: /give a job or --all, not both/ },
    { argv: ["history", "nightly-report"], says: /--env/ },
    { argv: [...HISTORY, "--since", "7"], says: /'7' has no unit: write 7d, 7h or 7m/ },
    { argv: [...HISTORY, "--since", "yesterday"], says: /neither a duration nor a date/ },
    { argv: [...HISTORY, "--since", "2026-02-30"], says: /neither a duration nor a date/ },
    { argv: [...HISTORY, "--since", "2027-01-01"], says: /--since is in the future/ },
    { argv: [...HISTORY, "--limit", "0"], says: /must be a whole number from 1 to 1000/ },
    { argv: [...HISTORY, "--timeout", "60"], says: /'60' has no unit/ },
  ])("$argv", async ({ argv, says }) => {
    const run = await runFakeCli(argv);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(ssmMock.calls()).toEqual([]);
  });
});

/** A record as JSON has it: without the keys whose value is undefined. */
function withoutUndefined(value: object): object {
  return JSON.parse(JSON.stringify(value));
}
