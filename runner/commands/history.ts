import { Command, Option } from "commander";
import type { CommandContext } from "../command-context";
import {
  addJobLocationOptions,
  addLedgerReadOptions,
  environmentOf,
  jobLocationProblem,
  ledgerReadOf,
  parseJobName,
  parseWholeNumber,
  type LedgerReadOptions,
} from "../options";

/** The options of `ecs-batch history`, as commander stores them. */
export interface HistoryOptions extends LedgerReadOptions {
  readonly all?: boolean;
  readonly limit: number;
  readonly failed?: boolean;
  readonly json?: boolean;
  readonly utc?: boolean;
}

/** The most runs one `history` lists. */
const MAX_LIMIT = 1000;

const EXAMPLES = `
Runs come from the environment's run ledger (a CloudWatch Logs log group named in the jobs'
SSM parameters), which records every start and stop of every job's task, whoever started it:
a schedule, a workflow, ecs-batch or a person. Times are in your time zone (TZ), or UTC with
--utc. A run that has not stopped shows as running.

Exit codes: 0 the query worked (also when it found no run), 2 bad arguments, 125 ecs-batch's
own error (no ledger, no credentials, the query failed or timed out), 129/130/143 a signal.

Examples:
  # what ran last night, and how did it end?
  ecs-batch history --all --env prod --since 24h

  # the last 20 runs of one job
  ecs-batch history nightly-report --env prod

  # its failures since a date (your time zone), for a script
  ecs-batch history nightly-report --env prod --failed --since 2026-11-01 --json
`;

/** Adds `history [job]`: lists the last runs of a job, or of every job, from the run ledger. */
export function addHistoryCommand(program: Command, context: CommandContext): Command {
  const command = program
    .command("history")
    .description(
      "list the last runs of a job (or of every job of an environment) from the environment's run ledger: start, duration, result, exit code, who started it, task",
    )
    .argument("[job]", "the job's name (or --all)", parseJobName)
    .addOption(new Option("--all", "list the runs of every job of the environment"));
  addJobLocationOptions(command);
  addLedgerReadOptions(command, "7d", "list runs started since then")
    .addOption(
      new Option("--limit <n>", `list at most n runs, the newest (1-${MAX_LIMIT})`)
        .argParser(parseWholeNumber(1, MAX_LIMIT))
        .default(20),
    )
    .addOption(new Option("--failed", "list only the runs that failed"))
    .addOption(new Option("--json", "print one JSON array of run records instead of a table"))
    .addOption(new Option("--utc", "show times in UTC instead of your time zone"))
    .addHelpText("after", EXAMPLES);
  command.action(async (job: string | undefined, options: HistoryOptions, self: Command) => {
    const problem =
      jobLocationProblem(options) ??
      (job === undefined && !options.all
        ? "give a job, or --all for every job of the environment"
        : job !== undefined && options.all
          ? "give a job or --all, not both"
          : undefined);
    if (problem !== undefined) {
      self.error(`error: ${problem}`, { exitCode: 2, code: "ecs-batch.usage" });
    }
    const { deps } = context;
    const timeZone = options.utc ? "UTC" : deps.timeZone;
    const read = ledgerReadOf(options, deps.now(), timeZone, self);
    await context.inspect(
      async (reporter) =>
        (await import("../run-history")).showHistory(
          {
            ...read,
            job,
            limit: options.limit,
            failed: options.failed === true,
            json: options.json === true,
            timeZone,
          },
          deps,
          reporter,
        ),
      { environment: environmentOf(options) },
    );
  });
  return command;
}
