import {
  CLUSTER_ARN,
  JobFailureNotification,
} from "../../modules/failure-notification/job-failure-notification";
import { runCommandOf } from "../../contract/job-run-spec";
import { DEFAULT_RUNNER_PARAMETER_PREFIX } from "../../modules/batch-job/runner-parameter";
import { TerraformModule } from "./terraform-module";
import {
  LOG_GROUP_NAME_PATTERN,
  PARAMETER_PATH,
  SNS_TOPIC_ARN_PATTERN,
  matches,
} from "./validations";

/** Rule names have at most 64 characters, and the failure rule is `<job>-failed`. */
const JOB_NAME_MAX = 64 - "-failed".length;

/**
 * `JobFailureNotification` as a module, for a job of the scheduled-job module: its container and
 * task definition family are named after the job, and its logs use the stream prefix `batch`.
 */
export const jobFailureAlertsModule: TerraformModule = {
  name: "job-failure-alerts",
  summary:
    "Failure notices of one job of the scheduled-job module, through the notice filter of the failure-notification module: an EventBridge rule on the job's stopped tasks (its cluster, any revision of its family, however started) that hands each one to the filter, which decides by the job's own container (a non-zero exit code, or none) and sends one notice per failed task, naming the exit code or why there is none, the stop code and reason, when it started and stopped, links to the task and to the run's log, and how to re-run it; and CloudWatch alarms on runs the schedule could not start (the rule's failed invocations, messages in its dead-letter queue).",
  notOffered: [
    "The environment's name in messages, and AWS Chatbot (Slack) messages: use the cdktf `FailureTopic` and `BatchJob`.",
    "Jobs not made by the scheduled-job module: the module expects the container and family named after the job and the log stream prefix batch.",
    "Tags: set them with the provider's `default_tags`.",
  ],
  variables: [
    {
      name: "job_name",
      type: "string",
      description: `The job: job_name of the scheduled-job module. Names the rule \`<job_name>-failed\` and the alarms. 1-${JOB_NAME_MAX} letters, digits, '-' and '_'.`,
      validation: [
        matches(
          "job_name",
          `^[A-Za-z0-9_-]{1,${JOB_NAME_MAX}}$`,
          `The job_name must have 1-${JOB_NAME_MAX} letters, digits, '-' and '_': the rule <job_name>-failed may have at most 64 characters.`,
        ),
      ],
      example: "module.nightly_report.container_name",
    },
    {
      name: "cluster_arn",
      type: "string",
      description: "ARN of the ECS cluster the job runs in: the rule matches it exactly.",
      validation: [
        matches(
          "cluster_arn",
          CLUSTER_ARN.source,
          "The cluster_arn must be an ECS cluster ARN (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME), not the cluster's name.",
        ),
      ],
      example: "aws_ecs_cluster.batch.arn",
    },
    {
      name: "log_group_name",
      type: "string",
      description: "The job's log group, for the link in messages: log_group_name of the job.",
      validation: [
        matches(
          "log_group_name",
          LOG_GROUP_NAME_PATTERN,
          "The log_group_name must have 1-512 letters, digits and '._-/#'.",
        ),
        {
          condition: 'substr(var.log_group_name, 0, 4) != "aws/"',
          errorMessage: "The log_group_name must not start with aws/: AWS reserves that prefix.",
        },
      ],
      example: "module.nightly_report.log_group_name",
    },
    {
      name: "rule_name",
      type: "string",
      description:
        "The job's schedule rule: an alarm on its failed invocations (no capacity, a missing permission, a bad subnet).",
      validation: [
        matches(
          "rule_name",
          "^[.\\-_A-Za-z0-9]{1,64}$",
          "The rule_name must be a rule name (1-64 letters, digits, '.', '-' and '_'), not its ARN.",
        ),
      ],
      example: "module.nightly_report.rule_name",
    },
    {
      name: "dead_letter_queue_name",
      type: "string",
      description:
        "The schedule's dead-letter queue: an alarm when it holds runs that could not be started after the retries.",
      validation: [
        matches(
          "dead_letter_queue_name",
          "^[A-Za-z0-9_-]{1,80}$",
          "The dead_letter_queue_name must be a standard queue's name (1-80 letters, digits, '-' and '_'), not its ARN or URL.",
        ),
      ],
      example: "module.nightly_report.dead_letter_queue_name",
    },
    {
      name: "notice_filter_arn",
      type: "string",
      description:
        "The notice filter the rule sends the job's stopped tasks to: notice_filter_arn of the failure-notification module.",
      validation: [
        matches(
          "notice_filter_arn",
          "^arn:aws[a-z-]*:states:[a-z0-9-]+:[0-9]{12}:stateMachine:[A-Za-z0-9_-]{1,80}$",
          "The notice_filter_arn must be a state machine ARN (arn:aws:states:REGION:ACCOUNT:stateMachine:NAME): notice_filter_arn of the failure-notification module.",
        ),
      ],
      example: "module.batch_failures.notice_filter_arn",
    },
    {
      name: "notice_filter_role_arn",
      type: "string",
      description:
        "The role EventBridge assumes to start the notice filter: notice_filter_role_arn of the failure-notification module.",
      validation: [
        matches(
          "notice_filter_role_arn",
          "^arn:aws[a-z-]*:iam::[0-9]{12}:role/[\\w+=,.@/-]{1,512}$",
          "The notice_filter_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME): notice_filter_role_arn of the failure-notification module.",
        ),
      ],
      example: "module.batch_failures.notice_filter_role_arn",
    },
    {
      name: "safe_to_rerun",
      type: "bool",
      description:
        "Whether running the job again is harmless, as notices say: safe_to_rerun of the job.",
      default: false,
    },
    {
      name: "runner_parameter_prefix",
      type: "string",
      description:
        "The job's runner_parameter_prefix, for the re-run command in notices: `ecs-batch run <job_name> --parameter-prefix <prefix>`.",
      default: DEFAULT_RUNNER_PARAMETER_PREFIX,
      validation: [PARAMETER_PATH("runner_parameter_prefix")],
    },
    {
      name: "topic_arn",
      type: "string",
      description:
        "The topic the alarms notify: topic_arn of the failure-notification module, whose key policy lets CloudWatch alarms publish.",
      validation: [
        matches(
          "topic_arn",
          SNS_TOPIC_ARN_PATTERN,
          "The topic_arn must be an SNS topic ARN (arn:aws:sns:REGION:ACCOUNT:NAME).",
        ),
      ],
      example: "module.batch_failures.topic_arn",
    },
  ],
  outputs: [
    { name: "failure_rule_arn", description: "ARN of the rule on the job's stopped tasks." },
    { name: "failure_rule_name", description: "Name of the rule: `<job_name>-failed`." },
    {
      name: "start_failed_alarm_arn",
      description: "ARN of the alarm on runs the schedule could not start.",
    },
    {
      name: "runs_not_started_alarm_arn",
      description: "ARN of the alarm on runs left in the dead-letter queue.",
    },
  ],
  build: (scope, inputs) => {
    const jobName = inputs.string("job_name");
    const notification = new JobFailureNotification(scope, "Notification", {
      jobName,
      clusterArn: inputs.string("cluster_arn"),
      family: jobName,
      containerName: jobName,
      logGroupName: inputs.string("log_group_name"),
      safeToRerun: inputs.bool("safe_to_rerun"),
      rerunCommand: runCommandOf(jobName, inputs.string("runner_parameter_prefix")),
      topic: {
        deliveries: [{ topicArn: inputs.string("topic_arn"), format: "text" }],
        noticeFilter: () => ({
          stateMachineArn: inputs.string("notice_filter_arn"),
          eventsRoleArn: inputs.string("notice_filter_role_arn"),
        }),
      },
      scheduleRuleName: inputs.string("rule_name"),
      deadLetterQueueName: inputs.string("dead_letter_queue_name"),
    });
    return {
      failure_rule_arn: notification.rule.arn,
      failure_rule_name: notification.ruleName,
      start_failed_alarm_arn: notification.invocationAlarm!.arn,
      runs_not_started_alarm_arn: notification.deadLetterAlarm!.arn,
    };
  },
};
