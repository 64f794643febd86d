import { TerraformOutput, TerraformVariable } from "cdktf";
import { IamScope } from "../../../modules/iam-role/iam-scope";
import {
  FailureDelivery,
  FailureNoticeFilter,
  FailureNoticeFilterProps,
  NOTICE_FILTER_STATES,
  noticeFilterDefinition,
  noticeSenderDefinition,
} from "../../../modules/failure-notification";
import { emptyStack, resourcesOf, statementsOf, synthesize, TerraformJson } from "../../synth";
import { ref, resourceAt } from "./fixtures";

const TEXT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures";
const CHAT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures-chat";
const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const DELIVERIES: FailureDelivery[] = [
  { topicArn: TEXT_TOPIC, format: "text" },
  { topicArn: CHAT_TOPIC, format: "chatbot" },
];
const PROPS: FailureNoticeFilterProps = {
  name: "dev-batch-failures-notices",
  destination: { deliveries: DELIVERIES, kmsKeyArn: KEY },
};

const SENDER_ARN = ref("aws_sfn_state_machine", "notices/Sender", "arn");
const FILTER_ARN = ref("aws_sfn_state_machine", "notices/Filter", "arn");

const LOGGING = {
  Sid: "DeliverExecutionLogs",
  Effect: "Allow",
  Action: [
    "logs:CreateLogDelivery",
    "logs:DeleteLogDelivery",
    "logs:DescribeLogGroups",
    "logs:DescribeResourcePolicies",
    "logs:GetLogDelivery",
    "logs:ListLogDeliveries",
    "logs:PutResourcePolicy",
    "logs:UpdateLogDelivery",
  ],
  Resource: ["*"],
};
const TRACING = {
  Sid: "SendTraces",
  Effect: "Allow",
  Action: [
    "xray:GetSamplingRules",
    "xray:GetSamplingTargets",
    "xray:PutTelemetryRecords",
    "xray:PutTraceSegments",
  ],
  Resource: ["*"],
};

function filterJson(props: Partial<FailureNoticeFilterProps> = {}): TerraformJson {
  return synthesize((scope) => new FailureNoticeFilter(scope, "notices", { ...PROPS, ...props }))
    .json;
}

/** The trust policy's principal and the statements of the role at `path`. */
function roleAt(json: TerraformJson, path: string) {
  const role = resourceAt(json, "aws_iam_role", path);
  return {
    role,
    principal: JSON.parse(role.assume_role_policy as string).Statement[0].Principal,
    statements: statementsOf(resourceAt(json, "aws_iam_policy", `${path}/Policy`).policy),
  };
}

describe("FailureNoticeFilter", () => {
  const json = filterJson();

  it("makes two state machines, their roles and log groups, EventBridge's role and two alarms", () => {
    expect(
      Object.fromEntries(
        Object.keys(json.resource ?? {}).map((type) => [
          type,
          Object.keys(resourcesOf(json, type)).length,
        ]),
      ),
    ).toEqual({
      aws_cloudwatch_log_group: 2,
      aws_cloudwatch_metric_alarm: 2,
      aws_iam_policy: 3,
      aws_iam_role: 3,
      aws_iam_role_policy_attachment: 3,
      aws_sfn_state_machine: 2,
    });
  });

  describe("the sender", () => {
    const machine = resourceAt(json, "aws_sfn_state_machine", "notices/Sender");

    it("is a Standard state machine that logs its errors and traces", () => {
      expect(machine).toEqual({
        name: "dev-batch-failures-notices",
        type: "STANDARD",
        role_arn: expect.stringMatching(ref("aws_iam_role", "notices/SenderRole", "arn")),
        definition: noticeSenderDefinition(DELIVERIES),
        logging_configuration: {
          level: "ERROR",
          include_execution_data: true,
          log_destination: expect.stringMatching(
            ref("aws_cloudwatch_log_group", "notices/SenderLogGroup", "arn", ":*"),
          ),
        },
        tracing_configuration: { enabled: true },
        depends_on: [
          expect.stringMatching(
            /^aws_iam_role_policy_attachment\.notices_SenderRole_PolicyAttachment_[0-9A-F]{8}$/,
          ),
        ],
      });
    });

    it("logs to a vended-logs group of its name, kept a year", () => {
      expect(resourceAt(json, "aws_cloudwatch_log_group", "notices/SenderLogGroup")).toEqual({
        name: "/aws/vendedlogs/states/dev-batch-failures-notices",
        retention_in_days: 365,
      });
    });

    it("has a role that Step Functions assumes, named like it", () => {
      const { role, principal } = roleAt(json, "notices/SenderRole");
      expect(role.name).toBe("dev-batch-failures-notices");
      expect(role.description).toBe("Sends the failure notices of batch jobs to their topics");
      expect(principal).toEqual({ Service: "states.amazonaws.com" });
    });

    it("may publish to every topic with their key, deliver its logs and send traces", () => {
      expect(roleAt(json, "notices/SenderRole").statements).toEqual([
        {
          Sid: "PublishFailureNotices",
          Effect: "Allow",
          Action: ["sns:Publish"],
          Resource: [TEXT_TOPIC, CHAT_TOPIC],
        },
        {
          Sid: "EncryptFailureNotices",
          Effect: "Allow",
          Action: ["kms:Decrypt", "kms:GenerateDataKey*"],
          Resource: [KEY],
        },
        LOGGING,
        TRACING,
      ]);
    });
  });

  describe("the filter", () => {
    const machine = resourceAt(json, "aws_sfn_state_machine", "notices/Filter");

    it("is an Express state machine, named <name>-filter, that logs its errors and traces", () => {
      expect(machine).toEqual({
        name: "dev-batch-failures-notices-filter",
        type: "EXPRESS",
        role_arn: expect.stringMatching(ref("aws_iam_role", "notices/FilterRole", "arn")),
        definition: expect.any(String),
        logging_configuration: {
          level: "ERROR",
          include_execution_data: true,
          log_destination: expect.stringMatching(
            ref("aws_cloudwatch_log_group", "notices/FilterLogGroup", "arn", ":*"),
          ),
        },
        tracing_configuration: { enabled: true },
        depends_on: [
          expect.stringMatching(
            /^aws_iam_role_policy_attachment\.notices_FilterRole_PolicyAttachment_[0-9A-F]{8}$/,
          ),
        ],
      });
    });

    it("runs the filter definition, which starts this sender", () => {
      const definition = machine.definition as string;
      const senderArn = JSON.parse(definition).States[NOTICE_FILTER_STATES.send].Arguments
        .StateMachineArn as string;
      expect(senderArn).toMatch(SENDER_ARN);
      expect(definition).toBe(noticeFilterDefinition(senderArn));
    });

    it("logs to a vended-logs group of its name, kept a year", () => {
      expect(resourceAt(json, "aws_cloudwatch_log_group", "notices/FilterLogGroup")).toEqual({
        name: "/aws/vendedlogs/states/dev-batch-failures-notices-filter",
        retention_in_days: 365,
      });
    });

    it("has a role that may start the sender and nothing else, deliver its logs and send traces", () => {
      const { role, principal, statements } = roleAt(json, "notices/FilterRole");
      expect(role.name).toBe("dev-batch-failures-notices-filter");
      expect(role.description).toBe(
        "Reads stopped tasks of batch jobs and starts one notice per failed task",
      );
      expect(principal).toEqual({ Service: "states.amazonaws.com" });
      expect(statements).toEqual([
        {
          Sid: "SendNotices",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [expect.stringMatching(SENDER_ARN)],
        },
        LOGGING,
        TRACING,
      ]);
    });
  });

  it("lets EventBridge start the filter and nothing else", () => {
    const { role, principal, statements } = roleAt(json, "notices/EventsRole");
    expect(role.name).toBe("dev-batch-failures-notices-events");
    expect(role.description).toBe(
      "EventBridge role that starts the failure notice filter of batch jobs",
    );
    expect(principal).toEqual({ Service: "events.amazonaws.com" });
    expect(statements).toEqual([
      {
        Sid: "StartNoticeFilter",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [expect.stringMatching(FILTER_ARN)],
      },
    ]);
  });

  it.each([
    ["filter", "notices/FilterFailedAlarm", "dev-batch-failures-notices-filter-failed", FILTER_ARN],
    ["sender", "notices/SenderFailedAlarm", "dev-batch-failures-notices-failed", SENDER_ARN],
  ])("alarms to every topic when an execution of the %s fails", (what, path, name, machine) => {
    const alarm = resourceAt(json, "aws_cloudwatch_metric_alarm", path);
    expect(alarm).toEqual({
      alarm_name: name,
      alarm_description:
        `An execution of the failure notice ${what} of batch jobs failed: a failure notice of a batch job may not have been sent. ` +
        "Find the failed execution in the Step Functions console (its error and the event it read are in its log group), and look at the job's stopped task in ECS.",
      namespace: "AWS/States",
      metric_name: "ExecutionsFailed",
      dimensions: { StateMachineArn: expect.stringMatching(machine) },
      statistic: "Sum",
      period: 300,
      evaluation_periods: 1,
      threshold: 1,
      comparison_operator: "GreaterThanOrEqualToThreshold",
      treat_missing_data: "notBreaching",
      alarm_actions: [TEXT_TOPIC, CHAT_TOPIC],
    });
  });

  it("exposes the filter as the rules' target, EventBridge's role, and its parts", () => {
    const { json: out } = synthesize((scope) => {
      const made = new FailureNoticeFilter(scope, "notices", PROPS);
      const outputs: Record<string, string> = {
        stateMachineArn: made.stateMachineArn,
        filter: made.filter.arn,
        sender: made.sender.arn,
        eventsRoleArn: made.eventsRoleArn,
        eventsRole: made.eventsRole.roleArn,
        filterRole: made.filterRole.roleArn,
        senderRole: made.senderRole.roleArn,
        filterLogGroup: made.filterLogGroup.logGroupArn,
        senderLogGroup: made.senderLogGroup.logGroupArn,
        filterFailed: made.noticeFailedAlarms[0].alarmName,
        senderFailed: made.noticeFailedAlarms[1].alarmName,
      };
      for (const [id, value] of Object.entries(outputs)) {
        new TerraformOutput(scope, id, { value });
      }
    });
    const outputs = Object.fromEntries(
      Object.entries(out.output ?? {}).map(([id, output]) => [id, output.value]),
    );
    const eventsRole = expect.stringMatching(ref("aws_iam_role", "notices/EventsRole", "arn"));
    expect(outputs).toEqual({
      stateMachineArn: expect.stringMatching(FILTER_ARN),
      filter: expect.stringMatching(FILTER_ARN),
      sender: expect.stringMatching(SENDER_ARN),
      eventsRoleArn: eventsRole,
      eventsRole,
      filterRole: expect.stringMatching(ref("aws_iam_role", "notices/FilterRole", "arn")),
      senderRole: expect.stringMatching(ref("aws_iam_role", "notices/SenderRole", "arn")),
      filterLogGroup: expect.stringMatching(
        ref("aws_cloudwatch_log_group", "notices/FilterLogGroup", "arn"),
      ),
      senderLogGroup: expect.stringMatching(
        ref("aws_cloudwatch_log_group", "notices/SenderLogGroup", "arn"),
      ),
      filterFailed: expect.stringMatching(
        ref("aws_cloudwatch_metric_alarm", "notices/FilterFailedAlarm", "alarm_name"),
      ),
      senderFailed: expect.stringMatching(
        ref("aws_cloudwatch_metric_alarm", "notices/SenderFailedAlarm", "alarm_name"),
      ),
    });
  });

  describe("given a topic that is not encrypted with a customer managed key", () => {
    const plain = filterJson({
      destination: { deliveries: [{ topicArn: TEXT_TOPIC, format: "text" }] },
    });

    it("grants publishing only, to its one topic", () => {
      const { role, statements } = roleAt(plain, "notices/SenderRole");
      expect(role.description).toBe("Sends the failure notices of batch jobs to their topic");
      expect(statements.map((s) => s.Sid)).toEqual([
        "PublishFailureNotices",
        "DeliverExecutionLogs",
        "SendTraces",
      ]);
      expect(statements[0].Resource).toEqual([TEXT_TOPIC]);
    });

    it("sends the text only", () => {
      const sender = resourceAt(plain, "aws_sfn_state_machine", "notices/Sender");
      expect(Object.keys(JSON.parse(sender.definition as string).States)).toEqual([
        "Notify people",
      ]);
    });
  });

  it("passes tags to the state machines, log groups, roles, policies and alarms", () => {
    const tagged = filterJson({ tags: { Team: "batch" } });
    for (const type of [
      "aws_sfn_state_machine",
      "aws_cloudwatch_log_group",
      "aws_iam_role",
      "aws_iam_policy",
      "aws_cloudwatch_metric_alarm",
    ]) {
      const resources = Object.values(resourcesOf(tagged, type));
      expect(resources.length).toBeGreaterThan(0);
      for (const resource of resources) {
        expect({ type, tags: resource.tags }).toEqual({ type, tags: { Team: "batch" } });
      }
    }
  });

  describe("validation", () => {
    const newFilter = (props: Partial<FailureNoticeFilterProps>, prefix?: string) => {
      const stack = emptyStack();
      if (prefix !== undefined) {
        IamScope.of(stack).apply({ namePrefix: prefix });
      }
      return new FailureNoticeFilter(stack, "notices", { ...PROPS, ...props });
    };

    it.each<[string, Partial<FailureNoticeFilterProps>]>([
      ["a name of letters, digits, '-' and '_'", { name: "Prod_batch-notices-01" }],
      ["a 57-character name, whose roles have 64", { name: "a".repeat(57) }],
      ["one topic without a key", { destination: { deliveries: [DELIVERIES[0]] } }],
    ])("accepts %s", (_, props) => {
      expect(() => newFilter(props)).not.toThrow();
    });

    it.each<[string, Partial<FailureNoticeFilterProps>, RegExp]>([
      [
        "a name with a dot",
        { name: "dev.notices" },
        /^test\/notices: name: 'dev.notices' is not valid: it must have 1-73 letters, digits, '-' and '_' \(it names the state machine 'dev.notices-filter', and state machine names have at most 80 characters\)$/,
      ],
      ["an empty name", { name: "" }, /^test\/notices: name: '' is not valid/],
      [
        "a name too long for the filter's state machine",
        { name: "a".repeat(74) },
        /^test\/notices: name: 'a{74}' is not valid: it must have 1-73/,
      ],
      [
        "a name too long for the filter's role",
        { name: "a".repeat(58) },
        /^test\/notices: name: IAM role name 'a{58}-filter' has 65 characters: at most 64 are allowed/,
      ],
      [
        "no topic",
        { destination: { deliveries: [] } },
        /^test\/notices: destination: it has no topic to send notices to$/,
      ],
    ])("rejects %s", (_, props, error) => {
      expect(() => newFilter(props)).toThrow(error);
    });

    it("checks the role names with the scope's name prefix", () => {
      expect(() => newFilter({ name: "a".repeat(52) }, "prod-")).not.toThrow();
      expect(() => newFilter({ name: "a".repeat(53) }, "prod-")).toThrow(
        /^test\/notices: name: IAM role name 'prod-a{53}-filter' has 65 characters/,
      );
    });

    it("skips a name known only at apply time", () => {
      const stack = emptyStack();
      const name = new TerraformVariable(stack, "name", { type: "string" }).stringValue;
      expect(() => new FailureNoticeFilter(stack, "notices", { ...PROPS, name })).not.toThrow();
    });
  });
});
