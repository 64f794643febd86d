import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { isNonEmptyString, isRecord } from "./job-parameter";
import { RunnerError } from "./runner-error";

/**
 * The input of `ecs-batch run-task`: the AWS CLI's `aws ecs run-task --cli-input-json|yaml`
 * format, whose camelCase keys are the SDK's RunTaskCommandInput, so the run-task.json/yaml files
 * of existing shell glue work unchanged.
 */

export type RunTaskInputFormat = "json" | "yaml";

export interface RunTaskInputSource {
  readonly format: RunTaskInputFormat;
  /** A file path, `file://<path>` as the AWS CLI takes it, or `-` for stdin. */
  readonly path: string;
}

export interface TextReaders {
  readFile(path: string): Promise<string>;
  readStdin(): Promise<string>;
}

/** The keys of RunTaskCommandInput: anything else is a typo the AWS CLI would refuse too. */
const RUN_TASK_KEYS = new Set([
  "capacityProviderStrategy",
  "clientToken",
  "cluster",
  "count",
  "enableECSManagedTags",
  "enableExecuteCommand",
  "group",
  "launchType",
  "networkConfiguration",
  "overrides",
  "placementConstraints",
  "placementStrategy",
  "platformVersion",
  "propagateTags",
  "referenceId",
  "startedBy",
  "tags",
  "taskDefinition",
  "volumeConfigurations",
]);

/** Reads and checks the run-task input; throws a RunnerError naming the file and the problems. */
export async function readRunTaskInput(
  source: RunTaskInputSource,
  readers: TextReaders,
): Promise<RunTaskCommandInput> {
  const path = source.path.replace(/^file:\/\//, "");
  const origin = path === "-" ? "run-task input from stdin" : `run-task input ${path}`;
  let text: string;
  try {
    text = path === "-" ? await readers.readStdin() : await readers.readFile(path);
  } catch (error) {
    throw new RunnerError(`cannot read ${origin}: ${(error as Error).message}`);
  }
  return parseRunTaskInput(text, source.format, origin);
}

/** Parses and checks run-task input text; `origin` names it in errors. */
export async function parseRunTaskInput(
  text: string,
  format: RunTaskInputFormat,
  origin: string,
): Promise<RunTaskCommandInput> {
  let document: unknown;
  try {
    if (format === "json") {
      document = JSON.parse(text);
    } else {
      // Loaded here: only run-task with YAML input needs the parser.
      const { parse } = await import("yaml");
      document = parse(text);
    }
  } catch (error) {
    throw new RunnerError(
      `${origin} is not valid ${format.toUpperCase()}: ${(error as Error).message}`,
    );
  }
  const problems = runTaskInputProblems(document);
  if (problems.length > 0) {
    throw new RunnerError(`${origin} is not valid: ${problems.join("; ")}`);
  }
  return document as RunTaskCommandInput;
}

/** What is wrong with a parsed run-task input (empty when nothing is). */
export function runTaskInputProblems(document: unknown): string[] {
  if (!isRecord(document)) {
    return ["it must be an object of RunTask parameters (cluster, taskDefinition, ...)"];
  }
  const problems = Object.keys(document)
    .filter((key) => !RUN_TASK_KEYS.has(key))
    .map((key) => `'${key}' is not a RunTask parameter`);
  for (const field of ["cluster", "taskDefinition"]) {
    if (!isNonEmptyString(document[field])) {
      problems.push(`${field} is required: a non-empty string`);
    }
  }
  for (const field of ["launchType", "startedBy", "clientToken", "platformVersion", "group"]) {
    if (document[field] !== undefined && typeof document[field] !== "string") {
      problems.push(`${field} must be a string`);
    }
  }
  if (document.count !== undefined && document.count !== 1) {
    problems.push(
      `count ${JSON.stringify(document.count)} is not supported: ecs-batch follows exactly one task, so count must be 1 or absent`,
    );
  }
  const strategy = document.capacityProviderStrategy;
  if (strategy !== undefined && !Array.isArray(strategy)) {
    problems.push("capacityProviderStrategy must be a list");
  }
  if (document.launchType !== undefined && Array.isArray(strategy) && strategy.length > 0) {
    problems.push("launchType and capacityProviderStrategy cannot both be given (RunTask rule)");
  }
  const tags = document.tags;
  if (
    tags !== undefined &&
    (!Array.isArray(tags) || !tags.every((t) => isRecord(t) && isNonEmptyString(t.key)))
  ) {
    problems.push("tags must be a list of {key, value}");
  }
  const overrides = document.overrides;
  if (overrides !== undefined) {
    const containerOverrides = isRecord(overrides) ? overrides.containerOverrides : undefined;
    if (
      !isRecord(overrides) ||
      (containerOverrides !== undefined &&
        (!Array.isArray(containerOverrides) ||
          !containerOverrides.every((o) => isRecord(o) && isNonEmptyString(o.name))))
    ) {
      problems.push("overrides.containerOverrides must be a list of objects with a name");
    }
  }
  return problems;
}
