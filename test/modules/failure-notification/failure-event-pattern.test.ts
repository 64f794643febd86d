import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformOutput } from "cdktf";
import {
  EventPattern,
  FAILURE_EVENT_PATHS,
  failureMessageInputTransformer,
  FailureMessageOptions,
  jobFailurePattern,
  jobLogsConsoleUrl,
} from "../../../modules/failure-notification";
import { emptyStack, synthesize } from "../../synth";
import { CLUSTER, SAMPLE_VALUES, substitute, TASK_ARN, taskStopped } from "./fixtures";

/**
 * The part of EventBridge's pattern matching these patterns use: exact values, `anything-but`,
 * `exists` and `$or`. Like EventBridge, a path through an array of objects collects the values of
 * every element, and each field of the pattern is matched against them independently.
 */
function matches(pattern: EventPattern, event: unknown, path: readonly string[] = []): boolean {
  return Object.entries(pattern).every(([key, rule]) => {
    if (key === "$or") {
      return (rule as EventPattern[]).some((alternative) => matches(alternative, event, path));
    }
    const here = [...path, key];
    if (Array.isArray(rule)) {
      const values = valuesAt(event, here);
      return rule.some((matcher) => valueMatches(matcher, values));
    }
    return matches(rule as EventPattern, event, here);
  });
}

function valuesAt(value: unknown, path: readonly string[]): unknown[] {
  if (Array.isArray(value)) {
    return value.flatMap((element) => valuesAt(element, path));
  }
  if (path.length === 0) {
    return [value];
  }
  if (value === null || typeof value !== "object") {
    return [];
  }
  const next = (value as Record<string, unknown>)[path[0]];
  return next === undefined ? [] : valuesAt(next, path.slice(1));
}

function valueMatches(matcher: unknown, values: readonly unknown[]): boolean {
  if (matcher !== null && typeof matcher === "object") {
    const rule = matcher as Record<string, unknown>;
    if ("exists" in rule) {
      return values.length > 0 === rule.exists;
    }
    if ("anything-but" in rule) {
      return values.some((v) => v !== rule["anything-but"]);
    }
    throw new Error(`this test's matcher does not know ${JSON.stringify(rule)}`);
  }
  return values.includes(matcher);
}

const SINGLE = jobFailurePattern({
  clusterArn: CLUSTER,
  family: "example-batch",
  hasSidecars: false,
});
const WITH_SIDECARS = jobFailurePattern({
  clusterArn: CLUSTER,
  family: "example-batch",
  hasSidecars: true,
});

describe("jobFailurePattern", () => {
  describe("of a job without sidecars", () => {
    it("matches the stopped tasks of the family in the cluster that failed", () => {
      expect(SINGLE).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [CLUSTER],
          group: ["family:example-batch"],
          lastStatus: ["STOPPED"],
          $or: [
            { containers: { exitCode: [{ "anything-but": 0 }] } },
            { containers: { exitCode: [{ exists: false }] } },
            { stopCode: ["TaskFailedToStart"] },
          ],
        },
      });
    });

    it.each<[string, Record<string, unknown>]>([
      ["a job that exited 1", taskStopped([{ name: "example-batch", exitCode: 1 }])],
      [
        "a job killed with exit code 137",
        taskStopped([{ name: "example-batch", exitCode: 137 }], { stopCode: "UserInitiated" }),
      ],
      [
        "a task that failed to start, without exit code",
        taskStopped([{ name: "example-batch", reason: "CannotPullContainerError: not found" }], {
          stopCode: "TaskFailedToStart",
          stoppedReason: "CannotPullContainerError",
        }),
      ],
      [
        "a task that failed to start before its containers existed",
        taskStopped([], { stopCode: "TaskFailedToStart" }),
      ],
    ])("matches %s", (_, event) => {
      expect(matches(SINGLE, event)).toBe(true);
    });

    it.each<[string, Record<string, unknown>]>([
      ["a job that exited 0", taskStopped([{ name: "example-batch", exitCode: 0 }])],
      [
        "another family's failure",
        taskStopped([{ name: "other", exitCode: 1 }], { group: "family:other-batch" }),
      ],
      [
        "a failure in another cluster",
        taskStopped([{ name: "example-batch", exitCode: 1 }], {
          clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/other",
        }),
      ],
      [
        "a task that is still running",
        taskStopped([{ name: "example-batch" }], { lastStatus: "RUNNING", stopCode: undefined }),
      ],
    ])("does not match %s", (_, event) => {
      expect(matches(SINGLE, event)).toBe(false);
    });
  });

  describe("of a job with sidecars", () => {
    it("has no exit-code condition: every stopped task of the family goes to the filter", () => {
      expect(WITH_SIDECARS).toEqual({
        source: ["aws.ecs"],
        "detail-type": ["ECS Task State Change"],
        detail: {
          clusterArn: [CLUSTER],
          group: ["family:example-batch"],
          lastStatus: ["STOPPED"],
        },
      });
      expect(JSON.stringify(WITH_SIDECARS)).not.toContain("exitCode");
    });

    it("matches a run whatever its containers' exit codes, for the filter to decide", () => {
      const sidecarKilledJobSucceeded = taskStopped([
        { name: "envoy", exitCode: 137 },
        { name: "example-batch", exitCode: 0 },
      ]);
      const sidecarSucceededJobFailed = taskStopped([
        { name: "envoy", exitCode: 0 },
        { name: "example-batch", exitCode: 1 },
      ]);
      expect(matches(WITH_SIDECARS, sidecarKilledJobSucceeded)).toBe(true);
      expect(matches(WITH_SIDECARS, sidecarSucceededJobFailed)).toBe(true);
    });

    it("would be wrong with an exit-code condition, as its documentation says", () => {
      // EventBridge matches containers.name and containers.exitCode element by element.
      const byNameAndExitCode = {
        detail: { containers: { name: ["example-batch"], exitCode: [{ "anything-but": 0 }] } },
      };
      const onExitCodeZero = { detail: { containers: { exitCode: [0] } } };
      const sidecarKilledJobSucceeded = taskStopped([
        { name: "envoy", exitCode: 137 },
        { name: "example-batch", exitCode: 0 },
      ]);
      const sidecarSucceededJobFailed = taskStopped([
        { name: "envoy", exitCode: 0 },
        { name: "example-batch", exitCode: 1 },
      ]);
      expect(matches(byNameAndExitCode, sidecarKilledJobSucceeded)).toBe(true);
      expect(matches(onExitCodeZero, sidecarSucceededJobFailed)).toBe(true);
    });
  });
});

const TEXT: FailureMessageOptions = {
  jobName: "example-batch",
  environment: "dev",
  region: "ap-northeast-1",
  logGroupName: "/ecs-scheduled-tasks/example",
  logStreamPrefix: "batch",
  containerName: "example-batch",
  format: "text",
};
const LOGS_URL =
  "https://ap-northeast-1.console.aws.amazon.com/cloudwatch/home?region=ap-northeast-1" +
  "#logsV2:log-groups/log-group/$252Fecs-scheduled-tasks$252Fexample" +
  "/log-events$3FlogStreamNameFilter$3Dbatch$252Fexample-batch$252F";

describe("jobLogsConsoleUrl", () => {
  it("links to the log group, filtered to the streams of the job's container", () => {
    expect(jobLogsConsoleUrl(emptyStack(), TEXT)).toBe(LOGS_URL);
  });
});

describe("failureMessageInputTransformer", () => {
  it("reads the task, its stop and its only container from the event", () => {
    const { inputPaths } = failureMessageInputTransformer(emptyStack(), TEXT);
    expect(inputPaths).toEqual({
      taskArn: "$.detail.taskArn",
      stopCode: "$.detail.stopCode",
      stoppedReason: "$.detail.stoppedReason",
      exitCode: "$.detail.containers[0].exitCode",
      containerReason: "$.detail.containers[0].reason",
      stoppedAt: "$.detail.stoppedAt",
      startedBy: "$.detail.startedBy",
    });
    expect(FAILURE_EVENT_PATHS).toEqual(inputPaths);
  });

  describe("as text", () => {
    const { inputTemplate } = failureMessageInputTransformer(emptyStack(), TEXT);
    const lines = inputTemplate.split("\n");

    it("writes every line as a JSON string", () => {
      expect(lines).toHaveLength(6);
      for (const line of lines) {
        expect(typeof JSON.parse(line)).toBe("string");
      }
    });

    it("says which job failed, where, why, and where its logs are", () => {
      const message = lines.map((line) => JSON.parse(substitute(line, SAMPLE_VALUES)));
      expect(message).toEqual([
        "Batch job example-batch failed (environment dev).",
        "Exit code: 1  Stop code: EssentialContainerExited",
        "Reason: Essential container in task exited OutOfMemoryError: Container killed due to memory usage",
        `Task: ${TASK_ARN}`,
        "Stopped at: 2026-11-23T03:04:05.123Z  Started by: events-rule/example-batch",
        `Logs: ${LOGS_URL}`,
      ]);
    });

    it("leaves the environment out when there is none", () => {
      const { inputTemplate: withoutEnvironment } = failureMessageInputTransformer(emptyStack(), {
        ...TEXT,
        environment: undefined,
      });
      expect(JSON.parse(withoutEnvironment.split("\n")[0])).toBe("Batch job example-batch failed.");
    });

    it("has no '<' or '>' but around its placeholders", () => {
      const placeholders = inputTemplate.match(/<[^<>]*>/g) ?? [];
      expect(placeholders.map((p) => p.slice(1, -1)).sort()).toEqual(
        Object.keys(FAILURE_EVENT_PATHS).sort(),
      );
      expect(inputTemplate.replace(/<[A-Za-z]+>/g, "")).not.toMatch(/[<>]/);
    });
  });

  describe("as an AWS Chatbot custom notification", () => {
    const { inputTemplate } = failureMessageInputTransformer(emptyStack(), {
      ...TEXT,
      format: "chatbot",
    });

    it("is valid JSON once the placeholders are filled in", () => {
      const notification = JSON.parse(substitute(inputTemplate, SAMPLE_VALUES));
      expect(notification).toEqual({
        version: "1.0",
        source: "custom",
        content: {
          textType: "client-markdown",
          title: ":x: Batch job example-batch failed (dev)",
          description: [
            "*Exit code:* 1   *Stop code:* EssentialContainerExited",
            "*Reason:* Essential container in task exited OutOfMemoryError: Container killed due to memory usage",
            `*Task:* ${TASK_ARN}`,
            "*Stopped at:* 2026-11-23T03:04:05.123Z   *Started by:* events-rule/example-batch",
            `*Logs:* ${LOGS_URL}`,
          ].join("\n"),
        },
      });
    });

    it("is valid JSON when the event has no exit code or reasons", () => {
      const empty = Object.fromEntries(Object.keys(FAILURE_EVENT_PATHS).map((k) => [k, ""]));
      expect(() => JSON.parse(substitute(inputTemplate, empty))).not.toThrow();
    });

    it("puts every placeholder inside a string and leaves the environment out when there is none", () => {
      expect(inputTemplate.replace(/"(?:[^"\\]|\\.)*"/g, '""')).not.toMatch(/[<>]/);
      const { inputTemplate: withoutEnvironment } = failureMessageInputTransformer(emptyStack(), {
        ...TEXT,
        environment: undefined,
        format: "chatbot",
      });
      expect(JSON.parse(substitute(withoutEnvironment, SAMPLE_VALUES)).content.title).toBe(
        ":x: Batch job example-batch failed",
      );
    });
  });

  it("encodes a log group name known only at apply time in one Terraform local", () => {
    const { json } = synthesize((scope) => {
      const group = new CloudwatchLogGroup(scope, "Logs", { name: "/jobs/example" });
      const options = { ...TEXT, logGroupName: group.name };
      const text = failureMessageInputTransformer(scope, options);
      const chat = failureMessageInputTransformer(scope, { ...options, format: "chatbot" });
      new TerraformOutput(scope, "text", { value: text.inputTemplate });
      new TerraformOutput(scope, "chat", { value: chat.inputTemplate });
    });
    expect(json.locals).toEqual({
      LogsConsolePath: '${replace(aws_cloudwatch_log_group.Logs.name, "/", "$252F")}',
    });
    const text = json.output?.text.value as string;
    const chat = json.output?.chat.value as string;
    for (const template of [text, chat]) {
      expect(template).toContain(
        "#logsV2:log-groups/log-group/${local.LogsConsolePath}/log-events",
      );
    }
    for (const line of text.split("\n")) {
      expect(typeof JSON.parse(line)).toBe("string");
    }
  });
});
