import { InvalidArgumentError } from "commander";
import {
  applyCommonOptions,
  checkTag,
  collectKeyValues,
  commonOptionsProblem,
  type CommonOptions,
  defaultStartedBy,
  parseCommand,
  parseContainerName,
  parseDuration,
  parseKeyValue,
  parseWholeNumber,
  runRequestOf,
} from "../../runner/options";

const OPTIONS: CommonOptions = { wait: true, retries: 0 };
const INPUT = { cluster: "batch", taskDefinition: "nightly-report" };

describe("parseDuration", () => {
  test.each([
    ["90s", 90_000],
    ["30m", 1_800_000],
    ["2h", 7_200_000],
    ["1h30m", 5_400_000],
    ["1h0m15s", 3_615_000],
  ])("reads %s as %d ms", (text, ms) => {
    expect(parseDuration(text)).toBe(ms);
  });

  test("refuses a bare number: its unit would be a guess", () => {
    expect(() => parseDuration("90")).toThrow(InvalidArgumentError);
    expect(() => parseDuration("90")).toThrow("'90' has no unit: write 90s, 90m or 90h");
  });

  test.each(["", "1.5h", "30 m", "30m2h", "1d", "-5s", "m"])("refuses '%s'", (text) => {
    expect(() => parseDuration(text)).toThrow(`'${text}' is not a duration: write hours`);
  });

  test("refuses a zero duration", () => {
    expect(() => parseDuration("0s")).toThrow("it must be longer than 0s");
  });
});

describe("KEY=VALUE options", () => {
  test("splits at the first '=', keeping empty values and later '='", () => {
    expect(parseKeyValue("QUERY=a=b")).toEqual({ key: "QUERY", value: "a=b" });
    expect(parseKeyValue("EMPTY=")).toEqual({ key: "EMPTY", value: "" });
  });

  test.each(["NOVALUE", "=value"])("refuses '%s' without a key and '='", (text) => {
    expect(() => parseKeyValue(text)).toThrow(`'${text}' is not KEY=VALUE`);
  });

  test("collects repeated options in order and refuses a key given twice", () => {
    const collect = collectKeyValues();
    const pairs = collect("B=2", collect("A=1", undefined));
    expect(pairs).toEqual([
      { key: "A", value: "1" },
      { key: "B", value: "2" },
    ]);
    expect(() => collect("A=3", pairs)).toThrow("'A' is given twice: give each key once");
  });

  test("checks tags against the ECS rules", () => {
    expect(() => checkTag({ key: "team", value: "data platform/ops@example.com" })).not.toThrow();
    expect(() => checkTag({ key: "aws:owner", value: "x" })).toThrow(
      "the prefix 'aws:' is reserved",
    );
    expect(() => checkTag({ key: "k".repeat(129), value: "" })).toThrow(
      "keys have at most 128 characters",
    );
    expect(() => checkTag({ key: "k", value: "v".repeat(257) })).toThrow("values 256");
    expect(() => checkTag({ key: "cost#center", value: "1" })).toThrow(
      "has characters ECS refuses",
    );
  });
});

describe("parseCommand", () => {
  test("reads a JSON array of strings", () => {
    expect(parseCommand('["python","main.py","--date","2026-11-23"]')).toEqual([
      "python",
      "main.py",
      "--date",
      "2026-11-23",
    ]);
  });

  test.each(["python main.py", "[]", '["python", 3]', '{"command":"x"}'])("refuses %s", (text) => {
    expect(() => parseCommand(text)).toThrow("write a non-empty JSON array of strings");
  });
});

describe("number and name options", () => {
  test("whole numbers within the range", () => {
    const retries = parseWholeNumber(0, 10);
    expect(retries("0")).toBe(0);
    expect(retries("10")).toBe(10);
    expect(() => retries("11")).toThrow("'11' must be a whole number from 0 to 10");
    expect(() => retries("1.5")).toThrow("must be a whole number");
    expect(() => retries("two")).toThrow("must be a whole number");
  });

  test("container names", () => {
    expect(parseContainerName("log-router_2")).toBe("log-router_2");
    expect(() => parseContainerName("app.main")).toThrow(
      "a container name has 1 to 255 letters, numbers, hyphens and underscores",
    );
  });
});

describe("commonOptionsProblem", () => {
  test("accepts the defaults", () => {
    expect(commonOptionsProblem(OPTIONS)).toBeUndefined();
  });

  test("--retry-on-exit-code needs retries", () => {
    expect(commonOptionsProblem({ ...OPTIONS, retryOnExitCode: true, retries: 1 })).toBeUndefined();
    expect(commonOptionsProblem({ ...OPTIONS, retryOnExitCode: true })).toBe(
      "--retry-on-exit-code needs --retries 1 or more",
    );
  });

  test("at most 49 tags: the task's 50th is BatchJob", () => {
    const tags = (n: number) => Array.from({ length: n }, (_, i) => ({ key: `k${i}`, value: "" }));
    expect(commonOptionsProblem({ ...OPTIONS, tag: tags(49) })).toBeUndefined();
    expect(commonOptionsProblem({ ...OPTIONS, tag: tags(50) })).toBe(
      "--tag is given 50 times: a task has at most 50 tags, one of them BatchJob",
    );
  });

  test("BatchJob is not a --tag: ecs-batch sets it to stop only its own tasks", () => {
    expect(commonOptionsProblem({ ...OPTIONS, tag: [{ key: "BatchJob", value: "x" }] })).toBe(
      "--tag BatchJob=...: ecs-batch tags every task it starts with BatchJob=<job> itself, so that it may stop it",
    );
  });
});

describe("defaultStartedBy", () => {
  test("is ecs-batch/<user>/<host> in the characters ECS takes, cut to 128", () => {
    expect(defaultStartedBy("batch", "scheduler-01.example.com")).toBe(
      "ecs-batch/batch/scheduler-01_example_com",
    );
    expect(defaultStartedBy("DOMAIN\\Job User", "host")).toBe("ecs-batch/DOMAIN_Job_User/host");
    expect(defaultStartedBy("u", "h".repeat(200))).toHaveLength(128);
  });
});

describe("applyCommonOptions", () => {
  test("sets only startedBy and the job's tag when no option is given", () => {
    expect(applyCommonOptions(INPUT, OPTIONS, "app", "ecs-batch/u@h")).toEqual({
      ...INPUT,
      startedBy: "ecs-batch/u@h",
      tags: [{ key: "BatchJob", value: "nightly-report" }],
    });
  });

  test("tags the task with its task definition family, however the input names it", () => {
    const tagOf = (taskDefinition: string) =>
      applyCommonOptions({ ...INPUT, taskDefinition }, OPTIONS, "app", "d").tags;
    for (const name of [
      "nightly-report",
      "nightly-report:42",
      "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report:42",
    ]) {
      expect(tagOf(name)).toEqual([{ key: "BatchJob", value: "nightly-report" }]);
    }
  });

  test("keeps a BatchJob tag the input sets itself", () => {
    const input = { ...INPUT, tags: [{ key: "BatchJob", value: "report" }] };
    expect(applyCommonOptions(input, OPTIONS, "app", "d").tags).toEqual([
      { key: "BatchJob", value: "report" },
    ]);
  });

  test("keeps the input's startedBy unless --started-by is given", () => {
    const input = { ...INPUT, startedBy: "from-file" };
    expect(applyCommonOptions(input, OPTIONS, "app", "default").startedBy).toBe("from-file");
    expect(
      applyCommonOptions(input, { ...OPTIONS, startedBy: "option" }, "app", "default").startedBy,
    ).toBe("option");
  });

  test("merges command, environment and tags into the input's overrides and tags", () => {
    const input = {
      ...INPUT,
      tags: [
        { key: "team", value: "data" },
        { key: "run", value: "old" },
      ],
      overrides: {
        cpu: "512",
        containerOverrides: [
          { name: "log-router", environment: [{ name: "X", value: "1" }] },
          {
            name: "app",
            command: ["old"],
            environment: [
              { name: "LOG_LEVEL", value: "info" },
              { name: "KEEP", value: "yes" },
            ],
          },
        ],
      },
    };
    const options: CommonOptions = {
      ...OPTIONS,
      command: ["python", "main.py"],
      environment: [
        { key: "LOG_LEVEL", value: "debug" },
        { key: "REPORT_DATE", value: "2026-11-22" },
      ],
      tag: [{ key: "run", value: "manual" }],
      clientToken: "nightly-20261123",
    };

    expect(applyCommonOptions(input, options, "app", "default")).toEqual({
      ...INPUT,
      startedBy: "default",
      clientToken: "nightly-20261123",
      tags: [
        { key: "team", value: "data" },
        { key: "run", value: "manual" },
        { key: "BatchJob", value: "nightly-report" },
      ],
      overrides: {
        cpu: "512",
        containerOverrides: [
          { name: "log-router", environment: [{ name: "X", value: "1" }] },
          {
            name: "app",
            command: ["python", "main.py"],
            environment: [
              { name: "KEEP", value: "yes" },
              { name: "LOG_LEVEL", value: "debug" },
              { name: "REPORT_DATE", value: "2026-11-22" },
            ],
          },
        ],
      },
    });
  });

  test("adds an override for a container the input does not override", () => {
    const result = applyCommonOptions(INPUT, { ...OPTIONS, command: ["date"] }, "app", "d");
    expect(result.overrides).toEqual({ containerOverrides: [{ name: "app", command: ["date"] }] });
  });

  test("does not change the input", () => {
    const input = { ...INPUT, overrides: { containerOverrides: [{ name: "app" }] } };
    applyCommonOptions(input, { ...OPTIONS, command: ["date"] }, "app", "d");
    expect(input.overrides.containerOverrides).toEqual([{ name: "app" }]);
  });
});

describe("runRequestOf", () => {
  test("maps waiting, timeout, retries and the container", () => {
    expect(
      runRequestOf(
        INPUT,
        {
          wait: false,
          timeout: 5_400_000,
          retries: 2,
          retryOnExitCode: true,
          container: "app",
        },
        "app",
        "d",
      ),
    ).toEqual({
      runTaskInput: {
        ...INPUT,
        startedBy: "d",
        tags: [{ key: "BatchJob", value: "nightly-report" }],
      },
      containerName: "app",
      wait: false,
      timeoutMs: 5_400_000,
      retries: 2,
      retryOnExitCode: true,
    });
  });

  test("leaves the container and timeout to the runner's defaults when not given", () => {
    const request = runRequestOf(INPUT, OPTIONS, undefined, "d");
    expect(request).not.toHaveProperty("containerName");
    expect(request).not.toHaveProperty("timeoutMs");
    expect(request.retryOnExitCode).toBe(false);
  });
});
