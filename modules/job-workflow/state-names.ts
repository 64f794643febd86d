/** The names of a workflow's states, and the JSONata variables of its jobs. */

/** Names of the states that do not belong to one job. */
export const WORKFLOW_STATES = {
  checkForRunningExecution: "Check for a running execution",
  previousRunStillRunning: "Previous run still running?",
  notifyRunSkipped: "Notify run skipped",
  skippedRun: "Skipped: previous run still running",
  succeeded: "Workflow succeeded",
} as const;

/** The names of one job's states. */
export interface JobStateNames {
  readonly skip: string;
  readonly skipped: string;
  readonly start: string;
  readonly run: string;
  readonly classify: string;
  readonly waitToRetry: string;
  /** The publish to the first plain-text topic; the next ones are numbered: `... (2)`. */
  readonly notify: string;
  readonly notifyChat: string;
  readonly failed: string;
}

export function stateNames(job: string): JobStateNames {
  return {
    skip: `Skip ${job}?`,
    skipped: `${job} skipped`,
    start: `Start ${job}`,
    run: `Run ${job}`,
    classify: `Classify ${job} failure`,
    waitToRetry: `Wait to retry ${job}`,
    notify: `Notify ${job} failed`,
    notifyChat: `Notify ${job} failed in chat`,
    failed: `${job} failed`,
  };
}

/** Step Functions' limit on state names. */
export const MAX_STATE_NAME_LENGTH = 80;

/** The longest job name whose state names all fit in {@link MAX_STATE_NAME_LENGTH}. */
export const MAX_JOB_NAME_LENGTH =
  MAX_STATE_NAME_LENGTH - Math.max(...Object.values(stateNames("")).map((n) => n.length));

/**
 * The name of the Parallel state of a stage, e.g. `Stage 2: load, report`; when the job names do
 * not fit in 80 characters, the first ones and a count: `Stage 3: a, b and 7 more`.
 */
export function stageStateName(stageIndex: number, jobs: readonly string[]): string {
  const prefix = `Stage ${stageIndex + 1}: `;
  for (let shown = jobs.length; shown >= 1; shown--) {
    const more = jobs.length - shown;
    const name = `${prefix}${jobs.slice(0, shown).join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
    if (name.length <= MAX_STATE_NAME_LENGTH) {
      return name;
    }
  }
  return `${prefix}${jobs.length} jobs`;
}

/**
 * The workflow variables of one job. Their names come from the job's index in `jobs`, not from
 * its name, so they are always valid JSONata identifiers; each is assigned only in its job's
 * Parallel branch, as Step Functions requires of variables in branches.
 */
export interface JobVariables {
  /** Retries spent on start failures. */
  readonly startRetries: string;
  /** Retries spent on non-zero exit codes. */
  readonly exitRetries: string;
  /** The last failure, classified (see `failureExpression`). */
  readonly failure: string;
  /** Seconds before the next retry. */
  readonly retryDelay: string;
}

export function jobVariables(jobIndex: number): JobVariables {
  return {
    startRetries: `startRetries_${jobIndex}`,
    exitRetries: `exitRetries_${jobIndex}`,
    failure: `failure_${jobIndex}`,
    retryDelay: `retryDelay_${jobIndex}`,
  };
}

/** The state name for the `index`-th of several alike states: `name`, `name (2)`, ... */
export function numbered(name: string, index: number): string {
  return index === 0 ? name : `${name} (${index + 1})`;
}
