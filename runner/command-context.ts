import type { SSMClient } from "@aws-sdk/client-ssm";
import type { AwsClientOptions, TaskClients } from "./aws-clients";
import type { ConsoleReporter, SummaryContext, TextOutput } from "./console-reporter";
import type { FailureContext } from "./failure-advice";
import type { CommonOptions } from "./options";
import type { RunnerDeps, RunOutcome, RunRequest, SignalSource } from "./run-job";

/*
 * What the program (cli.ts) gives its commands (commands/*.ts): the world the runner runs in, and
 * the one way to run and report. Its own module, so that the program and its commands depend on
 * it and not on each other.
 */

/** What the CLI needs from the world; tests pass fakes and run the program in-process. */
export interface CliDeps {
  /** Starts the task and follows it to the end (run-job's `runJob`). */
  readonly runJob: (request: RunRequest, deps: RunnerDeps) => Promise<RunOutcome>;
  readonly createSsmClient: (options: AwsClientOptions) => Promise<SSMClient>;
  readonly createTaskClients: (options: AwsClientOptions) => Promise<TaskClients>;
  readonly signals: SignalSource;
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  readonly readFile: (path: string) => Promise<string>;
  readonly readStdin: () => Promise<string>;
  readonly sleep: RunnerDeps["sleep"];
  readonly now: () => number;
  readonly random: () => number;
  /** startedBy when `--started-by` is not given. */
  readonly defaultStartedBy: () => string;
  readonly version: string;
  /** The user's time zone (an IANA name such as `Asia/Tokyo`): TZ, else the system's. */
  readonly timeZone: string;
  /** The environment, for the runner's tuning variables (runner-tuning.ts). */
  readonly env: NodeJS.ProcessEnv;
}

/** What a command hands to {@link CommandContext.execute}: the run, and its AWS region. */
export interface PreparedRun {
  readonly request: RunRequest;
  /** @default the SDK's region settings */
  readonly region?: string;
}

/** What a failure's hint may name: the environment of `run --env`. */
export type FailureScope = Omit<FailureContext, "variables">;

/** What the commands share: the dependencies and the one way to run and report. */
export interface CommandContext {
  readonly deps: CliDeps;
  /**
   * Runs what `prepare` builds and reports the outcome; a RunnerError or any other error of
   * preparing or running is reported (with a hint that may name what `scope` says) and becomes
   * exit 125. Usage errors (commander's) pass.
   */
  execute(
    options: CommonOptions,
    summary: SummaryContext,
    prepare: () => Promise<PreparedRun>,
    scope?: FailureScope,
  ): Promise<void>;
  /**
   * Runs a command that reads what ran (`history`, `logs`) and exits with the code `body`
   * returns; a RunnerError or any other error is reported (with a hint that may name what
   * `scope` says) and becomes exit 125. Usage errors (commander's) pass.
   */
  inspect(
    body: (reporter: ConsoleReporter) => Promise<number>,
    scope?: FailureScope,
  ): Promise<void>;
}
