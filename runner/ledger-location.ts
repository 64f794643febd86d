import type { SSMClient } from "@aws-sdk/client-ssm";
import { jobParameterName, type JobRunSpec } from "../contract/job-run-spec";
import { readJobRunSpec, readLedgerSpecUnder } from "./job-parameter";
import { RunnerError } from "./runner-error";

/** Where the run ledger of a job or an environment is, as its job parameters say. */
export interface LedgerLocation {
  readonly logGroupName: string;
  /** The jobs' region, where the ledger is too. */
  readonly region: string;
}

/** A job's parameter, and the run ledger it names when it names one. */
export interface JobWithLedger {
  readonly spec: JobRunSpec;
  readonly parameterName: string;
  readonly ledger?: LedgerLocation;
}

/** Reads a job's parameter (RunnerError when it is missing or invalid). */
export async function readJobWithLedger(
  ssm: SSMClient,
  prefix: string,
  job: string,
): Promise<JobWithLedger> {
  const parameterName = jobParameterName(prefix, job);
  const spec = await readJobRunSpec(ssm, parameterName, job);
  return {
    spec,
    parameterName,
    ...(spec.ledgerLogGroupName !== undefined
      ? { ledger: { logGroupName: spec.ledgerLogGroupName, region: spec.region } }
      : {}),
  };
}

/** The ledger of a job; a RunnerError when its parameter names none. */
export function requireLedger(job: JobWithLedger): LedgerLocation {
  if (job.ledger === undefined) {
    throw noLedgerError(`job parameter ${job.parameterName} names no run ledger`);
  }
  return job.ledger;
}

/** The ledger of the environment whose jobs are under `prefix`, from any of their parameters. */
export async function readEnvironmentLedger(
  ssm: SSMClient,
  prefix: string,
): Promise<LedgerLocation> {
  const spec = await readLedgerSpecUnder(ssm, prefix);
  if (spec?.ledgerLogGroupName === undefined) {
    throw noLedgerError(`no job parameter under ${prefix} names a run ledger`);
  }
  return { logGroupName: spec.ledgerLogGroupName, region: spec.region };
}

function noLedgerError(message: string): RunnerError {
  return new RunnerError(`${message} (ledgerLogGroupName)`, {
    hint: "deploy the environment with its run ledger: it records every run from then on",
  });
}
