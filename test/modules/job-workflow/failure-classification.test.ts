import {
  causeBindings,
  classifyChoice,
  failureExpression,
} from "../../../modules/job-workflow/failure-classification";
import { block, expr } from "../../../modules/job-workflow/jsonata";
import { JobVariables, jobVariables, stateNames } from "../../../modules/job-workflow/state-names";
import { WorkflowJobRun } from "../../../modules/job-workflow/workflow-job";
import {
  AslState,
  CONTEXT,
  evaluate,
  jsonataOf,
  NIGHTLY,
  stoppedTask,
  throughJson,
} from "./workflow-fixtures";

// extract (index 0): no exit retries, 3 start retries; load (index 1): 2 exit retries, 10 s x 1.5.
const [EXTRACT, LOAD] = NIGHTLY.jobs;
const names = stateNames("extract");
/** Where a job goes once it gave up: its first notice, as when a topic is given. */
const GAVE_UP = names.notify;

function choiceOf(job: WorkflowJobRun, vars: JobVariables): AslState {
  return throughJson<AslState>(classifyChoice(job, stateNames(job.name), vars, GAVE_UP));
}

describe("classifyChoice", () => {
  it("gives up on a timeout, retries exit and start failures within their budgets", () => {
    const choice = choiceOf(EXTRACT, jobVariables(0));
    expect(choice.Type).toBe("Choice");
    expect(choice.Choices!.map((c) => [c.Condition, c.Next])).toEqual([
      ["{% $failure_0.kind = 'timeout' %}", GAVE_UP],
      ["{% $failure_0.kind = 'exit' and $exitRetries_0 < 0 %}", "Wait to retry extract"],
      ["{% $failure_0.kind = 'exit' %}", GAVE_UP],
      ["{% $failure_0.kind = 'start' and $startRetries_0 < 3 %}", "Wait to retry extract"],
    ]);
    expect(choice.Default).toBe(GAVE_UP);
  });

  it("counts the retry and computes its wait: interval x backoffRate ^ retries made", () => {
    const choice = choiceOf(LOAD, jobVariables(1));
    expect(choice.Choices![1]).toEqual({
      Condition: "{% $failure_1.kind = 'exit' and $exitRetries_1 < 2 %}",
      Assign: {
        exitRetries_1: "{% $exitRetries_1 + 1 %}",
        retryDelay_1: "{% $min([$round(10 * $power(1.5, $exitRetries_1)), 86400]) %}",
      },
      Next: "Wait to retry load",
    });
    expect(choice.Choices![3]).toEqual({
      Condition: "{% $failure_1.kind = 'start' and $startRetries_1 < 3 %}",
      Assign: {
        startRetries_1: "{% $startRetries_1 + 1 %}",
        retryDelay_1: "{% $min([$round(60 * $power(2, $startRetries_1)), 86400]) %}",
      },
      Next: "Wait to retry load",
    });
  });
});

describe("failureExpression", () => {
  it("reads the error, the stopped task's containers and the job container's exit code", () => {
    const failure = failureExpression("extract");
    for (const part of [
      "$states.errorOutput.Error",
      "'States.Timeout'",
      "$parse($text)",
      '= "extract"]',
      "$task.Containers",
      "$task.containers",
      "ExitCode",
      "exitCode",
      "StopCode",
      "StoppedReason",
    ]) {
      expect(failure).toContain(part);
    }
  });
});

describe("causeBindings", () => {
  it("says in words how each kind of failure went, with the job's own timeout", () => {
    const what = jsonataOf(expr(block(causeBindings(LOAD, jobVariables(1)))));
    expect(what).toContain("$f := $failure_1");
    for (const part of [
      "timed out after 1800 s and was stopped",
      "exited with code ",
      "exited 0, but its task failed: ",
      "failed to start: ",
      "could not be started: ",
    ]) {
      expect(what).toContain(part);
    }
  });
});

/**
 * Evaluates the classification against sample failures with the `jsonata` package, the language
 * Step Functions runs: the failure the Catch stores, the Choice rule that holds, and the cause.
 */
describe("the classification, evaluated", () => {
  async function classify(
    errorOutput: object,
    counters = { start: 0, exit: 0 },
    job: WorkflowJobRun = EXTRACT,
    vars: JobVariables = jobVariables(0),
  ) {
    const failure = await evaluate(expr(failureExpression(job.run.container!.name)), {
      states: { errorOutput, context: CONTEXT },
    });
    const bindings = {
      states: { context: CONTEXT },
      [vars.startRetries]: counters.start,
      [vars.exitRetries]: counters.exit,
      [vars.failure]: failure,
    };
    const what = await evaluate(expr(block([...causeBindings(job, vars), "$what"])), bindings);
    const choice = choiceOf(job, vars);
    for (const rule of choice.Choices!) {
      if (await evaluate(rule.Condition, bindings)) {
        const assigned: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(rule.Assign ?? {})) {
          assigned[name] = await evaluate(value, bindings);
        }
        return { failure, next: rule.Next, assigned, what };
      }
    }
    return { failure, next: choice.Default, assigned: {}, what };
  }

  it("treats a non-zero exit of the job's container as an exit failure, beside a sidecar's 0", async () => {
    const result = await classify({
      Error: "States.TaskFailed",
      Cause: stoppedTask([
        { Name: "extract", ExitCode: 3 },
        { Name: "log-router", ExitCode: 0 },
      ]),
    });
    expect(result.failure).toMatchObject({ kind: "exit", exitCode: 3 });
    // extract has no exit retries: it gives up
    expect(result.next).toBe(GAVE_UP);
    expect(result.what).toBe("exited with code 3");
  });

  it("retries an exit failure with backoff while the job's exit budget lasts", async () => {
    const exit = {
      Error: "States.TaskFailed",
      Cause: stoppedTask([{ Name: "load", ExitCode: 1 }]),
    };
    const second = await classify(exit, { start: 0, exit: 1 }, LOAD, jobVariables(1));
    expect(second.next).toBe(stateNames("load").waitToRetry);
    // 10 s x 1.5 ^ 1, rounded half to even
    expect(second.assigned).toEqual({ exitRetries_1: 2, retryDelay_1: 15 });
    const third = await classify(exit, { start: 0, exit: 2 }, LOAD, jobVariables(1));
    expect(third.next).toBe(GAVE_UP);
  });

  it("treats a sidecar's exit 137 beside the job container's 0 as a start failure", async () => {
    const result = await classify(
      {
        Error: "States.TaskFailed",
        Cause: stoppedTask([
          { Name: "extract", ExitCode: 0 },
          { Name: "log-router", ExitCode: 137, Reason: "OutOfMemoryError" },
        ]),
      },
      { start: 1, exit: 0 },
    );
    expect(result.failure).toMatchObject({ kind: "start", exitCode: 0 });
    expect(result.next).toBe(names.waitToRetry);
    // the second start retry: 60 s x 2 ^ 1
    expect(result.assigned).toEqual({ startRetries_0: 2, retryDelay_0: 120 });
    expect(result.what).toBe(
      "exited 0, but its task failed: EssentialContainerExited: Essential container in task exited (log-router exited with code 137)",
    );
  });

  it("treats a task that failed to start, without exit codes, as a start failure", async () => {
    const cause = stoppedTask([{ Name: "extract" }], {
      StopCode: "TaskFailedToStart",
      StoppedReason: "CannotPullContainerError: pull access denied",
    });
    const first = await classify({ Error: "States.TaskFailed", Cause: cause });
    expect(first.failure).toMatchObject({ kind: "start", stopCode: "TaskFailedToStart" });
    expect(first.next).toBe(names.waitToRetry);
    expect(first.assigned).toEqual({ startRetries_0: 1, retryDelay_0: 60 });

    const last = await classify(
      { Error: "States.TaskFailed", Cause: cause },
      { start: 3, exit: 0 },
    );
    expect(last.next).toBe(GAVE_UP);
    expect(last.what).toBe(
      "failed to start: TaskFailedToStart: CannotPullContainerError: pull access denied",
    );
  });

  it("does not retry a timeout", async () => {
    const result = await classify({ Error: "States.Timeout", Cause: null });
    expect(result.failure).toEqual({ error: "States.Timeout", kind: "timeout" });
    expect(result.next).toBe(GAVE_UP);
    expect(result.what).toBe("timed out after 3600 s and was stopped");
  });

  it("keeps the text of an ECS API error, which has no task, and retries it as a start failure", async () => {
    const result = await classify({
      Error: "ECS.AmazonECSException",
      Cause: "Rate exceeded (Service: AmazonECS; Status Code: 400)",
    });
    expect(result.failure).toEqual({
      error: "ECS.AmazonECSException",
      kind: "start",
      cause: "Rate exceeded (Service: AmazonECS; Status Code: 400)",
    });
    expect(result.next).toBe(names.waitToRetry);
    expect(result.what).toBe(
      "could not be started: ECS.AmazonECSException: Rate exceeded (Service: AmazonECS; Status Code: 400)",
    );
  });

  it("does not parse a Cause cut short, which $parse would fail the execution on", async () => {
    const cut = stoppedTask([{ Name: "extract", ExitCode: 3 }]).slice(0, 60);
    const result = await classify({ Error: "States.TaskFailed", Cause: cut });
    expect(result.failure).toEqual({ error: "States.TaskFailed", kind: "start", cause: cut });
  });

  it("reads camelCase task JSON too", async () => {
    const result = await classify({
      Error: "States.TaskFailed",
      Cause: JSON.stringify({
        taskArn: "arn:task",
        containers: [{ name: "extract", exitCode: 2 }],
      }),
    });
    expect(result.failure).toMatchObject({ kind: "exit", exitCode: 2, taskArn: "arn:task" });
  });
});
