/**
 * What the messages of a topic look like: plain `text` for people (e-mail, HTTPS), or AWS Chatbot
 * custom notifications (`chatbot`, JSON), because Chatbot drops messages it cannot read.
 */
export type NotificationFormat = "text" | "chatbot";

/** A topic that failure notices are published to, and the message format it expects. */
export interface FailureDelivery {
  readonly topicArn: string;
  readonly format: NotificationFormat;
}

/** The state machine that reads jobs' stopped tasks and sends their notices (a
 * `FailureNoticeFilter`), as a job's rule targets it. */
export interface NoticeFilterTarget {
  /** ARN of the filter state machine. */
  readonly stateMachineArn: string;
  /** The role EventBridge assumes to start it. */
  readonly eventsRoleArn: string;
}

/**
 * Where failure notices go: every topic with the message format it expects, the key that encrypts
 * them, and the filter that tells of jobs' failed tasks. A `FailureTopic` is one; so is a topic
 * made elsewhere, e.g. by the failure-notification Terraform module.
 */
export interface FailureDestination {
  readonly deliveries: readonly FailureDelivery[];
  /** ARN of the customer managed KMS key that encrypts the topics: state machines that publish
   * (workflows, the notice filter) are granted it.
   * @default the topics are not encrypted with a customer managed key */
  readonly kmsKeyArn?: string;
  /**
   * The notice filter that jobs' rules send their stopped tasks to: a `FailureTopic` makes its
   * own on first use.
   * @default none: jobs cannot report their tasks' failures here, only workflows can
   */
  noticeFilter?(): NoticeFilterTarget;
}
