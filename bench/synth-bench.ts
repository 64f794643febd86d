// Synth benchmark: wall time, peak memory and resource count of each case against its budget.
// See bench/README.md. Usage: npm run bench -- [--strict] [--runs N] [--only "<case>"]...
import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { cpus, tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
const REPORTER = join(__dirname, "report-usage.cjs");
/** Keep in step with USAGE_MARKER in report-usage.cjs. */
const USAGE_MARKER = "@@synth-bench-usage";

interface Budget {
  readonly wallSeconds?: number;
  readonly peakMB?: number;
}

interface BenchCase {
  readonly name: string;
  readonly budget: Budget;
  /** The child's command line, run through a shell as `cdktf synth` runs the app command. */
  readonly command: string;
}

interface Measurement {
  readonly wallSeconds: number;
  readonly peakMB: number;
  readonly stacks: number;
  readonly resources: number;
}

/** What report-usage.cjs prints for each process of a case (pid and script help debugging). */
interface ProcessUsage {
  readonly pid: number;
  readonly maxRssKB: number;
  readonly script: string;
}

/** The app command of cdktf.json (`node --require tsx/cjs main.ts`): what `cdktf synth` runs. */
function appCommand(): string {
  const config = JSON.parse(readFileSync(join(ROOT, "cdktf.json"), "utf8")) as { app?: string };
  if (!config.app) {
    throw new Error("cdktf.json has no 'app' command");
  }
  return config.app;
}

function jobsCase(jobCount: number, budget: Budget = {}): BenchCase {
  return {
    name: `${jobCount} ${jobCount === 1 ? "job" : "jobs"}`,
    budget,
    // As the app command runs main.ts: tsx's require hook in one Node.js process.
    command: `node --require tsx/cjs bench/jobs-worker.ts ${jobCount}`,
  };
}

function benchCases(): BenchCase[] {
  return [
    { name: "environments", budget: { wallSeconds: 1.5 }, command: appCommand() },
    jobsCase(1),
    jobsCase(100),
    jobsCase(1000, { wallSeconds: 8, peakMB: 400 }),
  ];
}

/**
 * Runs one case once in its own process tree, with a fresh outdir, and measures it. Wall time
 * is measured here, around the child: it is what a user waits for, start-up included.
 */
function runCase(benchCase: BenchCase): Measurement {
  const outdir = mkdtempSync(join(tmpdir(), "synth-bench-"));
  try {
    const start = performance.now();
    const result = spawnSync(benchCase.command, {
      cwd: ROOT,
      // The environment `cdktf synth` gives the app command (see @cdktf/cli-core synth-stack.js),
      // plus the usage reporter.
      env: {
        ...process.env,
        CDKTF_OUTDIR: outdir,
        SYNTH_HCL_OUTPUT: "false",
        NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? "--max-old-space-size=4096"} --require ${JSON.stringify(REPORTER)}`,
      },
      shell: true,
      encoding: "utf8",
      maxBuffer: 256 * 1024 * 1024,
    });
    const wallSeconds = (performance.now() - start) / 1000;
    if (result.error) {
      throw result.error;
    }
    if (result.status !== 0) {
      const output = `${result.stderr}\n${result.stdout}`.trim().split("\n").slice(-20).join("\n");
      throw new Error(
        `'${benchCase.command}' failed (${result.signal ?? `exit ${result.status}`}):\n${output}`,
      );
    }
    const usages = parseUsages(result.stdout);
    if (usages.length === 0) {
      throw new Error(`'${benchCase.command}' reported no memory usage`);
    }
    // The largest process of the tree is the one that synthesized (not npm's or tsx's CLI).
    const peakKB = Math.max(...usages.map((u) => u.maxRssKB));
    const { stacks, resources } = countResources(outdir);
    if (stacks === 0) {
      throw new Error(
        `'${benchCase.command}' synthesized no stack into CDKTF_OUTDIR; does the app set App({ outdir })?`,
      );
    }
    return { wallSeconds, peakMB: peakKB / 1024, stacks, resources };
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

function parseUsages(stdout: string): ProcessUsage[] {
  return stdout
    .split("\n")
    .filter((line) => line.startsWith(USAGE_MARKER))
    .map((line) => JSON.parse(line.slice(USAGE_MARKER.length)) as ProcessUsage);
}

/** Stacks and `resource` blocks (data sources excluded) in every cdk.tf.json under `dir`. */
function countResources(dir: string): { stacks: number; resources: number } {
  let stacks = 0;
  let resources = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true, recursive: true })) {
    if (!entry.isFile() || entry.name !== "cdk.tf.json") {
      continue;
    }
    const file = join(entry.parentPath, entry.name);
    const config = JSON.parse(readFileSync(file, "utf8")) as {
      resource?: Record<string, Record<string, unknown>>;
    };
    stacks += 1;
    for (const ofType of Object.values(config.resource ?? {})) {
      resources += Object.keys(ofType).length;
    }
  }
  return { stacks, resources };
}

/** Median wall time (one slow start-up should not fail a budget) and the worst peak memory. */
function summarize(runs: readonly Measurement[]): Measurement {
  const walls = runs.map((r) => r.wallSeconds).sort((a, b) => a - b);
  const middle = Math.floor(walls.length / 2);
  return {
    wallSeconds: walls.length % 2 === 1 ? walls[middle] : (walls[middle - 1] + walls[middle]) / 2,
    peakMB: Math.max(...runs.map((r) => r.peakMB)),
    stacks: runs[0].stacks,
    resources: runs[0].resources,
  };
}

/** "PASS", "OVER (time, memory)", or "-" for a case without a budget. */
function verdict(m: Measurement, budget: Budget): { text: string; over: boolean } {
  if (budget.wallSeconds === undefined && budget.peakMB === undefined) {
    return { text: "-", over: false };
  }
  const exceeded = [
    budget.wallSeconds !== undefined && m.wallSeconds >= budget.wallSeconds ? "time" : undefined,
    budget.peakMB !== undefined && m.peakMB >= budget.peakMB ? "memory" : undefined,
  ].filter((x) => x !== undefined);
  return exceeded.length > 0
    ? { text: `OVER (${exceeded.join(", ")})`, over: true }
    : { text: "PASS", over: false };
}

const HEADER = [
  "case",
  "stacks",
  "resources",
  "wall s",
  "budget s",
  "peak MB",
  "budget MB",
  "result",
];

function printTable(rows: readonly (readonly string[])[]): void {
  const widths = rows[0].map((_, col) => Math.max(...rows.map((row) => row[col].length)));
  for (const row of rows) {
    // First column (the case name) left-aligned, numbers right-aligned, the verdict left-aligned.
    const cells = row.map((cell, col) =>
      col === 0 || col === row.length - 1 ? cell.padEnd(widths[col]) : cell.padStart(widths[col]),
    );
    console.log(cells.join("  ").trimEnd());
  }
}

function main(): number {
  const { values } = parseArgs({
    options: {
      strict: { type: "boolean", default: false },
      runs: { type: "string", default: "1" },
      only: { type: "string", multiple: true },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive whole number; got '${values.runs}'`);
  }
  const allCases = benchCases();
  const cases = allCases.filter((c) => !values.only || values.only.includes(c.name));
  if (cases.length === 0) {
    const names = allCases.map((c) => c.name).join(", ");
    throw new Error(`--only matches no case; the cases are: ${names}`);
  }

  console.log(
    `synth-bench: node ${process.version}, ${process.platform} ${process.arch}, ${cpus().length} CPUs, ` +
      `${runs} run(s) per case (median wall time, worst peak memory)\n`,
  );
  const rows: string[][] = [HEADER];
  let anyOver = false;
  let anyError = false;
  for (const benchCase of cases) {
    const { wallSeconds, peakMB } = benchCase.budget;
    const budgetCells = [
      wallSeconds === undefined ? "-" : `< ${wallSeconds.toFixed(1)}`,
      peakMB === undefined ? "-" : `< ${peakMB}`,
    ];
    try {
      const measurement = summarize(Array.from({ length: runs }, () => runCase(benchCase)));
      const { text, over } = verdict(measurement, benchCase.budget);
      anyOver ||= over;
      rows.push([
        benchCase.name,
        String(measurement.stacks),
        String(measurement.resources),
        measurement.wallSeconds.toFixed(2),
        budgetCells[0],
        measurement.peakMB.toFixed(0),
        budgetCells[1],
        text,
      ]);
    } catch (error) {
      anyError = true;
      console.error(
        `${benchCase.name}: ${error instanceof Error ? error.message : String(error)}\n`,
      );
      rows.push([benchCase.name, "-", "-", "-", budgetCells[0], "-", budgetCells[1], "ERROR"]);
    }
  }
  printTable(rows);

  // A case that cannot be measured is always a failure; over budget only with --strict.
  return anyError || (values.strict && anyOver) ? 1 : 0;
}

process.exitCode = main();
