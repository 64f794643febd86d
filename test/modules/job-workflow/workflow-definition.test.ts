import { Lazy } from "cdktf";
import {
  DEFAULT_JOB_TIMEOUT_SECONDS,
  DEFAULT_RETRY_ON_EXIT_CODE,
  DEFAULT_RETRY_ON_START_FAILURE,
  MAX_JOB_NAME_LENGTH,
  RetryOptions,
  WORKFLOW_STATES,
  WorkflowDefinitionProps,
  WorkflowJobRun,
  jobVariables,
  stageStateName,
  stateNames,
  workflowDefinition,
  workflowTimeoutSeconds,
} from "../../../modules/job-workflow/workflow-definition";
import jsonata from "jsonata";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:batch-alerts";
const TOPIC_2 = "arn:aws:sns:ap-northeast-1:123456789012:batch-oncall";
const CHAT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:batch-chatbot";

function job(name: string, overrides: Partial<WorkflowJobRun> = {}): WorkflowJobRun {
  return {
    name,
    clusterArn: CLUSTER,
    taskDefinitionArn: `arn:aws:ecs:ap-northeast-1:123456789012:task-definition/${name}:3`,
    containerName: name,
    subnetIds: ["subnet-0123456789abcdef0"],
    retryOnStartFailure: DEFAULT_RETRY_ON_START_FAILURE,
    retryOnExitCode: DEFAULT_RETRY_ON_EXIT_CODE,
    timeoutSeconds: 3600,
    safeToRerun: false,
    ...overrides,
  };
}

/** extract, then load and report side by side; load may be retried after a non-zero exit. */
const NIGHTLY: WorkflowDefinitionProps = {
  workflowName: "nightly",
  description: "nightly load of the warehouse",
  stages: [["extract"], ["load", "report"]],
  jobs: [
    job("extract"),
    job("load", {
      timeoutSeconds: 1800,
      retryOnExitCode: { attempts: 2, intervalSeconds: 10, backoffRate: 1.5 },
      safeToRerun: true,
    }),
    job("report", { timeoutSeconds: 600 }),
  ],
};

interface ChoiceRule {
  Condition: string;
  Next: string;
  Assign?: Record<string, unknown>;
}
interface Catcher {
  ErrorEquals: string[];
  Next: string;
  Assign?: Record<string, string>;
}
interface Branch {
  StartAt: string;
  States: Record<string, AslState>;
}
interface AslState {
  Type: string;
  Comment?: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Branches?: Branch[];
  Arguments?: Record<string, unknown>;
  Assign?: Record<string, unknown>;
  Output?: unknown;
  Catch?: Catcher[];
  Retry?: unknown[];
  TimeoutSeconds?: number;
  Seconds?: string;
  Error?: string;
  Cause?: string;
}
interface Asl {
  Comment?: string;
  QueryLanguage: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, AslState>;
}

/** The definition as Step Functions gets it: through JSON. */
function definitionOf(props: Partial<WorkflowDefinitionProps> = {}): Asl {
  return JSON.parse(JSON.stringify(workflowDefinition({ ...NIGHTLY, ...props }))) as Asl;
}

/** The top-level states from `start`, following Next, up to a state without one. */
function chainOf(asl: Asl, start = asl.StartAt): string[] {
  const names: string[] = [];
  for (let name: string | undefined = start; name !== undefined;) {
    names.push(name);
    name = asl.States[name].Next;
  }
  return names;
}

/** The states of a job's Parallel branch, found in whichever stage runs it. */
function branchOf(asl: Asl, jobName: string): Record<string, AslState> {
  const branch = Object.values(asl.States)
    .flatMap((state) => state.Branches ?? [])
    .find((b) => b.StartAt === `Skip ${jobName}?`);
  if (!branch) {
    throw new Error(`no branch for job ${jobName}`);
  }
  return branch.States;
}

/** Every state of the machine, branches included, as [name, state]. */
function allStates(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.Branches ?? []).flatMap((b) => allStates(b.States)),
  ]);
}

/** The JSONata inside `{% ... %}`. */
function jsonataOf(value: unknown): string {
  const match = /^\{% ([\s\S]*) %\}$/.exec(value as string);
  if (!match) {
    throw new Error(`not a JSONata expression: ${String(value)}`);
  }
  return match[1];
}

function expectError(props: Partial<WorkflowDefinitionProps>, message: string | RegExp): void {
  expect(() => workflowDefinition({ ...NIGHTLY, ...props })).toThrow(message);
}

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

    it("bounds the execution by every attempt, retry wait and notification of the slowest jobs", () => {
      // extract: 3600 s x (1 + 3 start retries) + waits 60 + 120 + 240
      const extract = 3600 * 4 + 420;
      // load: 1800 s x (1 + 3 + 2) + start waits 420 + exit waits 10 + 15; report is faster
      const load = 1800 * 6 + 420 + 10 + 15;
      expect(asl.TimeoutSeconds).toBe(extract + load);
      expect(workflowTimeoutSeconds(NIGHTLY)).toBe(extract + load);

      // one publish of 60 s per topic and job; the overlap check: 4 calls, waits 2 + 4 + 8
      const notified = { notificationTopicArns: [TOPIC], chatTopicArn: CHAT_TOPIC };
      expect(definitionOf(notified).TimeoutSeconds).toBe(extract + load + 2 * 120);
      expect(definitionOf({ ...notified, preventOverlap: true }).TimeoutSeconds).toBe(
        extract + load + 2 * 120 + 4 * 60 + 14 + 60,
      );
    });

    it("caps the execution timeout at one year", () => {
      const longJob = job("extract", {
        timeoutSeconds: 31536000,
        retryOnExitCode: { attempts: 10, intervalSeconds: 86400, backoffRate: 10 },
        safeToRerun: true,
      });
      const asl = definitionOf({ stages: [["extract"]], jobs: [longJob] });
      expect(asl.TimeoutSeconds).toBe(31536000);
    });

    it("names every state uniquely, within 80 characters, branches included", () => {
      const jobs = ["a", "b", "c", "d"].map((n) =>
        job(`${n}${"x".repeat(MAX_JOB_NAME_LENGTH - 1)}`),
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

  describe("stage names", () => {
    it("list the stage's jobs", () => {
      expect(stageStateName(0, ["extract"])).toBe("Stage 1: extract");
      expect(stageStateName(1, ["load", "report"])).toBe("Stage 2: load, report");
    });

    it("are cut to 80 characters, naming the first jobs and counting the rest", () => {
      const jobs = Array.from({ length: 9 }, (_, i) => `job-with-a-long-name-${i}`);
      const name = stageStateName(11, jobs);
      expect(name).toBe("Stage 12: job-with-a-long-name-0, job-with-a-long-name-1 and 7 more");
      expect(name.length).toBeLessThanOrEqual(80);
    });

    it("fall back to a count when not even one job name fits", () => {
      expect(stageStateName(99, ["x".repeat(70), "y"])).toBe("Stage 100: 2 jobs");
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

    it("skips the job when the execution input names it in skipJobs", () => {
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
      expect(jobVariables(2)).toEqual({
        startRetries: "startRetries_2",
        exitRetries: "exitRetries_2",
        failure: "failure_2",
        retryDelay: "retryDelay_2",
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

      it("catches every error into the Classify state, keeping the failure in a variable", () => {
        expect(run.Catch).toEqual([
          {
            ErrorEquals: ["States.ALL"],
            Next: "Classify extract failure",
            Assign: { failure_0: expect.stringMatching(/^\{% .* %\}$/) },
          },
        ]);
        const failure = jsonataOf(run.Catch![0].Assign!.failure_0);
        for (const part of [
          "$states.errorOutput.Error",
          "'States.Timeout'",
          "$parse($text)",
          '= "extract"]',
          "$task.Containers",
          "$task.containers",
          "ExitCode",
          "exitCode",
          "StopCode",
          "StoppedReason",
        ]) {
          expect(failure).toContain(part);
        }
      });

      it("runs the task on Fargate in private subnets with the defaults", () => {
        expect(run.Arguments).toEqual({
          LaunchType: "FARGATE",
          Cluster: CLUSTER,
          TaskDefinition: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/extract:3",
          PlatformVersion: "LATEST",
          NetworkConfiguration: {
            AwsvpcConfiguration: {
              Subnets: ["subnet-0123456789abcdef0"],
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

      it("passes the job's run options", () => {
        const custom = job("extract", {
          containerName: "main",
          securityGroupIds: ["sg-0123456789abcdef0"],
          assignPublicIp: true,
          platformVersion: "1.4.0",
          propagateTags: false,
          enableEcsManagedTags: false,
        });
        const asl = definitionOf({ stages: [["extract"]], jobs: [custom] });
        const args = branchOf(asl, "extract")[names.run].Arguments!;
        expect(args.PlatformVersion).toBe("1.4.0");
        expect(args.NetworkConfiguration).toEqual({
          AwsvpcConfiguration: {
            Subnets: ["subnet-0123456789abcdef0"],
            SecurityGroups: ["sg-0123456789abcdef0"],
            AssignPublicIp: "ENABLED",
          },
        });
        expect(args).not.toHaveProperty("PropagateTags");
        expect(args.EnableECSManagedTags).toBe(false);
        expect(args.Overrides).toMatchObject({ ContainerOverrides: [{ Name: "main" }] });
      });

      it("cuts startedBy to ECS's 128 characters", () => {
        const asl = definitionOf({ workflowName: "w".repeat(200) });
        const startedBy = branchOf(asl, "extract")[names.run].Arguments!.StartedBy as string;
        expect(startedBy).toBe(`workflow/${"w".repeat(119)}`);
      });

      it("passes tokens through untouched", () => {
        const cluster = Lazy.stringValue({ produce: () => CLUSTER });
        const workflowName = Lazy.stringValue({ produce: () => "w".repeat(200) });
        const asl = definitionOf({
          workflowName,
          stages: [["extract"]],
          jobs: [job("extract", { clusterArn: cluster })],
        });
        const args = branchOf(asl, "extract")[names.run].Arguments!;
        expect(args.Cluster).toBe(cluster);
        expect(args.StartedBy).toBe(`workflow/${workflowName}`);
      });

      it("outputs a summary of the run: job, task ARN and the job container's exit code", () => {
        expect(jsonataOf(run.Output)).toBe(
          `{ 'job': "extract", 'taskArn': $states.result.TaskArn, 'exitCode': $states.result.Containers[Name = "extract"].ExitCode }`,
        );
      });
    });

    describe("the Classify state", () => {
      const classify = extract[names.classify];

      it("gives up on a timeout, retries exit and start failures within their budgets", () => {
        expect(classify.Type).toBe("Choice");
        expect(classify.Choices!.map((c) => [c.Condition, c.Next])).toEqual([
          ["{% $failure_0.kind = 'timeout' %}", "extract failed"],
          ["{% $failure_0.kind = 'exit' and $exitRetries_0 < 0 %}", "Wait to retry extract"],
          ["{% $failure_0.kind = 'exit' %}", "extract failed"],
          ["{% $failure_0.kind = 'start' and $startRetries_0 < 3 %}", "Wait to retry extract"],
        ]);
        expect(classify.Default).toBe("extract failed");
      });

      it("counts the retry and computes its wait: interval x backoffRate ^ retries made", () => {
        const load = branchOf(asl, "load")[stateNames("load").classify];
        expect(load.Choices![1]).toEqual({
          Condition: "{% $failure_1.kind = 'exit' and $exitRetries_1 < 2 %}",
          Assign: {
            exitRetries_1: "{% $exitRetries_1 + 1 %}",
            retryDelay_1: "{% $min([$round(10 * $power(1.5, $exitRetries_1)), 86400]) %}",
          },
          Next: "Wait to retry load",
        });
        expect(load.Choices![3]).toEqual({
          Condition: "{% $failure_1.kind = 'start' and $startRetries_1 < 3 %}",
          Assign: {
            startRetries_1: "{% $startRetries_1 + 1 %}",
            retryDelay_1: "{% $min([$round(60 * $power(2, $startRetries_1)), 86400]) %}",
          },
          Next: "Wait to retry load",
        });
      });
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

    it("publishes a plain-text message with a subject to the text topics", () => {
      const args = load[names.notify].Arguments!;
      expect(args.TopicArn).toBe(TOPIC);
      expect(load[notify2].Arguments!.TopicArn).toBe(TOPIC_2);
      expect(args.Subject).toBe("[nightly] job load failed");
      const message = jsonataOf(args.Message);
      for (const part of [
        '"Workflow nightly: job load failed."',
        "'Cause: the job ' & $what",
        "'Task: ' & ($exists($f.taskArn)",
        "'Execution: ' & $execution",
        "'Attempts: ' & $string($attempts)",
        '"Safe to re-run: yes"',
        '"To re-run this job and the jobs after it:", "Start a new execution with the input {\\"skipJobs\\": [\\"extract\\"]}, adding the jobs of report that succeeded."',
        "'  aws stepfunctions start-execution --state-machine-arn ' & $states.context.StateMachine.Id",
        "is not verified to re-run a job after its Fail state.",
        "exited with code ",
        "failed to start: ",
        "could not be started: ",
        "timed out after 1800 s and was stopped",
      ]) {
        expect(message).toContain(part);
      }
    });

    it("warns in the message when the job is not safe to re-run", () => {
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

    it("publishes a Chatbot custom notification to the chat topic", () => {
      const args = load[names.notifyChat].Arguments!;
      expect(args.TopicArn).toBe(CHAT_TOPIC);
      expect(args).not.toHaveProperty("Subject");
      const message = jsonataOf(args.Message);
      expect(message).toMatch(
        /; \$string\(\{ 'version': '1\.0', 'source': 'custom', 'content': \{/,
      );
      for (const part of [
        "'textType': 'client-markdown'",
        `'title': ":x: nightly: job load failed"`,
        "'description': $join(['*Cause:* the job ' & $what",
        '\'nextSteps\': ["Re-run this job and the jobs after it: Start a new execution with the input `{\\"skipJobs\\": [\\"extract\\"]}`, adding the jobs of report that succeeded.", \'State machine: \' & $states.context.StateMachine.Id]',
      ]) {
        expect(message).toContain(part);
      }
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

  describe("validation", () => {
    const withLoad = (overrides: Partial<WorkflowJobRun>): Partial<WorkflowDefinitionProps> => ({
      jobs: [NIGHTLY.jobs[0], job("load", { safeToRerun: true, ...overrides }), NIGHTLY.jobs[2]],
    });
    const retry = (overrides: Partial<RetryOptions>): RetryOptions => ({
      ...DEFAULT_RETRY_ON_START_FAILURE,
      ...overrides,
    });

    it("exports the documented defaults", () => {
      expect(DEFAULT_RETRY_ON_START_FAILURE).toEqual({
        attempts: 3,
        intervalSeconds: 60,
        backoffRate: 2,
      });
      expect(DEFAULT_RETRY_ON_EXIT_CODE).toEqual({
        attempts: 0,
        intervalSeconds: 300,
        backoffRate: 1,
      });
      expect(DEFAULT_JOB_TIMEOUT_SECONDS).toBe(86400);
    });

    it.each([60, 31536000])("accepts timeoutSeconds %p", (timeoutSeconds) => {
      expect(() =>
        workflowDefinition({ ...NIGHTLY, ...withLoad({ timeoutSeconds }) }),
      ).not.toThrow();
    });

    it.each([59, 31536001, 60.5])("rejects timeoutSeconds %p", (timeoutSeconds) => {
      expectError(
        withLoad({ timeoutSeconds }),
        `job 'load': timeoutSeconds is ${timeoutSeconds}, but it must be a whole number from 60 to 31536000`,
      );
    });

    describe.each(["retryOnStartFailure", "retryOnExitCode"] as const)("%s", (field) => {
      it.each([
        ["attempts", 0],
        ["attempts", 10],
        ["intervalSeconds", 1],
        ["intervalSeconds", 86400],
        ["backoffRate", 1],
        ["backoffRate", 1.5],
        ["backoffRate", 10],
      ] as const)("accepts %s %p", (option, value) => {
        const props = withLoad({ [field]: retry({ [option]: value }) });
        expect(() => workflowDefinition({ ...NIGHTLY, ...props })).not.toThrow();
      });

      it.each([
        ["attempts", 11, "a whole number from 0 to 10"],
        ["attempts", -1, "a whole number from 0 to 10"],
        ["attempts", 1.5, "a whole number from 0 to 10"],
        ["intervalSeconds", 0, "a whole number from 1 to 86400"],
        ["intervalSeconds", 86401, "a whole number from 1 to 86400"],
        ["backoffRate", 0.5, "a number from 1 to 10"],
        ["backoffRate", 11, "a number from 1 to 10"],
      ] as const)("rejects %s %p", (option, value, rule) => {
        expectError(
          withLoad({ [field]: retry({ [option]: value }) }),
          `job 'load': ${field}.${option} is ${value}, but it must be ${rule}`,
        );
      });
    });

    it("rejects a number that is a token: the definition computes with it", () => {
      const timeoutSeconds = Lazy.numberValue({ produce: () => 3600 });
      expectError(
        withLoad({ timeoutSeconds }),
        "job 'load': timeoutSeconds is a reference resolved at apply time, but it must be a number known at synth time",
      );
    });

    it("retries a job after a non-zero exit only when it is marked safe to re-run", () => {
      const retryOnExitCode = { attempts: 2, intervalSeconds: 60, backoffRate: 1 };
      expect(() =>
        workflowDefinition({ ...NIGHTLY, ...withLoad({ retryOnExitCode, safeToRerun: true }) }),
      ).not.toThrow();
      expectError(
        withLoad({ retryOnExitCode, safeToRerun: false }),
        "job 'load': retryOnExitCode.attempts is 2, but the job is not marked safeToRerun: a job that ran and failed may have done part of its work; mark it safeToRerun only if running it again is harmless",
      );
    });

    it(`accepts job names of letters, digits, '-' and '_' up to ${MAX_JOB_NAME_LENGTH} characters`, () => {
      expect(MAX_JOB_NAME_LENGTH).toBe(58);
      const name = `Job_1-${"x".repeat(MAX_JOB_NAME_LENGTH - 6)}`;
      expect(() =>
        workflowDefinition({ ...NIGHTLY, stages: [[name]], jobs: [job(name)] }),
      ).not.toThrow();
    });

    it("rejects job names with other characters or too long", () => {
      expectError(
        { stages: [["load data"]], jobs: [job("load data")] },
        "job name 'load data' is not valid: use 1-58 letters, digits, '-' and '_'",
      );
      const long = "x".repeat(59);
      expectError(
        { stages: [[long]], jobs: [job(long)] },
        `job name '${long}' has 59 characters: at most 58 are allowed, so that state names such as 'Notify <job> failed in chat' fit in 80`,
      );
    });

    it("rejects an invalid container name and an empty subnet list", () => {
      expectError(
        withLoad({ containerName: "my container" }),
        "job 'load': containerName is not valid: container name 'my container' may contain only letters, digits, '-' and '_'",
      );
      expectError(
        withLoad({ subnetIds: [] }),
        "job 'load': subnetIds is empty: give at least one subnet",
      );
    });

    it("rejects a job listed twice in jobs", () => {
      expectError(
        { jobs: [...NIGHTLY.jobs, job("report")] },
        "job 'report' appears twice in jobs: job names must be unique",
      );
    });

    it("rejects stages that name a job not in jobs, name a job twice, or leave a job out", () => {
      expectError(
        { stages: [["extract"], ["load", "reprot"]] },
        "stage 2 names job 'reprot', which is not in jobs",
      );
      expectError(
        {
          stages: [
            ["extract", "load"],
            ["load", "report"],
          ],
        },
        "job 'load' appears in stage 1 and in stage 2: each job must appear once",
      );
      expectError(
        { stages: [["extract"], ["load"]] },
        "job 'report' is in jobs but in no stage, so it would never run",
      );
    });

    it("rejects no stages and an empty stage", () => {
      expectError(
        { stages: [] },
        "the workflow has no stages: give the stages from workflowStages",
      );
      expectError(
        { stages: [["extract"], [], ["load", "report"]] },
        "stage 2 is empty: every stage needs at least one job",
      );
    });

    it("rejects jobs whose state names would clash", () => {
      // "Start skipped" is both the start of job "skipped" and the skip of job "Start".
      expectError(
        { stages: [["Start", "skipped"]], jobs: [job("Start"), job("skipped")] },
        "two states would be named 'Start skipped': state names must be unique in the workflow, so rename one of its jobs",
      );
    });
  });
});

/**
 * Evaluates the machine's JSONata against sample failures with the `jsonata` package, the
 * language Step Functions runs. `$parse` is Step Functions' own function, so the test binds it.
 */
describe("the machine's JSONata, evaluated", () => {
  const asl = definitionOf({ notificationTopicArns: [TOPIC], chatTopicArn: CHAT_TOPIC });
  const branch = branchOf(asl, "extract");
  const names = stateNames("extract");
  const context = { Execution: { Id: "arn:aws:states:r:1:execution:nightly:run-1", Input: {} } };
  const evaluate = (value: unknown, bindings: Record<string, unknown>) =>
    jsonata(jsonataOf(value)).evaluate({}, { parse: JSON.parse, ...bindings });

  /** The stopped task, as runTask.sync puts it in the Cause of States.TaskFailed. */
  const stoppedTask = (containers: object[], extra: object = {}) =>
    JSON.stringify({
      TaskArn: "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/0123456789abcdef",
      LastStatus: "STOPPED",
      StopCode: "EssentialContainerExited",
      StoppedReason: "Essential container in task exited",
      Containers: containers,
      ...extra,
    });

  /** Classifies an error output: the Catch's Assign, then the first Choice rule that holds. */
  async function classify(errorOutput: object, counters = { start: 0, exit: 0 }) {
    const vars = { startRetries_0: counters.start, exitRetries_0: counters.exit };
    const states = { errorOutput, context };
    const failure = await evaluate(branch[names.run].Catch![0].Assign!.failure_0, { states });
    const bindings = { states: { context }, ...vars, failure_0: failure };
    const classifyState = branch[names.classify];
    for (const rule of classifyState.Choices!) {
      if (await evaluate(rule.Condition, bindings)) {
        const assigned: Record<string, unknown> = {};
        for (const [name, value] of Object.entries(rule.Assign ?? {})) {
          assigned[name] = await evaluate(value, bindings);
        }
        const waitSeconds =
          rule.Next === names.waitToRetry
            ? await evaluate(branch[names.waitToRetry].Seconds, { ...bindings, ...assigned })
            : undefined;
        return { failure, next: rule.Next, assigned, waitSeconds, bindings };
      }
    }
    return { failure, next: classifyState.Default, assigned: {}, waitSeconds: undefined, bindings };
  }

  it("treats a non-zero exit of the job's container as an exit failure, beside a sidecar's 0", async () => {
    const result = await classify({
      Error: "States.TaskFailed",
      Cause: stoppedTask([
        { Name: "extract", ExitCode: 3 },
        { Name: "log-router", ExitCode: 0 },
      ]),
    });
    expect(result.failure).toMatchObject({ kind: "exit", exitCode: 3 });
    // extract has no exit retries: it gives up and notifies
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

  it("retries an exit failure with backoff while the job's exit budget lasts", async () => {
    const load = branchOf(asl, "load");
    const failure = { kind: "exit", exitCode: 1 };
    const rules = load[stateNames("load").classify].Choices!;
    const bindings = { states: { context }, failure_1: failure, startRetries_1: 0 };
    const matching = async (exitRetries: number) => {
      for (const rule of rules) {
        if (await evaluate(rule.Condition, { ...bindings, exitRetries_1: exitRetries })) {
          return rule;
        }
      }
      return undefined;
    };
    const second = (await matching(1))!;
    expect(second.Next).toBe(stateNames("load").waitToRetry);
    // 10 s x 1.5 ^ 1, rounded half to even
    expect(await evaluate(second.Assign!.retryDelay_1, { ...bindings, exitRetries_1: 1 })).toBe(15);
    expect((await matching(2))!.Next).toBe(stateNames("load").notify);
  });

  it("treats a sidecar's exit 137 beside the job container's 0 as a start failure", async () => {
    const result = await classify(
      {
        Error: "States.TaskFailed",
        Cause: stoppedTask([
          { Name: "extract", ExitCode: 0 },
          { Name: "log-router", ExitCode: 137, Reason: "OutOfMemoryError" },
        ]),
      },
      { start: 1, exit: 0 },
    );
    expect(result.failure).toMatchObject({ kind: "start", exitCode: 0 });
    expect(result.next).toBe(names.waitToRetry);
    // the second start retry: 60 s x 2 ^ 1
    expect(result.assigned).toEqual({ startRetries_0: 2, retryDelay_0: 120 });
    expect(result.waitSeconds).toBe(120);
    expect(await evaluate(branch[names.failed].Cause, result.bindings)).toBe(
      "job extract exited 0, but its task failed: EssentialContainerExited: Essential container in task exited (log-router exited with code 137)",
    );
  });

  it("treats a task that failed to start, without exit codes, as a start failure", async () => {
    const cause = stoppedTask([{ Name: "extract" }], {
      StopCode: "TaskFailedToStart",
      StoppedReason: "CannotPullContainerError: pull access denied",
    });
    const first = await classify({ Error: "States.TaskFailed", Cause: cause });
    expect(first.failure).toMatchObject({ kind: "start", stopCode: "TaskFailedToStart" });
    expect(first.next).toBe(names.waitToRetry);
    expect(first.waitSeconds).toBe(60);

    const last = await classify(
      { Error: "States.TaskFailed", Cause: cause },
      { start: 3, exit: 0 },
    );
    expect(last.next).toBe(names.notify);
    expect(await evaluate(branch[names.failed].Error, last.bindings)).toBe("Job.FailedToStart");
    expect(await evaluate(branch[names.failed].Cause, last.bindings)).toBe(
      "job extract failed to start: TaskFailedToStart: CannotPullContainerError: pull access denied",
    );
  });

  it("does not retry a timeout", async () => {
    const result = await classify({ Error: "States.Timeout", Cause: null });
    expect(result.failure).toEqual({ error: "States.Timeout", kind: "timeout" });
    expect(result.next).toBe(names.notify);
    expect(await evaluate(branch[names.failed].Error, result.bindings)).toBe("Job.TimedOut");
  });

  it("keeps the text of an ECS API error, which has no task, and retries it as a start failure", async () => {
    const result = await classify({
      Error: "ECS.AmazonECSException",
      Cause: "Rate exceeded (Service: AmazonECS; Status Code: 400)",
    });
    expect(result.failure).toEqual({
      error: "ECS.AmazonECSException",
      kind: "start",
      cause: "Rate exceeded (Service: AmazonECS; Status Code: 400)",
    });
    expect(result.next).toBe(names.waitToRetry);
  });

  it("reads camelCase task JSON too", async () => {
    const result = await classify({
      Error: "States.TaskFailed",
      Cause: JSON.stringify({
        taskArn: "arn:task",
        containers: [{ name: "extract", exitCode: 2 }],
      }),
    });
    expect(result.failure).toMatchObject({ kind: "exit", exitCode: 2, taskArn: "arn:task" });
  });

  it("skips the job when skipJobs names it", async () => {
    const condition = branch[names.skip].Choices![0].Condition;
    const skips = (input: object) =>
      evaluate(condition, { states: { context: { Execution: { Input: input } } } });
    expect(await skips({})).toBe(false);
    expect(await skips({ skipJobs: ["load"] })).toBe(false);
    expect(await skips({ skipJobs: ["load", "extract"] })).toBe(true);
  });
});
