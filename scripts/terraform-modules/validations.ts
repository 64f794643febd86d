/*
 * The synth-time rules of the constructs, as Terraform `validation` conditions, so an HCL caller
 * gets the same clear errors at plan time. Built from the constructs' own constants where they
 * are exported; Terraform's regex is RE2, so the patterns avoid what RE2 lacks (look-arounds,
 * back-references) and are written to mean the same in JavaScript, where the tests run them.
 */
import { LOG_RETENTION_DAYS } from "../../modules/job-log-group/job-log-group";
import { FARGATE_TASK_SIZES } from "../../modules/validation/fargate-task-size";
import { SCHEDULER_LIMITS } from "../../modules/validation/scheduler-schedule";
import { VariableValidation } from "./terraform-module";

/** `text` as an HCL string literal. */
export function hclString(text: string): string {
  const escaped = text
    .replace(/\\/g, "\\\\")
    .replace(/"/g, '\\"')
    .replace(/\$\{/g, () => "$${")
    .replace(/%\{/g, "%%{");
  return `"${escaped}"`;
}

/** `values` as an HCL list. */
function hclList(values: readonly (string | number)[]): string {
  return `[${values.map((v) => (typeof v === "string" ? hclString(v) : String(v))).join(", ")}]`;
}

/** A condition that holds when the variable is null (not set) or `condition` holds. */
function unlessNull(variable: string, condition: string): string {
  // Older Terraform versions evaluate both sides of ||, so the null case is a conditional.
  return `${variable} == null ? true : ${condition}`;
}

/** `var.<name>` matches `pattern` in full (RE2 and JavaScript read it alike). */
export function matches(
  name: string,
  pattern: string,
  errorMessage: string,
  optional = false,
): VariableValidation {
  const condition = `can(regex(${hclString(pattern)}, var.${name}))`;
  return { condition: optional ? unlessNull(`var.${name}`, condition) : condition, errorMessage };
}

/** Every element of the list `var.<name>` matches `pattern`. */
export function eachMatches(name: string, pattern: string, errorMessage: string) {
  return {
    condition: `alltrue([for value in var.${name} : can(regex(${hclString(pattern)}, value))])`,
    errorMessage,
  };
}

/** `var.<name>` is one of `values`. */
export function oneOf(name: string, values: readonly (string | number)[], errorMessage: string) {
  return { condition: `contains(${hclList(values)}, var.${name})`, errorMessage };
}

/** `var.<name>` is a whole number from `min` to `max`. */
export function wholeNumber(name: string, min: number, max: number): VariableValidation {
  return {
    condition: `var.${name} == floor(var.${name}) && var.${name} >= ${min} && var.${name} <= ${max}`,
    errorMessage: `The ${name} must be a whole number from ${min} to ${max}.`,
  };
}

/** The string `var.<name>` has at most `max` characters. */
export function maxLength(name: string, max: number, optional = false): VariableValidation {
  const condition = `length(var.${name}) <= ${max}`;
  return {
    condition: optional ? unlessNull(`var.${name}`, condition) : condition,
    errorMessage: `The ${name} may have at most ${max} characters.`,
  };
}

/** The list `var.<name>` is not empty. */
export function notEmpty(name: string, what: string): VariableValidation {
  return {
    condition: `length(var.${name}) > 0`,
    errorMessage: `The ${name} is empty: give ${what}.`,
  };
}

// --- Rules of particular inputs -------------------------------------------------------------

/**
 * The grammar of an EventBridge rule's schedule (see modules/validation/schedule-expression.ts):
 * `rate(value unit)` with the unit singular only for 1, or `cron(...)` with six fields of the
 * characters each field takes and `?` in exactly one of the day fields. Value ranges (minute 60,
 * day-of-week 0) are left to AWS: a regex that checked them would be unreadable.
 */
export const SCHEDULE_EXPRESSION_PATTERN = (() => {
  const rate = "rate[(](1 (minute|hour|day)|([2-9]|[1-9][0-9]+) (minutes|hours|days))[)]";
  const plain = "[0-9*/,-]+";
  const dayOfMonth = "[0-9*/,LW-]+";
  const month = "[0-9A-Za-z*/,-]+";
  const dayOfWeek = "[0-9A-Za-z*,#-]+";
  const days = `([?] +${month} +${dayOfWeek}|${dayOfMonth} +${month} +[?])`;
  const cron = `cron[(] *${plain} +${plain} +${days} +${plain} *[)]`;
  return `^(${rate}|${cron})$`;
})();

export const SCHEDULE_EXPRESSION_MESSAGE =
  "The schedule_expression must be rate(value unit), e.g. rate(5 minutes) or rate(1 hour) (singular unit only for 1), or six-field cron(minutes hours day-of-month month day-of-week year) with '?' in exactly one of the two day fields, e.g. cron(0 3 * * ? *). It runs in UTC. A five-field Unix crontab line needs a year field and a '?'.";

/** A CloudWatch Logs log group name (validateLogGroupName; the reserved prefix aws/ is a
 * condition of its own). */
export const LOG_GROUP_NAME_PATTERN = "^[.\\-_/#A-Za-z0-9]{1,512}$";

/** An SNS topic ARN, such as topic_arn of the failure-notification module. */
export const SNS_TOPIC_ARN_PATTERN =
  "^arn:aws[a-z-]*:sns:[a-z0-9-]+:[0-9]{12}:[A-Za-z0-9_-]{1,256}$";

/** Fargate CPU values, in CPU units. */
export const FARGATE_CPU_VALUES = FARGATE_TASK_SIZES.map((size) => size.cpu);

/** Every memory value (MiB) some Fargate CPU value takes. */
export const FARGATE_MEMORY_VALUES = [
  ...new Set(FARGATE_TASK_SIZES.flatMap((size) => size.memoryMiB)),
].sort((a, b) => a - b);

export const LOG_RETENTION = (name: string) =>
  oneOf(
    name,
    LOG_RETENTION_DAYS,
    `The ${name} must be a retention CloudWatch Logs accepts: one of ${LOG_RETENTION_DAYS.join(", ")}.`,
  );

export const RETRY_ATTEMPTS = (name: string) =>
  wholeNumber(
    name,
    SCHEDULER_LIMITS.maximumRetryAttempts.min,
    SCHEDULER_LIMITS.maximumRetryAttempts.max,
  );

export const EVENT_AGE = (name: string) =>
  wholeNumber(
    name,
    SCHEDULER_LIMITS.maximumEventAgeSeconds.min,
    SCHEDULER_LIMITS.maximumEventAgeSeconds.max,
  );

/** An SSM parameter path, as the runner's parameter prefix of a job. */
export const PARAMETER_PATH = (name: string) =>
  matches(
    name,
    "^(/[A-Za-z0-9_.-]+)+/?$",
    `The ${name} must be an SSM parameter path such as /ecs-batch/prod.`,
  );
