import {
  CorpusCaseName,
  ecsTaskStateChangeCorpus,
  eventsOf,
  GUARDDUTY_AGENT_CONTAINER,
} from "./ecs-task-state-change-events";
import { EventMatch, matchEvents, MatchTable } from "./event-ruler";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-dev";
const corpus = ecsTaskStateChangeCorpus({ jobName: "example-batch", clusterArn: CLUSTER });
const events = eventsOf(corpus);
const caseNames = Object.keys(corpus) as CorpusCaseName[];

/** The harness's own checks: every pattern of this file, run in one JVM. */
const PATTERNS = {
  stopped: { detail: { lastStatus: ["STOPPED"] } },
  jobByNameAndExitCode: {
    detail: { containers: { name: ["example-batch"], exitCode: [{ "anything-but": 0 }] } },
  },
  jobExitCodeAbove0: {
    detail: { containers: { name: ["example-batch"], exitCode: [{ numeric: [">", 0] }] } },
  },
  guardDutyAgent: { detail: { containers: { name: [{ prefix: "aws-guardduty-agent-" }] } } },
  someContainerWithoutExitCode: { detail: { containers: { exitCode: [{ exists: false }] } } },
  failedToStartOrUserStopped: {
    detail: { $or: [{ stopCode: ["TaskFailedToStart"] }, { stopCode: ["UserInitiated"] }] },
  },
  notFamilyGroup: { detail: { group: [{ "anything-but": { prefix: "family:" } }] } },
};

/** The cases a pattern matches in one mode, in the corpus's order. */
function matched(row: Record<CorpusCaseName, EventMatch>, mode: keyof EventMatch): string[] {
  return caseNames.filter((name) => row[name][mode]);
}

describe("matchEvents (event-ruler)", () => {
  let table: MatchTable<keyof typeof PATTERNS, CorpusCaseName>;
  beforeAll(() => {
    table = matchEvents(PATTERNS, events);
  }, 30_000);

  it("runs both modes: a pattern on detail.lastStatus matches exactly the STOPPED events", () => {
    const stopped = caseNames.filter((name) => events[name].detail.lastStatus === "STOPPED");
    expect(stopped).not.toContain("running");
    expect(stopped).not.toContain("deprovisioningJobExit1");
    expect(matched(table.stopped, "arrayConsistent")).toEqual(stopped);
    expect(matched(table.stopped, "flattened")).toEqual(stopped);
  });

  it("tells the modes apart: one container's name and another's exit code match only when flattened", () => {
    const jobFailed = table.jobByNameAndExitCode;
    expect(jobFailed.jobExit0SidecarExit1).toEqual({ arrayConsistent: false, flattened: true });
    expect(jobFailed.guardDutyAgentExit1).toEqual({ arrayConsistent: false, flattened: true });
    expect(jobFailed.jobExit1SidecarExit0).toEqual({ arrayConsistent: true, flattened: true });
    expect(jobFailed.sidecarFirstJobExit1).toEqual({ arrayConsistent: true, flattened: true });
    expect(jobFailed.jobExit0).toEqual({ arrayConsistent: false, flattened: false });
  });

  it("matches numbers numerically, in both modes", () => {
    expect(matched(table.jobExitCodeAbove0, "arrayConsistent")).toEqual(
      matched(table.jobByNameAndExitCode, "arrayConsistent"),
    );
    expect(table.jobExitCodeAbove0.outOfMemory).toEqual({ arrayConsistent: true, flattened: true });
  });

  it("matches a prefix inside an array of objects", () => {
    expect(matched(table.guardDutyAgent, "arrayConsistent")).toEqual(["guardDutyAgentExit1"]);
    expect(events.guardDutyAgentExit1.detail.containers[1].name).toBe(GUARDDUTY_AGENT_CONTAINER);
  });

  it("reads exists: false on an array of objects as 'no element has the field', in both modes", () => {
    // The job's container has no exit code beside an init container that has one: no match.
    expect(table.someContainerWithoutExitCode.jobNeverRanSidecarExit0).toEqual({
      arrayConsistent: false,
      flattened: false,
    });
    const withoutAnyExitCode = ["taskFailedToStart", "running"];
    expect(matched(table.someContainerWithoutExitCode, "arrayConsistent")).toEqual(
      withoutAnyExitCode,
    );
    expect(matched(table.someContainerWithoutExitCode, "flattened")).toEqual(withoutAnyExitCode);
  });

  it("evaluates $or and anything-but with a prefix", () => {
    expect(matched(table.failedToStartOrUserStopped, "arrayConsistent")).toEqual([
      "taskFailedToStart",
      "stoppedByUser",
    ]);
    expect(matched(table.notFamilyGroup, "flattened")).toEqual(["customGroupExit1"]);
  });

  it("names a pattern event-ruler rejects, as EventBridge would reject it", () => {
    expect(() =>
      matchEvents(
        {
          fine: PATTERNS.stopped,
          notAnArray: { detail: { lastStatus: "STOPPED" } },
          unknownOperator: { detail: { exitCode: [{ "not-in": [0] }] } },
        },
        { jobExit0: events.jobExit0 },
      ),
    ).toThrow(
      /^event-ruler: pattern 'notAnArray' is invalid: "lastStatus" must be an object or an array .*\npattern 'unknownOperator' is invalid: Unrecognized match type not-in .*$/,
    );
  }, 30_000);
});
