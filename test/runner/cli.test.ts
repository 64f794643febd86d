import { runnerTuning } from "../../runner/cli";
import { RunnerError } from "../../runner/runner-error";
import { NOW, parameterHolds, runFakeCli, ssmMock, SUCCEEDED, TASK_ARN } from "./fake-cli";

const RUN = ["run", "nightly-report", "--env", "prod"];

beforeEach(() => {
  ssmMock.reset();
  parameterHolds("/ecs-batch/prod/nightly-report");
});

describe("ecs-batch", () => {
  test("--help describes the commands and the exit codes, exit 0", async () => {
    const run = await runFakeCli(["--help"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(/^Usage: ecs-batch \[options\] \[command\]/);
    expect(run.stdout).toMatch(/run \[options\] <job>/);
    expect(run.stdout).toMatch(/run-task \[options\]/);
    expect(run.stdout).toMatch(/121 +the task never ran the job's container/);
    expect(run.stdout).toMatch(/129, 130, 143 +SIGHUP, SIGINT, SIGTERM received/);
    expect(run.stderr).toBe("");
  });

  test.each([["run"], ["run-task"]])(
    "%s --help has a cron line and a Hinemos call",
    async (command) => {
      const run = await runFakeCli([command, "--help"]);

      expect(run.exitCode).toBe(0);
      expect(run.stdout).toMatch(/^Examples:$/m);
      expect(run.stdout).toMatch(/^ {2}\d+ [\d*]+ \* \* \* \/usr\/local\/bin\/ecs-batch /m);
      expect(run.stdout).toMatch(/# Hinemos command job/);
      expect(run.requests).toEqual([]);
    },
  );

  test("--version prints the package version", async () => {
    const run = await runFakeCli(["--version"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe("1.2.3\n");
  });

  test.each([
    { argv: [], says: /Usage: ecs-batch/ },
    { argv: ["start", "nightly-report"], says: /error: unknown command 'start'/ },
    { argv: [...RUN, "extra"], says: /error: too many arguments for 'run'/ },
    { argv: [...RUN, "--no-such-option"], says: /error: unknown option '--no-such-option'/ },
  ])("bad arguments $argv exit 2", async ({ argv, says }) => {
    const run = await runFakeCli(argv);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toMatch(says);
    expect(run.requests).toEqual([]);
  });

  test("exits with the outcome's exit code and closes with a status line", async () => {
    const failed = { ...SUCCEEDED, exitCode: 3, result: "failed" as const, containerExitCode: 3 };
    const run = await runFakeCli(RUN, { outcome: failed });

    expect(run.exitCode).toBe(3);
    expect(run.stderr).toBe(
      `2026-11-23T03:00:05.123Z ecs-batch: failed: container app exited 3 (exit 3; task ${TASK_ARN}; 1 attempt; 1m33s)\n`,
    );
  });

  test("gives runJob the task clients, a console reporter and the world", async () => {
    const run = await runFakeCli(RUN, {
      outcome: (deps) => {
        deps.reporter.status("task 0123456789abcdef0: RUNNING");
        deps.reporter.logLine("report written", Date.parse("2026-11-23T03:01:00.000Z"));
        return SUCCEEDED;
      },
    });

    const [deps] = run.runnerDeps;
    expect(deps.ecs).toEqual({});
    expect(deps.logs).toEqual({});
    expect(deps.now()).toBe(NOW);
    expect(deps.random()).toBe(0.5);
    expect(deps.pollIntervalMs).toBeUndefined();
    expect(deps.logDrainMs).toBeUndefined();
    expect(run.stdout).toBe("2026-11-23T03:01:00.000Z report written\n");
    expect(run.stderr).toMatch(
      /^2026-11-23T03:00:05.123Z ecs-batch: task 0123456789abcdef0: RUNNING\n2026-11-23T03:00:05.123Z ecs-batch: succeeded: /,
    );
  });

  test("a RunnerError of the run exits 125 with its message", async () => {
    const run = await runFakeCli(RUN, {
      outcome: new RunnerError("RunTask failed: AccessDeniedException: not authorized"),
    });

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toBe(
      "2026-11-23T03:00:05.123Z ecs-batch: error: RunTask failed: AccessDeniedException: not authorized\n",
    );
  });

  test("any other error exits 125 too, named as the AWS CLI names it", async () => {
    const noCredentials = Object.assign(
      new Error("Could not load credentials from any providers"),
      {
        name: "CredentialsProviderError",
      },
    );
    const run = await runFakeCli([...RUN, "--json"], { outcome: noCredentials });

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      /ecs-batch: error: CredentialsProviderError: Could not load credentials from any providers\n$/,
    );
    expect(JSON.parse(run.stdout)).toEqual({
      job: "nightly-report",
      result: "runner-error",
      error: "CredentialsProviderError: Could not load credentials from any providers",
    });
  });

  test("--json prints the outcome and the job as one JSON line", async () => {
    const run = await runFakeCli([...RUN, "--json"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toBe(`${JSON.stringify({ job: "nightly-report", ...SUCCEEDED })}\n`);
  });

  test("the tuning variables set the runner's polling and log drain", async () => {
    const run = await runFakeCli(RUN, {
      env: {
        ECS_BATCH_POLL_INITIAL_MS: "50",
        ECS_BATCH_POLL_MAX_MS: "200",
        ECS_BATCH_LOG_DRAIN_MS: "100",
      },
    });

    expect(run.runnerDeps[0].pollIntervalMs).toEqual({ initial: 50, max: 200 });
    expect(run.runnerDeps[0].logDrainMs).toBe(100);
  });

  test("an invalid tuning variable exits 125 before anything starts", async () => {
    const run = await runFakeCli(RUN, { env: { ECS_BATCH_LOG_DRAIN_MS: "10s" } });

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toMatch(
      "ECS_BATCH_LOG_DRAIN_MS='10s' is not valid: it must be a whole number of ms, 1 or more",
    );
    expect(run.requests).toEqual([]);
  });
});

describe("runnerTuning", () => {
  test("is empty without the variables", () => {
    expect(runnerTuning({})).toEqual({});
  });

  test.each([
    [{ ECS_BATCH_POLL_INITIAL_MS: "50" }],
    [{ ECS_BATCH_POLL_INITIAL_MS: "500", ECS_BATCH_POLL_MAX_MS: "200" }],
  ])("needs both polling bounds, in order: %j", (env) => {
    expect(() => runnerTuning(env)).toThrow(
      "set ECS_BATCH_POLL_INITIAL_MS and ECS_BATCH_POLL_MAX_MS together, the first no larger than the second",
    );
  });

  test("rejects a zero", () => {
    expect(() => runnerTuning({ ECS_BATCH_LOG_DRAIN_MS: "0" })).toThrow(RunnerError);
  });
});
