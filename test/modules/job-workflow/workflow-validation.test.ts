import { Lazy, TerraformVariable } from "cdktf";
import { MAX_JOB_NAME_LENGTH } from "../../../modules/job-workflow/state-names";
import {
  DEFAULT_RETRY_ON_START_FAILURE,
  RetryOptions,
  WorkflowDefinitionProps,
  WorkflowJobRun,
} from "../../../modules/job-workflow/workflow-job";
import { validateDefinitionProps } from "../../../modules/job-workflow/workflow-validation";
import { emptyStack } from "../../synth";
import { NIGHTLY, runOf, workflowJob } from "./workflow-fixtures";

const validate = (props: Partial<WorkflowDefinitionProps>) => () =>
  validateDefinitionProps({ ...NIGHTLY, ...props });

/** NIGHTLY with its job load (safe to re-run) changed. */
const withLoad = (overrides: Partial<WorkflowJobRun>): Partial<WorkflowDefinitionProps> => ({
  jobs: [
    NIGHTLY.jobs[0],
    workflowJob("load", { safeToRerun: true, ...overrides }),
    NIGHTLY.jobs[2],
  ],
});

/** load's run with `change` applied. */
const loadRun = (change: (run: ReturnType<typeof runOf>) => object) =>
  withLoad({ run: { ...runOf("load"), ...change(runOf("load")) } });

const retry = (overrides: Partial<RetryOptions>): RetryOptions => ({
  ...DEFAULT_RETRY_ON_START_FAILURE,
  ...overrides,
});

describe("validateDefinitionProps", () => {
  it("accepts the nightly workflow", () => {
    expect(validate({})).not.toThrow();
  });

  it.each([60, 31536000])("accepts timeoutSeconds %p", (timeoutSeconds) => {
    expect(validate(withLoad({ timeoutSeconds }))).not.toThrow();
  });

  it.each([59, 31536001, 60.5])("rejects timeoutSeconds %p", (timeoutSeconds) => {
    expect(validate(withLoad({ timeoutSeconds }))).toThrow(
      `job 'load': timeoutSeconds is ${timeoutSeconds}, but it must be a whole number from 60 to 31536000`,
    );
  });

  describe.each(["retryOnStartFailure", "retryOnExitCode"] as const)("%s", (field) => {
    it.each([
      ["attempts", 0],
      ["attempts", 10],
      ["intervalSeconds", 1],
      ["intervalSeconds", 86400],
      ["backoffRate", 1],
      ["backoffRate", 1.5],
      ["backoffRate", 10],
    ] as const)("accepts %s %p", (option, value) => {
      expect(validate(withLoad({ [field]: retry({ [option]: value }) }))).not.toThrow();
    });

    it.each([
      ["attempts", 11, "a whole number from 0 to 10"],
      ["attempts", -1, "a whole number from 0 to 10"],
      ["attempts", 1.5, "a whole number from 0 to 10"],
      ["intervalSeconds", 0, "a whole number from 1 to 86400"],
      ["intervalSeconds", 86401, "a whole number from 1 to 86400"],
      ["backoffRate", 0.5, "a number from 1 to 10"],
      ["backoffRate", 11, "a number from 1 to 10"],
    ] as const)("rejects %s %p", (option, value, rule) => {
      expect(validate(withLoad({ [field]: retry({ [option]: value }) }))).toThrow(
        `job 'load': ${field}.${option} is ${value}, but it must be ${rule}`,
      );
    });
  });

  it("rejects a number that is a token: the definition computes with it", () => {
    const timeoutSeconds = Lazy.numberValue({ produce: () => 3600 });
    expect(validate(withLoad({ timeoutSeconds }))).toThrow(
      "job 'load': timeoutSeconds is a reference resolved at apply time, but it must be a number known at synth time",
    );
  });

  it("retries a job after a non-zero exit only when it is marked safe to re-run", () => {
    const retryOnExitCode = { attempts: 2, intervalSeconds: 60, backoffRate: 1 };
    expect(validate(withLoad({ retryOnExitCode, safeToRerun: true }))).not.toThrow();
    expect(validate(withLoad({ retryOnExitCode, safeToRerun: false }))).toThrow(
      "job 'load': retryOnExitCode.attempts is 2, but the job is not marked safeToRerun: a job that ran and failed may have done part of its work; mark it safeToRerun only if running it again is harmless",
    );
  });

  it(`accepts job names of letters, digits, '-' and '_' up to ${MAX_JOB_NAME_LENGTH} characters`, () => {
    const name = `Job_1-${"x".repeat(MAX_JOB_NAME_LENGTH - 6)}`;
    expect(validate({ stages: [[name]], jobs: [workflowJob(name)] })).not.toThrow();
  });

  it("rejects job names with other characters or too long", () => {
    expect(validate({ stages: [["load data"]], jobs: [workflowJob("load data")] })).toThrow(
      "job name 'load data' is not valid: use 1-58 letters, digits, '-' and '_'",
    );
    const long = "x".repeat(59);
    expect(validate({ stages: [[long]], jobs: [workflowJob(long)] })).toThrow(
      `job name '${long}' has 59 characters: at most 58 are allowed, so that state names such as 'Notify <job> failed in chat' fit in 80`,
    );
  });

  describe("the job's run", () => {
    it("rejects a run whose job container is unknown: an existing task definition", () => {
      expect(validate(loadRun(() => ({ container: undefined })))).toThrow(
        "job 'load': run.container is unknown: the job runs an existing task definition, whose job container a workflow cannot tell",
      );
    });

    it("rejects an invalid container name, and skips one known only at apply time", () => {
      expect(validate(loadRun(() => ({ container: { name: "my container" } })))).toThrow(
        "job 'load': run.container.name is not valid: container name 'my container' may contain only letters, digits, '-' and '_'",
      );
      const name = Lazy.stringValue({ produce: () => "load" });
      expect(validate(loadRun(() => ({ container: { name } })))).not.toThrow();
    });

    it("rejects an empty subnet list, and skips a list looked up at plan time", () => {
      expect(
        validate(loadRun((run) => ({ placement: { ...run.placement, subnetIds: [] } }))),
      ).toThrow(
        "job 'load': run.placement.subnetIds is empty: give at least one subnet for the task's network interface",
      );
      const subnetIds = new TerraformVariable(emptyStack(), "subnet_ids", { type: "list(string)" })
        .listValue;
      expect(
        validate(loadRun((run) => ({ placement: { ...run.placement, subnetIds } }))),
      ).not.toThrow();
    });

    it("rejects a job that starts 2 tasks a run: a workflow follows one task", () => {
      expect(validate(loadRun(() => ({ launch: { taskCount: 2 } })))).toThrow(
        "job 'load': run.launch.taskCount is 2, but a workflow follows one task of each job and takes its container's exit code as the result: start several tasks only from a rule or Scheduler schedule",
      );
    });

    it("accepts a task count of 1, and skips one known only at apply time", () => {
      expect(validate(loadRun(() => ({ launch: { taskCount: 1 } })))).not.toThrow();
      const taskCount = Lazy.numberValue({ produce: () => 1 });
      expect(validate(loadRun(() => ({ launch: { taskCount } })))).not.toThrow();
    });
  });

  it("rejects a job listed twice in jobs", () => {
    expect(validate({ jobs: [...NIGHTLY.jobs, workflowJob("report")] })).toThrow(
      "job 'report' appears twice in jobs: job names must be unique",
    );
  });

  it("rejects stages that name a job not in jobs, name a job twice, or leave a job out", () => {
    expect(validate({ stages: [["extract"], ["load", "reprot"]] })).toThrow(
      "stage 2 names job 'reprot', which is not in jobs",
    );
    expect(
      validate({
        stages: [
          ["extract", "load"],
          ["load", "report"],
        ],
      }),
    ).toThrow("job 'load' appears in stage 1 and in stage 2: each job must appear once");
    expect(validate({ stages: [["extract"], ["load"]] })).toThrow(
      "job 'report' is in jobs but in no stage, so it would never run",
    );
  });

  it("rejects no stages and an empty stage", () => {
    expect(validate({ stages: [] })).toThrow(
      "the workflow has no stages: give the stages from workflowStages",
    );
    expect(validate({ stages: [["extract"], [], ["load", "report"]] })).toThrow(
      "stage 2 is empty: every stage needs at least one job",
    );
  });
});
