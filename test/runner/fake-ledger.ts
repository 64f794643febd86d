import {
  GetQueryResultsCommand,
  type QueryStatus,
  type ResultField,
  StartQueryCommand,
  StopQueryCommand,
} from "@aws-sdk/client-cloudwatch-logs";
import {
  RUN_RECORD_DETAIL_TYPE,
  RUN_RECORD_SOURCE,
  runLedgerLogGroupName,
  type RunRecord,
} from "../../contract/run-record";
import { SPEC } from "./fake-cli";
import { logsMock } from "./fake-runner-deps";

/** Fakes of the run ledger: its records, and Logs Insights answering queries over them. */

export const LEDGER = runLedgerLogGroupName("prod");
/** The parameter of `nightly-report` in prod, naming prod's ledger. */
export const JOB_PARAMETER = "/ecs-batch/prod/nightly-report";
export const SPEC_WITH_LEDGER = { ...SPEC, ledgerLogGroupName: LEDGER };
export const QUERY_ID = "12ab3456-12ab-123a-789e-1234567890ab";
const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";

/** The task ARN of a task id of the batch cluster. */
export function taskArnOf(taskId: string): string {
  return `arn:aws:ecs:ap-northeast-1:123456789012:task/batch/${taskId}`;
}

/**
 * A run record of `nightly-report` in prod: by default the STOPPED record of a run started by its
 * schedule at 2026-11-23T03:00:00Z that took 93 s and succeeded.
 */
export function record(taskId: string, fields: Partial<RunRecord> = {}): RunRecord {
  const stopped = (fields.status ?? "STOPPED") === "STOPPED";
  return {
    version: 1,
    environment: "prod",
    job: "nightly-report",
    taskArn: taskArnOf(taskId),
    taskId,
    clusterArn: CLUSTER,
    taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/nightly-report:7",
    status: "STOPPED",
    result: stopped ? "succeeded" : "running",
    startedBy: "events-rule/prod-nightly-report",
    schedule: "prod-nightly-report",
    createdAt: "2026-11-23T02:59:40.000Z",
    startedAt: "2026-11-23T03:00:00.000Z",
    ...(stopped
      ? {
          stoppedAt: "2026-11-23T03:01:33.000Z",
          durationSeconds: 93,
          exitCode: 0,
          stopCode: "EssentialContainerExited",
          stoppedReason: "Essential container in task exited",
        }
      : {}),
    container: "app",
    logGroupName: "/ecs-batch/prod/nightly-report",
    logStreamName: `nightly-report/app/${taskId}`,
    ...fields,
  };
}

/** The RUNNING record of a run: what the ledger has of it while it runs. */
export function runningRecord(taskId: string, fields: Partial<RunRecord> = {}): RunRecord {
  return record(taskId, { status: "RUNNING", result: "running", ...fields });
}

/** One row of the ledger query: the EventBridge event that carries the record, as stored. */
export function row(detail: RunRecord | object, time?: string): ResultField[] {
  const at =
    time ?? ("stoppedAt" in detail ? detail.stoppedAt : undefined) ?? "2026-11-23T03:00:00Z";
  const event = {
    version: "0",
    id: "6a7e8feb-b491-4cf7-a9f1-bf3703467718",
    "detail-type": RUN_RECORD_DETAIL_TYPE,
    source: RUN_RECORD_SOURCE,
    account: "123456789012",
    time: at,
    region: "ap-northeast-1",
    resources: [],
    detail,
  };
  return [
    { field: "@timestamp", value: at.replace("T", " ").replace("Z", "") },
    { field: "@message", value: JSON.stringify(event) },
  ];
}

/** A GetQueryResults answer. */
export interface QueryAnswer {
  readonly status: QueryStatus;
  readonly results?: ResultField[][];
}

/**
 * StartQuery starts {@link QUERY_ID}; GetQueryResults answers with the answers in order, then
 * repeats the last one; StopQuery succeeds.
 */
export function ledgerAnswers(...answers: (QueryAnswer | Error)[]): void {
  let next = 0;
  logsMock.on(StartQueryCommand).resolves({ queryId: QUERY_ID });
  logsMock.on(GetQueryResultsCommand).callsFake(() => {
    const answer = answers[Math.min(next++, answers.length - 1)];
    if (answer instanceof Error) {
      throw answer;
    }
    return { status: answer.status, results: answer.results ?? [] };
  });
  logsMock.on(StopQueryCommand).resolves({ success: true });
}

/** The ledger holds these records: the query completes at once with their rows, newest first. */
export function ledgerHolds(...rows: ResultField[][]): void {
  ledgerAnswers({ status: "Complete", results: rows });
}

/** The query strings of the StartQuery calls so far. */
export function queriesStarted(): string[] {
  return logsMock
    .commandCalls(StartQueryCommand)
    .map((call) => call.args[0].input.queryString ?? "");
}
