import { DescribeTasksCommand, StopTaskCommand } from "@aws-sdk/client-ecs";
import { LogStreamer } from "../../runner/log-streamer";
import { SignalWatch } from "../../runner/signal-watch";
import { STOP_WAIT_MS, type TaskWaitOptions, waitForTask } from "../../runner/task-waiter";
import {
  APP_STREAM,
  CLUSTER,
  describeTasksAnswers,
  ecsMock,
  type FakeRunnerDeps,
  fakeRunnerDeps,
  FakeLogStream,
  LOG_GROUP,
  lines,
  logsMock,
  stoppedTask,
  T0,
  task,
  TASK_ARN,
} from "./fake-runner-deps";

const RUNNING = task("RUNNING", { startedAt: new Date(T0) });

function options(fake: FakeRunnerDeps, fields: Partial<TaskWaitOptions> = {}): TaskWaitOptions {
  const { deps } = fake;
  return {
    ecs: deps.ecs,
    cluster: CLUSTER,
    taskArn: TASK_ARN,
    containerName: "app",
    watch: new SignalWatch(deps.signals, deps.sleep, deps.reporter.status),
    status: deps.reporter.status,
    now: deps.now,
    random: deps.random,
    pollIntervalMs: { initial: 2000, max: 15_000 },
    logDrainMs: 6000,
    ...fields,
  };
}

beforeEach(() => {
  ecsMock.reset();
  logsMock.reset();
});

describe("waitForTask", () => {
  it("returns the STOPPED task, without a stop cause, when it ends on its own", async () => {
    const fake = fakeRunnerDeps();
    const stopped = stoppedTask([{ name: "app", exitCode: 0 }]);
    describeTasksAnswers(RUNNING, stopped);

    const result = await waitForTask(options(fake, { startedTask: task("PROVISIONING") }));

    expect(result).toEqual({ stopped: true, task: stopped, stopCause: undefined });
    expect(fake.statuses[0]).toBe(
      `task ${TASK_ARN.split("/").pop()}: PROVISIONING (ECS: ${new Date(T0).toISOString()})`,
    );
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it("never sleeps past the deadline, so the timeout stop is on time", async () => {
    const fake = fakeRunnerDeps();
    ecsMock.on(StopTaskCommand).resolves({});
    describeTasksAnswers(() =>
      ecsMock.commandCalls(StopTaskCommand).length > 0
        ? stoppedTask([{ name: "app", exitCode: 143 }])
        : RUNNING,
    );

    const result = await waitForTask(
      options(fake, { logs: undefined, timeout: { deadline: T0 + 7000, ms: 7000 } }),
    );

    // 2 s, 3 s, then only the 2 s left of a 5 s wait.
    expect(fake.sleeps).toEqual([2000, 3000, 2000]);
    expect(result).toMatchObject({
      stopped: true,
      stopCause: { kind: "timeout", timeoutMs: 7000 },
    });
    expect(ecsMock.commandCalls(StopTaskCommand)[0].args[0].input.reason).toBe(
      "ecs-batch: timeout of 7s expired",
    );
  });

  it("polls from the initial interval again after the stop request", async () => {
    const fake = fakeRunnerDeps();
    ecsMock.on(StopTaskCommand).resolves({});
    describeTasksAnswers(RUNNING);
    fake.onSleep = (_ms, sleepNumber) => sleepNumber === 4 && fake.emit("SIGTERM");

    const result = await waitForTask(options(fake));

    expect(fake.sleeps.slice(0, 6)).toEqual([2000, 3000, 5000, 8500, 2000, 3000]);
    expect(result).toMatchObject({
      stopped: false,
      stopCause: { kind: "signal", signal: "SIGTERM" },
    });
    const sleptAfterStop = fake.sleeps.slice(4).reduce((sum, ms) => sum + ms, 0);
    expect(sleptAfterStop).toBe(STOP_WAIT_MS);
  });

  it("stops draining, and stops nothing, when a signal comes after the task ended on its own", async () => {
    const fake = fakeRunnerDeps();
    const logs = new FakeLogStream();
    logs.write(T0, "done");
    describeTasksAnswers(stoppedTask([{ name: "app", exitCode: 0 }]));
    fake.onSleep = () => fake.emit("SIGTERM");

    const result = await waitForTask(
      options(fake, {
        logs: new LogStreamer(fake.deps.logs, LOG_GROUP, APP_STREAM, fake.deps.reporter),
      }),
    );

    expect(result).toMatchObject({ stopped: true, stopCause: undefined });
    expect(lines(fake)).toEqual(["done"]);
    expect(fake.sleeps).toEqual([2000]);
    expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(0);
  });

  it("reports losing and regaining contact once per outage", async () => {
    const fake = fakeRunnerDeps();
    ecsMock
      .on(DescribeTasksCommand)
      .rejectsOnce(Object.assign(new Error("getaddrinfo EAI_AGAIN ecs"), { code: "EAI_AGAIN" }))
      .resolves({ tasks: [stoppedTask([{ name: "app", exitCode: 0 }])] });

    await waitForTask(options(fake));

    expect(fake.statuses.slice(0, 2)).toEqual([
      "lost contact with task 0123456789abcdef0 (EAI_AGAIN: getaddrinfo EAI_AGAIN ecs), retrying",
      "in contact with ECS again about task 0123456789abcdef0",
    ]);
  });
});
