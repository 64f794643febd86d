import { type CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { awsErrorText, isAwsError, isTransientAwsError } from "./aws-error";
import type { Reporter } from "./runner-deps";
import { RunnerError } from "./runner-error";

/** Where a container logs with the awslogs driver. */
export interface LogSource {
  readonly logGroupName: string;
  /** The awslogs-stream-prefix: the stream is `${streamPrefix}/${container}/${taskId}`. */
  readonly streamPrefix: string;
}

/** The awslogs stream of one container of one task. */
export function logStreamName(source: LogSource, container: string, taskId: string): string {
  return `${source.streamPrefix}/${container}/${taskId}`;
}

/** Pages read per call of {@link LogStreamer.readAvailable}, so a chatty container cannot keep
 * the runner from polling the task. The rest is read on the next call. */
const MAX_PAGES_PER_READ = 50;

/** How a {@link LogStreamer} takes an error that waiting will not cure (access denied). */
export interface LogStreamerOptions {
  /** `report`: say so and read no more, for a run that goes on without its logs; `throw`: throw
   * a RunnerError, for a command whose only work is reading them.
   * @default "report" */
  readonly onLastingError?: "report" | "throw";
}

/**
 * Follows one log stream from its start with GetLogEvents and its forward token, so each event
 * is reported exactly once, in order, however often it is read.
 */
export class LogStreamer {
  private nextToken?: string;
  private streamFound = false;
  private failing?: { readonly error: unknown };
  private stopped = false;
  private caughtUp = false;

  constructor(
    private readonly client: CloudWatchLogsClient,
    readonly logGroupName: string,
    readonly logStreamName: string,
    private readonly reporter: Reporter,
    private readonly options: LogStreamerOptions = {},
  ) {}

  /** Whether the stream exists (as far as the reads so far tell). */
  get found(): boolean {
    return this.streamFound;
  }

  /**
   * Reads everything written so far: up to the end of the stream, or nothing when it does not
   * exist. Throws a RunnerError when it cannot be read: the SDK has retried already.
   */
  async readToEnd(): Promise<void> {
    for (;;) {
      await this.readAvailable();
      if (this.failing !== undefined) {
        throw RunnerError.ofAwsCall(
          `cannot read the log stream ${this.logStreamName} of ${this.logGroupName}`,
          this.failing.error,
        );
      }
      if (this.caughtUp || !this.streamFound || this.stopped) {
        return;
      }
    }
  }

  /** Says so when the stream never appeared: a container that wrote nothing has none. */
  reportIfNeverFound(): void {
    if (!this.streamFound && !this.stopped) {
      this.reporter.status(`no logs: ${this.logGroupName} has no stream ${this.logStreamName}`);
    }
  }

  /** Reports the events written since the last read; returns how many there were. */
  async readAvailable(): Promise<number> {
    let count = 0;
    for (let page = 0; page < MAX_PAGES_PER_READ && !this.stopped; page++) {
      let response;
      try {
        response = await this.client.send(
          new GetLogEventsCommand({
            logGroupName: this.logGroupName,
            logStreamName: this.logStreamName,
            startFromHead: true,
            nextToken: this.nextToken,
          }),
        );
      } catch (error) {
        this.readFailed(error);
        return count;
      }
      this.streamFound = true;
      this.failing = undefined;
      for (const event of response.events ?? []) {
        this.reporter.logLine(event.message ?? "", event.timestamp ?? event.ingestionTime ?? 0);
        count++;
      }
      // At the end of the stream GetLogEvents hands back the token it was given; a page may be
      // empty before the end, so only an unchanged token means there is nothing more yet.
      const token = response.nextForwardToken;
      this.caughtUp = token === undefined || token === this.nextToken;
      if (this.caughtUp) {
        return count;
      }
      this.nextToken = token;
    }
    return count;
  }

  private readFailed(error: unknown): void {
    if (isAwsError(error, "ResourceNotFoundException")) {
      // awslogs creates the stream with the container's first line: it may come later.
      return;
    }
    const where = `${this.logGroupName} ${this.logStreamName}`;
    if (isTransientAwsError(error)) {
      if (this.failing === undefined) {
        this.reporter.status(`cannot read the logs (${where}): ${awsErrorText(error)}; retrying`);
      }
      this.failing = { error };
      return;
    }
    if (this.options.onLastingError === "throw") {
      throw RunnerError.ofAwsCall(
        `cannot read the log stream ${this.logStreamName} of ${this.logGroupName}`,
        error,
      );
    }
    // Missing permissions will not come back: the job goes on without its logs on the console.
    this.stopped = true;
    this.reporter.status(`stopped streaming logs (${where}): ${awsErrorText(error)}`);
  }
}

/** What {@link drainLogs} needs from the world. */
export interface LogDrainOptions {
  readonly now: () => number;
  /** Waits, or less if the caller is told to stop meanwhile. */
  readonly sleep: (ms: number) => Promise<void>;
  /** How long to keep reading after the task stopped, until a read brings nothing new (ms). */
  readonly logDrainMs: number;
  /** The wait between reads (ms). */
  readonly pollMs: number;
  /** Whether to leave at once (a signal arrived). */
  readonly interrupted: () => boolean;
}

/**
 * Reads the logs on after the task stopped until a read brings nothing and `logDrainMs` has
 * passed: CloudWatch Logs may still receive the container's last lines after the task stopped.
 */
export async function drainLogs(logs: LogStreamer, options: LogDrainOptions): Promise<void> {
  const { now, sleep, logDrainMs, pollMs, interrupted } = options;
  const stoppedSeenAt = now();
  for (;;) {
    const count = await logs.readAvailable();
    const waited = now() - stoppedSeenAt;
    if ((count === 0 && waited >= logDrainMs) || interrupted()) {
      return;
    }
    if (count === 0) {
      await sleep(Math.min(pollMs, logDrainMs - waited));
    }
  }
}
