import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { TerraformVariable } from "cdktf";
import { ScheduleRule, ScheduleRuleProps } from "../../../modules";
import { emptyStack, onlyResource, synthesize } from "../../synth";

const BOOK_RULE: ScheduleRuleProps = {
  name: "example-batch",
  description: "important batch process",
  scheduleExpression: "cron(*/2 * * * ? *)",
};

describe("ScheduleRule", () => {
  it("creates the book's rule: name, description, every two minutes, enabled", () => {
    const { text } = synthesize((scope) => new ScheduleRule(scope, "Rule", BOOK_RULE));
    expect(text).toHaveResourceWithProperties(CloudwatchEventRule, {
      name: "example-batch",
      description: "important batch process",
      schedule_expression: "cron(*/2 * * * ? *)",
      state: "ENABLED",
    });
  });

  it("does not use the deprecated is_enabled argument", () => {
    const { json } = synthesize((scope) => new ScheduleRule(scope, "Rule", BOOK_RULE));
    expect(onlyResource(json, "aws_cloudwatch_event_rule")).not.toHaveProperty("is_enabled");
  });

  it("is disabled with enabled: false, keeping its schedule", () => {
    const { text } = synthesize(
      (scope) => new ScheduleRule(scope, "Rule", { ...BOOK_RULE, enabled: false }),
    );
    expect(text).toHaveResourceWithProperties(CloudwatchEventRule, {
      state: "DISABLED",
      schedule_expression: "cron(*/2 * * * ? *)",
    });
  });

  it.each(["rate(2 minutes)", "rate(1 hour)", "rate(1 day)", "cron(0 18 ? * MON-FRI *)"])(
    "accepts %s",
    (scheduleExpression) => {
      const { text } = synthesize(
        (scope) => new ScheduleRule(scope, "Rule", { ...BOOK_RULE, scheduleExpression }),
      );
      expect(text).toHaveResourceWithProperties(CloudwatchEventRule, {
        schedule_expression: scheduleExpression,
      });
    },
  );

  it.each<[string, Partial<ScheduleRuleProps>, RegExp]>([
    [
      "a five-field Unix cron",
      { scheduleExpression: "cron(*/2 * * * *)" },
      /test\/Rule: scheduleExpression: .*'cron\(\*\/2 \* \* \* \*\)'.*write 'cron\(\*\/2 \* \* \* \? \*\)'/,
    ],
    [
      "a plural unit for 1",
      { scheduleExpression: "rate(1 hours)" },
      /test\/Rule: scheduleExpression: .*'rate\(1 hours\)'/,
    ],
    ["a name over 64 characters", { name: "n".repeat(65) }, /test\/Rule: name: rule name 'n{65}'/],
    [
      "a name with a slash",
      { name: "jobs/a" },
      /test\/Rule: name: rule name 'jobs\/a' may contain only/,
    ],
    [
      "a description over 512 characters",
      { description: "d".repeat(513) },
      /test\/Rule: description: it has 513 characters/,
    ],
  ])("rejects %s, naming the construct and field", (_, overrides, message) => {
    expect(() => new ScheduleRule(emptyStack(), "Rule", { ...BOOK_RULE, ...overrides })).toThrow(
      message,
    );
  });

  it("leaves enabled to Terraform when it is a variable", () => {
    const { json } = synthesize((scope) => {
      const enabled = new TerraformVariable(scope, "enabled", { type: "bool" }).booleanValue;
      new ScheduleRule(scope, "Rule", { ...BOOK_RULE, enabled: enabled as unknown as boolean });
    });
    expect(onlyResource(json, "aws_cloudwatch_event_rule").state).toBe(
      '${var.enabled ? "ENABLED" : "DISABLED"}',
    );
  });

  it("does not reject a schedule that is a reference resolved at apply time", () => {
    const stack = emptyStack();
    const scheduleExpression = new TerraformVariable(stack, "schedule", { type: "string" })
      .stringValue;
    expect(
      () => new ScheduleRule(stack, "Rule", { ...BOOK_RULE, scheduleExpression }),
    ).not.toThrow();
  });
});
