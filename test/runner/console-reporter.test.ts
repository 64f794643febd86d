import { ConsoleReporter, describeOutcome } from "../../runner/console-reporter";
import type { RunOutcome } from "../../runner/run-job";

const NOW = Date.parse("2026-11-23T03:00:05.123Z");
const TASK_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/0123456789abcdef0";

const SUCCEEDED: RunOutcome = {
  exitCode: 0,
  result: "succeeded",
  taskArn: TASK_ARN,
  attempts: 1,
  container: "app",
  containerExitCode: 0,
  durationSeconds: 93,
};

function reporter(options: { json?: boolean; quiet?: boolean } = {}) {
  const out = { stdout: "", stderr: "" };
  const instance = new ConsoleReporter({
    stdout: { write: (text: string) => (out.stdout += text) },
    stderr: { write: (text: string) => (out.stderr += text) },
    now: () => NOW,
    ...options,
  });
  return { reporter: instance, out };
}

describe("ConsoleReporter", () => {
  test("writes status lines to stderr with an ISO timestamp and 'ecs-batch:'", () => {
    const { reporter: r, out } = reporter();
    r.status("task 0123456789abcdef0: PENDING at 2026-11-23T03:00:04.000Z");
    expect(out.stderr).toBe(
      "2026-11-23T03:00:05.123Z ecs-batch: task 0123456789abcdef0: PENDING at 2026-11-23T03:00:04.000Z\n",
    );
    expect(out.stdout).toBe("");
  });

  test("writes container log lines to stdout with their own timestamp", () => {
    const { reporter: r, out } = reporter();
    r.logLine("report written", Date.parse("2026-11-23T03:01:00.000Z"));
    r.logLine("done\n", Date.parse("2026-11-23T03:01:01.500Z"));
    expect(out.stdout).toBe(
      "2026-11-23T03:01:00.000Z report written\n2026-11-23T03:01:01.500Z done\n",
    );
    expect(out.stderr).toBe("");
  });

  test("prefixes every line of a multi-line log event", () => {
    const { reporter: r, out } = reporter();
    r.logLine("Traceback:\r\n  File main.py\n", Date.parse("2026-11-23T03:01:00.000Z"));
    expect(out.stdout).toBe(
      "2026-11-23T03:01:00.000Z Traceback:\n2026-11-23T03:01:00.000Z   File main.py\n",
    );
  });

  test("--quiet drops status lines but keeps log lines and errors", () => {
    const { reporter: r, out } = reporter({ quiet: true });
    r.status("task 0123456789abcdef0: RUNNING");
    r.logLine("working", NOW);
    r.error("RunTask failed: AccessDeniedException: not allowed");
    expect(out.stdout).toBe("2026-11-23T03:00:05.123Z working\n");
    expect(out.stderr).toBe(
      "2026-11-23T03:00:05.123Z ecs-batch: error: RunTask failed: AccessDeniedException: not allowed\n",
    );
  });

  test("an error's hint follows it on a line of its own, with --quiet too, and in the --json summary", () => {
    const quiet = reporter({ quiet: true });
    quiet.reporter.error("no AWS region is set", {}, "give one with --region <region>");
    expect(quiet.out.stderr).toBe(
      "2026-11-23T03:00:05.123Z ecs-batch: error: no AWS region is set\n" +
        "2026-11-23T03:00:05.123Z ecs-batch: hint: give one with --region <region>\n",
    );
    const json = reporter({ json: true });
    json.reporter.error("no AWS region is set", { job: "x" }, "give one with --region <region>");
    expect(JSON.parse(json.out.stdout)).toEqual({
      job: "x",
      result: "runner-error",
      error: "no AWS region is set",
      hint: "give one with --region <region>",
    });
  });

  test("--json keeps stdout for the summary: log lines go to stderr", () => {
    const { reporter: r, out } = reporter({ json: true });
    r.logLine("working", NOW);
    r.outcome(SUCCEEDED, { job: "nightly-report" });
    expect(out.stderr).toBe("2026-11-23T03:00:05.123Z working\n");
    expect(JSON.parse(out.stdout)).toEqual({ job: "nightly-report", ...SUCCEEDED });
    expect(out.stdout.trim().split("\n")).toHaveLength(1);
  });

  test("--json prints a summary for a runner error too", () => {
    const { reporter: r, out } = reporter({ json: true });
    r.error("job parameter /ecs-batch/prod/x does not exist", { job: "x" });
    expect(JSON.parse(out.stdout)).toEqual({
      job: "x",
      result: "runner-error",
      error: "job parameter /ecs-batch/prod/x does not exist",
    });
  });

  test("ends with a closing status line", () => {
    const { reporter: r, out } = reporter();
    r.outcome(SUCCEEDED);
    expect(out.stderr).toBe(
      `2026-11-23T03:00:05.123Z ecs-batch: succeeded: container app exited 0 (exit 0; task ${TASK_ARN}; 1 attempt; 1m33s)\n`,
    );
    expect(out.stdout).toBe("");
  });

  test("--quiet keeps the closing line only when the run did not succeed", () => {
    const quiet = reporter({ quiet: true });
    quiet.reporter.outcome(SUCCEEDED);
    quiet.reporter.outcome({ ...SUCCEEDED, exitCode: 3, result: "failed", containerExitCode: 3 });
    expect(quiet.out.stderr).toBe(
      `2026-11-23T03:00:05.123Z ecs-batch: failed: container app exited 3 (exit 3; task ${TASK_ARN}; 1 attempt; 1m33s)\n`,
    );
  });

  test("--no-wait prints the task ARN alone on stdout", () => {
    const { reporter: r, out } = reporter({ quiet: true });
    r.outcome({ exitCode: 0, result: "started", taskArn: TASK_ARN, attempts: 1 });
    expect(out.stdout).toBe(`${TASK_ARN}\n`);
    expect(out.stderr).toBe("");
  });
});

describe("describeOutcome", () => {
  test.each<[RunOutcome, string]>([
    [
      {
        exitCode: 121,
        result: "not-started",
        attempts: 3,
        container: "app",
        stopCode: "TaskFailedToStart",
        stoppedReason: "CannotPullContainerError: pull access denied",
      },
      "not-started: the task never ran the container app: TaskFailedToStart: CannotPullContainerError: pull access denied (exit 121; 3 attempts)",
    ],
    [
      {
        exitCode: 122,
        result: "no-exit-code",
        attempts: 1,
        taskArn: TASK_ARN,
        stopCode: "UserInitiated",
      },
      `no-exit-code: the task stopped without an exit code for the container: UserInitiated (exit 122; task ${TASK_ARN}; 1 attempt)`,
    ],
    [
      { exitCode: 124, result: "timed-out", attempts: 1, taskArn: TASK_ARN },
      `timed-out: --timeout expired: the task was stopped (exit 124; task ${TASK_ARN}; 1 attempt)`,
    ],
    [
      { exitCode: 143, result: "signalled", attempts: 1, signal: "SIGTERM", taskArn: TASK_ARN },
      `signalled: received SIGTERM: the task was stopped (exit 143; task ${TASK_ARN}; 1 attempt)`,
    ],
    [
      { exitCode: 0, result: "started", attempts: 1, taskArn: TASK_ARN },
      `started: task started; not waiting for it (--no-wait) (exit 0; task ${TASK_ARN}; 1 attempt)`,
    ],
  ])("describes %j", (outcome, text) => {
    expect(describeOutcome(outcome)).toBe(text);
  });
});
