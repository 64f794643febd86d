import { jobStoppedPattern } from "../../../modules/failure-notification";
import {
  CorpusCaseName,
  ecsTaskStateChangeCorpus,
  eventsOf,
  taskStateChangeEvent,
} from "../../event-ruler/ecs-task-state-change-events";
import { EventMatch, matchEvents, MatchTable } from "../../event-ruler/event-ruler";
import { CLUSTER } from "./fixtures";

const PREFIX = "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:";
const PATTERN = jobStoppedPattern({ clusterArn: CLUSTER, taskDefinitionArnPrefix: PREFIX });

const corpus = ecsTaskStateChangeCorpus({ jobName: "example-batch", clusterArn: CLUSTER });
const caseNames = Object.keys(corpus) as CorpusCaseName[];

/** Events beyond the corpus: other revisions, and tasks that only look like the job's. */
const more = {
  revision17Exit1: taskStateChangeEvent({
    clusterArn: CLUSTER,
    family: "example-batch",
    revision: 17,
    taskSeed: "revision 17",
    containers: [{ name: "example-batch", exitCode: 1 }],
  }),
  startedByUserNoGroup: taskStateChangeEvent({
    clusterArn: CLUSTER,
    family: "example-batch",
    taskSeed: "run by hand",
    group: "ad-hoc",
    startedBy: "ops-person",
    containers: [{ name: "example-batch", exitCode: 0 }],
  }),
  sameClusterNameOtherAccount: taskStateChangeEvent({
    clusterArn: "arn:aws:ecs:ap-northeast-1:210987654321:cluster/batch",
    family: "example-batch",
    taskSeed: "other account",
    containers: [{ name: "example-batch", exitCode: 1 }],
  }),
  familyWithoutItsDash: taskStateChangeEvent({
    clusterArn: CLUSTER,
    family: "example",
    taskSeed: "shorter family",
    containers: [{ name: "example", exitCode: 1 }],
  }),
};
const events = { ...eventsOf(corpus), ...more };
type EventName = keyof typeof events;

/**
 * Patterns the documentation of jobStoppedPattern gives as the reasons it matches no container
 * field: matched as EventBridge does, each field of an array of objects on its own (event-ruler's
 * flattened mode).
 */
const REJECTED = {
  jobContainerExitedNonZero: {
    ...PATTERN,
    detail: {
      ...(PATTERN.detail as object),
      containers: { name: ["example-batch"], exitCode: [{ "anything-but": 0 }] },
    },
  },
  someContainerHasNoExitCode: {
    ...PATTERN,
    detail: { ...(PATTERN.detail as object), containers: { exitCode: [{ exists: false }] } },
  },
};

describe("jobStoppedPattern", () => {
  let table: MatchTable<"job" | keyof typeof REJECTED, EventName>;
  beforeAll(() => {
    table = matchEvents({ job: PATTERN, ...REJECTED }, events);
  }, 60_000);

  /** The events a pattern matches, the same in both of event-ruler's modes. */
  function matched(row: Record<EventName, EventMatch>): EventName[] {
    const names = Object.keys(row) as EventName[];
    for (const name of names) {
      expect({ name, flattened: row[name].flattened }).toEqual({
        name,
        flattened: row[name].arrayConsistent,
      });
    }
    return names.filter((name) => row[name].flattened);
  }

  it("matches the stopped ECS tasks of the cluster whose task definition ARN has the prefix", () => {
    expect(PATTERN).toEqual({
      source: ["aws.ecs"],
      "detail-type": ["ECS Task State Change"],
      detail: {
        clusterArn: [CLUSTER],
        lastStatus: ["STOPPED"],
        taskDefinitionArn: [{ prefix: PREFIX }],
      },
    });
  });

  it("reads neither the containers nor the group: the notice filter decides by the job's container", () => {
    const detail = PATTERN.detail as Record<string, unknown>;
    expect(Object.keys(detail).sort()).toEqual(["clusterArn", "lastStatus", "taskDefinitionArn"]);
  });

  it("matches every stopped task of any revision of the family in the cluster, however it ended or was started", () => {
    expect(matched(table.job)).toEqual([
      ...caseNames.filter(
        (name) =>
          !["running", "otherFamilyExit1", "otherClusterExit1", "deprovisioningJobExit1"].includes(
            name,
          ),
      ),
      "revision17Exit1",
      "startedByUserNoGroup",
    ]);
  });

  it.each<[string, EventName]>([
    ["a running task", "running"],
    ["a stopping task that is not STOPPED yet", "deprovisioningJobExit1"],
    ["a family whose name starts with the job's", "otherFamilyExit1"],
    ["a family whose name the job's starts with", "familyWithoutItsDash"],
    ["the family in another cluster", "otherClusterExit1"],
    ["a cluster of the same name in another account", "sameClusterNameOtherAccount"],
  ])("does not match %s", (_, name) => {
    expect(table.job[name]).toEqual({ arrayConsistent: false, flattened: false });
  });

  it("would misreport with a condition on the containers, as its documentation says", () => {
    // The job exited 0 beside a sidecar or the GuardDuty agent that exited non-zero: matched.
    expect(table.jobContainerExitedNonZero.jobExit0SidecarExit1.flattened).toBe(true);
    expect(table.jobContainerExitedNonZero.guardDutyAgentExit1.flattened).toBe(true);
    // The job never ran beside a container that did: missed.
    expect(corpus.jobNeverRanSidecarExit0.expected.jobFailed).toBe(true);
    expect(table.someContainerHasNoExitCode.jobNeverRanSidecarExit0.flattened).toBe(false);
  });
});
