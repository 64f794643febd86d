import { workflowTimeoutSeconds } from "../../../modules/job-workflow/workflow-timeouts";
import { CHAT_TOPIC, NIGHTLY, TOPIC, workflowJob } from "./workflow-fixtures";

describe("workflowTimeoutSeconds", () => {
  // extract: 3600 s x (1 + 3 start retries) + waits 60 + 120 + 240
  const extract = 3600 * 4 + 420;
  // load: 1800 s x (1 + 3 + 2) + start waits 420 + exit waits 10 + 15; report is faster
  const load = 1800 * 6 + 420 + 10 + 15;

  it("bounds the execution by every attempt and retry wait of each stage's slowest job", () => {
    expect(workflowTimeoutSeconds(NIGHTLY)).toBe(extract + load);
  });

  it("adds one publish of 60 s per topic and job, and the overlap check: 4 calls, waits 2 + 4 + 8, a notice", () => {
    const notified = { ...NIGHTLY, notificationTopicArns: [TOPIC], chatTopicArn: CHAT_TOPIC };
    expect(workflowTimeoutSeconds(notified)).toBe(extract + load + 2 * 120);
    expect(workflowTimeoutSeconds({ ...notified, preventOverlap: true })).toBe(
      extract + load + 2 * 120 + 4 * 60 + 14 + 60,
    );
  });

  it("caps the execution timeout at one year", () => {
    const longJob = workflowJob("extract", {
      timeoutSeconds: 31536000,
      retryOnExitCode: { attempts: 10, intervalSeconds: 86400, backoffRate: 10 },
      safeToRerun: true,
    });
    expect(workflowTimeoutSeconds({ ...NIGHTLY, stages: [["extract"]], jobs: [longJob] })).toBe(
      31536000,
    );
  });
});
