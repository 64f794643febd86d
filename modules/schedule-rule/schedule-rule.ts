import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { Fn, Token } from "cdktf";
import { Construct } from "constructs";
import { invalid, isUnresolved, validateField } from "../validation/construct-validation";
import { validateRuleName } from "../validation/names";
import { validateScheduleExpression } from "../validation/schedule-expression";

export interface ScheduleRuleProps {
  /** Rule name: 1-64 letters, digits, `.`, `-`, `_`. */
  readonly name: string;
  /** `rate(value unit)` or six-field `cron(...)`, evaluated in UTC; validated at synth time. */
  readonly scheduleExpression: string;
  /** @default no description */
  readonly description?: string;
  /** Whether the schedule fires. A disabled rule keeps its targets.
   * @default true */
  readonly enabled?: boolean;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The `state` of a rule or Scheduler schedule. A boolean known only at apply time (a Terraform
 * variable) is chosen by Terraform.
 */
export function scheduleState(enabled: boolean | undefined): string {
  if (isUnresolved(enabled)) {
    return Token.asString(Fn.conditional(enabled, "ENABLED", "DISABLED"));
  }
  return enabled === false ? "DISABLED" : "ENABLED";
}

/** An EventBridge rule on the default bus that fires on a schedule (`aws_cloudwatch_event_rule`). */
export class ScheduleRule extends Construct {
  /** The `aws_cloudwatch_event_rule`. */
  readonly resource: CloudwatchEventRule;
  readonly ruleName: string;
  readonly ruleArn: string;

  constructor(scope: Construct, id: string, props: ScheduleRuleProps) {
    super(scope, id);
    validateField(this, "name", props.name, validateRuleName);
    validateField(this, "scheduleExpression", props.scheduleExpression, validateScheduleExpression);
    if (props.description !== undefined && props.description.length > 512) {
      invalid(
        this,
        "description",
        `it has ${props.description.length} characters; at most 512 are allowed`,
      );
    }

    this.resource = new CloudwatchEventRule(this, "Resource", {
      name: props.name,
      description: props.description,
      scheduleExpression: props.scheduleExpression,
      // `state` replaces the deprecated `is_enabled` in AWS provider 6.
      state: scheduleState(props.enabled),
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.ruleName = this.resource.name;
    this.ruleArn = this.resource.arn;
  }
}
