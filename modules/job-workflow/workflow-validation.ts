/** The checks of a workflow definition's props: job names, retries, timeouts, stages. */
import { isUnresolved } from "../validation/construct-validation";
import { validateContainerName } from "../validation/names";
import { MAX_JOB_NAME_LENGTH, MAX_STATE_NAME_LENGTH, stateNames } from "./state-names";
import { MAX_EXECUTION_SECONDS, MAX_RETRY_DELAY_SECONDS } from "./workflow-timeouts";
import { WorkflowDefinitionProps, WorkflowJobRun } from "./workflow-job";

const JOB_NAME = /^[A-Za-z0-9_-]+$/;

export function validateDefinitionProps(props: WorkflowDefinitionProps): void {
  const names = new Set<string>();
  for (const job of props.jobs) {
    validateJobName(job.name);
    if (names.has(job.name)) {
      throw new Error(`job '${job.name}' appears twice in jobs: job names must be unique`);
    }
    names.add(job.name);
    validateJobRun(job);
  }
  validateStages(props.stages, names);
}

function validateJobName(name: string): void {
  if (typeof name !== "string" || !JOB_NAME.test(name)) {
    throw new Error(
      `job name '${name}' is not valid: use 1-${MAX_JOB_NAME_LENGTH} letters, digits, '-' and '_'`,
    );
  }
  if (name.length > MAX_JOB_NAME_LENGTH) {
    throw new Error(
      `job name '${name}' has ${name.length} characters: at most ${MAX_JOB_NAME_LENGTH} are allowed, so that state names such as '${stateNames("<job>").notifyChat}' fit in ${MAX_STATE_NAME_LENGTH}`,
    );
  }
}

function validateJobRun(job: WorkflowJobRun): void {
  const fail = (field: string, rule: string): never => {
    throw new Error(`job '${job.name}': ${field} ${rule}`);
  };
  const checkNumber = (field: string, value: number, min: number, max: number, whole: boolean) => {
    if (isUnresolved(value)) {
      fail(
        field,
        "is a reference resolved at apply time, but it must be a number known at synth time: the workflow's definition computes its waits and timeouts from it",
      );
    }
    const ok =
      typeof value === "number" && (whole ? Number.isInteger(value) : Number.isFinite(value));
    if (!ok || value < min || value > max) {
      fail(
        field,
        `is ${value}, but it must be ${whole ? "a whole number" : "a number"} from ${min} to ${max}`,
      );
    }
  };
  checkNumber("timeoutSeconds", job.timeoutSeconds, 60, MAX_EXECUTION_SECONDS, true);
  const retries = [
    ["retryOnStartFailure", job.retryOnStartFailure],
    ["retryOnExitCode", job.retryOnExitCode],
  ] as const;
  for (const [name, retry] of retries) {
    checkNumber(`${name}.attempts`, retry.attempts, 0, 10, true);
    checkNumber(`${name}.intervalSeconds`, retry.intervalSeconds, 1, MAX_RETRY_DELAY_SECONDS, true);
    checkNumber(`${name}.backoffRate`, retry.backoffRate, 1, 10, false);
  }
  if (job.retryOnExitCode.attempts > 0 && !job.safeToRerun) {
    fail(
      "retryOnExitCode.attempts",
      `is ${job.retryOnExitCode.attempts}, but the job is not marked safeToRerun: a job that ran and failed may have done part of its work; mark it safeToRerun only if running it again is harmless`,
    );
  }
  const container = job.run.container;
  if (container === undefined) {
    return fail(
      "run.container",
      "is unknown: the job runs an existing task definition, whose job container a workflow cannot tell",
    );
  }
  if (!isUnresolved(container.name)) {
    try {
      validateContainerName(container.name);
    } catch (error) {
      fail("run.container.name", `is not valid: ${(error as Error).message}`);
    }
  }
  const subnets = job.run.placement.subnetIds;
  if (!isUnresolved(subnets) && subnets.length === 0) {
    fail(
      "run.placement.subnetIds",
      "is empty: give at least one subnet for the task's network interface",
    );
  }
  const count = job.run.launch?.taskCount;
  if (count !== undefined && !isUnresolved(count) && count !== 1) {
    fail(
      "run.launch.taskCount",
      `is ${count}, but a workflow follows one task of each job and takes its container's exit code as the result: start several tasks only from a rule or Scheduler schedule`,
    );
  }
}

function validateStages(
  stages: WorkflowDefinitionProps["stages"],
  jobs: ReadonlySet<string>,
): void {
  if (stages.length === 0) {
    throw new Error("the workflow has no stages: give the stages from workflowStages");
  }
  const stageOf = new Map<string, number>();
  stages.forEach((stage, i) => {
    if (stage.length === 0) {
      throw new Error(`stage ${i + 1} is empty: every stage needs at least one job`);
    }
    for (const name of stage) {
      if (!jobs.has(name)) {
        throw new Error(`stage ${i + 1} names job '${name}', which is not in jobs`);
      }
      const earlier = stageOf.get(name);
      if (earlier !== undefined) {
        throw new Error(
          `job '${name}' appears in stage ${earlier + 1} and in stage ${i + 1}: each job must appear once`,
        );
      }
      stageOf.set(name, i);
    }
  });
  const missing = [...jobs].find((name) => !stageOf.has(name));
  if (missing !== undefined) {
    throw new Error(`job '${missing}' is in jobs but in no stage, so it would never run`);
  }
}
