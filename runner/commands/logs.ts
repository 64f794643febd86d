import { Command, Option } from "commander";
import type { CommandContext } from "../command-context";
import {
  addJobLocationOptions,
  addLedgerReadOptions,
  environmentOf,
  jobLocationProblem,
  ledgerReadOf,
  parseJobName,
  parseMatching,
  type LedgerReadOptions,
} from "../options";

/** The options of `ecs-batch logs`, as commander stores them. */
export interface LogsOptions extends LedgerReadOptions {
  /** `--task`: a task id, or a task ARN. */
  readonly task?: string;
  readonly follow?: boolean;
}

/** A task id (32 hex digits, or a UUID for older tasks) or a task ARN. */
const TASK =
  /^(arn:aws[a-z-]*:ecs:[a-z0-9-]+:\d{12}:task\/([A-Za-z0-9_-]+\/)?)?[A-Za-z0-9-]{1,64}$/;

const EXAMPLES = `
The last run comes from the environment's run ledger, which names its task and log stream;
the log is the job container's CloudWatch Logs stream, each line prefixed with its time (UTC).
Status lines go to stderr. A task the ledger does not have yet (it records a task once it runs)
is looked up in ECS, which knows a task until about an hour after it stopped.

Exit codes: 0 the run was found (also when it has no log: a task that never started, a job
that logs through a log router), 2 bad arguments, 125 ecs-batch's own error (no such run, no
credentials, access denied), 129/130/143 a signal (with --follow the task goes on).

Examples:
  # the log of the last run of a job
  ecs-batch logs nightly-report --env prod

  # another run, by the task id that 'ecs-batch history' shows
  ecs-batch logs nightly-report --env prod --task 0123456789abcdef0123456789abcdef

  # watch the run that is going on, until it stops
  ecs-batch logs nightly-report --env prod --follow
`;

/** Adds `logs <job>`: prints the container log of one run of a job. */
export function addLogsCommand(program: Command, context: CommandContext): Command {
  const command = program
    .command("logs")
    .description(
      "print the container log of one run of a job: its last run (from the run ledger) or --task, and with --follow the lines to come until the task stops",
    )
    .argument("<job>", "the job's name", parseJobName)
    .addOption(
      new Option(
        "--task <id>",
        "the run's task id or task ARN (default: the job's last run)",
      ).argParser(parseMatching(TASK, "a task id looks like 0123456789abcdef0123456789abcdef")),
    )
    .addOption(new Option("-f, --follow", "read on while the task runs, until it stops"));
  addJobLocationOptions(command);
  addLedgerReadOptions(command, "31d", "look for the run in the ledger since then").addHelpText(
    "after",
    EXAMPLES,
  );
  command.action(async (job: string, options: LogsOptions, self: Command) => {
    const problem = jobLocationProblem(options);
    if (problem !== undefined) {
      self.error(`error: ${problem}`, { exitCode: 2, code: "ecs-batch.usage" });
    }
    const { deps } = context;
    const read = ledgerReadOf(options, deps.now(), deps.timeZone, self);
    await context.inspect(
      async (reporter) =>
        (await import("../run-logs")).showRunLogs(
          {
            ...read,
            job,
            taskId: options.task?.slice(options.task.lastIndexOf("/") + 1),
            follow: options.follow === true,
          },
          deps,
          reporter,
        ),
      { environment: environmentOf(options) },
    );
  });
  return command;
}
