import type { CliDeps } from "./command-context";
import type { ConsoleReporter } from "./console-reporter";
import { EXIT_CODES, signalExitCode } from "./exit-codes";
import { historyTable } from "./history-table";
import { readEnvironmentLedger, readJobWithLedger, requireLedger } from "./ledger-location";
import { formatLocalTime } from "./local-time";
import type { LedgerRead } from "./options";
import { readRuns } from "./run-ledger";
import { SignalWatch } from "./signal-watch";

/** What `ecs-batch history` is asked for. */
export interface HistoryRequest extends LedgerRead {
  /** One job; undefined for every job of the environment (`--all`). */
  readonly job?: string;
  readonly limit: number;
  readonly failed: boolean;
  readonly json: boolean;
  /** The zone of the times shown. */
  readonly timeZone: string;
}

/**
 * Prints the last runs of a job (or of every job of its environment) from the run ledger: a
 * table, or with `json` one JSON array of their merged run records. Returns the exit code: 0
 * when the query worked, even if it found nothing.
 */
export async function showHistory(
  request: HistoryRequest,
  deps: CliDeps,
  reporter: ConsoleReporter,
): Promise<number> {
  const ssm = await deps.createSsmClient({ region: request.region });
  const ledger =
    request.job === undefined
      ? await readEnvironmentLedger(ssm, request.prefix)
      : requireLedger(await readJobWithLedger(ssm, request.prefix, request.job));
  const { logs } = await deps.createTaskClients({ region: request.region ?? ledger.region });
  const status = (message: string) => reporter.status(message);
  const watch = new SignalWatch(deps.signals, deps.sleep, status);
  try {
    const outcome = await readRuns(
      {
        logGroupNames: [ledger.logGroupName],
        selection: { job: request.job, failed: request.failed },
        since: request.since,
        until: deps.now(),
        limit: request.limit,
      },
      { logs, watch, now: deps.now, random: deps.random, status, timeoutMs: request.timeoutMs },
    );
    if (outcome.kind === "signalled") {
      status(`received ${outcome.signal}: stopped the query`);
      return signalExitCode(outcome.signal);
    }
    if (outcome.skipped > 0) {
      status(
        `skipped ${outcome.skipped} events of ${ledger.logGroupName} that are not run records this ecs-batch reads (a newer record version needs a newer ecs-batch)`,
      );
    }
    for (const reason of outcome.incomplete) {
      status(`the list may be incomplete: ${reason}`);
    }
    if (request.json) {
      deps.stdout.write(`${JSON.stringify(outcome.runs)}\n`);
    } else if (outcome.runs.length === 0) {
      const what = `${request.failed ? "failed runs" : "runs"} of ${request.job ?? "any job"}`;
      const since = `${formatLocalTime(request.since, request.timeZone)} (${request.timeZone})`;
      deps.stdout.write(`no ${what} since ${since}\n`);
    } else {
      deps.stdout.write(
        historyTable(outcome.runs, {
          timeZone: request.timeZone,
          now: deps.now(),
          showJob: request.job === undefined,
        }),
      );
    }
    return EXIT_CODES.success;
  } finally {
    watch.dispose();
  }
}
