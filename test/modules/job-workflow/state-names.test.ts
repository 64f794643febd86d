import {
  MAX_JOB_NAME_LENGTH,
  MAX_STATE_NAME_LENGTH,
  jobVariables,
  numbered,
  stageStateName,
  stateNames,
} from "../../../modules/job-workflow/state-names";

describe("stateNames", () => {
  it("names a job's states after the job", () => {
    expect(stateNames("extract")).toEqual({
      skip: "Skip extract?",
      skipped: "extract skipped",
      start: "Start extract",
      run: "Run extract",
      classify: "Classify extract failure",
      waitToRetry: "Wait to retry extract",
      notify: "Notify extract failed",
      notifyChat: "Notify extract failed in chat",
      failed: "extract failed",
    });
  });

  it(`allows job names of ${MAX_JOB_NAME_LENGTH} characters, whose longest state name has ${MAX_STATE_NAME_LENGTH}`, () => {
    expect(MAX_JOB_NAME_LENGTH).toBe(58);
    const longest = Object.values(stateNames("x".repeat(MAX_JOB_NAME_LENGTH))).map((n) => n.length);
    expect(Math.max(...longest)).toBe(80);
  });
});

describe("stageStateName", () => {
  it("lists the stage's jobs", () => {
    expect(stageStateName(0, ["extract"])).toBe("Stage 1: extract");
    expect(stageStateName(1, ["load", "report"])).toBe("Stage 2: load, report");
  });

  it("is cut to 80 characters, naming the first jobs and counting the rest", () => {
    const jobs = Array.from({ length: 9 }, (_, i) => `job-with-a-long-name-${i}`);
    const name = stageStateName(11, jobs);
    expect(name).toBe("Stage 12: job-with-a-long-name-0, job-with-a-long-name-1 and 7 more");
    expect(name.length).toBeLessThanOrEqual(80);
  });

  it("falls back to a count when not even one job name fits", () => {
    expect(stageStateName(99, ["x".repeat(70), "y"])).toBe("Stage 100: 2 jobs");
  });
});

describe("jobVariables", () => {
  it("names a job's variables by its index, so they are valid JSONata identifiers", () => {
    expect(jobVariables(2)).toEqual({
      startRetries: "startRetries_2",
      exitRetries: "exitRetries_2",
      failure: "failure_2",
      retryDelay: "retryDelay_2",
    });
  });
});

describe("numbered", () => {
  it("leaves the first of alike states as it is and numbers the next from 2", () => {
    expect(numbered("Notify load failed", 0)).toBe("Notify load failed");
    expect(numbered("Notify load failed", 1)).toBe("Notify load failed (2)");
    expect(numbered("Notify load failed", 2)).toBe("Notify load failed (3)");
  });
});
