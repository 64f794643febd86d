import { CloudwatchEventRule } from "@cdktf/provider-aws/lib/cloudwatch-event-rule";
import { SqsQueue } from "@cdktf/provider-aws/lib/sqs-queue";
import { Fn, TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { DeadLetterQueue, DeadLetterQueueProps } from "../../../modules/dead-letter-queue";
import {
  emptyStack,
  onlyResource,
  ParsedStatement,
  resourcesOf,
  statementsOf,
  synthesize,
  SynthesizedStack,
} from "../../synth";

const RULE = "arn:aws:events:ap-northeast-1:123456789012:rule/example-batch";
const OTHER_RULE = "arn:aws:events:ap-northeast-1:123456789012:rule/other-batch";
const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";

/** A queue policy statement: an IAM statement with a principal. */
interface QueueStatement extends ParsedStatement {
  Principal: string | { Service: string };
}

function synthQueue(
  props: DeadLetterQueueProps,
  configure: (queue: DeadLetterQueue, scope: Construct) => void = () => undefined,
): SynthesizedStack {
  return synthesize((scope) => {
    const queue = new DeadLetterQueue(scope, "Dlq", props);
    configure(queue, scope);
  });
}

function queueOf(props: DeadLetterQueueProps): Record<string, unknown> {
  return onlyResource(synthQueue(props).json, "aws_sqs_queue");
}

function queueArnReference(stack: SynthesizedStack): string {
  const [id] = Object.keys(resourcesOf(stack.json, "aws_sqs_queue"));
  return `\${aws_sqs_queue.${id}.arn}`;
}

function policyStatementsOf(stack: SynthesizedStack): QueueStatement[] {
  const policy = onlyResource(stack.json, "aws_sqs_queue_policy");
  return statementsOf(policy.policy) as QueueStatement[];
}

describe("DeadLetterQueue", () => {
  it("is a standard queue with SQS-managed encryption, keeping messages 14 days", () => {
    const { text } = synthQueue({ queueName: "example-batch-dlq" });
    expect(text).toHaveResourceWithProperties(SqsQueue, {
      name: "example-batch-dlq",
      sqs_managed_sse_enabled: true,
      message_retention_seconds: 1209600,
    });
    const queue = queueOf({ queueName: "example-batch-dlq" });
    expect(queue).not.toHaveProperty("kms_master_key_id");
    expect(queue).not.toHaveProperty("fifo_queue");
    expect(queue).not.toHaveProperty("tags");
  });

  it("encrypts with a KMS key when one is given, reusing data keys for 5 minutes", () => {
    const queue = queueOf({ queueName: "example-batch-dlq", kmsKeyArn: KEY });
    expect(queue.kms_master_key_id).toBe(KEY);
    expect(queue.kms_data_key_reuse_period_seconds).toBe(300);
    expect(queue).not.toHaveProperty("sqs_managed_sse_enabled");
  });

  it("takes a retention and tags", () => {
    const queue = queueOf({
      queueName: "example-batch-dlq",
      messageRetentionSeconds: 345600,
      tags: { Team: "batch" },
    });
    expect(queue.message_retention_seconds).toBe(345600);
    expect(queue.tags).toEqual({ Team: "batch" });
  });

  it("has one queue policy on its queue that denies connections without TLS", () => {
    const stack = synthQueue({ queueName: "example-batch-dlq" });
    const [id] = Object.keys(resourcesOf(stack.json, "aws_sqs_queue"));
    expect(onlyResource(stack.json, "aws_sqs_queue_policy").queue_url).toBe(
      `\${aws_sqs_queue.${id}.url}`,
    );
    expect(policyStatementsOf(stack)).toEqual([
      {
        Sid: "DenyInsecureTransport",
        Effect: "Deny",
        Principal: "*",
        Action: ["sqs:*"],
        Resource: [queueArnReference(stack)],
        Condition: { Bool: { "aws:SecureTransport": "false" } },
      },
    ]);
  });

  it("lets an EventBridge rule allowed after construction send to it, on its own behalf only", () => {
    const stack = synthQueue({ queueName: "example-batch-dlq" }, (queue) =>
      queue.allowEventBridgeRule(RULE),
    );
    const statements = policyStatementsOf(stack);
    expect(statements.map((s) => s.Sid)).toEqual([
      "DenyInsecureTransport",
      "AllowEventBridgeRule1",
    ]);
    const allow = statements[1];
    expect(allow.Effect).toBe("Allow");
    expect(allow.Principal).toEqual({ Service: "events.amazonaws.com" });
    expect(allow.Action).toEqual(["sqs:SendMessage"]);
    expect(allow.Resource).toEqual([queueArnReference(stack)]);
    expect(allow.Condition).toEqual({ ArnEquals: { "aws:SourceArn": RULE } });
  });

  it("gives two rules two statements, and a rule allowed twice one", () => {
    const stack = synthQueue({ queueName: "example-batch-dlq" }, (queue) => {
      queue.allowEventBridgeRule(RULE);
      queue.allowEventBridgeRule(OTHER_RULE);
      queue.allowEventBridgeRule(RULE);
    });
    const allows = policyStatementsOf(stack).slice(1);
    expect(allows.map((s) => [s.Sid, s.Condition?.ArnEquals["aws:SourceArn"]])).toEqual([
      ["AllowEventBridgeRule1", RULE],
      ["AllowEventBridgeRule2", OTHER_RULE],
    ]);
  });

  it("keeps a rule's ARN as a reference inside the policy JSON", () => {
    const stack = synthQueue({ queueName: "example-batch-dlq" }, (queue, scope) => {
      const rule = new CloudwatchEventRule(scope, "Rule", {
        name: "example-batch",
        scheduleExpression: "rate(1 hour)",
      });
      queue.allowEventBridgeRule(rule.arn);
    });
    const [ruleId] = Object.keys(resourcesOf(stack.json, "aws_cloudwatch_event_rule"));
    expect(policyStatementsOf(stack)[1].Condition).toEqual({
      ArnEquals: { "aws:SourceArn": `\${aws_cloudwatch_event_rule.${ruleId}.arn}` },
    });
    expect(stack.json.locals).toBeUndefined();
  });

  it("moves a rule ARN expression with quoted arguments into a local, so the policy stays JSON", () => {
    const stack = synthQueue({ queueName: "example-batch-dlq" }, (queue, scope) => {
      const name = new TerraformVariable(scope, "rule_name", { type: "string" }).stringValue;
      queue.allowEventBridgeRule(Fn.replace(RULE, "example-batch", name));
    });
    const locals = Object.entries(stack.json.locals ?? {});
    expect(locals).toHaveLength(1);
    const [localName, expression] = locals[0];
    expect(expression).toContain('replace("arn:aws:events:');
    expect(policyStatementsOf(stack)[1].Condition).toEqual({
      ArnEquals: { "aws:SourceArn": `\${local.${localName}}` },
    });
  });

  it.each<[string, DeadLetterQueueProps]>([
    ["an 80-character name", { queueName: "q".repeat(80) }],
    ["a name with '-' and '_'", { queueName: "Example_batch-DLQ-1" }],
    ["a retention of 60 s", { queueName: "dlq", messageRetentionSeconds: 60 }],
    ["a retention of 14 days", { queueName: "dlq", messageRetentionSeconds: 1209600 }],
    [
      "a KMS alias ARN",
      { queueName: "dlq", kmsKeyArn: "arn:aws:kms:us-east-1:123456789012:alias/x" },
    ],
  ])("accepts %s", (_, props) => {
    expect(() => new DeadLetterQueue(emptyStack(), "Dlq", props)).not.toThrow();
  });

  it("skips names that are references", () => {
    expect(() =>
      synthesize((scope) => {
        const name = new TerraformVariable(scope, "name", { type: "string" }).stringValue;
        new DeadLetterQueue(scope, "Dlq", { queueName: name });
      }),
    ).not.toThrow();
  });

  it.each<[string, DeadLetterQueueProps, RegExp]>([
    [
      "a FIFO queue name",
      { queueName: "example-batch-dlq.fifo" },
      /test\/Dlq: queueName: queue name 'example-batch-dlq.fifo' names a FIFO queue: EventBridge and Scheduler dead-letter queues must be standard queues/,
    ],
    [
      "an 81-character name",
      { queueName: "q".repeat(81) },
      /test\/Dlq: queueName: queue name 'q{81}' is not valid: it must have 1-80 characters/,
    ],
    [
      "an empty name",
      { queueName: "" },
      /queueName: queue name '' is not valid: it must have 1-80 characters/,
    ],
    [
      "a name with a dot",
      { queueName: "batch.dlq" },
      /queueName: queue name 'batch.dlq' is not valid: .*only letters, digits, '-' and '_'/,
    ],
    [
      "a retention of 59 s",
      { queueName: "dlq", messageRetentionSeconds: 59 },
      /test\/Dlq: messageRetentionSeconds: 59 is not valid: it must be a whole number from 60 to 1209600/,
    ],
    [
      "a retention over 14 days",
      { queueName: "dlq", messageRetentionSeconds: 1209601 },
      /messageRetentionSeconds: 1209601 is not valid/,
    ],
    [
      "a KMS key id instead of an ARN",
      { queueName: "dlq", kmsKeyArn: "1234abcd-12ab-34cd-56ef-1234567890ab" },
      /test\/Dlq: kmsKeyArn: '1234abcd-12ab-34cd-56ef-1234567890ab' is not a KMS key ARN/,
    ],
  ])("rejects %s", (_, props, message) => {
    expect(() => new DeadLetterQueue(emptyStack(), "Dlq", props)).toThrow(message);
  });

  it("rejects a rule ARN that is not one", () => {
    const queue = new DeadLetterQueue(emptyStack(), "Dlq", { queueName: "dlq" });
    expect(() =>
      queue.allowEventBridgeRule("arn:aws:scheduler:ap-northeast-1:123456789012:schedule/x/y"),
    ).toThrow(/test\/Dlq: ruleArn: 'arn:aws:scheduler:.*' is not an EventBridge rule ARN/);
    expect(() =>
      queue.allowEventBridgeRule("arn:aws:events:ap-northeast-1:123456789012:rule/bus/rule"),
    ).not.toThrow();
  });
});
