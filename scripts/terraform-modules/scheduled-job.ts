import { BatchJob } from "../../modules/batch-job/batch-job";
import { DEFAULT_RUNNER_PARAMETER_PREFIX } from "../../modules/batch-job/runner-parameter";
import { CpuArchitecture } from "../../modules/batch-task-definition/batch-task-definition";
import { ENV_NAME } from "../../modules/batch-task-definition/container-definition";
import { CLUSTER_ARN } from "../../modules/failure-notification/job-failure-notification";
import { DEFAULT_LOG_RETENTION_DAYS } from "../../modules/job-log-group/job-log-group";
import { PLATFORM_VERSION } from "../../modules/job-run/job-run-validation";
import { IamScope } from "../../modules/iam-role/iam-scope";
import { TerraformModule } from "./terraform-module";
import {
  EVENT_AGE,
  FARGATE_CPU_VALUES,
  FARGATE_MEMORY_VALUES,
  LOG_GROUP_NAME_PATTERN,
  LOG_RETENTION,
  PARAMETER_PATH,
  RETRY_ATTEMPTS,
  SCHEDULE_EXPRESSION_MESSAGE,
  SCHEDULE_EXPRESSION_PATTERN,
  eachMatches,
  hclString,
  matches,
  maxLength,
  notEmpty,
  oneOf,
} from "./validations";

/** IAM role names have at most 64 characters, and the job's execution role is `<job>-execution`. */
const JOB_NAME_MAX = 64 - "-execution".length;

/**
 * `ScheduledJob` as a module: one container image run on an EventBridge rule's schedule, with its
 * log group, execution role, task definition, least-privilege events role, dead-letter queue and
 * the runner's SSM parameter.
 */
export const scheduledJobModule: TerraformModule = {
  name: "scheduled-job",
  summary:
    "A batch job on ECS Fargate run on a schedule: an EventBridge rule (UTC) and its target, a least-privilege role for them, an encrypted dead-letter queue for runs that could not start, the job's log group, execution role and task definition, and the SSM parameter `ecs-batch run` reads.",
  notOffered: [
    "Sidecar containers, secrets from SSM or Secrets Manager, several containers: each changes which resources and statements exist, so a variable cannot switch it. Use the cdktf `ScheduledJob`.",
    "EventBridge Scheduler (time zones, flexible windows, one-time `at(...)`) and `preventOverlap`: they replace the rule with other resources. Write the schedule in UTC here, or use the cdktf `ScheduledJob` with `scheduler`.",
    "Failure notification inside the module: it is a module of its own, job-failure-alerts, fed with this module's outputs and a topic of the failure-notification module.",
    "An existing task definition, log group or events role (the construct's escape hatches), a job without a schedule, or no runner parameter.",
    "Tags: set them with the provider's `default_tags`.",
  ],
  variables: [
    {
      name: "job_name",
      type: "string",
      description: `Name of the job: names its rule, target, task definition family, container, log group (\`/ecs-scheduled-tasks/<job_name>\`), roles and queue. 1-${JOB_NAME_MAX} letters, digits, '-' and '_'.`,
      validation: [
        matches(
          "job_name",
          `^[A-Za-z0-9_-]{1,${JOB_NAME_MAX}}$`,
          `The job_name must have 1-${JOB_NAME_MAX} letters, digits, '-' and '_': it names the task definition family, the rule and the roles, and <job_name>-execution may have at most 64 characters.`,
        ),
      ],
      example: '"nightly-report"',
    },
    {
      name: "schedule_expression",
      type: "string",
      description:
        "When the job runs, in UTC: rate(value unit), e.g. rate(1 hour), or six-field cron(minutes hours day-of-month month day-of-week year), e.g. cron(0 18 * * ? *).",
      validation: [
        matches("schedule_expression", SCHEDULE_EXPRESSION_PATTERN, SCHEDULE_EXPRESSION_MESSAGE),
        maxLength("schedule_expression", 256),
      ],
      example: '"cron(0 18 * * ? *)"',
    },
    {
      name: "cluster_arn",
      type: "string",
      description: "ARN of the ECS cluster the job runs in.",
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
      name: "subnet_ids",
      type: "list(string)",
      description:
        "Subnets of the task's network interface: private subnets with a NAT gateway or VPC endpoints.",
      validation: [notEmpty("subnet_ids", "at least one subnet")],
      example: '["subnet-0123456789abcdef0"]',
    },
    {
      name: "image",
      type: "string",
      description:
        "Image URI of the job's container, e.g. 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/report:1a2b3c4.",
      validation: [
        matches("image", "^\\S+$", "The image must be a non-empty image URI without spaces."),
      ],
      example: '"123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/report:1a2b3c4"',
    },
    {
      name: "description",
      type: "string",
      description: "What the job does, for people: the rule's description.",
      default: null,
      validation: [maxLength("description", 512, true)],
    },
    {
      name: "security_group_ids",
      type: "list(string)",
      description: "Security groups of the task's network interface; empty: the VPC's default.",
      default: [],
    },
    {
      name: "command",
      type: "list(string)",
      description: "Command of the container; null: the image's CMD.",
      default: null,
      example: '["python", "-m", "report"]',
    },
    {
      name: "environment",
      type: "map(string)",
      description: "Plain environment variables of the container. Never put secrets here.",
      default: {},
      validation: [
        {
          condition: `alltrue([for name in keys(var.environment) : can(regex(${hclString(ENV_NAME.source)}, name))])`,
          errorMessage:
            "The environment variable names must be letters, digits and '_', not starting with a digit.",
        },
      ],
      example: '{ REPORT_DATE = "yesterday" }',
    },
    {
      name: "readonly_root_filesystem",
      type: "bool",
      description:
        "Mount the container's root file system read-only; false for images that must write to it.",
      default: true,
    },
    {
      name: "cpu",
      type: "number",
      description: "CPU units of the task (1024 = 1 vCPU); with memory, a Fargate task size.",
      default: 256,
      validation: [
        oneOf(
          "cpu",
          FARGATE_CPU_VALUES,
          `The cpu must be one of ${FARGATE_CPU_VALUES.join(", ")} (CPU units; 1024 = 1 vCPU).`,
        ),
      ],
      example: "1024",
    },
    {
      name: "memory",
      type: "number",
      description: "Memory of the task in MiB; with cpu, a Fargate task size.",
      default: 512,
      validation: [
        oneOf(
          "memory",
          FARGATE_MEMORY_VALUES,
          "The memory must be a Fargate memory size in MiB: 512, 1024, 2048, then steps of 1024 up to 30720, of 4096 up to 61440 and of 8192 up to 122880.",
        ),
      ],
      example: "2048",
    },
    {
      name: "cpu_architecture",
      type: "string",
      description: "X86_64 or ARM64 (Graviton).",
      default: "X86_64",
      validation: [
        oneOf(
          "cpu_architecture",
          ["X86_64", "ARM64"],
          "The cpu_architecture must be X86_64 or ARM64.",
        ),
      ],
    },
    {
      name: "platform_version",
      type: "string",
      description: "Fargate platform version: LATEST or e.g. 1.4.0.",
      default: "LATEST",
      validation: [
        matches(
          "platform_version",
          PLATFORM_VERSION.source,
          "The platform_version must be LATEST or a version such as 1.4.0.",
        ),
      ],
    },
    {
      name: "task_role_arn",
      type: "string",
      description: "ARN of the role the job's code runs as; null: no task role (no AWS access).",
      default: null,
      validation: [
        matches(
          "task_role_arn",
          "^arn:aws[a-z-]*:iam::[0-9]{12}:role/.+$",
          "The task_role_arn must be an IAM role ARN (arn:aws:iam::ACCOUNT:role/NAME).",
          true,
        ),
      ],
      example: "aws_iam_role.report.arn",
    },
    {
      name: "ecr_repository_arns",
      type: "list(string)",
      description:
        'ECR repositories the execution role may pull the image from. The default ["*"] allows any repository the account can reach: name the image\'s repository instead.',
      default: ["*"],
      validation: [
        notEmpty("ecr_repository_arns", 'the image\'s repository ARN, or ["*"]'),
        eachMatches(
          "ecr_repository_arns",
          "^([*]|arn:aws[a-z-]*:ecr:[a-z0-9-]+:[0-9]{12}:repository/.+)$",
          "The ecr_repository_arns must be ECR repository ARNs (arn:aws:ecr:REGION:ACCOUNT:repository/NAME) or *.",
        ),
      ],
      example: "[aws_ecr_repository.report.arn]",
    },
    {
      name: "assign_public_ip",
      type: "bool",
      description:
        "Give the task a public IP. Keep batch jobs in private subnets with a NAT gateway or VPC endpoints instead.",
      default: false,
    },
    {
      name: "enabled",
      type: "bool",
      description: "Whether the schedule fires; a disabled rule keeps its target.",
      default: true,
    },
    {
      name: "safe_to_rerun",
      type: "bool",
      description:
        "Whether running the job again after a failure is harmless. Tasks carry it as the tag SafeToRerun, and the runner reads it.",
      default: false,
    },
    {
      name: "log_retention_days",
      type: "number",
      description: "Days CloudWatch Logs keeps the job's logs.",
      default: DEFAULT_LOG_RETENTION_DAYS,
      validation: [LOG_RETENTION("log_retention_days")],
    },
    {
      name: "log_kms_key_arn",
      type: "string",
      description:
        "ARN of a KMS key that encrypts the logs (its key policy must allow CloudWatch Logs); null: CloudWatch Logs' own encryption.",
      default: null,
      validation: [
        matches(
          "log_kms_key_arn",
          "^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key/.+$",
          "The log_kms_key_arn must be a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID), not an alias.",
          true,
        ),
      ],
    },
    {
      name: "maximum_retry_attempts",
      type: "number",
      description:
        "How often EventBridge retries a run that could not start (throttling, no capacity); a job that ran and failed is not retried.",
      default: 185,
      validation: [RETRY_ATTEMPTS("maximum_retry_attempts")],
    },
    {
      name: "maximum_event_age_seconds",
      type: "number",
      description:
        "How long a run may wait to start before it goes to the dead-letter queue, in seconds.",
      default: 3600,
      validation: [EVENT_AGE("maximum_event_age_seconds")],
    },
    {
      name: "permissions_boundary_arn",
      type: "string",
      description:
        "ARN of a permissions boundary policy that the job's roles (execution and events) carry, where the estate requires one; null: no boundary.",
      default: null,
      validation: [
        matches(
          "permissions_boundary_arn",
          "^arn:aws[a-z-]*:iam::([0-9]{12}|aws):policy/.+$",
          "The permissions_boundary_arn must be an IAM policy ARN (arn:aws:iam::ACCOUNT:policy/NAME).",
          true,
        ),
      ],
      example: "aws_iam_policy.batch_boundary.arn",
    },
    {
      name: "runner_parameter_prefix",
      type: "string",
      description:
        "Prefix of the SSM parameter `<prefix>/<job_name>` that tells ecs-batch run how to start the job, e.g. /ecs-batch/prod.",
      default: DEFAULT_RUNNER_PARAMETER_PREFIX,
      validation: [PARAMETER_PATH("runner_parameter_prefix")],
    },
    {
      name: "ledger_log_group_name",
      type: "string",
      description:
        "The run ledger of the job's environment: log_group_name of the run-ledger module. The runner parameter names it, so that `ecs-batch history` and `ecs-batch logs` find the job's runs; null: it names no ledger.",
      default: null,
      validation: [
        matches(
          "ledger_log_group_name",
          LOG_GROUP_NAME_PATTERN,
          "The ledger_log_group_name must be a log group's name (1-512 letters, digits and '._-/#'), such as /aws/events/prod-batch-runs, not its ARN.",
          true,
        ),
      ],
      example: "module.run_ledger.log_group_name",
    },
  ],
  outputs: [
    { name: "task_definition_arn", description: "ARN of the task definition, with revision." },
    { name: "task_definition_family", description: "Task definition family: the job name." },
    { name: "container_name", description: "Name of the job's container: the job name." },
    { name: "log_group_name", description: "The job's log group." },
    { name: "log_group_arn", description: "ARN of the job's log group." },
    { name: "execution_role_arn", description: "ARN of the task's execution role." },
    { name: "events_role_arn", description: "ARN of the role the rule assumes to run the job." },
    { name: "rule_arn", description: "ARN of the EventBridge rule." },
    { name: "rule_name", description: "Name of the EventBridge rule: the job name." },
    {
      name: "dead_letter_queue_arn",
      description: "ARN of the SQS queue that keeps runs the rule could not start.",
    },
    { name: "dead_letter_queue_name", description: "Name of the dead-letter queue." },
    {
      name: "runner_parameter_name",
      description: "SSM parameter that tells ecs-batch run how to start the job.",
    },
  ],
  build: (scope, inputs) => {
    IamScope.of(scope).apply({ permissionsBoundaryArn: inputs.string("permissions_boundary_arn") });
    // Only options: a task size known at apply time gets its Terraform precondition, and a null
    // task_role_arn drops out of the roles the schedule may pass, in the constructs themselves.
    const job = new BatchJob(scope, "Job", {
      jobName: inputs.string("job_name"),
      description: inputs.string("description"),
      schedule: {
        rule: {
          expression: inputs.string("schedule_expression"),
          enabled: inputs.bool("enabled"),
          retryPolicy: {
            maximumRetryAttempts: inputs.number("maximum_retry_attempts"),
            maximumEventAgeSeconds: inputs.number("maximum_event_age_seconds"),
          },
        },
      },
      safeToRerun: inputs.bool("safe_to_rerun"),
      placement: {
        clusterArn: inputs.string("cluster_arn"),
        subnetIds: inputs.list("subnet_ids"),
        securityGroupIds: inputs.list("security_group_ids"),
        assignPublicIp: inputs.bool("assign_public_ip"),
        platformVersion: inputs.string("platform_version"),
      },
      task: {
        container: {
          image: inputs.string("image"),
          command: inputs.list("command"),
          environment: inputs.map("environment"),
          readonlyRootFilesystem: inputs.bool("readonly_root_filesystem"),
        },
        cpu: inputs.number("cpu"),
        memoryMiB: inputs.number("memory"),
        // A reference to a string that the variable's validation keeps to X86_64 or ARM64.
        cpuArchitecture: inputs.string("cpu_architecture") as CpuArchitecture,
        taskRoleArn: inputs.string("task_role_arn"),
        ecrRepositoryArns: inputs.list("ecr_repository_arns"),
        logs: {
          retentionDays: inputs.number("log_retention_days"),
          kmsKeyArn: inputs.string("log_kms_key_arn"),
        },
      },
      runnerParameterPrefix: inputs.string("runner_parameter_prefix"),
      ledgerLogGroupName: inputs.nullableString("ledger_log_group_name"),
    });

    const schedule = job.schedule!;
    return {
      task_definition_arn: job.taskDefinitionArn,
      task_definition_family: job.taskDefinition!.family,
      container_name: job.jobContainerName!,
      log_group_name: job.logGroupName!,
      log_group_arn: job.logGroupArn!,
      execution_role_arn: job.executionRoleArn,
      events_role_arn: job.eventsRoleArn!,
      rule_arn: job.rule!.ruleArn,
      rule_name: job.rule!.ruleName,
      dead_letter_queue_arn: schedule.deadLetterQueueArn!,
      dead_letter_queue_name: schedule.deadLetterQueue!.queueName,
      runner_parameter_name: job.runnerParameter!.name,
    };
  },
};
