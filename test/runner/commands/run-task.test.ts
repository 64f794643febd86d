import { runFakeCli, STARTED_BY } from "../fake-cli";

const INPUT = {
  cluster: "batch",
  taskDefinition: "nightly-report:7",
  launchType: "FARGATE",
  networkConfiguration: {
    awsvpcConfiguration: { subnets: ["subnet-0123456789abcdef0"], assignPublicIp: "DISABLED" },
  },
};
const INPUT_YAML = `cluster: batch
taskDefinition: nightly-report:7
launchType: FARGATE
networkConfiguration:
  awsvpcConfiguration:
    subnets: [subnet-0123456789abcdef0]
    assignPublicIp: DISABLED
`;
const FILES = { "run-task.json": JSON.stringify(INPUT), "run-task.yaml": INPUT_YAML };

describe("ecs-batch run-task", () => {
  test("runs a --cli-input-json file; container and logs come from the task definition", async () => {
    const run = await runFakeCli(["run-task", "--cli-input-json", "run-task.json"], {
      files: FILES,
    });

    expect(run.exitCode).toBe(0);
    expect(run.requests).toEqual([
      {
        runTaskInput: {
          ...INPUT,
          startedBy: STARTED_BY,
          // The runner policy lets ecs-batch stop only the tasks tagged with their job.
          tags: [{ key: "BatchJob", value: "nightly-report" }],
        },
        wait: true,
        retries: 0,
        retryOnExitCode: false,
      },
    ]);
    expect(run.requests[0]).not.toHaveProperty("logs");
    expect(run.taskClientOptions).toEqual([{ region: undefined }]);
    expect(run.ssmClientOptions).toEqual([]);
  });

  test("builds the RunRequest of every option, from YAML on stdin", async () => {
    const run = await runFakeCli(
      [
        "run-task",
        "--cli-input-yaml",
        "-",
        "--command",
        '["sync","--full"]',
        "--environment",
        "MODE=full",
        "--started-by",
        "cron/hourly-sync",
        "--tag",
        "team=data",
        "--client-token",
        "hourly-sync-2026112303",
        "--no-wait",
        "--timeout",
        "50m",
        "--container",
        "app",
        "--retries",
        "3",
        "--retry-on-exit-code",
        "--json",
        "--quiet",
        "--region",
        "ap-northeast-3",
      ],
      { stdin: INPUT_YAML },
    );

    expect(run.exitCode).toBe(0);
    expect(run.requests).toEqual([
      {
        runTaskInput: {
          ...INPUT,
          startedBy: "cron/hourly-sync",
          clientToken: "hourly-sync-2026112303",
          tags: [
            { key: "team", value: "data" },
            { key: "BatchJob", value: "nightly-report" },
          ],
          overrides: {
            containerOverrides: [
              {
                name: "app",
                command: ["sync", "--full"],
                environment: [{ name: "MODE", value: "full" }],
              },
            ],
          },
        },
        containerName: "app",
        wait: false,
        timeoutMs: 3_000_000,
        retries: 3,
        retryOnExitCode: true,
      },
    ]);
    expect(run.taskClientOptions).toEqual([{ region: "ap-northeast-3" }]);
    expect(JSON.parse(run.stdout)).toMatchObject({ exitCode: 0, result: "succeeded" });
    expect(JSON.parse(run.stdout)).not.toHaveProperty("job");
  });

  test("--command goes to the one container the input already overrides", async () => {
    const input = { ...INPUT, overrides: { containerOverrides: [{ name: "sync", cpu: 256 }] } };

    const run = await runFakeCli(
      ["run-task", "--cli-input-json", "in.json", "--command", '["sync"]'],
      { files: { "in.json": JSON.stringify(input) } },
    );

    expect(run.exitCode).toBe(0);
    expect(run.requests[0].runTaskInput.overrides).toEqual({
      containerOverrides: [{ name: "sync", cpu: 256, command: ["sync"] }],
    });
    // Which container decides is still the task definition's to say.
    expect(run.requests[0]).not.toHaveProperty("containerName");
  });

  test.each([
    {
      args: ["run-task"],
      says: "error: give the RunTask input with --cli-input-json <file> or --cli-input-yaml <file>",
    },
    {
      args: ["run-task", "--cli-input-json", "run-task.json", "--cli-input-yaml", "run-task.yaml"],
      says: "error: option '--cli-input-json <file>' cannot be used with option '--cli-input-yaml <file>'",
    },
    {
      args: ["run-task", "--cli-input-json", "run-task.json", "--environment", "MODE=full"],
      says: "error: --command and --environment need --container <name>",
    },
    {
      args: ["run-task", "--cli-input-json", "run-task.json", "--timeout", "2"],
      says: "option '--timeout <duration>' argument '2' is invalid",
    },
  ])("bad arguments exit 2: $says", async ({ args, says }) => {
    const run = await runFakeCli(args, { files: FILES });

    expect(run.exitCode).toBe(2);
    expect(run.stderr).toContain(says);
    expect(run.requests).toEqual([]);
  });

  test("an unreadable input file exits 125 naming it", async () => {
    const run = await runFakeCli(["run-task", "--cli-input-yaml", "missing.yaml"]);

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toContain("error: cannot read run-task input missing.yaml: ENOENT");
    expect(run.requests).toEqual([]);
  });

  test("an invalid input exits 125 saying what is wrong", async () => {
    const run = await runFakeCli(["run-task", "--cli-input-json", "-"], {
      stdin: JSON.stringify({ ...INPUT, count: 2 }),
    });

    expect(run.exitCode).toBe(125);
    expect(run.stderr).toContain(
      "error: run-task input from stdin is not valid: count 2 is not supported",
    );
    expect(run.requests).toEqual([]);
  });
});
