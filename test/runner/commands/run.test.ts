import {
  GetParameterCommand,
  GetParametersByPathCommand,
  ParameterNotFound,
} from "@aws-sdk/client-ssm";
import { parameterHolds, runFakeCli, SPEC, ssmMock, STARTED_BY } from "../fake-cli";

const PARAMETER = "/ecs-batch/prod/nightly-report";
const RUN = ["run", "nightly-report", "--env", "prod"];

/** The RunTask input of the job's spec with no option given. */
const SPEC_INPUT = {
  cluster: SPEC.cluster,
  taskDefinition: "nightly-report",
  launchType: "FARGATE",
  platformVersion: "1.4.0",
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ["subnet-0123456789abcdef0"],
      securityGroups: ["sg-0123456789abcdef0"],
      assignPublicIp: "DISABLED",
    },
  },
  propagateTags: "TASK_DEFINITION",
  enableECSManagedTags: true,
  startedBy: STARTED_BY,
  // The runner policy lets ecs-batch stop only the tasks tagged with their job.
  tags: [{ key: "BatchJob", value: "nightly-report" }],
};
const SPEC_LOGS = {
  logGroupName: "/ecs-batch/prod/nightly-report",
  streamPrefix: "nightly-report",
};

beforeEach(() => {
  ssmMock.reset();
  parameterHolds(PARAMETER);
});

describe("ecs-batch run <job> --env <env>", () => {
  test("runs the family's latest revision as the job's SSM parameter describes it", async () => {
    const run = await runFakeCli(RUN);

    expect(run.exitCode).toBe(0);
    expect(ssmMock.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({ Name: PARAMETER });
    expect(run.requests).toEqual([
      {
        runTaskInput: SPEC_INPUT,
        containerName: "app",
        logs: SPEC_LOGS,
        wait: true,
        retries: 0,
        retryOnExitCode: false,
      },
    ]);
    // The parameter is read with the SDK's region; the task runs in the spec's.
    expect(run.ssmClientOptions).toEqual([{ region: undefined }]);
    expect(run.taskClientOptions).toEqual([{ region: "ap-northeast-1" }]);
  });

  test("builds the RunRequest of every option", async () => {
    const run = await runFakeCli([
      ...RUN,
      "--revision",
      "42",
      "--command",
      '["python","report.py","--date","2026-11-22"]',
      "--environment",
      "REPORT_DATE=2026-11-22",
      "--environment",
      "LOG_LEVEL=debug",
      "--started-by",
      "hinemos/nightly",
      "--tag",
      "hinemos-session=20261123030000-000",
      "--tag",
      "rerun=true",
      "--client-token",
      "hinemos-20261123030000-000",
      "--no-wait",
      "--timeout",
      "1h30m",
      "--container",
      "report",
      "--retries",
      "2",
      "--retry-on-exit-code",
      "--json",
      "--quiet",
      "--region",
      "eu-west-1",
    ]);

    expect(run.exitCode).toBe(0);
    expect(run.requests).toEqual([
      {
        runTaskInput: {
          ...SPEC_INPUT,
          taskDefinition: "nightly-report:42",
          startedBy: "hinemos/nightly",
          clientToken: "hinemos-20261123030000-000",
          tags: [
            { key: "hinemos-session", value: "20261123030000-000" },
            { key: "rerun", value: "true" },
            { key: "BatchJob", value: "nightly-report" },
          ],
          overrides: {
            containerOverrides: [
              {
                name: "report",
                command: ["python", "report.py", "--date", "2026-11-22"],
                environment: [
                  { name: "REPORT_DATE", value: "2026-11-22" },
                  { name: "LOG_LEVEL", value: "debug" },
                ],
              },
            ],
          },
        },
        containerName: "report",
        logs: SPEC_LOGS,
        wait: false,
        timeoutMs: 5_400_000,
        retries: 2,
        retryOnExitCode: true,
      },
    ]);
    expect(run.ssmClientOptions).toEqual([{ region: "eu-west-1" }]);
    expect(run.taskClientOptions).toEqual([{ region: "eu-west-1" }]);
    // --json: the summary alone on stdout; --quiet: no status line for a success.
    expect(JSON.parse(run.stdout)).toMatchObject({ job: "nightly-report", exitCode: 0 });
    expect(run.stderr).toBe("");
  });

  test("--deployed-revision runs the revision Terraform deployed", async () => {
    const run = await runFakeCli([...RUN, "--deployed-revision"]);

    expect(run.requests[0].runTaskInput.taskDefinition).toBe(SPEC.taskDefinitionArn);
  });

  test("--parameter-prefix reads the parameter under another path", async () => {
    parameterHolds("/batch/jobs/nightly-report");

    const run = await runFakeCli(["run", "nightly-report", "--parameter-prefix", "/batch/jobs/"]);

    expect(run.exitCode).toBe(0);
    expect(ssmMock.commandCalls(GetParameterCommand)[0].args[0].input).toEqual({
      Name: "/batch/jobs/nightly-report",
    });
  });

  test("a spec without propagateTags starts the task without it", async () => {
    // JSON.stringify leaves the key out, as Terraform's parameter does.
    parameterHolds(PARAMETER, { ...SPEC, propagateTags: undefined });

    const run = await runFakeCli(RUN);

    expect(run.requests[0].runTaskInput).not.toHaveProperty("propagateTags");
  });

  test("a spec whose propagateTags is null (chosen by a Terraform variable) starts the task without it", async () => {
    parameterHolds(PARAMETER, { ...SPEC, propagateTags: null });

    const run = await runFakeCli(RUN);

    expect(run.requests[0].runTaskInput).not.toHaveProperty("propagateTags");
  });

  test.each([
    { args: ["run", "nightly-report"], says: "error: give the job's environment with --env <env>" },
    {
      args: [...RUN, "--parameter-prefix", "/batch"],
      says: "error: option '--parameter-prefix <prefix>' cannot be used with option '--env <env>'",
    },
    {
      args: [...RUN, "--revision", "3", "--deployed-revision"],
      says: "error: option '--revision <n>' cannot be used with option '--deployed-revision'",
    },
    { args: [...RUN, "--revision", "0"], says: "'0' must be a whole number from 1 to 1000000" },
    {
      args: ["run", "nightly/report", "--env", "prod"],
      says: "a job name has letters, numbers and _ . -",
    },
    { args: ["run", "nightly-report", "--env", "pr od"], says: "an environment name has letters" },
    {
      args: ["run", "nightly-report", "--parameter-prefix", "ecs-batch/prod"],
      says: "an SSM parameter path starts with /",
    },
    {
      args: [...RUN, "--timeout", "90"],
      says: "option '--timeout <duration>' argument '90' is invalid",
    },
    { args: [...RUN, "--retries", "11"], says: "option '--retries <n>' argument '11' is invalid" },
    {
      args: [...RUN, "--retry-on-exit-code"],
      says: "--retry-on-exit-code needs --retries 1 or more",
    },
    { args: [...RUN, "--command", "python report.py"], says: "option '--command <json-array>'" },
    { args: [...RUN, "--environment", "LOG_LEVEL"], says: "'LOG_LEVEL' is not KEY=VALUE" },
    { args: [...RUN, "--tag", "aws:x=1"], says: "the prefix 'aws:' is reserved" },
    { args: [...RUN, "--container", "app.main"], says: "option '--container <name>'" },
    {
      args: [...RUN, "--client-token", "a b"],
      says: "a client token has 1 to 64 ASCII characters",
    },
    { args: [...RUN, "--started-by", "x".repeat(129)], says: "it must have 1 to 128 characters" },
    { args: [...RUN, "--region", "tokyo"], says: "an AWS region looks like ap-northeast-1" },
  ])("bad arguments exit 2 naming the rule: $says", async ({ args, says }) => {
    const run = await runFakeCli(args);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(says);
    expect(run.requests).toEqual([]);
  });

  test("--retry-on-exit-code for a job that is not safe to rerun exits 2", async () => {
    parameterHolds(PARAMETER, { ...SPEC, safeToRerun: false });

    const run = await runFakeCli([...RUN, "--retries", "1", "--retry-on-exit-code"]);

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(
      "error: --retry-on-exit-code: job 'nightly-report' is not safe to rerun (safeToRerun is false in its parameter)",
    );
    expect(run.requests).toEqual([]);
  });

  test("a missing parameter exits 125 naming it, and the job a typo meant", async () => {
    ssmMock.reset();
    ssmMock
      .on(GetParameterCommand)
      .rejects(new ParameterNotFound({ message: "", $metadata: { httpStatusCode: 400 } }));
    ssmMock.on(GetParametersByPathCommand, { Path: "/ecs-batch/prod" }).resolves({
      Parameters: [{ Name: PARAMETER, Value: JSON.stringify(SPEC) }],
    });

    const run = await runFakeCli([
      "run",
      "nightly-reprot",
      "--env",
      "prod",
      "--region",
      "ap-northeast-1",
    ]);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toBe(
      "2026-11-23T03:00:05.123Z ecs-batch: error: job parameter /ecs-batch/prod/nightly-reprot does not exist in ap-northeast-1\n" +
        "2026-11-23T03:00:05.123Z ecs-batch: hint: did you mean nightly-report? prod has 1 job: nightly-report\n",
    );
    expect(run.requests).toEqual([]);
  });

  test("an invalid spec exits 125 saying what is wrong", async () => {
    parameterHolds(PARAMETER, { ...SPEC, version: 2 });

    const run = await runFakeCli(RUN);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toContain(
      `error: job parameter ${PARAMETER} is not a valid job run spec: version 2 is not supported`,
    );
    expect(run.requests).toEqual([]);
  });
});
