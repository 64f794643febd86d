// The diagrams through Mermaid's own parser (the mermaid package, run headless by
// parse-mermaid.ts): each parses as a flowchart, and Mermaid reads the stages, jobs, arrows and
// label texts that the workflow says.
import { spawnSync } from "node:child_process";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { environments } from "../../environments";
import { WorkflowConfig } from "../../environments/environment-config";
import { workflowStages } from "../../modules/job-workflow/workflow-graph";
import { WORKFLOWS_DIR } from "../../scripts/workflow-docs/workflow-pages";
import { workflowFlowchart } from "../../scripts/workflow-docs/workflow-flowchart";
import type { ParsedFlowchart, ParseResult } from "./parse-mermaid";

const root = join(__dirname, "..", "..");

/** Parses the diagrams in one child process: loading Mermaid takes about a second. */
function parseWithMermaid(diagrams: readonly string[]): ParseResult[] {
  const run = spawnSync(
    process.execPath,
    [require.resolve("tsx/cli"), join(__dirname, "parse-mermaid.ts")],
    { cwd: root, input: JSON.stringify(diagrams), encoding: "utf8" },
  );
  if (run.status !== 0) {
    throw new Error(`parse-mermaid.ts failed: ${run.stderr}`);
  }
  return JSON.parse(run.stdout) as ParseResult[];
}

function flowchartOf(result: ParseResult): ParsedFlowchart {
  if ("error" in result) {
    throw new Error(`Mermaid could not parse the diagram: ${result.error}`);
  }
  return result;
}

/** Job names whose ids would break a diagram, or that Mermaid reads specially after `--`. */
const AWKWARD_NAMES: WorkflowConfig = {
  workflowName: "awkward",
  schedule: {
    scheduler: {
      expression: 'cron(0 3 ? * 6#3 *) "q" <b>x</b> &amp; `t` %% [a] {b} |c| ;: \\ end',
      timeZone: "Etc/GMT+9",
    },
  },
  preventOverlap: true,
  jobs: [
    { job: "end" },
    { job: "subgraph", dependsOn: ["end"] },
    { job: "o-ops", dependsOn: ["end"] },
    { job: "x_x", dependsOn: ["subgraph", "o-ops"], retryOnExitCode: { attempts: 1 } },
    { job: "graph" },
  ],
};

const HAND_MADE: Record<string, WorkflowConfig> = {
  "no dependencies, no schedule": {
    workflowName: "flat",
    jobs: [{ job: "a" }, { job: "b" }, { job: "c" }],
  },
  "a diamond on a rule": {
    workflowName: "diamond",
    schedule: "cron(0/15 8-18 ? * MON-FRI *)",
    jobs: [
      { job: "a" },
      { job: "b", dependsOn: ["a"], retryOnExitCode: { attempts: 3, backoffRate: 2 } },
      { job: "c", dependsOn: ["a"], timeoutSeconds: 600 },
      { job: "d", dependsOn: ["b", "c"] },
    ],
  },
  "awkward names and schedule text": AWKWARD_NAMES,
};

const ENVIRONMENT_WORKFLOWS = environments.flatMap((environment) =>
  (environment.workflows ?? []).map((w) => [`${environment.name}/${w.workflowName}`, w] as const),
);
const CASES = [...ENVIRONMENT_WORKFLOWS, ...Object.entries(HAND_MADE)];

const committedBlocks = readdirSync(join(root, WORKFLOWS_DIR))
  .filter((file) => file.endsWith(".md"))
  .flatMap((file) => {
    const text = readFileSync(join(root, WORKFLOWS_DIR, file), "utf8");
    return [...text.matchAll(/```mermaid\n([\s\S]*?)```/g)].map(
      (match, index) => [`${file} #${index + 1}`, match[1]] as const,
    );
  });

const CONTROLS = {
  "an unquoted label with parentheses": "flowchart TB\n  a[cron(0 3 * * ? *)]\n",
  "a node called end": 'flowchart TB\n  end["x"]\n',
};

let parsed: Map<string, ParseResult>;

beforeAll(() => {
  const diagrams = [
    ...CASES.map(([name, workflow]) => [name, workflowFlowchart(workflow)] as const),
    ...committedBlocks,
    ...Object.entries(CONTROLS),
  ];
  const results = parseWithMermaid(diagrams.map(([, text]) => text));
  parsed = new Map(diagrams.map(([name], index) => [name, results[index]]));
}, 60_000);

describe("Mermaid's parser", () => {
  it("finds the mermaid blocks of docs/workflows/", () => {
    expect(committedBlocks.length).toBe(ENVIRONMENT_WORKFLOWS.length);
  });

  it.each(committedBlocks.map(([name]) => name))("parses %s as a flowchart", (name) => {
    expect(flowchartOf(parsed.get(name)!).type).toBe("flowchart-v2");
  });

  describe.each(CASES.map(([name, workflow]) => [name, workflow] as const))(
    "reading the diagram of %s",
    (name, workflow) => {
      const chart = () => flowchartOf(parsed.get(name)!);
      const nodeOf = (job: string) => {
        const node = chart().nodes.find((n) => n.text.split("\n")[0] === job);
        if (node === undefined) {
          throw new Error(`no node shows job ${job}`);
        }
        return node;
      };

      it("finds each job in its stage, in the config's order", () => {
        const stages = workflowStages(
          workflow.jobs.map((entry) => ({ name: entry.job, dependsOn: entry.dependsOn })),
        );
        expect(chart().subgraphs.map((s) => s.title)).toEqual(
          stages.map((_, index) => `Stage ${index + 1}`),
        );
        expect(chart().subgraphs.map((s) => s.nodes)).toEqual(
          stages.map((stage) => stage.map((job) => nodeOf(job).id)),
        );
      });

      it("finds an arrow from each job to each job that depends on it, and one to stage 1", () => {
        const expected = [
          { from: "trigger", to: chart().subgraphs[0].id },
          ...workflow.jobs.flatMap((entry) =>
            (entry.dependsOn ?? []).map((dep) => ({
              from: nodeOf(dep).id,
              to: nodeOf(entry.job).id,
            })),
          ),
        ];
        expect(chart().edges).toEqual(expected);
      });
    },
  );

  it("shows the schedule's text as written, whatever characters it has", () => {
    const trigger = flowchartOf(parsed.get("awkward names and schedule text")!).nodes.find(
      (n) => n.id === "trigger",
    );
    expect(trigger?.text.split("\n")).toEqual([
      'cron(0 3 ? * 6#3 *) "q" <b>x</b> &amp; `t` %% [a] {b} |c| ;: \\ end',
      "EventBridge Scheduler",
      "time zone Etc/GMT+9",
      "preventOverlap: skips a run",
      "while an earlier one runs",
    ]);
  });

  it("shows a job's name, timeout and retries as the lines of its label", () => {
    const extract = flowchartOf(parsed.get("a diamond on a rule")!).nodes.find(
      (n) => n.text.split("\n")[0] === "b",
    );
    expect(extract?.text.split("\n")).toEqual([
      "b",
      "timeout 1 d",
      "exit code ≠ 0: 3 retries",
      "first after 5 min, then ×2",
      "start failure: 3 retries",
      "first after 1 min, then ×2",
    ]);
  });

  it.each(Object.keys(CONTROLS))("rejects %s, so a wrong label or id fails here", (name) => {
    expect(parsed.get(name)).toEqual({ error: expect.stringContaining("Parse error") });
  });
});
