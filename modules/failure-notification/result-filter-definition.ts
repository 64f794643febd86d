import { FailureDelivery } from "./failure-topic";

/**
 * What the result filter receives from the rule's input transformer: the job's names and where
 * its logs are, and the whole "ECS Task State Change" event.
 */
export interface ResultFilterInput {
  readonly job: string;
  /** @default no environment in messages */
  readonly environment?: string;
  /** Name of the job's container, whose exit code is the job's result. */
  readonly container: string;
  readonly logGroupName: string;
  readonly logStreamPrefix: string;
  readonly region: string;
}

/**
 * The input template of the rule target that starts the result filter: the fields of
 * {@link ResultFilterInput}, and the event as `event`.
 */
export function resultFilterInputTemplate(input: ResultFilterInput): string {
  const fields = JSON.stringify({
    job: input.job,
    environment: input.environment,
    container: input.container,
    logGroupName: input.logGroupName,
    logStreamPrefix: input.logStreamPrefix,
    region: input.region,
  });
  return `${fields.slice(0, -1)},"event":<aws.events.event.json>}`;
}

/**
 * The JSONata condition of a failed run: the container named `container` has no exit code (it
 * never ran, or was killed) or a non-zero one. Sidecars' exit codes do not count. A task without
 * that container (it failed before creating it) counts as failed.
 */
export const JOB_CONTAINER_FAILED =
  "($jobContainer := $states.input.event.detail.containers[name = $states.input.container]; " +
  "$not($exists($jobContainer.exitCode)) or $jobContainer.exitCode != 0)";

/**
 * The failure notice in both formats, as `{ "text": ..., "chatbot": ... }`: the same information
 * as the single-container input transformer, with the exact log stream of the run
 * (`<prefix>/<container>/<task id>`), which JSONata can cut out of the task ARN.
 */
const FAILURE_NOTICE = `(
  $input := $states.input;
  $detail := $input.event.detail;
  $jobContainer := $detail.containers[name = $input.container];
  $consolePath := function($name) { $join($split($name, "/"), "$252F") };
  $taskId := $split($detail.taskArn, "/")[-1];
  $logs := "https://" & $input.region & ".console.aws.amazon.com/cloudwatch/home?region=" &
    $input.region & "#logsV2:log-groups/log-group/" & $consolePath($input.logGroupName) &
    "/log-events/" & $consolePath($input.logStreamPrefix & "/" & $input.container & "/" & $taskId);
  $exitCode := $exists($jobContainer.exitCode) ? $string($jobContainer.exitCode) : "none";
  $hasEnvironment := $exists($input.environment);
  {
    "text": $join([
      "Batch job " & $input.job & " failed" &
        ($hasEnvironment ? " (environment " & $input.environment & ")" : "") & ".",
      "Exit code: " & $exitCode & "  Stop code: " & $detail.stopCode,
      "Reason: " & $detail.stoppedReason & " " & $jobContainer.reason,
      "Task: " & $detail.taskArn,
      "Stopped at: " & $detail.stoppedAt & "  Started by: " & $detail.startedBy,
      "Logs: " & $logs
    ], "\\n"),
    "chatbot": $string({
      "version": "1.0",
      "source": "custom",
      "content": {
        "textType": "client-markdown",
        "title": ":x: Batch job " & $input.job & " failed" &
          ($hasEnvironment ? " (" & $input.environment & ")" : ""),
        "description": $join([
          "*Exit code:* " & $exitCode & "   *Stop code:* " & $detail.stopCode,
          "*Reason:* " & $detail.stoppedReason & " " & $jobContainer.reason,
          "*Task:* " & $detail.taskArn,
          "*Stopped at:* " & $detail.stoppedAt & "   *Started by:* " & $detail.startedBy,
          "*Logs:* " & $logs
        ], "\\n")
      }
    })
  }
)`.replace(/\s*\n\s*/g, " ");

/** Names of the states that publish to each delivery, in order: by format, numbered if repeated. */
function notifyStateNames(deliveries: readonly FailureDelivery[]): string[] {
  return deliveries.map((delivery, index) => {
    const name = delivery.format === "text" ? "NotifyPeople" : "NotifyChat";
    const repeated = deliveries.slice(0, index).some((d) => d.format === delivery.format);
    return repeated ? `${name}${index + 1}` : name;
  });
}

/**
 * The Amazon States Language definition (JSONata) of a job's result filter: it reads the STOPPED
 * event of a task with sidecars, ends quietly when the job's container exited 0, and otherwise
 * publishes the failure notice to every delivery topic in its format.
 */
export function resultFilterDefinition(
  jobName: string,
  deliveries: readonly FailureDelivery[],
): string {
  if (deliveries.length === 0) {
    throw new Error("the result filter needs at least one topic to notify");
  }
  const names = notifyStateNames(deliveries);
  const notify: Record<string, unknown> = {};
  deliveries.forEach((delivery, index) => {
    const next = names[index + 1];
    notify[names[index]] = {
      Type: "Task",
      Resource: "arn:aws:states:::sns:publish",
      Arguments: { TopicArn: delivery.topicArn, Message: `{% $notice.${delivery.format} %}` },
      Retry: [
        {
          ErrorEquals: ["States.ALL"],
          IntervalSeconds: 2,
          MaxAttempts: 5,
          BackoffRate: 2,
        },
      ],
      ...(next ? { Next: next } : { End: true }),
    };
  });
  return JSON.stringify({
    Comment: `Notifies when the container of batch job ${jobName} stopped without exit code 0; sidecars' exit codes are ignored`,
    QueryLanguage: "JSONata",
    StartAt: "JobContainerFailed",
    States: {
      JobContainerFailed: {
        Type: "Choice",
        Choices: [{ Condition: `{% ${JOB_CONTAINER_FAILED} %}`, Next: "DescribeFailure" }],
        Default: "JobSucceeded",
      },
      JobSucceeded: { Type: "Succeed" },
      DescribeFailure: {
        Type: "Pass",
        Assign: { notice: `{% ${FAILURE_NOTICE} %}` },
        Next: names[0],
      },
      ...notify,
    },
  });
}
