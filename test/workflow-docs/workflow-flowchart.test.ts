import { WorkflowConfig } from "../../environments/environment-config";
import { workflowFlowchart } from "../../scripts/workflow-docs/workflow-flowchart";

/** The lines of a node's label as written in the chart, without the bold marks. */
function labelOf(chart: string, id: string): string[] {
  const line = chart.split("\n").find((l) => new RegExp(`^\\s*${id}\\(?\\["`).test(l));
  if (line === undefined) {
    throw new Error(`no node ${id} in\n${chart}`);
  }
  return /"(.*)"/
    .exec(line)![1]
    .replace(/<\/?b>/g, "")
    .split("<br/>");
}

/** The node ids in each stage subgraph, in order. */
function stagesOf(chart: string): string[][] {
  const stages: string[][] = [];
  for (const line of chart.split("\n").map((l) => l.trim())) {
    if (line.startsWith("subgraph ")) {
      stages.push([]);
    } else if (/^job\d+\[/.test(line)) {
      stages[stages.length - 1].push(line.slice(0, line.indexOf("[")));
    }
  }
  return stages;
}

function edgesOf(chart: string): string[] {
  return chart
    .split("\n")
    .map((l) => l.trim())
    .filter((l) => l.includes(" --> "));
}

const workflow = (props: Partial<WorkflowConfig>): WorkflowConfig => ({
  workflowName: "wf",
  jobs: [{ job: "only" }],
  ...props,
});

const DEFAULT_RETRIES = [
  "exit code ≠ 0: no retry",
  "start failure: 3 retries",
  "first after 1 min, then ×2",
];

describe("workflowFlowchart", () => {
  it("draws dev's nightly workflow: the Scheduler schedule, two stages, one dependency", () => {
    expect(
      workflowFlowchart({
        workflowName: "nightly-sales",
        schedule: { scheduler: { expression: "cron(0 3 * * ? *)", timeZone: "Asia/Tokyo" } },
        preventOverlap: true,
        jobs: [
          { job: "extract-sales", retryOnExitCode: { attempts: 2 }, timeoutSeconds: 3600 },
          { job: "build-sales-report", dependsOn: ["extract-sales"], timeoutSeconds: 7200 },
        ],
      }),
    ).toBe(
      [
        "flowchart TB",
        '  trigger(["cron(0 3 * * ? *)<br/>EventBridge Scheduler<br/>time zone Asia/Tokyo<br/>preventOverlap: skips a run<br/>while an earlier one runs"])',
        '  subgraph stage1 ["Stage 1"]',
        "    direction TB",
        '    job1["<b>extract-sales</b><br/>timeout 1 h<br/>exit code ≠ 0: 2 retries<br/>5 min apart<br/>start failure: 3 retries<br/>first after 1 min, then ×2"]',
        "  end",
        '  subgraph stage2 ["Stage 2"]',
        "    direction TB",
        '    job2["<b>build-sales-report</b><br/>timeout 2 h<br/>exit code ≠ 0: no retry<br/>start failure: 3 retries<br/>first after 1 min, then ×2"]',
        "  end",
        "  trigger --> stage1",
        "  job1 --> job2",
        "",
      ].join("\n"),
    );
  });

  describe("stages and dependencies", () => {
    it("puts jobs without dependencies side by side in one stage, with no arrow between them", () => {
      const chart = workflowFlowchart(
        workflow({ jobs: [{ job: "a" }, { job: "b" }, { job: "c" }] }),
      );
      expect(stagesOf(chart)).toEqual([["job1", "job2", "job3"]]);
      expect(edgesOf(chart)).toEqual(["trigger --> stage1"]);
    });

    it("draws a diamond as three stages: a; b and c; d", () => {
      const chart = workflowFlowchart(
        workflow({
          jobs: [
            { job: "d", dependsOn: ["b", "c"] },
            { job: "b", dependsOn: ["a"] },
            { job: "a" },
            { job: "c", dependsOn: ["a"] },
          ],
        }),
      );
      // Ids follow the config's order: d is job1, b job2, a job3, c job4.
      expect(stagesOf(chart)).toEqual([["job3"], ["job2", "job4"], ["job1"]]);
      expect(edgesOf(chart)).toEqual([
        "trigger --> stage1",
        "job2 --> job1",
        "job4 --> job1",
        "job3 --> job2",
        "job3 --> job4",
      ]);
    });

    it("puts a job after the latest stage it depends on, its arrows crossing the stages between", () => {
      const chart = workflowFlowchart(
        workflow({
          jobs: [{ job: "a" }, { job: "b", dependsOn: ["a"] }, { job: "c", dependsOn: ["a", "b"] }],
        }),
      );
      expect(stagesOf(chart)).toEqual([["job1"], ["job2"], ["job3"]]);
      expect(edgesOf(chart)).toContain("job1 --> job3");
    });

    it("names each stage subgraph for people, from 1", () => {
      const chart = workflowFlowchart(
        workflow({ jobs: [{ job: "a" }, { job: "b", dependsOn: ["a"] }] }),
      );
      expect(chart).toContain('subgraph stage1 ["Stage 1"]');
      expect(chart).toContain('subgraph stage2 ["Stage 2"]');
    });

    it("gives a job called end a numbered id, since Mermaid reads end as a keyword", () => {
      const chart = workflowFlowchart(workflow({ jobs: [{ job: "end" }] }));
      expect(labelOf(chart, "job1")[0]).toBe("end");
    });

    it("throws the library's message for a cycle", () => {
      expect(() =>
        workflowFlowchart(
          workflow({
            jobs: [
              { job: "a", dependsOn: ["b"] },
              { job: "b", dependsOn: ["a"] },
            ],
          }),
        ),
      ).toThrow("jobs 'a' -> 'b' -> 'a' form a cycle");
    });
  });

  describe("each job's timeout and retries", () => {
    it("shows the workflow's defaults for a job without settings: a day, 3 start retries doubling, no exit retry", () => {
      const chart = workflowFlowchart(workflow({ jobs: [{ job: "a" }] }));
      expect(labelOf(chart, "job1")).toEqual(["a", "timeout 1 d", ...DEFAULT_RETRIES]);
    });

    it("shows a job's own settings, and the defaults of the fields a partial setting leaves out", () => {
      const chart = workflowFlowchart(
        workflow({
          jobs: [
            {
              job: "a",
              retryOnExitCode: { attempts: 4, intervalSeconds: 30, backoffRate: 1.5 },
              retryOnStartFailure: { attempts: 1 },
              timeoutSeconds: 5400,
            },
            { job: "b", retryOnStartFailure: { attempts: 0 }, timeoutSeconds: 61 },
            { job: "c", retryOnExitCode: { attempts: 2, intervalSeconds: 7200 } },
          ],
        }),
      );
      expect(labelOf(chart, "job1")).toEqual([
        "a",
        "timeout 90 min",
        "exit code ≠ 0: 4 retries",
        "first after 30 s, then ×1.5",
        "start failure: 1 retry",
        "after 1 min",
      ]);
      expect(labelOf(chart, "job2")).toEqual([
        "b",
        "timeout 61 s",
        "exit code ≠ 0: no retry",
        "start failure: no retry",
      ]);
      expect(labelOf(chart, "job3")).toEqual([
        "c",
        "timeout 1 d",
        "exit code ≠ 0: 2 retries",
        "2 h apart",
        "start failure: 3 retries",
        "first after 1 min, then ×2",
      ]);
    });
  });

  describe("what starts the workflow", () => {
    it("reads an expression alone as a rule, in UTC", () => {
      const chart = workflowFlowchart(workflow({ schedule: "rate(5 minutes)" }));
      expect(labelOf(chart, "trigger")).toEqual([
        "rate(5 minutes)",
        "EventBridge rule",
        "time zone UTC",
      ]);
    });

    it("says that a disabled rule does not fire", () => {
      const chart = workflowFlowchart(
        workflow({ schedule: { rule: { expression: "cron(*/2 * * * ? *)", enabled: false } } }),
      );
      expect(labelOf(chart, "trigger")).toEqual([
        "cron(*/2 * * * ? *)",
        "EventBridge rule",
        "time zone UTC",
        "disabled",
      ]);
    });

    it("reads a Scheduler schedule without a time zone in Scheduler's default, UTC", () => {
      const chart = workflowFlowchart(
        workflow({ schedule: { scheduler: { expression: "cron(0 3 ? * 6#3 *)" } } }),
      );
      expect(labelOf(chart, "trigger")).toEqual([
        "cron(0 3 ? * 6#35;3 *)",
        "EventBridge Scheduler",
        "time zone UTC",
      ]);
    });

    it("shows a Scheduler schedule's flexible window, first and last time", () => {
      const chart = workflowFlowchart(
        workflow({
          schedule: {
            scheduler: {
              expression: "rate(1 hour)",
              timeZone: "America/Argentina/Buenos_Aires",
              flexibleTimeWindowMinutes: 15,
              startDate: "2026-12-01T00:00:00+09:00",
              endDate: "2027-03-31T00:00:00Z",
            },
          },
        }),
      );
      expect(labelOf(chart, "trigger")).toEqual([
        "rate(1 hour)",
        "EventBridge Scheduler",
        "time zone America/Argentina/Buenos_Aires",
        "starts up to 15 min late",
        "from 2026-12-01T00:00:00+09:00",
        "until 2027-03-31T00:00:00Z",
      ]);
    });

    it("says that a workflow without a schedule runs when started", () => {
      const chart = workflowFlowchart(workflow({}));
      expect(labelOf(chart, "trigger")).toEqual(["no schedule", "runs when started"]);
    });

    it("says that preventOverlap skips a run while an earlier one runs", () => {
      const chart = workflowFlowchart(workflow({ preventOverlap: true }));
      expect(labelOf(chart, "trigger")).toEqual([
        "no schedule",
        "runs when started",
        "preventOverlap: skips a run",
        "while an earlier one runs",
      ]);
    });

    it("points at the first stage", () => {
      const chart = workflowFlowchart(workflow({}));
      expect(edgesOf(chart)).toEqual(["trigger --> stage1"]);
    });
  });
});
