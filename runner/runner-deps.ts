import type { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import type { ECSClient } from "@aws-sdk/client-ecs";
import type { BackoffLimits } from "./backoff";

/** Where a run's output goes: the CLI writes it to stdout and stderr, tests record it. */
export interface Reporter {
  /** A line about the run (task status, retries, stops): the CLI adds time and `ecs-batch:`. */
  status(message: string): void;
  /** One log event of the job's container, with its CloudWatch Logs timestamp (ms). */
  logLine(line: string, timestampMs: number): void;
}

/** The stop signals (SIGTERM, SIGINT, SIGHUP) sent to the runner. */
export interface SignalSource {
  /** Calls `handler` on each signal until the returned function unsubscribes it. */
  on(handler: (signal: NodeJS.Signals) => void): () => void;
}

/** What {@link runJob} needs from the world, so tests can run it in milliseconds. */
export interface RunnerDeps {
  readonly ecs: ECSClient;
  readonly logs: CloudWatchLogsClient;
  readonly reporter: Reporter;
  /** Waits `ms`; may return early (or reject) once `signal` is aborted. */
  readonly sleep: (ms: number, signal?: AbortSignal) => Promise<void>;
  /** The clock (ms since the epoch). */
  readonly now: () => number;
  /** The source of backoff jitter, in [0, 1). */
  readonly random: () => number;
  readonly signals: SignalSource;
  /** Bounds of the DescribeTasks polling interval (ms).
   * @default { initial: 2000, max: 15000 } */
  readonly pollIntervalMs?: BackoffLimits;
  /** How long (ms) to keep reading the container's logs after STOPPED was seen, until a read
   * brings nothing new: CloudWatch Logs may receive the last lines after the task stopped.
   * @default 10000 */
  readonly logDrainMs?: number;
}
