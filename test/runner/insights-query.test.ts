import {
  GetQueryResultsCommand,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { runInsightsQuery } from "../../runner/insights-query";
import { RunnerError } from "../../runner/runner-error";
import { SignalWatch } from "../../runner/signal-watch";
import { ledgerAnswers, LEDGER, QUERY_ID, record, row } from "./fake-ledger";
import { awsError, fakeRunnerDeps, logsMock, T0 } from "./fake-runner-deps";

const QUERY = {
  logGroupNames: [LEDGER],
  queryString: "fields @timestamp, @message | limit 4",
  startTime: T0 - 3_600_500,
  endTime: T0 + 500,
};

/** Runs the query with the fake clock and sleeps of fakeRunnerDeps; 60 s timeout. */
function run(timeoutMs = 60_000) {
  const fake = fakeRunnerDeps();
  const status = (message: string) => fake.statuses.push(message);
  const watch = new SignalWatch(fake.deps.signals, fake.deps.sleep, status);
  const outcome = runInsightsQuery(QUERY, {
    logs: fake.deps.logs,
    watch,
    now: fake.deps.now,
    random: () => 0.5,
    status,
    timeoutMs,
  }).finally(() => watch.dispose());
  return { fake, outcome };
}

beforeEach(() => logsMock.reset());

describe("runInsightsQuery", () => {
  test("starts the query over whole seconds and waits for it with backoff until Complete", async () => {
    const rows = [row(record("a1"))];
    ledgerAnswers(
      { status: "Scheduled" },
      { status: "Running" },
      { status: "Running" },
      {
        status: "Complete",
        results: rows,
      },
    );
    const { fake, outcome } = run();

    await expect(outcome).resolves.toEqual({ kind: "finished", status: "Complete", rows });
    expect(logsMock.commandCalls(StartQueryCommand)[0].args[0].input).toEqual({
      logGroupNames: [LEDGER],
      queryString: QUERY.queryString,
      // The range covers the times asked for.
      startTime: Math.floor((T0 - 3_600_500) / 1000),
      endTime: Math.ceil((T0 + 500) / 1000),
    });
    expect(logsMock.commandCalls(GetQueryResultsCommand).map((c) => c.args[0].input)).toEqual(
      Array(4).fill({ queryId: QUERY_ID }),
    );
    // 0.5 s, then up to twice as long each time, jittered halfway
    expect(fake.sleeps).toEqual([500, 750, 1250, 2250]);
    expect(logsMock.commandCalls(StopQueryCommand)).toEqual([]);
  });

  test("waits at most 5 s between two looks, and no longer than the timeout", async () => {
    ledgerAnswers({ status: "Running" });
    const { fake, outcome } = run(20_000);

    await expect(outcome).rejects.toThrow(/did not complete within 20s: it was stopped/);
    expect(Math.max(...fake.sleeps)).toBeLessThanOrEqual(5000);
    expect(fake.now() - T0).toBe(20_000);
    expect(logsMock.commandCalls(StopQueryCommand)[0].args[0].input).toEqual({ queryId: QUERY_ID });
  });

  test("a query CloudWatch Logs timed out returns what it found", async () => {
    const rows = [row(record("a1"))];
    ledgerAnswers({ status: "Timeout", results: rows });

    await expect(run().outcome).resolves.toEqual({ kind: "finished", status: "Timeout", rows });
  });

  test.each(["Failed", "Cancelled", "Unknown"] as const)(
    "a query that ends %s is a RunnerError",
    async (status) => {
      ledgerAnswers({ status });

      await expect(run().outcome).rejects.toThrow(RunnerError);
    },
  );

  test("an error reading results that will not pass stops the query and is a RunnerError", async () => {
    ledgerAnswers(awsError("AccessDeniedException", 400, "not authorized"));

    await expect(run().outcome).rejects.toThrow(
      `cannot read the results of the ledger query ${QUERY_ID}: AccessDeniedException: not authorized`,
    );
    expect(logsMock.commandCalls(StopQueryCommand)).toHaveLength(1);
  });

  test("errors that may pass are retried, said once", async () => {
    ledgerAnswers(
      awsError("ThrottlingException", 400),
      awsError("ServiceUnavailableException", 503),
      { status: "Complete" },
    );
    const { fake, outcome } = run();

    await expect(outcome).resolves.toMatchObject({ kind: "finished", rows: [] });
    expect(fake.statuses).toEqual([
      "cannot read the results of the ledger query (ThrottlingException: ThrottlingException happened); retrying",
    ]);
  });

  test("a signal while waiting stops the query", async () => {
    ledgerAnswers({ status: "Running" });
    const { fake, outcome } = run();
    fake.onSleep = () => fake.emit("SIGTERM");

    await expect(outcome).resolves.toEqual({ kind: "signalled", signal: "SIGTERM" });
    expect(logsMock.commandCalls(StopQueryCommand)).toHaveLength(1);
    expect(logsMock.commandCalls(GetQueryResultsCommand)).toEqual([]);
  });

  test("StopQuery failing (the query just ended) changes nothing", async () => {
    ledgerAnswers({ status: "Running" });
    logsMock.on(StopQueryCommand).rejects(awsError("InvalidParameterException", 400));

    await expect(run(1000).outcome).rejects.toThrow(/did not complete within 1s/);
  });

  test("too many queries in the account: a RunnerError saying to try again", async () => {
    logsMock.on(StartQueryCommand).rejects(awsError("LimitExceededException", 400));

    await expect(run().outcome).rejects.toMatchObject({
      message: expect.stringMatching(/as many Insights queries in this account as it allows/),
      hint: "try again in a minute",
    });
  });
});
