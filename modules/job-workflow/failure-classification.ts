/**
 * What went wrong with a job's run, from the error a Step Functions task caught: a timeout, a
 * non-zero exit of the job's container, or a start failure; and the Choice that retries each
 * within its own budget.
 */
import { expr, lit, block } from "./jsonata";
import { JobStateNames, JobVariables } from "./state-names";
import { MAX_RETRY_DELAY_SECONDS } from "./workflow-timeouts";
import { RetryOptions, WorkflowJobRun } from "./workflow-job";

type State = Record<string, unknown>;

/**
 * The rules, in order: (a) a timeout is not retried; (b) the job's container ran and exited
 * non-zero: an exit failure, retried within `retryOnExitCode`; (c) anything else is a start
 * failure, retried within `retryOnStartFailure`: the task did not start, RunTask failed, or the
 * job's container exited 0 but the task failed all the same (an essential sidecar failed), which
 * says nothing against the job itself.
 */
export function classifyChoice(
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
export function failureExpression(containerName: string): string {
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
export function causeBindings(job: WorkflowJobRun, vars: JobVariables): string[] {
  const what = [
    `$f.kind = 'timeout' ? ${lit(`timed out after ${job.timeoutSeconds} s and was stopped`)}`,
    ": $f.kind = 'exit' ? ('exited with code ' & $string($f.exitCode) & ($f.containerReason ? ' (' & $f.containerReason & ')' : ''))",
    ": $exists($f.taskArn) ? (($f.exitCode = 0 ? 'exited 0, but its task failed: ' : 'failed to start: ') & $join([$f.stopCode, $f.stoppedReason], ': ') & ($f.failedContainers ? ' (' & $f.failedContainers & ')' : ''))",
    ": ('could not be started: ' & $f.error & ($f.cause ? ': ' & $f.cause : ''))",
  ].join(" ");
  return [`$f := $${vars.failure}`, `$what := ${what}`];
}
