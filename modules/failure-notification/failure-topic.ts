import { ChatbotSlackChannelConfiguration } from "@cdktf/provider-aws/lib/chatbot-slack-channel-configuration";
import { KmsAlias } from "@cdktf/provider-aws/lib/kms-alias";
import { KmsKey } from "@cdktf/provider-aws/lib/kms-key";
import { SnsTopic } from "@cdktf/provider-aws/lib/sns-topic";
import { SnsTopicPolicy } from "@cdktf/provider-aws/lib/sns-topic-policy";
import { SnsTopicSubscription } from "@cdktf/provider-aws/lib/sns-topic-subscription";
import { TerraformIterator, Token } from "cdktf";
import { Construct } from "constructs";
import { IamRole } from "../iam-role/iam-role";
import { IamScope } from "../iam-role/iam-scope";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import { PolicyStatement } from "../iam-role/policy-document";
import { invalid, isUnresolved, validateField } from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";
import { renderResourcePolicy, ResourcePolicyStatement } from "../iam-role/resource-policy";
import { FailureDelivery, FailureDestination } from "./failure-destination";
import { FailureNoticeFilter } from "./failure-notice-filter";

/** A Slack channel that AWS Chatbot (Amazon Q Developer in chat applications) posts to. */
export interface SlackChannel {
  /** Slack workspace (team) ID, e.g. "T0123456789"; the workspace must first be authorised in
   * the AWS Chatbot console once per account. */
  readonly workspaceId: string;
  /** Slack channel ID, e.g. "C0123456789". */
  readonly channelId: string;
}

export interface FailureTopicProps {
  /** Names the topic(s), key alias and Chatbot configuration, e.g. "dev-batch-failures".
   * 1-256 of letters, digits, `-`, `_` (and short enough for the derived names:
   * `<name>-chat`, `alias/<name>`, and with Slack the role `<name>-chatbot`). */
  readonly name: string;
  /** Each address gets an e-mail to confirm, then every failure notice.
   * @default no e-mail subscriptions */
  readonly emailAddresses?: readonly string[];
  /** `https://` URLs subscribed to the topic; each must confirm its subscription.
   * @default none */
  readonly httpsEndpoints?: readonly string[];
  /** A Slack channel, through AWS Chatbot.
   * @default no Slack */
  readonly slack?: SlackChannel;
  /** ARN of a KMS key (not an alias) that encrypts the topics. Its key policy must let
   * `events.amazonaws.com` and `cloudwatch.amazonaws.com` use `kms:GenerateDataKey*` and
   * `kms:Decrypt`, or EventBridge rules and alarms cannot publish.
   * @default a KMS key made here (rotation on) */
  readonly kmsKeyArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const TOPIC_NAME = /^[A-Za-z0-9_-]{1,256}$/;
/** An e-mail address, as SNS takes it: one `@`, a dot in the domain, no spaces. */
export const EMAIL_ADDRESS = /^[^\s@<>"]+@[^\s@<>"]+\.[^\s@<>".]+$/;
const KMS_KEY_ARN = /^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/[A-Za-z0-9-]+$/;
const SLACK_WORKSPACE_ID = /^T[A-Z0-9]{6,}$/;
const SLACK_CHANNEL_ID = /^[CG][A-Z0-9]{6,}$/;
/** Chatbot configuration names are at most 128 characters. */
const CHATBOT_NAME_MAX = 128;

/** The services that publish failure notices: EventBridge rules and CloudWatch alarms. */
const PUBLISHING_SERVICES = ["events.amazonaws.com", "cloudwatch.amazonaws.com"];

/**
 * Where batch-job failures are sent: an SNS topic for people (e-mail, HTTPS), and with Slack a
 * second topic for AWS Chatbot, both encrypted with a customer managed KMS key that EventBridge
 * rules and CloudWatch alarms may use, and both refusing publishers without TLS.
 */
export class FailureTopic extends Construct implements FailureDestination {
  /** The topic whose subscribers (e-mail, HTTPS) get plain text. */
  readonly topic: SnsTopic;
  readonly topicArn: string;
  /** Only with slack: the topic AWS Chatbot reads. */
  readonly chatTopic?: SnsTopic;
  /** Only with slack: a second topic whose messages are AWS Chatbot custom notifications (JSON),
   * because Chatbot drops plain text. */
  readonly chatTopicArn?: string;
  /** The key made here, unless `kmsKeyArn` was given. */
  readonly key?: KmsKey;
  /** ARN of the key that encrypts the topics: publishers need `kms:GenerateDataKey*` and
   * `kms:Decrypt` on it. */
  readonly kmsKeyArn: string;
  /** Only with slack: the role AWS Chatbot assumes. */
  readonly chatbotRole?: IamRole;
  /** Only with slack: the `aws_chatbot_slack_channel_configuration`. */
  readonly slackChannel?: ChatbotSlackChannelConfiguration;
  /** Every topic, with the message format it expects. */
  readonly deliveries: readonly FailureDelivery[];
  private readonly tags?: Readonly<Record<string, string>>;
  private readonly name: string;
  private filter?: FailureNoticeFilter;

  constructor(scope: Construct, id: string, props: FailureTopicProps) {
    super(scope, id);
    this.validateProps(props);
    const tags = props.tags ? { ...props.tags } : undefined;
    const account = providerAccountId(this);
    const partition = providerPartition(this);
    const topicNames = [props.name, ...(props.slack ? [`${props.name}-chat`] : [])];

    if (props.kmsKeyArn !== undefined) {
      this.kmsKeyArn = props.kmsKeyArn;
    } else {
      this.key = new KmsKey(this, "Key", {
        description: `Encrypts the failure notices of batch jobs sent to SNS topic ${props.name}`,
        enableKeyRotation: true,
        deletionWindowInDays: 30,
        policy: renderResourcePolicy({
          statements: topicKeyPolicy({
            account,
            partition,
            topicArnPatterns: topicNames.map((n) => `arn:${partition}:sns:*:${account}:${n}`),
          }),
        }),
        tags,
      });
      new KmsAlias(this, "KeyAlias", {
        name: `alias/${props.name}`,
        targetKeyId: this.key.keyId,
      });
      this.kmsKeyArn = this.key.arn;
    }

    this.topic = this.encryptedTopic("Resource", "Policy", props.name, account, tags);
    this.topicArn = this.topic.arn;
    const deliveries: FailureDelivery[] = [{ topicArn: this.topicArn, format: "text" }];
    this.subscribe("Email", props.emailAddresses, { protocol: "email" });
    // The endpoint confirms by visiting the SubscribeURL SNS sends it.
    this.subscribe("Https", props.httpsEndpoints, {
      protocol: "https",
      endpointAutoConfirms: false,
    });

    if (props.slack) {
      this.chatTopic = this.encryptedTopic(
        "ChatTopic",
        "ChatTopicPolicy",
        `${props.name}-chat`,
        account,
        tags,
      );
      this.chatTopicArn = this.chatTopic.arn;
      deliveries.push({ topicArn: this.chatTopicArn, format: "chatbot" });
      this.chatbotRole = new IamRole(this, "ChatbotRole", {
        name: `${props.name}-chatbot`,
        identifier: "chatbot.amazonaws.com",
        description: `AWS Chatbot role of ${props.name}: reads CloudWatch alarms to render them`,
        policy: { statements: chatReadStatements(partition, providerRegion(this), account) },
        tags: props.tags,
      });
      this.slackChannel = new ChatbotSlackChannelConfiguration(this, "SlackChannel", {
        configurationName: props.name,
        slackTeamId: props.slack.workspaceId,
        slackChannelId: props.slack.channelId,
        snsTopicArns: [this.chatTopicArn],
        iamRoleArn: this.chatbotRole.roleArn,
        // Without guardrails Chatbot applies AdministratorAccess to what channel members may do.
        guardrailPolicyArns: [`arn:${partition}:iam::aws:policy/CloudWatchReadOnlyAccess`],
        loggingLevel: "ERROR",
        tags,
      });
    }
    this.deliveries = deliveries;
    this.name = props.name;
    this.tags = props.tags;
  }

  /**
   * The notice filter of this topic (`<name>-notices`, see {@link FailureNoticeFilter}), made on
   * first use: by the first job that reports its failures here.
   */
  noticeFilter(): FailureNoticeFilter {
    this.filter ??= new FailureNoticeFilter(this, "NoticeFilter", {
      name: `${this.name}-notices`,
      destination: this,
      tags: this.tags,
    });
    return this.filter;
  }

  /**
   * A subscription per endpoint. A list known only at apply time (a Terraform variable) becomes
   * one subscription resource with `for_each`, keyed by endpoint like the construct ids.
   */
  private subscribe(
    kind: string,
    endpoints: readonly string[] | undefined,
    options: { readonly protocol: string; readonly endpointAutoConfirms?: boolean },
  ): void {
    if (endpoints !== undefined && Token.isUnresolved(endpoints)) {
      const each = TerraformIterator.fromList(endpoints as string[]);
      new SnsTopicSubscription(this, `${kind}Each`, {
        forEach: each,
        topicArn: this.topicArn,
        endpoint: each.value,
        ...options,
      });
      return;
    }
    (endpoints ?? []).forEach((endpoint, index) => {
      new SnsTopicSubscription(this, subscriptionId(kind, endpoint, index), {
        topicArn: this.topicArn,
        endpoint,
        ...options,
      });
    });
  }

  private encryptedTopic(
    id: string,
    policyId: string,
    name: string,
    account: string,
    tags: Record<string, string> | undefined,
  ): SnsTopic {
    const topic = new SnsTopic(this, id, { name, kmsMasterKeyId: this.kmsKeyArn, tags });
    new SnsTopicPolicy(this, policyId, {
      arn: topic.arn,
      policy: renderResourcePolicy({ statements: topicPolicy(topic.arn, account) }),
    });
    return topic;
  }

  private validateProps(props: FailureTopicProps): void {
    validateField(this, "name", props.name, (name) => {
      if (!TOPIC_NAME.test(name)) {
        throw new Error(
          `topic name '${name}' is not valid: it must have 1-256 characters, only letters, digits, '-' and '_'`,
        );
      }
      const longest = props.slack ? `${name}-chat` : props.kmsKeyArn ? name : `alias/${name}`;
      if (longest.length > 256) {
        throw new Error(`'${name}' is too long: '${longest}' must have at most 256 characters`);
      }
      if (props.slack) {
        if (name.length > CHATBOT_NAME_MAX) {
          throw new Error(
            `'${name}' names the Chatbot configuration too, which allows at most ${CHATBOT_NAME_MAX} characters`,
          );
        }
        validateIamRoleName(IamScope.of(this).name(`${name}-chatbot`));
      }
    });
    checkEndpoints(this, "emailAddresses", props.emailAddresses, (address) => {
      if (!EMAIL_ADDRESS.test(address)) {
        throw new Error(`'${address}' is not an e-mail address like 'batch-alerts@example.com'`);
      }
    });
    checkEndpoints(this, "httpsEndpoints", props.httpsEndpoints, (url) => {
      if (!url.startsWith("https://")) {
        throw new Error(
          `'${url}' must start with https://: SNS would otherwise send failure notices unencrypted`,
        );
      }
      if (!URL.canParse(url) || new URL(url).hostname === "" || /\s/.test(url)) {
        throw new Error(`'${url}' is not a URL like 'https://hooks.example.com/batch'`);
      }
    });
    validateField(this, "slack.workspaceId", props.slack?.workspaceId, (workspace) => {
      if (!SLACK_WORKSPACE_ID.test(workspace)) {
        throw new Error(
          `'${workspace}' is not a Slack workspace ID: it starts with T, e.g. 'T0123456789' (shown in the AWS Chatbot console once the workspace is authorised)`,
        );
      }
    });
    validateField(this, "slack.channelId", props.slack?.channelId, (channel) => {
      if (!SLACK_CHANNEL_ID.test(channel)) {
        throw new Error(
          `'${channel}' is not a Slack channel ID: it starts with C (or G for old private channels), e.g. 'C0123456789' (the end of the channel's link), not the channel's name`,
        );
      }
    });
    validateField(this, "kmsKeyArn", props.kmsKeyArn, (arn) => {
      if (!KMS_KEY_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID): publishers are granted the key by its ARN, not by an alias`,
        );
      }
    });
  }
}

/**
 * What AWS Chatbot reads to render an alarm in the channel: the alarm and its history (alarms of
 * the account and region: any alarm may post to the channel) and the metric graph, whose reads
 * have no resource-level permissions.
 */
export function chatReadStatements(
  partition: string,
  region: string,
  account: string,
): PolicyStatement[] {
  return [
    {
      sid: "ReadAlarmsToRenderThem",
      actions: ["cloudwatch:DescribeAlarms", "cloudwatch:DescribeAlarmHistory"],
      resources: [`arn:${partition}:cloudwatch:${region}:${account}:alarm:*`],
    },
    {
      sid: "DrawAlarmGraphs",
      actions: [
        "cloudwatch:GetMetricData",
        "cloudwatch:GetMetricStatistics",
        "cloudwatch:GetMetricWidgetImage",
        "cloudwatch:ListMetrics",
      ],
      resources: ["*"],
    },
  ];
}

/** What a topic's KMS key may be used for, and by whom. */
interface TopicKeyScope {
  readonly account: string;
  readonly partition: string;
  /** ARNs (with wildcards) of the topics the key encrypts. */
  readonly topicArnPatterns: readonly string[];
}

/**
 * The key policy of the topics' key. A customer managed key is required: the key policy of the
 * AWS managed `alias/aws/sns` key cannot be changed, so EventBridge and CloudWatch alarms could
 * never publish to a topic encrypted with it.
 */
function topicKeyPolicy(scope: TopicKeyScope): ResourcePolicyStatement[] {
  // SNS calls KMS with the topic's ARN as encryption context: the services may use the key for
  // these topics' messages and nothing else. An encryption context value is a string, not an
  // ARN, so it is compared with a string operator: an ARN operator on a string key does not match,
  // and then no failure notice could be encrypted.
  const onlyForTheseTopics = {
    StringLike: { "kms:EncryptionContext:aws:sns:topicArn": [...scope.topicArnPatterns] },
  };
  const encrypt = ["kms:GenerateDataKey*", "kms:Decrypt"];
  return [
    {
      // Roles (Step Functions, people) get the key through their own IAM policies.
      sid: "EnableIamPoliciesOfThisAccount",
      principal: { aws: `arn:${scope.partition}:iam::${scope.account}:root` },
      actions: ["kms:*"],
      resources: ["*"],
    },
    {
      // No aws:SourceAccount here: SNS documents that aws:SourceAccount and aws:SourceArn in a
      // key policy are not supported for EventBridge-to-encrypted-topic delivery, which then
      // fails. The topic policy checks the source account instead.
      sid: "LetEventBridgeRulesPublish",
      principal: { service: "events.amazonaws.com" },
      actions: encrypt,
      resources: ["*"],
      conditions: onlyForTheseTopics,
    },
    {
      sid: "LetCloudWatchAlarmsPublish",
      principal: { service: "cloudwatch.amazonaws.com" },
      actions: encrypt,
      resources: ["*"],
      conditions: {
        StringEquals: { "aws:SourceAccount": scope.account },
        ...onlyForTheseTopics,
      },
    },
  ];
}

/** A topic's policy: this account's rules and alarms may publish; nobody may without TLS. */
function topicPolicy(topicArn: string, account: string): ResourcePolicyStatement[] {
  return [
    {
      sid: "LetRulesAndAlarmsOfThisAccountPublish",
      principal: { service: PUBLISHING_SERVICES },
      actions: ["sns:Publish"],
      resources: [topicArn],
      conditions: { StringEquals: { "aws:SourceAccount": account } },
    },
    {
      sid: "DenyPublishWithoutTls",
      effect: "Deny",
      principal: "*",
      actions: ["sns:Publish"],
      resources: [topicArn],
      conditions: { Bool: { "aws:SecureTransport": "false" } },
    },
  ];
}

/**
 * A subscription's construct id, from its endpoint rather than its place in the list, so removing
 * one address does not replace (and make people confirm again) every subscription after it. An
 * endpoint known only at apply time has no stable text, so it is named by its place.
 */
function subscriptionId(kind: string, endpoint: string, index: number): string {
  return isUnresolved(endpoint) ? `${kind}${index}` : `${kind}:${endpoint}`;
}

/** Checks each endpoint of a list, and that none is listed twice. */
function checkEndpoints(
  scope: Construct,
  field: string,
  endpoints: readonly string[] | undefined,
  check: (endpoint: string) => void,
): void {
  if (endpoints === undefined || Token.isUnresolved(endpoints)) {
    return;
  }
  endpoints.forEach((endpoint) => validateField(scope, field, endpoint, check));
  const twice = endpoints.find((e, i) => !isUnresolved(e) && endpoints.indexOf(e) !== i);
  if (twice !== undefined) {
    invalid(scope, field, `'${twice}' is listed twice: SNS subscribes an endpoint once`);
  }
}
