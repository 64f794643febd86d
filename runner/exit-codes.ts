/**
 * The exit codes of `ecs-batch`, for the job scheduler that calls it. When the job's container
 * ran, the runner exits with that container's exit code (0-255); everything else has its own
 * code. docs/runner.md has this table.
 */
export const EXIT_CODES = {
  /** The container exited 0. */
  success: 0,
  /** Bad arguments or options: nothing was started. */
  usage: 2,
  /** The task never ran the job's container: RunTask failures (capacity, bad network, IAM),
   * `TaskFailedToStart`, image pull errors, after any `--retries`. */
  notStarted: 121,
  /** The task stopped, but the job's container reported no exit code (stopped by someone else
   * before it ran, or killed with its host). */
  noExitCode: 122,
  /** `--timeout` expired: the runner stopped the task. */
  timeout: 124,
  /** The runner's own failure: missing job parameter, no credentials, an AWS API error it could
   * not retry away, an unreadable input file. */
  runnerError: 125,
} as const;

/** The exit code after the runner was told to stop by a signal: 128 + its number, as shells do. */
export function signalExitCode(signal: NodeJS.Signals): number {
  const numbers: Partial<Record<NodeJS.Signals, number>> = { SIGHUP: 1, SIGINT: 2, SIGTERM: 15 };
  return 128 + (numbers[signal] ?? 15);
}
