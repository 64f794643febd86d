import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { JobLogGroup, JobLogGroupProps, LOG_RETENTION_DAYS } from "../../../modules";
import { emptyStack, onlyResource, synthesize } from "../../synth";

describe("JobLogGroup", () => {
  it("names the group /ecs-scheduled-tasks/<job> and keeps logs a year (365 days) by default", () => {
    const { text, json } = synthesize(
      (scope) => new JobLogGroup(scope, "Logs", { jobName: "example-batch" }),
    );
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ecs-scheduled-tasks/example-batch",
      retention_in_days: 365,
    });
    expect(onlyResource(json, "aws_cloudwatch_log_group")).not.toHaveProperty("kms_key_id");
  });

  it("takes the book's name, another retention and a KMS key", () => {
    const kmsKeyArn =
      "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
    const { text } = synthesize(
      (scope) =>
        new JobLogGroup(scope, "Logs", {
          jobName: "example-batch",
          logGroupName: "/ecs-scheduled-tasks/example",
          retentionDays: 365,
          kmsKeyArn,
        }),
    );
    expect(text).toHaveResourceWithProperties(CloudwatchLogGroup, {
      name: "/ecs-scheduled-tasks/example",
      retention_in_days: 365,
      kms_key_id: kmsKeyArn,
    });
  });

  it.each(LOG_RETENTION_DAYS)("accepts a retention of %i days", (retentionDays) => {
    expect(
      () => new JobLogGroup(emptyStack(), "Logs", { jobName: "job", retentionDays }),
    ).not.toThrow();
  });

  it.each<[string, Partial<JobLogGroupProps>, RegExp]>([
    [
      "a retention CloudWatch does not offer",
      { retentionDays: 100 },
      /test\/Logs: retentionDays: 100 is not a retention CloudWatch Logs accepts/,
    ],
    [
      "a retention of 0 (never expire)",
      { retentionDays: 0 },
      /retentionDays: 0 is not a retention/,
    ],
    [
      "a name with a space",
      { logGroupName: "/jobs/my job" },
      /test\/Logs: logGroupName: log group name '\/jobs\/my job' may contain only/,
    ],
    [
      "a job name that makes a bad group name",
      { jobName: "a b" },
      /test\/Logs: jobName: log group name '\/ecs-scheduled-tasks\/a b'/,
    ],
    [
      "a name over 512 characters",
      { logGroupName: "l".repeat(513) },
      /has 513 characters: at most 512/,
    ],
    ["a name in the aws/ namespace", { logGroupName: "aws/jobs" }, /must not start with 'aws\/'/],
    [
      "a KMS alias instead of a key ARN",
      { kmsKeyArn: "alias/logs" },
      /test\/Logs: kmsKeyArn: 'alias\/logs' is not a KMS key ARN/,
    ],
  ])("rejects %s", (_, overrides, message) => {
    expect(() => new JobLogGroup(emptyStack(), "Logs", { jobName: "job", ...overrides })).toThrow(
      message,
    );
  });
});
