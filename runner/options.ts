import type { KeyValuePair, RunTaskCommandInput, Tag } from "@aws-sdk/client-ecs";
import { Command, InvalidArgumentError, Option } from "commander";
import { environmentOfPrefix, JOB_TAG_KEY, jobParameterPrefix } from "../contract/job-run-spec";
import { parseSince, sinceInstant, type Since } from "./local-time";
import type { RunRequest } from "./run-job";

/**
 * The options that `run` and `run-task` share, and the parsing of their values. A parser throws
 * commander's InvalidArgumentError, which commander prints naming the option; the CLI exits 2.
 */

/** One `KEY=VALUE` argument. */
export interface KeyValue {
  readonly key: string;
  readonly value: string;
}

/** The shared options, as commander stores them. */
export interface CommonOptions {
  /** `--command`: the container command override. */
  readonly command?: readonly string[];
  /** `--environment`: container environment overrides, in the order given. */
  readonly environment?: readonly KeyValue[];
  readonly startedBy?: string;
  /** `--tag`: task tags, in the order given. */
  readonly tag?: readonly KeyValue[];
  readonly clientToken?: string;
  /** false with `--no-wait`. */
  readonly wait: boolean;
  /** `--timeout`, in milliseconds. */
  readonly timeout?: number;
  readonly container?: string;
  readonly retries: number;
  readonly retryOnExitCode?: boolean;
  readonly json?: boolean;
  readonly quiet?: boolean;
  readonly region?: string;
}

/** The most `--retries` accepted: more is a typo rather than a plan (each waits up to 5 min). */
export const MAX_RETRIES = 10;

/** ECS limits of RunTask (API reference: RunTask, Tag). */
const MAX_STARTED_BY_LENGTH = 128;
const MAX_CLIENT_TOKEN_LENGTH = 64;
const MAX_TAGS = 50;
const MAX_TAG_KEY_LENGTH = 128;
const MAX_TAG_VALUE_LENGTH = 256;
/** The characters ECS accepts in tag keys and values (its InvalidParameterException names them). */
const TAG_CHARACTERS = /^[\p{L}\p{Z}\p{N}_.:/=+\-@]*$/u;
/** ASCII 33-126: the characters RunTask accepts in a client token. */
const CLIENT_TOKEN_CHARACTERS = /^[\x21-\x7e]+$/;
/** Container names: up to 255 letters, numbers, hyphens and underscores (task definition rule). */
const CONTAINER_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;
/** One segment of an SSM parameter name: the job name and the environment name. */
const NAME_SEGMENT = /^[A-Za-z0-9_.-]+$/;
/** A fully qualified SSM parameter path (the prefix of an environment's job parameters). */
const PARAMETER_PATH = /^(\/[A-Za-z0-9_.-]+)+\/?$/;

const DURATION = /^(?:(\d+)h)?(?:(\d+)m)?(?:(\d+)s)?$/;

/**
 * Parses a duration such as `90s`, `30m`, `2h` or `1h30m` (hours, minutes, seconds, in that
 * order) into milliseconds. A bare number is refused: `--timeout 90` could mean seconds or minutes.
 */
export function parseDuration(text: string): number {
  const match = DURATION.exec(text);
  if (/^\d+$/.test(text)) {
    throw new InvalidArgumentError(
      `'${text}' has no unit: write ${text}s, ${text}m or ${text}h (durations look like 90s, 30m, 2h, 1h30m).`,
    );
  }
  if (text === "" || !match) {
    throw new InvalidArgumentError(
      `'${text}' is not a duration: write hours, minutes and seconds as in 90s, 30m, 2h or 1h30m.`,
    );
  }
  const [hours, minutes, seconds] = match.slice(1).map((part) => Number(part ?? 0));
  const ms = ((hours * 60 + minutes) * 60 + seconds) * 1000;
  if (ms <= 0) {
    throw new InvalidArgumentError(`'${text}' is not a duration: it must be longer than 0s.`);
  }
  return ms;
}

/** Parses `KEY=VALUE` (the value may be empty and may contain `=`). */
export function parseKeyValue(text: string): KeyValue {
  const separator = text.indexOf("=");
  if (separator <= 0) {
    throw new InvalidArgumentError(`'${text}' is not KEY=VALUE: write e.g. LOG_LEVEL=debug.`);
  }
  return { key: text.slice(0, separator), value: text.slice(separator + 1) };
}

/** A commander parser for a repeatable `KEY=VALUE` option: collects them, a key at most once. */
export function collectKeyValues(
  check: (pair: KeyValue) => void = () => undefined,
): (text: string, previous: readonly KeyValue[] | undefined) => readonly KeyValue[] {
  return (text, previous = []) => {
    const pair = parseKeyValue(text);
    if (previous.some((p) => p.key === pair.key)) {
      throw new InvalidArgumentError(`'${pair.key}' is given twice: give each key once.`);
    }
    check(pair);
    return [...previous, pair];
  };
}

/** Checks a `--tag` against the ECS tag rules, so a bad tag fails before anything starts. */
export function checkTag(tag: KeyValue): void {
  if (tag.key.length > MAX_TAG_KEY_LENGTH || tag.value.length > MAX_TAG_VALUE_LENGTH) {
    throw new InvalidArgumentError(
      `tag '${tag.key}' is too long: keys have at most ${MAX_TAG_KEY_LENGTH} characters, values ${MAX_TAG_VALUE_LENGTH}.`,
    );
  }
  if (tag.key.toLowerCase().startsWith("aws:")) {
    throw new InvalidArgumentError(`tag '${tag.key}': the prefix 'aws:' is reserved for AWS.`);
  }
  if (!TAG_CHARACTERS.test(tag.key) || !TAG_CHARACTERS.test(tag.value)) {
    throw new InvalidArgumentError(
      `tag '${tag.key}=${tag.value}' has characters ECS refuses: use letters, numbers, spaces and _ . : / = + - @.`,
    );
  }
}

/** Parses the container command override: a JSON array of strings, as in a task definition. */
export function parseCommand(text: string): readonly string[] {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = undefined;
  }
  if (
    !Array.isArray(parsed) ||
    parsed.length === 0 ||
    !parsed.every((part) => typeof part === "string")
  ) {
    throw new InvalidArgumentError(
      `'${text}' is not a command: write a non-empty JSON array of strings, e.g. '["python","main.py","--date","2026-11-23"]'.`,
    );
  }
  return parsed as string[];
}

/** Parses a whole number from `min` to `max`. */
export function parseWholeNumber(min: number, max: number): (text: string) => number {
  return (text) => {
    const value = Number(text);
    if (!/^\d+$/.test(text.trim()) || value < min || value > max) {
      throw new InvalidArgumentError(`'${text}' must be a whole number from ${min} to ${max}.`);
    }
    return value;
  };
}

/** Parses text that must match `pattern`; `rule` says what is accepted. */
export function parseMatching(pattern: RegExp, rule: string): (text: string) => string {
  return (text) => {
    if (!pattern.test(text)) {
      throw new InvalidArgumentError(`'${text}' is not valid: ${rule}.`);
    }
    return text;
  };
}

export const parseContainerName = parseMatching(
  CONTAINER_NAME,
  "a container name has 1 to 255 letters, numbers, hyphens and underscores",
);

function parseStartedBy(text: string): string {
  if (text.length === 0 || text.length > MAX_STARTED_BY_LENGTH) {
    throw new InvalidArgumentError(
      `'${text}' is not valid: it must have 1 to ${MAX_STARTED_BY_LENGTH} characters.`,
    );
  }
  return text;
}

function parseClientToken(text: string): string {
  if (text.length > MAX_CLIENT_TOKEN_LENGTH || !CLIENT_TOKEN_CHARACTERS.test(text)) {
    throw new InvalidArgumentError(
      `'${text}' is not valid: a client token has 1 to ${MAX_CLIENT_TOKEN_LENGTH} ASCII characters without spaces.`,
    );
  }
  return text;
}

/** Declares the options that `run` and `run-task` share (see {@link CommonOptions}). */
export function addCommonOptions(command: Command): Command {
  return command
    .addOption(
      new Option(
        "--command <json-array>",
        "override the container's command, as a JSON array of strings",
      ).argParser(parseCommand),
    )
    .addOption(
      new Option(
        "--environment <KEY=VALUE>",
        "set an environment variable in the container (repeatable; --env is the environment name)",
      ).argParser(collectKeyValues()),
    )
    .addOption(
      new Option(
        "--started-by <text>",
        "the task's startedBy, to find it with ListTasks (default: ecs-batch/<user>/<host>)",
      ).argParser(parseStartedBy),
    )
    .addOption(
      new Option("--tag <KEY=VALUE>", "tag the task (repeatable)").argParser(
        collectKeyValues(checkTag),
      ),
    )
    .addOption(
      new Option(
        "--client-token <token>",
        "RunTask idempotency token: the same token never starts a second task",
      ).argParser(parseClientToken),
    )
    .addOption(new Option("--no-wait", "print the task ARN and exit 0 once the task is started"))
    .addOption(
      new Option(
        "--timeout <duration>",
        "stop the task and exit 124 after this long, e.g. 90s, 30m, 2h, 1h30m (default: no limit)",
      ).argParser(parseDuration),
    )
    .addOption(
      new Option(
        "--container <name>",
        "the container whose exit code is the result (and gets --command/--environment)",
      ).argParser(parseContainerName),
    )
    .addOption(
      new Option(
        "--retries <n>",
        `start again up to n times (0-${MAX_RETRIES}) when the task never ran its container`,
      )
        .argParser(parseWholeNumber(0, MAX_RETRIES))
        .default(0),
    )
    .addOption(
      new Option(
        "--retry-on-exit-code",
        "with --retries: also start again when the container exited non-zero",
      ),
    )
    .addOption(
      new Option(
        "--json",
        "print one JSON summary on stdout at the end (container logs go to stderr)",
      ),
    )
    .addOption(new Option("--quiet", "print no status lines (errors and container logs still)"))
    .addOption(regionOption());
}

/** `--region`: the AWS region of the calls. */
export function regionOption(): Option {
  return new Option(
    "--region <region>",
    "AWS region (default: the SDK's region settings)",
  ).argParser(parseMatching(REGION, "an AWS region looks like ap-northeast-1"));
}

/** Where a deployed job's SSM parameter is: `--env <env>`, or `--parameter-prefix <path>`. */
export interface JobLocationOptions {
  readonly env?: string;
  readonly parameterPrefix?: string;
}

/** A job's name, as the `<job>` argument takes it. */
export const parseJobName = parseMatching(
  NAME_SEGMENT,
  "a job name has letters, numbers and _ . -",
);

/** Declares `--env` and `--parameter-prefix`, which say where a job's parameter is. */
export function addJobLocationOptions(command: Command): Command {
  return command
    .addOption(
      new Option("--env <env>", "the environment the job is deployed to, e.g. prod").argParser(
        parseMatching(NAME_SEGMENT, "an environment name has letters, numbers and _ . -"),
      ),
    )
    .addOption(
      new Option(
        "--parameter-prefix <prefix>",
        "read the job parameter under this SSM path instead of /ecs-batch/<env>",
      )
        .argParser(
          parseMatching(
            PARAMETER_PATH,
            "an SSM parameter path starts with / as in /ecs-batch/prod",
          ),
        )
        .conflicts("env"),
    );
}

/** The SSM path of the job parameters the options name (check {@link jobLocationProblem} first). */
export function parameterPrefixOf(options: JobLocationOptions): string {
  return options.parameterPrefix ?? jobParameterPrefix(options.env ?? "");
}

/** The environment the options name: `--env`, or the one whose prefix `--parameter-prefix` is. */
export function environmentOf(options: JobLocationOptions): string | undefined {
  return options.env ?? environmentOfPrefix(options.parameterPrefix ?? "");
}

/** What is missing from the job location options, or undefined. */
export function jobLocationProblem(options: JobLocationOptions): string | undefined {
  return options.env === undefined && options.parameterPrefix === undefined
    ? "give the job's environment with --env <env> (or its SSM path with --parameter-prefix)"
    : undefined;
}

/**
 * Checks the rules between shared options that no single option parser sees; returns the
 * problem, or undefined when there is none.
 */
export function commonOptionsProblem(options: CommonOptions): string | undefined {
  if (options.retryOnExitCode && options.retries === 0) {
    return "--retry-on-exit-code needs --retries 1 or more";
  }
  const tags = options.tag ?? [];
  if (tags.length > MAX_TAGS - 1) {
    return `--tag is given ${tags.length} times: a task has at most ${MAX_TAGS} tags, one of them ${JOB_TAG_KEY}`;
  }
  if (tags.some((tag) => tag.key === JOB_TAG_KEY)) {
    return `--tag ${JOB_TAG_KEY}=...: ecs-batch tags every task it starts with ${JOB_TAG_KEY}=<job> itself, so that it may stop it`;
  }
  return undefined;
}

/**
 * The task definition family a RunTask input runs: `family`, `family:revision` or a task
 * definition ARN; undefined when the input names none.
 */
export function familyOf(taskDefinition: string | undefined): string | undefined {
  if (taskDefinition === undefined) {
    return undefined;
  }
  return taskDefinition.replace(/^arn:[^:]+:ecs:[^:]*:[^:]*:task-definition\//, "").split(":")[0];
}

/**
 * The default startedBy, `ecs-batch/<user>/<host>`, so whoever looks at a task in the console
 * sees where it came from; characters a user or host name may have beyond letters, numbers and
 * `._-` become `_`, and the whole is cut to RunTask's limit.
 */
export function defaultStartedBy(user: string, host: string): string {
  // ECS takes letters, digits, '-', '/' and '_' in startedBy.
  const clean = (name: string) => name.replace(/[^A-Za-z0-9_-]/g, "_");
  return `ecs-batch/${clean(user)}/${clean(host)}`.slice(0, MAX_STARTED_BY_LENGTH);
}

/**
 * The RunRequest of the shared options for a RunTask input: {@link applyCommonOptions} and the
 * waiting, timeout, retry and container options.
 */
export function runRequestOf(
  input: RunTaskCommandInput,
  options: CommonOptions,
  overrideContainer: string | undefined,
  defaultStartedBy: string,
): RunRequest {
  return {
    runTaskInput: applyCommonOptions(input, options, overrideContainer, defaultStartedBy),
    ...(options.container !== undefined ? { containerName: options.container } : {}),
    wait: options.wait,
    ...(options.timeout !== undefined ? { timeoutMs: options.timeout } : {}),
    retries: options.retries,
    retryOnExitCode: options.retryOnExitCode === true,
  };
}

/**
 * Applies the shared options to a RunTask input: the command and environment overrides of
 * `container` (merged into any overrides it already has), tags, startedBy and client token.
 */
export function applyCommonOptions(
  input: RunTaskCommandInput,
  options: CommonOptions,
  container: string | undefined,
  defaultStartedBy: string,
): RunTaskCommandInput {
  const result: RunTaskCommandInput = {
    ...input,
    startedBy: options.startedBy ?? input.startedBy ?? defaultStartedBy,
  };
  if (options.clientToken !== undefined) {
    result.clientToken = options.clientToken;
  }
  const tags = options.tag ?? [];
  if (tags.length > 0) {
    result.tags = mergeByKey<Tag>(
      input.tags ?? [],
      tags.map(({ key, value }) => ({ key, value })),
      (tag) => tag.key,
    );
  }
  // The runner policy lets ecs-batch stop only the tasks tagged with their job.
  const job = familyOf(input.taskDefinition);
  if (job !== undefined && !(result.tags ?? []).some((tag) => tag.key === JOB_TAG_KEY)) {
    result.tags = [...(result.tags ?? []), { key: JOB_TAG_KEY, value: job }];
  }
  const environment = options.environment ?? [];
  if (options.command !== undefined || environment.length > 0) {
    if (container === undefined) {
      throw new Error("a container override needs the container's name");
    }
    const overrides = input.overrides ?? {};
    const containerOverrides = overrides.containerOverrides ?? [];
    const existing = containerOverrides.find((o) => o.name === container) ?? { name: container };
    const updated = { ...existing };
    if (options.command !== undefined) {
      updated.command = [...options.command];
    }
    if (environment.length > 0) {
      updated.environment = mergeByKey<KeyValuePair>(
        existing.environment ?? [],
        environment.map(({ key, value }) => ({ name: key, value })),
        (pair) => pair.name,
      );
    }
    result.overrides = {
      ...overrides,
      containerOverrides: containerOverrides.some((o) => o.name === container)
        ? containerOverrides.map((o) => (o.name === container ? updated : o))
        : [...containerOverrides, updated],
    };
  }
  return result;
}

/** `base` with the entries of `overriding` replacing those of the same key, new keys appended. */
function mergeByKey<T>(
  base: readonly T[],
  overriding: readonly T[],
  keyOf: (item: T) => string | undefined,
): T[] {
  const keys = new Set(overriding.map(keyOf));
  return [...base.filter((item) => !keys.has(keyOf(item))), ...overriding];
}

/** The options of `ecs-batch history` and `ecs-batch logs` that read the run ledger. */
export interface LedgerReadOptions extends JobLocationOptions {
  readonly since: Since;
  /** `--timeout` of the ledger query (ms). */
  readonly timeout: number;
  readonly region?: string;
}

/** Declares `--since`, `--timeout` (of the ledger query) and `--region`. */
export function addLedgerReadOptions(
  command: Command,
  defaultSince: string,
  sinceMeans: string,
): Command {
  return command
    .addOption(
      new Option(
        "--since <when>",
        `${sinceMeans}: a time back from now (24h, 7d, 2w) or a date and time in your time zone (2026-11-22, 2026-11-22T18:00; Z or +09:00 for another)`,
      )
        .argParser(parseSince)
        .default(parseSince(defaultSince), defaultSince),
    )
    .addOption(
      new Option(
        "--timeout <duration>",
        "give up on the ledger query after this long, e.g. 30s, 2m",
      )
        .argParser(parseDuration)
        .default(60_000, "60s"),
    )
    .addOption(regionOption());
}

/** What the ledger options of `history` and `logs` ask for, checked. */
export interface LedgerRead {
  /** The SSM path of the environment's job parameters. */
  readonly prefix: string;
  /** The start of the time range (ms since the epoch). */
  readonly since: number;
  /** How long to wait for a ledger query (ms). */
  readonly timeoutMs: number;
  /** @default the jobs' region */
  readonly region?: string;
}

/**
 * The ledger read the options ask for, `--since` taken in `timeZone`; a usage error when it is in
 * the future.
 */
export function ledgerReadOf(
  options: LedgerReadOptions,
  now: number,
  timeZone: string,
  command: Command,
): LedgerRead {
  const since = sinceInstant(options.since, now, timeZone);
  if (since >= now) {
    command.error("error: --since is in the future: give a time before now", {
      exitCode: 2,
      code: "ecs-batch.usage",
    });
  }
  return {
    prefix: parameterPrefixOf(options),
    since,
    timeoutMs: options.timeout,
    ...(options.region !== undefined ? { region: options.region } : {}),
  };
}
