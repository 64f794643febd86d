import { durationOf, historyTable, resultOf, starterOf } from "../../runner/history-table";
import { record, runningRecord } from "./fake-ledger";

const NOW = Date.parse("2026-11-23T05:30:00.000Z");

describe("historyTable", () => {
  test("aligns the columns, without trailing blanks; --all adds the job", () => {
    const table = historyTable([runningRecord("c0ffee", { job: "extract" }), record("a11ce")], {
      timeZone: "UTC",
      now: NOW,
      showJob: true,
    });

    expect(table).toBe(
      [
        "JOB             STARTED (UTC)        DURATION      RESULT     EXIT  STARTED BY                    TASK",
        "extract         2026-11-23 03:00:00  2h30m so far  running    -     schedule prod-nightly-report  c0ffee",
        "nightly-report  2026-11-23 03:00:00  1m33s         succeeded  0     schedule prod-nightly-report  a11ce",
        "",
      ].join("\n"),
    );
  });
});

describe("durationOf", () => {
  test.each([
    [record("a", { durationSeconds: 93 }), "1m33s"],
    [record("a", { durationSeconds: 7200 }), "2h"],
    [record("a", { durationSeconds: 0.4 }), "400ms"],
    [record("a", { durationSeconds: undefined }), "-"],
    [runningRecord("a", { startedAt: "2026-11-23T05:29:15.000Z" }), "45s so far"],
  ])("%#: %s", (run, text) => {
    expect(durationOf(run, NOW)).toBe(text);
  });
});

describe("resultOf", () => {
  test.each([
    [record("a"), "succeeded"],
    [runningRecord("a"), "running"],
    [record("a", { result: "failed", exitCode: 3 }), "failed"],
    [
      record("a", { result: "failed", exitCode: 137, exitReason: "OutOfMemoryError" }),
      "failed (OutOfMemoryError)",
    ],
    [
      record("a", { result: "failed", exitCode: undefined, stopCode: "TaskFailedToStart" }),
      "failed (TaskFailedToStart)",
    ],
  ])("%#: %s", (run, text) => {
    expect(resultOf(run)).toBe(text);
  });
});

describe("starterOf", () => {
  test.each([
    [record("a"), "schedule prod-nightly-report"],
    [
      record("a", {
        schedule: undefined,
        startedBy: "workflow/prod-chain",
        workflowExecution: "arn:aws:states:ap-northeast-1:123456789012:execution:prod-chain:run-42",
      }),
      "workflow prod-chain:run-42",
    ],
    [
      record("a", { schedule: undefined, startedBy: "ecs-batch/batch/host-1" }),
      "ecs-batch/batch/host-1",
    ],
    [record("a", { schedule: undefined, startedBy: undefined }), "-"],
  ])("%#: %s", (run, text) => {
    expect(starterOf(run)).toBe(text);
  });
});
