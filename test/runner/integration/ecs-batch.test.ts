import {
  CloudWatchLogsClient,
  CreateLogGroupCommand,
  CreateLogStreamCommand,
  PutLogEventsCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { stringify } from "yaml";
import { EXIT_CODES, signalExitCode } from "../../../runner/exit-codes";
import { spawn } from "node:child_process";
import { BUILT_CLI, TASK_ARN, expectExitCode, runCli, startCli } from "./cli-process";
import {
  BatchFixture,
  CLUSTER_NAME,
  ENVIRONMENT,
  JOB_NAME,
  LOG_GROUP_NAME,
  LOG_STREAM_PREFIX,
  createBatchFixture,
  describeTask,
} from "./fixture";
import { MotoServer, REGION, startMotoServer } from "./moto-server";

// `ecs-batch` end to end: the built CLI as a subprocess against moto's server. moto's tasks start
// RUNNING, move one state per DescribeTasks (DEACTIVATING, STOPPING, DEPROVISIONING, STOPPED) and
// their containers always exit 0; failures and other exit paths are unit-tested with SDK mocks.

let moto: MotoServer;
let fixture: BatchFixture;
let workDir: string;

beforeAll(async () => {
  moto = await startMotoServer();
  fixture = await createBatchFixture(moto);
  workDir = mkdtempSync(join(tmpdir(), "ecs-batch-it-"));
});

afterAll(async () => {
  fixture?.ecs.destroy();
  fixture?.ssm.destroy();
  await moto?.stop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

const RUN_JOB = ["run", JOB_NAME, "--env", ENVIRONMENT];
const TASK_STATUS =
  /\b(PROVISIONING|PENDING|ACTIVATING|RUNNING|DEACTIVATING|STOPPING|DEPROVISIONING|STOPPED)\b/g;

/** Polling slow enough that a test can act (signal, time out) before moto's task stops. */
const SLOW_POLLING = { ECS_BATCH_POLL_INITIAL_MS: "3000", ECS_BATCH_POLL_MAX_MS: "3000" };
/** Slow enough for the test to write the log stream while the task runs, fast enough to end. */
const LOG_POLLING = { ECS_BATCH_POLL_INITIAL_MS: "500", ECS_BATCH_POLL_MAX_MS: "500" };

/** The runner's error and hint lines, without their timestamps and `ecs-batch: `. */
function errorLines(stderr: string): string[] {
  return [...stderr.matchAll(/ecs-batch: ((?:error|hint): .*)$/gm)].map((match) => match[1]);
}

function taskArnIn(output: string): string {
  const match = output.match(TASK_ARN);
  if (match === null) throw new Error(`no task ARN in:\n${output}`);
  return match[0];
}

/** The AWS CLI's run-task input, as the shell glue this replaces keeps it in run-task.yaml. */
function runTaskInput() {
  return {
    cluster: CLUSTER_NAME,
    taskDefinition: JOB_NAME,
    launchType: "FARGATE",
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: fixture.subnets,
        securityGroups: fixture.securityGroups,
        assignPublicIp: "DISABLED",
      },
    },
  };
}

function writeInputFile(name: string, text: string): string {
  const path = join(workDir, name);
  writeFileSync(path, text);
  return path;
}

describe("ecs-batch run", () => {
  test("runs the job of the SSM parameter, reports each status change and exits 0", async () => {
    const result = await runCli(RUN_JOB, moto.env);

    expectExitCode(result, EXIT_CODES.success);
    const taskArn = taskArnIn(result.stderr);
    const statuses = result.stderr.match(TASK_STATUS) ?? [];
    expect(new Set(statuses).size).toBeGreaterThan(1);
    expect(statuses[statuses.length - 1]).toBe("STOPPED");
    const task = await describeTask(fixture, taskArn);
    expect(task.lastStatus).toBe("STOPPED");
    expect(task.taskDefinitionArn).toBe(fixture.taskDefinitionArn);
    expect(task.clusterArn).toBe(fixture.clusterArn);
  });

  test("--no-wait prints the task ARN and exits 0 without waiting", async () => {
    const result = await runCli([...RUN_JOB, "--no-wait"], moto.env);

    expectExitCode(result, EXIT_CODES.success);
    const taskArn = taskArnIn(result.stdout + result.stderr);
    expect(result.stderr).not.toMatch(/\bSTOPPED\b/);
    // Node's start and two API calls; a waiting run polls moto four times and drains logs.
    expect(result.durationMs).toBeLessThan(10_000);
    expect((await describeTask(fixture, taskArn)).taskArn).toBe(taskArn);
  });

  test("--timeout stops the task and exits 124", async () => {
    const result = await runCli([...RUN_JOB, "--timeout", "1s"], { ...moto.env, ...SLOW_POLLING });

    expectExitCode(result, EXIT_CODES.timeout);
    const task = await describeTask(fixture, taskArnIn(result.stderr));
    expect(task.lastStatus).toBe("STOPPED");
    expect(task.stoppedReason).toMatch(/ecs-batch/);
  });

  test("SIGTERM stops the task and exits 143", async () => {
    const cli = startCli(RUN_JOB, { ...moto.env, ...SLOW_POLLING });
    const [taskArn] = await cli.waitForStderr(TASK_ARN);
    cli.process.kill("SIGTERM");
    const result = await cli.result;

    expectExitCode(result, signalExitCode("SIGTERM"));
    const task = await describeTask(fixture, taskArn);
    expect(task.lastStatus).toBe("STOPPED");
    expect(task.stoppedReason).toMatch(/SIGTERM/);
  });

  test("streams the container's log lines to stdout", async () => {
    const logs = new CloudWatchLogsClient(moto.clientConfig);
    try {
      await logs.send(new CreateLogGroupCommand({ logGroupName: LOG_GROUP_NAME }));
      const cli = startCli(RUN_JOB, { ...moto.env, ...LOG_POLLING });
      const [taskArn] = await cli.waitForStderr(TASK_ARN);
      // awslogs names the stream <prefix>/<container>/<task id>; it appears once the task runs.
      const logStreamName = `${LOG_STREAM_PREFIX}/${JOB_NAME}/${taskArn.split("/").pop()}`;
      await logs.send(new CreateLogStreamCommand({ logGroupName: LOG_GROUP_NAME, logStreamName }));
      await logs.send(
        new PutLogEventsCommand({
          logGroupName: LOG_GROUP_NAME,
          logStreamName,
          logEvents: [
            { timestamp: Date.now(), message: "first line of the job" },
            { timestamp: Date.now(), message: "last line of the job" },
          ],
        }),
      );
      const result = await cli.result;

      expectExitCode(result, EXIT_CODES.success);
      expect(result.stdout).toMatch(/first line of the job[\s\S]*last line of the job/);
      expect(result.stderr).not.toMatch(/line of the job/);
    } finally {
      logs.destroy();
    }
  });

  test("a job without an SSM parameter exits 125 naming it, and the job a typo meant", async () => {
    const result = await runCli(["run", "jbo", "--env", ENVIRONMENT], moto.env);

    expectExitCode(result, EXIT_CODES.runnerError);
    expect(errorLines(result.stderr)).toEqual([
      `error: job parameter /ecs-batch/${ENVIRONMENT}/jbo does not exist in ${REGION}`,
      `hint: did you mean ${JOB_NAME}? ${ENVIRONMENT} has 1 job: ${JOB_NAME}`,
    ]);
  });

  test("a job no typo explains: lists the environment's jobs and how to look in another", async () => {
    const result = await runCli(["run", "nosuchjob", "--env", ENVIRONMENT], moto.env);

    expectExitCode(result, EXIT_CODES.runnerError);
    expect(errorLines(result.stderr)[1]).toBe(
      `hint: ${ENVIRONMENT} has 1 job: ${JOB_NAME}; in another environment: aws ssm get-parameter --name /ecs-batch/<env>/nosuchjob`,
    );
  });

  test.each([
    { args: [...RUN_JOB, "--timeout", "90"], names: /--timeout/ },
    { args: [...RUN_JOB, "--no-such-option"], names: /--no-such-option/ },
    { args: ["run", JOB_NAME], names: /--env/ },
    { args: ["run-task"], names: /--cli-input-(json|yaml)/ },
  ])("bad arguments $args exit 2 naming $names", async ({ args, names }) => {
    const result = await runCli(args, moto.env);

    expectExitCode(result, EXIT_CODES.usage);
    expect(result.stderr).toMatch(names);
  });
});

describe("ecs-batch run without what the AWS SDK needs: exit 125 saying what to do", () => {
  /** moto's environment without these variables. */
  const without = (...names: string[]): NodeJS.ProcessEnv =>
    Object.fromEntries(Object.entries(moto.env).filter(([name]) => !names.includes(name)));

  test("no region", async () => {
    const result = await runCli(RUN_JOB, {
      ...without("AWS_REGION"),
      AWS_DEFAULT_REGION: REGION,
    });

    expectExitCode(result, EXIT_CODES.runnerError);
    expect(errorLines(result.stderr)).toEqual([
      `error: cannot read job parameter /ecs-batch/${ENVIRONMENT}/${JOB_NAME}: no AWS region is set`,
      `hint: give one with --region ${REGION}, AWS_REGION=${REGION} or a region in the AWS profile (${moto.env.AWS_CONFIG_FILE}); ecs-batch does not read AWS_DEFAULT_REGION (the AWS CLI does)`,
    ]);
  });

  test("no credentials", async () => {
    const result = await runCli(RUN_JOB, without("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"));

    expectExitCode(result, EXIT_CODES.runnerError);
    expect(errorLines(result.stderr)[0]).toBe(
      `error: cannot read job parameter /ecs-batch/${ENVIRONMENT}/${JOB_NAME}: no AWS credentials found`,
    );
    expect(errorLines(result.stderr)[1]).toMatch(/^hint: give ecs-batch credentials: /);
  });

  test("an SSO profile nobody signed in with", async () => {
    const config = writeInputFile(
      "aws-config",
      [
        "[profile batch]",
        "sso_session = corp",
        "sso_account_id = 123456789012",
        "sso_role_name = BatchScheduler",
        `region = ${REGION}`,
        "[sso-session corp]",
        "sso_start_url = https://example.awsapps.com/start",
        `sso_region = ${REGION}`,
        "",
      ].join("\n"),
    );
    const result = await runCli(RUN_JOB, {
      ...without("AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_REGION"),
      AWS_CONFIG_FILE: config,
      AWS_PROFILE: "batch",
      // The SSO token cache is under ~/.aws/sso/cache: an empty one.
      HOME: workDir,
    });

    expectExitCode(result, EXIT_CODES.runnerError);
    expect(errorLines(result.stderr)).toEqual([
      `error: cannot read job parameter /ecs-batch/${ENVIRONMENT}/${JOB_NAME}: no valid AWS SSO session for profile batch`,
      "hint: sign in: aws sso login --profile batch",
    ]);
  });
});

describe("ecs-batch run-task", () => {
  test.each([
    { how: "a file", args: (path: string) => ["--cli-input-yaml", path], stdin: false },
    { how: "stdin", args: () => ["--cli-input-yaml", "-"], stdin: true },
  ])("runs an AWS CLI run-task.yaml from $how and exits 0", async ({ args, stdin }) => {
    const yaml = stringify(runTaskInput());
    const path = writeInputFile("run-task.yaml", yaml);

    const result = await runCli(["run-task", ...args(path)], moto.env, stdin ? yaml : undefined);

    expectExitCode(result, EXIT_CODES.success);
    const task = await describeTask(fixture, taskArnIn(result.stderr));
    expect(task.lastStatus).toBe("STOPPED");
    expect(task.taskDefinitionArn).toBe(fixture.taskDefinitionArn);
  });

  test("runs a --cli-input-json file and --json prints a parseable summary", async () => {
    const path = writeInputFile("run-task.json", JSON.stringify(runTaskInput(), null, 2));

    const result = await runCli(["run-task", "--cli-input-json", path, "--json"], moto.env);

    expectExitCode(result, EXIT_CODES.success);
    const summary = JSON.parse(result.stdout);
    expect(summary).toMatchObject({
      exitCode: 0,
      result: "succeeded",
      taskArn: expect.stringMatching(TASK_ARN),
      container: JOB_NAME,
      containerExitCode: 0,
    });
    expect((await describeTask(fixture, summary.taskArn)).lastStatus).toBe("STOPPED");
  });
});

describe("ecs-batch writing to a reader that stops early (| head)", () => {
  test("drops what is left to print and ends as the command would, without a stack trace", async () => {
    const child = spawn(BUILT_CLI.file, [...BUILT_CLI.args, "history", "--help"], {
      cwd: BUILT_CLI.cwd,
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stderr = "";
    child.stderr.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    // Read the first chunk, then close the pipe, as `head -1` does.
    child.stdout.once("data", () => child.stdout.destroy());
    const code = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect({ code, stderr }).toEqual({ code: 0, stderr: "" });
  });
});
