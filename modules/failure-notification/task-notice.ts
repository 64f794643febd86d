import { jsonText } from "../json-text/json-text";
import {
  JOB_CONTAINER_FAILED,
  jobContainerBinding,
  TASK_FAMILY,
  TASK_ID,
} from "../task-events/task-event";

/*
 * What a stopped task of a job tells, in one place: whether it is a failure of the job (the job
 * container's own state decides, whatever else the task holds) and the notice people get. Both
 * are JSONata, evaluated by the notice filter's state machine on the job's description (from the
 * job's rule) and the whole "ECS Task State Change" event.
 */

/** The job a notice filter reads a stopped task of: what its rule passes with the event. */
export interface NoticeJob {
  /** The job, as named in notices. */
  readonly name: string;
  /** The environment named in notices. @default none */
  readonly environment?: string;
  /** ARN of the cluster its tasks run in. */
  readonly clusterArn: string;
  /** Its task definition family. */
  readonly family: string;
  /** Its own container: the one whose exit code is the job's result. */
  readonly container: string;
  /** Its log group, and the awslogs stream prefix of its containers (streams are
   * `<prefix>/<container>/<task id>`). */
  readonly logGroupName: string;
  readonly logStreamPrefix: string;
  /** With a FireLens log router: where the router sends the job's output (its output plugin).
   * @default the job's output is in its log group */
  readonly logRouterDestination?: string;
  /** Whether running it again is harmless. */
  readonly safeToRerun: boolean;
  /** How to run it again, e.g. `ecs-batch run nightly-report --env prod`. */
  readonly rerun: string;
}

/**
 * The input template of a job's rule target: the job, and the event as `event`. Values from the
 * job are JSON; EventBridge fills in `<aws.events.event.json>`, the whole event.
 */
export function noticeFilterInputTemplate(job: NoticeJob): string {
  // A boolean known only at apply time (a Terraform variable) is written by Terraform.
  const fields = jsonText({
    job: {
      name: job.name,
      environment: job.environment,
      clusterArn: job.clusterArn,
      family: job.family,
      container: job.container,
      logGroupName: job.logGroupName,
      logStreamPrefix: job.logStreamPrefix,
      logRouterDestination: job.logRouterDestination,
      safeToRerun: job.safeToRerun,
      rerun: job.rerun,
    },
  });
  return `${fields.slice(0, -1)},"event":<aws.events.event.json>}`;
}

/** JSONata bindings every expression below starts from: the job, the task and its job container. */
const BINDINGS = [
  "$job := $states.input.job",
  "$detail := $states.input.event.detail",
  jobContainerBinding("$job.container"),
];

/**
 * Whether the event tells of a failed run of the job: a STOPPED task of the job's family in its
 * cluster whose job container has no exit code (it never ran, or was stopped before it exited) or
 * a non-zero one. Other containers (sidecars, a log router, agents AWS adds such as GuardDuty's)
 * neither cause nor hide a failure. The job's rule matches the same family, cluster and status;
 * the filter checks them again so that it is right on its own.
 */
export const JOB_FAILED = `(${[
  ...BINDINGS,
  `$family := ${TASK_FAMILY}`,
  `$detail.lastStatus = "STOPPED" and $detail.clusterArn = $job.clusterArn and $family = $job.family and ${JOB_CONTAINER_FAILED}`,
].join("; ")})`;

/**
 * The notice of a failed run, `{ name, subject, text, chatbot }`: `name` (the task's id) names the
 * sending execution, so one task is told of once; `subject` is the e-mail subject (printable ASCII,
 * at most 100 characters, as SNS takes it); `text` is for people; `chatbot` is an AWS Chatbot
 * custom notification (JSON text).
 */
export const TASK_NOTICE = `(
  ${BINDINGS.join(";\n  ")};
  $region := $states.input.event.region;
  $console := $substring($region, 0, 3) = "cn-" ? "https://console.amazonaws.cn" :
    $substring($region, 0, 7) = "us-gov-" ? "https://console.amazonaws-us-gov.com" :
    "https://" & $region & ".console.aws.amazon.com";
  /* The console's encoding of a name in a URL fragment: '/' is $252F, '#' is $2523. */
  $path := function($name) { $join($split($join($split($name, "#"), "$2523"), "/"), "$252F") };
  $taskId := ${TASK_ID};
  $cluster := $split($detail.clusterArn, "/")[-1];
  $where := $exists($job.environment) ? " (environment " & $job.environment & ")" : "";
  $exitCode := $container.exitCode;
  $signal := $exitCode = 137 ? "killed: SIGKILL" : $exitCode = 143 ? "terminated: SIGTERM" : "";
  $reason := $container.reason ? $container.reason : $signal;
  $exit := $exists($exitCode)
    ? $string($exitCode) & ($reason ? " (" & $reason & ")" : "")
    : "none: " & (
        $not($exists($container)) ? "the task has no container named " & $job.container :
        $container.reason ? $container.reason :
        $detail.stopCode = "TaskFailedToStart" ? "the task failed to start" :
        "the container stopped before it exited (" & $detail.stopCode & ")"
      );
  $stop := $detail.stopCode & ($detail.stoppedReason ? ": " & $detail.stoppedReason : "");
  $started := $exists($detail.startedAt) ? $detail.startedAt : "never";
  $taskLink := $console & "/ecs/v2/clusters/" & $cluster & "/tasks/" & $taskId &
    "/configuration?region=" & $region;
  $logLink := function($container) {
    $console & "/cloudwatch/home?region=" & $region & "#logsV2:log-groups/log-group/" &
      $path($job.logGroupName) & "/log-events/" &
      $path($job.logStreamPrefix & "/" & $container & "/" & $taskId)
  };
  $logs := $not($exists($detail.startedAt)) ? "none: the task never started" :
    $exists($job.logRouterDestination)
    ? "sent by the log router to " & $job.logRouterDestination & "; the router's own log: " &
      $logLink("log_router")
    : $logLink($job.container);
  $safe := $job.safeToRerun ? "yes" : "no: check what the job already did before running it again";
  $title := "Batch job " & $job.name & " failed" & $where;
  {
    "name": $taskId,
    "subject": $substring($replace($title, /[^ -~]/, "?"), 0, 100),
    "text": $join([
      $title & ".",
      "Exit code: " & $exit,
      "Stop code: " & $stop,
      "Started: " & $started & "  Stopped: " & $detail.stoppedAt,
      "Started by: " & $detail.startedBy,
      "Task: " & $detail.taskArn,
      "Task in the console: " & $taskLink,
      "Log of this run: " & $logs,
      "Safe to re-run: " & $safe,
      "Re-run: " & $job.rerun
    ], "\\n"),
    "chatbot": $string({
      "version": "1.0",
      "source": "custom",
      "content": {
        "textType": "client-markdown",
        "title": ":x: " & $title,
        "description": $join([
          "*Exit code:* " & $exit,
          "*Stop code:* " & $stop,
          "*Started:* " & $started & "   *Stopped:* " & $detail.stoppedAt,
          "*Started by:* " & $detail.startedBy,
          "*Task:* " & $taskLink,
          "*Log of this run:* " & $logs,
          "*Safe to re-run:* " & $safe
        ], "\\n"),
        "nextSteps": ["Re-run: \`" & $job.rerun & "\`"]
      }
    })
  }
)`.replace(/\s*\n\s*/g, " ");
