// Runner install benchmark: what a scheduler's host gets from the runner's tarball. Installs
// dist/runner-package/ecs-batch-<version>.tgz with `npm install -g` into a temporary prefix
// (offline: it needs nothing else), then measures the installed size and how long the installed
// command takes to print --help from an empty directory, with no node_modules in reach. The
// numbers go into docs/runner-install.md. npm run bench:runner-install builds the tarball first.
//
// Usage: npm run bench:runner-install -- [--runs N]
import { execFileSync, spawnSync } from "node:child_process";
import {
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { DEFAULT_OUT_DIR, ROOT } from "../scripts/runner-package/build";
import {
  hostEnvironment,
  installedPackageDir,
  installGlobally,
} from "../scripts/runner-package/install";

interface Timing {
  readonly median: number;
  readonly max: number;
}

/** Runs `file args` `runs` times after one warm-up run; wall time of each, in ms. */
function time(
  file: string,
  args: readonly string[],
  cwd: string,
  env: NodeJS.ProcessEnv,
  runs: number,
): Timing {
  const once = () => {
    const start = performance.now();
    const result = spawnSync(file, args, { cwd, env, encoding: "utf8" });
    const ms = performance.now() - start;
    if (result.error) throw result.error;
    if (result.status !== 0) {
      throw new Error(
        `${file} ${args.join(" ")} exited ${result.status ?? result.signal}:\n${result.stderr}`,
      );
    }
    return ms;
  };
  // A scheduler's host runs ecs-batch often: its files are in the page cache.
  once();
  const times = Array.from({ length: runs }, once).sort((a, b) => a - b);
  const middle = Math.floor(times.length / 2);
  const median = times.length % 2 === 1 ? times[middle] : (times[middle - 1] + times[middle]) / 2;
  return { median, max: times[times.length - 1] };
}

/** Bytes of the files under `dir` (what `du --apparent-size` counts). */
function fileBytes(dir: string): number {
  return readdirSync(dir, { withFileTypes: true }).reduce((sum, entry) => {
    const path = join(dir, entry.name);
    return sum + (entry.isDirectory() ? fileBytes(path) : statSync(path).size);
  }, 0);
}

function tarballOf(outDir: string): string {
  const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as {
    version: string;
  };
  const tarball = join(outDir, `ecs-batch-${version}.tgz`);
  if (!existsSync(tarball)) {
    throw new Error(
      `${tarball} is missing: run npm run build:runner (npm run bench:runner-install does)`,
    );
  }
  return tarball;
}

function main(): void {
  const { values } = parseArgs({ options: { runs: { type: "string", default: "15" } } });
  const runs = Number(values.runs);
  if (!Number.isInteger(runs) || runs < 1) {
    throw new Error(`--runs must be a positive whole number; got '${values.runs}'`);
  }
  const tarball = tarballOf(DEFAULT_OUT_DIR);
  const dir = mkdtempSync(join(tmpdir(), "runner-install-bench-"));
  try {
    const prefix = join(dir, "prefix");
    const empty = join(dir, "empty");
    mkdirSync(empty);
    const env = hostEnvironment(process.env, empty);
    const installStart = performance.now();
    const command = installGlobally(tarball, prefix, {
      cwd: empty,
      env,
      cache: join(dir, "npm-cache"),
    });
    const installMs = performance.now() - installStart;
    const installed = installedPackageDir(prefix);
    const duKB = Number(
      execFileSync("du", ["-sk", installed], { encoding: "utf8" }).split("\t")[0],
    );
    const help = time(command, ["--help"], empty, env, runs);
    const node = time(process.execPath, ["-e", "0"], empty, env, runs);

    const mb = (bytes: number) => (bytes / 1024 / 1024).toFixed(1);
    console.log(
      `runner-install: node ${process.version}, ${process.platform} ${process.arch}, ${runs} runs`,
    );
    console.log(
      `tarball            ${mb(statSync(tarball).size)} MB  ${tarball.slice(ROOT.length + 1)}`,
    );
    console.log(`npm install -g     ${installMs.toFixed(0)} ms (offline)`);
    console.log(
      `installed size     ${mb(duKB * 1024)} MB (du -sk), ${mb(fileBytes(installed))} MB of files`,
    );
    console.log(
      `ecs-batch --help   median ${help.median.toFixed(0)} ms  max ${help.max.toFixed(0)} ms`,
    );
    console.log(
      `node -e 0          median ${node.median.toFixed(0)} ms  max ${node.max.toFixed(0)} ms  (Node's own start)`,
    );
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main();
