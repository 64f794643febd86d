import {
  DEFAULT_JOB_TIMEOUT_SECONDS,
  DEFAULT_RETRY_ON_EXIT_CODE,
  DEFAULT_RETRY_ON_START_FAILURE,
} from "../../../modules/job-workflow/workflow-job";

describe("the defaults of a workflow's job", () => {
  it("retry a start failure 3 times, 60 s apart and doubling", () => {
    expect(DEFAULT_RETRY_ON_START_FAILURE).toEqual({
      attempts: 3,
      intervalSeconds: 60,
      backoffRate: 2,
    });
  });

  it("do not retry a non-zero exit", () => {
    expect(DEFAULT_RETRY_ON_EXIT_CODE).toEqual({
      attempts: 0,
      intervalSeconds: 300,
      backoffRate: 1,
    });
  });

  it("let a run take a day", () => {
    expect(DEFAULT_JOB_TIMEOUT_SECONDS).toBe(86400);
  });
});
