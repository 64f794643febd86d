// CLI start-up benchmark: how long `ecs-batch --help` takes, against its 300 ms budget. A job
// scheduler starts ecs-batch for every job, and --help shows what a start costs before any AWS
// call. Needs the build (npm run bench:cli builds first).
//
// Usage: npm run bench:cli -- [--strict] [--runs N]
import { spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";

const ROOT = resolve(__dirname, "..");
const BIN = join(ROOT, "bin", "ecs-batch.js");
const BUDGET_MS = 300;
/** Modules that --help must not load: they are what makes a start slow. */
const HEAVY_MODULES = /[\\/]node_modules[\\/](@aws-sdk|@smithy|yaml)[\\/]/;
const LOADED_MARKER = "@@cli-startup-loaded";

/** Preloaded into the last run: lists the heavy modules loaded by the time the process exits. */
const REPORT_LOADED = `
process.on("exit", () => {
  const heavy = Object.keys(require.cache).filter((f) => ${HEAVY_MODULES}.test(f));
  process.stderr.write(${JSON.stringify(LOADED_MARKER)} + JSON.stringify(heavy) + "\\n");
});
`;

function runHelp(env: NodeJS.ProcessEnv = process.env): {
  ms: number;
  stdout: string;
  stderr: string;
} {
  const start = performance.now();
  const result = spawnSync(process.execPath, [BIN, "--help"], { cwd: ROOT, env, encoding: "utf8" });
  const ms = performance.now() - start;
  if (result.error) {
    throw result.error;
  }
  if (result.status !== 0) {
    throw new Error(
      `'ecs-batch --help' exited ${result.status ?? result.signal}:\n${result.stderr}`,
    );
  }
  return { ms, stdout: result.stdout, stderr: result.stderr };
}

/** The heavy modules a --help run loads (none, unless an import escaped into module scope). */
function heavyModulesLoaded(): string[] {
  const dir = mkdtempSync(join(tmpdir(), "cli-startup-"));
  try {
    const preload = join(dir, "report-loaded.cjs");
    writeFileSync(preload, REPORT_LOADED);
    const { stderr } = runHelp({
      ...process.env,
      NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ""} --require ${JSON.stringify(preload)}`,
    });
    const line = stderr.split("\n").find((l) => l.startsWith(LOADED_MARKER));
    if (line === undefined) {
      throw new Error("the module report of the --help run is missing");
    }
    return JSON.parse(line.slice(LOADED_MARKER.length)) as string[];
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

function main(): number {
  const { values } = parseArgs({
    options: {
      strict: { type: "boolean", default: false },
      runs: { type: "string", default: "15" },
    },
  });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive whole number; got '${values.runs}'`);
  }
  if (!existsSync(join(ROOT, "dist", "runner", "cli.js"))) {
    throw new Error("dist/runner/cli.js is missing: run `npm run build` (npm run bench:cli does)");
  }
  // One run to warm the file system cache: a scheduler's host runs ecs-batch often.
  const { stdout } = runHelp();
  if (!stdout.includes("Usage: ecs-batch")) {
    throw new Error(`'ecs-batch --help' printed no usage:\n${stdout}`);
  }
  const times = Array.from({ length: runs }, () => runHelp().ms).sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  const median = times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
  const max = times[times.length - 1];
  const heavy = heavyModulesLoaded();
  const over = median >= BUDGET_MS;

  console.log(
    `cli-startup: node ${process.version}, ${process.platform} ${process.arch}, ${runs} runs`,
  );
  console.log(
    `ecs-batch --help  median ${median.toFixed(0)} ms  max ${max.toFixed(0)} ms  budget < ${BUDGET_MS} ms (median)  ${over ? "OVER" : "PASS"}`,
  );
  if (heavy.length > 0) {
    console.log(
      `--help loaded ${heavy.length} AWS SDK/YAML modules, e.g. ${heavy[0]}: import them inside the actions`,
    );
  }
  // A heavy import at start-up is a regression even while the machine is fast enough to hide it.
  return values.strict && (over || heavy.length > 0) ? 1 : 0;
}

process.exitCode = main();
