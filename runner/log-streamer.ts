import { type CloudWatchLogsClient, GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import { awsErrorText, isAwsError, isTransientAwsError } from "./aws-error";
import type { Reporter } from "./runner-deps";

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

/**
 * Follows one log stream from its start with GetLogEvents and its forward token, so each event
 * is reported exactly once, in order, however often it is read.
 */
export class LogStreamer {
  private nextToken?: string;
  private streamFound = false;
  private failing = false;
  private stopped = false;

  constructor(
    private readonly client: CloudWatchLogsClient,
    readonly logGroupName: string,
    readonly logStreamName: string,
    private readonly reporter: Reporter,
  ) {}

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
      this.failing = false;
      for (const event of response.events ?? []) {
        this.reporter.logLine(event.message ?? "", event.timestamp ?? event.ingestionTime ?? 0);
        count++;
      }
      // At the end of the stream GetLogEvents hands back the token it was given; a page may be
      // empty before the end, so only an unchanged token means there is nothing more yet.
      const token = response.nextForwardToken;
      if (token === undefined || token === this.nextToken) {
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
      if (!this.failing) {
        this.reporter.status(`cannot read the logs (${where}): ${awsErrorText(error)}; retrying`);
        this.failing = true;
      }
      return;
    }
    // Missing permissions will not come back: the job goes on without its logs on the console.
    this.stopped = true;
    this.reporter.status(`stopped streaming logs (${where}): ${awsErrorText(error)}`);
  }
}
