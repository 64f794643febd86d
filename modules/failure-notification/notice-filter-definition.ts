import { FailureDelivery } from "./failure-destination";
import { JOB_FAILED, TASK_NOTICE } from "./task-notice";

/*
 * The two state machines of a FailureNoticeFilter, in the Amazon States Language (JSONata).
 */

/** State names of the filter, for tests and for people reading an execution. */
export const NOTICE_FILTER_STATES = {
  decide: "Did the job fail?",
  notAFailure: "Not a failure",
  describe: "Write the notice",
  send: "Send it once",
  duplicate: "Already sent?",
  alreadySent: "Already sent for this task",
  notSent: "Could not send",
} as const;

/**
 * The filter (Express): decides by the job's container, writes the notice, and starts the sender
 * with the task's id as the execution's name. A second start of that name (ECS delivered the
 * STOPPED event twice) fails with ExecutionAlreadyExists, which ends the filter quietly: the
 * notice was sent. Any other error is retried, then fails the execution (an alarm watches).
 */
export function noticeFilterDefinition(senderArn: string): string {
  const s = NOTICE_FILTER_STATES;
  return JSON.stringify({
    Comment:
      "Reads a stopped task of a batch job: when the job's own container has no exit code or a non-zero one, sends one notice per task",
    QueryLanguage: "JSONata",
    StartAt: s.decide,
    States: {
      [s.decide]: {
        Type: "Choice",
        Choices: [{ Condition: `{% ${JOB_FAILED} %}`, Next: s.describe }],
        Default: s.notAFailure,
      },
      [s.notAFailure]: { Type: "Succeed" },
      [s.describe]: { Type: "Pass", Output: `{% ${TASK_NOTICE} %}`, Next: s.send },
      [s.send]: {
        Type: "Task",
        Resource: "arn:aws:states:::states:startExecution",
        Arguments: {
          StateMachineArn: senderArn,
          Name: "{% $states.input.name %}",
          Input: "{% $states.input %}",
        },
        Retry: [
          // A duplicate is final: not retried. (The name Step Functions gives this error in the
          // startExecution integration is not documented; the Catch below reads any error whose
          // name says ExecutionAlreadyExists, so another name only costs three retries.)
          { ErrorEquals: ["StepFunctions.ExecutionAlreadyExistsException"], MaxAttempts: 0 },
          { ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 },
        ],
        Catch: [{ ErrorEquals: ["States.ALL"], Next: s.duplicate }],
        End: true,
      },
      [s.duplicate]: {
        Type: "Choice",
        Choices: [
          {
            Condition: '{% $contains($states.input.Error, "ExecutionAlreadyExists") %}',
            Next: s.alreadySent,
          },
        ],
        Default: s.notSent,
      },
      [s.alreadySent]: { Type: "Succeed" },
      [s.notSent]: {
        Type: "Fail",
        Error: "Notice.NotSent",
        Cause: "{% $states.input.Error & ': ' & $states.input.Cause %}",
      },
    },
  });
}

/** Names of the states that publish to each delivery, in order: by format, numbered if repeated. */
function notifyStateNames(deliveries: readonly FailureDelivery[]): string[] {
  return deliveries.map((delivery, index) => {
    const name = delivery.format === "text" ? "Notify people" : "Notify chat";
    const repeated = deliveries.slice(0, index).some((d) => d.format === delivery.format);
    return repeated ? `${name} ${index + 1}` : name;
  });
}

/**
 * The sender (Standard): publishes the notice, `{ subject, text, chatbot }`, to every topic in its
 * format: text with the subject for e-mail, the Chatbot custom notification for chat.
 */
export function noticeSenderDefinition(deliveries: readonly FailureDelivery[]): string {
  if (deliveries.length === 0) {
    throw new Error("the notice sender needs at least one topic to notify");
  }
  const names = notifyStateNames(deliveries);
  const states: Record<string, unknown> = {};
  deliveries.forEach((delivery, index) => {
    const next = names[index + 1];
    states[names[index]] = {
      Type: "Task",
      Resource: "arn:aws:states:::sns:publish",
      Arguments: {
        TopicArn: delivery.topicArn,
        Message: `{% $states.context.Execution.Input.${delivery.format} %}`,
        ...(delivery.format === "text"
          ? { Subject: "{% $states.context.Execution.Input.subject %}" }
          : {}),
      },
      Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
      ...(next ? { Next: next } : { End: true }),
    };
  });
  return JSON.stringify({
    Comment:
      "Sends the failure notice of one task of a batch job; the execution is named after the task",
    QueryLanguage: "JSONata",
    StartAt: names[0],
    States: states,
  });
}
