import {
  CloudWatchLogsClient,
  GetLogEventsCommand,
  type GetLogEventsCommandInput,
  ResourceNotFoundException,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  type Container,
  type ContainerDefinition,
  DescribeTaskDefinitionCommand,
  DescribeTasksCommand,
  ECSClient,
  RunTaskCommand,
  type Task,
} from "@aws-sdk/client-ecs";
import { mockClient } from "aws-sdk-client-mock";
import type { RunnerDeps } from "../../runner/run-job";

/** Shared fakes of the runner tests: AWS clients, a clock, sleeps, signals and a reporter. */

export const ecsMock = mockClient(ECSClient);
export const logsMock = mockClient(CloudWatchLogsClient);

export const T0 = Date.parse("2026-11-23T03:00:00.000Z");
export const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
export const TASK_ID = "0123456789abcdef0";
export const TASK_ARN = `arn:aws:ecs:ap-northeast-1:123456789012:task/batch/${TASK_ID}`;
export const TASK_DEFINITION = "nightly-report";
export const LOG_GROUP = "/ecs-batch/prod/nightly-report";
/** The awslogs stream of the `app` container of {@link TASK_ARN}. */
export const APP_STREAM = `nightly-report/app/${TASK_ID}`;

/** The job's container as the task definitions of the tests declare it. */
export const APP_CONTAINER: ContainerDefinition = {
  name: "app",
  essential: true,
  logConfiguration: {
    logDriver: "awslogs",
    options: {
      "awslogs-group": LOG_GROUP,
      "awslogs-region": "ap-northeast-1",
      "awslogs-stream-prefix": "nightly-report",
    },
  },
};

/** A log router sidecar: not essential, so it never decides. */
export const SIDECAR_CONTAINER: ContainerDefinition = {
  name: "log-router",
  essential: false,
  logConfiguration: { logDriver: "awslogs", options: { "awslogs-group": "/sidecars" } },
};

export interface FakeRunnerDeps {
  readonly deps: RunnerDeps;
  /** Status lines, in order. */
  readonly statuses: string[];
  /** Container log lines, in order, with their timestamps. */
  readonly logLines: { line: string; timestampMs: number }[];
  /** Every sleep asked for (ms), in order. */
  readonly sleeps: number[];
  /** The fake clock (ms). */
  now(): number;
  /** Sends a signal to the runner, as the scheduler would. */
  emit(signal: NodeJS.Signals): void;
  /** How many signal handlers are subscribed. */
  subscribers(): number;
  /** Runs during each sleep, e.g. to send a signal while the runner waits. */
  onSleep?: (ms: number, sleepNumber: number) => void;
}

/**
 * Runner deps whose sleeps return at once and move the fake clock on instead, so a run of hours
 * takes milliseconds. `random` returns 0.5: backoff waits are halfway between floor and ceiling.
 */
export function fakeRunnerDeps(overrides: Partial<RunnerDeps> = {}): FakeRunnerDeps {
  let clock = T0;
  const handlers = new Set<(signal: NodeJS.Signals) => void>();
  const fake: FakeRunnerDeps = {
    statuses: [],
    logLines: [],
    sleeps: [],
    now: () => clock,
    emit: (signal) => handlers.forEach((handler) => handler(signal)),
    subscribers: () => handlers.size,
    deps: {
      ecs: new ECSClient({ region: "ap-northeast-1" }),
      logs: new CloudWatchLogsClient({ region: "ap-northeast-1" }),
      reporter: {
        status: (message) => fake.statuses.push(message),
        logLine: (line, timestampMs) => fake.logLines.push({ line, timestampMs }),
      },
      sleep: async (ms, signal) => {
        fake.sleeps.push(ms);
        fake.onSleep?.(ms, fake.sleeps.length);
        // An interrupted sleep ends early; the fake says "at once".
        if (!signal?.aborted) {
          clock += ms;
        }
      },
      now: () => clock,
      random: () => 0.5,
      signals: {
        on: (handler) => {
          handlers.add(handler);
          return () => handlers.delete(handler);
        },
      },
      ...overrides,
    },
  };
  return fake;
}

/** A task as DescribeTasks describes it, with the job's `app` container. */
export function task(lastStatus: string, fields: Partial<Task> = {}): Task {
  return {
    taskArn: TASK_ARN,
    clusterArn: CLUSTER,
    lastStatus,
    desiredStatus: lastStatus === "STOPPED" ? "STOPPED" : "RUNNING",
    createdAt: new Date(T0),
    containers: [{ name: "app", lastStatus }],
    ...fields,
  };
}

/** A task stopped after running: started at T0 + 30 s, stopped at T0 + 90 s. */
export function stoppedTask(containers: readonly Container[], fields: Partial<Task> = {}): Task {
  return task("STOPPED", {
    startedAt: new Date(T0 + 30_000),
    stoppedAt: new Date(T0 + 90_000),
    stopCode: "EssentialContainerExited",
    stoppedReason: "Essential container in task exited",
    containers: [...containers],
    ...fields,
  });
}

/** One step of a scripted DescribeTasks: the task, an error to throw, or either, computed. */
export type DescribeStep = Task | Error | (() => Task | Error);

/** DescribeTasks answers with the steps in order, then repeats the last one. */
export function describeTasksAnswers(...steps: DescribeStep[]): void {
  let next = 0;
  ecsMock.on(DescribeTasksCommand).callsFake(() => {
    const step = steps[Math.min(next++, steps.length - 1)];
    const value = typeof step === "function" ? step() : step;
    if (value instanceof Error) {
      throw value;
    }
    return { tasks: [value], failures: [] };
  });
}

/** RunTask starts {@link TASK_ARN}; the task definition has `containers` (default: app). */
export function startsTask(containers: ContainerDefinition[] = [APP_CONTAINER]): void {
  ecsMock.on(DescribeTaskDefinitionCommand).resolves({
    taskDefinition: { family: TASK_DEFINITION, revision: 7, containerDefinitions: containers },
  });
  ecsMock.on(RunTaskCommand).resolves({ tasks: [task("PROVISIONING")], failures: [] });
}

/** An error as the AWS SDK throws it. */
export function awsError(name: string, httpStatusCode?: number, message = `${name} happened`) {
  return Object.assign(new Error(message), {
    name,
    $metadata: httpStatusCode === undefined ? {} : { httpStatusCode },
  });
}

/** A Node.js network error: no HTTP status at all. */
export function networkError(code = "ECONNRESET"): Error {
  return Object.assign(new Error("socket hang up"), { code });
}

/**
 * A log stream in CloudWatch Logs that GetLogEvents reads with forward tokens `f/<index>`, the
 * way the service does: the token of the end is the one the caller passed. It does not exist
 * until the first `write`.
 */
export class FakeLogStream {
  private readonly events: { message: string; timestamp: number }[] = [];
  private exists = false;

  constructor(
    readonly logStreamName = APP_STREAM,
    private readonly pageSize = 2,
  ) {
    logsMock.on(GetLogEventsCommand).callsFake((input: GetLogEventsCommandInput) => {
      if (!this.exists || input.logStreamName !== this.logStreamName) {
        throw new ResourceNotFoundException({
          message: "The specified log stream does not exist.",
          $metadata: { httpStatusCode: 400 },
        });
      }
      const from = input.nextToken === undefined ? 0 : Number(input.nextToken.slice(2));
      const page = this.events.slice(from, from + this.pageSize);
      return {
        events: page,
        nextForwardToken: `f/${from + page.length}`,
        nextBackwardToken: "b/0",
      };
    });
  }

  /** Appends lines, 1 s apart, starting at `at`. */
  write(at: number, ...messages: string[]): void {
    this.exists = true;
    messages.forEach((message, index) =>
      this.events.push({ message, timestamp: at + index * 1000 }),
    );
  }
}

/** The container log lines a run reported, without their timestamps. */
export function lines(fake: FakeRunnerDeps): string[] {
  return fake.logLines.map((logLine) => logLine.line);
}
