import { EMAIL_ADDRESS, FailureTopic } from "../../modules/failure-notification/failure-topic";
import { TerraformModule, VariableValidation } from "./terraform-module";
import { eachMatches, matches } from "./validations";

/** Role names have at most 64 characters, and the notice filter's role is
 * `<name>-notices-filter`. */
const TOPIC_NAME_MAX = 64 - "-notices-filter".length;

/** SNS subscribes an endpoint once, and the subscriptions are keyed by endpoint. */
function distinct(name: string): VariableValidation {
  return {
    condition: `length(distinct(var.${name})) == length(var.${name})`,
    errorMessage: `The ${name} must not list an endpoint twice: SNS subscribes an endpoint once.`,
  };
}

/** `FailureTopic` as a module: where failure notices of batch jobs go. */
export const failureNotificationModule: TerraformModule = {
  name: "failure-notification",
  summary:
    "An SNS topic for failure notices of batch jobs, encrypted with a customer managed KMS key (rotation on) that EventBridge rules and CloudWatch alarms of this account may use, refusing publishers without TLS, with e-mail and HTTPS subscriptions; and the notice filter that the job-failure-alerts module sends each job's stopped tasks to: it decides by the job's own container and sends one notice per failed task (Step Functions: an Express filter, a Standard sender named after the task, their roles, log groups and alarms).",
  notOffered: [
    "Slack through AWS Chatbot: it adds a second topic, a role and a channel configuration. Use the cdktf `FailureTopic` with `slack`.",
    "An existing KMS key: the module always makes the topic's key, whose policy lets EventBridge and CloudWatch alarms publish.",
    "Tags: set them with the provider's `default_tags`.",
  ],
  variables: [
    {
      name: "name",
      type: "string",
      description: `Name of the topic and of its key alias (\`alias/<name>\`), e.g. prod-batch-failures. 1-${TOPIC_NAME_MAX} letters, digits, '-' and '_'.`,
      validation: [
        matches(
          "name",
          `^[A-Za-z0-9_-]{1,${TOPIC_NAME_MAX}}$`,
          `The name must have 1-${TOPIC_NAME_MAX} letters, digits, '-' and '_': it names the topic, its key alias and the notice filter's roles, such as <name>-notices-filter, which may have at most 64 characters.`,
        ),
      ],
      example: '"prod-batch-failures"',
    },
    {
      name: "email_addresses",
      type: "list(string)",
      description: "Each address gets an e-mail to confirm, then every failure notice.",
      default: [],
      validation: [
        eachMatches(
          "email_addresses",
          EMAIL_ADDRESS.source,
          "The email_addresses must be e-mail addresses like batch-alerts@example.com.",
        ),
        distinct("email_addresses"),
      ],
      example: '["batch-alerts@example.com"]',
    },
    {
      name: "https_endpoints",
      type: "list(string)",
      description: "https:// URLs subscribed to the topic; each must confirm its subscription.",
      default: [],
      validation: [
        eachMatches(
          "https_endpoints",
          "^https://[^\\s/?#]+([/?#]\\S*)?$",
          "The https_endpoints must be URLs that start with https:// (SNS would otherwise send failure notices unencrypted), like https://hooks.example.com/batch.",
        ),
        distinct("https_endpoints"),
      ],
    },
  ],
  outputs: [
    {
      name: "topic_arn",
      description: "ARN of the topic: the target of failure rules and the action of alarms.",
    },
    { name: "topic_name", description: "Name of the topic." },
    {
      name: "kms_key_arn",
      description:
        "ARN of the key that encrypts the topic: publishers need kms:GenerateDataKey* and kms:Decrypt on it.",
    },
    {
      name: "notice_filter_arn",
      description:
        "ARN of the notice filter (a state machine): notice_filter_arn of each job-failure-alerts module.",
    },
    {
      name: "notice_filter_role_arn",
      description:
        "ARN of the role EventBridge assumes to start the notice filter: notice_filter_role_arn of each job-failure-alerts module.",
    },
  ],
  build: (scope, inputs) => {
    const topic = new FailureTopic(scope, "Topic", {
      name: inputs.string("name"),
      emailAddresses: inputs.list("email_addresses"),
      httpsEndpoints: inputs.list("https_endpoints"),
    });
    const filter = topic.noticeFilter();
    return {
      topic_arn: topic.topicArn,
      topic_name: topic.topic.name,
      kms_key_arn: topic.kmsKeyArn,
      notice_filter_arn: filter.stateMachineArn,
      notice_filter_role_arn: filter.eventsRoleArn,
    };
  },
};
