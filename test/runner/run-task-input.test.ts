import { RunnerError } from "../../runner/runner-error";
import {
  parseRunTaskInput,
  readRunTaskInput,
  runTaskInputProblems,
  type TextReaders,
} from "../../runner/run-task-input";

/** A run-task.yaml as the shell glue this replaces keeps it (`aws ecs run-task --cli-input-yaml`). */
const RUN_TASK_YAML = `cluster: batch
taskDefinition: nightly-report
launchType: FARGATE
platformVersion: LATEST
networkConfiguration:
  awsvpcConfiguration:
    subnets:
      - subnet-0123456789abcdef0
    securityGroups:
      - sg-0123456789abcdef0
    assignPublicIp: DISABLED
overrides:
  containerOverrides:
    - name: app
      environment:
        - name: MODE
          value: "no"
propagateTags: TASK_DEFINITION
enableECSManagedTags: true
`;

const RUN_TASK_INPUT = {
  cluster: "batch",
  taskDefinition: "nightly-report",
  launchType: "FARGATE",
  platformVersion: "LATEST",
  networkConfiguration: {
    awsvpcConfiguration: {
      subnets: ["subnet-0123456789abcdef0"],
      securityGroups: ["sg-0123456789abcdef0"],
      assignPublicIp: "DISABLED",
    },
  },
  overrides: {
    containerOverrides: [{ name: "app", environment: [{ name: "MODE", value: "no" }] }],
  },
  propagateTags: "TASK_DEFINITION",
  enableECSManagedTags: true,
};

function readers(files: Record<string, string>, stdin = ""): TextReaders & { read: string[] } {
  const read: string[] = [];
  return {
    read,
    readFile: async (path) => {
      read.push(path);
      if (files[path] === undefined) {
        throw new Error(`ENOENT: no such file or directory, open '${path}'`);
      }
      return files[path];
    },
    readStdin: async () => {
      read.push("-");
      return stdin;
    },
  };
}

describe("readRunTaskInput", () => {
  test("reads a YAML file as the AWS CLI does, keys unchanged", async () => {
    const input = await readRunTaskInput(
      { format: "yaml", path: "run-task.yaml" },
      readers({ "run-task.yaml": RUN_TASK_YAML }),
    );
    expect(input).toEqual(RUN_TASK_INPUT);
  });

  test("reads a JSON file, also named file://<path> as the AWS CLI takes it", async () => {
    const files = readers({ "/etc/batch/run-task.json": JSON.stringify(RUN_TASK_INPUT) });
    const input = await readRunTaskInput(
      { format: "json", path: "file:///etc/batch/run-task.json" },
      files,
    );
    expect(input).toEqual(RUN_TASK_INPUT);
    expect(files.read).toEqual(["/etc/batch/run-task.json"]);
  });

  test("reads stdin for '-'", async () => {
    const input = await readRunTaskInput({ format: "yaml", path: "-" }, readers({}, RUN_TASK_YAML));
    expect(input).toEqual(RUN_TASK_INPUT);
  });

  test("an unreadable file is a RunnerError naming it", async () => {
    const read = readRunTaskInput({ format: "json", path: "missing.json" }, readers({}));
    await expect(read).rejects.toBeInstanceOf(RunnerError);
    await expect(read).rejects.toThrow(
      "cannot read run-task input missing.json: ENOENT: no such file or directory",
    );
  });
});

describe("parseRunTaskInput", () => {
  test("JSON that does not parse", async () => {
    await expect(
      parseRunTaskInput("{cluster: batch}", "json", "run-task input x.json"),
    ).rejects.toThrow("run-task input x.json is not valid JSON: ");
  });

  test("YAML that does not parse, with its line", async () => {
    await expect(
      parseRunTaskInput(
        "cluster: batch\ntaskDefinition: [nightly",
        "yaml",
        "run-task input x.yaml",
      ),
    ).rejects.toThrow(/^run-task input x\.yaml is not valid YAML: .*line 2/s);
  });

  test("YAML with a key given twice", async () => {
    await expect(
      parseRunTaskInput("cluster: a\ncluster: b\ntaskDefinition: t\n", "yaml", "input"),
    ).rejects.toThrow("input is not valid YAML: Map keys must be unique");
  });

  test("lists every problem of a parsed input", async () => {
    await expect(
      parseRunTaskInput('{"taskDefinition":"t","count":3}', "json", "run-task input x.json"),
    ).rejects.toThrow(
      "run-task input x.json is not valid: cluster is required: a non-empty string; count 3 is not supported: ecs-batch follows exactly one task, so count must be 1 or absent",
    );
  });
});

describe("runTaskInputProblems", () => {
  const MINIMAL = { cluster: "batch", taskDefinition: "nightly-report" };

  test.each([
    ["the minimal input", MINIMAL],
    ["count 1", { ...MINIMAL, count: 1 }],
    [
      "a capacity provider strategy without launchType",
      { ...MINIMAL, capacityProviderStrategy: [{ capacityProvider: "FARGATE_SPOT", weight: 1 }] },
    ],
    [
      "launchType with an empty strategy",
      { ...MINIMAL, launchType: "FARGATE", capacityProviderStrategy: [] },
    ],
    ["tags", { ...MINIMAL, tags: [{ key: "team", value: "data" }] }],
    [
      "every RunTask parameter",
      {
        ...RUN_TASK_INPUT,
        clientToken: "t",
        startedBy: "s",
        group: "g",
        referenceId: "r",
        enableExecuteCommand: false,
        placementConstraints: [],
        placementStrategy: [],
        volumeConfigurations: [],
      },
    ],
  ])("accepts %s", (_, input) => {
    expect(runTaskInputProblems(input)).toEqual([]);
  });

  test.each([
    [
      "a list",
      [MINIMAL],
      "it must be an object of RunTask parameters (cluster, taskDefinition, ...)",
    ],
    ["no taskDefinition", { cluster: "batch" }, "taskDefinition is required: a non-empty string"],
    ["an empty cluster", { ...MINIMAL, cluster: "" }, "cluster is required: a non-empty string"],
    [
      "an unknown key",
      { ...MINIMAL, taskDefiniton: "x" },
      "'taskDefiniton' is not a RunTask parameter",
    ],
    [
      "count 0",
      { ...MINIMAL, count: 0 },
      "count 0 is not supported: ecs-batch follows exactly one task, so count must be 1 or absent",
    ],
    ["a numeric launchType", { ...MINIMAL, launchType: 1 }, "launchType must be a string"],
    [
      "launchType with a capacity provider strategy",
      {
        ...MINIMAL,
        launchType: "FARGATE",
        capacityProviderStrategy: [{ capacityProvider: "FARGATE" }],
      },
      "launchType and capacityProviderStrategy cannot both be given (RunTask rule)",
    ],
    [
      "a strategy that is no list",
      { ...MINIMAL, capacityProviderStrategy: "FARGATE" },
      "capacityProviderStrategy must be a list",
    ],
    [
      "tags as a map",
      { ...MINIMAL, tags: { team: "data" } },
      "tags must be a list of {key, value}",
    ],
    [
      "a container override without a name",
      { ...MINIMAL, overrides: { containerOverrides: [{ command: ["x"] }] } },
      "overrides.containerOverrides must be a list of objects with a name",
    ],
  ])("refuses %s", (_, input, problem) => {
    expect(runTaskInputProblems(input)).toEqual([problem]);
  });
});
