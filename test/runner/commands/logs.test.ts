import { GetLogEventsCommand, StartQueryCommand } from "@aws-sdk/client-cloudwatch-logs";
import { DescribeTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { movingClock, NOW, parameterHolds, runFakeCli, SPEC, ssmMock } from "../fake-cli";
import {
  ledgerAnswers,
  JOB_PARAMETER,
  ledgerHolds,
  SPEC_WITH_LEDGER,
  queriesStarted,
  record,
  row,
  runningRecord,
  taskArnOf,
} from "../fake-ledger";
import {
  awsError,
  describeTasksAnswers,
  ecsMock,
  FakeLogStream,
  logsMock,
  stoppedTask,
  task,
} from "../fake-runner-deps";

const LOGS = ["logs", "nightly-report", "--env", "prod"];
const TASK_ID = "0123456789abcdef0123456789abcdef";
const T0 = Date.parse("2026-11-23T03:00:00.000Z");

/** The status lines of a run, without their timestamps and `ecs-batch: `. */
function statusLines(stderr: string): string[] {
  return [...stderr.matchAll(/ecs-batch: (.*)$/gm)].map((match) => match[1]);
}

beforeEach(() => {
  ssmMock.reset();
  logsMock.reset();
  ecsMock.reset();
  parameterHolds(JOB_PARAMETER, SPEC_WITH_LEDGER);
});

describe("ecs-batch logs <job> --env <env>", () => {
  test("prints the log of the job's last run, found in the ledger", async () => {
    ledgerHolds(row(record(TASK_ID)), row(runningRecord(TASK_ID), "2026-11-23T03:00:00Z"));
    const stream = new FakeLogStream(`nightly-report/app/${TASK_ID}`);
    stream.write(T0, "report started", "report written");

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      "2026-11-23T03:00:00.000Z report started\n2026-11-23T03:00:01.000Z report written\n",
    );
    expect(statusLines(run.stderr)).toEqual([
      `task ${TASK_ID} of nightly-report: succeeded, exit 0, started 2026-11-23T03:00:00.000Z (schedule prod-nightly-report)`,
    ]);
    expect(queriesStarted()).toEqual([
      'fields @timestamp, @message\n| filter detail.job = "nightly-report"\n| sort @timestamp desc\n| limit 40',
    ]);
    expect(logsMock.commandCalls(GetLogEventsCommand)[0].args[0].input).toMatchObject({
      logGroupName: "/ecs-batch/prod/nightly-report",
      logStreamName: `nightly-report/app/${TASK_ID}`,
    });
  });

  test("the last run is the one that started last, even after the stops of older runs", async () => {
    const older = (id: string) =>
      row(record(id, { startedAt: "2026-11-22T03:00:00.000Z" }), "2026-11-23T04:00:00Z");
    ledgerHolds(
      ...["o1", "o2", "o3", "o4"].map(older),
      row(runningRecord(TASK_ID, { startedAt: "2026-11-23T03:00:00.000Z" })),
    );
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "going on");

    const run = await runFakeCli(LOGS);

    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z going on\n");
  });

  test("says when the ledger may have a newer run than the one it found", async () => {
    // 40 records, the most one query reads, all of one run: a newer one may be beyond them.
    ledgerHolds(...Array.from({ length: 40 }, () => row(record(TASK_ID))));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "an old run");

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(0);
    expect(statusLines(run.stderr)[0]).toMatch(
      /^the run ledger may have a newer run: the query returned its limit of 40 records: /,
    );
  });

  test("looks back 31 days by default, or --since", async () => {
    ledgerHolds(row(record(TASK_ID)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`);

    await runFakeCli(LOGS);
    await runFakeCli([...LOGS, "--since", "90d"]);

    expect(
      logsMock.commandCalls(StartQueryCommand).map((call) => call.args[0].input.startTime),
    ).toEqual([
      Math.floor((NOW - 31 * 24 * 3600 * 1000) / 1000),
      Math.floor((NOW - 90 * 24 * 3600 * 1000) / 1000),
    ]);
  });

  test.each([TASK_ID, taskArnOf(TASK_ID)])("--task %s prints the log of that run", async (task) => {
    // Its 2 records, each delivered twice: all that one query of one task reads.
    const records = [record(TASK_ID), runningRecord(TASK_ID)];
    ledgerHolds(...[...records, ...records].map((detail) => row(detail)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "that run");

    const run = await runFakeCli([...LOGS, "--task", task]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z that run\n");
    expect(statusLines(run.stderr)).toEqual([
      expect.stringMatching(/^task \S+ of nightly-report: succeeded/),
    ]);
    expect(queriesStarted()[0]).toContain(
      `| filter detail.job = "nightly-report" and detail.taskId = "${TASK_ID}"`,
    );
  });

  test("a run still going on: what it wrote so far, and how to read on", async () => {
    ledgerHolds(row(runningRecord(TASK_ID)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "step 1 of 3");

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z step 1 of 3\n");
    expect(statusLines(run.stderr)).toEqual([
      `task ${TASK_ID} of nightly-report: running, started 2026-11-23T03:00:00.000Z (schedule prod-nightly-report)`,
      `task ${TASK_ID} is still running: --follow reads on until it stops`,
    ]);
    expect(ecsMock.calls()).toEqual([]);
  });

  test("a run whose container wrote nothing: says so, exit 0", async () => {
    ledgerHolds(row(record(TASK_ID)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`);

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("");
    expect(statusLines(run.stderr)[1]).toBe(
      `no logs: /ecs-batch/prod/nightly-report has no stream nightly-report/app/${TASK_ID}`,
    );
  });

  test("a task that never started has no log: says why, exit 0", async () => {
    ledgerHolds(
      row(
        record(TASK_ID, {
          startedAt: undefined,
          result: "failed",
          exitCode: undefined,
          stopCode: "TaskFailedToStart",
          stoppedReason: "CannotPullContainerError: pull access denied",
        }),
      ),
    );

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(0);
    expect(statusLines(run.stderr)).toEqual([
      `task ${TASK_ID} of nightly-report: failed (TaskFailedToStart) (schedule prod-nightly-report)`,
      `task ${TASK_ID} never started (TaskFailedToStart: CannotPullContainerError: pull access denied), so it has no log`,
    ]);
    expect(logsMock.commandCalls(GetLogEventsCommand)).toEqual([]);
  });

  test("a job that logs through a log router has no stream to read: says why, exit 0", async () => {
    ledgerHolds(row(record(TASK_ID, { logGroupName: undefined, logStreamName: undefined })));

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(0);
    expect(statusLines(run.stderr)[1]).toBe(
      `the run record of task ${TASK_ID} names no log stream: container app does not log with awslogs (with a FireLens log router, its log is at the router's destination)`,
    );
    expect(logsMock.commandCalls(GetLogEventsCommand)).toEqual([]);
  });

  test("no run in the window: exit 125 saying so", async () => {
    ledgerHolds();

    const run = await runFakeCli([...LOGS, "--since", "24h"]);

    expect(run.exitCode).toBe(125);
    expect(statusLines(run.stderr)).toEqual([
      "error: no runs of nightly-report in the run ledger since 2026-11-22T03:00:05.123Z",
      "hint: a longer --since looks further back, e.g. --since 90d",
    ]);
  });

  test("a job whose parameter names no ledger: exit 125 for its last run", async () => {
    parameterHolds(JOB_PARAMETER, SPEC);

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(/names no run ledger \(ledgerLogGroupName\)/);
  });

  test("a log stream it may not read: exit 125 naming the runner policy", async () => {
    ledgerHolds(row(record(TASK_ID)));
    logsMock
      .on(GetLogEventsCommand)
      .rejects(
        awsError(
          "AccessDeniedException",
          400,
          `User: arn:aws:sts::123456789012:assumed-role/batch-scheduler/i-0abc is not authorized to perform: logs:GetLogEvents on resource: arn:aws:logs:ap-northeast-1:123456789012:log-group:/ecs-batch/prod/nightly-report:log-stream:nightly-report/app/${TASK_ID} because no identity-based policy allows the logs:GetLogEvents action`,
        ),
      );

    const run = await runFakeCli(LOGS);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: cannot read the log stream nightly-report\/app\/0123456789abcdef0123456789abcdef of \/ecs-batch\/prod\/nightly-report: access denied: role batch-scheduler may not logs:GetLogEvents/,
    );
    expect(run.stderr).toMatch(/hint: attach the policy prod-ecs-batch-runner/);
  });
});

describe("ecs-batch logs --task: a task the ledger does not have", () => {
  test("ECS knows it: its log, from the stream the job parameter names", async () => {
    ledgerHolds();
    describeTasksAnswers(
      stoppedTask([{ name: "app", exitCode: 0 }], {
        taskArn: taskArnOf(TASK_ID),
        taskDefinitionArn: SPEC.taskDefinitionArn,
      }),
    );
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "from ECS");

    const run = await runFakeCli([...LOGS, "--task", TASK_ID]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z from ECS\n");
    expect(ecsMock.commandCalls(DescribeTasksCommand)[0].args[0].input).toEqual({
      cluster: SPEC.cluster,
      tasks: [TASK_ID],
    });
    expect(statusLines(run.stderr)[0]).toBe(
      `task ${TASK_ID} of nightly-report: STOPPED (ECS; not in the run ledger)`,
    );
  });

  test("a task of another job: exit 125", async () => {
    ledgerHolds();
    describeTasksAnswers(
      stoppedTask([], {
        taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/payroll:3",
      }),
    );

    const run = await runFakeCli([...LOGS, "--task", TASK_ID]);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /error: task 0123456789abcdef0123456789abcdef is not a run of nightly-report: it runs task definition .*payroll:3/,
    );
    expect(logsMock.commandCalls(GetLogEventsCommand)).toEqual([]);
  });

  test("only its log stream is left: the log", async () => {
    ledgerHolds();
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ reason: "MISSING" }] });
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "long ago");

    const run = await runFakeCli([...LOGS, "--task", TASK_ID]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z long ago\n");
  });

  test("nothing knows it: exit 125", async () => {
    ledgerHolds();
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ reason: "MISSING" }] });
    new FakeLogStream("another/stream");

    const run = await runFakeCli([...LOGS, "--task", TASK_ID]);

    expect(run.exitCode).toBe(125);
    expect(statusLines(run.stderr)).toEqual([
      `error: job nightly-report has no run with task id ${TASK_ID}: neither the run ledger nor ECS knows it, and /ecs-batch/prod/nightly-report has no stream nightly-report/app/${TASK_ID}`,
      "hint: list the job's runs and their task ids: ecs-batch history nightly-report",
    ]);
  });

  test("a job without a ledger: asks ECS alone", async () => {
    parameterHolds(JOB_PARAMETER, SPEC);
    describeTasksAnswers(
      stoppedTask([{ name: "app", exitCode: 0 }], { taskDefinitionArn: SPEC.taskDefinitionArn }),
    );
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "no ledger");

    const run = await runFakeCli([...LOGS, "--task", TASK_ID]);
    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z no ledger\n");
    expect(logsMock.commandCalls(StartQueryCommand)).toEqual([]);
  });
});

describe("ecs-batch logs --follow", () => {
  test("reads on while the task runs, until ECS says it stopped, then drains the last lines", async () => {
    ledgerHolds(row(runningRecord(TASK_ID)));
    const stream = new FakeLogStream(`nightly-report/app/${TASK_ID}`, 10);
    stream.write(T0, "step 1");
    const running = task("RUNNING", { taskArn: taskArnOf(TASK_ID) });
    describeTasksAnswers(
      running,
      running,
      stoppedTask([{ name: "app", exitCode: 0 }], { taskArn: taskArnOf(TASK_ID) }),
    );
    const clock = movingClock((sleep) => {
      if (sleep === 2) stream.write(T0 + 60_000, "step 2");
      // After STOPPED was seen: CloudWatch Logs receives the last line late.
      if (sleep === 4) stream.write(T0 + 120_000, "step 3: done");
    });

    const run = await runFakeCli([...LOGS, "--follow"], clock);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(
      [
        "2026-11-23T03:00:00.000Z step 1",
        "2026-11-23T03:01:00.000Z step 2",
        "2026-11-23T03:02:00.000Z step 3: done",
        "",
      ].join("\n"),
    );
    expect(statusLines(run.stderr).at(-1)).toBe(`task ${TASK_ID} stopped: container app exited 0`);
    expect(ecsMock.commandCalls(DescribeTasksCommand)[0].args[0].input).toEqual({
      cluster: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
      tasks: [taskArnOf(TASK_ID)],
    });
  });

  test("a task that stopped already: its whole log, without asking ECS", async () => {
    ledgerHolds(row(record(TASK_ID)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "all of it");

    const run = await runFakeCli([...LOGS, "--follow"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z all of it\n");
    expect(ecsMock.calls()).toEqual([]);
  });

  test("ECS no longer knows the task: it stopped", async () => {
    ledgerHolds(row(runningRecord(TASK_ID)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "last words");
    ecsMock.on(DescribeTasksCommand).resolves({ tasks: [], failures: [{ reason: "MISSING" }] });

    const run = await runFakeCli([...LOGS, "--follow"], movingClock());

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z last words\n");
    expect(statusLines(run.stderr).at(-1)).toBe(`ECS no longer knows task ${TASK_ID}: it stopped`);
  });

  test("ECS may not be asked: the task's STOPPED record in the ledger ends the follow", async () => {
    ledgerAnswers(
      { status: "Complete", results: [row(runningRecord(TASK_ID))] },
      { status: "Complete", results: [] },
      {
        status: "Complete",
        results: [row(record(TASK_ID, { result: "failed", exitCode: 2 }))],
      },
    );
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "partial");
    ecsMock
      .on(DescribeTasksCommand)
      .rejects(
        awsError("AccessDeniedException", 400, "not authorized to perform ecs:DescribeTasks"),
      );

    const run = await runFakeCli([...LOGS, "--follow"], movingClock());

    expect(run.exitCode).toBe(0);
    const lines = statusLines(run.stderr);
    expect(lines[1]).toMatch(
      /^cannot ask ECS about task 0123456789abcdef0123456789abcdef \(AccessDeniedException: .*\): watching the run ledger for its end instead$/,
    );
    expect(lines.at(-1)).toBe(`task ${TASK_ID} stopped: failed, exit 2 (run ledger)`);
    // The first query found the run; the next ones looked for its end, 30 s apart at least.
    const queries = logsMock.commandCalls(StartQueryCommand).map((call) => call.args[0].input);
    expect(queries).toHaveLength(3);
    expect(queries[2].queryString).toContain(`detail.taskId = "${TASK_ID}"`);
    expect(queries[2].endTime! - queries[1].endTime!).toBeGreaterThanOrEqual(30);
  });

  test("SIGINT stops following and exits 130; the task goes on", async () => {
    ledgerHolds(row(runningRecord(TASK_ID)));
    new FakeLogStream(`nightly-report/app/${TASK_ID}`).write(T0, "working");
    describeTasksAnswers(task("RUNNING", { taskArn: taskArnOf(TASK_ID) }));
    const handlers = new Set<(signal: NodeJS.Signals) => void>();
    let sleeps = 0;

    const run = await runFakeCli([...LOGS, "--follow"], {
      signals: {
        on: (handler) => {
          handlers.add(handler);
          return () => handlers.delete(handler);
        },
      },
      // The query's wait comes first; the signal comes while following.
      sleep: async () => {
        if (++sleeps === 3) handlers.forEach((handler) => handler("SIGINT"));
      },
    });

    expect(run.exitCode).toBe(130);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z working\n");
    expect(statusLines(run.stderr).at(-1)).toBe(
      `received SIGINT: stopped following task ${TASK_ID} (it goes on)`,
    );
    expect(ecsMock.commandCalls(StopTaskCommand)).toEqual([]);
    expect(handlers.size).toBe(0);
  });

  test("--task of a running task ECS knows but the ledger not yet: follows it", async () => {
    ledgerHolds();
    const stream = new FakeLogStream(`nightly-report/app/${TASK_ID}`);
    const running = task("RUNNING", {
      taskArn: taskArnOf(TASK_ID),
      taskDefinitionArn: SPEC.taskDefinitionArn,
      startedAt: new Date(T0),
    });
    describeTasksAnswers(
      running,
      running,
      stoppedTask([{ name: "app", exitCode: 0 }], {
        taskArn: taskArnOf(TASK_ID),
        taskDefinitionArn: SPEC.taskDefinitionArn,
      }),
    );

    const run = await runFakeCli(
      [...LOGS, "--task", TASK_ID, "--follow"],
      movingClock((sleep) => {
        if (sleep === 2) stream.write(T0, "first line, once the stream exists");
      }),
    );

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("2026-11-23T03:00:00.000Z first line, once the stream exists\n");
  });
});

describe("ecs-batch logs: bad arguments exit 2", () => {
  test.each([
    { argv: ["logs", "--env", "prod"], says: /missing required argument 'job'/ },
    { argv: ["logs", "nightly-report"], says: /--env/ },
    { argv: [...LOGS, "--task", "not a task"], says: /a task id looks like/ },
    { argv: [...LOGS, "--since", "1"], says: /has no unit/ },
  ])("$argv", async ({ argv, says }) => {
    const run = await runFakeCli(argv);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(ssmMock.calls()).toEqual([]);
  });
});
