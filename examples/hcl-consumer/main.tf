# A plain Terraform estate that uses the job modules of this repository without cdktf.
# Outside this repository, use a pinned git source instead of the relative path, e.g.
#   source = "git::https://github.com/<org>/ecs-scheduled-batch.git//terraform-modules/scheduled-job?ref=<tag>"

terraform {
  required_version = ">= 1.5"

  required_providers {
    aws = {
      source  = "hashicorp/aws"
      version = "~> 6.0"
    }
  }
}

provider "aws" {
  region = var.region

  default_tags {
    tags = {
      Environment = var.environment
      ManagedBy   = "terraform"
    }
  }
}

variable "region" {
  description = "Region of the estate."
  type        = string
  default     = "ap-northeast-1"
}

variable "environment" {
  description = "Name of the environment, e.g. prod: prefixes the runner's parameters."
  type        = string
  default     = "prod"
}

variable "cluster_arn" {
  description = "ARN of the ECS cluster the batch jobs run in."
  type        = string
}

variable "private_subnet_ids" {
  description = "Private subnets of the batch jobs (with a NAT gateway or VPC endpoints)."
  type        = list(string)
}

variable "batch_security_group_id" {
  description = "Security group of the batch jobs: egress only."
  type        = string
}

variable "report_image" {
  description = "Image of the nightly report, pinned to a commit, e.g. 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/report:1a2b3c4."
  type        = string
}

variable "report_repository_arn" {
  description = "ARN of the ECR repository the report image is pulled from."
  type        = string
}

variable "report_task_role_arn" {
  description = "ARN of the role the nightly report runs as (it writes to the report bucket)."
  type        = string
}

variable "alert_email_addresses" {
  description = "Who hears of failed batch jobs."
  type        = list(string)
  default     = ["batch-alerts@example.com"]
}

module "batch_failures" {
  source = "../../terraform-modules/failure-notification"

  name            = "${var.environment}-batch-failures"
  email_addresses = var.alert_email_addresses
}

module "nightly_report" {
  source = "../../terraform-modules/scheduled-job"

  job_name            = "nightly-report"
  description         = "Yesterday's sales report"
  schedule_expression = "cron(0 18 * * ? *)" # 03:00 in Tokyo: rules run in UTC
  cluster_arn         = var.cluster_arn
  subnet_ids          = var.private_subnet_ids
  security_group_ids  = [var.batch_security_group_id]

  image               = var.report_image
  command             = ["python", "-m", "report", "--date", "yesterday"]
  environment         = { REPORT_BUCKET = "example-reports" }
  cpu                 = 1024
  memory              = 2048
  task_role_arn       = var.report_task_role_arn
  ecr_repository_arns = [var.report_repository_arn]

  safe_to_rerun           = true
  log_retention_days      = 365
  runner_parameter_prefix = "/ecs-batch/${var.environment}"
  # Named in the runner parameter: ecs-batch history and ecs-batch logs read the job's runs there.
  ledger_log_group_name = module.run_ledger.log_group_name
}

module "nightly_report_failures" {
  source = "../../terraform-modules/job-failure-alerts"

  job_name                = module.nightly_report.container_name
  cluster_arn             = var.cluster_arn
  log_group_name          = module.nightly_report.log_group_name
  rule_name               = module.nightly_report.rule_name
  dead_letter_queue_name  = module.nightly_report.dead_letter_queue_name
  safe_to_rerun           = true
  runner_parameter_prefix = "/ecs-batch/${var.environment}"

  # The environment's notice filter reads the job's stopped tasks; the alarms go to the topic.
  notice_filter_arn      = module.batch_failures.notice_filter_arn
  notice_filter_role_arn = module.batch_failures.notice_filter_role_arn
  topic_arn              = module.batch_failures.topic_arn
}

module "run_ledger" {
  source = "../../terraform-modules/run-ledger"

  # Every start and stop of the environment's jobs, in /aws/events/<environment>-batch-runs.
  environment  = var.environment
  cluster_arns = [var.cluster_arn]
  jobs = {
    # By task definition family; the scheduled-job module names the container after it too.
    (module.nightly_report.task_definition_family) = {
      log_group_name = module.nightly_report.log_group_name
    }
  }
  retention_days = 731 # two years

  # Told when a start or stop could not be recorded.
  alarm_topic_arns = [module.batch_failures.topic_arn]
}

output "nightly_report_runner_parameter" {
  description = "What to pass to ecs-batch run: the job's SSM parameter."
  value       = module.nightly_report.runner_parameter_name
}

output "nightly_report_log_group" {
  description = "Where the nightly report logs."
  value       = module.nightly_report.log_group_name
}

output "batch_failures_topic_arn" {
  description = "Topic of failure notices of the batch jobs."
  value       = module.batch_failures.topic_arn
}

output "run_ledger_log_group" {
  description = "The run ledger: every start and stop of the batch jobs, one JSON record each."
  value       = module.run_ledger.log_group_name
}
