import { Fn, TerraformLocal } from "cdktf";
import { Construct } from "constructs";
import { isUnresolved } from "../validation/construct-validation";
import { NotificationFormat } from "./failure-topic";

/** An EventBridge event pattern, as the JSON object it is rendered from. */
export type EventPattern = Readonly<Record<string, unknown>>;

export interface JobFailurePatternOptions {
  /** ARN of the cluster the job's tasks run in. */
  readonly clusterArn: string;
  /** The job's task definition family. */
  readonly family: string;
  /** Whether the task has containers besides the job's own (sidecars, or agents such as the
   * GuardDuty runtime monitoring container that AWS adds to the task). */
  readonly hasSidecars: boolean;
}

/**
 * The EventBridge pattern of the "ECS Task State Change" events that tell of a failed run.
 *
 * Without sidecars the task has one container, and the pattern is exact: the container stopped
 * with a non-zero exit code, or without one (it never ran, or was killed), or the task failed to
 * start.
 *
 * With sidecars the pattern has no exit-code condition, because EventBridge matches each field of
 * an array of objects independently, element by element: `containers.name = job` together with
 * `containers.exitCode != 0` matches a task whose sidecar exited 137 while the job exited 0, and a
 * pattern on exit code 0 would hide a failed job whose sidecar exited 0. Every STOPPED event of the
 * family is then sent to a filter that reads the whole event and finds the job's container by name.
 */
export function jobFailurePattern(options: JobFailurePatternOptions): EventPattern {
  const detail: Record<string, unknown> = {
    clusterArn: [options.clusterArn],
    group: [`family:${options.family}`],
    lastStatus: ["STOPPED"],
  };
  if (!options.hasSidecars) {
    detail["$or"] = [
      { containers: { exitCode: [{ "anything-but": 0 }] } },
      { containers: { exitCode: [{ exists: false }] } },
      { stopCode: ["TaskFailedToStart"] },
    ];
  }
  return { source: ["aws.ecs"], "detail-type": ["ECS Task State Change"], detail };
}

/** Where a job's logs are, for a link in a failure notice. */
export interface JobLogsLocation {
  /** Region of the log group. */
  readonly region: string;
  readonly logGroupName: string;
  /** The awslogs stream prefix of the job's task definition. */
  readonly logStreamPrefix: string;
  /** The job's container: streams are named `<prefix>/<container>/<task id>`. */
  readonly containerName: string;
}

/**
 * The CloudWatch console URL of a job's log group, filtered to the streams of the job's container
 * (`<prefix>/<container>/`). The task id, the last part of the task ARN, completes the stream name;
 * an EventBridge input template cannot cut it out of the ARN, so the filter stops before it.
 */
export function jobLogsConsoleUrl(scope: Construct, logs: JobLogsLocation): string {
  const group = consolePathPart(scope, logs.logGroupName);
  const streams = consolePathPart(scope, `${logs.logStreamPrefix}/${logs.containerName}/`);
  return (
    `https://${logs.region}.console.aws.amazon.com/cloudwatch/home?region=${logs.region}` +
    `#logsV2:log-groups/log-group/${group}/log-events$3FlogStreamNameFilter$3D${streams}`
  );
}

/** The console's encoding of a log group or stream name in a URL fragment: `/` is `$252F`. */
function consolePathPart(scope: Construct, value: string): string {
  if (!isUnresolved(value)) {
    return encodeURIComponent(value).replace(/%/g, "$25");
  }
  // A name known only at apply time is encoded by Terraform. The expression has quoted arguments,
  // which would make a template of quoted lines unreadable; a reference to a local keeps it plain.
  const known = consolePaths.get(scope) ?? new Map<string, string>();
  consolePaths.set(scope, known);
  let local = known.get(value);
  if (local === undefined) {
    const id = `LogsConsolePath${known.size === 0 ? "" : known.size + 1}`;
    local = new TerraformLocal(scope, id, Fn.replace(value, "/", "$252F")).asString;
    known.set(value, local);
  }
  return local;
}

const consolePaths = new WeakMap<Construct, Map<string, string>>();

/** The parts of a failure notice, and where they are in the event. */
export const FAILURE_EVENT_PATHS: Readonly<Record<string, string>> = {
  taskArn: "$.detail.taskArn",
  stopCode: "$.detail.stopCode",
  stoppedReason: "$.detail.stoppedReason",
  exitCode: "$.detail.containers[0].exitCode",
  containerReason: "$.detail.containers[0].reason",
  stoppedAt: "$.detail.stoppedAt",
  startedBy: "$.detail.startedBy",
};

export interface FailureMessageOptions extends JobLogsLocation {
  readonly jobName: string;
  /** The environment named in the message.
   * @default none */
  readonly environment?: string;
  /** `text` for people, `chatbot` for an AWS Chatbot topic. */
  readonly format: NotificationFormat;
}

/** An EventBridge input transformer: what to read from the event, and the message it makes. */
export interface FailureInputTransformer {
  readonly inputPaths: Readonly<Record<string, string>>;
  readonly inputTemplate: string;
}

/**
 * The input transformer that turns the "ECS Task State Change" event of a failed single-container
 * job into a failure notice: the exit code and reasons of its only container, the task, when it
 * stopped and who started it, and a link to its logs.
 *
 * `text` is one JSON string per line: EventBridge delivers a template that is not JSON line by
 * line, without the quotes. `chatbot` is an AWS Chatbot custom notification (JSON), with the
 * placeholders inside its strings. Values from the event are inserted unescaped, so `<` and `>`
 * never appear in the template except around placeholders.
 *
 * `scope` holds the Terraform local that encodes a log group name known only at apply time.
 */
export function failureMessageInputTransformer(
  scope: Construct,
  options: FailureMessageOptions,
): FailureInputTransformer {
  const logs = jobLogsConsoleUrl(scope, options);
  const inputPaths = { ...FAILURE_EVENT_PATHS };
  if (options.format === "text") {
    const where = options.environment !== undefined ? ` (environment ${options.environment})` : "";
    const lines = [
      `Batch job ${options.jobName} failed${where}.`,
      "Exit code: <exitCode>  Stop code: <stopCode>",
      "Reason: <stoppedReason> <containerReason>",
      "Task: <taskArn>",
      "Stopped at: <stoppedAt>  Started by: <startedBy>",
      `Logs: ${logs}`,
    ];
    return { inputPaths, inputTemplate: lines.map((line) => JSON.stringify(line)).join("\n") };
  }
  const where = options.environment !== undefined ? ` (${options.environment})` : "";
  return {
    inputPaths,
    inputTemplate: JSON.stringify({
      version: "1.0",
      source: "custom",
      content: {
        textType: "client-markdown",
        title: `:x: Batch job ${options.jobName} failed${where}`,
        description: [
          "*Exit code:* <exitCode>   *Stop code:* <stopCode>",
          "*Reason:* <stoppedReason> <containerReason>",
          "*Task:* <taskArn>",
          "*Stopped at:* <stoppedAt>   *Started by:* <startedBy>",
          `*Logs:* ${logs}`,
        ].join("\n"),
      },
    }),
  };
}
