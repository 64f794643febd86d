/**
 * The Amazon States Language definition of a job workflow: a Step Functions Standard state machine
 * (JSONata query language) that runs the stages of a workflow one after another, each stage's jobs
 * side by side as ECS Fargate tasks through `ecs:runTask.sync`, so it sees each job's exit code.
 *
 * Each job gets its own retry loop instead of a `Retry` on its Task, so a job that never ran
 * (no capacity, image pull, throttling) and a job that ran and exited non-zero have separate
 * budgets, and a job that ran is retried only when it is marked safe to re-run.
 */
import { isUnresolved } from "../validation/construct-validation";
import { validateContainerName } from "../validation/names";

/** How often, and after how long, a failed job is run again. */
export interface RetryOptions {
  /** Retries after the first attempt (0-10). */
  readonly attempts: number;
  /** Seconds before the first retry (1-86400). */
  readonly intervalSeconds: number;
  /** Multiplier of the interval per retry (1-10). */
  readonly backoffRate: number;
}

/** One job of a workflow and how each of its runs starts. */
export interface WorkflowJobRun {
  /** Name of the job: 1-58 letters, digits, `-` and `_` (it names states of 80 characters). */
  readonly name: string;
  /** ARN of the ECS cluster the job runs in. */
  readonly clusterArn: string;
  /** ARN of the task definition to run. */
  readonly taskDefinitionArn: string;
  /** The job's essential container: its exit code is the job's result. */
  readonly containerName: string;
  /** Subnets of the task's network interface: private subnets. */
  readonly subnetIds: readonly string[];
  /** Security groups of the task's network interface.
   * @default the VPC's default security group */
  readonly securityGroupIds?: readonly string[];
  /** Whether the task gets a public IP.
   * @default false */
  readonly assignPublicIp?: boolean;
  /** Fargate platform version.
   * @default "LATEST" */
  readonly platformVersion?: string;
  /** Copy the task definition's tags to the task.
   * @default true */
  readonly propagateTags?: boolean;
  /** Add ECS managed tags to the task.
   * @default true */
  readonly enableEcsManagedTags?: boolean;
  /** Retries when the job's container never ran or did not finish: no capacity, image pull,
   * throttling, a failed essential sidecar. */
  readonly retryOnStartFailure: RetryOptions;
  /** Retries when the job's container ran and exited non-zero. Needs `safeToRerun`. */
  readonly retryOnExitCode: RetryOptions;
  /** Seconds a run may take (60-31536000); then Step Functions stops the task. A run that timed
   * out is not retried: a hung job would most likely hang again. */
  readonly timeoutSeconds: number;
  /** Whether running the job again after it ran and failed is harmless. */
  readonly safeToRerun: boolean;
}

export interface WorkflowDefinitionProps {
  /** Name of the workflow, for the jobs' environment, `startedBy` and the notifications. */
  readonly workflowName: string;
  /** What the workflow does, for people.
   * @default no comment */
  readonly description?: string;
  /** Job names by stage, from {@link workflowStages}. */
  readonly stages: readonly (readonly string[])[];
  /** Every job of the stages, once. */
  readonly jobs: readonly WorkflowJobRun[];
  /** SNS topics that get a plain-text message when a job fails for good.
   * @default no plain-text notifications */
  readonly notificationTopicArns?: readonly string[];
  /** SNS topic of AWS Chatbot (Slack): gets the same news as a Chatbot custom notification.
   * @default no chat notifications */
  readonly chatTopicArn?: string;
  /** Skip a run while an earlier execution of this state machine is still running.
   * @default false */
  readonly preventOverlap?: boolean;
}

export const DEFAULT_RETRY_ON_START_FAILURE: RetryOptions = {
  attempts: 3,
  intervalSeconds: 60,
  backoffRate: 2,
};
export const DEFAULT_RETRY_ON_EXIT_CODE: RetryOptions = {
  attempts: 0,
  intervalSeconds: 300,
  backoffRate: 1,
};
export const DEFAULT_JOB_TIMEOUT_SECONDS = 86400;

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
const MAX_STATE_NAME_LENGTH = 80;

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

/** Step Functions' limit on a Standard execution's duration, in seconds (one year). */
const MAX_EXECUTION_SECONDS = 31536000;
/** The longest wait between two attempts of a job: longer backoffs are cut to it. */
const MAX_RETRY_DELAY_SECONDS = 86400;
/** Timeout of each call to another AWS service (SNS publish, ListExecutions): they take seconds. */
const SERVICE_CALL_TIMEOUT_SECONDS = 60;
const OVERLAP_CHECK_RETRY = {
  // SDK integrations name errors `Sfn.<Exception>`; throttling surfaces as Sfn.SfnException.
  ErrorEquals: ["Sfn.SfnException", "States.TaskFailed"],
  IntervalSeconds: 2,
  MaxAttempts: 3,
  BackoffRate: 2,
};
const ECS_STARTED_BY_MAX_LENGTH = 128;
/** SNS wants a subject of "less than 100 characters". */
const SNS_SUBJECT_MAX_LENGTH = 99;

/**
 * `TimeoutSeconds` of the whole state machine: an upper bound of a run that ends without anyone
 * stopping it, so the timeout only ends executions that are truly stuck. Per job: every attempt
 * (one, plus every retry of both kinds) taking its full `timeoutSeconds`, every retry wait, and
 * every notification call; per stage, its slowest job; plus the overlap check. Capped at one year,
 * the longest a Standard execution may run. (A redrive restarts this clock.)
 */
export function workflowTimeoutSeconds(props: WorkflowDefinitionProps): number {
  const jobs = new Map(props.jobs.map((job) => [job.name, job]));
  const notifications =
    (props.notificationTopicArns?.length ?? 0) + (props.chatTopicArn !== undefined ? 1 : 0);
  const jobBound = (job: WorkflowJobRun): number => {
    const { retryOnStartFailure: start, retryOnExitCode: exit } = job;
    return (
      job.timeoutSeconds * (1 + start.attempts + exit.attempts) +
      sum(retryDelaysBound(start)) +
      sum(retryDelaysBound(exit)) +
      notifications * SERVICE_CALL_TIMEOUT_SECONDS
    );
  };
  const stages = sum(
    props.stages.map((stage) => Math.max(...stage.map((n) => jobBound(jobs.get(n)!)))),
  );
  const overlapCheck = props.preventOverlap
    ? SERVICE_CALL_TIMEOUT_SECONDS * (1 + OVERLAP_CHECK_RETRY.MaxAttempts) +
      sum(
        Array.from(
          { length: OVERLAP_CHECK_RETRY.MaxAttempts },
          (_, k) => OVERLAP_CHECK_RETRY.IntervalSeconds * OVERLAP_CHECK_RETRY.BackoffRate ** k,
        ),
      ) +
      (props.notificationTopicArns?.length ?? 0) * SERVICE_CALL_TIMEOUT_SECONDS
    : 0;
  return Math.min(MAX_EXECUTION_SECONDS, Math.ceil(stages + overlapCheck));
}

/** Each retry's wait, rounded up (the machine rounds half to even, never more). */
function retryDelaysBound(retry: RetryOptions): number[] {
  return Array.from({ length: retry.attempts }, (_, k) =>
    Math.min(MAX_RETRY_DELAY_SECONDS, Math.ceil(retry.intervalSeconds * retry.backoffRate ** k)),
  );
}

function sum(values: readonly number[]): number {
  return values.reduce((a, b) => a + b, 0);
}

type State = Record<string, unknown>;
type States = Record<string, State>;

/**
 * The state machine definition of a workflow, as an object to `JSON.stringify`. Strings of the
 * props (ARNs, names) may be tokens: they are passed through untouched.
 */
export function workflowDefinition(props: WorkflowDefinitionProps): Record<string, unknown> {
  validateDefinitionProps(props);
  const builder = new DefinitionBuilder(props);
  return {
    ...(props.description !== undefined ? { Comment: props.description } : {}),
    QueryLanguage: "JSONata",
    StartAt: builder.startAt,
    TimeoutSeconds: workflowTimeoutSeconds(props),
    States: builder.states,
  };
}

/** Builds the states, checking that every state name is unique and short enough. */
class DefinitionBuilder {
  readonly states: States = {};
  readonly startAt: string;
  private readonly usedNames = new Set<string>();
  private readonly stageNames: string[];

  constructor(private readonly props: WorkflowDefinitionProps) {
    this.stageNames = props.stages.map((jobs, i) => stageStateName(i, jobs));
    this.startAt = props.preventOverlap
      ? WORKFLOW_STATES.checkForRunningExecution
      : this.stageNames[0];
    if (props.preventOverlap) {
      this.addOverlapCheck();
    }
    props.stages.forEach((jobs, i) => {
      const next = this.stageNames[i + 1] ?? WORKFLOW_STATES.succeeded;
      this.add(this.states, this.stageNames[i], this.stageState(i, jobs, next));
    });
    this.add(this.states, WORKFLOW_STATES.succeeded, { Type: "Succeed" });
  }

  private add(states: States, name: string, state: State): void {
    if (name.length > MAX_STATE_NAME_LENGTH) {
      throw new Error(
        `state name '${name}' has ${name.length} characters: Step Functions allows at most ${MAX_STATE_NAME_LENGTH}`,
      );
    }
    if (this.usedNames.has(name)) {
      throw new Error(
        `two states would be named '${name}': state names must be unique in the workflow, so rename one of its jobs`,
      );
    }
    this.usedNames.add(name);
    states[name] = state;
  }

  private get textTopics(): readonly string[] {
    return this.props.notificationTopicArns ?? [];
  }

  private addOverlapCheck(): void {
    const skipNotices = this.textTopics.map((_, i) =>
      numbered(WORKFLOW_STATES.notifyRunSkipped, i),
    );
    this.add(this.states, WORKFLOW_STATES.checkForRunningExecution, {
      Type: "Task",
      Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions",
      Arguments: {
        StateMachineArn: expr("$states.context.StateMachine.Id"),
        StatusFilter: "RUNNING",
        // This execution is among them; one more is enough to know another one runs.
        MaxResults: 10,
      },
      TimeoutSeconds: SERVICE_CALL_TIMEOUT_SECONDS,
      // No Catch: when the check keeps failing, failing the run beats running two at once.
      Retry: [OVERLAP_CHECK_RETRY],
      Output: {
        otherRunningExecutions: expr(
          "$count($states.result.Executions[ExecutionArn != $states.context.Execution.Id])",
        ),
      },
      Next: WORKFLOW_STATES.previousRunStillRunning,
    });
    this.add(this.states, WORKFLOW_STATES.previousRunStillRunning, {
      Type: "Choice",
      Choices: [
        {
          Condition: expr("$states.input.otherRunningExecutions > 0"),
          Next: skipNotices[0] ?? WORKFLOW_STATES.skippedRun,
        },
      ],
      Default: this.stageNames[0],
    });
    const { workflowName } = this.props;
    const message = concat([
      lit(`Workflow ${workflowName}: execution `),
      "$states.context.Execution.Id",
      lit(" did not run its jobs, because an earlier execution is still running."),
    ]);
    skipNotices.forEach((name, i) => {
      const next = skipNotices[i + 1] ?? WORKFLOW_STATES.skippedRun;
      this.add(
        this.states,
        name,
        publish(
          this.textTopics[i],
          `[${workflowName}] run skipped: previous run still running`,
          message,
          next,
        ),
      );
    });
    this.add(this.states, WORKFLOW_STATES.skippedRun, { Type: "Succeed" });
  }

  /**
   * A Parallel state even for one job: a redrive re-runs only the failed branches of a Parallel
   * state, the same way for every stage. No Catch: a failed job fails its stage, and so the
   * execution, which stays redrivable.
   */
  private stageState(stageIndex: number, jobs: readonly string[], next: string): State {
    return {
      Type: "Parallel",
      Comment: `Jobs of stage ${stageIndex + 1}: ${jobs.join(", ")}`,
      Branches: jobs.map((name) => this.jobBranch(name, stageIndex)),
      Next: next,
    };
  }

  private jobBranch(name: string, stageIndex: number): State {
    const index = this.props.jobs.findIndex((job) => job.name === name);
    const job = this.props.jobs[index];
    const names = stateNames(name);
    const vars = jobVariables(index);
    const notifyStates = [
      ...this.textTopics.map((_, i) => numbered(names.notify, i)),
      ...(this.props.chatTopicArn !== undefined ? [names.notifyChat] : []),
    ];
    const gaveUp = notifyStates[0] ?? names.failed;
    const facts = messageBindings(job, vars);
    const rerun = this.rerunAdvice(name, stageIndex);

    const states: States = {};
    this.add(states, names.skip, skipChoice(name, names));
    this.add(states, names.skipped, {
      Type: "Pass",
      Output: { job: name, skipped: true },
      End: true,
    });
    this.add(states, names.start, {
      Type: "Pass",
      Assign: { [vars.startRetries]: 0, [vars.exitRetries]: 0 },
      Next: names.run,
    });
    this.add(states, names.run, this.runTask(job, names, vars));
    this.add(states, names.classify, classifyChoice(job, names, vars, gaveUp));
    this.add(states, names.waitToRetry, {
      Type: "Wait",
      Seconds: expr(`$${vars.retryDelay}`),
      Next: names.run,
    });
    const { workflowName } = this.props;
    const subject = `[${workflowName}] job ${name} failed`;
    this.textTopics.forEach((topic, i) => {
      const message = block([...facts, textMessage(workflowName, name, job.safeToRerun, rerun)]);
      this.add(
        states,
        notifyStates[i],
        publish(topic, subject, message, notifyStates[i + 1] ?? names.failed),
      );
    });
    if (this.props.chatTopicArn !== undefined) {
      const message = block([...facts, chatMessage(workflowName, name, job.safeToRerun, rerun)]);
      this.add(
        states,
        names.notifyChat,
        publish(this.props.chatTopicArn, undefined, message, names.failed),
      );
    }
    // To verify on AWS: RedriveExecution "continues from the unsuccessful step". If, in a Parallel
    // branch, that step is this Fail state rather than the branch's start, a redrive fails again
    // at once without running the job, and the skipJobs re-run is the one that works.
    this.add(states, names.failed, {
      Type: "Fail",
      Error: expr(
        `$${vars.failure}.kind = 'timeout' ? 'Job.TimedOut' : $${vars.failure}.kind = 'exit' ? 'Job.ExitedNonZero' : 'Job.FailedToStart'`,
      ),
      Cause: expr(
        block([
          ...causeBindings(job, vars),
          `$replace(${lit(`job ${name} `)} & $what, ${lit("\n")}, ' ')`,
        ]),
      ),
    });
    return { StartAt: names.skip, States: states };
  }

  private runTask(job: WorkflowJobRun, names: JobStateNames, vars: JobVariables): State {
    const securityGroups = job.securityGroupIds ?? [];
    return {
      Type: "Task",
      Resource: "arn:aws:states:::ecs:runTask.sync",
      TimeoutSeconds: job.timeoutSeconds,
      Arguments: {
        LaunchType: "FARGATE",
        Cluster: job.clusterArn,
        TaskDefinition: job.taskDefinitionArn,
        PlatformVersion: job.platformVersion ?? "LATEST",
        NetworkConfiguration: {
          AwsvpcConfiguration: {
            Subnets: [...job.subnetIds],
            ...(securityGroups.length > 0 ? { SecurityGroups: [...securityGroups] } : {}),
            AssignPublicIp: job.assignPublicIp ? "ENABLED" : "DISABLED",
          },
        },
        ...(job.propagateTags === false ? {} : { PropagateTags: "TASK_DEFINITION" }),
        EnableECSManagedTags: job.enableEcsManagedTags ?? true,
        StartedBy: truncate(`workflow/${this.props.workflowName}`, ECS_STARTED_BY_MAX_LENGTH),
        Overrides: {
          ContainerOverrides: [
            {
              Name: job.containerName,
              Environment: [
                { Name: "WORKFLOW_NAME", Value: this.props.workflowName },
                { Name: "WORKFLOW_EXECUTION_ID", Value: expr("$states.context.Execution.Id") },
                {
                  Name: "JOB_ATTEMPT",
                  Value: expr(`$string(1 + $${vars.startRetries} + $${vars.exitRetries})`),
                },
              ],
            },
          ],
        },
      },
      // No Retry: the loop through the Classify state retries, with a budget for each kind.
      Catch: [
        {
          ErrorEquals: ["States.ALL"],
          Next: names.classify,
          Assign: { [vars.failure]: expr(failureExpression(job.containerName)) },
        },
      ],
      Output: expr(
        `{ 'job': ${lit(job.name)}, 'taskArn': $states.result.TaskArn, 'exitCode': $states.result.Containers[Name = ${lit(job.containerName)}].ExitCode }`,
      ),
      End: true,
    };
  }

  /** How to re-run after `job` failed, for the notifications. */
  private rerunAdvice(job: string, stageIndex: number): RerunAdvice {
    return {
      earlierJobs: this.props.stages.slice(0, stageIndex).flat(),
      sameStageJobs: this.props.stages[stageIndex].filter((name) => name !== job),
    };
  }
}

interface RerunAdvice {
  /** Jobs of the stages before the failed job's: they succeeded, or were skipped. */
  readonly earlierJobs: readonly string[];
  /** The other jobs of the failed job's stage: some may have succeeded. */
  readonly sameStageJobs: readonly string[];
}

function skipChoice(job: string, names: JobStateNames): State {
  const skipJobs = "$states.context.Execution.Input.skipJobs";
  return {
    Type: "Choice",
    Comment: `An operator re-runs the rest of a workflow with the input {"skipJobs": ["${job}", ...]}`,
    Choices: [
      {
        Condition: expr(`$exists(${skipJobs}) and (${lit(job)} in ${skipJobs})`),
        Next: names.skipped,
      },
    ],
    Default: names.start,
  };
}

/**
 * The rules, in order: (a) a timeout is not retried; (b) the job's container ran and exited
 * non-zero: an exit failure, retried within `retryOnExitCode`; (c) anything else is a start
 * failure, retried within `retryOnStartFailure`: the task did not start, RunTask failed, or the
 * job's container exited 0 but the task failed all the same (an essential sidecar failed), which
 * says nothing against the job itself.
 */
function classifyChoice(
  job: WorkflowJobRun,
  names: JobStateNames,
  vars: JobVariables,
  gaveUp: string,
): State {
  const kind = `$${vars.failure}.kind`;
  const retry = (counter: string, options: RetryOptions) => ({
    [counter]: expr(`$${counter} + 1`),
    [vars.retryDelay]: expr(retryDelayExpression(counter, options)),
  });
  return {
    Type: "Choice",
    Comment:
      "A timeout is not retried; a non-zero exit code of the job's container uses retryOnExitCode; any other failure uses retryOnStartFailure",
    Choices: [
      { Condition: expr(`${kind} = 'timeout'`), Next: gaveUp },
      {
        Condition: expr(
          `${kind} = 'exit' and $${vars.exitRetries} < ${job.retryOnExitCode.attempts}`,
        ),
        Assign: retry(vars.exitRetries, job.retryOnExitCode),
        Next: names.waitToRetry,
      },
      { Condition: expr(`${kind} = 'exit'`), Next: gaveUp },
      {
        Condition: expr(
          `${kind} = 'start' and $${vars.startRetries} < ${job.retryOnStartFailure.attempts}`,
        ),
        Assign: retry(vars.startRetries, job.retryOnStartFailure),
        Next: names.waitToRetry,
      },
    ],
    Default: gaveUp,
  };
}

/**
 * Seconds before the next retry: interval × backoffRate^(retries of this kind already made), cut
 * to a day. Choice Assign expressions all see the values from before the state, so the counter
 * here is the one before its increment.
 */
function retryDelayExpression(counter: string, options: RetryOptions): string {
  return `$min([$round(${options.intervalSeconds} * $power(${options.backoffRate}, $${counter})), ${MAX_RETRY_DELAY_SECONDS}])`;
}

/**
 * What the Catch of `Run <job>` stores about a failure: `{ error, kind, taskArn, stopCode,
 * stoppedReason, exitCode, containerReason, failedContainers, cause }`, keys absent when unknown.
 * `kind` is `timeout` (`States.Timeout`), `exit` (the job's container has a non-zero ExitCode) or
 * `start`.
 *
 * For `States.TaskFailed`, runTask.sync gives the stopped task as JSON text in `Cause`, with
 * PascalCase keys (`Containers[].ExitCode`, `StopCode`, `StoppedReason`, `TaskArn`); camelCase is
 * accepted too, in case. Errors of the ECS API (`ECS.AmazonECSException`, `AmazonECS.Unknown` for
 * RunTask failures such as no capacity, throttling) have no task: their text is kept in `cause`.
 * `$parse` (a Step Functions JSONata function) fails the execution on text that is not JSON, so
 * only text that starts with `{` and ends with `}` is parsed; a Cause cut short is not.
 */
function failureExpression(containerName: string): string {
  return block([
    "$error := $states.errorOutput.Error",
    "$text := $type($states.errorOutput.Cause) = 'string' ? $trim($states.errorOutput.Cause) : ''",
    "$task := ($substring($text, 0, 1) = '{' and $substring($text, -1) = '}') ? $parse($text) : {}",
    `$containers := ${field("$task", "Containers")}`,
    `$job := $containers[${field("$", "Name")} = ${lit(containerName)}]`,
    `$failed := $containers[$type(${field("$", "ExitCode")}) = 'number' and ${field("$", "ExitCode")} != 0]`,
    `$exitCode := ${field("$job", "ExitCode")}`,
    `$taskArn := ${field("$task", "TaskArn")}`,
    `{ ${[
      "'error': $error",
      "'kind': $error = 'States.Timeout' ? 'timeout' : ($type($exitCode) = 'number' and $exitCode != 0) ? 'exit' : 'start'",
      "'taskArn': $taskArn",
      `'stopCode': ${field("$task", "StopCode")}`,
      `'stoppedReason': ${field("$task", "StoppedReason")}`,
      "'exitCode': $exitCode",
      `'containerReason': ${field("$job", "Reason")}`,
      `'failedContainers': $join($failed.(${field("$", "Name")} & ' exited with code ' & $string(${field("$", "ExitCode")})), ', ')`,
      "'cause': ($not($exists($taskArn)) and $text != '') ? $substring($text, 0, 500)",
    ].join(", ")} }`,
  ]);
}

/** A PascalCase field of a JSONata value, or its camelCase twin. */
function field(value: string, pascalName: string): string {
  const camelName = pascalName[0].toLowerCase() + pascalName.slice(1);
  return `($exists(${value}.${pascalName}) ? ${value}.${pascalName} : ${value}.${camelName})`;
}

/** JSONata bindings of the Fail state: `$f`, the failure, and `$what`, its cause in words. */
function causeBindings(job: WorkflowJobRun, vars: JobVariables): string[] {
  const what = [
    `$f.kind = 'timeout' ? ${lit(`timed out after ${job.timeoutSeconds} s and was stopped`)}`,
    ": $f.kind = 'exit' ? ('exited with code ' & $string($f.exitCode) & ($f.containerReason ? ' (' & $f.containerReason & ')' : ''))",
    ": $exists($f.taskArn) ? (($f.exitCode = 0 ? 'exited 0, but its task failed: ' : 'failed to start: ') & $join([$f.stopCode, $f.stoppedReason], ': ') & ($f.failedContainers ? ' (' & $f.failedContainers & ')' : ''))",
    ": ('could not be started: ' & $f.error & ($f.cause ? ': ' & $f.cause : ''))",
  ].join(" ");
  return [`$f := $${vars.failure}`, `$what := ${what}`];
}

/** JSONata bindings of the messages: those of {@link causeBindings}, `$attempts`, `$execution`. */
function messageBindings(job: WorkflowJobRun, vars: JobVariables): string[] {
  return [
    ...causeBindings(job, vars),
    `$attempts := 1 + $${vars.startRetries} + $${vars.exitRetries}`,
    "$execution := $states.context.Execution.Id",
  ];
}

/**
 * How to re-run from the failed job: a new execution that skips the jobs that succeeded. It is
 * offered before redrive, whose behaviour after a Fail state is not verified (see the Fail state).
 */
function skipJobsAdvice(advice: RerunAdvice, code: (text: string) => string): string {
  const { earlierJobs, sameStageJobs } = advice;
  if (earlierJobs.length === 0 && sameStageJobs.length === 0) {
    return "Start a new execution: no other job ran before this one, so none needs skipping.";
  }
  const sameStage = sameStageJobs.join(", ");
  if (earlierJobs.length === 0) {
    return `Start a new execution with the input ${code('{"skipJobs": [...]}')}, listing the jobs of ${sameStage} that succeeded.`;
  }
  const input = code(`{"skipJobs": ${JSON.stringify(earlierJobs)}}`);
  return sameStageJobs.length === 0
    ? `Start a new execution that skips the jobs that succeeded, with the input ${input}.`
    : `Start a new execution with the input ${input}, adding the jobs of ${sameStage} that succeeded.`;
}

function textMessage(
  workflow: string,
  job: string,
  safeToRerun: boolean,
  advice: RerunAdvice,
): string {
  const lines = [
    lit(`Workflow ${workflow}: job ${job} failed.`),
    lit(""),
    `'Cause: the job ' & $what & '.'`,
    `'Task: ' & ($exists($f.taskArn) ? $f.taskArn : 'none was started')`,
    `'Execution: ' & $execution`,
    `'Attempts: ' & $string($attempts)`,
    lit(
      `Safe to re-run: ${safeToRerun ? "yes" : "no: check what the job already did before running it again"}`,
    ),
    lit(""),
    lit("To re-run this job and the jobs after it:"),
    lit(skipJobsAdvice(advice, (text) => text)),
    `'  aws stepfunctions start-execution --state-machine-arn ' & $states.context.StateMachine.Id & ' --input ...'`,
    `'(Step Functions redrive, aws stepfunctions redrive-execution --execution-arn ' & $execution & ', is not verified to re-run a job after its Fail state.)'`,
  ];
  return `$join([${lines.join(", ")}], ${lit("\n")})`;
}

/** An AWS Chatbot custom notification, as JSON text. */
function chatMessage(
  workflow: string,
  job: string,
  safeToRerun: boolean,
  advice: RerunAdvice,
): string {
  const description = [
    `'*Cause:* the job ' & $what`,
    `'*Task:* ' & ($exists($f.taskArn) ? $f.taskArn : 'none was started')`,
    `'*Execution:* ' & $execution`,
    `'*Attempts:* ' & $string($attempts)`,
    lit(`*Safe to re-run:* ${safeToRerun ? "yes" : "no, check what the job already did first"}`),
  ];
  const nextSteps = [
    lit(
      `Re-run this job and the jobs after it: ${skipJobsAdvice(advice, (text) => `\`${text}\``)}`,
    ),
    `'State machine: ' & $states.context.StateMachine.Id`,
  ];
  return `$string({ ${[
    "'version': '1.0'",
    "'source': 'custom'",
    `'content': { ${[
      "'textType': 'client-markdown'",
      `'title': ${lit(`:x: ${workflow}: job ${job} failed`)}`,
      `'description': $join([${description.join(", ")}], ${lit("\n")})`,
      `'nextSteps': [${nextSteps.join(", ")}]`,
    ].join(", ")} }`,
  ].join(", ")} })`;
}

/**
 * An SNS publish whose failure never hides the news it carries: its Catch goes on to `next`,
 * which ends in the job's Fail state (or the skipped run's Succeed state).
 */
function publish(
  topicArn: string,
  subject: string | undefined,
  message: string,
  next: string,
): State {
  return {
    Type: "Task",
    Resource: "arn:aws:states:::sns:publish",
    TimeoutSeconds: SERVICE_CALL_TIMEOUT_SECONDS,
    Arguments: {
      TopicArn: topicArn,
      ...(subject !== undefined ? { Subject: truncate(subject, SNS_SUBJECT_MAX_LENGTH) } : {}),
      Message: expr(message),
    },
    Catch: [{ ErrorEquals: ["States.ALL"], Next: next }],
    Next: next,
  };
}

/** The state name for the `index`-th of several alike states: `name`, `name (2)`, ... */
function numbered(name: string, index: number): string {
  return index === 0 ? name : `${name} (${index + 1})`;
}

/**
 * A JSONata expression as an ASL value. The space after `{%` matters: in the Terraform JSON that
 * carries the definition, `%{` would start a template directive.
 */
function expr(jsonata: string): string {
  return `{% ${jsonata} %}`;
}

/** A JSONata string literal: JSON's escapes are JSONata's. Tokens pass through unchanged. */
function lit(text: string): string {
  return JSON.stringify(text);
}

/** JSONata string concatenation of expressions. */
function concat(parts: readonly string[]): string {
  return parts.join(" & ");
}

/** A JSONata block: bindings, then the value of the last expression. */
function block(expressions: readonly string[]): string {
  return `( ${expressions.join("; ")} )`;
}

/** Cuts text to `max` characters, unless it holds a token, whose length means nothing yet. */
function truncate(text: string, max: number): string {
  return isUnresolved(text) || text.length <= max ? text : text.slice(0, max);
}

const JOB_NAME = /^[A-Za-z0-9_-]+$/;

function validateDefinitionProps(props: WorkflowDefinitionProps): void {
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
  if (!isUnresolved(job.containerName)) {
    try {
      validateContainerName(job.containerName);
    } catch (error) {
      fail("containerName", `is not valid: ${(error as Error).message}`);
    }
  }
  if (!isUnresolved(job.subnetIds) && job.subnetIds.length === 0) {
    fail("subnetIds", "is empty: give at least one subnet for the task's network interface");
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
