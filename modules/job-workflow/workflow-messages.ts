/** What a workflow tells people when a job failed for good: the cause and how to re-run. */
import { causeBindings } from "./failure-classification";
import { lit } from "./jsonata";
import { JobVariables } from "./state-names";
import { WorkflowJobRun } from "./workflow-job";

/** How to re-run after a job failed, for the notifications. */
export interface RerunAdvice {
  /** Jobs of the stages before the failed job's: they succeeded, or were skipped. */
  readonly earlierJobs: readonly string[];
  /** The other jobs of the failed job's stage: some may have succeeded. */
  readonly sameStageJobs: readonly string[];
}

/** JSONata bindings of the messages: those of {@link causeBindings}, `$attempts`, `$execution`. */
export function messageBindings(job: WorkflowJobRun, vars: JobVariables): string[] {
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

export function textMessage(
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
export function chatMessage(
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
