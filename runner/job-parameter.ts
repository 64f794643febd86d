import type { SSMClient } from "@aws-sdk/client-ssm";
import { isAwsError } from "./aws-error";
import { closestName } from "./closest-name";
import {
  environmentOfPrefix,
  JOB_RUN_SPEC_VERSION,
  jobParameterPrefix,
  type JobRunSpec,
} from "../contract/job-run-spec";
import { RunnerError } from "./runner-error";

/**
 * Reads a job's {@link JobRunSpec} from its SSM parameter and checks it, so a missing or
 * hand-edited parameter fails with a message saying what to fix, before anything starts.
 */
export async function readJobRunSpec(
  ssm: SSMClient,
  parameterName: string,
  job: string,
): Promise<JobRunSpec> {
  // Imported here so that this module stays cheap to load for `--help`.
  const { GetParameterCommand } = await import("@aws-sdk/client-ssm");
  let text: string | undefined;
  try {
    const response = await ssm.send(new GetParameterCommand({ Name: parameterName }));
    text = response.Parameter?.Value;
  } catch (error) {
    if (isAwsError(error, "ParameterNotFound")) {
      throw await missingParameterError(ssm, parameterName, job);
    }
    throw RunnerError.ofAwsCall(`cannot read job parameter ${parameterName}`, error);
  }
  if (text === undefined) {
    throw new RunnerError(`job parameter ${parameterName} has no value`);
  }
  return parseJobRunSpec(text, parameterName, job);
}

/** How many job names a missing parameter's error lists at most. */
const LISTED_JOBS = 5;
/** Pages of GetParametersByPath (10 parameters each) read at most to list an environment's jobs. */
const MAX_LISTING_PAGES = 10;

/**
 * The error of a job parameter that does not exist, saying where it was looked for and what is
 * there instead: the jobs under the same prefix and a close name, when the runner may list them,
 * else the commands that do.
 */
async function missingParameterError(
  ssm: SSMClient,
  parameterName: string,
  job: string,
): Promise<RunnerError> {
  const prefix = parameterName.slice(0, parameterName.length - job.length - 1);
  const region = await regionOf(ssm);
  const where = region !== undefined ? ` in ${region}` : "";
  const message = `job parameter ${parameterName} does not exist${where}`;
  const environment = environmentOfPrefix(prefix);
  const elsewhere =
    environment !== undefined
      ? `in another environment: aws ssm get-parameter --name ${jobParameterPrefix("<env>")}/${job}`
      : `under another prefix: aws ssm get-parameter --name <prefix>/${job}`;
  const listed = await jobsUnder(ssm, prefix);
  if (listed === undefined) {
    return new RunnerError(message, {
      hint: `list the jobs there: aws ssm get-parameters-by-path --path ${prefix} --query "Parameters[].Name"; ${elsewhere}`,
    });
  }
  const { jobs, complete } = listed;
  if (jobs.length === 0) {
    return new RunnerError(message, {
      hint: `no job is deployed under ${prefix}${where}: check the ${environment !== undefined ? "environment" : "prefix"} and the region (--region)`,
    });
  }
  const shown = jobs.slice(0, LISTED_JOBS).join(", ");
  const more = jobs.length > LISTED_JOBS ? ` and ${jobs.length - LISTED_JOBS} more` : "";
  const count = complete ? String(jobs.length) : `more than ${jobs.length}`;
  const listing = `${environment ?? prefix} has ${count} ${jobs.length === 1 ? "job" : "jobs"}: ${shown}${more}`;
  const close = closestName(job, jobs);
  return new RunnerError(message, {
    hint: close !== undefined ? `did you mean ${close}? ${listing}` : `${listing}; ${elsewhere}`,
  });
}

/** The client's region, when it has one. */
async function regionOf(ssm: SSMClient): Promise<string | undefined> {
  try {
    return await ssm.config.region();
  } catch {
    return undefined;
  }
}

/**
 * The names of the jobs whose parameters are right under `prefix`, sorted, and whether that is
 * all of them; undefined when they cannot be listed (the runner policy need not allow
 * GetParametersByPath).
 */
async function jobsUnder(
  ssm: SSMClient,
  prefix: string,
): Promise<{ jobs: string[]; complete: boolean } | undefined> {
  const names: string[] = [];
  try {
    const complete = await eachParameterUnder(ssm, prefix, (name) => {
      names.push(name);
      return false;
    });
    return { jobs: names.sort(), complete };
  } catch {
    return undefined;
  }
}

/**
 * Calls `visit` with the job name and value of each parameter right under `prefix`, a page of
 * GetParametersByPath at a time, until it returns true or {@link MAX_LISTING_PAGES} were read.
 * Returns whether every parameter was visited (or `visit` ended the walk); AWS errors are thrown.
 */
async function eachParameterUnder(
  ssm: SSMClient,
  prefix: string,
  visit: (job: string, value: string | undefined) => boolean,
): Promise<boolean> {
  const { GetParametersByPathCommand } = await import("@aws-sdk/client-ssm");
  let nextToken: string | undefined;
  for (let page = 0; page < MAX_LISTING_PAGES; page++) {
    const response = await ssm.send(
      new GetParametersByPathCommand({
        Path: prefix,
        Recursive: false,
        ...(nextToken !== undefined ? { NextToken: nextToken } : {}),
      }),
    );
    for (const parameter of response?.Parameters ?? []) {
      if (
        parameter.Name?.startsWith(`${prefix}/`) &&
        visit(parameter.Name.slice(prefix.length + 1), parameter.Value)
      ) {
        return true;
      }
    }
    nextToken = response?.NextToken;
    if (nextToken === undefined) {
      return true;
    }
  }
  return false;
}

/**
 * The first valid job parameter under `prefix` that names a run ledger: an environment's jobs
 * share one. Undefined when none does; RunnerError when the parameters cannot be listed or there
 * are none.
 */
export async function readLedgerSpecUnder(
  ssm: SSMClient,
  prefix: string,
): Promise<JobRunSpec | undefined> {
  let found: JobRunSpec | undefined;
  let count = 0;
  try {
    await eachParameterUnder(ssm, prefix, (job, value) => {
      count++;
      const spec = parsedSpec(value, job);
      if (spec?.ledgerLogGroupName !== undefined) {
        found = spec;
        return true;
      }
      return false;
    });
  } catch (error) {
    throw RunnerError.ofAwsCall(`cannot list the job parameters under ${prefix}`, error);
  }
  if (count === 0) {
    const region = await regionOf(ssm);
    throw new RunnerError(
      `no job parameter is under ${prefix}${region !== undefined ? ` in ${region}` : ""}`,
      { hint: "check the environment (--env) or the prefix, and the region (--region)" },
    );
  }
  return found;
}

/** A parameter's spec when it is valid, else undefined. */
function parsedSpec(text: string | undefined, job: string): JobRunSpec | undefined {
  try {
    return text === undefined ? undefined : parseJobRunSpec(text, job, job);
  } catch {
    return undefined;
  }
}

/** Parses and checks the text of a job parameter; throws a RunnerError listing every problem. */
export function parseJobRunSpec(text: string, parameterName: string, job: string): JobRunSpec {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (error) {
    throw new RunnerError(
      `job parameter ${parameterName} is not JSON (${(error as Error).message}): redeploy the job`,
    );
  }
  const problems = jobRunSpecProblems(document, job);
  if (problems.length > 0) {
    throw new RunnerError(
      `job parameter ${parameterName} is not a valid job run spec: ${problems.join("; ")}`,
    );
  }
  // null is what Terraform writes for a variable left unset: no ledger, as when absent.
  const { ledgerLogGroupName, ...rest } = document as Record<string, unknown>;
  return (ledgerLogGroupName === null ? rest : document) as JobRunSpec;
}

/** What is wrong with a parsed job parameter (empty when nothing is). */
export function jobRunSpecProblems(document: unknown, job: string): string[] {
  if (!isRecord(document)) {
    return ["it must be a JSON object"];
  }
  if (document.version !== JOB_RUN_SPEC_VERSION) {
    // A newer format may mean fields this runner does not know: refuse rather than misrun.
    return [
      `version ${JSON.stringify(document.version)} is not supported: this ecs-batch reads version ${JOB_RUN_SPEC_VERSION}; use the ecs-batch release that matches the deployed modules`,
    ];
  }
  const problems: string[] = [];
  const check = (field: string, ok: boolean, rule: string) => {
    if (!ok) {
      const value = valueAt(document, field);
      problems.push(
        value === undefined
          ? `${field} is missing: it ${rule}`
          : `${field} ${JSON.stringify(value)} is not valid: it ${rule}`,
      );
    }
  };
  for (const field of [
    "job",
    "cluster",
    "taskDefinitionFamily",
    "taskDefinitionArn",
    "containerName",
    "platformVersion",
    "logGroupName",
    "logStreamPrefix",
    "region",
  ]) {
    check(field, isNonEmptyString(document[field]), "must be a non-empty string");
  }
  if (isNonEmptyString(document.job) && document.job !== job) {
    problems.push(`job '${document.job}' is not '${job}': the parameter belongs to another job`);
  }
  check("launchType", document.launchType === "FARGATE", "must be 'FARGATE'");
  const network = document.network;
  check("network", isRecord(network), "must be an object");
  if (isRecord(network)) {
    check(
      "network.subnets",
      isStringList(network.subnets) && network.subnets.length > 0,
      "must be a non-empty list of subnet IDs",
    );
    check("network.securityGroups", isStringList(network.securityGroups), "must be a list of IDs");
    check(
      "network.assignPublicIp",
      network.assignPublicIp === "ENABLED" || network.assignPublicIp === "DISABLED",
      "must be 'ENABLED' or 'DISABLED'",
    );
  }
  check(
    "propagateTags",
    document.propagateTags === undefined ||
      document.propagateTags === null ||
      document.propagateTags === "TASK_DEFINITION",
    "must be 'TASK_DEFINITION', null or absent",
  );
  check(
    "enableEcsManagedTags",
    typeof document.enableEcsManagedTags === "boolean",
    "must be true or false",
  );
  check("safeToRerun", typeof document.safeToRerun === "boolean", "must be true or false");
  check(
    "ledgerLogGroupName",
    document.ledgerLogGroupName === undefined ||
      document.ledgerLogGroupName === null ||
      isNonEmptyString(document.ledgerLogGroupName),
    "must be a non-empty string, null or absent",
  );
  return problems;
}

/** Whether a parsed JSON or YAML value is an object (not null, not a list). */
export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

export function isNonEmptyString(value: unknown): value is string {
  return typeof value === "string" && value.length > 0;
}

function isStringList(value: unknown): value is string[] {
  return Array.isArray(value) && value.every(isNonEmptyString);
}

function valueAt(document: Record<string, unknown>, path: string): unknown {
  let value: unknown = document;
  for (const key of path.split(".")) {
    value = isRecord(value) ? value[key] : undefined;
  }
  return value;
}
