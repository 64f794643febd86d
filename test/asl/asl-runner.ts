import jsonata from "jsonata";

/*
 * Runs a state machine definition (Amazon States Language, JSONata query language) the way Step
 * Functions does for the states this project writes: Choice, Pass (Output, Assign), Task (Arguments,
 * Output, Retry, Catch), Succeed and Fail. Every JSONata expression is evaluated by the `jsonata`
 * package, with `$states` bound as Step Functions binds it; what a Task calls is answered by the
 * caller's fake of that service. It is a harness for our own definitions, not an emulator: a state
 * or field it does not know fails the run, so nothing is silently skipped.
 */

/** A Task's call: its resource and evaluated arguments. */
export interface TaskCall {
  readonly resource: string;
  readonly arguments: Record<string, unknown>;
}

/** An error a fake service raises: Step Functions catches it by `error`. */
export class TaskError extends Error {
  constructor(
    readonly error: string,
    override readonly cause: string,
  ) {
    super(`${error}: ${cause}`);
  }
}

/** Answers a Task's call with its result, or throws a {@link TaskError}. */
export type TaskHandler = (call: TaskCall) => unknown | Promise<unknown>;

/** How a run ended, and the states it went through. */
export interface RunResult {
  readonly status: "SUCCEEDED" | "FAILED";
  readonly output?: unknown;
  readonly error?: string;
  readonly cause?: string;
  readonly path: readonly string[];
}

interface Retrier {
  readonly ErrorEquals: readonly string[];
  readonly MaxAttempts?: number;
}

interface Catcher {
  readonly ErrorEquals: readonly string[];
  readonly Next: string;
  readonly Output?: unknown;
}

interface State {
  readonly Type: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { Condition: string; Next: string; Assign?: object }[];
  readonly Output?: unknown;
  readonly Assign?: Record<string, unknown>;
  readonly Resource?: string;
  readonly Arguments?: unknown;
  readonly Retry?: readonly Retrier[];
  readonly Catch?: readonly Catcher[];
  readonly Error?: string;
  readonly Cause?: string;
  readonly [other: string]: unknown;
}

interface Definition {
  readonly QueryLanguage?: string;
  readonly StartAt: string;
  readonly States: Record<string, State>;
}

const KNOWN_FIELDS = new Set([
  "Type",
  "Comment",
  "Next",
  "End",
  "Default",
  "Choices",
  "Output",
  "Assign",
  "Resource",
  "Arguments",
  "Retry",
  "Catch",
  "Error",
  "Cause",
  "TimeoutSeconds",
]);

/** A value of a definition with its `{% ... %}` expressions evaluated, recursively. */
async function evaluateValue(value: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  if (typeof value === "string") {
    const match = /^\{%([\s\S]*)%\}$/.exec(value);
    return match ? jsonata(match[1]).evaluate({}, bindings) : value;
  }
  if (Array.isArray(value)) {
    return Promise.all(value.map((item) => evaluateValue(item, bindings)));
  }
  if (value !== null && typeof value === "object") {
    const entries = await Promise.all(
      Object.entries(value).map(async ([key, item]) => [key, await evaluateValue(item, bindings)]),
    );
    return Object.fromEntries(entries);
  }
  return value;
}

function matches(errorEquals: readonly string[], error: string): boolean {
  return errorEquals.includes(error) || errorEquals.includes("States.ALL");
}

/**
 * Runs `definition` (JSON text or object) on `input`; `handlers` answer its Task states by
 * resource ARN.
 */
export async function runStateMachine(
  definition: string | Definition,
  input: unknown,
  handlers: Readonly<Record<string, TaskHandler>>,
  options: { readonly executionName?: string; readonly maxSteps?: number } = {},
): Promise<RunResult> {
  const asl: Definition = typeof definition === "string" ? JSON.parse(definition) : definition;
  if (asl.QueryLanguage !== "JSONata") {
    throw new Error("runStateMachine runs JSONata state machines only");
  }
  const context = { Execution: { Input: input, Name: options.executionName ?? "run" } };
  const variables: Record<string, unknown> = {};
  const path: string[] = [];
  let name = asl.StartAt;
  let stateInput = input;
  for (let step = 0; step < (options.maxSteps ?? 100); step += 1) {
    const state = asl.States[name];
    if (state === undefined) {
      throw new Error(`no state '${name}'`);
    }
    const unknown = Object.keys(state).filter((field) => !KNOWN_FIELDS.has(field));
    if (unknown.length > 0) {
      throw new Error(`state '${name}' has fields this harness does not run: ${unknown}`);
    }
    path.push(name);
    const bindings = (extra: object = {}) => ({
      ...variables,
      states: { input: stateInput, context, ...extra },
    });
    const assign = async (assignments: object | undefined, extra: object = {}) => {
      for (const [key, value] of Object.entries(assignments ?? {})) {
        variables[key] = await evaluateValue(value, bindings(extra));
      }
    };
    const next = (output: unknown, target: string | undefined) => {
      stateInput = output;
      name = target!;
    };
    switch (state.Type) {
      case "Choice": {
        let target = state.Default;
        for (const choice of state.Choices ?? []) {
          if ((await evaluateValue(choice.Condition, bindings())) === true) {
            await assign(choice.Assign);
            target = choice.Next;
            break;
          }
        }
        if (target === undefined) {
          return { status: "FAILED", error: "States.NoChoiceMatched", path };
        }
        next(stateInput, target);
        break;
      }
      case "Pass": {
        const output =
          state.Output === undefined ? stateInput : await evaluateValue(state.Output, bindings());
        await assign(state.Assign);
        if (state.End) {
          return { status: "SUCCEEDED", output, path };
        }
        next(output, state.Next);
        break;
      }
      case "Task": {
        const handler = handlers[state.Resource!];
        if (handler === undefined) {
          throw new Error(`state '${name}': no fake for ${state.Resource}`);
        }
        const args = (await evaluateValue(state.Arguments ?? {}, bindings())) as Record<
          string,
          unknown
        >;
        const attempts = new Map<Retrier, number>();
        let result: unknown;
        let failure: TaskError | undefined;
        for (;;) {
          try {
            result = await handler({ resource: state.Resource!, arguments: args });
            failure = undefined;
            break;
          } catch (error) {
            if (!(error instanceof TaskError)) {
              throw error;
            }
            failure = error;
            const retrier = (state.Retry ?? []).find((r) => matches(r.ErrorEquals, error.error));
            const used = retrier ? (attempts.get(retrier) ?? 0) : 0;
            if (!retrier || used >= (retrier.MaxAttempts ?? 3)) {
              break;
            }
            attempts.set(retrier, used + 1);
          }
        }
        if (failure) {
          const errorOutput = { Error: failure.error, Cause: failure.cause };
          const catcher = (state.Catch ?? []).find((c) => matches(c.ErrorEquals, failure!.error));
          if (!catcher) {
            return { status: "FAILED", error: failure.error, cause: failure.cause, path };
          }
          const output =
            catcher.Output === undefined
              ? errorOutput
              : await evaluateValue(catcher.Output, bindings({ errorOutput }));
          next(output, catcher.Next);
          break;
        }
        const output =
          state.Output === undefined
            ? result
            : await evaluateValue(state.Output, bindings({ result }));
        await assign(state.Assign, { result });
        if (state.End) {
          return { status: "SUCCEEDED", output, path };
        }
        next(output, state.Next);
        break;
      }
      case "Succeed":
        return { status: "SUCCEEDED", output: stateInput, path };
      case "Fail":
        return {
          status: "FAILED",
          error: (await evaluateValue(state.Error, bindings())) as string,
          cause: (await evaluateValue(state.Cause, bindings())) as string,
          path,
        };
      default:
        throw new Error(`state '${name}' is a ${state.Type}, which this harness does not run`);
    }
  }
  throw new Error(`more than ${options.maxSteps ?? 100} steps: a loop?`);
}
