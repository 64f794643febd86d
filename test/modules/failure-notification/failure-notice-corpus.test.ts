import { readFileSync } from "fs";
import { join } from "path";
import jsonata from "jsonata";
import { EnvironmentConfig } from "../../../environments/environment-config";
import { dev } from "../../../environments/dev";
import { prod } from "../../../environments/prod";
import { stg } from "../../../environments/stg";
import { JOB_FAILED } from "../../../modules/failure-notification";
import {
  Corpus,
  CorpusCaseName,
  ecsTaskStateChangeCorpus,
  eventsOfJobs,
} from "../../event-ruler/ecs-task-state-change-events";
import { matchEvents, MatchTable } from "../../event-ruler/event-ruler";
import {
  NoticePath,
  noticePathsOf,
  NoticeWorld,
  Publication,
} from "../../event-ruler/notice-paths";
import { synthEnvironment } from "../../environments/synth-environment";

/*
 * Every way this project tells of a job's failed tasks, run over the corpus of "ECS Task State
 * Change" events: each job's rule through event-ruler (AWS's own matching engine, in both of its
 * modes), then the notice filter and sender the rule starts, their JSONata evaluated by the
 * `jsonata` package, for every job of every environment and for the plain Terraform modules. A
 * notice must be sent exactly when the corpus says the job failed, once per task, naming the job
 * container's exit code.
 */

const root = join(__dirname, "../../..");
const moduleJson = (name: string) =>
  JSON.parse(readFileSync(join(root, "terraform-modules", name, "main.tf.json"), "utf8"));

/** An environment whose jobs have every shape a notice must get right: sidecars, an essential
 * sidecar, a log router, a job container named apart from the job. */
const shapes: EnvironmentConfig = {
  ...dev,
  name: "shapes",
  accountId: "444444444444",
  release: undefined,
  images: undefined,
  workflows: undefined,
  notifications: {
    emailAddresses: ["batch-alerts@example.com"],
    slack: { workspaceId: "T0123456789", channelId: "C0123456789" },
  },
  jobs: [
    {
      jobName: "with-sidecar",
      schedule: "rate(1 hour)",
      task: {
        container: { image: "alpine:3.20", command: ["/bin/date"] },
        sidecars: [{ name: "envoy", image: "envoyproxy/envoy:v1.31" }],
      },
    },
    {
      jobName: "essential-sidecar",
      schedule: "rate(1 hour)",
      task: {
        container: { image: "alpine:3.20", name: "main" },
        sidecars: [{ name: "init-config", image: "alpine:3.20", essential: true }],
      },
      safeToRerun: true,
    },
    {
      jobName: "routed",
      schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
      task: {
        container: { image: "alpine:3.20" },
        logRouter: {
          destination: { name: "cloudwatch_logs", options: { region: "ap-northeast-1" } },
        },
      },
    },
  ],
};

/** Every notice path, by a name of where it is deployed and the job. */
const paths: Record<string, NoticePath> = {};
for (const config of [dev, stg, prod, shapes]) {
  for (const path of noticePathsOf(synthEnvironment(config).tf)) {
    paths[`${config.name} ${path.job.name}`] = path;
  }
}
for (const path of noticePathsOf(
  moduleJson("job-failure-alerts"),
  moduleJson("failure-notification"),
)) {
  paths[`terraform-modules ${path.job.name}`] = path;
}
const names = Object.keys(paths);

const corpora: Record<string, Corpus> = Object.fromEntries(
  names.map((name) => {
    const { job } = paths[name];
    return [
      name,
      ecsTaskStateChangeCorpus({
        jobName: job.name,
        clusterArn: job.clusterArn,
        family: job.family,
        containerName: job.container,
      }),
    ];
  }),
);
const caseNames = Object.keys(corpora[names[0]]) as CorpusCaseName[];
const MODES = ["arrayConsistent", "flattened"] as const;

describe("failure notices over the event corpus", () => {
  let table: MatchTable<string, string>;
  beforeAll(() => {
    table = matchEvents(
      Object.fromEntries(names.map((name) => [name, paths[name].pattern])),
      eventsOfJobs(corpora),
    );
  }, 60_000);

  it("covers every job that reports its failures, in every environment and in the modules", () => {
    expect([...names].sort()).toEqual([
      "dev example-batch",
      "prod example-batch",
      "prod sales-report",
      "shapes essential-sidecar",
      "shapes routed",
      "shapes with-sidecar",
      "stg example-batch",
      "terraform-modules example-job-name",
    ]);
  });

  describe.each(names)("%s", (name) => {
    const corpus = corpora[name];

    it("its rule matches each event alike in both of event-ruler's modes", () => {
      for (const caseName of caseNames) {
        const match = table[name][`${name} ${caseName}`];
        expect({ caseName, flattened: match.flattened }).toEqual({
          caseName,
          flattened: match.arrayConsistent,
        });
      }
    });

    it("no other job's rule matches its events", () => {
      const others = names.filter((other) => other !== name);
      const matchedByOthers = others.flatMap((other) =>
        caseNames
          .filter((caseName) => MODES.some((mode) => table[other][`${name} ${caseName}`][mode]))
          .map((caseName) => `${other}: ${caseName}`),
      );
      expect(matchedByOthers).toEqual([]);
    });

    it("sends a notice exactly when the job failed, once per task, with the job container's exit code", async () => {
      for (const mode of MODES) {
        const world = new NoticeWorld(paths[name]);
        const outcomes: Record<string, { notices: number; exitCode?: string }> = {};
        const expected: Record<string, { notices: number; exitCode?: string }> = {};
        for (const caseName of caseNames) {
          const { event, expected: wanted, duplicateOf } = corpus[caseName];
          const before = world.publications.length;
          if (table[name][`${name} ${caseName}`][mode]) {
            await world.deliver(event);
          }
          const sent: Publication[] = world.publications.slice(before);
          const text = sent.find((p) => p.subject !== undefined);
          outcomes[caseName] = {
            notices: sent.length === 0 ? 0 : text ? 1 : -1,
            ...(text ? { exitCode: /^Exit code: (\S+)/m.exec(text.message)?.[1] } : {}),
          };
          // A duplicate of a failure that was told of already sends nothing.
          const due = wanted.jobFailed && duplicateOf === undefined;
          expected[caseName] = {
            notices: due ? 1 : 0,
            ...(due
              ? {
                  exitCode: wanted.jobExitCode === undefined ? "none:" : String(wanted.jobExitCode),
                }
              : {}),
          };
        }
        expect({ mode, outcomes }).toEqual({ mode, outcomes: expected });
        // Every filter run ended well: a duplicate is not a failed execution (no alarm).
        expect(world.filterRuns.filter((run) => run.status !== "SUCCEEDED")).toEqual([]);
      }
    });

    it("sends every notice to every topic of the environment, in its format", async () => {
      const world = new NoticeWorld(paths[name]);
      await world.deliver(corpus.jobExit1.event);
      const formats = world.publications.map((p) =>
        p.subject === undefined ? JSON.parse(p.message).version : "text",
      );
      expect(formats[0]).toBe("text");
      expect(new Set(world.publications.map((p) => p.topicArn)).size).toBe(formats.length);
      expect(formats.slice(1)).toEqual(formats.length > 1 ? ["1.0"] : []);
    });
  });

  it("the filter's decision alone, JOB_FAILED, gives the corpus's expected outcome for every event", async () => {
    const decide = jsonata(JOB_FAILED);
    for (const name of names) {
      const { inputTemplate } = paths[name];
      const corpus = corpora[name];
      const outcomes: Record<string, boolean> = {};
      const expected: Record<string, boolean> = {};
      for (const caseName of caseNames) {
        const input = JSON.parse(
          inputTemplate.replace("<aws.events.event.json>", JSON.stringify(corpus[caseName].event)),
        );
        outcomes[caseName] = (await decide.evaluate({}, { states: { input } })) === true;
        expected[caseName] = corpus[caseName].expected.jobFailed;
      }
      expect({ name, outcomes }).toEqual({ name, outcomes: expected });
    }
  });
});
