import { block, expr } from "../../../modules/job-workflow/jsonata";
import { jobVariables } from "../../../modules/job-workflow/state-names";
import {
  chatMessage,
  messageBindings,
  RerunAdvice,
  textMessage,
} from "../../../modules/job-workflow/workflow-messages";
import { CONTEXT, evaluate, jsonataOf, NIGHTLY } from "./workflow-fixtures";

// load (index 1) runs beside report, after extract; it is safe to re-run and times out at 1800 s.
const LOAD = NIGHTLY.jobs[1];
const vars = jobVariables(1);
const AFTER_EXTRACT_BESIDE_REPORT: RerunAdvice = {
  earlierJobs: ["extract"],
  sameStageJobs: ["report"],
};

/** A message as the Notify state computes it: the failure's facts, then the message. */
const messageExpression = (message: string) =>
  expr(block([...messageBindings(LOAD, vars), message]));

describe("textMessage", () => {
  const message = jsonataOf(
    messageExpression(textMessage("nightly", "load", true, AFTER_EXTRACT_BESIDE_REPORT)),
  );

  it("tells the workflow, the job, the cause, the task, the execution and the attempts", () => {
    for (const part of [
      '"Workflow nightly: job load failed."',
      "'Cause: the job ' & $what",
      "'Task: ' & ($exists($f.taskArn)",
      "'Execution: ' & $execution",
      "'Attempts: ' & $string($attempts)",
      '"Safe to re-run: yes"',
      "exited with code ",
      "failed to start: ",
      "could not be started: ",
      "timed out after 1800 s and was stopped",
    ]) {
      expect(message).toContain(part);
    }
  });

  it("tells how to re-run the job and the jobs after it", () => {
    for (const part of [
      '"To re-run this job and the jobs after it:", "Start a new execution with the input {\\"skipJobs\\": [\\"extract\\"]}, adding the jobs of report that succeeded."',
      "'  aws stepfunctions start-execution --state-machine-arn ' & $states.context.StateMachine.Id",
      "is not verified to re-run a job after its Fail state.",
    ]) {
      expect(message).toContain(part);
    }
  });

  it("warns when the job is not safe to re-run", () => {
    const first: RerunAdvice = { earlierJobs: [], sameStageJobs: [] };
    const message = textMessage("nightly", "extract", false, first);
    expect(message).toContain(
      '"Safe to re-run: no: check what the job already did before running it again"',
    );
    expect(message).toContain("no other job ran before this one, so none needs skipping.");
  });

  it.each<[string, RerunAdvice, string]>([
    [
      "no other job ran",
      { earlierJobs: [], sameStageJobs: [] },
      "Start a new execution: no other job ran before this one, so none needs skipping.",
    ],
    [
      "only jobs of its own stage ran",
      { earlierJobs: [], sameStageJobs: ["report"] },
      'Start a new execution with the input {"skipJobs": [...]}, listing the jobs of report that succeeded.',
    ],
    [
      "only jobs of earlier stages ran",
      { earlierJobs: ["extract"], sameStageJobs: [] },
      'Start a new execution that skips the jobs that succeeded, with the input {"skipJobs": ["extract"]}.',
    ],
    [
      "jobs of earlier stages and of its own ran",
      AFTER_EXTRACT_BESIDE_REPORT,
      'Start a new execution with the input {"skipJobs": ["extract"]}, adding the jobs of report that succeeded.',
    ],
  ])("advises, when %s, which jobs to skip", (_, advice, text) => {
    expect(textMessage("nightly", "load", true, advice)).toContain(JSON.stringify(text));
  });

  it("reads, evaluated, as a person gets it", async () => {
    const text = await evaluate(
      messageExpression(textMessage("nightly", "load", true, AFTER_EXTRACT_BESIDE_REPORT)),
      {
        states: {
          context: { ...CONTEXT, StateMachine: { Id: "arn:aws:states:r:1:stateMachine:nightly" } },
        },
        failure_1: { kind: "exit", exitCode: 3, taskArn: "arn:aws:ecs:r:1:task/batch/0123" },
        startRetries_1: 0,
        exitRetries_1: 2,
      },
    );
    expect(text).toBe(
      [
        "Workflow nightly: job load failed.",
        "",
        "Cause: the job exited with code 3.",
        "Task: arn:aws:ecs:r:1:task/batch/0123",
        "Execution: arn:aws:states:r:1:execution:nightly:run-1",
        "Attempts: 3",
        "Safe to re-run: yes",
        "",
        "To re-run this job and the jobs after it:",
        'Start a new execution with the input {"skipJobs": ["extract"]}, adding the jobs of report that succeeded.',
        "  aws stepfunctions start-execution --state-machine-arn arn:aws:states:r:1:stateMachine:nightly --input ...",
        "(Step Functions redrive, aws stepfunctions redrive-execution --execution-arn arn:aws:states:r:1:execution:nightly:run-1, is not verified to re-run a job after its Fail state.)",
      ].join("\n"),
    );
  });
});

describe("chatMessage", () => {
  const chat = chatMessage("nightly", "load", true, AFTER_EXTRACT_BESIDE_REPORT);

  it("is an AWS Chatbot custom notification in client markdown", () => {
    const message = jsonataOf(messageExpression(chat));
    expect(message).toMatch(/; \$string\(\{ 'version': '1\.0', 'source': 'custom', 'content': \{/);
    for (const part of [
      "'textType': 'client-markdown'",
      `'title': ":x: nightly: job load failed"`,
      "'description': $join(['*Cause:* the job ' & $what",
      '\'nextSteps\': ["Re-run this job and the jobs after it: Start a new execution with the input `{\\"skipJobs\\": [\\"extract\\"]}`, adding the jobs of report that succeeded.", \'State machine: \' & $states.context.StateMachine.Id]',
    ]) {
      expect(message).toContain(part);
    }
  });

  it("warns when the job is not safe to re-run", () => {
    expect(chatMessage("nightly", "extract", false, AFTER_EXTRACT_BESIDE_REPORT)).toContain(
      '"*Safe to re-run:* no, check what the job already did first"',
    );
  });

  it("evaluates to the JSON text Chatbot reads", async () => {
    const text = await evaluate(messageExpression(chat), {
      states: {
        context: { ...CONTEXT, StateMachine: { Id: "arn:aws:states:r:1:stateMachine:nightly" } },
      },
      failure_1: { error: "States.Timeout", kind: "timeout" },
      startRetries_1: 1,
      exitRetries_1: 0,
    });
    expect(JSON.parse(text as string)).toEqual({
      version: "1.0",
      source: "custom",
      content: {
        textType: "client-markdown",
        title: ":x: nightly: job load failed",
        description: [
          "*Cause:* the job timed out after 1800 s and was stopped",
          "*Task:* none was started",
          "*Execution:* arn:aws:states:r:1:execution:nightly:run-1",
          "*Attempts:* 2",
          "*Safe to re-run:* yes",
        ].join("\n"),
        nextSteps: [
          'Re-run this job and the jobs after it: Start a new execution with the input `{"skipJobs": ["extract"]}`, adding the jobs of report that succeeded.',
          "State machine: arn:aws:states:r:1:stateMachine:nightly",
        ],
      },
    });
  });
});
