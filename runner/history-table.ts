import type { RunRecord } from "../contract/run-record";
import { durationText } from "./duration-text";
import { formatLocalTime } from "./local-time";
import { startMs } from "./run-ledger";

/** How the table shows times and which columns it has. */
export interface HistoryTableOptions {
  /** The zone of the start times: an IANA name, e.g. `Asia/Tokyo`, or `UTC`. */
  readonly timeZone: string;
  /** The clock (ms), for the duration so far of a run that is still running. */
  readonly now: number;
  /** Whether to show the job of each run (`--all`). */
  readonly showJob: boolean;
}

/**
 * The runs as a table for people, one line each, newest first: start time in the zone,
 * duration, result, exit code, who started it and the task id.
 *
 *     STARTED (Asia/Tokyo)  DURATION  RESULT     EXIT  STARTED BY                    TASK
 *     2026-11-23 12:00:05   1m33s     succeeded  0     schedule prod-nightly-report  0123456789abcdef0
 */
export function historyTable(runs: readonly RunRecord[], options: HistoryTableOptions): string {
  const header = [
    ...(options.showJob ? ["JOB"] : []),
    `STARTED (${options.timeZone})`,
    "DURATION",
    "RESULT",
    "EXIT",
    "STARTED BY",
    "TASK",
  ];
  const rows = runs.map((run) => [
    ...(options.showJob ? [run.job] : []),
    formatLocalTime(startMs(run), options.timeZone),
    durationOf(run, options.now),
    resultOf(run),
    run.exitCode !== undefined ? String(run.exitCode) : "-",
    starterOf(run),
    run.taskId,
  ]);
  const widths = header.map((title, column) =>
    Math.max(title.length, ...rows.map((row) => row[column].length)),
  );
  return [header, ...rows]
    .map((row) =>
      row
        .map((cell, column) => cell.padEnd(widths[column]))
        .join("  ")
        .trimEnd(),
    )
    .map((line) => `${line}\n`)
    .join("");
}

/** How long the run took, or has taken so far. */
export function durationOf(run: RunRecord, now: number): string {
  if (run.status === "RUNNING") {
    return `${durationText(Math.max(0, now - startMs(run)))} so far`;
  }
  return run.durationSeconds !== undefined ? durationText(run.durationSeconds * 1000) : "-";
}

/**
 * `succeeded`, `running`, `failed`; a failure says why when ECS did: the container's reason
 * (OutOfMemoryError), else the stop code when the job container has no exit code
 * (TaskFailedToStart).
 */
export function resultOf(run: RunRecord): string {
  if (run.result !== "failed") {
    return run.result;
  }
  const why = run.exitReason ?? (run.exitCode === undefined ? run.stopCode : undefined);
  return why !== undefined ? `failed (${why})` : "failed";
}

/** Who started the run: its schedule, its workflow execution, else its startedBy. */
export function starterOf(run: RunRecord): string {
  if (run.schedule !== undefined) {
    return `schedule ${run.schedule}`;
  }
  if (run.workflowExecution !== undefined) {
    // arn:aws:states:<region>:<account>:execution:<state machine>:<execution name>
    const execution = /:execution:(.+)$/.exec(run.workflowExecution)?.[1];
    return `workflow ${execution ?? run.workflowExecution}`;
  }
  return run.startedBy ?? "-";
}
