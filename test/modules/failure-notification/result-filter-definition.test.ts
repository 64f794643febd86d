import {
  FailureDelivery,
  JOB_CONTAINER_FAILED,
  resultFilterDefinition,
  resultFilterInputTemplate,
} from "../../../modules/failure-notification";
import { taskStopped } from "./fixtures";

const TEXT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures";
const CHAT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:dev-batch-failures-chat";
const DELIVERIES: FailureDelivery[] = [
  { topicArn: TEXT_TOPIC, format: "text" },
  { topicArn: CHAT_TOPIC, format: "chatbot" },
];

interface State {
  Type: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: { Condition: string; Next: string }[];
  Assign?: Record<string, string>;
  Resource?: string;
  Arguments?: Record<string, string>;
  Retry?: unknown[];
}

function definition(deliveries: readonly FailureDelivery[] = DELIVERIES): {
  QueryLanguage: string;
  StartAt: string;
  States: Record<string, State>;
} {
  return JSON.parse(resultFilterDefinition("example-batch", deliveries));
}

describe("resultFilterInputTemplate", () => {
  const input = {
    job: "example-batch",
    environment: "dev",
    container: "example-batch",
    logGroupName: "/ecs-scheduled-tasks/example",
    logStreamPrefix: "batch",
    region: "ap-northeast-1",
  };

  it("passes the job's names, where its logs are, and the whole event", () => {
    const template = resultFilterInputTemplate(input);
    expect(template.endsWith(',"event":<aws.events.event.json>}')).toBe(true);
    const event = taskStopped([{ name: "example-batch", exitCode: 1 }]);
    const received = JSON.parse(template.replace("<aws.events.event.json>", JSON.stringify(event)));
    expect(received).toEqual({ ...input, event });
  });

  it("leaves the environment out when there is none", () => {
    const template = resultFilterInputTemplate({ ...input, environment: undefined });
    const received = JSON.parse(template.replace("<aws.events.event.json>", "{}"));
    expect(received).not.toHaveProperty("environment");
  });
});

describe("resultFilterDefinition", () => {
  const { QueryLanguage, StartAt, States } = definition();

  it("is written in JSONata and starts by reading the job container's result", () => {
    expect(QueryLanguage).toBe("JSONata");
    expect(StartAt).toBe("JobContainerFailed");
    expect(Object.keys(States)).toEqual([
      "JobContainerFailed",
      "JobSucceeded",
      "DescribeFailure",
      "NotifyPeople",
      "NotifyChat",
    ]);
  });

  it("finds the job's container by name and fails it without exit code or with a non-zero one", () => {
    expect(States.JobContainerFailed).toEqual({
      Type: "Choice",
      Choices: [{ Condition: `{% ${JOB_CONTAINER_FAILED} %}`, Next: "DescribeFailure" }],
      Default: "JobSucceeded",
    });
    expect(JOB_CONTAINER_FAILED).toBe(
      "($jobContainer := $states.input.event.detail.containers[name = $states.input.container]; " +
        "$not($exists($jobContainer.exitCode)) or $jobContainer.exitCode != 0)",
    );
    expect(States.JobSucceeded).toEqual({ Type: "Succeed" });
  });

  it("describes the failure once, in both formats, with the run's own log stream", () => {
    const describe = States.DescribeFailure;
    expect(describe.Type).toBe("Pass");
    expect(describe.Next).toBe("NotifyPeople");
    const notice = describe.Assign!.notice;
    expect(notice).toMatch(/^\{% \(.*\) %\}$/);
    for (const part of [
      "$detail.containers[name = $input.container]",
      '$split($detail.taskArn, "/")[-1]',
      '$input.logStreamPrefix & "/" & $input.container & "/" & $taskId',
      '"Batch job " & $input.job & " failed"',
      '"Exit code: " & $exitCode & "  Stop code: " & $detail.stopCode',
      '"Task: " & $detail.taskArn',
      '"Logs: " & $logs',
      '"textType": "client-markdown"',
      '"title": ":x: Batch job " & $input.job & " failed"',
    ]) {
      expect(notice).toContain(part);
    }
  });

  it("publishes to every topic in its format, with retries", () => {
    expect(States.NotifyPeople).toEqual({
      Type: "Task",
      Resource: "arn:aws:states:::sns:publish",
      Arguments: { TopicArn: TEXT_TOPIC, Message: "{% $notice.text %}" },
      Retry: [{ ErrorEquals: ["States.ALL"], IntervalSeconds: 2, MaxAttempts: 5, BackoffRate: 2 }],
      Next: "NotifyChat",
    });
    expect(States.NotifyChat).toMatchObject({
      Type: "Task",
      Arguments: { TopicArn: CHAT_TOPIC, Message: "{% $notice.chatbot %}" },
      End: true,
    });
  });

  it("ends with the only topic when there is one", () => {
    const { States: single } = definition([{ topicArn: TEXT_TOPIC, format: "text" }]);
    expect(single.NotifyPeople).toMatchObject({ End: true });
    expect(single.NotifyPeople).not.toHaveProperty("Next");
  });

  it("contains nothing Terraform would read as an interpolation or a directive", () => {
    const text = resultFilterDefinition("example-batch", DELIVERIES);
    expect(text).not.toContain("${");
    expect(text).not.toContain("%{");
  });

  it("numbers the states of topics of the same format", () => {
    const { States: twice } = definition([...DELIVERIES, { topicArn: TEXT_TOPIC, format: "text" }]);
    expect(Object.keys(twice).slice(3)).toEqual(["NotifyPeople", "NotifyChat", "NotifyPeople3"]);
    expect(twice.NotifyChat.Next).toBe("NotifyPeople3");
  });

  it("refuses to notify nobody", () => {
    expect(() => resultFilterDefinition("example-batch", [])).toThrow(
      "the result filter needs at least one topic to notify",
    );
  });
});
