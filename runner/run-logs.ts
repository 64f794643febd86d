import { DescribeTasksCommand, type ECSClient, type Task } from "@aws-sdk/client-ecs";
import type { RunRecord } from "../contract/run-record";
import { awsErrorText, isTransientAwsError } from "./aws-error";
import { backoffDelay } from "./backoff";
import type { CliDeps } from "./command-context";
import type { ConsoleReporter } from "./console-reporter";
import { EXIT_CODES, signalExitCode } from "./exit-codes";
import { resultOf, starterOf } from "./history-table";
import type { InsightsQueryDeps } from "./insights-query";
import {
  type JobWithLedger,
  type LedgerLocation,
  readJobWithLedger,
  requireLedger,
} from "./ledger-location";
import { drainLogs, LogStreamer, logStreamName } from "./log-streamer";
import { familyOf, type LedgerRead } from "./options";
import { DEFAULT_LOG_DRAIN_MS, DEFAULT_POLL_INTERVAL_MS } from "./run-job";
import type { RunnerDeps } from "./runner-deps";
import { readRuns, type RunSelection } from "./run-ledger";
import { RunnerError } from "./runner-error";
import { runnerTuning } from "./runner-tuning";
import { SignalWatch } from "./signal-watch";
import { taskEnd } from "./task-state";

/** What `ecs-batch logs` is asked for; `since` is how far back the ledger is searched. */
export interface LogsRequest extends LedgerRead {
  readonly job: string;
  /** The run's task; undefined for the job's last run. */
  readonly taskId?: string;
  /** Read on while the task runs, until it stops. */
  readonly follow: boolean;
}

/** The run whose log is printed, as the ledger or ECS knows it. */
interface LogTarget {
  readonly taskId: string;
  readonly taskArn: string;
  /** The task's cluster, to ask ECS whether it still runs. */
  readonly cluster: string;
  readonly container: string;
  readonly running: boolean;
  /** One line on the run, printed before its log. */
  readonly summary?: string;
  /** Where its log is; undefined when it has none, and `noStream` says why. */
  readonly stream?: { readonly logGroupName: string; readonly logStreamName: string };
  readonly noStream?: string;
  /** Whether the ledger or ECS knows the run; else only its log stream can tell it existed. */
  readonly known: boolean;
}

/** How many runs the ledger query for a job's last run reads. */
const RUNS_READ_FOR_THE_LAST = 10;
/** How long a follow that cannot ask ECS waits between two looks at the ledger. */
const LEDGER_CHECK_MS = 30_000;
/** The task was running when the follow began: its STOPPED record is newer than that, give or
 * take the clocks of ECS, EventBridge and this host. */
const LEDGER_CLOCK_MARGIN_MS = 10 * 60_000;

/**
 * Prints the container log of one run of a job: its last run in the ledger, or the task asked
 * for; with `follow`, reads on while the task runs and returns once it stopped and its last lines
 * are read. Returns the exit code: 0 once the run was found (whether or not it has a log).
 */
export async function showRunLogs(
  request: LogsRequest,
  deps: CliDeps,
  reporter: ConsoleReporter,
): Promise<number> {
  const tuning = runnerTuning(deps.env);
  const ssm = await deps.createSsmClient({ region: request.region });
  const job = await readJobWithLedger(ssm, request.prefix, request.job);
  if (request.taskId === undefined) {
    requireLedger(job);
  }
  const { ecs, logs } = await deps.createTaskClients({
    region: request.region ?? job.spec.region,
  });
  const status = (message: string) => reporter.status(message);
  const watch = new SignalWatch(deps.signals, deps.sleep, status);
  const ledgerDeps: InsightsQueryDeps = {
    logs,
    watch,
    now: deps.now,
    random: deps.random,
    status,
    timeoutMs: request.timeoutMs,
  };
  const ledgerRun: LedgerRun = async (ledger, selection, since) => {
    const outcome = await readRuns(
      {
        logGroupNames: [ledger.logGroupName],
        selection,
        since,
        until: deps.now(),
        // The newest records of the job may all be stops of runs that started before its last
        // run: reading those of a few runs finds the one that started last.
        limit: selection.taskId !== undefined ? 1 : RUNS_READ_FOR_THE_LAST,
      },
      ledgerDeps,
    );
    if (outcome.kind === "signalled") {
      return outcome;
    }
    // One task's records are few: only the search for the last run can miss one.
    for (const reason of selection.taskId === undefined ? outcome.incomplete : []) {
      status(`the run ledger may have a newer run: ${reason}`);
    }
    return { kind: "run", run: outcome.runs[0] };
  };
  const signalled = (signal: NodeJS.Signals, what: string) => {
    status(`received ${signal}: ${what}`);
    return signalExitCode(signal);
  };
  try {
    const found = await findRun(request, job, ecs, ledgerRun);
    if (found.kind === "signalled") {
      return signalled(found.signal, "stopped the query");
    }
    const target = found.target;
    if (target.summary !== undefined) {
      status(target.summary);
    }
    if (target.stream === undefined) {
      status(target.noStream ?? `task ${target.taskId} has no log stream`);
      return EXIT_CODES.success;
    }
    const streamer = new LogStreamer(
      logs,
      target.stream.logGroupName,
      target.stream.logStreamName,
      reporter,
      { onLastingError: "throw" },
    );
    if (!(request.follow && target.running)) {
      await streamer.readToEnd();
      if (!streamer.found && !target.known) {
        throw new RunnerError(
          `job ${request.job} has no run with task id ${target.taskId}: neither the run ledger nor ECS knows it, and ${target.stream.logGroupName} has no stream ${target.stream.logStreamName}`,
          { hint: `list the job's runs and their task ids: ecs-batch history ${request.job}` },
        );
      }
      streamer.reportIfNeverFound();
      if (target.running) {
        status(`task ${target.taskId} is still running: --follow reads on until it stops`);
      }
      return EXIT_CODES.success;
    }
    const end = new TaskEndWatch(target, ecs, job.ledger, ledgerRun, status, deps.now);
    const outcome = await follow(streamer, end, {
      ...tuning,
      watch,
      now: deps.now,
      random: deps.random,
    });
    if (outcome.kind === "signalled") {
      return signalled(outcome.signal, `stopped following task ${target.taskId} (it goes on)`);
    }
    status(outcome.description);
    return EXIT_CODES.success;
  } finally {
    watch.dispose();
  }
}

/** What {@link follow} needs from the world. */
interface FollowDeps extends Pick<RunnerDeps, "pollIntervalMs" | "logDrainMs"> {
  readonly watch: SignalWatch;
  readonly now: () => number;
  readonly random: () => number;
}

/**
 * Reads a running task's log as it is written, with backoff while nothing comes, until the task
 * stopped and its last lines are read; or until a signal.
 */
async function follow(
  streamer: LogStreamer,
  end: TaskEndWatch,
  deps: FollowDeps,
): Promise<Exclude<TaskState, { readonly kind: "running" }>> {
  const { watch, now, random } = deps;
  const poll = deps.pollIntervalMs ?? DEFAULT_POLL_INTERVAL_MS;
  for (let idle = 0; ;) {
    const count = await streamer.readAvailable();
    const state = await end.check();
    if (state.kind === "signalled") {
      return state;
    }
    if (state.kind === "stopped") {
      await drainLogs(streamer, {
        now,
        sleep: (ms) => watch.sleep(ms),
        logDrainMs: deps.logDrainMs ?? DEFAULT_LOG_DRAIN_MS,
        pollMs: poll.initial,
        interrupted: () => watch.signal !== undefined,
      });
      streamer.reportIfNeverFound();
      return state;
    }
    idle = count > 0 ? 0 : idle + 1;
    await watch.sleep(backoffDelay(idle, poll, random));
    if (watch.signal !== undefined) {
      return { kind: "signalled", signal: watch.signal };
    }
  }
}

/** Reads the newest run the selection finds in a ledger, or the signal that stopped the query. */
type LedgerRun = (
  ledger: LedgerLocation,
  selection: RunSelection,
  since: number,
) => Promise<
  | { readonly kind: "run"; readonly run?: RunRecord }
  | { readonly kind: "signalled"; readonly signal: NodeJS.Signals }
>;

type Found =
  | { readonly kind: "found"; readonly target: LogTarget }
  | { readonly kind: "signalled"; readonly signal: NodeJS.Signals };

/**
 * The run to print: the job's last run in the ledger, or the task asked for, from the ledger, else
 * from ECS (which knows a task until about an hour after it stopped), else only by its log stream.
 */
async function findRun(
  request: LogsRequest,
  job: JobWithLedger,
  ecs: ECSClient,
  ledgerRun: LedgerRun,
): Promise<Found> {
  const { taskId } = request;
  if (job.ledger !== undefined) {
    const answer = await ledgerRun(job.ledger, { job: request.job, taskId }, request.since);
    if (answer.kind === "signalled") {
      return answer;
    }
    if (answer.run !== undefined) {
      return { kind: "found", target: targetOfRecord(answer.run) };
    }
    if (taskId === undefined) {
      throw new RunnerError(
        `no runs of ${request.job} in the run ledger since ${new Date(request.since).toISOString()}`,
        { hint: "a longer --since looks further back, e.g. --since 90d" },
      );
    }
  }
  return { kind: "found", target: await targetOfTask(job, taskId ?? "", ecs) };
}

function targetOfRecord(run: RunRecord): LogTarget {
  const neverStarted = run.status === "STOPPED" && run.startedAt === undefined;
  const stream =
    run.logGroupName !== undefined && run.logStreamName !== undefined && !neverStarted
      ? { logGroupName: run.logGroupName, logStreamName: run.logStreamName }
      : undefined;
  const started = run.startedAt !== undefined ? `, started ${run.startedAt}` : "";
  const exit = run.exitCode !== undefined ? `, exit ${run.exitCode}` : "";
  return {
    taskId: run.taskId,
    taskArn: run.taskArn,
    cluster: run.clusterArn,
    container: run.container,
    running: run.status === "RUNNING",
    summary: `task ${run.taskId} of ${run.job}: ${resultOf(run)}${exit}${started} (${starterOf(run)})`,
    ...(stream !== undefined ? { stream } : { noStream: noStreamReason(run) }),
    known: true,
  };
}

function noStreamReason(run: RunRecord): string {
  if (run.status === "STOPPED" && run.startedAt === undefined) {
    return neverStartedReason(run.taskId, [run.stopCode, run.stoppedReason]);
  }
  return (
    `the run record of task ${run.taskId} names no log stream: container ${run.container} does ` +
    "not log with awslogs (with a FireLens log router, its log is at the router's destination)"
  );
}

function neverStartedReason(taskId: string, why: readonly (string | undefined)[]): string {
  const text = why.filter(Boolean).join(": ");
  return `task ${taskId} never started${text !== "" ? ` (${text})` : ""}, so it has no log`;
}

/** The task asked for, as ECS knows it, with the log stream the job's parameter names. */
async function targetOfTask(
  job: JobWithLedger,
  taskId: string,
  ecs: ECSClient,
): Promise<LogTarget> {
  const { spec } = job;
  const stream = {
    logGroupName: spec.logGroupName,
    logStreamName: logStreamName(
      { logGroupName: spec.logGroupName, streamPrefix: spec.logStreamPrefix },
      spec.containerName,
      taskId,
    ),
  };
  let task: Task | undefined;
  try {
    const response = await ecs.send(
      new DescribeTasksCommand({ cluster: spec.cluster, tasks: [taskId] }),
    );
    task = response.tasks?.[0];
  } catch (error) {
    throw RunnerError.ofAwsCall(`cannot describe task ${taskId}`, error);
  }
  const base = {
    taskId,
    cluster: spec.cluster,
    container: spec.containerName,
  };
  if (task === undefined) {
    // ECS forgets a task about an hour after it stopped: its log stream may still be there.
    return { ...base, taskArn: taskId, running: false, stream, known: false };
  }
  const family = familyOf(task.taskDefinitionArn);
  if (family !== spec.taskDefinitionFamily) {
    throw new RunnerError(
      `task ${taskId} is not a run of ${spec.job}: it runs task definition ${task.taskDefinitionArn}`,
    );
  }
  const neverStarted = task.lastStatus === "STOPPED" && task.startedAt === undefined;
  return {
    ...base,
    taskArn: task.taskArn ?? taskId,
    running: task.lastStatus !== "STOPPED",
    summary: `task ${taskId} of ${spec.job}: ${task.lastStatus ?? "status unknown"} (ECS; not in the run ledger)`,
    ...(neverStarted
      ? { noStream: neverStartedReason(taskId, [task.stopCode, task.stoppedReason]) }
      : { stream }),
    known: true,
  };
}

/** Whether a followed task has stopped, and how it ended. */
type TaskState =
  | { readonly kind: "running" }
  | { readonly kind: "stopped"; readonly description: string }
  | { readonly kind: "signalled"; readonly signal: NodeJS.Signals };

/**
 * Tells when a followed task stops: DescribeTasks says STOPPED, or ECS no longer knows the task;
 * when ECS cannot be asked (access denied), the task's STOPPED record in the ledger, looked for
 * every {@link LEDGER_CHECK_MS}.
 */
class TaskEndWatch {
  private ecsFailing = false;
  private ledgerCheckedAt?: number;
  private readonly followedSince: number;

  constructor(
    private readonly target: LogTarget,
    private readonly ecs: ECSClient,
    private readonly ledger: LedgerLocation | undefined,
    private readonly ledgerRun: LedgerRun,
    private readonly status: (message: string) => void,
    private readonly now: () => number,
  ) {
    this.followedSince = now();
  }

  async check(): Promise<TaskState> {
    const { target } = this;
    let task: Task | undefined;
    try {
      const response = await this.ecs.send(
        new DescribeTasksCommand({ cluster: target.cluster, tasks: [target.taskArn] }),
      );
      task = response.tasks?.[0];
    } catch (error) {
      return this.askTheLedger(error);
    }
    this.ecsFailing = false;
    if (task === undefined) {
      return {
        kind: "stopped",
        description: `ECS no longer knows task ${target.taskId}: it stopped`,
      };
    }
    if (task.lastStatus !== "STOPPED") {
      return { kind: "running" };
    }
    const end = taskEnd(task, target.container);
    const how =
      end.kind === "exited"
        ? `container ${target.container} exited ${end.exitCode}`
        : `no exit code for container ${target.container}: ${end.reason}`;
    return { kind: "stopped", description: `task ${target.taskId} stopped: ${how}` };
  }

  private async askTheLedger(error: unknown): Promise<TaskState> {
    if (isTransientAwsError(error)) {
      return { kind: "running" };
    }
    if (this.ledger === undefined) {
      throw RunnerError.ofAwsCall(`cannot follow task ${this.target.taskId}`, error);
    }
    if (!this.ecsFailing) {
      this.status(
        `cannot ask ECS about task ${this.target.taskId} (${awsErrorText(error)}): watching the run ledger for its end instead`,
      );
      this.ecsFailing = true;
    }
    const now = this.now();
    if (this.ledgerCheckedAt !== undefined && now - this.ledgerCheckedAt < LEDGER_CHECK_MS) {
      return { kind: "running" };
    }
    this.ledgerCheckedAt = now;
    const answer = await this.ledgerRun(
      this.ledger,
      { taskId: this.target.taskId },
      this.followedSince - LEDGER_CLOCK_MARGIN_MS,
    );
    if (answer.kind === "signalled") {
      return answer;
    }
    return answer.run?.status === "STOPPED"
      ? {
          kind: "stopped",
          description: `task ${this.target.taskId} stopped: ${resultOf(answer.run)}${answer.run.exitCode !== undefined ? `, exit ${answer.run.exitCode}` : ""} (run ledger)`,
        }
      : { kind: "running" };
  }
}
