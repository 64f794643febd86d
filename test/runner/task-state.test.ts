import {
  failedSidecars,
  mayHaveLogs,
  statusTime,
  taskEnd,
  taskIdOf,
} from "../../runner/task-state";
import { stoppedTask, T0, task, TASK_ARN, TASK_ID } from "./fake-runner-deps";

describe("taskIdOf", () => {
  it("takes the id from new and old task ARN formats", () => {
    expect(taskIdOf(TASK_ARN)).toBe(TASK_ID);
    expect(taskIdOf("arn:aws:ecs:us-east-1:123456789012:task/1dc5c17a-422b")).toBe("1dc5c17a-422b");
  });
});

describe("taskEnd", () => {
  it("is the job container's exit code, 0 included, whatever the sidecars did", () => {
    const stopped = stoppedTask([
      { name: "sidecar", exitCode: 137 },
      { name: "app", exitCode: 0 },
    ]);

    expect(taskEnd(stopped, "app")).toEqual({ kind: "exited", exitCode: 0 });
    expect(taskEnd(stopped, "sidecar")).toEqual({ kind: "exited", exitCode: 137 });
  });

  it("is not-started for TaskFailedToStart", () => {
    const stopped = stoppedTask([{ name: "app" }], {
      stopCode: "TaskFailedToStart",
      stoppedReason: "ResourceInitializationError: failed to validate logger args",
    });

    expect(taskEnd(stopped, "app")).toEqual({
      kind: "not-started",
      reason: "TaskFailedToStart: ResourceInitializationError: failed to validate logger args",
    });
  });

  it("is not-started for an image pull error on the container, even without the stop code", () => {
    const stopped = stoppedTask(
      [{ name: "app", reason: "CannotPullContainerError: ref not found" }],
      { stopCode: undefined, stoppedReason: undefined },
    );

    expect(taskEnd(stopped, "app")).toEqual({
      kind: "not-started",
      reason: "container app: CannotPullContainerError: ref not found",
    });
  });

  it("is no-exit-code when the container has none and did not fail to start", () => {
    const stopped = stoppedTask([{ name: "app" }], {
      stopCode: "EssentialContainerExited",
      stoppedReason: "Essential container in task exited",
    });

    expect(taskEnd(stopped, "app")).toEqual({
      kind: "no-exit-code",
      reason: "EssentialContainerExited: Essential container in task exited",
    });
  });

  it("says so when the task has no such container", () => {
    expect(taskEnd(stoppedTask([{ name: "app", exitCode: 0 }]), "worker")).toEqual({
      kind: "no-exit-code",
      reason:
        "EssentialContainerExited: Essential container in task exited; the task has no container worker",
    });
  });
});

describe("failedSidecars", () => {
  it("lists the other containers that exited non-zero", () => {
    const stopped = stoppedTask([
      { name: "app", exitCode: 1 },
      { name: "envoy", exitCode: 137 },
      { name: "log-router", exitCode: 0 },
      { name: "xray" },
    ]);

    expect(failedSidecars(stopped, "app")).toEqual(["envoy exited 137"]);
  });
});

describe("mayHaveLogs", () => {
  it("is true once the task reached RUNNING", () => {
    expect(mayHaveLogs(task("PROVISIONING"))).toBe(false);
    expect(mayHaveLogs(task("PENDING"))).toBe(false);
    expect(mayHaveLogs(task("RUNNING"))).toBe(true);
    expect(mayHaveLogs(task("DEPROVISIONING"))).toBe(true);
    expect(mayHaveLogs(task("STOPPED", { startedAt: new Date(T0) }))).toBe(true);
  });
});

describe("statusTime", () => {
  it("is ECS's time of the status when it records one, else unknown", () => {
    const startedAt = new Date(T0 + 30_000);

    expect(statusTime(task("RUNNING", { startedAt }))).toEqual(startedAt);
    expect(statusTime(task("PENDING"))).toBeUndefined();
    expect(statusTime(task("RUNNING"))).toBeUndefined();
  });
});
