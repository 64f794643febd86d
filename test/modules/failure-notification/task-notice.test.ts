import jsonata from "jsonata";
import {
  JOB_FAILED,
  NoticeJob,
  noticeFilterInputTemplate,
  TASK_NOTICE,
} from "../../../modules/failure-notification";
import { CLUSTER, TASK_ARN, TASK_ID, taskStopped, NOTICE_JOB } from "./fixtures";

const JOB: NoticeJob = NOTICE_JOB;

/** The notice filter's input: the rule target's template with the event filled in by EventBridge. */
function inputOf(job: NoticeJob, event: unknown): unknown {
  return JSON.parse(
    noticeFilterInputTemplate(job).replace("<aws.events.event.json>", JSON.stringify(event)),
  );
}

interface Notice {
  name: string;
  subject: string;
  text: string;
  chatbot: string;
}

/** Evaluates an expression as the filter's state machine does: `$states.input` is its input. */
async function evaluate<T>(expression: string, job: NoticeJob, event: unknown): Promise<T> {
  return (await jsonata(expression).evaluate({}, { states: { input: inputOf(job, event) } })) as T;
}

const jobFailed = (event: unknown, job = JOB) => evaluate<boolean>(JOB_FAILED, job, event);
const noticeOf = (event: unknown, job = JOB) => evaluate<Notice>(TASK_NOTICE, job, event);
const linesOf = async (event: unknown, job = JOB) => (await noticeOf(event, job)).text.split("\n");

const CONSOLE = "https://ap-northeast-1.console.aws.amazon.com";
const TASK_LINK = `${CONSOLE}/ecs/v2/clusters/batch/tasks/${TASK_ID}/configuration?region=ap-northeast-1`;
const LOG_GROUP_LINK = `${CONSOLE}/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fecs-scheduled-tasks$252Fexample`;
const JOB_LOG_LINK = `${LOG_GROUP_LINK}/log-events/batch$252Fexample-batch$252F${TASK_ID}`;
const OUT_OF_MEMORY = "OutOfMemoryError: Container killed due to memory usage";
const CANNOT_PULL =
  "CannotPullContainerError: pull image manifest has been retried 7 time(s): failed to resolve ref 123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/example-batch:latest: not found";
const NOT_SAFE = "Safe to re-run: no: check what the job already did before running it again";

/** The lines of a notice of the base job, with those that differ from the exit-1 one given. */
function expectedLines(
  changes: { exit?: string; stop?: string; started?: string; log?: string } = {},
) {
  return [
    "Batch job example-batch failed (environment dev).",
    `Exit code: ${changes.exit ?? "1"}`,
    `Stop code: ${changes.stop ?? "EssentialContainerExited: Essential container in task exited"}`,
    `Started: ${changes.started ?? "2026-11-23T03:00:15.456Z"}  Stopped: 2026-11-23T03:04:05.123Z`,
    "Started by: events-rule/example-batch",
    `Task: ${TASK_ARN}`,
    `Task in the console: ${TASK_LINK}`,
    `Log of this run: ${changes.log ?? JOB_LOG_LINK}`,
    NOT_SAFE,
    "Re-run: ecs-batch run example-batch --env dev",
  ];
}

/** The base job and its exit-1 event in another partition and region. */
function inRegion(partition: string, region: string) {
  const arn = (resource: string) => `arn:${partition}:ecs:${region}:123456789012:${resource}`;
  const taskArn = arn(`task/batch/${TASK_ID}`);
  const event = {
    ...taskStopped([{ name: "example-batch", exitCode: 1 }], {
      clusterArn: arn("cluster/batch"),
      taskArn,
      taskDefinitionArn: arn("task-definition/example-batch:3"),
    }),
    region,
    resources: [taskArn],
  };
  return { job: { ...JOB, clusterArn: arn("cluster/batch") }, event, taskArn };
}

describe("noticeFilterInputTemplate", () => {
  const full: NoticeJob = { ...JOB, logRouterDestination: "cloudwatch_logs", safeToRerun: true };

  it("passes the job's description and the whole event, as JSON once EventBridge fills it in", () => {
    const template = noticeFilterInputTemplate(full);
    expect(template.endsWith(',"event":<aws.events.event.json>}')).toBe(true);
    const event = taskStopped([{ name: "example-batch", exitCode: 1 }]);
    expect(inputOf(full, event)).toEqual({
      job: {
        name: "example-batch",
        environment: "dev",
        clusterArn: CLUSTER,
        family: "example-batch",
        container: "example-batch",
        logGroupName: "/ecs-scheduled-tasks/example",
        logStreamPrefix: "batch",
        logRouterDestination: "cloudwatch_logs",
        safeToRerun: true,
        rerun: "ecs-batch run example-batch --env dev",
      },
      event,
    });
  });

  it("has no '<' or '>' but around EventBridge's one placeholder", () => {
    const template = noticeFilterInputTemplate(full);
    expect(template.match(/[<>]/g)).toEqual(["<", ">"]);
    expect(template).toContain("<aws.events.event.json>");
  });

  it("leaves out the environment and the log router's destination when there are none", () => {
    const { job } = inputOf({ ...JOB, environment: undefined }, {}) as { job: object };
    expect(job).not.toHaveProperty("environment");
    expect(job).not.toHaveProperty("logRouterDestination");
  });
});

describe("JOB_FAILED", () => {
  it.each<[string, unknown]>([
    ["the job exited 1", taskStopped([{ name: "example-batch", exitCode: 1 }])],
    [
      "the job was killed (137) beside a sidecar that exited 0",
      taskStopped([
        { name: "envoy", exitCode: 0 },
        { name: "example-batch", exitCode: 137 },
      ]),
    ],
    [
      "the job's container was stopped before it exited",
      taskStopped([{ name: "example-batch" }], { stopCode: "UserInitiated" }),
    ],
    [
      "the task failed to start before its containers existed",
      taskStopped([], { stopCode: "TaskFailedToStart", startedAt: undefined }),
    ],
    [
      "the task has other containers only",
      taskStopped([{ name: "init-config", exitCode: 0 }], { stopCode: "TaskFailedToStart" }),
    ],
    [
      "the job exited 2 in a run of another revision of its family",
      taskStopped([{ name: "example-batch", exitCode: 2 }], {
        taskDefinitionArn:
          "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:17",
      }),
    ],
  ])("is true when %s", async (_, event) => {
    expect(await jobFailed(event)).toBe(true);
  });

  it.each<[string, unknown]>([
    ["the job exited 0", taskStopped([{ name: "example-batch", exitCode: 0 }])],
    [
      "the job exited 0 beside a sidecar killed with 137",
      taskStopped([
        { name: "example-batch", exitCode: 0 },
        { name: "envoy", exitCode: 137 },
      ]),
    ],
    [
      "the job exited 0 beside the GuardDuty agent that exited 1",
      taskStopped([
        { name: "aws-guardduty-agent-mfjGLB", exitCode: 1 },
        { name: "example-batch", exitCode: 0 },
      ]),
    ],
    [
      "the task is not STOPPED yet",
      taskStopped([{ name: "example-batch", exitCode: 1 }], { lastStatus: "DEPROVISIONING" }),
    ],
    [
      "the task is another cluster's",
      taskStopped([{ name: "example-batch", exitCode: 1 }], {
        clusterArn: "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-other",
      }),
    ],
    [
      "the task is of a family whose name starts with the job's",
      taskStopped([{ name: "example-batch", exitCode: 1 }], {
        taskDefinitionArn:
          "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch-cleanup:1",
      }),
    ],
  ])("is false when %s", async (_, event) => {
    expect(await jobFailed(event)).toBe(false);
  });

  it("finds the job's container by the job's container name, not by the job's name", async () => {
    const job = { ...JOB, container: "main" };
    const event = taskStopped([
      { name: "example-batch", exitCode: 1 },
      { name: "main", exitCode: 0 },
    ]);
    expect(await jobFailed(event, job)).toBe(false);
  });
});

describe("TASK_NOTICE", () => {
  it("names the notice after the task's id", async () => {
    const notice = await noticeOf(taskStopped([{ name: "example-batch", exitCode: 1 }]));
    expect(notice.name).toBe(TASK_ID);
    expect(Object.keys(notice).sort()).toEqual(["chatbot", "name", "subject", "text"]);
  });

  describe("its text", () => {
    it("of a job that exited 1", async () => {
      expect(await linesOf(taskStopped([{ name: "example-batch", exitCode: 1 }]))).toEqual(
        expectedLines(),
      );
    });

    it("of a job killed with 137 for its memory", async () => {
      const event = taskStopped([{ name: "example-batch", exitCode: 137, reason: OUT_OF_MEMORY }]);
      expect(await linesOf(event)).toEqual(expectedLines({ exit: `137 (${OUT_OF_MEMORY})` }));
    });

    it("of a job whose container did not run, with the container's reason", async () => {
      const event = taskStopped(
        [
          { name: "init-config", exitCode: 0 },
          { name: "example-batch", reason: CANNOT_PULL },
        ],
        { stopCode: "TaskFailedToStart", stoppedReason: CANNOT_PULL, startedAt: undefined },
      );
      expect(await linesOf(event)).toEqual(
        expectedLines({
          exit: `none: ${CANNOT_PULL}`,
          stop: `TaskFailedToStart: ${CANNOT_PULL}`,
          started: "never",
          log: "none: the task never started",
        }),
      );
    });

    it("of a task that failed to start without the job's container", async () => {
      const event = taskStopped([], {
        stopCode: "TaskFailedToStart",
        stoppedReason: "ResourceInitializationError: unable to pull secrets or registry auth",
        startedAt: undefined,
      });
      expect(await linesOf(event)).toEqual(
        expectedLines({
          exit: "none: the task has no container named example-batch",
          stop: "TaskFailedToStart: ResourceInitializationError: unable to pull secrets or registry auth",
          started: "never",
          log: "none: the task never started",
        }),
      );
    });

    it("of a job whose log goes through a log router", async () => {
      const job = { ...JOB, logRouterDestination: "cloudwatch_logs" };
      const lines = await linesOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), job);
      expect(lines[7]).toBe(
        `Log of this run: sent by the log router to cloudwatch_logs; the router's own log: ${LOG_GROUP_LINK}/log-events/batch$252Flog_router$252F${TASK_ID}`,
      );
      expect(lines.filter((_, i) => i !== 7)).toEqual(expectedLines().filter((_, i) => i !== 7));
    });

    it("of a job of no environment", async () => {
      const job = { ...JOB, environment: undefined };
      const lines = await linesOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), job);
      expect(lines).toEqual(["Batch job example-batch failed.", ...expectedLines().slice(1)]);
    });

    it("of a job in a China region, with the China console", async () => {
      const { job, event, taskArn } = inRegion("aws-cn", "cn-north-1");
      expect(await jobFailed(event, job)).toBe(true);
      expect((await linesOf(event, job)).slice(5, 8)).toEqual([
        `Task: ${taskArn}`,
        `Task in the console: https://console.amazonaws.cn/ecs/v2/clusters/batch/tasks/${TASK_ID}/configuration?region=cn-north-1`,
        `Log of this run: https://console.amazonaws.cn/cloudwatch/home?region=cn-north-1#logsV2:log-groups/log-group/$252Fecs-scheduled-tasks$252Fexample/log-events/batch$252Fexample-batch$252F${TASK_ID}`,
      ]);
    });

    it("of a job in a GovCloud region, with the GovCloud console", async () => {
      const { job, event } = inRegion("aws-us-gov", "us-gov-west-1");
      expect((await linesOf(event, job))[6]).toBe(
        `Task in the console: https://console.amazonaws-us-gov.com/ecs/v2/clusters/batch/tasks/${TASK_ID}/configuration?region=us-gov-west-1`,
      );
    });

    it("encodes '/' and '#' of the log group and stream names as the console does", async () => {
      const job = { ...JOB, logGroupName: "/jobs/team#nightly", logStreamPrefix: "ecs/batch" };
      const lines = await linesOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), job);
      expect(lines[7]).toBe(
        `Log of this run: ${CONSOLE}/cloudwatch/home?region=ap-northeast-1#logsV2:log-groups/log-group/$252Fjobs$252Fteam$2523nightly/log-events/ecs$252Fbatch$252Fexample-batch$252F${TASK_ID}`,
      );
    });

    it.each<[string, { exitCode?: number; reason?: string }, string, string]>([
      [
        "SIGKILL for 137 without a reason",
        { exitCode: 137 },
        "UserInitiated",
        "137 (killed: SIGKILL)",
      ],
      ["SIGTERM for 143", { exitCode: 143 }, "UserInitiated", "143 (terminated: SIGTERM)"],
      ["no signal for 2", { exitCode: 2 }, "EssentialContainerExited", "2"],
      [
        "why a container without exit code or reason has none",
        {},
        "UserInitiated",
        "none: the container stopped before it exited (UserInitiated)",
      ],
      [
        "a task that failed to start, when the container gives no reason",
        {},
        "TaskFailedToStart",
        "none: the task failed to start",
      ],
    ])("names %s", async (_, container, stopCode, exit) => {
      const event = taskStopped([{ name: "example-batch", ...container }], { stopCode });
      expect((await linesOf(event))[1]).toBe(`Exit code: ${exit}`);
    });

    it("gives the stop code alone when the task has no stopped reason", async () => {
      const event = taskStopped([{ name: "example-batch", exitCode: 1 }], {
        stoppedReason: undefined,
      });
      expect((await linesOf(event))[2]).toBe("Stop code: EssentialContainerExited");
    });

    it("says so when the job is safe to re-run", async () => {
      const lines = await linesOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), {
        ...JOB,
        safeToRerun: true,
      });
      expect(lines[8]).toBe("Safe to re-run: yes");
    });
  });

  describe("its subject", () => {
    it("is the first line without its full stop", async () => {
      const notice = await noticeOf(taskStopped([{ name: "example-batch", exitCode: 1 }]));
      expect(notice.subject).toBe("Batch job example-batch failed (environment dev)");
    });

    it("has printable ASCII only, as SNS takes it", async () => {
      const job = { ...JOB, environment: "本番 ✅" };
      const notice = await noticeOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), job);
      expect(notice.subject).toBe("Batch job example-batch failed (environment ?? ?)");
      expect(notice.text.split("\n")[0]).toBe(
        "Batch job example-batch failed (environment 本番 ✅).",
      );
    });

    it("has at most 100 characters", async () => {
      const job = { ...JOB, environment: "e".repeat(256) };
      const notice = await noticeOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), job);
      expect(notice.subject).toHaveLength(100);
      expect(notice.subject).toBe(`Batch job example-batch failed (environment ${"e".repeat(56)}`);
    });
  });

  describe("its AWS Chatbot custom notification", () => {
    it("is JSON text with the title, the facts, and how to re-run", async () => {
      const notice = await noticeOf(
        taskStopped([{ name: "example-batch", exitCode: 137, reason: OUT_OF_MEMORY }]),
      );
      expect(JSON.parse(notice.chatbot)).toEqual({
        version: "1.0",
        source: "custom",
        content: {
          textType: "client-markdown",
          title: ":x: Batch job example-batch failed (environment dev)",
          description: [
            `*Exit code:* 137 (${OUT_OF_MEMORY})`,
            "*Stop code:* EssentialContainerExited: Essential container in task exited",
            "*Started:* 2026-11-23T03:00:15.456Z   *Stopped:* 2026-11-23T03:04:05.123Z",
            "*Started by:* events-rule/example-batch",
            `*Task:* ${TASK_LINK}`,
            `*Log of this run:* ${JOB_LOG_LINK}`,
            "*Safe to re-run:* no: check what the job already did before running it again",
          ].join("\n"),
          nextSteps: ["Re-run: `ecs-batch run example-batch --env dev`"],
        },
      });
    });

    it("leaves the environment out of the title when there is none", async () => {
      const notice = await noticeOf(taskStopped([{ name: "example-batch", exitCode: 1 }]), {
        ...JOB,
        environment: undefined,
      });
      expect(JSON.parse(notice.chatbot).content.title).toBe(":x: Batch job example-batch failed");
    });
  });
});
