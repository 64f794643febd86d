import {
  DescribeTasksCommand,
  type ECSClient,
  StopTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { awsErrorText, isTransientAwsError } from "./aws-error";
import { type BackoffLimits, backoffDelay } from "./backoff";
import { durationText } from "./duration-text";
import { drainLogs, type LogStreamer } from "./log-streamer";
import type { Reporter } from "./runner-deps";
import { RunnerError } from "./runner-error";
import type { SignalWatch } from "./signal-watch";
import { mayHaveLogs, statusTime, taskEnd, taskIdOf } from "./task-state";

/** How long to wait for STOPPED after StopTask before giving up (Fargate needs up to ~1 min). */
export const STOP_WAIT_MS = 120_000;

/** Why the runner stopped the task itself. */
export type StopCause =
  | { readonly kind: "timeout"; readonly timeoutMs: number }
  | { readonly kind: "signal"; readonly signal: NodeJS.Signals };

export interface TaskWaitOptions {
  readonly ecs: ECSClient;
  /** @default the default cluster */
  readonly cluster?: string;
  readonly taskArn: string;
  /** The task as RunTask returned it: its status is the first one reported.
   * @default none */
  readonly startedTask?: Task;
  /** The job's container, whose logs are drained after STOPPED unless it never ran.
   * @default none: no logs */
  readonly containerName?: string;
  /** @default no log streaming */
  readonly logs?: LogStreamer;
  /** Stop the task at `deadline` (on the `now` clock); `ms` is the timeout, for messages.
   * @default no timeout */
  readonly timeout?: { readonly deadline: number; readonly ms: number };
  readonly watch: SignalWatch;
  readonly status: Reporter["status"];
  readonly now: () => number;
  readonly random: () => number;
  readonly pollIntervalMs: BackoffLimits;
  readonly logDrainMs: number;
}

/** The task once STOPPED (and its logs drained), or after giving up waiting for a stop. */
export type TaskWaitResult =
  | { readonly stopped: true; readonly task: Task; readonly stopCause?: StopCause }
  | { readonly stopped: false; readonly task?: Task; readonly stopCause: StopCause };

/**
 * Follows a started task until it is STOPPED: polls DescribeTasks with backoff, reports each
 * status change, streams the container's logs in between, and stops the task on a signal or
 * timeout. There is no limit on how long a task may run; API errors that may pass (throttling,
 * 5xx, network) are retried for as long as it takes.
 */
export function waitForTask(options: TaskWaitOptions): Promise<TaskWaitResult> {
  return new TaskWaiter(options).wait();
}

class TaskWaiter {
  private readonly taskId: string;
  private lastTask?: Task;
  private lastStatus?: string;
  private pollAttempt = 0;
  private outOfContact = false;
  private stop?: { readonly cause: StopCause; readonly since: number; sent: boolean };

  constructor(private readonly options: TaskWaitOptions) {
    this.taskId = taskIdOf(options.taskArn);
    if (options.startedTask !== undefined) {
      this.observe(options.startedTask);
    }
  }

  async wait(): Promise<TaskWaitResult> {
    const { now, watch, logs } = this.options;
    for (;;) {
      await this.stopIfDue();
      const task = await this.describe();
      if (task !== undefined) {
        this.observe(task);
        if (task.lastStatus === "STOPPED") {
          await this.drainLogs(task);
          return { stopped: true, task, stopCause: this.stop?.cause };
        }
        if (mayHaveLogs(task)) {
          await logs?.readAvailable();
        }
      }
      if (this.stop !== undefined && now() - this.stop.since >= STOP_WAIT_MS) {
        this.options.status(
          `task ${this.taskId} did not reach STOPPED within ${durationText(STOP_WAIT_MS)} ` +
            "of the stop request: giving up waiting; it may still be stopping",
        );
        return { stopped: false, task: this.lastTask, stopCause: this.stop.cause };
      }
      if (this.stop === undefined && this.dueStopCause() !== undefined) {
        continue;
      }
      await watch.sleep(this.nextDelay());
    }
  }

  private observe(task: Task): void {
    this.lastTask = task;
    if (task.lastStatus !== this.lastStatus) {
      this.lastStatus = task.lastStatus;
      // Right after a change the next one tends to come soon (PENDING, RUNNING...).
      this.pollAttempt = 0;
      // The status line carries the time it is written; ECS's own time is added when it has one.
      const at = statusTime(task);
      this.options.status(
        `task ${this.taskId}: ${task.lastStatus}${at ? ` (ECS: ${at.toISOString()})` : ""}`,
      );
    }
  }

  private async describe(): Promise<Task | undefined> {
    const { ecs, cluster, taskArn } = this.options;
    let task: Task | undefined;
    try {
      const response = await ecs.send(new DescribeTasksCommand({ cluster, tasks: [taskArn] }));
      task = response.tasks?.[0];
      if (task === undefined) {
        // Eventual consistency: a task just started may be MISSING for a moment.
        const failures = (response.failures ?? []).map((failure) => failure.reason).join(", ");
        this.lostContact(`DescribeTasks: ${failures || "the task is not in the answer"}`);
        return undefined;
      }
    } catch (error) {
      if (!isTransientAwsError(error)) {
        return this.abandon(error);
      }
      this.lostContact(awsErrorText(error));
      return undefined;
    }
    if (this.outOfContact) {
      this.outOfContact = false;
      this.options.status(`in contact with ECS again about task ${this.taskId}`);
    }
    return task;
  }

  private lostContact(reason: string): void {
    if (!this.outOfContact) {
      this.outOfContact = true;
      this.options.status(`lost contact with task ${this.taskId} (${reason}), retrying`);
    }
  }

  /** An error that waiting will not fix, e.g. DescribeTasks denied: the runner cannot go on. */
  private async abandon(error: unknown): Promise<never> {
    if (this.stop?.sent !== true) {
      // Nobody would learn this task's result: stop it rather than leave it running unwatched.
      this.options.status(
        `cannot follow task ${this.taskId} (${awsErrorText(error)}): stopping it`,
      );
      await this.sendStop("ecs-batch: the runner cannot follow the task");
    }
    throw RunnerError.ofAwsCall(`cannot follow task ${this.options.taskArn}`, error);
  }

  private dueStopCause(): StopCause | undefined {
    const { watch, timeout, now } = this.options;
    if (watch.signal !== undefined) {
      return { kind: "signal", signal: watch.signal };
    }
    if (timeout !== undefined && now() >= timeout.deadline) {
      return { kind: "timeout", timeoutMs: timeout.ms };
    }
    return undefined;
  }

  private async stopIfDue(): Promise<void> {
    if (this.stop === undefined) {
      const cause = this.dueStopCause();
      if (cause === undefined) {
        return;
      }
      this.stop = { cause, since: this.options.now(), sent: false };
      this.options.status(`stopping task ${this.taskId}: ${stopCauseText(cause)}`);
    }
    if (!this.stop.sent) {
      this.stop.sent = await this.sendStop(`ecs-batch: ${stopCauseText(this.stop.cause)}`);
      this.pollAttempt = 0;
    }
  }

  private async sendStop(reason: string): Promise<boolean> {
    const { ecs, cluster, taskArn } = this.options;
    try {
      await ecs.send(new StopTaskCommand({ cluster, task: taskArn, reason }));
      return true;
    } catch (error) {
      this.options.status(`StopTask failed for task ${this.taskId}: ${awsErrorText(error)}`);
      return false;
    }
  }

  private nextDelay(): number {
    const { now, pollIntervalMs, random, timeout } = this.options;
    const delay = backoffDelay(this.pollAttempt++, pollIntervalMs, random);
    const wakeAt = this.stop !== undefined ? this.stop.since + STOP_WAIT_MS : timeout?.deadline;
    return wakeAt === undefined ? delay : Math.min(delay, Math.max(0, wakeAt - now()));
  }

  /** Drains the container's logs after STOPPED, unless it never ran. */
  private async drainLogs(task: Task): Promise<void> {
    const { logs, containerName, now, watch, logDrainMs, pollIntervalMs } = this.options;
    if (logs === undefined || containerName === undefined) {
      return;
    }
    if (taskEnd(task, containerName).kind === "not-started") {
      return;
    }
    await drainLogs(logs, {
      now,
      sleep: (ms) => watch.sleep(ms),
      logDrainMs,
      pollMs: pollIntervalMs.initial,
      // Told to go after the task ended on its own: its result is known, so leave now.
      interrupted: () => watch.signal !== undefined && this.stop === undefined,
    });
    logs.reportIfNeverFound();
  }
}

function stopCauseText(cause: StopCause): string {
  return cause.kind === "signal"
    ? `received ${cause.signal}`
    : `timeout of ${durationText(cause.timeoutMs)} expired`;
}
