import {
  FailureDelivery,
  JOB_FAILED,
  NOTICE_FILTER_STATES,
  NoticeJob,
  noticeFilterDefinition,
  noticeFilterInputTemplate,
  noticeSenderDefinition,
  TASK_NOTICE,
} from "../../../modules/failure-notification";
import { runStateMachine, TaskCall, TaskError } from "../../asl/asl-runner";
import { NOTICE_JOB, TASK_ID, taskStopped } from "./fixtures";

const SENDER = "arn:aws:states:ap-northeast-1:123456789012:stateMachine:dev-batch-failures-notices";
const TEXT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures";
const CHAT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures-chat";
const DELIVERIES: FailureDelivery[] = [
  { topicArn: TEXT_TOPIC, format: "text" },
  { topicArn: CHAT_TOPIC, format: "chatbot" },
];
const START_EXECUTION = "arn:aws:states:::states:startExecution";
const PUBLISH = "arn:aws:states:::sns:publish";
const S = NOTICE_FILTER_STATES;

const JOB: NoticeJob = NOTICE_JOB;

interface Definition {
  Comment: string;
  QueryLanguage: string;
  StartAt: string;
  States: Record<string, Record<string, unknown>>;
}

const parse = (text: string) => JSON.parse(text) as Definition;

/** The filter's input for an event: what the job's rule target passes. */
function inputOf(event: unknown): unknown {
  return JSON.parse(
    noticeFilterInputTemplate(JOB).replace("<aws.events.event.json>", JSON.stringify(event)),
  );
}

/** Runs the filter on an event; `startExecution` answers its calls to start the sender. */
async function runFilter(event: unknown, startExecution: (call: TaskCall) => unknown) {
  const calls: TaskCall[] = [];
  const run = await runStateMachine(noticeFilterDefinition(SENDER), inputOf(event), {
    [START_EXECUTION]: (call) => {
      calls.push(call);
      return startExecution(call);
    },
  });
  return { run, calls };
}

const started = () => ({ ExecutionArn: `${SENDER}:${TASK_ID}`, StartDate: "2026-11-23T03:05:00Z" });

describe("noticeFilterDefinition", () => {
  const { QueryLanguage, StartAt, States, Comment } = parse(noticeFilterDefinition(SENDER));

  it("is written in JSONata and starts by deciding whether the job failed", () => {
    expect(QueryLanguage).toBe("JSONata");
    expect(Comment).toMatch(/^Reads a stopped task of a batch job/);
    expect(StartAt).toBe("Did the job fail?");
    expect(Object.keys(States)).toEqual([
      "Did the job fail?",
      "Not a failure",
      "Write the notice",
      "Send it once",
      "Already sent?",
      "Already sent for this task",
      "Could not send",
    ]);
    expect(Object.keys(States)).toEqual(Object.values(S));
  });

  it("decides with JOB_FAILED, and ends quietly when the job did not fail", () => {
    expect(States[S.decide]).toEqual({
      Type: "Choice",
      Choices: [{ Condition: `{% ${JOB_FAILED} %}`, Next: S.describe }],
      Default: S.notAFailure,
    });
    expect(States[S.notAFailure]).toEqual({ Type: "Succeed" });
  });

  it("writes the notice with TASK_NOTICE", () => {
    expect(States[S.describe]).toEqual({
      Type: "Pass",
      Output: `{% ${TASK_NOTICE} %}`,
      Next: S.send,
    });
  });

  it("starts the sender with the notice, named after the task, retrying other errors, not a duplicate, catching all", () => {
    expect(States[S.send]).toEqual({
      Type: "Task",
      Resource: START_EXECUTION,
      Arguments: {
        StateMachineArn: SENDER,
        Name: "{% $states.input.name %}",
        Input: "{% $states.input %}",
      },
      Retry: [
        { ErrorEquals: ["StepFunctions.ExecutionAlreadyExistsException"], MaxAttempts: 0 },
        { ErrorEquals: ["States.ALL"], IntervalSeconds: 1, MaxAttempts: 3, BackoffRate: 2 },
      ],
      Catch: [{ ErrorEquals: ["States.ALL"], Next: S.duplicate }],
      End: true,
    });
  });

  it("ends quietly when the sender has an execution of that name, and fails on any other error", () => {
    expect(States[S.duplicate]).toEqual({
      Type: "Choice",
      Choices: [
        {
          Condition: '{% $contains($states.input.Error, "ExecutionAlreadyExists") %}',
          Next: S.alreadySent,
        },
      ],
      Default: S.notSent,
    });
    expect(States[S.alreadySent]).toEqual({ Type: "Succeed" });
    expect(States[S.notSent]).toEqual({
      Type: "Fail",
      Error: "Notice.NotSent",
      Cause: "{% $states.input.Error & ': ' & $states.input.Cause %}",
    });
  });

  describe("run", () => {
    it("starts one sender execution for a failed run, named after the task, with the notice", async () => {
      const { run, calls } = await runFilter(
        taskStopped([{ name: "example-batch", exitCode: 1 }]),
        started,
      );
      expect(run).toMatchObject({
        status: "SUCCEEDED",
        path: [S.decide, S.describe, S.send],
      });
      expect(calls).toHaveLength(1);
      const { StateMachineArn, Name, Input } = calls[0].arguments as Record<string, never>;
      expect(StateMachineArn).toBe(SENDER);
      expect(Name).toBe(TASK_ID);
      expect(Input).toMatchObject({
        name: TASK_ID,
        subject: "Batch job example-batch failed (environment dev)",
        text: expect.stringMatching(
          /^Batch job example-batch failed \(environment dev\)\.\nExit code: 1\n/,
        ),
        chatbot: expect.stringMatching(/^\{"version":"1.0"/),
      });
    });

    it("starts nothing for a run that did not fail", async () => {
      const { run, calls } = await runFilter(
        taskStopped([
          { name: "example-batch", exitCode: 0 },
          { name: "envoy", exitCode: 137 },
        ]),
        started,
      );
      expect(run).toMatchObject({ status: "SUCCEEDED", path: [S.decide, S.notAFailure] });
      expect(calls).toEqual([]);
    });

    it("succeeds without a second notice when the task was told of already", async () => {
      const { run } = await runFilter(taskStopped([{ name: "example-batch", exitCode: 1 }]), () => {
        throw new TaskError(
          "StepFunctions.ExecutionAlreadyExistsException",
          `Execution Already Exists: '${SENDER}:${TASK_ID}'`,
        );
      });
      expect(run).toMatchObject({
        status: "SUCCEEDED",
        path: [S.decide, S.describe, S.send, S.duplicate, S.alreadySent],
      });
    });

    // Retried, every duplicate STOPPED event would cost 4 StartExecution calls and 7 s.
    it("does not retry a start that the sender refuses as a duplicate", async () => {
      const { calls } = await runFilter(
        taskStopped([{ name: "example-batch", exitCode: 1 }]),
        () => {
          throw new TaskError(
            "StepFunctions.ExecutionAlreadyExistsException",
            `Execution Already Exists: '${SENDER}:${TASK_ID}'`,
          );
        },
      );
      expect(calls).toHaveLength(1);
    });

    it("fails, naming the error, when the sender cannot be started even after retries", async () => {
      const { run, calls } = await runFilter(
        taskStopped([{ name: "example-batch", exitCode: 1 }]),
        () => {
          throw new TaskError("StepFunctions.AccessDeniedException", "not authorized");
        },
      );
      expect(calls).toHaveLength(4);
      expect(run).toEqual({
        status: "FAILED",
        error: "Notice.NotSent",
        cause: "StepFunctions.AccessDeniedException: not authorized",
        path: [S.decide, S.describe, S.send, S.duplicate, S.notSent],
      });
    });
  });
});

describe("noticeSenderDefinition", () => {
  const retry = [
    { ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 },
  ];

  it("publishes the text with its subject to people, and the Chatbot notification to chat", () => {
    expect(parse(noticeSenderDefinition(DELIVERIES))).toEqual({
      Comment:
        "Sends the failure notice of one task of a batch job; the execution is named after the task",
      QueryLanguage: "JSONata",
      StartAt: "Notify people",
      States: {
        "Notify people": {
          Type: "Task",
          Resource: PUBLISH,
          Arguments: {
            TopicArn: TEXT_TOPIC,
            Message: "{% $states.context.Execution.Input.text %}",
            Subject: "{% $states.context.Execution.Input.subject %}",
          },
          Retry: retry,
          Next: "Notify chat",
        },
        "Notify chat": {
          Type: "Task",
          Resource: PUBLISH,
          Arguments: {
            TopicArn: CHAT_TOPIC,
            Message: "{% $states.context.Execution.Input.chatbot %}",
          },
          Retry: retry,
          End: true,
        },
      },
    });
  });

  it("ends with the only topic when there is one", () => {
    const { StartAt, States } = parse(noticeSenderDefinition([DELIVERIES[1]]));
    expect(StartAt).toBe("Notify chat");
    expect(Object.keys(States)).toEqual(["Notify chat"]);
    expect(States["Notify chat"]).toMatchObject({ End: true });
    expect(States["Notify chat"]).not.toHaveProperty("Next");
  });

  it("numbers the states of topics of a format that repeats, by their place", () => {
    const third = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures-ops";
    const fourth = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures-chat-2";
    const { States } = parse(
      noticeSenderDefinition([
        ...DELIVERIES,
        { topicArn: third, format: "text" },
        { topicArn: fourth, format: "chatbot" },
      ]),
    );
    expect(
      Object.entries(States).map(([name, state]) => [
        name,
        (state.Arguments as Record<string, string>).TopicArn,
        state.Next ?? "End",
      ]),
    ).toEqual([
      ["Notify people", TEXT_TOPIC, "Notify chat"],
      ["Notify chat", CHAT_TOPIC, "Notify people 3"],
      ["Notify people 3", third, "Notify chat 4"],
      ["Notify chat 4", fourth, "End"],
    ]);
  });

  it("publishes the notice it is started with, to every topic in its format", async () => {
    const notice = {
      name: TASK_ID,
      subject: "Batch job x failed",
      text: "Batch job x failed.",
      chatbot: "{}",
    };
    const published: Record<string, unknown>[] = [];
    const run = await runStateMachine(
      noticeSenderDefinition(DELIVERIES),
      notice,
      {
        [PUBLISH]: ({ arguments: a }) => {
          published.push(a);
          return { MessageId: `m-${published.length}` };
        },
      },
      { executionName: TASK_ID },
    );
    expect(run.status).toBe("SUCCEEDED");
    expect(published).toEqual([
      { TopicArn: TEXT_TOPIC, Message: "Batch job x failed.", Subject: "Batch job x failed" },
      { TopicArn: CHAT_TOPIC, Message: "{}" },
    ]);
  });

  it("refuses to notify nobody", () => {
    expect(() => noticeSenderDefinition([])).toThrow(
      "the notice sender needs at least one topic to notify",
    );
  });
});

it("neither definition has text Terraform would read as an interpolation or a directive", () => {
  for (const text of [noticeFilterDefinition(SENDER), noticeSenderDefinition(DELIVERIES)]) {
    expect(text).not.toContain("${");
    expect(text).not.toContain("%{");
  }
});
