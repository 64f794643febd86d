import { EXIT_CODES } from "./exit-codes";

/**
 * A failure of the runner itself, not of the job: an unreadable job parameter or task
 * definition, an AWS API error that retrying cannot fix. The CLI prints the message and exits
 * with {@link RunnerError.exitCode}, so a scheduler can tell it from the job's own exit codes.
 */
export class RunnerError extends Error {
  readonly exitCode: number = EXIT_CODES.runnerError;

  constructor(message: string, options?: { readonly cause?: unknown }) {
    super(message, options);
    this.name = "RunnerError";
  }
}
