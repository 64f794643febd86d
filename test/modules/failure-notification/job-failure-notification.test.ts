import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import {
  FailureTopic,
  JOB_CONTAINER_FAILED,
  JobFailureNotification,
  JobFailureNotificationProps,
  SlackChannel,
} from "../../../modules/failure-notification";
import {
  emptyStack,
  onlyResource,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";
import { CLUSTER, ref, resourceAt, SAMPLE_VALUES, substitute, taskStopped } from "./fixtures";

const SLACK: SlackChannel = { workspaceId: "T0123456789", channelId: "C0123456789" };
const TEXT_TOPIC = ref("aws_sns_topic", "failures", "arn");
const CHAT_TOPIC = ref("aws_sns_topic", "failures/ChatTopic", "arn");

type JobProps = Omit<JobFailureNotificationProps, "topic">;

const JOB: JobProps = {
  jobName: "example-batch",
  environment: "dev",
  clusterArn: CLUSTER,
  family: "example-batch",
  containerName: "example-batch",
  hasSidecars: false,
  logGroupName: "/ecs-scheduled-tasks/example",
  region: "ap-northeast-1",
};

function topicIn(scope: Construct, slack?: SlackChannel): FailureTopic {
  return new FailureTopic(scope, "failures", {
    name: "dev-batch-failures",
    emailAddresses: ["ops@example.com"],
    slack,
  });
}

function notificationJson(props: Partial<JobProps> = {}, slack?: SlackChannel): TerraformJson {
  return synthesize(
    (scope) =>
      new JobFailureNotification(scope, "notify", {
        ...JOB,
        ...props,
        topic: topicIn(scope, slack),
      }),
  ).json;
}

function newNotification(props: Partial<JobProps>): JobFailureNotification {
  const stack = emptyStack();
  return new JobFailureNotification(stack, "notify", { ...JOB, ...props, topic: topicIn(stack) });
}

describe("JobFailureNotification", () => {
  describe("of a job without sidecars, with e-mail and Slack", () => {
    const json = notificationJson({}, SLACK);

    it("makes a rule on the job's failed runs", () => {
      const rule = resourceAt(json, "aws_cloudwatch_event_rule", "notify/Rule");
      expect(rule.name).toBe("example-batch-failed");
      expect(rule.description).toBe(
        "Failed runs of batch job example-batch: non-zero exit, killed, or not started",
      );
      const pattern = JSON.parse(rule.event_pattern as string);
      expect(pattern.detail.group).toEqual(["family:example-batch"]);
      expect(pattern.detail.clusterArn).toEqual([CLUSTER]);
      expect(pattern.detail.$or).toHaveLength(3);
    });

    it("sends plain text to the people's topic", () => {
      const target = resourceAt(json, "aws_cloudwatch_event_target", "notify/TextTarget");
      expect(target.rule).toMatch(ref("aws_cloudwatch_event_rule", "notify/Rule", "name"));
      expect(target.target_id).toBe("notify-text");
      expect(target.arn).toMatch(TEXT_TOPIC);
      const transformer = target.input_transformer as Record<string, unknown>;
      expect(transformer.input_paths).toMatchObject({
        exitCode: "$.detail.containers[0].exitCode",
      });
      const lines = (transformer.input_template as string).split("\n");
      expect(JSON.parse(substitute(lines[0], SAMPLE_VALUES))).toBe(
        "Batch job example-batch failed (environment dev).",
      );
    });

    it("sends an AWS Chatbot notification to the chat topic", () => {
      const target = resourceAt(json, "aws_cloudwatch_event_target", "notify/ChatTarget");
      expect(target.target_id).toBe("notify-chatbot");
      expect(target.arn).toMatch(CHAT_TOPIC);
      const template = (target.input_transformer as Record<string, string>).input_template;
      expect(JSON.parse(substitute(template, SAMPLE_VALUES)).content.title).toBe(
        ":x: Batch job example-batch failed (dev)",
      );
    });

    it("retries delivery like EventBridge does, without a role or a dead-letter queue", () => {
      for (const target of Object.values(resourcesOf(json, "aws_cloudwatch_event_target"))) {
        expect(target.retry_policy).toEqual({
          maximum_retry_attempts: 185,
          maximum_event_age_in_seconds: 86400,
        });
        expect(target).not.toHaveProperty("role_arn");
        expect(target).not.toHaveProperty("dead_letter_config");
      }
    });

    it("makes no result filter and no alarms", () => {
      for (const type of [
        "aws_sfn_state_machine",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_metric_alarm",
      ]) {
        expect(resourcesOf(json, type)).toEqual({});
      }
    });
  });

  it("sends only to the people's topic when there is no Slack", () => {
    const json = notificationJson();
    expect(Object.keys(resourcesOf(json, "aws_cloudwatch_event_target"))).toEqual([
      expect.stringMatching(/^notify_TextTarget_/),
    ]);
  });

  it("keeps a log group name known at apply time out of the template's quotes", () => {
    const { json } = synthesize((scope) => {
      const logs = new CloudwatchLogGroup(scope, "logs", { name: "/jobs/example" });
      new JobFailureNotification(scope, "notify", {
        ...JOB,
        logGroupName: logs.name,
        topic: topicIn(scope, SLACK),
      });
    });
    const [local, ...others] = Object.entries(json.locals ?? {});
    expect(others).toEqual([]);
    expect(local[1]).toBe('${replace(aws_cloudwatch_log_group.logs.name, "/", "$252F")}');
    for (const target of Object.values(resourcesOf(json, "aws_cloudwatch_event_target"))) {
      expect((target.input_transformer as Record<string, string>).input_template).toContain(
        `log-group/\${local.${local[0]}}/log-events`,
      );
    }
  });

  describe("of a job with sidecars", () => {
    const json = notificationJson({ hasSidecars: true }, SLACK);
    const machine = onlyResource(json, "aws_sfn_state_machine");

    it("sends every stopped task of the family to the result filter", () => {
      const rule = onlyResource(json, "aws_cloudwatch_event_rule");
      expect(rule.description).toBe(
        "Every stopped task of batch job example-batch, for its result filter",
      );
      expect(rule.event_pattern).not.toContain("exitCode");
      const target = onlyResource(json, "aws_cloudwatch_event_target");
      expect(target.target_id).toBe("result-filter");
      expect(target.arn).toMatch(ref("aws_sfn_state_machine", "notify/ResultFilter", "arn"));
      expect(target.role_arn).toMatch(ref("aws_iam_role", "notify/FilterEventsRole", "arn"));
      const template = (target.input_transformer as Record<string, string>).input_template;
      const event = taskStopped([
        { name: "envoy", exitCode: 137 },
        { name: "example-batch", exitCode: 0 },
      ]);
      expect(
        JSON.parse(template.replace("<aws.events.event.json>", JSON.stringify(event))),
      ).toEqual({
        job: "example-batch",
        environment: "dev",
        container: "example-batch",
        logGroupName: "/ecs-scheduled-tasks/example",
        logStreamPrefix: "batch",
        region: "ap-northeast-1",
        event,
      });
    });

    it("makes an Express state machine that logs its errors and traces", () => {
      expect(machine).toMatchObject({
        name: "example-batch-result-filter",
        type: "EXPRESS",
        role_arn: expect.stringMatching(ref("aws_iam_role", "notify/ResultFilterRole", "arn")),
        logging_configuration: {
          level: "ERROR",
          include_execution_data: true,
          log_destination: expect.stringMatching(
            /^\$\{aws_cloudwatch_log_group\.notify_ResultFilterLogGroup_[0-9A-F]{8}\.arn\}:\*$/,
          ),
        },
        tracing_configuration: { enabled: true },
      });
      expect(machine.depends_on).toEqual([
        expect.stringMatching(/^aws_iam_role_policy_attachment\.notify_ResultFilterRole_/),
      ]);
      expect(onlyResource(json, "aws_cloudwatch_log_group")).toEqual({
        name: "/aws/vendedlogs/states/example-batch-result-filter",
        retention_in_days: 365,
      });
    });

    it("reads the job's container by name in the state machine's Choice", () => {
      const definition = JSON.parse(machine.definition as string);
      expect(definition.QueryLanguage).toBe("JSONata");
      const choice = definition.States[definition.StartAt];
      expect(choice.Type).toBe("Choice");
      expect(choice.Choices[0].Condition).toBe(`{% ${JOB_CONTAINER_FAILED} %}`);
      expect(choice.Choices[0].Condition).toContain(
        "$states.input.event.detail.containers[name = $states.input.container]",
      );
      expect(definition.States.NotifyPeople.Arguments.TopicArn).toMatch(TEXT_TOPIC);
      expect(definition.States.NotifyChat.Arguments.TopicArn).toMatch(CHAT_TOPIC);
    });

    it("lets the state machine publish to the topics with their key, log and trace", () => {
      const role = resourceAt(json, "aws_iam_role", "notify/ResultFilterRole");
      expect(role.name).toBe("example-batch-result-filter");
      expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({
        Service: "states.amazonaws.com",
      });
      const statements = statementsOf(
        resourceAt(json, "aws_iam_policy", "notify/ResultFilterRole/Policy").policy,
      );
      expect(statements.map((s) => s.Sid)).toEqual([
        "PublishFailureNotices",
        "EncryptFailureNotices",
        "DeliverExecutionLogs",
        "SendTraces",
      ]);
      const [publish, encrypt, logs, traces] = statements;
      expect(publish.Action).toEqual(["sns:Publish"]);
      expect(publish.Resource).toEqual([
        expect.stringMatching(TEXT_TOPIC),
        expect.stringMatching(CHAT_TOPIC),
      ]);
      expect(encrypt.Action).toEqual(["kms:Decrypt", "kms:GenerateDataKey*"]);
      expect(encrypt.Resource).toEqual([
        expect.stringMatching(ref("aws_kms_key", "failures/Key", "arn")),
      ]);
      expect(logs.Action).toEqual([
        "logs:CreateLogDelivery",
        "logs:DeleteLogDelivery",
        "logs:DescribeLogGroups",
        "logs:DescribeResourcePolicies",
        "logs:GetLogDelivery",
        "logs:ListLogDeliveries",
        "logs:PutResourcePolicy",
        "logs:UpdateLogDelivery",
      ]);
      expect(logs.Resource).toEqual(["*"]);
      expect(traces.Action).toEqual([
        "xray:GetSamplingRules",
        "xray:GetSamplingTargets",
        "xray:PutTelemetryRecords",
        "xray:PutTraceSegments",
      ]);
      expect(traces.Resource).toEqual(["*"]);
    });

    it("lets EventBridge start this state machine and nothing else", () => {
      const role = resourceAt(json, "aws_iam_role", "notify/FilterEventsRole");
      expect(role.name).toBe("example-batch-filter-events");
      expect(JSON.parse(role.assume_role_policy as string).Statement[0].Principal).toEqual({
        Service: "events.amazonaws.com",
      });
      expect(
        statementsOf(resourceAt(json, "aws_iam_policy", "notify/FilterEventsRole/Policy").policy),
      ).toEqual([
        {
          Sid: "StartResultFilter",
          Effect: "Allow",
          Action: ["states:StartExecution"],
          Resource: [
            expect.stringMatching(ref("aws_sfn_state_machine", "notify/ResultFilter", "arn")),
          ],
        },
      ]);
    });
  });

  describe("with the schedule's rule and dead-letter queue", () => {
    const json = notificationJson(
      { scheduleRuleName: "example-batch", deadLetterQueueName: "example-batch-dlq" },
      SLACK,
    );
    const actions = [expect.stringMatching(TEXT_TOPIC), expect.stringMatching(CHAT_TOPIC)];

    it("alarms on every schedule invocation that failed, to every topic", () => {
      const alarm = resourceAt(json, "aws_cloudwatch_metric_alarm", "notify/InvocationAlarm");
      expect(alarm).toMatchObject({
        alarm_name: "example-batch-start-failed",
        namespace: "AWS/Events",
        metric_name: "FailedInvocations",
        dimensions: { RuleName: "example-batch" },
        statistic: "Sum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: actions,
      });
      expect(alarm.alarm_description).toContain(
        "EventBridge could not start batch job example-batch (environment dev) from its schedule",
      );
      expect(alarm.alarm_description).toContain("CloudTrail");
    });

    it("alarms when runs wait in the dead-letter queue, to every topic", () => {
      const alarm = resourceAt(json, "aws_cloudwatch_metric_alarm", "notify/DeadLetterAlarm");
      expect(alarm).toMatchObject({
        alarm_name: "example-batch-runs-not-started",
        namespace: "AWS/SQS",
        metric_name: "ApproximateNumberOfMessagesVisible",
        dimensions: { QueueName: "example-batch-dlq" },
        statistic: "Maximum",
        period: 300,
        evaluation_periods: 1,
        threshold: 1,
        comparison_operator: "GreaterThanOrEqualToThreshold",
        treat_missing_data: "notBreaching",
        alarm_actions: actions,
      });
      expect(alarm.alarm_description).toContain("ERROR_CODE and ERROR_MESSAGE");
    });
  });

  it("passes tags to the rule, the state machine, its log group, roles and alarms", () => {
    const json = notificationJson({
      hasSidecars: true,
      scheduleRuleName: "example-batch",
      tags: { Team: "batch" },
    });
    for (const [type, path] of [
      ["aws_cloudwatch_event_rule", "notify/Rule"],
      ["aws_sfn_state_machine", "notify/ResultFilter"],
      ["aws_cloudwatch_log_group", "notify/ResultFilterLogGroup"],
      ["aws_iam_role", "notify/ResultFilterRole"],
      ["aws_iam_role", "notify/FilterEventsRole"],
      ["aws_cloudwatch_metric_alarm", "notify/InvocationAlarm"],
    ]) {
      expect(resourceAt(json, type, path).tags).toEqual({ Team: "batch" });
    }
  });

  describe("validation", () => {
    it.each<[string, Partial<JobProps>]>([
      ["a 50-character job name with sidecars", { jobName: "a".repeat(50), hasSidecars: true }],
      ["a 57-character job name without sidecars", { jobName: "a".repeat(57) }],
      ["no environment", { environment: undefined }],
      ["an environment with spaces", { environment: "Production (JP)" }],
      ["a stream prefix with a slash", { logStreamPrefix: "ecs/batch" }],
      ["a GovCloud region", { region: "us-gov-west-1" }],
      ["a schedule rule and a queue", { scheduleRuleName: "a.b-c_d", deadLetterQueueName: "q-1" }],
    ])("accepts %s", (_, props) => {
      expect(() => newNotification(props)).not.toThrow();
    });

    it.each<[string, Partial<JobProps>, RegExp]>([
      [
        "a job name with a dot",
        { jobName: "example.batch" },
        /test\/notify: jobName: job name 'example.batch' may contain only letters, digits, '-' and '_'/,
      ],
      [
        "a job name too long for its rule",
        { jobName: "a".repeat(58) },
        /jobName: rule name 'a+-failed' has 65 characters: at most 64 are allowed/,
      ],
      [
        "a job name too long for its result filter's role",
        { jobName: "a".repeat(51), hasSidecars: true },
        /jobName: IAM role name 'a+-result-filter' has 65 characters: at most 64 are allowed/,
      ],
      [
        "an environment with a placeholder's brackets",
        { environment: "<prod>" },
        /test\/notify: environment: environment '<prod>' must have 1-64 characters and no '<', '>'/,
      ],
      [
        "a cluster name instead of its ARN",
        { clusterArn: "batch" },
        /test\/notify: clusterArn: 'batch' is not an ECS cluster ARN/,
      ],
      [
        "a family with a colon",
        { family: "example-batch:3" },
        /family: task definition family 'example-batch:3' may contain only/,
      ],
      [
        "a container name with a space",
        { containerName: "my job" },
        /containerName: container name 'my job' may contain only/,
      ],
      [
        "a log group name with a space",
        { logGroupName: "/jobs/my job" },
        /logGroupName: log group name '\/jobs\/my job' may contain only/,
      ],
      [
        "a stream prefix with a colon",
        { logStreamPrefix: "batch:1" },
        /logStreamPrefix: log stream prefix 'batch:1' may contain only letters, digits/,
      ],
      [
        "a region's display name",
        { region: "Tokyo" },
        /test\/notify: region: 'Tokyo' is not an AWS region name like 'ap-northeast-1'/,
      ],
      [
        "a schedule rule ARN instead of its name",
        { scheduleRuleName: "arn:aws:events:ap-northeast-1:123456789012:rule/example-batch" },
        /scheduleRuleName: rule name 'arn:aws:events:.*' may contain only/,
      ],
      [
        "a FIFO dead-letter queue",
        { deadLetterQueueName: "example-batch.fifo" },
        /deadLetterQueueName: queue name 'example-batch.fifo' is not valid: it must have 1-80 characters/,
      ],
    ])("rejects %s", (_, props, error) => {
      expect(() => newNotification(props)).toThrow(error);
    });

    describe("given a topic made elsewhere, known by its ARN only", () => {
      const topic = { deliveries: [{ topicArn: "${var.topic_arn}", format: "text" as const }] };

      it("notifies a job without sidecars through the topic's own key policy", () => {
        const { json } = synthesize(
          (scope) => new JobFailureNotification(scope, "notify", { ...JOB, topic }),
        );
        expect(onlyResource(json, "aws_cloudwatch_event_target").arn).toBe("${var.topic_arn}");
      });

      it("refuses a job with sidecars: its result filter needs the topic's key", () => {
        expect(
          () =>
            new JobFailureNotification(emptyStack(), "notify", {
              ...JOB,
              hasSidecars: true,
              topic,
            }),
        ).toThrow(
          /test\/notify: topic: with sidecars a result filter publishes the notices with its own role, which needs the topic's kmsKeyArn/,
        );
      });
    });

    it("skips values known only at apply time", () => {
      const stack = emptyStack();
      const text = (id: string) => new TerraformVariable(stack, id, { type: "string" }).stringValue;
      expect(
        () =>
          new JobFailureNotification(stack, "notify", {
            jobName: text("job"),
            environment: text("environment"),
            clusterArn: text("cluster"),
            family: text("family"),
            containerName: text("container"),
            hasSidecars: true,
            logGroupName: text("logs"),
            logStreamPrefix: text("prefix"),
            region: text("region"),
            topic: topicIn(stack),
            scheduleRuleName: text("rule"),
            deadLetterQueueName: text("queue"),
          }),
      ).not.toThrow();
    });
  });
});
