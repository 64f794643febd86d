/**
 * The Amazon States Language definition of a job workflow: a Step Functions Standard state machine
 * (JSONata query language) that runs the stages of a workflow one after another, each stage's jobs
 * side by side as ECS Fargate tasks through `ecs:runTask.sync`, so it sees each job's exit code.
 *
 * Each job gets its own retry loop instead of a `Retry` on its Task, so a job that never ran
 * (no capacity, image pull, throttling) and a job that ran and exited non-zero have separate
 * budgets, and a job that ran is retried only when it is marked safe to re-run.
 */
import { runTaskSyncArguments } from "../job-run/render-job-run";
import { isUnresolved } from "../validation/construct-validation";
import { classifyChoice, causeBindings, failureExpression } from "./failure-classification";
import { block, concat, expr, lit } from "./jsonata";
import {
  JobStateNames,
  JobVariables,
  jobVariables,
  MAX_STATE_NAME_LENGTH,
  numbered,
  stageStateName,
  stateNames,
  WORKFLOW_STATES,
} from "./state-names";
import { messageBindings, RerunAdvice, chatMessage, textMessage } from "./workflow-messages";
import { validateDefinitionProps } from "./workflow-validation";
import {
  ECS_STARTED_BY_MAX_LENGTH,
  OVERLAP_CHECK_RETRY,
  SERVICE_CALL_TIMEOUT_SECONDS,
  SNS_SUBJECT_MAX_LENGTH,
  workflowTimeoutSeconds,
} from "./workflow-timeouts";
import { WorkflowDefinitionProps, WorkflowJobRun } from "./workflow-job";

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
    return {
      Type: "Task",
      Resource: "arn:aws:states:::ecs:runTask.sync",
      TimeoutSeconds: job.timeoutSeconds,
      Arguments: runTaskSyncArguments(job.run, {
        startedBy: truncate(`workflow/${this.props.workflowName}`, ECS_STARTED_BY_MAX_LENGTH),
        environment: {
          WORKFLOW_NAME: this.props.workflowName,
          WORKFLOW_EXECUTION_ID: expr("$states.context.Execution.Id"),
          JOB_ATTEMPT: expr(`$string(1 + $${vars.startRetries} + $${vars.exitRetries})`),
        },
      }),
      // No Retry: the loop through the Classify state retries, with a budget for each kind.
      Catch: [
        {
          ErrorEquals: ["States.ALL"],
          Next: names.classify,
          Assign: { [vars.failure]: expr(failureExpression(job.run.container!.name)) },
        },
      ],
      Output: expr(
        `{ 'job': ${lit(job.name)}, 'taskArn': $states.result.TaskArn, 'exitCode': $states.result.Containers[Name = ${lit(job.run.container!.name)}].ExitCode }`,
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

/** Cuts text to `max` characters, unless it holds a token, whose length means nothing yet. */
function truncate(text: string, max: number): string {
  return isUnresolved(text) || text.length <= max ? text : text.slice(0, max);
}
