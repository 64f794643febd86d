import type { Container, Task } from "@aws-sdk/client-ecs";

/** The id of a task: the last part of its ARN (`arn:aws:ecs:...:task/<cluster>/<id>`). */
export function taskIdOf(taskArn: string): string {
  return taskArn.slice(taskArn.lastIndexOf("/") + 1);
}

/** How a stopped task ended, seen from the job's container. */
export type TaskEnd =
  | { readonly kind: "exited"; readonly exitCode: number }
  /** The job's container never ran: the task failed to start (image pull, secrets, ENI...). */
  | { readonly kind: "not-started"; readonly reason: string }
  /** The container may have run, but ECS has no exit code for it. */
  | { readonly kind: "no-exit-code"; readonly reason: string };

/**
 * Errors ECS gives a container that could not be created or started. The task's stop code is
 * TaskFailedToStart for these too, but a container's reason is checked as well in case the stop
 * code is missing or another essential container stopped the task first.
 */
const START_FAILURES =
  /\b(CannotPullContainerError|CannotCreateContainerError|CannotStartContainerError|ResourceInitializationError)\b/;

/**
 * How the task ended for the job's container. Only this container's exit code counts: a sidecar
 * that exits non-zero does not fail the job, and one that exits 0 does not hide a failure.
 */
export function taskEnd(task: Task, containerName: string): TaskEnd {
  const container = jobContainerOf(task, containerName);
  if (typeof container?.exitCode === "number") {
    return { kind: "exited", exitCode: container.exitCode };
  }
  const reason = [
    stopText(task),
    container === undefined
      ? `the task has no container ${containerName}`
      : container.reason && `container ${containerName}: ${container.reason}`,
  ]
    .filter(Boolean)
    .join("; ");
  const failedToStart =
    task.stopCode === "TaskFailedToStart" ||
    START_FAILURES.test(task.stoppedReason ?? "") ||
    START_FAILURES.test(container?.reason ?? "");
  return {
    kind: failedToStart ? "not-started" : "no-exit-code",
    reason: reason || "no reason given",
  };
}

/** The job's container in a described task. */
export function jobContainerOf(task: Task, containerName: string): Container | undefined {
  return task.containers?.find((container) => container.name === containerName);
}

/** `StopCode: stopped reason`, as much as ECS gave. */
export function stopText(task: Task): string {
  return [task.stopCode, task.stoppedReason].filter(Boolean).join(": ");
}

/** The other containers that exited non-zero: said in the status line, never in the exit code. */
export function failedSidecars(task: Task, containerName: string): string[] {
  return (task.containers ?? [])
    .filter((c) => c.name !== containerName && typeof c.exitCode === "number" && c.exitCode !== 0)
    .map((c) => `${c.name} exited ${c.exitCode}`);
}

/**
 * Whether the task got far enough to have written logs: it reached RUNNING. Before that the log
 * stream does not exist, and reading it would only cost API calls.
 */
export function mayHaveLogs(task: Task): boolean {
  return task.startedAt !== undefined || LOGGING_STATUSES.has(task.lastStatus ?? "");
}

const LOGGING_STATUSES = new Set(["RUNNING", "DEACTIVATING", "STOPPING", "DEPROVISIONING"]);

/**
 * When ECS says the task reached its current status, for the statuses it records a time of
 * (polling sees a change up to an interval late); undefined for the others.
 */
export function statusTime(task: Task): Date | undefined {
  const times: Record<string, Date | undefined> = {
    PROVISIONING: task.createdAt,
    RUNNING: task.startedAt,
    STOPPING: task.stoppingAt,
    STOPPED: task.stoppedAt,
  };
  return times[task.lastStatus ?? ""];
}
