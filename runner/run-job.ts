import {
  type Failure,
  type RunTaskCommandInput,
  RunTaskCommand,
  type RunTaskCommandOutput,
  type Task,
} from "@aws-sdk/client-ecs";
import { type BackoffLimits, backoffDelay } from "./backoff";
import { durationText } from "./duration-text";
import { EXIT_CODES, signalExitCode } from "./exit-codes";
import { type JobContainer, resolveJobContainer } from "./job-container";
import { type LogSource, LogStreamer, logStreamName } from "./log-streamer";
import type { Reporter, RunnerDeps } from "./runner-deps";
import { RunnerError } from "./runner-error";
import { SignalWatch } from "./signal-watch";
import { failedSidecars, jobContainerOf, taskEnd, taskIdOf } from "./task-state";
import { type TaskWaitResult, waitForTask } from "./task-waiter";

export type { LogSource } from "./log-streamer";
export type { Reporter, RunnerDeps, SignalSource } from "./runner-deps";

/** One run of a job: which task to start and how to follow it. */
export interface RunRequest {
  /** Complete RunTask input (cluster, taskDefinition, launchType, networkConfiguration,
   * overrides, startedBy, tags, clientToken...); `count` must be 1 or absent. */
  readonly runTaskInput: RunTaskCommandInput;
  /** The container whose exit code decides.
   * @default the task definition's only essential container; if several are essential, the
   * first one (said in a status line). Read with DescribeTaskDefinition when not given. */
  readonly containerName?: string;
  /** Where the container logs; `false`: do not stream its logs.
   * @default the container's awslogs options (awslogs-group, awslogs-stream-prefix) in the task
   * definition; no streaming if it has none */
  readonly logs?: LogSource | false;
  /** `false`: return result "started" (exit 0) once the task is started. */
  readonly wait: boolean;
  /** Stop the task after this long (ms, counted from the first RunTask, retries included) and
   * exit 124.
   * @default no limit */
  readonly timeoutMs?: number;
  /** Start again up to this many times when the task never ran its container (RunTask failures,
   * TaskFailedToStart) or it stopped without an exit code.
   * @default 0 */
  readonly retries?: number;
  /** With `retries`: also start again when the container exited non-zero.
   * @default false */
  readonly retryOnExitCode?: boolean;
}

export type RunResult =
  "succeeded" | "failed" | "not-started" | "no-exit-code" | "timed-out" | "signalled" | "started";

/** How a run ended: the exit code for the scheduler, and what it is made of. */
export interface RunOutcome {
  readonly exitCode: number;
  readonly result: RunResult;
  /** The last task started. */
  readonly taskArn?: string;
  readonly attempts: number;
  /** The job's container. */
  readonly container?: string;
  readonly containerExitCode?: number;
  readonly stopCode?: string;
  /** The task's stopped reason, or RunTask's failures when no task was started. */
  readonly stoppedReason?: string;
  readonly signal?: NodeJS.Signals;
  /** When the task reached RUNNING (ISO 8601). */
  readonly startedAt?: string;
  readonly stoppedAt?: string;
  /** From startedAt to stoppedAt. */
  readonly durationSeconds?: number;
}

export const DEFAULT_POLL_INTERVAL_MS: BackoffLimits = { initial: 2000, max: 15_000 };
export const DEFAULT_LOG_DRAIN_MS = 10_000;
/** The wait before attempt n + 1: 10 s × 2^(n-1), capped at 5 min, jittered. */
export const RETRY_BACKOFF_MS: BackoffLimits = { initial: 10_000, max: 300_000 };
const CLIENT_TOKEN_MAX_LENGTH = 64;

/**
 * Starts a job's task with RunTask, follows it until it stops while streaming its container's
 * logs, and says how it ended: the job container's exit code, or one of the runner's own codes
 * (see {@link EXIT_CODES}). Never returns while a task it started may still be running because
 * of a signal or timeout: it stops the task first. Throws a {@link RunnerError} (exit 125) for
 * errors that are the runner's, not the job's.
 */
export async function runJob(request: RunRequest, deps: RunnerDeps): Promise<RunOutcome> {
  const { count } = request.runTaskInput;
  if (count !== undefined && count !== 1) {
    throw new RunnerError(`RunTask count must be 1 or absent, not ${count}: one run, one task`);
  }
  const retries = request.retries ?? 0;
  if (!Number.isInteger(retries) || retries < 0) {
    throw new RunnerError(`retries must be a whole number of 0 or more, not ${retries}`);
  }
  const run = new JobRun(request, deps, retries + 1);
  try {
    return await run.run();
  } finally {
    run.dispose();
  }
}

class JobRun {
  private readonly status: Reporter["status"];
  private readonly watch: SignalWatch;
  private deadline?: number;

  constructor(
    private readonly request: RunRequest,
    private readonly deps: RunnerDeps,
    private readonly maxAttempts: number,
  ) {
    this.status = (message) => deps.reporter.status(message);
    this.watch = new SignalWatch(deps.signals, deps.sleep, this.status);
  }

  dispose(): void {
    this.watch.dispose();
  }

  async run(): Promise<RunOutcome> {
    const { request, deps } = this;
    // Without waiting there is no exit code to choose nor logs to read.
    const job = request.wait
      ? await resolveJobContainer(
          deps.ecs,
          request.runTaskInput.taskDefinition,
          request,
          this.status,
        )
      : undefined;
    if (request.wait && request.timeoutMs !== undefined) {
      this.deadline = deps.now() + request.timeoutMs;
    }
    for (let attempt = 1; ; attempt++) {
      const interrupted = this.interruptedBeforeStart(attempt - 1, job);
      if (interrupted !== undefined) {
        return interrupted;
      }
      const outcome = await this.attempt(attempt, job);
      if (!this.shouldRetry(outcome, attempt)) {
        return outcome;
      }
      const delay = backoffDelay(attempt - 1, RETRY_BACKOFF_MS, deps.random);
      this.status(
        `attempt ${attempt} of ${this.maxAttempts} ended ${outcome.result} (exit ${outcome.exitCode}): ` +
          `starting attempt ${attempt + 1} in ${durationText(delay)}`,
      );
      const untilDeadline = this.deadline === undefined ? delay : this.deadline - deps.now();
      await this.watch.sleep(Math.max(0, Math.min(delay, untilDeadline)));
    }
  }

  /** A signal or the timeout before an attempt: nothing is running, so there is nothing to stop. */
  private interruptedBeforeStart(
    attempts: number,
    job: JobContainer | undefined,
  ): RunOutcome | undefined {
    const { signal } = this.watch;
    const next = `attempt ${attempts + 1}`;
    if (signal !== undefined) {
      this.status(`received ${signal}: not starting ${attempts === 0 ? "the task" : next}`);
      return {
        exitCode: signalExitCode(signal),
        result: "signalled",
        signal,
        attempts,
        container: job?.name,
      };
    }
    if (this.deadline !== undefined && this.deps.now() >= this.deadline) {
      this.status(
        `timeout of ${durationText(this.request.timeoutMs ?? 0)} expired: not starting ${next}`,
      );
      return { exitCode: EXIT_CODES.timeout, result: "timed-out", attempts, container: job?.name };
    }
    return undefined;
  }

  private shouldRetry(outcome: RunOutcome, attempt: number): boolean {
    if (attempt >= this.maxAttempts) {
      return false;
    }
    switch (outcome.result) {
      case "not-started":
        return true;
      case "no-exit-code":
        if (outcome.stopCode === "UserInitiated") {
          // Someone stopped the task on purpose (console, CLI): starting it again would undo that.
          this.status("not starting again: the task was stopped by a user (UserInitiated)");
          return false;
        }
        return true;
      case "failed":
        return this.request.retryOnExitCode === true;
      default:
        return false;
    }
  }

  private async attempt(attempt: number, job: JobContainer | undefined): Promise<RunOutcome> {
    const response = await this.runTask(attempt);
    const task = response.tasks?.[0];
    if (task?.taskArn === undefined) {
      return this.notPlaced(response.failures ?? [], attempt, job);
    }
    const taskArn = task.taskArn;
    const of = this.maxAttempts > 1 ? ` (attempt ${attempt} of ${this.maxAttempts})` : "";
    this.status(`started task ${taskArn}${of}`);
    if (job === undefined) {
      return this.leaveRunning(task, taskArn, attempt);
    }
    const logs =
      job.logs === undefined
        ? undefined
        : new LogStreamer(
            this.deps.logs,
            job.logs.logGroupName,
            logStreamName(job.logs, job.name, taskIdOf(taskArn)),
            this.deps.reporter,
          );
    const waited = await this.waitFor(task, taskArn, job.name, logs);
    return this.outcomeOf(waited, taskArn, attempt, job.name);
  }

  private async runTask(attempt: number): Promise<RunTaskCommandOutput> {
    const clientToken = this.clientToken(attempt);
    const input: RunTaskCommandInput = {
      ...this.request.runTaskInput,
      ...(clientToken !== undefined ? { clientToken } : {}),
    };
    try {
      return await this.deps.ecs.send(new RunTaskCommand(input));
    } catch (error) {
      // Throttling and 5xx were already retried by the SDK; retrying a RunTask whose answer
      // was lost could start the job twice.
      throw RunnerError.ofAwsCall("RunTask failed", error);
    }
  }

  /** The caller's token for the first attempt; `<token>-2`, `-3`... after, so ECS starts a new
   * task instead of answering with the one that failed. */
  private clientToken(attempt: number): string | undefined {
    const token = this.request.runTaskInput.clientToken;
    if (token === undefined || attempt === 1) {
      return token;
    }
    const suffix = `-${attempt}`;
    return `${token.slice(0, CLIENT_TOKEN_MAX_LENGTH - suffix.length)}${suffix}`;
  }

  private notPlaced(failures: readonly Failure[], attempt: number, job?: JobContainer): RunOutcome {
    if (failures.length === 0) {
      throw new RunnerError("RunTask answered with neither a task nor a failure");
    }
    const reason = failures.map(failureText).join("; ");
    this.status(`RunTask did not start a task: ${reason}`);
    return {
      exitCode: EXIT_CODES.notStarted,
      result: "not-started",
      attempts: attempt,
      container: job?.name,
      stoppedReason: reason,
    };
  }

  /** `wait: false`: the task is the scheduler's now, unless a signal came while it started. */
  private async leaveRunning(task: Task, taskArn: string, attempt: number): Promise<RunOutcome> {
    if (this.watch.signal === undefined) {
      return { exitCode: EXIT_CODES.success, result: "started", taskArn, attempts: attempt };
    }
    const waited = await this.waitFor(task, taskArn, undefined, undefined);
    return this.outcomeOf(waited, taskArn, attempt, undefined);
  }

  private waitFor(
    task: Task,
    taskArn: string,
    containerName: string | undefined,
    logs: LogStreamer | undefined,
  ): Promise<TaskWaitResult> {
    const { deps, request } = this;
    return waitForTask({
      ecs: deps.ecs,
      cluster: request.runTaskInput.cluster,
      taskArn,
      startedTask: task,
      containerName,
      logs,
      timeout:
        this.deadline !== undefined
          ? { deadline: this.deadline, ms: request.timeoutMs ?? 0 }
          : undefined,
      watch: this.watch,
      status: this.status,
      now: deps.now,
      random: deps.random,
      pollIntervalMs: deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS,
      logDrainMs: deps.logDrainMs ?? DEFAULT_LOG_DRAIN_MS,
    });
  }

  private outcomeOf(
    waited: TaskWaitResult,
    taskArn: string,
    attempt: number,
    container: string | undefined,
  ): RunOutcome {
    const { task } = waited;
    const containerExitCode =
      task !== undefined && container !== undefined
        ? jobContainerOf(task, container)?.exitCode
        : undefined;
    const facts = {
      taskArn,
      attempts: attempt,
      container,
      containerExitCode: typeof containerExitCode === "number" ? containerExitCode : undefined,
      stopCode: task?.stopCode,
      stoppedReason: task?.stoppedReason,
      ...taskTimes(task),
    };
    if (waited.stopped && container !== undefined) {
      this.reportEnd(waited.task, container);
    }
    const cause = waited.stopCause;
    if (cause?.kind === "signal") {
      const exitCode = signalExitCode(cause.signal);
      return { ...facts, exitCode, result: "signalled", signal: cause.signal };
    }
    if (cause?.kind === "timeout") {
      return { ...facts, exitCode: EXIT_CODES.timeout, result: "timed-out" };
    }
    if (!waited.stopped || container === undefined) {
      // The waiter returns unstopped only after stopping for a cause, and a run that waits
      // always has a container: this is a bug, not a job result.
      throw new RunnerError(`task ${taskArn}: the runner lost track of why it ended`);
    }
    const end = taskEnd(waited.task, container);
    switch (end.kind) {
      case "exited":
        return {
          ...facts,
          exitCode: end.exitCode,
          result: end.exitCode === EXIT_CODES.success ? "succeeded" : "failed",
        };
      case "not-started":
        return { ...facts, exitCode: EXIT_CODES.notStarted, result: "not-started" };
      case "no-exit-code":
        return { ...facts, exitCode: EXIT_CODES.noExitCode, result: "no-exit-code" };
    }
  }

  /** One status line on how the task ended for the job's container (and failed sidecars). */
  private reportEnd(task: Task, container: string): void {
    const id = taskIdOf(task.taskArn ?? "");
    const end = taskEnd(task, container);
    if (end.kind === "not-started") {
      this.status(`task ${id} never ran container ${container}: ${end.reason}`);
      return;
    }
    if (end.kind === "no-exit-code") {
      this.status(
        `task ${id} stopped without an exit code for container ${container}: ${end.reason}`,
      );
      return;
    }
    const stop = [task.stopCode, task.stoppedReason].filter(Boolean).join(": ");
    const sidecars = failedSidecars(task, container);
    this.status(
      `task ${id} stopped: container ${container} exited ${end.exitCode}` +
        (stop ? ` (${stop})` : "") +
        (sidecars.length > 0
          ? `; ${sidecars.join(", ")}, which does not decide the exit code`
          : ""),
    );
  }
}

function failureText(failure: Failure): string {
  return [
    failure.reason,
    failure.detail && `(${failure.detail})`,
    failure.arn && `[${failure.arn}]`,
  ]
    .filter(Boolean)
    .join(" ");
}

function taskTimes(
  task: Task | undefined,
): Pick<RunOutcome, "startedAt" | "stoppedAt" | "durationSeconds"> {
  const { startedAt, stoppedAt } = task ?? {};
  return {
    startedAt: startedAt?.toISOString(),
    stoppedAt: stoppedAt?.toISOString(),
    durationSeconds:
      startedAt !== undefined && stoppedAt !== undefined
        ? Math.round(stoppedAt.getTime() - startedAt.getTime()) / 1000
        : undefined,
  };
}
