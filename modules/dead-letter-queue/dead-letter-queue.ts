import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { SqsQueuePolicy } from "@cdktf/provider-aws/lib/sqs-queue-policy";
import { DefaultTokenResolver, Lazy, StringConcat, TerraformLocal, Tokenization } from "cdktf";
import { Construct } from "constructs";
import {
  isUnresolved,
  validateField,
  validateIntegerRange,
} from "../validation/construct-validation";
import { renderResourcePolicy, ResourcePolicyStatement } from "../iam-role/resource-policy";

export interface DeadLetterQueueProps {
  /** Queue name: 1-80 letters, digits, `-`, `_`. A standard queue, so no `.fifo` suffix. */
  readonly queueName: string;
  /** Seconds a message is kept (60-1209600), time enough to notice and replay a missed run.
   * @default 1209600 (14 days, the maximum) */
  readonly messageRetentionSeconds?: number;
  /** ARN of a KMS key (or alias) for server-side encryption. Its key policy must let the
   * senders use it: `kms:GenerateDataKey` and `kms:Decrypt` for `events.amazonaws.com`, and for
   * the roles of Scheduler schedules.
   * @default SQS-managed encryption (SSE-SQS), which needs no key policy */
  readonly kmsKeyArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const QUEUE_NAME = /^[A-Za-z0-9_-]{1,80}$/;
const RULE_ARN = /^arn:aws[a-z-]*:events:[a-z0-9-]+:[0-9]{12}:rule\/.+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:(key|alias)\/.+$/;

/**
 * An encrypted SQS standard queue that receives the runs a schedule could not start (the
 * dead-letter queue of EventBridge rule targets and of EventBridge Scheduler schedules), with a
 * queue policy that refuses unencrypted connections.
 *
 * EventBridge rules send with their own service principal, so each rule needs
 * {@link allowEventBridgeRule}. Scheduler sends with the schedule's role instead: grant that role
 * `sqs:SendMessage` on {@link queueArn}.
 */
export class DeadLetterQueue extends Construct {
  /** The `aws_sqs_queue`. */
  readonly resource: SqsQueue;
  /** The `aws_sqs_queue_policy`. */
  readonly policyResource: SqsQueuePolicy;
  readonly queueArn: string;
  readonly queueUrl: string;
  readonly queueName: string;
  private readonly ruleArns: string[] = [];
  private readonly rulePolicyArns: string[] = [];

  constructor(scope: Construct, id: string, props: DeadLetterQueueProps) {
    super(scope, id);
    validateField(this, "queueName", props.queueName, (name) => {
      if (name.endsWith(".fifo")) {
        throw new Error(
          `queue name '${name}' names a FIFO queue: EventBridge and Scheduler dead-letter queues must be standard queues`,
        );
      }
      if (!QUEUE_NAME.test(name)) {
        throw new Error(
          `queue name '${name}' is not valid: it must have 1-80 characters, only letters, digits, '-' and '_'`,
        );
      }
    });
    validateIntegerRange(
      this,
      "messageRetentionSeconds",
      props.messageRetentionSeconds,
      60,
      1209600,
    );
    validateField(this, "kmsKeyArn", props.kmsKeyArn, (arn) => {
      if (!KMS_KEY_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not a KMS key ARN: write arn:aws:kms:REGION:ACCOUNT:key/ID (or alias/NAME)`,
        );
      }
    });

    this.resource = new SqsQueue(this, "Resource", {
      name: props.queueName,
      messageRetentionSeconds: props.messageRetentionSeconds ?? 1209600,
      ...(props.kmsKeyArn !== undefined
        ? { kmsMasterKeyId: props.kmsKeyArn, kmsDataKeyReusePeriodSeconds: 300 }
        : { sqsManagedSseEnabled: true }),
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.queueArn = this.resource.arn;
    this.queueUrl = this.resource.url;
    this.queueName = this.resource.name;

    // Rules are allowed after construction, so the policy is rendered at synth time.
    this.policyResource = new SqsQueuePolicy(this, "Policy", {
      queueUrl: this.queueUrl,
      policy: Lazy.stringValue({
        produce: () => renderResourcePolicy({ statements: this.policyStatements() }),
      }),
    });
  }

  /**
   * Lets one EventBridge rule send the events it could not deliver to its targets: a statement
   * for `events.amazonaws.com` to `sqs:SendMessage`, only on behalf of that rule (`aws:SourceArn`),
   * so no other rule, account or service can fill the queue. A rule allowed already is not added
   * again.
   */
  allowEventBridgeRule(ruleArn: string): void {
    validateField(this, "ruleArn", ruleArn, (arn) => {
      if (!RULE_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not an EventBridge rule ARN (arn:aws:events:REGION:ACCOUNT:rule/NAME)`,
        );
      }
    });
    if (this.ruleArns.includes(ruleArn)) {
      return;
    }
    this.ruleArns.push(ruleArn);
    this.rulePolicyArns.push(this.policyValue(ruleArn, this.ruleArns.length));
  }

  private policyStatements(): ResourcePolicyStatement[] {
    return [
      {
        sid: "DenyInsecureTransport",
        effect: "Deny",
        principal: "*",
        actions: ["sqs:*"],
        resources: [this.queueArn],
        conditions: { Bool: { "aws:SecureTransport": "false" } },
      },
      ...this.rulePolicyArns.map((ruleArn, index): ResourcePolicyStatement => ({
        sid: `AllowEventBridgeRule${index + 1}`,
        principal: { service: "events.amazonaws.com" },
        actions: ["sqs:SendMessage"],
        resources: [this.queueArn],
        conditions: { ArnEquals: { "aws:SourceArn": ruleArn } },
      })),
    ];
  }

  /**
   * The rule ARN as written into the policy JSON. A plain reference such as
   * `${aws_cloudwatch_event_rule.x.arn}` stays in place; an expression with quoted arguments
   * would make the policy unreadable JSON for people and scanners, so it goes through a local
   * (as in modules/ecs-arns/ecs-arns.ts).
   */
  private policyValue(ruleArn: string, ruleNumber: number): string {
    if (!isUnresolved(ruleArn)) {
      return ruleArn;
    }
    const expression: unknown = Tokenization.resolve(ruleArn, {
      scope: this,
      preparing: false,
      resolver: new DefaultTokenResolver(new StringConcat()),
    });
    if (typeof expression === "string" && !expression.includes('"')) {
      return ruleArn;
    }
    return new TerraformLocal(this, `RuleArn${ruleNumber}`, ruleArn).asString;
  }
}
