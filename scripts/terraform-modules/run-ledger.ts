import { Fn, TerraformLocal, Token } from "cdktf";
import { CLUSTER_ARN } from "../../modules/failure-notification/job-failure-notification";
import { DEFAULT_LOG_RETENTION_DAYS } from "../../modules/job-log-group/job-log-group";
import { LedgerJobEntry } from "../../modules/run-ledger/recorder-definition";
import { RUN_LEDGER_ENVIRONMENT, RunLedger } from "../../modules/run-ledger/run-ledger";
import { TerraformModule, VariableValidation } from "./terraform-module";
import {
  eachMatches,
  hclString,
  LOG_GROUP_NAME_PATTERN,
  LOG_RETENTION,
  matches,
  notEmpty,
  SNS_TOPIC_ARN_PATTERN,
} from "./validations";

/** A task definition family or container name (validateTaskFamily, validateContainerName). */
const FAMILY_PATTERN = "^[A-Za-z0-9_-]{1,255}$";

/** The awslogs stream prefix of the scheduled-job module's containers. */
const STREAM_PREFIX = "batch";

/** Each job of `var.jobs` whose `field` is set satisfies `condition` (an HCL expression on it). */
function eachSetField(field: string, condition: string, errorMessage: string): VariableValidation {
  return {
    // Older Terraform versions evaluate both sides of ||, so the null case is a conditional.
    condition: `alltrue([for job in values(var.jobs) : job.${field} == null ? true : ${condition.replace(/\bVALUE\b/g, `job.${field}`)}])`,
    errorMessage,
  };
}

/**
 * `RunLedger` as a module: the run ledger of an environment whose jobs are scheduled-job modules.
 * The jobs are a map variable, so the recorder's job table is written by Terraform: a local turns
 * the snake_case entries into the recorder's entries (LedgerJobEntry), with the defaults RunLedger
 * gives `jobs` and no key for a value that is not set.
 */
export const runLedgerModule: TerraformModule = {
  name: "run-ledger",
  summary:
    "The run ledger of an environment: every start and stop of its jobs' tasks, whoever started them (a rule, a schedule, a workflow, `ecs-batch run`, a person), as one JSON record each (job, task, who started it, created, started and stopped times, duration, the exit code of the job's own container by name, stop code and reason, the run's log stream) in the CloudWatch Logs log group `/aws/events/<environment>-batch-runs`. An EventBridge rule on the clusters' ECS Task State Change events (RUNNING, STOPPED) starts a recorder (an Express state machine that knows the jobs by task definition family), which puts each record on the default event bus as a Batch Job Run event; a second rule stores them in the log group, whose resource policy lets EventBridge write for that rule only. With alarm_topic_arns, an alarm on the recorder's failed executions (a run that may be missing).",
  notOffered: [
    "A KMS key for the ledger's log group: CloudWatch Logs' own encryption. Use the cdktf `RunLedger` with `kmsKeyArn`.",
    "A permissions boundary on the recorder's and EventBridge's roles, or a name prefix for them: use the cdktf `RunLedger` under an `IamScope`.",
    "The dashboard of the environment's runs: the cdktf environments make one from the ledger; this module makes none.",
    "Access to the ledger for `ecs-batch history` and `ecs-batch logs`: they find it through each job's runner parameter (pass log_group_name to ledger_log_group_name of the scheduled-job module), and whoever runs them needs logs:StartQuery and logs:GetQueryResults on log_group_arn, and logs:StopQuery (on `*`: it has no resource-level permissions), in a policy of the estate's own.",
    "Checks at plan time that a job of jobs exists or runs in one of cluster_arns: a job that is not listed is not recorded, a listed job that never runs records nothing.",
    "Tags: set them with the provider's `default_tags`.",
  ],
  variables: [
    {
      name: "environment",
      type: "string",
      description:
        "The environment, e.g. prod: names the log group `/aws/events/<environment>-batch-runs`, the rules `<environment>-batch-task-changes` and `<environment>-batch-runs`, the recorder and its roles, and is in every record. 1-32 lower-case letters, digits and '-', starting with a letter.",
      validation: [
        matches(
          "environment",
          RUN_LEDGER_ENVIRONMENT.source,
          "The environment must have 1-32 lower-case letters, digits and '-', starting with a letter: it names the ledger's log group, rules, recorder and roles.",
        ),
      ],
      example: '"prod"',
    },
    {
      name: "cluster_arns",
      type: "list(string)",
      description:
        "ARNs of the ECS clusters the jobs run in: every start and stop of a task there is read, and recorded when its family is a key of jobs.",
      validation: [
        notEmpty("cluster_arns", "the ARN of each cluster the jobs run in"),
        eachMatches(
          "cluster_arns",
          CLUSTER_ARN.source,
          "The cluster_arns must be ECS cluster ARNs (arn:aws:ecs:REGION:ACCOUNT:cluster/NAME), not the clusters' names.",
        ),
      ],
      example: "[aws_ecs_cluster.batch.arn]",
    },
    {
      name: "jobs",
      type: `map(object({ container = optional(string), log_group_name = optional(string), log_stream_prefix = optional(string, ${hclString(STREAM_PREFIX)}) }))`,
      description: `The jobs whose runs are recorded, by task definition family: task_definition_family (the job_name) of each scheduled-job module. container: the job's own container, whose exit code is the run's result; null: the key, as the scheduled-job module names its container. log_group_name: the job's log group, so that each record names the run's log stream; null: records name no log stream. log_stream_prefix: the awslogs stream prefix of the job's containers, \`${STREAM_PREFIX}\` in the scheduled-job module.`,
      validation: [
        {
          condition: `alltrue([for family in keys(var.jobs) : can(regex(${hclString(FAMILY_PATTERN)}, family))])`,
          errorMessage:
            "The keys of jobs must be task definition families: 1-255 letters, digits, '-' and '_' (the job_name of a scheduled-job module).",
        },
        eachSetField(
          "container",
          `can(regex(${hclString(FAMILY_PATTERN)}, VALUE))`,
          "The container of each job must be a container name: 1-255 letters, digits, '-' and '_'.",
        ),
        eachSetField(
          "log_group_name",
          `can(regex(${hclString(LOG_GROUP_NAME_PATTERN)}, VALUE))`,
          "The log_group_name of each job must be a log group's name (1-512 letters, digits and '._-/#'), not its ARN.",
        ),
        eachSetField(
          "log_group_name",
          'substr(VALUE, 0, 4) != "aws/"',
          "The log_group_name of each job must not start with aws/: AWS reserves that prefix.",
        ),
      ],
      example: '{ "nightly-report" = { log_group_name = module.nightly_report.log_group_name } }',
    },
    {
      name: "retention_days",
      type: "number",
      description: "Days CloudWatch Logs keeps the records.",
      default: DEFAULT_LOG_RETENTION_DAYS,
      validation: [LOG_RETENTION("retention_days")],
    },
    {
      name: "alarm_topic_arns",
      type: "list(string)",
      description:
        "SNS topics an alarm tells when executions of the recorder fail (a start or stop may be missing from the ledger), e.g. topic_arn of the failure-notification module; empty: no alarm.",
      default: [],
      validation: [
        eachMatches(
          "alarm_topic_arns",
          SNS_TOPIC_ARN_PATTERN,
          "The alarm_topic_arns must be SNS topic ARNs (arn:aws:sns:REGION:ACCOUNT:NAME).",
        ),
      ],
      example: "[module.batch_failures.topic_arn]",
    },
  ],
  outputs: [
    {
      name: "log_group_name",
      description:
        "The ledger's log group: where `ecs-batch history` and Logs Insights read the records.",
    },
    { name: "log_group_arn", description: "ARN of the ledger's log group." },
    { name: "recorder_arn", description: "ARN of the recorder, an Express state machine." },
    {
      name: "task_rule_arn",
      description: "ARN of the rule on the clusters' task starts and stops.",
    },
    {
      name: "ledger_rule_arn",
      description: "ARN of the rule that stores the records in the log group.",
    },
  ],
  build: (scope, inputs) => {
    // The recorder's entries (LedgerJobEntry) from the snake_case ones, with RunLedger's defaults
    // for `jobs`. A key whose value is null is left out: the recorder reads a null log group as a
    // log group. A `for` expression with a filter has no cdktf form, so it is written in HCL.
    const entry: Record<keyof LedgerJobEntry, string> = {
      container: "coalesce(job.container, family)",
      logGroupName: "job.log_group_name",
      logStreamPrefix: "job.log_stream_prefix",
    };
    const fields = Object.entries(entry)
      .map(([key, value]) => `${key} = ${value}`)
      .join(", ");
    const jobTable = new TerraformLocal(
      scope,
      "job_table",
      `\${{ for family, job in ${inputs.reference("jobs")} : family => { for key, value in { ${fields} } : key => value if value != null } }}`,
    );
    const alarmTopicArns = inputs.list("alarm_topic_arns");
    const ledger = new RunLedger(scope, "Ledger", {
      environment: inputs.string("environment"),
      clusterArns: inputs.list("cluster_arns"),
      jobTable: jobTable.asAnyMap,
      retentionDays: inputs.number("retention_days"),
      alarmTopicArns,
    });
    // RunLedger makes the alarm for topics it cannot count at synth time; Terraform counts them:
    // one alarm for one or more topics, none for none.
    ledger.recorderFailedAlarm!.count = Token.asNumber(Fn.min([Fn.lengthOf(alarmTopicArns), 1]));
    return {
      log_group_name: ledger.logGroupName,
      log_group_arn: ledger.logGroupArn,
      recorder_arn: ledger.recorder.arn,
      task_rule_arn: ledger.taskRule.arn,
      ledger_rule_arn: ledger.ledgerRule.arn,
    };
  },
};
