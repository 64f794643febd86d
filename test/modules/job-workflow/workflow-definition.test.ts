import { Lazy, TerraformVariable } from "cdktf";
import {
  classifyChoice,
  failureExpression,
} from "../../../modules/job-workflow/failure-classification";
import { block, expr } from "../../../modules/job-workflow/jsonata";
import {
  MAX_JOB_NAME_LENGTH,
  WORKFLOW_STATES,
  jobVariables,
  stateNames,
} from "../../../modules/job-workflow/state-names";
import { workflowDefinition } from "../../../modules/job-workflow/workflow-definition";
import {
  chatMessage,
  messageBindings,
  textMessage,
} from "../../../modules/job-workflow/workflow-messages";
import { workflowTimeoutSeconds } from "../../../modules/job-workflow/workflow-timeouts";
import { emptyStack } from "../../synth";
import {
  Asl,
  AslState,
  CHAT_TOPIC,
  CLUSTER,
  CONTEXT,
  NIGHTLY,
  SUBNET,
  TOPIC,
  TOPIC_2,
  allStates,
  branchOf,
  chainOf,
  definitionOf,
  evaluate,
  jsonataOf,
  runOf,
  stoppedTask,
  throughJson,
  workflowJob,
} from "./workflow-fixtures";

describe("workflowDefinition", () => {
  describe("the state machine", () => {
    const asl = definitionOf();

    it("uses JSONata and takes its comment from the description", () => {
      expect(asl.QueryLanguage).toBe("JSONata");
      expect(asl.Comment).toBe("nightly load of the warehouse");
      expect(definitionOf({ description: undefined })).not.toHaveProperty("Comment");
    });

    it("runs the stages in order, then succeeds", () => {
      expect(chainOf(asl)).toEqual([
        "Stage 1: extract",
        "Stage 2: load, report",
        WORKFLOW_STATES.succeeded,
      ]);
      expect(asl.States[WORKFLOW_STATES.succeeded]).toEqual({ Type: "Succeed" });
      expect(Object.keys(asl.States)).toHaveLength(3);
    });

    it("makes each stage a Parallel state with one branch per job, in order, without Catch", () => {
      const stage1 = asl.States["Stage 1: extract"];
      const stage2 = asl.States["Stage 2: load, report"];
      expect(stage1.Type).toBe("Parallel");
      expect(stage2.Type).toBe("Parallel");
      expect(stage1.Branches!.map((b) => b.StartAt)).toEqual(["Skip extract?"]);
      expect(stage2.Branches!.map((b) => b.StartAt)).toEqual(["Skip load?", "Skip report?"]);
      for (const stage of [stage1, stage2]) {
        expect(stage).not.toHaveProperty("Catch");
        expect(stage).not.toHaveProperty("Retry");
      }
    });

    it("times the execution out after the bound of workflowTimeoutSeconds", () => {
      const notified = {
        notificationTopicArns: [TOPIC],
        chatTopicArn: CHAT_TOPIC,
        preventOverlap: true,
      };
      expect(asl.TimeoutSeconds).toBe(workflowTimeoutSeconds(NIGHTLY));
      expect(definitionOf(notified).TimeoutSeconds).toBe(
        workflowTimeoutSeconds({ ...NIGHTLY, ...notified }),
      );
      expect(definitionOf(notified).TimeoutSeconds).toBeGreaterThan(asl.TimeoutSeconds);
    });

    it("names every state uniquely, within 80 characters, branches included", () => {
      const jobs = ["a", "b", "c", "d"].map((n) =>
        workflowJob(`${n}${"x".repeat(MAX_JOB_NAME_LENGTH - 1)}`),
      );
      const asl = definitionOf({
        stages: [jobs.map((j) => j.name)],
        jobs,
        notificationTopicArns: [TOPIC, TOPIC_2],
        chatTopicArn: CHAT_TOPIC,
        preventOverlap: true,
      });
      const names = allStates(asl.States).map(([name]) => name);
      expect(new Set(names).size).toBe(names.length);
      expect(Math.max(...names.map((n) => n.length))).toBe(80);
    });

    it("contains no Terraform template sequences, so Terraform passes it through as it is", () => {
      const text = JSON.stringify(
        workflowDefinition({
          ...NIGHTLY,
          notificationTopicArns: [TOPIC],
          chatTopicArn: CHAT_TOPIC,
          preventOverlap: true,
        }),
      );
      expect(text).not.toContain("%{");
      expect(text).not.toContain("${");
    });
  });

  describe("a job's branch", () => {
    const asl = definitionOf();
    const extract = branchOf(asl, "extract");
    const names = stateNames("extract");

    it("has exactly the job's states, without notifications when no topic is given", () => {
      expect(Object.keys(extract)).toEqual([
        "Skip extract?",
        "extract skipped",
        "Start extract",
        "Run extract",
        "Classify extract failure",
        "Wait to retry extract",
        "extract failed",
      ]);
      expect(allStates(asl.States).some(([, s]) => s.Resource?.includes("sns:publish"))).toBe(
        false,
      );
    });

    it("skips the job when the execution input names it in skipJobs", async () => {
      expect(extract[names.skip]).toEqual({
        Type: "Choice",
        Comment: expect.stringContaining('{"skipJobs": ["extract", ...]}'),
        Choices: [
          {
            Condition:
              '{% $exists($states.context.Execution.Input.skipJobs) and ("extract" in $states.context.Execution.Input.skipJobs) %}',
            Next: "extract skipped",
          },
        ],
        Default: "Start extract",
      });
      expect(extract[names.skipped]).toEqual({
        Type: "Pass",
        Output: { job: "extract", skipped: true },
        End: true,
      });
      const skips = (input: object) =>
        evaluate(extract[names.skip].Choices![0].Condition, {
          states: { context: { Execution: { Input: input } } },
        });
      expect(await skips({})).toBe(false);
      expect(await skips({ skipJobs: ["load"] })).toBe(false);
      expect(await skips({ skipJobs: ["load", "extract"] })).toBe(true);
    });

    it("starts the retry counters of the job at zero, in variables named by the job's index", () => {
      expect(extract[names.start]).toEqual({
        Type: "Pass",
        Assign: { startRetries_0: 0, exitRetries_0: 0 },
        Next: "Run extract",
      });
      expect(branchOf(asl, "report")[stateNames("report").start].Assign).toEqual({
        startRetries_2: 0,
        exitRetries_2: 0,
      });
    });

    describe("the Run state", () => {
      const run = extract[names.run];

      it("runs the task through runTask.sync within the job's timeout, with no Retry", () => {
        expect(run.Type).toBe("Task");
        expect(run.Resource).toBe("arn:aws:states:::ecs:runTask.sync");
        expect(run.TimeoutSeconds).toBe(3600);
        expect(branchOf(asl, "report")[stateNames("report").run].TimeoutSeconds).toBe(600);
        expect(run).not.toHaveProperty("Retry");
        expect(run.End).toBe(true);
      });

      it("catches every error into the Classify state, keeping the classified failure in a variable", () => {
        expect(run.Catch).toEqual([
          {
            ErrorEquals: ["States.ALL"],
            Next: "Classify extract failure",
            Assign: { failure_0: expr(failureExpression("extract")) },
          },
        ]);
      });

      it("runs the task on Fargate in private subnets with the defaults", () => {
        expect(run.Arguments).toEqual({
          LaunchType: "FARGATE",
          Cluster: CLUSTER,
          TaskDefinition: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/extract:3",
          PlatformVersion: "LATEST",
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: [SUBNET],
              AssignPublicIp: "DISABLED",
            },
          },
          PropagateTags: "TASK_DEFINITION",
          EnableECSManagedTags: true,
          StartedBy: "workflow/nightly",
          Overrides: {
            ContainerOverrides: [
              {
                Name: "extract",
                Environment: [
                  { Name: "WORKFLOW_NAME", Value: "nightly" },
                  { Name: "WORKFLOW_EXECUTION_ID", Value: "{% $states.context.Execution.Id %}" },
                  {
                    Name: "JOB_ATTEMPT",
                    Value: "{% $string(1 + $startRetries_0 + $exitRetries_0) %}",
                  },
                ],
              },
            ],
          },
        });
      });

      it("starts the task the way the job's run says", () => {
        const custom = workflowJob("extract", {
          run: {
            ...runOf("extract"),
            placement: {
              clusterArn: CLUSTER,
              subnetIds: [SUBNET],
              securityGroupIds: ["sg-0123456789abcdef0"],
              assignPublicIp: true,
              platformVersion: "1.4.0",
            },
            launch: { taskCount: 1, propagateTags: false, enableEcsManagedTags: false },
            container: { name: "main" },
          },
        });
        const asl = definitionOf({ stages: [["extract"]], jobs: [custom] });
        const run = branchOf(asl, "extract")[names.run];
        const args = run.Arguments!;
        expect(args.PlatformVersion).toBe("1.4.0");
        expect(args.NetworkConfiguration).toEqual({
          AwsvpcConfiguration: {
            Subnets: [SUBNET],
            SecurityGroups: ["sg-0123456789abcdef0"],
            AssignPublicIp: "ENABLED",
          },
        });
        expect(args).not.toHaveProperty("PropagateTags");
        expect(args.EnableECSManagedTags).toBe(false);
        expect(args.Overrides).toMatchObject({ ContainerOverrides: [{ Name: "main" }] });
        // The job's container is the one whose exit code is read.
        expect(run.Catch![0].Assign!.failure_0).toBe(expr(failureExpression("main")));
        expect(jsonataOf(run.Output)).toContain(`$states.result.Containers[Name = "main"]`);
      });

      it("cuts startedBy to ECS's 128 characters", () => {
        const asl = definitionOf({ workflowName: "w".repeat(200) });
        const startedBy = branchOf(asl, "extract")[names.run].Arguments!.StartedBy as string;
        expect(startedBy).toBe(`workflow/${"w".repeat(119)}`);
      });

      it("passes tokens through untouched", () => {
        const cluster = Lazy.stringValue({ produce: () => CLUSTER });
        const workflowName = Lazy.stringValue({ produce: () => "w".repeat(200) });
        const run = runOf("extract");
        const asl = definitionOf({
          workflowName,
          stages: [["extract"]],
          jobs: [
            workflowJob("extract", {
              run: { ...run, placement: { ...run.placement, clusterArn: cluster } },
            }),
          ],
        });
        const args = branchOf(asl, "extract")[names.run].Arguments!;
        expect(args.Cluster).toBe(cluster);
        expect(args.StartedBy).toBe(`workflow/${workflowName}`);
      });

      it("keeps a subnet list looked up at plan time as the list itself, for jsonText to encode", () => {
        const subnetIds = new TerraformVariable(emptyStack(), "subnet_ids", {
          type: "list(string)",
        }).listValue;
        const run = runOf("extract");
        const definition = workflowDefinition({
          ...NIGHTLY,
          stages: [["extract"]],
          jobs: [
            workflowJob("extract", { run: { ...run, placement: { ...run.placement, subnetIds } } }),
          ],
        });
        const args = branchOf(definition as unknown as Asl, "extract")[names.run].Arguments!;
        expect(args.NetworkConfiguration).toEqual({
          AwsvpcConfiguration: { Subnets: subnetIds, AssignPublicIp: "DISABLED" },
        });
      });

      it("outputs a summary of the run: job, task ARN and the job container's exit code", () => {
        expect(jsonataOf(run.Output)).toBe(
          `{ 'job': "extract", 'taskArn': $states.result.TaskArn, 'exitCode': $states.result.Containers[Name = "extract"].ExitCode }`,
        );
      });
    });

    it("classifies a failure by the job's retry budgets, giving up into its Fail state", () => {
      expect(extract[names.classify]).toEqual(
        throughJson(classifyChoice(NIGHTLY.jobs[0], names, jobVariables(0), names.failed)),
      );
      expect(extract[names.classify].Default).toBe("extract failed");
    });

    it("waits the computed delay, then runs the job again", () => {
      expect(extract[names.waitToRetry]).toEqual({
        Type: "Wait",
        Seconds: "{% $retryDelay_0 %}",
        Next: "Run extract",
      });
    });

    it("fails with an error that tells the kind of failure, and a one-line cause", () => {
      const failed = extract[names.failed];
      expect(failed.Type).toBe("Fail");
      expect(failed.Error).toBe(
        "{% $failure_0.kind = 'timeout' ? 'Job.TimedOut' : $failure_0.kind = 'exit' ? 'Job.ExitedNonZero' : 'Job.FailedToStart' %}",
      );
      const cause = jsonataOf(failed.Cause);
      expect(cause).toContain("$f := $failure_0");
      expect(cause).toContain("timed out after 3600 s and was stopped");
      expect(cause).toMatch(/\$replace\("job extract " & \$what, "\\n", ' '\) \)$/);
    });
  });

  describe("given notification topics", () => {
    const asl = definitionOf({ notificationTopicArns: [TOPIC, TOPIC_2], chatTopicArn: CHAT_TOPIC });
    const load = branchOf(asl, "load");
    const names = stateNames("load");
    const notify2 = `${names.notify} (2)`;
    const rerun = { earlierJobs: ["extract"], sameStageJobs: ["report"] };
    const facts = messageBindings(NIGHTLY.jobs[1], jobVariables(1));

    it("publishes to each topic in turn before failing, even when a publish fails", () => {
      expect(Object.keys(load)).toContain(notify2);
      const chain = [names.notify, notify2, names.notifyChat, names.failed];
      for (let i = 0; i < 3; i++) {
        const state = load[chain[i]];
        expect(state.Type).toBe("Task");
        expect(state.Resource).toBe("arn:aws:states:::sns:publish");
        expect(state.TimeoutSeconds).toBe(60);
        expect(state.Next).toBe(chain[i + 1]);
        expect(state.Catch).toEqual([{ ErrorEquals: ["States.ALL"], Next: chain[i + 1] }]);
      }
    });

    it("sends the job's failure there when it gives up", () => {
      const classify = load[names.classify];
      expect(classify.Default).toBe(names.notify);
      expect(classify.Choices!.filter((c) => c.Next === names.notify)).toHaveLength(2);
    });

    it("publishes the plain-text message, with a subject, to the text topics", () => {
      const args = load[names.notify].Arguments!;
      expect(args.TopicArn).toBe(TOPIC);
      expect(load[notify2].Arguments!.TopicArn).toBe(TOPIC_2);
      expect(args.Subject).toBe("[nightly] job load failed");
      expect(args.Message).toBe(
        expr(block([...facts, textMessage("nightly", "load", true, rerun)])),
      );
      expect(load[notify2].Arguments!.Message).toBe(args.Message);
    });

    it("advises the first job to re-run without skipping, and warns it is not safe to re-run", () => {
      const message = jsonataOf(
        branchOf(asl, "extract")[stateNames("extract").notify].Arguments!.Message,
      );
      expect(message).toContain(
        '"Safe to re-run: no: check what the job already did before running it again"',
      );
      expect(message).toContain("no other job ran before this one, so none needs skipping.");
    });

    it("cuts the subject to SNS's limit", () => {
      const asl = definitionOf({ workflowName: "w".repeat(120), notificationTopicArns: [TOPIC] });
      const subject = branchOf(asl, "load")[names.notify].Arguments!.Subject as string;
      expect(subject).toHaveLength(99);
    });

    it("publishes a Chatbot custom notification, without a subject, to the chat topic", () => {
      const args = load[names.notifyChat].Arguments!;
      expect(args.TopicArn).toBe(CHAT_TOPIC);
      expect(args).not.toHaveProperty("Subject");
      expect(args.Message).toBe(
        expr(block([...facts, chatMessage("nightly", "load", true, rerun)])),
      );
    });

    it("publishes only the chat message when only a chat topic is given", () => {
      const asl = definitionOf({ chatTopicArn: CHAT_TOPIC });
      const extract = branchOf(asl, "extract");
      expect(extract).not.toHaveProperty(stateNames("extract").notify);
      expect(extract[stateNames("extract").classify].Default).toBe(
        stateNames("extract").notifyChat,
      );
    });
  });

  describe("given preventOverlap", () => {
    it("is off by default: the first stage starts the machine", () => {
      const asl = definitionOf();
      expect(asl.StartAt).toBe("Stage 1: extract");
      expect(asl.States).not.toHaveProperty(WORKFLOW_STATES.checkForRunningExecution);
      expect(JSON.stringify(asl)).not.toContain("listExecutions");
    });

    describe("when on", () => {
      const asl = definitionOf({ preventOverlap: true });

      it("first counts the other running executions of the state machine", () => {
        expect(asl.StartAt).toBe(WORKFLOW_STATES.checkForRunningExecution);
        expect(asl.States[WORKFLOW_STATES.checkForRunningExecution]).toEqual({
          Type: "Task",
          Resource: "arn:aws:states:::aws-sdk:sfn:listExecutions",
          Arguments: {
            StateMachineArn: "{% $states.context.StateMachine.Id %}",
            StatusFilter: "RUNNING",
            MaxResults: 10,
          },
          TimeoutSeconds: 60,
          Retry: [
            {
              ErrorEquals: ["Sfn.SfnException", "States.TaskFailed"],
              IntervalSeconds: 2,
              MaxAttempts: 3,
              BackoffRate: 2,
            },
          ],
          Output: {
            otherRunningExecutions:
              "{% $count($states.result.Executions[ExecutionArn != $states.context.Execution.Id]) %}",
          },
          Next: WORKFLOW_STATES.previousRunStillRunning,
        });
      });

      it("skips the run when another one is running, and runs the stages otherwise", () => {
        expect(asl.States[WORKFLOW_STATES.previousRunStillRunning]).toEqual({
          Type: "Choice",
          Choices: [
            {
              Condition: "{% $states.input.otherRunningExecutions > 0 %}",
              Next: WORKFLOW_STATES.skippedRun,
            },
          ],
          Default: "Stage 1: extract",
        });
        expect(asl.States[WORKFLOW_STATES.skippedRun]).toEqual({ Type: "Succeed" });
        expect(chainOf(asl)).toEqual([
          WORKFLOW_STATES.checkForRunningExecution,
          WORKFLOW_STATES.previousRunStillRunning,
        ]);
      });

      it("tells the text topics, not the chat topic, about a skipped run", () => {
        const asl = definitionOf({
          preventOverlap: true,
          notificationTopicArns: [TOPIC, TOPIC_2],
          chatTopicArn: CHAT_TOPIC,
        });
        const notice2 = `${WORKFLOW_STATES.notifyRunSkipped} (2)`;
        expect(asl.States[WORKFLOW_STATES.previousRunStillRunning].Choices![0].Next).toBe(
          WORKFLOW_STATES.notifyRunSkipped,
        );
        expect(chainOf(asl, WORKFLOW_STATES.notifyRunSkipped)).toEqual([
          WORKFLOW_STATES.notifyRunSkipped,
          notice2,
          WORKFLOW_STATES.skippedRun,
        ]);
        const notice = asl.States[WORKFLOW_STATES.notifyRunSkipped];
        expect(notice.Resource).toBe("arn:aws:states:::sns:publish");
        expect(notice.Catch).toEqual([{ ErrorEquals: ["States.ALL"], Next: notice2 }]);
        expect(notice.Arguments).toEqual({
          TopicArn: TOPIC,
          Subject: "[nightly] run skipped: previous run still running",
          Message:
            '{% "Workflow nightly: execution " & $states.context.Execution.Id & " did not run its jobs, because an earlier execution is still running." %}',
        });
        expect(asl.States[notice2].Arguments!.TopicArn).toBe(TOPIC_2);
      });
    });
  });

  describe("refuses", () => {
    it("props that validateDefinitionProps refuses, such as a job of 2 tasks a run", () => {
      const run = { ...runOf("load"), launch: { taskCount: 2 } };
      expect(() =>
        workflowDefinition({
          ...NIGHTLY,
          jobs: [NIGHTLY.jobs[0], { ...NIGHTLY.jobs[1], run }, NIGHTLY.jobs[2]],
        }),
      ).toThrow("job 'load': run.launch.taskCount is 2, but a workflow follows one task");
    });

    it("jobs whose state names would clash", () => {
      // "Start skipped" is both the start of job "skipped" and the skip of job "Start".
      expect(() =>
        workflowDefinition({
          ...NIGHTLY,
          stages: [["Start", "skipped"]],
          jobs: [workflowJob("Start"), workflowJob("skipped")],
        }),
      ).toThrow(
        "two states would be named 'Start skipped': state names must be unique in the workflow, so rename one of its jobs",
      );
    });
  });
});

/**
 * Runs a failure of extract through the machine's own states with the `jsonata` package: the
 * Catch of Run, the Classify rule that holds, the Wait, the notices and the Fail state.
 */
describe("the machine's JSONata, evaluated", () => {
  const asl = definitionOf({ notificationTopicArns: [TOPIC], chatTopicArn: CHAT_TOPIC });
  const branch = branchOf(asl, "extract");
  const names = stateNames("extract");

  async function runFails(errorOutput: object, counters = { start: 0, exit: 0 }) {
    const states = { errorOutput, context: CONTEXT };
    const failure = await evaluate(branch[names.run].Catch![0].Assign!.failure_0, { states });
    const bindings = {
      states: { context: CONTEXT },
      startRetries_0: counters.start,
      exitRetries_0: counters.exit,
      failure_0: failure,
    };
    const classify: AslState = branch[names.classify];
    for (const rule of classify.Choices!) {
      if (await evaluate(rule.Condition, bindings)) {
        const assigned: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(rule.Assign ?? {})) {
          assigned[name] = await evaluate(value, bindings);
        }
        const wait = await evaluate(branch[names.waitToRetry].Seconds, {
          ...bindings,
          ...assigned,
        });
        return { next: rule.Next, wait, bindings };
      }
    }
    return { next: classify.Default, wait: undefined, bindings };
  }

  it("notifies and fails with Job.ExitedNonZero when the job's container exited non-zero", async () => {
    const result = await runFails({
      Error: "States.TaskFailed",
      Cause: stoppedTask([
        { Name: "extract", ExitCode: 3 },
        { Name: "log-router", ExitCode: 0 },
      ]),
    });
    expect(result.next).toBe(names.notify);
    expect(await evaluate(branch[names.failed].Error, result.bindings)).toBe("Job.ExitedNonZero");
    expect(await evaluate(branch[names.failed].Cause, result.bindings)).toBe(
      "job extract exited with code 3",
    );
    const message = await evaluate(branch[names.notify].Arguments!.Message, result.bindings);
    expect(message).toContain("Cause: the job exited with code 3.\n");
    expect(message).toContain(
      "aws stepfunctions redrive-execution --execution-arn arn:aws:states:r:1:execution:nightly:run-1",
    );
    const chat = JSON.parse(
      (await evaluate(branch[names.notifyChat].Arguments!.Message, result.bindings)) as string,
    );
    expect(chat).toMatchObject({
      version: "1.0",
      source: "custom",
      content: { textType: "client-markdown", title: ":x: nightly: job extract failed" },
    });
  });

  it("waits the classified delay before a retry of a start failure", async () => {
    const cause = stoppedTask([{ Name: "extract" }], {
      StopCode: "TaskFailedToStart",
      StoppedReason: "CannotPullContainerError: pull access denied",
    });
    const second = await runFails(
      { Error: "States.TaskFailed", Cause: cause },
      { start: 1, exit: 0 },
    );
    expect(second.next).toBe(names.waitToRetry);
    expect(second.wait).toBe(120);

    const last = await runFails(
      { Error: "States.TaskFailed", Cause: cause },
      { start: 3, exit: 0 },
    );
    expect(last.next).toBe(names.notify);
    expect(await evaluate(branch[names.failed].Error, last.bindings)).toBe("Job.FailedToStart");
    expect(await evaluate(branch[names.failed].Cause, last.bindings)).toBe(
      "job extract failed to start: TaskFailedToStart: CannotPullContainerError: pull access denied",
    );
  });

  it("fails with Job.TimedOut on a timeout, without a retry", async () => {
    const result = await runFails({ Error: "States.Timeout", Cause: null });
    expect(result.next).toBe(names.notify);
    expect(await evaluate(branch[names.failed].Error, result.bindings)).toBe("Job.TimedOut");
  });

  it("writes the cause on one line", async () => {
    const cause = stoppedTask([{ Name: "extract" }], {
      StopCode: "TaskFailedToStart",
      StoppedReason: "CannotPullContainerError:\npull access denied",
    });
    const result = await runFails(
      { Error: "States.TaskFailed", Cause: cause },
      { start: 3, exit: 0 },
    );
    expect(await evaluate(branch[names.failed].Cause, result.bindings)).toBe(
      "job extract failed to start: TaskFailedToStart: CannotPullContainerError: pull access denied",
    );
  });
});
