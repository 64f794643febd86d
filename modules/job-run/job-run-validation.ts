import { IConstruct } from "constructs";
import {
  invalid,
  isUnresolved,
  validateField,
  validateIntegerRange,
  validateNotEmpty,
} from "../validation/construct-validation";
import { SCHEDULER_LIMITS } from "../validation/scheduler-schedule";
import { JobRun } from "./job-run";

/** `LATEST` or a Fargate platform version such as `1.4.0`. */
export const PLATFORM_VERSION = /^(LATEST|[0-9]+\.[0-9]+\.[0-9]+)$/;

/**
 * Checks the subnets, platform version and task count of a run. `fieldPrefix` names where the run
 * sits in the construct's props, e.g. `placement.` gives the field `placement.subnetIds`.
 */
export function validateJobRun(scope: IConstruct, run: JobRun, fieldPrefix = ""): void {
  const { placement } = run;
  validateNotEmpty(scope, `${fieldPrefix}placement.subnetIds`, placement.subnetIds);
  validateField(
    scope,
    `${fieldPrefix}placement.platformVersion`,
    placement.platformVersion,
    (version) => {
      if (!PLATFORM_VERSION.test(version)) {
        throw new Error(
          `'${version}' is not a Fargate platform version: write 'LATEST' or e.g. '1.4.0'`,
        );
      }
    },
  );
  const { taskCount } = SCHEDULER_LIMITS;
  validateIntegerRange(
    scope,
    `${fieldPrefix}launch.taskCount`,
    run.launch?.taskCount,
    taskCount.min,
    taskCount.max,
  );
}

/**
 * Fails unless `consumer` can start the run as it is: a workflow and the runner follow one task
 * (its container's exit code is the result), so a run of several tasks is refused rather than
 * started as one. A count known only at apply time is left to the caller's own checks.
 */
export function requireOneTask(
  scope: IConstruct,
  field: string,
  run: JobRun,
  consumer: string,
): void {
  const count = run.launch?.taskCount;
  if (count === undefined || isUnresolved(count) || count === 1) {
    return;
  }
  invalid(
    scope,
    field,
    `the job starts ${count} tasks a run, but ${consumer} follows one task and takes its container's exit code as the result: start several tasks only from a rule or Scheduler schedule, or set taskCount 1`,
  );
}
