import jsonata from "jsonata";
import {
  FAILURE_EVENT_PATHS,
  JOB_CONTAINER_FAILED,
  jobFailurePattern,
  resultFilterInputTemplate,
} from "../../../modules/failure-notification";
import {
  CorpusCaseName,
  ecsTaskStateChangeCorpus,
  eventsOf,
} from "../../event-ruler/ecs-task-state-change-events";
import { matchEvents, MatchTable } from "../../event-ruler/event-ruler";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch-dev";
const JOB = "example-batch";
const corpus = ecsTaskStateChangeCorpus({ jobName: JOB, clusterArn: CLUSTER });
const caseNames = Object.keys(corpus) as CorpusCaseName[];

/** What today's notice does with one event of the corpus. */
interface TodaysOutcome {
  /** The rule of a job without sidecars matches the event (and notifies). */
  readonly single: boolean;
  /** The rule of a job with sidecars matches the event (and starts the result filter). */
  readonly sidecars: boolean;
  /** The result filter's JOB_CONTAINER_FAILED holds for the event. */
  readonly condition: boolean;
  /** The exit code the single-container notice shows: `$.detail.containers[0].exitCode`. */
  readonly noticeExitCode: number | undefined;
}

/**
 * Today's outcomes, as they are: both matching modes of event-ruler agree on all of them. `//`
 * marks the ones that differ from the corpus's expected outcome.
 */
const TODAY: Record<CorpusCaseName, TodaysOutcome> = {
  jobExit0: { single: false, sidecars: true, condition: false, noticeExitCode: 0 },
  jobExit1: { single: true, sidecars: true, condition: true, noticeExitCode: 1 },
  // single: a sidecar's exit code 1 reads as the job's failure
  jobExit0SidecarExit1: { single: true, sidecars: true, condition: false, noticeExitCode: 0 },
  // single: a sidecar stopped with SIGTERM reads as the job's failure
  jobExit0SidecarExit143: { single: true, sidecars: true, condition: false, noticeExitCode: 0 },
  jobExit1SidecarExit0: { single: true, sidecars: true, condition: true, noticeExitCode: 1 },
  // single: notifies, but with the sidecar's exit code 0 for the job's 1
  sidecarFirstJobExit1: { single: true, sidecars: true, condition: true, noticeExitCode: 0 },
  // single: missed: exists:false on containers.exitCode needs every container without one
  jobNeverRanSidecarExit0: {
    single: false,
    sidecars: true,
    condition: true,
    noticeExitCode: undefined,
  },
  essentialSidecarExit1JobStopped: {
    single: true,
    sidecars: true,
    condition: true,
    noticeExitCode: 143,
  },
  taskFailedToStart: { single: true, sidecars: true, condition: true, noticeExitCode: undefined },
  outOfMemory: { single: true, sidecars: true, condition: true, noticeExitCode: 137 },
  stoppedByUser: { single: true, sidecars: true, condition: true, noticeExitCode: 143 },
  // condition: holds for a running job; only the rule keeps the event away
  running: { single: false, sidecars: false, condition: true, noticeExitCode: undefined },
  // condition: holds without the job's container; only the rule keeps the event away
  otherFamilyExit1: { single: false, sidecars: false, condition: true, noticeExitCode: 1 },
  otherClusterExit1: { single: false, sidecars: false, condition: true, noticeExitCode: 1 },
  // single and sidecars: missed: the rule matches only the group `family:<family>`
  customGroupExit1: { single: false, sidecars: false, condition: true, noticeExitCode: 1 },
  // single: the GuardDuty agent AWS adds to the task reads as the job's failure
  guardDutyAgentExit1: { single: true, sidecars: true, condition: false, noticeExitCode: 0 },
  deprovisioningJobExit1: { single: false, sidecars: false, condition: true, noticeExitCode: 1 },
  // single and sidecars: a second notice of the same run: nothing tells a duplicate apart
  duplicateJobExit1: { single: true, sidecars: true, condition: true, noticeExitCode: 1 },
};

/** The cases where `outcome` differs from the corpus's expected `jobFailed`. */
function wrongCases(outcome: (name: CorpusCaseName) => boolean): CorpusCaseName[] {
  return caseNames.filter((name) => outcome(name) !== corpus[name].expected.jobFailed);
}

function column<K extends keyof TodaysOutcome>(key: K): Record<CorpusCaseName, TodaysOutcome[K]> {
  return Object.fromEntries(caseNames.map((name) => [name, TODAY[name][key]])) as Record<
    CorpusCaseName,
    TodaysOutcome[K]
  >;
}

/**
 * Today's failure notice run over the event corpus: the rules' patterns through event-ruler, the
 * result filter's condition through the `jsonata` package. It records what the notice does now,
 * wrong outcomes included, so it passes now; the redesign of the failure notices replaces TODAY
 * with the corpus's expected outcomes.
 */
describe("today's failure notice over the event corpus (before its redesign)", () => {
  const patterns = {
    single: jobFailurePattern({ clusterArn: CLUSTER, family: JOB, hasSidecars: false }),
    sidecars: jobFailurePattern({ clusterArn: CLUSTER, family: JOB, hasSidecars: true }),
  };
  let table: MatchTable<keyof typeof patterns, CorpusCaseName>;
  let condition: Record<CorpusCaseName, boolean>;
  let noticeExitCode: Record<CorpusCaseName, number | undefined>;

  beforeAll(async () => {
    table = matchEvents(patterns, eventsOf(corpus));
    const template = resultFilterInputTemplate({
      job: JOB,
      environment: "dev",
      container: JOB,
      logGroupName: "/ecs-scheduled-tasks/example",
      logStreamPrefix: "batch",
      region: "ap-northeast-1",
    });
    const failed = jsonata(JOB_CONTAINER_FAILED);
    const exitCode = jsonata(FAILURE_EVENT_PATHS.exitCode.replace(/^\$\./, ""));
    condition = {} as typeof condition;
    noticeExitCode = {} as typeof noticeExitCode;
    for (const name of caseNames) {
      const { event } = corpus[name];
      const input = JSON.parse(template.replace("<aws.events.event.json>", JSON.stringify(event)));
      condition[name] = Boolean(await failed.evaluate({}, { states: { input } }));
      noticeExitCode[name] = await exitCode.evaluate(event);
    }
  }, 30_000);

  const inMode = (pattern: keyof typeof patterns, mode: "arrayConsistent" | "flattened") =>
    Object.fromEntries(caseNames.map((name) => [name, table[pattern][name][mode]]));

  describe("without sidecars: the rule notifies", () => {
    it("matches the same events in both of event-ruler's modes", () => {
      expect(inMode("single", "arrayConsistent")).toEqual(column("single"));
      expect(inMode("single", "flattened")).toEqual(column("single"));
    });

    it("is wrong beside another container (GuardDuty adds one to every task) and for its own group", () => {
      expect(wrongCases((name) => TODAY[name].single)).toEqual([
        "jobExit0SidecarExit1",
        "jobExit0SidecarExit143",
        "jobNeverRanSidecarExit0",
        "customGroupExit1",
        "guardDutyAgentExit1",
      ]);
    });

    it("shows the first container's exit code, not the job's", () => {
      expect(noticeExitCode).toEqual(column("noticeExitCode"));
      const shownWrong = caseNames.filter(
        (name) =>
          TODAY[name].single && TODAY[name].noticeExitCode !== corpus[name].expected.jobExitCode,
      );
      // The notices of a job that exited 0 beside a failed sidecar show the job's 0.
      expect(shownWrong).toEqual(["sidecarFirstJobExit1"]);
    });
  });

  describe("with sidecars: the rule starts the result filter, whose condition decides", () => {
    it("matches the same events in both of event-ruler's modes", () => {
      expect(inMode("sidecars", "arrayConsistent")).toEqual(column("sidecars"));
      expect(inMode("sidecars", "flattened")).toEqual(column("sidecars"));
    });

    it("evaluates JOB_CONTAINER_FAILED on the job's container alone", () => {
      expect(condition).toEqual(column("condition"));
      expect(wrongCases((name) => condition[name])).toEqual([
        "running",
        "otherFamilyExit1",
        "otherClusterExit1",
        "deprovisioningJobExit1",
      ]);
    });

    it("is wrong, rule and condition together, only for a run with its own group", () => {
      expect(wrongCases((name) => TODAY[name].sidecars && condition[name])).toEqual([
        "customGroupExit1",
      ]);
    });
  });

  it("notifies a duplicate delivery of a failure again, whichever way", () => {
    const { duplicateJobExit1: duplicate } = corpus;
    expect(duplicate.duplicateOf).toBe("jobExit1");
    expect(TODAY.duplicateJobExit1).toEqual(TODAY.jobExit1);
  });
});
