import { GetLogEventsCommand } from "@aws-sdk/client-cloudwatch-logs";
import {
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  RunTaskCommand,
  type RunTaskCommandInput,
  StopTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { type RunRequest, runJob } from "../../runner/run-job";
import { RunnerError } from "../../runner/runner-error";
import {
  APP_CONTAINER,
  APP_STREAM,
  awsError,
  CLUSTER,
  describeTasksAnswers,
  ecsMock,
  type FakeRunnerDeps,
  fakeRunnerDeps,
  FakeLogStream,
  LOG_GROUP,
  lines,
  logsMock,
  networkError,
  SIDECAR_CONTAINER,
  startsTask,
  stoppedTask,
  T0,
  TASK_ARN,
  TASK_DEFINITION,
  TASK_ID,
  task,
} from "./fake-runner-deps";

const RUN_TASK_INPUT: RunTaskCommandInput = {
  cluster: CLUSTER,
  taskDefinition: TASK_DEFINITION,
  launchType: "FARGATE",
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ["subnet-0123456789abcdef0"],
      securityGroups: ["sg-0123456789abcdef0"],
      assignPublicIp: "DISABLED",
    },
  },
  startedBy: "ecs-batch/hinemos@batch01",
};

function request(fields: Partial<RunRequest> = {}): RunRequest {
  return { runTaskInput: RUN_TASK_INPUT, wait: true, ...fields };
}

/** The ECS API calls of the run, by command name, in order. */
function ecsCalls(): string[] {
  return ecsMock.calls().map((call) => call.args[0].constructor.name.replace(/Command$/, ""));
}

function runTaskInputs(): RunTaskCommandInput[] {
  return ecsMock.commandCalls(RunTaskCommand).map((call) => call.args[0].input);
}

function iso(ms: number): string {
  return new Date(ms).toISOString();
}

const RUNNING = task("RUNNING", { startedAt: new Date(T0 + 30_000) });

/** The task stops with these containers once StopTask was called, after one STOPPING poll. */
function stopsWhenAsked(fake: FakeRunnerDeps, stopped: Task): { stopTimes: number[] } {
  const stopTimes: number[] = [];
  let pollsAfterStop = 0;
  ecsMock.on(StopTaskCommand).callsFake(() => {
    stopTimes.push(fake.now());
    return { task: RUNNING };
  });
  describeTasksAnswers(() => {
    if (stopTimes.length === 0) {
      return RUNNING;
    }
    return pollsAfterStop++ === 0 ? task("STOPPING", { startedAt: RUNNING.startedAt }) : stopped;
  });
  return { stopTimes };
}

const STOPPED_BY_RUNNER = stoppedTask([{ name: "app", exitCode: 143 }], {
  stopCode: "UserInitiated",
  stoppedReason: "ecs-batch: received SIGTERM",
});

beforeEach(() => {
  ecsMock.reset();
  logsMock.reset();
  // By default the container never logs: its stream does not exist.
  new FakeLogStream();
});

describe("runJob", () => {
  describe("given a task that runs its container", () => {
    it("exits 0 with the outcome of the task when the job's container exits 0", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(task("PENDING"), RUNNING, stoppedTask([{ name: "app", exitCode: 0 }]));

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toEqual({
        exitCode: 0,
        result: "succeeded",
        taskArn: TASK_ARN,
        attempts: 1,
        container: "app",
        containerExitCode: 0,
        stopCode: "EssentialContainerExited",
        stoppedReason: "Essential container in task exited",
        startedAt: "2026-11-23T03:00:30.000Z",
        stoppedAt: "2026-11-23T03:01:30.000Z",
        durationSeconds: 60,
      });
      expect(runTaskInputs()).toEqual([RUN_TASK_INPUT]);
      expect(ecsMock.commandCalls(DescribeTasksCommand)[0].args[0].input).toEqual({
        cluster: CLUSTER,
        tasks: [TASK_ARN],
      });
      expect(fake.subscribers()).toBe(0);
    });

    it("exits with the container's own non-zero exit code", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 3 }]));

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 3, result: "failed", containerExitCode: 3 });
      expect(fake.statuses).toContain(
        `task ${TASK_ID} stopped: container app exited 3 (EssentialContainerExited: Essential container in task exited)`,
      );
    });

    it("exits 0 when the job's container exits 0 and a sidecar exits non-zero, and says so", async () => {
      const fake = fakeRunnerDeps();
      startsTask([APP_CONTAINER, SIDECAR_CONTAINER]);
      describeTasksAnswers(
        RUNNING,
        stoppedTask([
          { name: "app", exitCode: 0 },
          { name: "log-router", exitCode: 1 },
        ]),
      );

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 0, result: "succeeded", container: "app" });
      expect(fake.statuses).toContainEqual(
        expect.stringMatching(
          /container app exited 0 .*; log-router exited 1, which does not decide/,
        ),
      );
    });

    it("exits with the job's code when it fails and a sidecar exits 0", async () => {
      const fake = fakeRunnerDeps();
      startsTask([SIDECAR_CONTAINER, APP_CONTAINER]);
      describeTasksAnswers(
        RUNNING,
        stoppedTask([
          { name: "log-router", exitCode: 0 },
          { name: "app", exitCode: 2 },
        ]),
      );

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 2, result: "failed", containerExitCode: 2 });
    });

    it("takes the first essential container when several are, and says so", async () => {
      const fake = fakeRunnerDeps();
      const envoy: ContainerDefinition = { name: "envoy", essential: true };
      startsTask([APP_CONTAINER, envoy]);
      describeTasksAnswers(
        RUNNING,
        stoppedTask([
          { name: "app", exitCode: 4 },
          { name: "envoy", exitCode: 0 },
        ]),
      );

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 4, container: "app" });
      expect(fake.statuses[0]).toBe(
        "task definition nightly-report has 2 essential containers (app, envoy): the exit code " +
          "of the first, app, decides (--container chooses another)",
      );
    });

    it("lets containerName choose the container whose exit code decides", async () => {
      const fake = fakeRunnerDeps();
      startsTask([APP_CONTAINER, { name: "envoy", essential: true }]);
      describeTasksAnswers(
        RUNNING,
        stoppedTask([
          { name: "app", exitCode: 4 },
          { name: "envoy", exitCode: 0 },
        ]),
      );

      const outcome = await runJob(request({ containerName: "envoy", logs: false }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 0, container: "envoy", containerExitCode: 0 });
      // Both container and logs given: the task definition is not read.
      expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    });

    it("refuses a containerName the task definition does not have, before starting anything", async () => {
      const fake = fakeRunnerDeps();
      startsTask([APP_CONTAINER, SIDECAR_CONTAINER]);

      const run = runJob(request({ containerName: "worker" }), fake.deps);

      await expect(run).rejects.toThrow(
        "task definition nightly-report has no container named worker (it has: app, log-router)",
      );
      await expect(run).rejects.toMatchObject({ exitCode: 125 });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(0);
    });
  });

  describe("given a task that never runs its container", () => {
    it("exits 121 and prints RunTask's failures", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock.on(RunTaskCommand).resolves({
        tasks: [],
        failures: [
          {
            reason: "Capacity is unavailable at this time",
            detail: "ap-northeast-1a",
            arn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
          },
        ],
      });

      const outcome = await runJob(request(), fake.deps);

      const reason = `Capacity is unavailable at this time (ap-northeast-1a) [${CLUSTER}]`;
      expect(outcome).toEqual({
        exitCode: 121,
        result: "not-started",
        attempts: 1,
        container: "app",
        stoppedReason: reason,
      });
      expect(fake.statuses).toEqual([`RunTask did not start a task: ${reason}`]);
      expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(0);
    });

    it("exits 121 when the image cannot be pulled (TaskFailedToStart), printing why", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const pullError =
        "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to " +
        "resolve ref 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/nightly:v9: not found";
      describeTasksAnswers(
        task("PENDING"),
        stoppedTask([{ name: "app", lastStatus: "STOPPED", reason: pullError }], {
          stopCode: "TaskFailedToStart",
          stoppedReason: pullError,
          startedAt: undefined,
        }),
      );

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({
        exitCode: 121,
        result: "not-started",
        stopCode: "TaskFailedToStart",
        stoppedReason: pullError,
        containerExitCode: undefined,
      });
      expect(fake.statuses.at(-1)).toBe(
        `task ${TASK_ID} never ran container app: TaskFailedToStart: ${pullError}; container app: ${pullError}`,
      );
      // The container never ran: no logs to read, nor to wait for.
      expect(logsMock.commandCalls(GetLogEventsCommand)).toHaveLength(0);
    });

    it("exits 122 when the task stopped without an exit code for the job's container", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(
        RUNNING,
        stoppedTask([{ name: "app", lastStatus: "STOPPED" }], {
          stopCode: "UserInitiated",
          stoppedReason: "Task stopped by user",
        }),
      );

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({
        exitCode: 122,
        result: "no-exit-code",
        stopCode: "UserInitiated",
        containerExitCode: undefined,
      });
      expect(fake.statuses.at(-1)).toBe(
        `task ${TASK_ID} stopped without an exit code for container app: UserInitiated: Task stopped by user`,
      );
    });
  });

  describe("retries", () => {
    it("starts again after RunTask failures, with backoff and a fresh client token each time", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const noCapacity = { tasks: [], failures: [{ reason: "Capacity is unavailable" }] };
      ecsMock
        .on(RunTaskCommand)
        .resolvesOnce(noCapacity)
        .resolvesOnce(noCapacity)
        .resolves({ tasks: [task("PROVISIONING")] });
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 0 }]));

      const outcome = await runJob(
        request({
          runTaskInput: { ...RUN_TASK_INPUT, clientToken: "nightly-20261123" },
          retries: 3,
        }),
        fake.deps,
      );

      expect(outcome).toMatchObject({ exitCode: 0, result: "succeeded", attempts: 3 });
      expect(runTaskInputs().map((input) => input.clientToken)).toEqual([
        "nightly-20261123",
        "nightly-20261123-2",
        "nightly-20261123-3",
      ]);
      // 10 s, then up to 20 s (random 0.5: 15 s), before any polling.
      expect(fake.sleeps.slice(0, 2)).toEqual([10_000, 15_000]);
      expect(fake.statuses.slice(0, 5)).toEqual([
        "RunTask did not start a task: Capacity is unavailable",
        "attempt 1 of 4 ended not-started (exit 121): starting attempt 2 in 10s",
        "RunTask did not start a task: Capacity is unavailable",
        "attempt 2 of 4 ended not-started (exit 121): starting attempt 3 in 15s",
        `started task ${TASK_ARN} (attempt 3 of 4)`,
      ]);
    });

    it("starts again after TaskFailedToStart, and gives up with 121 after the last attempt", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const failed = stoppedTask([{ name: "app" }], {
        stopCode: "TaskFailedToStart",
        stoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth",
        startedAt: undefined,
      });
      describeTasksAnswers(failed);

      const outcome = await runJob(request({ retries: 2 }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 121, result: "not-started", attempts: 3 });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(3);
      // No client token was given: none is made up, the SDK fills in its own per call.
      expect(runTaskInputs().every((input) => !("clientToken" in input))).toBe(true);
    });

    it("keeps a fresh client token within the 64 characters ECS allows", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock
        .on(RunTaskCommand)
        .resolvesOnce({ failures: [{ reason: "AGENT" }] })
        .resolves({ tasks: [task("PROVISIONING")] });
      describeTasksAnswers(stoppedTask([{ name: "app", exitCode: 0 }]));
      const token = "t".repeat(64);

      await runJob(
        request({ runTaskInput: { ...RUN_TASK_INPUT, clientToken: token }, retries: 1 }),
        fake.deps,
      );

      expect(runTaskInputs()[1].clientToken).toBe(`${"t".repeat(62)}-2`);
    });

    it("does not start again when the container exited non-zero", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 1 }]));

      const outcome = await runJob(request({ retries: 2 }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 1, attempts: 1 });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(1);
    });

    it("starts again after a non-zero exit with retryOnExitCode", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(
        RUNNING,
        stoppedTask([{ name: "app", exitCode: 1 }]),
        RUNNING,
        stoppedTask([{ name: "app", exitCode: 0 }]),
      );

      const outcome = await runJob(request({ retries: 2, retryOnExitCode: true }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 0, result: "succeeded", attempts: 2 });
      expect(fake.statuses).toContain(
        "attempt 1 of 3 ended failed (exit 1): starting attempt 2 in 10s",
      );
    });

    it("starts again after a stop without exit code, unless a user stopped the task", async () => {
      const noExitCode = (stopCode: Task["stopCode"]) =>
        stoppedTask([{ name: "app" }], { stopCode, stoppedReason: "stopped" });
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(
        noExitCode("EssentialContainerExited"),
        noExitCode("UserInitiated"),
        stoppedTask([{ name: "app", exitCode: 0 }]),
      );

      const outcome = await runJob(request({ retries: 5 }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 122, result: "no-exit-code", attempts: 2 });
      expect(fake.statuses).toContain(
        "not starting again: the task was stopped by a user (UserInitiated)",
      );
    });
  });

  describe("waiting", () => {
    it("prints each status change once, with ECS's time of it where ECS records one", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const logs = new FakeLogStream();
      describeTasksAnswers(
        task("PENDING"),
        task("PENDING"),
        () => {
          logs.write(T0 + 31_000, "hello");
          return RUNNING;
        },
        task("DEPROVISIONING", { startedAt: RUNNING.startedAt }),
        stoppedTask([{ name: "app", exitCode: 0 }]),
      );

      await runJob(request(), fake.deps);

      expect(fake.statuses).toEqual([
        `started task ${TASK_ARN}`,
        `task ${TASK_ID}: PROVISIONING (ECS: ${iso(T0)})`,
        // ECS records no time for PENDING and DEPROVISIONING: the line's own time says when.
        `task ${TASK_ID}: PENDING`,
        `task ${TASK_ID}: RUNNING (ECS: ${iso(T0 + 30_000)})`,
        `task ${TASK_ID}: DEPROVISIONING`,
        `task ${TASK_ID}: STOPPED (ECS: ${iso(T0 + 90_000)})`,
        `task ${TASK_ID} stopped: container app exited 0 (EssentialContainerExited: Essential container in task exited)`,
      ]);
    });

    it("polls with a growing, jittered interval up to its maximum, with no limit on the wait", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 0 });
      startsTask();
      const polls = 40;
      describeTasksAnswers(...Array.from({ length: polls }, () => RUNNING), stoppedTask([]));

      await runJob(request({ logs: false }), fake.deps);

      expect(fake.sleeps.slice(0, 6)).toEqual([2000, 3000, 5000, 8500, 8500, 8500]);
      expect(Math.max(...fake.sleeps)).toBeLessThanOrEqual(15_000);
      expect(ecsMock.commandCalls(DescribeTasksCommand)).toHaveLength(polls + 1);
    });

    it("keeps polling the same task through throttling, network and 5xx errors, saying so once per outage", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(
        RUNNING,
        awsError("ThrottlingException", 400, "Rate exceeded"),
        networkError("ECONNRESET"),
        awsError("ServerException", 500),
        RUNNING,
        networkError("ETIMEDOUT"),
        stoppedTask([{ name: "app", exitCode: 0 }]),
      );

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 0, result: "succeeded" });
      expect(fake.statuses.filter((line) => line.startsWith("lost contact"))).toEqual([
        `lost contact with task ${TASK_ID} (ThrottlingException: Rate exceeded), retrying`,
        `lost contact with task ${TASK_ID} (ETIMEDOUT: socket hang up), retrying`,
      ]);
      expect(fake.statuses.filter((line) => line.startsWith("in contact"))).toHaveLength(2);
      const described = ecsMock.commandCalls(DescribeTasksCommand).map((c) => c.args[0].input);
      expect(described).toHaveLength(7);
      expect(new Set(described.map((input) => input.tasks?.join()))).toEqual(new Set([TASK_ARN]));
      // Errors do not restart the backoff: the waits keep growing through the outage.
      expect(fake.sleeps.slice(0, 4)).toEqual([2000, 3000, 5000, 8500]);
    });

    it("keeps polling while DescribeTasks does not know the task yet (MISSING)", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock
        .on(DescribeTasksCommand)
        .resolvesOnce({ tasks: [], failures: [{ arn: TASK_ARN, reason: "MISSING" }] })
        .resolves({ tasks: [stoppedTask([{ name: "app", exitCode: 0 }])] });

      const outcome = await runJob(request(), fake.deps);

      expect(outcome.exitCode).toBe(0);
      expect(fake.statuses).toContain(
        `lost contact with task ${TASK_ID} (DescribeTasks: MISSING), retrying`,
      );
    });

    it("with wait false, returns 'started' after RunTask without reading or polling anything", async () => {
      const fake = fakeRunnerDeps();
      startsTask();

      const outcome = await runJob(request({ wait: false, timeoutMs: 1000 }), fake.deps);

      expect(outcome).toEqual({ exitCode: 0, result: "started", taskArn: TASK_ARN, attempts: 1 });
      expect(ecsCalls()).toEqual(["RunTask"]);
      expect(fake.statuses).toEqual([`started task ${TASK_ARN}`]);
      expect(fake.sleeps).toEqual([]);
    });
  });

  describe("timeout", () => {
    it("stops the task when the timeout expires, waits for STOPPED and exits 124", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 0 });
      startsTask();
      const stopped = stoppedTask([{ name: "app", exitCode: 143 }], {
        stopCode: "UserInitiated",
        stoppedReason: "ecs-batch: timeout of 1m expired",
      });
      const { stopTimes } = stopsWhenAsked(fake, stopped);

      const outcome = await runJob(request({ timeoutMs: 60_000 }), fake.deps);

      expect(outcome).toMatchObject({
        exitCode: 124,
        result: "timed-out",
        containerExitCode: 143,
        stopCode: "UserInitiated",
      });
      // The last poll interval is cut short so the stop comes on time, not up to 15 s late.
      expect(stopTimes).toEqual([T0 + 60_000]);
      expect(ecsMock.commandCalls(StopTaskCommand)[0].args[0].input).toEqual({
        cluster: CLUSTER,
        task: TASK_ARN,
        reason: "ecs-batch: timeout of 1m expired",
      });
      expect(ecsCalls().slice(-3)).toEqual(["StopTask", "DescribeTasks", "DescribeTasks"]);
      expect(fake.statuses).toContain(`stopping task ${TASK_ID}: timeout of 1m expired`);
    });

    it("gives up waiting for STOPPED two minutes after the stop, still exiting 124", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock.on(StopTaskCommand).resolves({});
      describeTasksAnswers(RUNNING);

      const outcome = await runJob(request({ timeoutMs: 30_000 }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 124, result: "timed-out", taskArn: TASK_ARN });
      expect(fake.now()).toBe(T0 + 30_000 + 120_000);
      expect(fake.statuses.at(-1)).toBe(
        `task ${TASK_ID} did not reach STOPPED within 2m of the stop request: giving up ` +
          "waiting; it may still be stopping",
      );
      expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(1);
    });

    it("counts retries against the timeout and starts no attempt after it", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: "AGENT" }] });

      const outcome = await runJob(request({ timeoutMs: 5000, retries: 3 }), fake.deps);

      expect(outcome).toEqual({
        exitCode: 124,
        result: "timed-out",
        attempts: 1,
        container: "app",
      });
      expect(fake.sleeps).toEqual([5000]);
      expect(fake.statuses.at(-1)).toBe("timeout of 5s expired: not starting attempt 2");
    });
  });

  describe("signals", () => {
    it.each([
      ["SIGTERM", 143],
      ["SIGINT", 130],
      ["SIGHUP", 129],
    ] as const)("stops the task on %s, waits for STOPPED and exits %d", async (signal, code) => {
      const fake = fakeRunnerDeps({ logDrainMs: 0 });
      startsTask();
      const { stopTimes } = stopsWhenAsked(fake, STOPPED_BY_RUNNER);
      fake.onSleep = (_ms, sleepNumber) => sleepNumber === 3 && fake.emit(signal);

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({
        exitCode: code,
        result: "signalled",
        signal,
        taskArn: TASK_ARN,
        containerExitCode: 143,
      });
      expect(ecsMock.commandCalls(StopTaskCommand).map((c) => c.args[0].input)).toEqual([
        { cluster: CLUSTER, task: TASK_ARN, reason: `ecs-batch: received ${signal}` },
      ]);
      // The signal cut the third wait short: the stop went out at once.
      expect(stopTimes).toEqual([T0 + 2000 + 3000]);
      expect(ecsCalls().slice(-2)).toEqual(["DescribeTasks", "DescribeTasks"]);
      expect(fake.statuses).toContain(`stopping task ${TASK_ID}: received ${signal}`);
      expect(fake.subscribers()).toBe(0);
    });

    it("stops the task as soon as RunTask returns when the signal came during RunTask", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 0 });
      startsTask();
      const { stopTimes } = stopsWhenAsked(fake, STOPPED_BY_RUNNER);
      ecsMock.on(RunTaskCommand).callsFake(() => {
        fake.emit("SIGTERM");
        return { tasks: [task("PROVISIONING")] };
      });

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 143, result: "signalled" });
      expect(stopTimes).toEqual([T0]);
      expect(ecsCalls().slice(0, 3)).toEqual(["DescribeTaskDefinition", "RunTask", "StopTask"]);
    });

    it("stops a task started with wait false when the signal came during RunTask", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      stopsWhenAsked(fake, STOPPED_BY_RUNNER);
      ecsMock.on(RunTaskCommand).callsFake(() => {
        fake.emit("SIGINT");
        return { tasks: [task("PROVISIONING")] };
      });

      const outcome = await runJob(request({ wait: false }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 130, result: "signalled", taskArn: TASK_ARN });
      expect(ecsCalls()).toEqual(["RunTask", "StopTask", "DescribeTasks", "DescribeTasks"]);
    });

    it("does not skip the stop on a second signal, and exits with the first one's code", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 0 });
      startsTask();
      stopsWhenAsked(fake, STOPPED_BY_RUNNER);
      fake.onSleep = (_ms, sleepNumber) => {
        if (sleepNumber === 1) fake.emit("SIGTERM");
        if (sleepNumber === 2) fake.emit("SIGINT");
      };

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 143, signal: "SIGTERM" });
      expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(1);
      expect(fake.statuses).toContain(
        "received SIGINT while handling SIGTERM: exiting once the task is stopped",
      );
      expect(fake.statuses).toContain(`task ${TASK_ID}: STOPPED (ECS: ${iso(T0 + 90_000)})`);
    });

    it("asks again when StopTask fails", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 0 });
      startsTask();
      const { stopTimes } = stopsWhenAsked(fake, STOPPED_BY_RUNNER);
      ecsMock
        .on(StopTaskCommand)
        .rejectsOnce(awsError("ThrottlingException", 400, "Rate exceeded"))
        .callsFake(() => {
          stopTimes.push(fake.now());
          return {};
        });
      fake.onSleep = (_ms, sleepNumber) => sleepNumber === 1 && fake.emit("SIGTERM");

      const outcome = await runJob(request(), fake.deps);

      expect(outcome.exitCode).toBe(143);
      expect(ecsMock.commandCalls(StopTaskCommand)).toHaveLength(2);
      expect(fake.statuses).toContain(
        `StopTask failed for task ${TASK_ID}: ThrottlingException: Rate exceeded`,
      );
    });

    it("starts nothing when the signal came while reading the task definition", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock.on(DescribeTaskDefinitionCommand).callsFake(() => {
        fake.emit("SIGTERM");
        return { taskDefinition: { containerDefinitions: [APP_CONTAINER] } };
      });

      const outcome = await runJob(request(), fake.deps);

      expect(outcome).toEqual({
        exitCode: 143,
        result: "signalled",
        signal: "SIGTERM",
        attempts: 0,
        container: "app",
      });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(0);
      expect(fake.statuses).toEqual(["received SIGTERM: not starting the task"]);
    });

    it("starts no further attempt when the signal came while waiting to retry", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock.on(RunTaskCommand).resolves({ failures: [{ reason: "AGENT" }] });
      fake.onSleep = () => fake.emit("SIGHUP");

      const outcome = await runJob(request({ retries: 3 }), fake.deps);

      expect(outcome).toMatchObject({ exitCode: 129, result: "signalled", attempts: 1 });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(1);
    });
  });

  describe("logs", () => {
    it("prints the container's log events in order, once each, from the task definition's awslogs stream", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const logs = new FakeLogStream(APP_STREAM, 2);
      describeTasksAnswers(
        () => {
          logs.write(T0 + 31_000, "line 1", "line 2", "line 3");
          return RUNNING;
        },
        () => {
          logs.write(T0 + 40_000, "line 4", "line 5");
          return RUNNING;
        },
        RUNNING,
        () => {
          logs.write(T0 + 50_000, "line 6");
          return stoppedTask([{ name: "app", exitCode: 0 }]);
        },
      );

      await runJob(request(), fake.deps);

      expect(fake.logLines).toEqual([
        { line: "line 1", timestampMs: T0 + 31_000 },
        { line: "line 2", timestampMs: T0 + 32_000 },
        { line: "line 3", timestampMs: T0 + 33_000 },
        { line: "line 4", timestampMs: T0 + 40_000 },
        { line: "line 5", timestampMs: T0 + 41_000 },
        { line: "line 6", timestampMs: T0 + 50_000 },
      ]);
      const reads = logsMock.commandCalls(GetLogEventsCommand).map((c) => c.args[0].input);
      expect(reads[0]).toEqual({
        logGroupName: LOG_GROUP,
        logStreamName: APP_STREAM,
        startFromHead: true,
        nextToken: undefined,
      });
    });

    it("waits for a log stream that does not exist yet", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const logs = new FakeLogStream();
      describeTasksAnswers(
        RUNNING,
        RUNNING,
        () => {
          logs.write(T0 + 60_000, "started late");
          return RUNNING;
        },
        stoppedTask([{ name: "app", exitCode: 0 }]),
      );

      await runJob(request(), fake.deps);

      expect(lines(fake)).toEqual(["started late"]);
      expect(fake.statuses.join("\n")).not.toMatch(/logs/);
    });

    it("reads the last lines that arrive after STOPPED until the drain time has passed", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 10_000 });
      startsTask();
      const logs = new FakeLogStream();
      let stoppedAt: number | undefined;
      describeTasksAnswers(
        () => {
          logs.write(T0 + 31_000, "working");
          return RUNNING;
        },
        () => {
          stoppedAt = fake.now();
          return stoppedTask([{ name: "app", exitCode: 0 }]);
        },
      );
      fake.onSleep = () => {
        // CloudWatch Logs receives the last line 4 s after the task stopped.
        if (stoppedAt !== undefined && fake.now() - stoppedAt === 4000) {
          logs.write(T0 + 89_000, "done");
        }
      };

      await runJob(request(), fake.deps);

      expect(lines(fake)).toEqual(["working", "done"]);
      expect(fake.now() - (stoppedAt ?? 0)).toBe(10_000);
      expect(fake.statuses.at(-1)).toMatch(/container app exited 0/);
    });

    it("says so when the container never wrote a log line", async () => {
      const fake = fakeRunnerDeps({ logDrainMs: 4000 });
      startsTask();
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 0 }]));

      await runJob(request(), fake.deps);

      expect(fake.statuses).toContain(`no logs: ${LOG_GROUP} has no stream ${APP_STREAM}`);
    });

    it("reads no logs with logs false", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 0 }]));

      await runJob(request({ logs: false }), fake.deps);

      expect(logsMock.calls()).toHaveLength(0);
    });

    it("reads the log source it is given instead of the task definition's", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      const logs = new FakeLogStream(`custom/app/${TASK_ID}`);
      logs.write(T0, "from the custom stream");
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 0 }]));

      await runJob(
        request({
          containerName: "app",
          logs: { logGroupName: "/custom", streamPrefix: "custom" },
        }),
        fake.deps,
      );

      expect(lines(fake)).toEqual(["from the custom stream"]);
      expect(logsMock.commandCalls(GetLogEventsCommand)[0].args[0].input.logGroupName).toBe(
        "/custom",
      );
      expect(ecsMock.commandCalls(DescribeTaskDefinitionCommand)).toHaveLength(0);
    });

    it("streams nothing, and says so, when the container does not log with awslogs", async () => {
      const fake = fakeRunnerDeps();
      startsTask([{ name: "app", logConfiguration: { logDriver: "awsfirelens" } }]);
      describeTasksAnswers(RUNNING, stoppedTask([{ name: "app", exitCode: 0 }]));

      const outcome = await runJob(request(), fake.deps);

      expect(outcome.exitCode).toBe(0);
      expect(fake.statuses[0]).toBe(
        "container app does not log with awslogs and a stream prefix (log driver: awsfirelens): " +
          "its logs are not streamed",
      );
      expect(logsMock.calls()).toHaveLength(0);
    });
  });

  describe("runner errors", () => {
    it("throws a RunnerError (125) when the task definition cannot be read", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock
        .on(DescribeTaskDefinitionCommand)
        .rejects(awsError("AccessDeniedException", 400, "User is not authorized"));

      const run = runJob(request(), fake.deps);

      await expect(run).rejects.toThrow(RunnerError);
      await expect(run).rejects.toMatchObject({
        exitCode: 125,
        message:
          "cannot read task definition nightly-report: AccessDeniedException: User is not authorized",
      });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(0);
      expect(fake.subscribers()).toBe(0);
    });

    it("throws a RunnerError (125) when RunTask fails, without trying again", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock
        .on(RunTaskCommand)
        .rejects(awsError("InvalidParameterException", 400, "No Container Instances were found"));

      const run = runJob(request({ retries: 2 }), fake.deps);

      await expect(run).rejects.toMatchObject({
        name: "RunnerError",
        exitCode: 125,
        message: "RunTask failed: InvalidParameterException: No Container Instances were found",
      });
      expect(ecsMock.commandCalls(RunTaskCommand)).toHaveLength(1);
    });

    it("stops the task and throws a RunnerError when it cannot follow it", async () => {
      const fake = fakeRunnerDeps();
      startsTask();
      ecsMock.on(StopTaskCommand).resolves({});
      describeTasksAnswers(RUNNING, awsError("AccessDeniedException", 400, "not authorized"));

      await expect(runJob(request(), fake.deps)).rejects.toMatchObject({
        exitCode: 125,
        message: `cannot follow task ${TASK_ARN}: AccessDeniedException: not authorized`,
      });
      expect(ecsMock.commandCalls(StopTaskCommand)[0].args[0].input).toEqual({
        cluster: CLUSTER,
        task: TASK_ARN,
        reason: "ecs-batch: the runner cannot follow the task",
      });
    });

    it("refuses a RunTask count other than 1", async () => {
      const fake = fakeRunnerDeps();

      await expect(
        runJob(request({ runTaskInput: { ...RUN_TASK_INPUT, count: 2 } }), fake.deps),
      ).rejects.toThrow("RunTask count must be 1 or absent, not 2: one run, one task");
      expect(ecsMock.calls()).toHaveLength(0);
    });

    it("refuses retries that are not a whole number of 0 or more", async () => {
      const fake = fakeRunnerDeps();

      await expect(runJob(request({ retries: -1 }), fake.deps)).rejects.toThrow(
        "retries must be a whole number of 0 or more, not -1",
      );
    });
  });
});
