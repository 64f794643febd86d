import { AccessDeniedException } from "@aws-sdk/client-ecs";
// The SDK's credential provider errors (a dependency of the SDK clients, pinned by the lockfile).
import { CredentialsProviderError } from "@smithy/core/config";
import { runnerTuning } from "../../runner/runner-tuning";
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
    expect(run.stdout).toMatch(/history \[options\] \[job\]/);
    expect(run.stdout).toMatch(/logs \[options\] <job>/);
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

  test.each([
    ["history", /^ {2}ecs-batch history --all --env prod --since 24h$/m],
    ["logs", /^ {2}ecs-batch logs nightly-report --env prod --follow$/m],
  ])("%s --help describes it, its exit codes and examples, exit 0", async (command, example) => {
    const run = await runFakeCli([command, "--help"]);

    expect(run.exitCode).toBe(0);
    expect(run.stdout).toMatch(new RegExp(`^Usage: ecs-batch ${command} \\[options\\]`));
    expect(run.stdout).toMatch(/run ledger/);
    expect(run.stdout).toMatch(/^Exit codes: 0 /m);
    expect(run.stdout).toMatch(/^Examples:$/m);
    expect(run.stdout).toMatch(example);
    expect(ssmMock.calls()).toEqual([]);
  });

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
    expect(deps.ecs).toBe(run.taskClients[0].ecs);
    expect(deps.logs).toBe(run.taskClients[0].logs);
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

  test("an SDK error the runner did not wrap exits 125 too, saying what it means and what to do", async () => {
    const noCredentials = new CredentialsProviderError(
      "Could not load credentials from any providers",
      { tryNextLink: false },
    );
    const run = await runFakeCli([...RUN, "--json"], { outcome: noCredentials });

    expect(run.exitCode).toBe(125);
    const hint =
      "give ecs-batch credentials: the host's instance role, AWS_PROFILE=<profile> (aws sso login first, for SSO), or AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY";
    expect(run.stderr).toBe(
      `2026-11-23T03:00:05.123Z ecs-batch: error: no AWS credentials found\n2026-11-23T03:00:05.123Z ecs-batch: hint: ${hint}\n`,
    );
    expect(JSON.parse(run.stdout)).toEqual({
      job: "nightly-report",
      result: "runner-error",
      error: "no AWS credentials found",
      hint,
    });
  });

  test("the hint reads the process environment: AWS_PROFILE", async () => {
    const noCredentials = new CredentialsProviderError(
      "Could not load credentials from any providers",
    );
    const run = await runFakeCli(RUN, { outcome: noCredentials, env: { AWS_PROFILE: "batch" } });

    expect(run.stderr).toContain(
      "error: no AWS credentials found for profile batch (AWS_PROFILE)\n",
    );
  });

  describe("access denied names the runner policy of the job's environment", () => {
    const denied = RunnerError.ofAwsCall(
      "RunTask failed",
      new AccessDeniedException({
        message:
          "User: arn:aws:sts::123456789012:assumed-role/batch-scheduler/i-0123456789abcdef0 is not authorized to perform: ecs:RunTask on resource: arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report:7 because no identity-based policy allows the ecs:RunTask action",
        $metadata: { httpStatusCode: 400 },
      }),
    );
    const hintOf = (stderr: string) => /ecs-batch: hint: (.*)\n$/.exec(stderr)?.[1];

    test("run --env prod: prod-ecs-batch-runner", async () => {
      const run = await runFakeCli(RUN, { outcome: denied });

      expect(run.exitCode).toBe(125);
      expect(run.stderr).toContain(
        "ecs-batch: error: RunTask failed: access denied: role batch-scheduler may not ecs:RunTask on arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report:7 (no identity-based policy allows it)\n",
      );
      expect(hintOf(run.stderr)).toBe(
        "attach the policy prod-ecs-batch-runner (output runner-policy-arn of stack prod) to role batch-scheduler: it allows ecs:RunTask for the prod jobs",
      );
    });

    test("run --parameter-prefix of an environment: that environment's", async () => {
      parameterHolds("/ecs-batch/stg/nightly-report");
      const run = await runFakeCli(
        ["run", "nightly-report", "--parameter-prefix", "/ecs-batch/stg"],
        { outcome: denied },
      );

      expect(hintOf(run.stderr)).toMatch(/^attach the policy stg-ecs-batch-runner /);
    });

    test("run-task: the runner policy of whichever environment, or runnerPolicy(jobs)", async () => {
      const run = await runFakeCli(["run-task", "--cli-input-json", "run-task.json"], {
        outcome: denied,
        files: {
          "run-task.json": JSON.stringify({ cluster: "batch", taskDefinition: "nightly-report" }),
        },
      });

      expect(run.exitCode).toBe(125);
      expect(hintOf(run.stderr)).toBe(
        "attach the runner policy of the job's environment, <env>-ecs-batch-runner (output runner-policy-arn), to role batch-scheduler; for jobs outside an environment, one made by runnerPolicy(jobs)",
      );
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
