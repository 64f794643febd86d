import { CloudWatchLogsClient } from "@aws-sdk/client-cloudwatch-logs";
import { ECSClient } from "@aws-sdk/client-ecs";
import { GetParameterCommand, SSMClient } from "@aws-sdk/client-ssm";
import { mockClient } from "aws-sdk-client-mock";
import type { AwsClientOptions, TaskClients } from "../../runner/aws-clients";
import { createSsmClient } from "../../runner/aws-clients";
import { runCli } from "../../runner/cli";
import type { CliDeps } from "../../runner/command-context";
import type { JobRunSpec } from "../../contract/job-run-spec";
import type { RunnerDeps, RunOutcome, RunRequest } from "../../runner/run-job";

/** Shared fakes of the CLI tests: the program runs in-process with a recording runJob. */

export const ssmMock = mockClient(SSMClient);

export const NOW = Date.parse("2026-11-23T03:00:05.123Z");
export const TASK_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/0123456789abcdef0";
export const STARTED_BY = "ecs-batch/batch/scheduler-01";

/** The SSM parameter of the job `nightly-report` in `prod`, as BatchJob writes it. */
export const SPEC: JobRunSpec = {
  version: 1,
  job: "nightly-report",
  cluster: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch",
  taskDefinitionFamily: "nightly-report",
  taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report:7",
  containerName: "app",
  launchType: "FARGATE",
  platformVersion: "1.4.0",
  network: {
    subnets: ["subnet-0123456789abcdef0"],
    securityGroups: ["sg-0123456789abcdef0"],
    assignPublicIp: "DISABLED",
  },
  propagateTags: "TASK_DEFINITION",
  enableEcsManagedTags: true,
  logGroupName: "/ecs-batch/prod/nightly-report",
  logStreamPrefix: "nightly-report",
  region: "ap-northeast-1",
  safeToRerun: true,
};

export const SUCCEEDED: RunOutcome = {
  exitCode: 0,
  result: "succeeded",
  taskArn: TASK_ARN,
  attempts: 1,
  container: "app",
  containerExitCode: 0,
  durationSeconds: 93,
};

/** The parameter `name` holds `spec` (any JSON value, to test invalid ones). */
export function parameterHolds(name: string, spec: unknown = SPEC): void {
  ssmMock
    .on(GetParameterCommand, { Name: name })
    .resolves({ Parameter: { Name: name, Type: "String", Value: JSON.stringify(spec) } });
}

export interface CliRun {
  readonly exitCode: number;
  readonly stdout: string;
  readonly stderr: string;
  /** What runJob was asked to run, in order. */
  readonly requests: RunRequest[];
  readonly runnerDeps: RunnerDeps[];
  /** The options of each createTaskClients call, and the clients it made. */
  readonly taskClientOptions: AwsClientOptions[];
  readonly taskClients: TaskClients[];
  readonly ssmClientOptions: AwsClientOptions[];
}

export interface FakeCliOptions {
  /** What runJob returns, throws, or does with its deps. @default SUCCEEDED */
  readonly outcome?: RunOutcome | Error | ((deps: RunnerDeps) => RunOutcome);
  /** Files readFile can read, by path. */
  readonly files?: Record<string, string>;
  readonly stdin?: string;
  readonly env?: NodeJS.ProcessEnv;
  /** The user's time zone. @default "Asia/Tokyo" */
  readonly timeZone?: string;
  /** The clock. @default {@link NOW}, standing still */
  readonly now?: () => number;
  /** What sleeping does. @default return at once */
  readonly sleep?: CliDeps["sleep"];
  readonly signals?: CliDeps["signals"];
}

/** Runs `ecs-batch <argv>` in-process with fake dependencies and records what it did. */
export async function runFakeCli(argv: string[], options: FakeCliOptions = {}): Promise<CliRun> {
  let stdout = "";
  let stderr = "";
  const requests: RunRequest[] = [];
  const runnerDeps: RunnerDeps[] = [];
  const taskClientOptions: AwsClientOptions[] = [];
  const taskClients: TaskClients[] = [];
  const ssmClientOptions: AwsClientOptions[] = [];
  const deps: CliDeps = {
    runJob: async (request, d) => {
      requests.push(request);
      runnerDeps.push(d);
      const outcome = options.outcome ?? SUCCEEDED;
      if (outcome instanceof Error) {
        throw outcome;
      }
      return typeof outcome === "function" ? outcome(d) : outcome;
    },
    createSsmClient: async (clientOptions) => {
      ssmClientOptions.push(clientOptions);
      return createSsmClient(clientOptions);
    },
    createTaskClients: async (clientOptions) => {
      taskClientOptions.push(clientOptions);
      // aws-sdk-client-mock's mocks of these clients (fake-runner-deps.ts) answer their calls.
      const region = clientOptions.region ?? "ap-northeast-1";
      const clients = {
        ecs: new ECSClient({ region }),
        logs: new CloudWatchLogsClient({ region }),
      };
      taskClients.push(clients);
      return clients;
    },
    signals: options.signals ?? { on: () => () => undefined },
    stdout: { write: (text: string) => (stdout += text) },
    stderr: { write: (text: string) => (stderr += text) },
    readFile: async (path) => {
      const text = options.files?.[path];
      if (text === undefined) {
        throw Object.assign(new Error(`ENOENT: no such file or directory, open '${path}'`), {
          code: "ENOENT",
        });
      }
      return text;
    },
    readStdin: async () => options.stdin ?? "",
    sleep: options.sleep ?? (async () => undefined),
    now: options.now ?? (() => NOW),
    random: () => 0.5,
    defaultStartedBy: () => STARTED_BY,
    version: "1.2.3",
    timeZone: options.timeZone ?? "Asia/Tokyo",
    env: options.env ?? {},
  };
  const exitCode = await runCli(argv, deps);
  return {
    exitCode,
    stdout,
    stderr,
    requests,
    runnerDeps,
    taskClientOptions,
    taskClients,
    ssmClientOptions,
  };
}

/** A clock that sleeping moves on; `onSleep` runs at each sleep, e.g. to write log lines. */
export function movingClock(onSleep: (sleepNumber: number) => void = () => undefined) {
  let clock = NOW;
  let sleeps = 0;
  return {
    now: () => clock,
    sleep: async (ms: number) => {
      clock += ms;
      onSleep(++sleeps);
    },
  };
}
