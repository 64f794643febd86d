import type { RunRecord } from "../../contract/run-record";

/*
 * The CloudWatch Logs Insights queries a run dashboard asks the run ledger. Each ledger event is a
 * whole EventBridge event whose `detail` is a RunRecord, so Logs Insights finds its fields as
 * `detail.<field>`. A task has a RUNNING and a STOPPED record, and ECS may deliver either twice:
 * runs are counted by distinct task id, and tables keep one row per task (`dedup`).
 */

/** How long one point of the charts covers: in a query, and in words. */
export const CHART_BIN = { period: "1h", words: "hour" } as const;

/** How many runs of a job its table lists, newest first. */
export const LAST_RUNS = 5;

/** A field of the ledger's records as Logs Insights names it. */
export function recordField(field: keyof RunRecord): string {
  return `detail.${field}`;
}

/**
 * A log widget's query: `SOURCE '<log group>' | <command>`, then each further command on its own
 * line after `\n| `, the form the dashboard body takes (Dashboard Body Structure and Syntax,
 * "Properties of a Log Widget Object"). Log group names hold no quote: letters, digits and `._-/#`.
 */
export function widgetQuery(logGroupName: string, commands: readonly string[]): string {
  return `SOURCE '${logGroupName}' | ${commands.join("\n| ")}`;
}

/** The stops of one job. Job names are letters, digits, `-` and `_`: nothing to escape. */
function stopsOf(job: string): string {
  return `filter ${recordField("job")} = "${job}" and ${recordField("status")} = "STOPPED"`;
}

/** The columns of a table of runs: when it started, how it ended, how long, who, which task. */
const RUN_COLUMNS = [
  // A task that never started has no startedAt: its creation is when it was asked for.
  `coalesce(${recordField("startedAt")}, ${recordField("createdAt")}) as started`,
  `${recordField("result")} as result`,
  `${recordField("exitCode")} as exitCode`,
  `${recordField("durationSeconds")} as seconds`,
  `${recordField("startedBy")} as startedBy`,
  `${recordField("taskId")} as taskId`,
];

/**
 * Runs and failures of a job per {@link CHART_BIN}. A run is counted once however often its stop
 * was delivered; a failure is a stop record of a failed run, so a failed run whose stop ECS
 * delivered twice counts twice (Logs Insights has no conditional count of distinct values).
 */
export function runsAndFailuresCommands(job: string): string[] {
  return [
    stopsOf(job),
    `fields strcontains(${recordField("result")}, "failed") as failedRun`,
    `stats count_distinct(${recordField("taskId")}) as runs, sum(failedRun) as failures by bin(${CHART_BIN.period})`,
  ];
}

/** The average and the longest run time of a job's runs that ended, per {@link CHART_BIN}. */
export function durationCommands(job: string): string[] {
  const seconds = recordField("durationSeconds");
  return [
    `${stopsOf(job)} and ispresent(${seconds})`,
    `stats avg(${seconds}) as averageSeconds, max(${seconds}) as longestSeconds by bin(${CHART_BIN.period})`,
  ];
}

/** A job's last {@link LAST_RUNS} runs that ended, newest first: the first row is its last result. */
export function lastRunsCommands(job: string): string[] {
  return [
    stopsOf(job),
    `fields ${RUN_COLUMNS.join(", ")}`,
    "sort @timestamp desc",
    // Only `limit` may follow `dedup`.
    "dedup taskId",
    `limit ${LAST_RUNS}`,
  ];
}

/** The last run that ended of every job of the ledger, the most recent first. */
export function lastResultsCommands(): string[] {
  return [
    `filter ${recordField("status")} = "STOPPED"`,
    `fields ${recordField("job")} as job, ${RUN_COLUMNS.join(", ")}`,
    "sort @timestamp desc",
    "dedup job",
  ];
}
