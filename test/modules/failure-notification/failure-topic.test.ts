import { TerraformVariable } from "cdktf";
import {
  FailureNoticeFilter,
  FailureTopic,
  FailureTopicProps,
} from "../../../modules/failure-notification";
import { emptyStack, onlyResource, resourcesOf, synthesize, TerraformJson } from "../../synth";
import { ref, resourceAt } from "./fixtures";

const KEY = "arn:aws:kms:ap-northeast-1:123456789012:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const SLACK = { workspaceId: "T0123456789", channelId: "C0123456789" };
const ACCOUNT = "${data.aws_caller_identity.ProviderAccount.account_id}";
const PARTITION = "${data.aws_partition.ProviderPartition.partition}";

/** A resource policy statement as it is rendered: an IAM statement with a principal. */
interface ResourceStatement {
  Sid: string;
  Effect: string;
  Principal: unknown;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, unknown>>;
}

function statements(policy: unknown): ResourceStatement[] {
  return (JSON.parse(policy as string) as { Statement: ResourceStatement[] }).Statement;
}

function topicJson(props: Partial<FailureTopicProps> = {}): {
  json: TerraformJson;
  topic: FailureTopic;
} {
  let topic: FailureTopic | undefined;
  const { json } = synthesize((scope) => {
    topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures", ...props });
  });
  return { json, topic: topic! };
}

describe("FailureTopic", () => {
  describe("given only a name", () => {
    const { json, topic } = topicJson();

    it("makes a key, its alias, one topic and its policy; no Slack", () => {
      expect(Object.keys(json.resource ?? {}).sort()).toEqual([
        "aws_kms_alias",
        "aws_kms_key",
        "aws_sns_topic",
        "aws_sns_topic_policy",
      ]);
      expect(topic.chatTopicArn).toBeUndefined();
      expect(topic.deliveries).toEqual([{ topicArn: topic.topicArn, format: "text" }]);
    });

    it("makes a rotating KMS key with a 30-day deletion window, and its alias", () => {
      const key = onlyResource(json, "aws_kms_key");
      expect(key).toMatchObject({
        enable_key_rotation: true,
        deletion_window_in_days: 30,
        description:
          "Encrypts the failure notices of batch jobs sent to SNS topic dev-batch-failures",
      });
      const alias = onlyResource(json, "aws_kms_alias");
      expect(alias.name).toBe("alias/dev-batch-failures");
      expect(alias.target_key_id).toMatch(ref("aws_kms_key", "failures/Key", "key_id"));
      expect(topic.key).toBeDefined();
    });

    describe("the key policy", () => {
      const [root, events, cloudwatch, ...others] = statements(
        onlyResource(json, "aws_kms_key").policy,
      );
      const onlyTheTopic = {
        StringLike: {
          "kms:EncryptionContext:aws:sns:topicArn": [
            `arn:${PARTITION}:sns:*:${ACCOUNT}:dev-batch-failures`,
          ],
        },
      };

      it("has exactly three statements", () => {
        expect(others).toEqual([]);
      });

      it("lets the account's IAM policies administer and use the key", () => {
        expect(root).toEqual({
          Sid: "EnableIamPoliciesOfThisAccount",
          Effect: "Allow",
          Principal: { AWS: `arn:${PARTITION}:iam::${ACCOUNT}:root` },
          Action: ["kms:*"],
          Resource: ["*"],
        });
      });

      it("lets EventBridge encrypt for the topic, without source conditions it does not send", () => {
        expect(events).toEqual({
          Sid: "LetEventBridgeRulesPublish",
          Effect: "Allow",
          Principal: { Service: "events.amazonaws.com" },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: ["*"],
          Condition: onlyTheTopic,
        });
      });

      it("lets CloudWatch alarms of this account encrypt for the topic", () => {
        expect(cloudwatch).toEqual({
          Sid: "LetCloudWatchAlarmsPublish",
          Effect: "Allow",
          Principal: { Service: "cloudwatch.amazonaws.com" },
          Action: ["kms:GenerateDataKey*", "kms:Decrypt"],
          Resource: ["*"],
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT }, ...onlyTheTopic },
        });
      });
    });

    it("encrypts the topic with the key", () => {
      expect(onlyResource(json, "aws_sns_topic")).toEqual({
        name: "dev-batch-failures",
        kms_master_key_id: expect.stringMatching(ref("aws_kms_key", "failures/Key", "arn")),
      });
    });

    describe("the topic policy", () => {
      const policy = onlyResource(json, "aws_sns_topic_policy");
      const [allow, deny, ...others] = statements(policy.policy);
      const topicArn = expect.stringMatching(ref("aws_sns_topic", "failures", "arn"));

      it("belongs to the topic and has two statements", () => {
        expect(policy.arn).toEqual(topicArn);
        expect(others).toEqual([]);
      });

      it("lets EventBridge rules and CloudWatch alarms of this account publish", () => {
        expect(allow).toEqual({
          Sid: "LetRulesAndAlarmsOfThisAccountPublish",
          Effect: "Allow",
          Principal: { Service: ["events.amazonaws.com", "cloudwatch.amazonaws.com"] },
          Action: ["sns:Publish"],
          Resource: [topicArn],
          Condition: { StringEquals: { "aws:SourceAccount": ACCOUNT } },
        });
      });

      it("refuses to let anyone publish without TLS", () => {
        expect(deny).toEqual({
          Sid: "DenyPublishWithoutTls",
          Effect: "Deny",
          Principal: "*",
          Action: ["sns:Publish"],
          Resource: [topicArn],
          Condition: { Bool: { "aws:SecureTransport": "false" } },
        });
      });
    });
  });

  describe("given e-mail addresses and HTTPS endpoints", () => {
    const props = {
      emailAddresses: ["ops@example.com", "batch-alerts@example.com"],
      httpsEndpoints: ["https://hooks.example.com/batch"],
    };
    const { json } = topicJson(props);
    const subscriptions = Object.values(resourcesOf(json, "aws_sns_topic_subscription"));

    it("subscribes every address by e-mail", () => {
      const emails = subscriptions.filter((s) => s.protocol === "email");
      expect(emails.map((s) => s.endpoint).sort()).toEqual([...props.emailAddresses].sort());
      for (const email of emails) {
        expect(email.topic_arn).toMatch(ref("aws_sns_topic", "failures", "arn"));
      }
    });

    it("subscribes every endpoint by HTTPS, confirmed by the endpoint itself", () => {
      expect(subscriptions.filter((s) => s.protocol === "https")).toEqual([
        {
          topic_arn: expect.stringMatching(ref("aws_sns_topic", "failures", "arn")),
          protocol: "https",
          endpoint: "https://hooks.example.com/batch",
          endpoint_auto_confirms: false,
        },
      ]);
    });

    it("keeps a subscription's address when another one is removed", () => {
      const idOf = (j: TerraformJson, endpoint: string) =>
        Object.entries(resourcesOf(j, "aws_sns_topic_subscription")).find(
          ([, s]) => s.endpoint === endpoint,
        )?.[0];
      const { json: fewer } = topicJson({ emailAddresses: ["batch-alerts@example.com"] });
      expect(idOf(fewer, "batch-alerts@example.com")).toBe(idOf(json, "batch-alerts@example.com"));
    });
  });

  describe("given lists of endpoints that are Terraform variables", () => {
    const { json } = synthesize((scope) => {
      const list = (id: string) =>
        new TerraformVariable(scope, id, { type: "list(string)" }).listValue;
      new FailureTopic(scope, "failures", {
        name: "dev-batch-failures",
        emailAddresses: list("emails"),
        httpsEndpoints: list("urls"),
      });
    });

    it("makes one subscription per endpoint with for_each, keyed by the endpoint", () => {
      expect(resourceAt(json, "aws_sns_topic_subscription", "failures/EmailEach")).toEqual({
        for_each: "${toset(var.emails)}",
        topic_arn: expect.stringMatching(ref("aws_sns_topic", "failures", "arn")),
        protocol: "email",
        endpoint: "${each.value}",
      });
      expect(resourceAt(json, "aws_sns_topic_subscription", "failures/HttpsEach")).toEqual({
        for_each: "${toset(var.urls)}",
        topic_arn: expect.stringMatching(ref("aws_sns_topic", "failures", "arn")),
        protocol: "https",
        endpoint: "${each.value}",
        endpoint_auto_confirms: false,
      });
      expect(Object.keys(resourcesOf(json, "aws_sns_topic_subscription"))).toHaveLength(2);
    });
  });

  describe("given a Slack channel", () => {
    const { json, topic } = topicJson({ slack: SLACK });

    it("adds a topic for AWS Chatbot, encrypted with the same key, with the same policy", () => {
      const chat = resourceAt(json, "aws_sns_topic", "failures/ChatTopic");
      expect(chat).toEqual({
        name: "dev-batch-failures-chat",
        kms_master_key_id: expect.stringMatching(ref("aws_kms_key", "failures/Key", "arn")),
      });
      const policy = resourceAt(json, "aws_sns_topic_policy", "failures/ChatTopicPolicy");
      expect(policy.arn).toMatch(ref("aws_sns_topic", "failures/ChatTopic", "arn"));
      expect(statements(policy.policy).map((s) => [s.Sid, s.Resource])).toEqual([
        ["LetRulesAndAlarmsOfThisAccountPublish", [policy.arn]],
        ["DenyPublishWithoutTls", [policy.arn]],
      ]);
    });

    it("lists both topics with their formats", () => {
      expect(topic.deliveries).toEqual([
        { topicArn: topic.topicArn, format: "text" },
        { topicArn: topic.chatTopicArn, format: "chatbot" },
      ]);
    });

    it("lets the services encrypt for the chat topic too", () => {
      const [, events, cloudwatch] = statements(onlyResource(json, "aws_kms_key").policy);
      for (const statement of [events, cloudwatch]) {
        expect(statement.Condition?.StringLike).toEqual({
          "kms:EncryptionContext:aws:sns:topicArn": [
            `arn:${PARTITION}:sns:*:${ACCOUNT}:dev-batch-failures`,
            `arn:${PARTITION}:sns:*:${ACCOUNT}:dev-batch-failures-chat`,
          ],
        });
      }
    });

    it("gives Chatbot a role that can only read the account's alarms and draw their graphs", () => {
      const role = onlyResource(json, "aws_iam_role");
      expect(role.name).toBe("dev-batch-failures-chatbot");
      expect(JSON.parse(role.assume_role_policy as string).Statement).toEqual([
        {
          Effect: "Allow",
          Principal: { Service: "chatbot.amazonaws.com" },
          Action: "sts:AssumeRole",
        },
      ]);
      expect(statements(onlyResource(json, "aws_iam_policy").policy)).toEqual([
        {
          Sid: "ReadAlarmsToRenderThem",
          Effect: "Allow",
          Action: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
          Resource: [
            `arn:${PARTITION}:cloudwatch:\${data.aws_region.ScheduledJobProviderRegion.region}:${ACCOUNT}:alarm:*`,
          ],
        },
        {
          // These reads have no resource-level permissions.
          Sid: "DrawAlarmGraphs",
          Effect: "Allow",
          Action: [
            "cloudwatch:GetMetricData",
            "cloudwatch:GetMetricStatistics",
            "cloudwatch:GetMetricWidgetImage",
            "cloudwatch:ListMetrics",
          ],
          Resource: ["*"],
        },
      ]);
    });

    it("configures the Slack channel to read the chat topic, with read-only guardrails", () => {
      expect(onlyResource(json, "aws_chatbot_slack_channel_configuration")).toEqual({
        configuration_name: "dev-batch-failures",
        slack_team_id: "T0123456789",
        slack_channel_id: "C0123456789",
        sns_topic_arns: [expect.stringMatching(ref("aws_sns_topic", "failures/ChatTopic", "arn"))],
        iam_role_arn: expect.stringMatching(ref("aws_iam_role", "failures/ChatbotRole", "arn")),
        guardrail_policy_arns: [`arn:${PARTITION}:iam::aws:policy/CloudWatchReadOnlyAccess`],
        logging_level: "ERROR",
      });
    });
  });

  describe("given a key", () => {
    const { json, topic } = topicJson({ kmsKeyArn: KEY, slack: SLACK });

    it("makes no key or alias and encrypts both topics with the given one", () => {
      expect(resourcesOf(json, "aws_kms_key")).toEqual({});
      expect(resourcesOf(json, "aws_kms_alias")).toEqual({});
      expect(
        Object.values(resourcesOf(json, "aws_sns_topic")).map((t) => t.kms_master_key_id),
      ).toEqual([KEY, KEY]);
      expect(topic.kmsKeyArn).toBe(KEY);
    });
  });

  describe("noticeFilter()", () => {
    let first: FailureNoticeFilter | undefined;
    let second: FailureNoticeFilter | undefined;
    const { json } = synthesize((scope) => {
      const topic = new FailureTopic(scope, "failures", {
        name: "dev-batch-failures",
        slack: SLACK,
        tags: { Team: "batch" },
      });
      first = topic.noticeFilter();
      second = topic.noticeFilter();
    });
    const TEXT_TOPIC = expect.stringMatching(ref("aws_sns_topic", "failures", "arn"));
    const CHAT_TOPIC = expect.stringMatching(ref("aws_sns_topic", "failures/ChatTopic", "arn"));

    it("makes no notice filter until it is called", () => {
      const { json: unused } = topicJson({ slack: SLACK });
      expect(resourcesOf(unused, "aws_sfn_state_machine")).toEqual({});
      expect(Object.keys(resourcesOf(unused, "aws_iam_role"))).toEqual([
        expect.stringMatching(/^failures_ChatbotRole_/),
      ]);
    });

    it("makes, on its first call, the topic's child NoticeFilter named <topic>-notices", () => {
      expect(first).toBeInstanceOf(FailureNoticeFilter);
      expect(first!.node.path).toBe("test/failures/NoticeFilter");
      expect(
        Object.values(resourcesOf(json, "aws_sfn_state_machine")).map((m) => [m.name, m.type]),
      ).toEqual([
        ["dev-batch-failures-notices-filter", "EXPRESS"],
        ["dev-batch-failures-notices", "STANDARD"],
      ]);
    });

    it("gives the same filter on every later call", () => {
      expect(second).toBe(first);
      expect(Object.keys(resourcesOf(json, "aws_sfn_state_machine"))).toHaveLength(2);
      expect(Object.keys(resourcesOf(json, "aws_iam_role"))).toHaveLength(4);
    });

    it("sends the notices to every topic in its format, with the topics' key", () => {
      const sender = resourceAt(json, "aws_sfn_state_machine", "failures/NoticeFilter/Sender");
      const states = JSON.parse(sender.definition as string).States;
      expect(states["Notify people"].Arguments.TopicArn).toEqual(TEXT_TOPIC);
      expect(states["Notify chat"].Arguments.TopicArn).toEqual(CHAT_TOPIC);
      const granted = statements(
        resourceAt(json, "aws_iam_policy", "failures/NoticeFilter/SenderRole/Policy").policy,
      );
      expect(granted.slice(0, 2)).toEqual([
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
          Resource: [expect.stringMatching(ref("aws_kms_key", "failures/Key", "arn"))],
        },
      ]);
      for (const alarm of Object.values(resourcesOf(json, "aws_cloudwatch_metric_alarm"))) {
        expect(alarm.alarm_actions).toEqual([TEXT_TOPIC, CHAT_TOPIC]);
      }
    });

    it("grants the sender a key that was given, not made", () => {
      const { json: given } = synthesize((scope) => {
        new FailureTopic(scope, "failures", {
          name: "dev-batch-failures",
          kmsKeyArn: KEY,
        }).noticeFilter();
      });
      const [, encrypt] = statements(
        resourceAt(given, "aws_iam_policy", "failures/NoticeFilter/SenderRole/Policy").policy,
      );
      expect(encrypt).toMatchObject({ Sid: "EncryptFailureNotices", Resource: [KEY] });
    });

    it("passes the topic's tags to the filter's resources", () => {
      for (const type of [
        "aws_sfn_state_machine",
        "aws_cloudwatch_log_group",
        "aws_cloudwatch_metric_alarm",
      ]) {
        for (const resource of Object.values(resourcesOf(json, type))) {
          expect({ type, tags: resource.tags }).toEqual({ type, tags: { Team: "batch" } });
        }
      }
      for (const path of ["SenderRole", "FilterRole", "EventsRole"]) {
        expect(resourceAt(json, "aws_iam_role", `failures/NoticeFilter/${path}`).tags).toEqual({
          Team: "batch",
        });
      }
    });

    it("fails, naming the role, for a topic name too long for the filter's roles", () => {
      const topic = (name: string) => new FailureTopic(emptyStack(), "failures", { name });
      expect(() => topic("a".repeat(49)).noticeFilter()).not.toThrow();
      expect(() => topic("a".repeat(50)).noticeFilter()).toThrow(
        /^test\/failures\/NoticeFilter: name: IAM role name 'a{50}-notices-filter' has 65 characters: at most 64 are allowed$/,
      );
    });
  });

  it("passes tags to the key, the topics, the role and the Slack channel", () => {
    const { json } = topicJson({ slack: SLACK, tags: { Team: "batch" } });
    for (const type of [
      "aws_kms_key",
      "aws_sns_topic",
      "aws_iam_role",
      "aws_chatbot_slack_channel_configuration",
    ]) {
      for (const resource of Object.values(resourcesOf(json, type))) {
        expect(resource.tags).toEqual({ Team: "batch" });
      }
    }
  });

  describe("validation", () => {
    it.each<[string, Partial<FailureTopicProps>]>([
      ["a name of letters, digits, '-' and '_'", { name: "Prod_batch-failures-01" }],
      ["a 250-character name without Slack", { name: "a".repeat(250) }],
      ["a 56-character name with Slack", { name: "a".repeat(56), slack: SLACK }],
      ["e-mail addresses", { emailAddresses: ["ops@example.com", "first.last+batch@mail.co.jp"] }],
      ["HTTPS endpoints", { httpsEndpoints: ["https://hooks.example.com:8443/batch?team=ops"] }],
      [
        "a private channel's old ID",
        { slack: { workspaceId: "TABC12345", channelId: "G0123ABCD" } },
      ],
      ["a KMS key ARN", { kmsKeyArn: KEY }],
      [
        "a multi-Region key ARN",
        {
          kmsKeyArn:
            "arn:aws:kms:ap-northeast-1:123456789012:key/mrk-1234abcd12ab34cd56ef1234567890ab",
        },
      ],
    ])("accepts %s", (_, props) => {
      expect(
        () => new FailureTopic(emptyStack(), "failures", { name: "failures", ...props }),
      ).not.toThrow();
    });

    it.each<[string, Partial<FailureTopicProps>, RegExp]>([
      [
        "a name with a dot",
        { name: "dev.failures" },
        /test\/failures: name: topic name 'dev.failures' is not valid: it must have 1-256 characters, only letters, digits, '-' and '_'/,
      ],
      [
        "a name too long for the key alias",
        { name: "a".repeat(251) },
        /name: 'a+' is too long: 'alias\/a+' must have at most 256 characters/,
      ],
      [
        "a name too long for the Chatbot role",
        { name: "a".repeat(57), slack: SLACK },
        /name: IAM role name 'a+-chatbot' has 65 characters: at most 64 are allowed/,
      ],
      [
        "an e-mail address without a domain",
        { emailAddresses: ["ops@example"] },
        /test\/failures: emailAddresses: 'ops@example' is not an e-mail address like 'batch-alerts@example.com'/,
      ],
      [
        "an e-mail address with a space",
        { emailAddresses: ["ops team@example.com"] },
        /emailAddresses: 'ops team@example.com' is not an e-mail address/,
      ],
      [
        "an address listed twice",
        { emailAddresses: ["ops@example.com", "ops@example.com"] },
        /emailAddresses: 'ops@example.com' is listed twice/,
      ],
      [
        "a plain HTTP endpoint",
        { httpsEndpoints: ["http://hooks.example.com/batch"] },
        /test\/failures: httpsEndpoints: 'http:\/\/hooks.example.com\/batch' must start with https:\/\//,
      ],
      [
        "an HTTPS endpoint that is no URL",
        { httpsEndpoints: ["https://"] },
        /httpsEndpoints: 'https:\/\/' is not a URL like 'https:\/\/hooks.example.com\/batch'/,
      ],
      [
        "a workspace name instead of its ID",
        { slack: { workspaceId: "example-team", channelId: "C0123456789" } },
        /test\/failures: slack.workspaceId: 'example-team' is not a Slack workspace ID: it starts with T/,
      ],
      [
        "a channel name instead of its ID",
        { slack: { workspaceId: "T0123456789", channelId: "#batch-alerts" } },
        /test\/failures: slack.channelId: '#batch-alerts' is not a Slack channel ID: it starts with C/,
      ],
      [
        "a key alias instead of a key ARN",
        { kmsKeyArn: "arn:aws:kms:ap-northeast-1:123456789012:alias/batch" },
        /test\/failures: kmsKeyArn: 'arn:aws:kms:ap-northeast-1:123456789012:alias\/batch' is not a KMS key ARN/,
      ],
      [
        "the AWS managed SNS key's alias",
        { kmsKeyArn: "alias/aws/sns" },
        /kmsKeyArn: 'alias\/aws\/sns' is not a KMS key ARN/,
      ],
    ])("rejects %s", (_, props, error) => {
      expect(
        () => new FailureTopic(emptyStack(), "failures", { name: "failures", ...props }),
      ).toThrow(error);
    });

    it("skips values known only at apply time", () => {
      const stack = emptyStack();
      const text = (id: string) => new TerraformVariable(stack, id, { type: "string" }).stringValue;
      expect(
        () =>
          new FailureTopic(stack, "failures", {
            name: text("name"),
            emailAddresses: [text("email")],
            httpsEndpoints: [text("url")],
            slack: { workspaceId: text("workspace"), channelId: text("channel") },
            kmsKeyArn: text("key"),
          }),
      ).not.toThrow();
    });
  });
});
