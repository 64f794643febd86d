import { durationText } from "./duration-text";
import type { Reporter, RunOutcome } from "./run-job";

/** Where the reporter writes: process.stdout and process.stderr, or a buffer in tests. */
export interface TextOutput {
  write(text: string): unknown;
}

export interface ConsoleReporterOptions {
  readonly stdout: TextOutput;
  readonly stderr: TextOutput;
  /** The clock of the status lines' timestamps (ms). */
  readonly now: () => number;
  /** `--json`: stdout carries only the final JSON summary, so container log lines go to stderr.
   * @default false */
  readonly json?: boolean;
  /** `--quiet`: no status lines; errors, a failed outcome and container log lines still show.
   * @default false */
  readonly quiet?: boolean;
}

/** What the `--json` summary says about a run besides its outcome. */
export interface SummaryContext {
  /** The job name of `run <job>`; absent for `run-task`. */
  readonly job?: string;
}

/**
 * The runner's console output, built for job schedulers that keep a job's stdout and stderr:
 * stdout holds the container's log lines (or, with `--json`, only the JSON summary), stderr the
 * runner's timestamped status lines (`2026-11-23T03:00:05.123Z ecs-batch: task ...: PENDING`).
 */
export class ConsoleReporter implements Reporter {
  constructor(private readonly options: ConsoleReporterOptions) {}

  status(message: string): void {
    if (!this.options.quiet) {
      this.options.stderr.write(`${this.timestamp()} ecs-batch: ${message}\n`);
    }
  }

  logLine(line: string, timestampMs: number): void {
    const output = this.options.json ? this.options.stderr : this.options.stdout;
    const prefix = new Date(timestampMs).toISOString();
    // Each line of a multi-line event gets the prefix, so the output stays one record per line.
    const lines = line.replace(/\r?\n$/, "").split(/\r?\n/);
    output.write(lines.map((text) => `${prefix} ${text}\n`).join(""));
  }

  /**
   * An error that ends the run, and what to do about it when the runner knows (a `hint:` line);
   * shown even with `--quiet`.
   */
  error(message: string, context: SummaryContext = {}, hint?: string): void {
    const timestamp = this.timestamp();
    this.options.stderr.write(
      `${timestamp} ecs-batch: error: ${message}\n` +
        (hint !== undefined ? `${timestamp} ecs-batch: hint: ${hint}\n` : ""),
    );
    if (this.options.json) {
      this.writeJson({
        ...context,
        result: "runner-error",
        error: message,
        ...(hint !== undefined ? { hint } : {}),
      });
    }
  }

  /**
   * The end of a run: the JSON summary with `--json`; otherwise a closing status line (shown with
   * `--quiet` too unless the run succeeded), and with `--no-wait` the task ARN alone on stdout,
   * for scripts that capture it.
   */
  outcome(outcome: RunOutcome, context: SummaryContext = {}): void {
    if (this.options.json) {
      this.writeJson({ ...context, ...outcome });
      return;
    }
    if (outcome.result === "started" && outcome.taskArn !== undefined) {
      this.options.stdout.write(`${outcome.taskArn}\n`);
    }
    if (!this.options.quiet || outcome.exitCode !== 0) {
      this.options.stderr.write(`${this.timestamp()} ecs-batch: ${describeOutcome(outcome)}\n`);
    }
  }

  private writeJson(summary: object): void {
    this.options.stdout.write(`${JSON.stringify(summary)}\n`);
  }

  private timestamp(): string {
    return new Date(this.options.now()).toISOString();
  }
}

/** One line saying how the run ended, e.g. `succeeded: container app exited 0 (exit 0; ...)`. */
export function describeOutcome(outcome: RunOutcome): string {
  const container =
    outcome.container !== undefined ? `container ${outcome.container}` : "container";
  const what: Record<RunOutcome["result"], string> = {
    succeeded: `${container} exited ${outcome.containerExitCode ?? 0}`,
    failed: `${container} exited ${outcome.containerExitCode ?? "non-zero"}`,
    "not-started": `the task never ran the ${container}${stopDetail(outcome)}`,
    "no-exit-code": `the task stopped without an exit code for the ${container}${stopDetail(outcome)}`,
    "timed-out": "--timeout expired: the task was stopped",
    signalled: `received ${outcome.signal ?? "a signal"}: the task was stopped`,
    started: "task started; not waiting for it (--no-wait)",
  };
  const details = [
    `exit ${outcome.exitCode}`,
    outcome.taskArn !== undefined ? `task ${outcome.taskArn}` : undefined,
    `${outcome.attempts} ${outcome.attempts === 1 ? "attempt" : "attempts"}`,
    outcome.durationSeconds !== undefined
      ? durationText(outcome.durationSeconds * 1000)
      : undefined,
  ].filter((detail) => detail !== undefined);
  return `${outcome.result}: ${what[outcome.result]} (${details.join("; ")})`;
}

function stopDetail(outcome: RunOutcome): string {
  const parts = [outcome.stopCode, outcome.stoppedReason].filter((part) => part !== undefined);
  return parts.length > 0 ? `: ${parts.join(": ")}` : "";
}
