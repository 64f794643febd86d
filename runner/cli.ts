import { Command, CommanderError } from "commander";
import { existsSync, readFileSync } from "node:fs";
import { readFile } from "node:fs/promises";
import { hostname, userInfo } from "node:os";
import { dirname, join, resolve } from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { awsErrorText } from "./aws-error";
import type { CliDeps, CommandContext, FailureScope, PreparedRun } from "./command-context";
import { addHistoryCommand } from "./commands/history";
import { addLogsCommand } from "./commands/logs";
import { addRunTaskCommand } from "./commands/run-task";
import { addRunCommand } from "./commands/run";
import { ConsoleReporter, type SummaryContext } from "./console-reporter";
import { EXIT_CODES } from "./exit-codes";
import { describeFailure } from "./failure-advice";
import { processSignals } from "./node-signals";
import { defaultStartedBy, type CommonOptions } from "./options";
import { RunnerError } from "./runner-error";
import { runnerTuning } from "./runner-tuning";

/**
 * The `ecs-batch` command. Loading this module must stay cheap: `ecs-batch --help` answers in
 * well under 300 ms because the AWS SDK, the YAML parser and the runner are imported only inside
 * the command actions (see bench/cli-startup.ts).
 */

const DESCRIPTION =
  "Start a job's ECS Fargate task, wait for it, stream its CloudWatch logs to stdout and exit " +
  "with its container's exit code: the command for job schedulers (Hinemos, JP1, cron, " +
  "Airflow). Status lines go to stderr, with timestamps. 'history' and 'logs' show what ran and " +
  "how it ended, from the environment's run ledger.";

const EXIT_CODE_HELP = `
Exit codes of run and run-task:
  0-255          the job container's own exit code, when the task ran it
  2              bad arguments
  121            the task never ran the job's container (RunTask failures, TaskFailedToStart, image pull)
  122            the task stopped without an exit code for the job's container
  124            --timeout expired; the task was stopped
  125            ecs-batch's own error (job parameter missing or invalid, no credentials, AWS API error)
  129, 130, 143  SIGHUP, SIGINT, SIGTERM received; the task was stopped
A container exiting 2 or 121-143 itself has the same code: the status line and --json say which.

Run 'ecs-batch <command> --help' for a command's options and examples.`;

/**
 * The commander program. Its actions report the exit code through `setExitCode`; commander's own
 * errors (bad arguments) and `--help` are thrown as CommanderError (exitOverride).
 */
export function buildProgram(deps: CliDeps, setExitCode: (code: number) => void): Command {
  const program = new Command("ecs-batch")
    .description(DESCRIPTION)
    .version(deps.version, "-V, --version", "print the version of ecs-batch")
    .helpOption("-h, --help", "print help")
    .configureOutput({
      writeOut: (text) => deps.stdout.write(text),
      writeErr: (text) => deps.stderr.write(text),
    })
    .showHelpAfterError("(add --help for the options and examples)")
    .exitOverride()
    .addHelpText("after", EXIT_CODE_HELP);
  const context: CommandContext = {
    deps,
    execute: async (options, summary, prepare, scope = {}) => {
      setExitCode(await execute(deps, options, summary, prepare, scope));
    },
    inspect: async (body, scope = {}) => {
      setExitCode(await inspect(deps, body, scope));
    },
  };
  // Subcommands created by .command() inherit the output, exitOverride and help settings above.
  addRunCommand(program, context);
  addRunTaskCommand(program, context);
  addHistoryCommand(program, context);
  addLogsCommand(program, context);
  return program;
}

async function execute(
  deps: CliDeps,
  options: CommonOptions,
  summary: SummaryContext,
  prepare: () => Promise<PreparedRun>,
  scope: FailureScope,
): Promise<number> {
  const reporter = new ConsoleReporter({
    stdout: deps.stdout,
    stderr: deps.stderr,
    now: deps.now,
    json: options.json,
    quiet: options.quiet,
  });
  try {
    const tuning = runnerTuning(deps.env);
    const { request, region } = await prepare();
    const clients = await deps.createTaskClients({ region });
    const outcome = await deps.runJob(request, {
      ...tuning,
      ...clients,
      reporter,
      sleep: deps.sleep,
      now: deps.now,
      random: deps.random,
      signals: deps.signals,
    });
    reporter.outcome(outcome, summary);
    return outcome.exitCode;
  } catch (error) {
    if (error instanceof CommanderError) {
      throw error;
    }
    // A RunnerError, an SDK error the runner did not wrap, or a bug: all the runner's failure,
    // not the job's.
    const { message, hint } = describeFailure(error, { ...scope, variables: deps.env });
    reporter.error(message, summary, hint);
    return error instanceof RunnerError ? error.exitCode : EXIT_CODES.runnerError;
  }
}

async function inspect(
  deps: CliDeps,
  body: (reporter: ConsoleReporter) => Promise<number>,
  scope: FailureScope,
): Promise<number> {
  const reporter = new ConsoleReporter({ stdout: deps.stdout, stderr: deps.stderr, now: deps.now });
  try {
    return await body(reporter);
  } catch (error) {
    if (error instanceof CommanderError) {
      throw error;
    }
    const { message, hint } = describeFailure(error, { ...scope, variables: deps.env });
    reporter.error(message, {}, hint);
    return error instanceof RunnerError ? error.exitCode : EXIT_CODES.runnerError;
  }
}

/** Runs the program on `argv` (without node and the script) and returns the exit code. */
export async function runCli(argv: readonly string[], deps: CliDeps): Promise<number> {
  let exitCode: number = EXIT_CODES.success;
  const program = buildProgram(deps, (code) => {
    exitCode = code;
  });
  try {
    await program.parseAsync([...argv], { from: "user" });
  } catch (error) {
    if (error instanceof CommanderError) {
      // 0 for --help and --version; everything else commander refuses is a usage error.
      return error.exitCode === 0 ? EXIT_CODES.success : EXIT_CODES.usage;
    }
    const { message, hint } = describeFailure(error, { variables: deps.env });
    deps.stderr.write(
      `ecs-batch: error: ${message}\n${hint !== undefined ? `ecs-batch: hint: ${hint}\n` : ""}`,
    );
    return EXIT_CODES.runnerError;
  }
  return exitCode;
}

/** The real world: this process, its terminal and the AWS SDK (imported on first use). */
export function nodeCliDeps(): CliDeps {
  return {
    runJob: async (request, runnerDeps) => (await import("./run-job")).runJob(request, runnerDeps),
    createSsmClient: async (options) => (await import("./aws-clients")).createSsmClient(options),
    createTaskClients: async (options) =>
      (await import("./aws-clients")).createTaskClients(options),
    signals: processSignals(),
    stdout: process.stdout,
    stderr: process.stderr,
    readFile: (path) => readFile(path, "utf8"),
    readStdin,
    sleep: (ms, signal) => sleep(ms, undefined, { signal }),
    now: Date.now,
    random: Math.random,
    defaultStartedBy: () => defaultStartedBy(userName(), hostname()),
    version: packageVersion(),
    timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
    env: process.env,
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) {
    chunks.push(Buffer.isBuffer(chunk) ? chunk : Buffer.from(String(chunk)));
  }
  return Buffer.concat(chunks).toString("utf8");
}

function userName(): string {
  try {
    return userInfo().username;
  } catch {
    // No passwd entry for the uid, as in some containers.
    return process.env.USER ?? process.env.USERNAME ?? "unknown";
  }
}

/** The version the bundle was built with (scripts/runner-package); undefined outside the bundle. */
declare const ECS_BATCH_VERSION: string | undefined;

/**
 * The version: the bundle's own, else that of package.json, found from runner/ (tsx) and from
 * dist/runner/ (the build). The bundle must not look for a package.json: copied alone onto a host,
 * it would find whatever package.json lies above it.
 */
function packageVersion(): string {
  if (typeof ECS_BATCH_VERSION === "string") {
    return ECS_BATCH_VERSION;
  }
  for (let dir = __dirname; dir !== dirname(dir); dir = dirname(dir)) {
    const file = join(dir, "package.json");
    if (existsSync(file)) {
      return (JSON.parse(readFileSync(file, "utf8")) as { version?: string }).version ?? "unknown";
    }
  }
  return "unknown";
}

/** Whether this module is the program: run directly, or required by bin/ecs-batch.js. */
function isEntryPoint(): boolean {
  const main = require.main;
  return (
    main === module ||
    (main !== undefined && main.filename === resolve(__dirname, "../../bin/ecs-batch.js"))
  );
}

if (isEntryPoint()) {
  // On Node 20 the AWS SDK prints an eight-line deprecation notice on every run, which would land
  // in every job scheduler's log; docs/runner-install.md says which Node versions the SDK supports.
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true";
  // A reader that stops early (`ecs-batch history ... | head`) closes the pipe: what is left to
  // print is dropped, and the command goes on to its own end and exit code (a run still waits for
  // its task), instead of crashing with a stack trace.
  process.stdout.on("error", (error: NodeJS.ErrnoException) => {
    if (error.code !== "EPIPE") {
      throw error;
    }
    process.stdout.write = () => true;
  });
  runCli(process.argv.slice(2), nodeCliDeps()).then(
    (code) => process.exit(code),
    (error: unknown) => {
      process.stderr.write(`ecs-batch: error: ${awsErrorText(error)}\n`);
      process.exit(EXIT_CODES.runnerError);
    },
  );
}
