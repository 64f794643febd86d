import { awsErrorText } from "./aws-error";
import { EXIT_CODES } from "./exit-codes";

export interface RunnerErrorOptions {
  readonly cause?: unknown;
  /** What to do about it, in one line. */
  readonly hint?: string;
  /** What the runner was doing, when the cause is the AWS error that made it fail. */
  readonly step?: string;
}

/**
 * A failure of the runner itself, not of the job: an unreadable job parameter or task
 * definition, an AWS API error that retrying cannot fix. The CLI prints the message (and the
 * hint, when there is one) and exits with {@link RunnerError.exitCode}, so a scheduler can tell
 * it from the job's own exit codes.
 */
export class RunnerError extends Error {
  readonly exitCode: number = EXIT_CODES.runnerError;
  readonly hint?: string;
  /**
   * What the runner was doing when an AWS call failed (`cannot read job parameter ...`), for an
   * error made by {@link RunnerError.ofAwsCall}: the CLI may say what the AWS error means instead
   * of quoting it.
   */
  readonly step?: string;

  constructor(message: string, options?: RunnerErrorOptions) {
    super(message, options?.cause !== undefined ? { cause: options.cause } : undefined);
    this.name = "RunnerError";
    this.hint = options?.hint;
    this.step = options?.step;
  }

  /** The failure of an AWS call: `<step>: <Name>: <message>`, the AWS error as its cause. */
  static ofAwsCall(step: string, error: unknown): RunnerError {
    return new RunnerError(`${step}: ${awsErrorText(error)}`, { cause: error, step });
  }
}
