/*
 * The run-ledger module's recorder, run on its generated definition once the Terraform values in
 * it are filled in as Terraform fills them: the environment, and the job table that the module's
 * local makes of `jobs`. The table is what Terraform 1.11 wrote for the jobs below (`terraform
 * plan` of the module's variables and local); Terraform is not run here.
 */
import { RunRecord } from "../../contract/run-record";
import { runStateMachine, TaskCall } from "../asl/asl-runner";
import { taskStateChangeEvent } from "../event-ruler/ecs-task-state-change-events";
import { moduleJson } from "./generated-modules";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";

/**
 * jobs = {
 *   "nightly-report" = { log_group_name = "/ecs-scheduled-tasks/nightly-report" }
 *   extract          = { container = "main", log_group_name = "/batch/extract", log_stream_prefix = "jobs" }
 *   routed           = {}
 * }
 * as local.job_table: the container defaults to the key and log_stream_prefix to "batch"; a
 * job without a log group has none.
 */
const JOB_TABLE = {
  extract: { container: "main", logGroupName: "/batch/extract", logStreamPrefix: "jobs" },
  "nightly-report": {
    container: "nightly-report",
    logGroupName: "/ecs-scheduled-tasks/nightly-report",
    logStreamPrefix: "batch",
  },
  routed: { container: "routed", logStreamPrefix: "batch" },
};

/** The recorder's definition with environment prod and the table above. */
function definition(): string {
  const [recorder] = Object.values(moduleJson("run-ledger").resource.aws_sfn_state_machine);
  const text = (recorder.definition as string)
    .replace("${jsonencode(local.job_table)}", JSON.stringify(JOB_TABLE))
    .replace(/\$\{var\.environment\}/g, "prod");
  expect(text).not.toContain("${");
  return text;
}

/** The records the recorder puts on the bus for an event. */
async function recordsOf(event: object): Promise<RunRecord[]> {
  const put: TaskCall[] = [];
  const run = await runStateMachine(definition(), event, {
    "arn:aws:states:::events:putEvents": (call) => {
      put.push(call);
      return { Entries: [{ EventId: "e-1" }], FailedEntryCount: 0 };
    },
  });
  expect(run.status).toBe("SUCCEEDED");
  return put.flatMap((call) =>
    (call.arguments as { Entries: { Detail: RunRecord }[] }).Entries.map((entry) => entry.Detail),
  );
}

const stopped = (family: string, containers: { name: string; exitCode?: number }[]) =>
  taskStateChangeEvent({ clusterArn: CLUSTER, family, taskSeed: family, containers });

describe("the run-ledger module's recorder", () => {
  it("records a job of the scheduled-job module: its container named after it, its log stream", async () => {
    const event = stopped("nightly-report", [{ name: "nightly-report", exitCode: 3 }]);
    const taskId = event.detail.taskArn.split("/").pop();
    expect(await recordsOf(event)).toEqual([
      expect.objectContaining({
        environment: "prod",
        job: "nightly-report",
        container: "nightly-report",
        result: "failed",
        exitCode: 3,
        logGroupName: "/ecs-scheduled-tasks/nightly-report",
        logStreamName: `batch/nightly-report/${taskId}`,
      }),
    ]);
  });

  it("reads the exit code of the container a job names, with its own stream prefix", async () => {
    const event = stopped("extract", [
      { name: "log-router", exitCode: 1 },
      { name: "main", exitCode: 0 },
    ]);
    const [record] = await recordsOf(event);
    expect(record).toMatchObject({ container: "main", result: "succeeded", exitCode: 0 });
    expect(record.logStreamName).toMatch(/^jobs\/main\//);
  });

  it("names no log stream for a job without a log group, though its table has a stream prefix", async () => {
    const [record] = await recordsOf(stopped("routed", [{ name: "routed", exitCode: 0 }]));
    expect(record).toMatchObject({ job: "routed", result: "succeeded" });
    expect(record).not.toHaveProperty("logGroupName");
    expect(record).not.toHaveProperty("logStreamName");
  });

  it("records nothing of a task whose family is not a key of jobs", async () => {
    expect(await recordsOf(stopped("web", [{ name: "web", exitCode: 1 }]))).toEqual([]);
  });
});
