import {
  ledgerEventOf,
  ledgerQueryString,
  mergeRuns,
  recordLimitFor,
} from "../../runner/run-ledger";
import { record, row, runningRecord } from "./fake-ledger";

describe("ledgerQueryString", () => {
  test("the newest records of a job's runs", () => {
    expect(ledgerQueryString({ job: "nightly-report" }, 80)).toBe(
      [
        "fields @timestamp, @message",
        '| filter detail.job = "nightly-report"',
        "| sort @timestamp desc",
        "| limit 80",
      ].join("\n"),
    );
  });

  test("every job, one task, failures: the filters it needs and no other", () => {
    expect(ledgerQueryString({}, 4)).toBe(
      "fields @timestamp, @message\n| sort @timestamp desc\n| limit 4",
    );
    expect(ledgerQueryString({ taskId: "abc", failed: true }, 4)).toContain(
      '| filter detail.taskId = "abc" and detail.result = "failed"\n',
    );
  });

  test("reads four records a run (RUNNING and STOPPED, each maybe twice), at most 10,000", () => {
    expect(recordLimitFor(20)).toBe(80);
    expect(recordLimitFor(1000)).toBe(4000);
    expect(recordLimitFor(5000)).toBe(10_000);
  });
});

describe("ledgerEventOf", () => {
  test("the run record the event carries, and the event's time", () => {
    const stopped = record("a1");

    expect(ledgerEventOf(row(stopped, "2026-11-23T03:01:33Z"))).toEqual({
      time: Date.parse("2026-11-23T03:01:33Z"),
      record: stopped,
    });
  });

  test.each([
    ["no message", [{ field: "@timestamp", value: "2026-11-23 03:00:00.000" }]],
    ["a message that is not JSON", [{ field: "@message", value: "{" }]],
    ["another kind of event", [{ field: "@message", value: '{"source":"aws.ecs","detail":{}}' }]],
    ["a newer record version", row({ ...record("a1"), version: 2 })],
    ["a record without its task", row({ ...record("a1"), taskArn: undefined })],
    ["an unknown status", row({ ...record("a1"), status: "PENDING" })],
    ["an exit code that is not a number", row({ ...record("a1"), exitCode: "0" })],
    ["a start time that is not one", row({ ...record("a1"), startedAt: "yesterday" })],
  ])("none in %s", (_, fields) => {
    expect(ledgerEventOf(fields)).toBeUndefined();
  });
});

describe("mergeRuns", () => {
  test("one run per task: the STOPPED record, duplicates counted once", () => {
    const stopped = record("a1");

    expect(mergeRuns([stopped, stopped, runningRecord("a1"), runningRecord("a1")])).toEqual([
      stopped,
    ]);
  });

  test("a task with only its RUNNING record runs still", () => {
    expect(mergeRuns([runningRecord("a1")])).toEqual([runningRecord("a1")]);
  });

  test("the STOPPED record's fields win; the RUNNING record fills in the ones it lacks", () => {
    const running = runningRecord("a1", { workflowExecution: "arn:...:execution:chain:1" });
    const stopped = record("a1", { startedBy: undefined, schedule: undefined });

    expect(mergeRuns([running, stopped])).toEqual([
      {
        ...stopped,
        startedBy: running.startedBy,
        schedule: running.schedule,
        workflowExecution: "arn:...:execution:chain:1",
      },
    ]);
    // The same whichever record comes first
    expect(mergeRuns([stopped, running])).toEqual(mergeRuns([running, stopped]));
  });

  test("newest start first; a task that never started by its creation time", () => {
    const runs = mergeRuns([
      record("old", { startedAt: "2026-11-21T03:00:00Z" }),
      record("never", { startedAt: undefined, createdAt: "2026-11-22T03:00:00Z" }),
      record("new", { startedAt: "2026-11-23T03:00:00Z" }),
      // Seconds without a fraction sort by time, not as text
      record("newer", { startedAt: "2026-11-23T03:00:00.5Z" }),
    ]);

    expect(runs.map((run) => run.taskId)).toEqual(["newer", "new", "never", "old"]);
  });
});
