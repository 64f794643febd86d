import {
  type CloudWatchLogsClient,
  GetQueryResultsCommand,
  type GetQueryResultsCommandOutput,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { awsErrorText, isAwsError, isTransientAwsError } from "./aws-error";
import { type BackoffLimits, backoffDelay } from "./backoff";
import { durationText } from "./duration-text";
import type { Reporter } from "./runner-deps";
import { RunnerError } from "./runner-error";
import type { SignalWatch } from "./signal-watch";

/** One CloudWatch Logs Insights query. */
export interface InsightsQuery {
  readonly logGroupNames: readonly string[];
  readonly queryString: string;
  /** The time range of the events to read (ms since the epoch; Insights takes whole seconds). */
  readonly startTime: number;
  readonly endTime: number;
}

/** What {@link runInsightsQuery} needs from the world. */
export interface InsightsQueryDeps {
  readonly logs: CloudWatchLogsClient;
  /** Cuts the waits short on a signal, and tells which one came. */
  readonly watch: SignalWatch;
  readonly now: () => number;
  readonly random: () => number;
  readonly status: Reporter["status"];
  /** How long to wait for the query to complete before stopping it (ms). */
  readonly timeoutMs: number;
  /** Bounds of the wait between GetQueryResults calls (ms).
   * @default {@link QUERY_POLL_INTERVAL_MS} */
  readonly pollIntervalMs?: BackoffLimits;
}

/** The rows of a query that ended, or the signal that ended the wait for it. */
export type InsightsQueryOutcome =
  | {
      readonly kind: "finished";
      /** `Timeout`: CloudWatch Logs stopped the query at its own limit; the rows may be partial. */
      readonly status: "Complete" | "Timeout";
      readonly rows: readonly (readonly ResultField[])[];
    }
  | { readonly kind: "signalled"; readonly signal: NodeJS.Signals };

/** Most queries of a small log group complete in a second or two. */
export const QUERY_POLL_INTERVAL_MS: BackoffLimits = { initial: 500, max: 5_000 };

/** The statuses of a query that is still to end. */
const PENDING = new Set(["Scheduled", "Running"]);

/**
 * Runs a Logs Insights query: StartQuery, then GetQueryResults with backoff until it ends. A
 * query that does not end within `timeoutMs`, or a signal, stops it (StopQuery), so it does not
 * go on scanning (and costing) with nobody to read it. Throws a RunnerError when it cannot start,
 * fails, is cancelled or times out.
 */
export async function runInsightsQuery(
  query: InsightsQuery,
  deps: InsightsQueryDeps,
): Promise<InsightsQueryOutcome> {
  const { logs, watch, now, random, status, timeoutMs } = deps;
  const ledger = query.logGroupNames.join(", ");
  const deadline = now() + timeoutMs;
  const queryId = await startQuery(query, logs, ledger);
  let failing = false;
  for (let attempt = 0; ; attempt++) {
    const delay = backoffDelay(attempt, deps.pollIntervalMs ?? QUERY_POLL_INTERVAL_MS, random);
    await watch.sleep(Math.max(0, Math.min(delay, deadline - now())));
    if (watch.signal !== undefined) {
      await stopQuery(logs, queryId);
      return { kind: "signalled", signal: watch.signal };
    }
    if (now() >= deadline) {
      await stopQuery(logs, queryId);
      throw new RunnerError(
        `the query of the run ledger ${ledger} did not complete within ${durationText(timeoutMs)}: it was stopped`,
        { hint: "try again with a longer --timeout, or a shorter --since to read fewer runs" },
      );
    }
    let response: GetQueryResultsCommandOutput;
    try {
      response = await logs.send(new GetQueryResultsCommand({ queryId }));
    } catch (error) {
      if (!isTransientAwsError(error)) {
        await stopQuery(logs, queryId);
        throw RunnerError.ofAwsCall(
          `cannot read the results of the ledger query ${queryId}`,
          error,
        );
      }
      if (!failing) {
        status(`cannot read the results of the ledger query (${awsErrorText(error)}); retrying`);
        failing = true;
      }
      continue;
    }
    failing = false;
    const queryStatus = response.status ?? "Unknown";
    if (queryStatus === "Complete" || queryStatus === "Timeout") {
      return { kind: "finished", status: queryStatus, rows: response.results ?? [] };
    }
    if (!PENDING.has(queryStatus)) {
      throw new RunnerError(
        queryStatus === "Cancelled"
          ? `the query of the run ledger ${ledger} was cancelled (StopQuery by someone else)`
          : `the query of the run ledger ${ledger} ended with status ${queryStatus} in CloudWatch Logs`,
        {
          hint: "try again; if it fails again, run the query in the CloudWatch Logs Insights console",
        },
      );
    }
  }
}

async function startQuery(
  query: InsightsQuery,
  logs: CloudWatchLogsClient,
  ledger: string,
): Promise<string> {
  try {
    const { queryId } = await logs.send(
      new StartQueryCommand({
        logGroupNames: [...query.logGroupNames],
        queryString: query.queryString,
        startTime: Math.floor(query.startTime / 1000),
        endTime: Math.ceil(query.endTime / 1000),
      }),
    );
    if (queryId === undefined) {
      throw new RunnerError(`StartQuery on the run ledger ${ledger} returned no query id`);
    }
    return queryId;
  } catch (error) {
    if (error instanceof RunnerError) {
      throw error;
    }
    if (isAwsError(error, "ResourceNotFoundException")) {
      throw new RunnerError(`the run ledger ${ledger} does not exist (${awsErrorText(error)})`, {
        cause: error,
        hint: "deploy the environment's run ledger, or check the region (--region)",
      });
    }
    if (isAwsError(error, "LimitExceededException")) {
      throw new RunnerError(
        `CloudWatch Logs runs as many Insights queries in this account as it allows (${awsErrorText(error)})`,
        { cause: error, hint: "try again in a minute" },
      );
    }
    throw RunnerError.ofAwsCall(`cannot query the run ledger ${ledger}`, error);
  }
}

/** Stops a query nobody will read; a query that already ended cannot be stopped, which is fine. */
async function stopQuery(logs: CloudWatchLogsClient, queryId: string): Promise<void> {
  try {
    await logs.send(new StopQueryCommand({ queryId }));
  } catch {
    // It ends by itself at CloudWatch Logs' own limit.
  }
}
