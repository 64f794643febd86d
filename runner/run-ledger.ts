import type { ResultField } from "@aws-sdk/client-cloudwatch-logs";
import {
  RUN_RECORD_DETAIL_TYPE,
  RUN_RECORD_SOURCE,
  RUN_RECORD_VERSION,
  type RunRecord,
} from "../contract/run-record";
import { type InsightsQueryDeps, runInsightsQuery } from "./insights-query";
import { isNonEmptyString, isRecord } from "./job-parameter";

/*
 * Reading an environment's run ledger (contract/run-record.ts): every start and stop of every
 * job's task is one log event there, the EventBridge event that carries a RunRecord. A run is
 * one task: its RUNNING and STOPPED records merged, each counted once however often ECS
 * delivered it.
 */

/** Which runs to read. */
export interface RunSelection {
  /** @default every job of the ledger */
  readonly job?: string;
  /** One task, by its id. */
  readonly taskId?: string;
  /** Only runs that failed. */
  readonly failed?: boolean;
}

/** A query of the ledger: which runs, from when, how many. */
export interface LedgerQuery {
  readonly logGroupNames: readonly string[];
  readonly selection: RunSelection;
  /** The time range (ms since the epoch). */
  readonly since: number;
  readonly until: number;
  /** The most runs to return: the newest. */
  readonly limit: number;
}

/** The runs found, newest start first, and what may be missing. */
export interface LedgerRuns {
  readonly runs: readonly RunRecord[];
  /** Why the runs may not be all there are (partial results); empty when they are. */
  readonly incomplete: readonly string[];
  /** Events of the ledger that were not run records this runner reads, skipped. */
  readonly skipped: number;
}

/** The ledger outcome: the runs, or the signal that stopped the query. */
export type LedgerOutcome =
  | ({ readonly kind: "runs" } & LedgerRuns)
  | { readonly kind: "signalled"; readonly signal: NodeJS.Signals };

/** A task has a RUNNING and a STOPPED record, and ECS may deliver either twice. */
const RECORDS_PER_RUN = 4;
/** The most rows one Insights query returns. */
export const MAX_QUERY_ROWS = 10_000;

/**
 * The Insights query of the newest records of the selected runs. The filters use the fields
 * Insights discovers in JSON events (`detail.job`); the rows are filtered again when read, so a
 * query engine that ignores a filter (moto's) changes nothing.
 */
export function ledgerQueryString(selection: RunSelection, recordLimit: number): string {
  const filters = [
    selection.job !== undefined ? `detail.job = ${JSON.stringify(selection.job)}` : undefined,
    selection.taskId !== undefined
      ? `detail.taskId = ${JSON.stringify(selection.taskId)}`
      : undefined,
    selection.failed ? `detail.result = "failed"` : undefined,
  ].filter((filter) => filter !== undefined);
  return [
    "fields @timestamp, @message",
    ...(filters.length > 0 ? [`filter ${filters.join(" and ")}`] : []),
    "sort @timestamp desc",
    `limit ${recordLimit}`,
  ].join("\n| ");
}

/** How many records a query reads for `limit` runs. */
export function recordLimitFor(limit: number): number {
  return Math.min(MAX_QUERY_ROWS, limit * RECORDS_PER_RUN);
}

/** Reads the newest selected runs of the ledger with one Insights query. */
export async function readRuns(
  query: LedgerQuery,
  deps: InsightsQueryDeps,
): Promise<LedgerOutcome> {
  const recordLimit = recordLimitFor(query.limit);
  const outcome = await runInsightsQuery(
    {
      logGroupNames: query.logGroupNames,
      queryString: ledgerQueryString(query.selection, recordLimit),
      startTime: query.since,
      endTime: query.until,
    },
    deps,
  );
  if (outcome.kind === "signalled") {
    return outcome;
  }
  const events = outcome.rows.map(ledgerEventOf);
  const records = events.filter((event) => event !== undefined);
  const runs = mergeRuns(records.map((event) => event.record)).filter((run) =>
    isSelected(run, query.selection),
  );
  const shown = runs.slice(0, query.limit);
  const incomplete: string[] = [];
  if (outcome.status === "Timeout") {
    incomplete.push("CloudWatch Logs stopped the query at its own time limit");
  }
  if (outcome.rows.length >= recordLimit) {
    // Only the newest records were read: a run that started before the oldest of them may have
    // no record among them, and would be missing from the table.
    const oldest = Math.min(...records.map((event) => event.time));
    if (shown.length < query.limit || startMs(shown[shown.length - 1]) <= oldest) {
      incomplete.push(
        `the query returned its limit of ${recordLimit} records: runs that started before ${new Date(oldest).toISOString()} may be missing`,
      );
    }
  }
  return {
    kind: "runs",
    runs: shown,
    incomplete,
    skipped: events.length - records.length,
  };
}

/** A record of the ledger with the time of its event. */
interface LedgerEvent {
  /** ms since the epoch */
  readonly time: number;
  readonly record: RunRecord;
}

/** The run record in one row of the query, or undefined when the row holds none this reads. */
export function ledgerEventOf(row: readonly ResultField[]): LedgerEvent | undefined {
  const message = row.find((field) => field.field === "@message")?.value;
  let event: unknown;
  try {
    event = message === undefined ? undefined : JSON.parse(message);
  } catch {
    return undefined;
  }
  if (
    !isRecord(event) ||
    event.source !== RUN_RECORD_SOURCE ||
    event["detail-type"] !== RUN_RECORD_DETAIL_TYPE ||
    !isRunRecord(event.detail)
  ) {
    return undefined;
  }
  const time = Date.parse(typeof event.time === "string" ? event.time : event.detail.createdAt);
  return { time: Number.isNaN(time) ? startMs(event.detail) : time, record: event.detail };
}

const OPTIONAL_STRINGS = [
  "startedBy",
  "schedule",
  "workflowExecution",
  "startedAt",
  "stoppedAt",
  "exitReason",
  "stopCode",
  "stoppedReason",
  "logGroupName",
  "logStreamName",
] as const;

/** Whether a value is a run record of the version this runner reads, with the fields it uses. */
function isRunRecord(value: unknown): value is RunRecord {
  if (!isRecord(value) || value.version !== RUN_RECORD_VERSION) {
    return false;
  }
  const optionalNumber = (field: unknown) => field === undefined || typeof field === "number";
  return (
    ["environment", "job", "taskArn", "taskId", "createdAt", "container"].every((field) =>
      isNonEmptyString(value[field]),
    ) &&
    (value.status === "RUNNING" || value.status === "STOPPED") &&
    ["running", "succeeded", "failed"].includes(value.result as string) &&
    OPTIONAL_STRINGS.every(
      (field) => value[field] === undefined || typeof value[field] === "string",
    ) &&
    optionalNumber(value.exitCode) &&
    optionalNumber(value.durationSeconds) &&
    // Runs are ordered by these.
    [value.createdAt, value.startedAt].every(
      (time) => time === undefined || !Number.isNaN(Date.parse(time as string)),
    )
  );
}

/**
 * One record per task: its STOPPED record, completed by its RUNNING record where the STOPPED
 * one lacks a field, else its RUNNING record (the task still runs); newest start first.
 */
export function mergeRuns(records: readonly RunRecord[]): RunRecord[] {
  const byTask = new Map<string, RunRecord>();
  for (const record of records) {
    const known = byTask.get(record.taskArn);
    if (known === undefined) {
      byTask.set(record.taskArn, record);
    } else if (known.status !== record.status) {
      const [running, stopped] = record.status === "STOPPED" ? [known, record] : [record, known];
      byTask.set(record.taskArn, { ...running, ...definedFieldsOf(stopped) });
    }
  }
  return [...byTask.values()].sort(
    (a, b) => startMs(b) - startMs(a) || b.taskArn.localeCompare(a.taskArn),
  );
}

function definedFieldsOf<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, field]) => field !== undefined),
  ) as Partial<T>;
}

/** When a run started (ms): its task's start, or its creation for a task that never started. */
export function startMs(run: RunRecord): number {
  return Date.parse(run.startedAt ?? run.createdAt);
}

function isSelected(run: RunRecord, selection: RunSelection): boolean {
  return (
    (selection.job === undefined || run.job === selection.job) &&
    (selection.taskId === undefined || run.taskId === selection.taskId) &&
    (!selection.failed || run.result === "failed")
  );
}
