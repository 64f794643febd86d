import { ChildProcess, spawn } from "node:child_process";
import { join } from "node:path";
import { PROJECT_ROOT } from "./moto-server";

/** How a test starts ecs-batch: the program with its first arguments, and where. */
export interface CliLauncher {
  readonly file: string;
  readonly args: readonly string[];
  readonly cwd: string;
}

/** The command of the repository, exactly as a job scheduler calls it (needs `npm run build`). */
export const BUILT_CLI: CliLauncher = {
  file: process.execPath,
  args: [join(PROJECT_ROOT, "bin/ecs-batch.js")],
  cwd: PROJECT_ROOT,
};

/** A task ARN in a status line or a `--no-wait` answer (long or short ARN format). */
export const TASK_ARN = /arn:aws:ecs:[a-z0-9-]+:\d{12}:task\/[A-Za-z0-9_/-]+/;

/** No single CLI run of these tests may take longer: a hung run is killed, not waited for. */
const RUN_LIMIT_MS = 60_000;

export interface CliResult {
  readonly args: readonly string[];
  /** The exit code, or null when the process was killed by a signal. */
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
  readonly durationMs: number;
}

/** An `ecs-batch` subprocess that a test can watch and signal while it runs. */
export interface RunningCli {
  readonly process: ChildProcess;
  /** Resolves with the first match of `pattern` in stderr so far or to come. */
  waitForStderr(pattern: RegExp, timeoutMs?: number): Promise<RegExpMatchArray>;
  readonly result: Promise<CliResult>;
}

export function startCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
  launcher: CliLauncher = BUILT_CLI,
): RunningCli {
  const started = Date.now();
  const child = spawn(launcher.file, [...launcher.args, ...args], {
    cwd: launcher.cwd,
    env,
    stdio: ["pipe", "pipe", "pipe"],
  });
  let stdout = "";
  let stderr = "";
  const stderrListeners = new Set<() => void>();
  child.stdout?.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr?.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
    stderrListeners.forEach((listener) => listener());
  });
  child.stdin?.end(stdin ?? "");

  const killTimer = setTimeout(() => child.kill("SIGKILL"), RUN_LIMIT_MS);
  const result = new Promise<CliResult>((resolveResult, reject) => {
    child.on("error", reject);
    child.on("close", (code, signal) => {
      clearTimeout(killTimer);
      stderrListeners.forEach((listener) => listener());
      resolveResult({ args, code, signal, stdout, stderr, durationMs: Date.now() - started });
    });
  });

  const waitForStderr = (pattern: RegExp, timeoutMs = 20_000) =>
    new Promise<RegExpMatchArray>((resolveMatch, reject) => {
      const check = () => {
        const match = stderr.match(pattern);
        if (match !== null) {
          done();
          resolveMatch(match);
        } else if (child.exitCode !== null || child.signalCode !== null) {
          done();
          reject(new Error(`ecs-batch exited before printing ${pattern}:\n${stderr}`));
        }
      };
      const timer = setTimeout(() => {
        done();
        reject(new Error(`ecs-batch printed no ${pattern} within ${timeoutMs} ms:\n${stderr}`));
      }, timeoutMs);
      const done = () => {
        clearTimeout(timer);
        stderrListeners.delete(check);
      };
      stderrListeners.add(check);
      check();
    });

  return { process: child, waitForStderr, result };
}

/** Runs `ecs-batch` to its end. */
export function runCli(
  args: readonly string[],
  env: NodeJS.ProcessEnv,
  stdin?: string,
  launcher?: CliLauncher,
): Promise<CliResult> {
  return startCli(args, env, stdin, launcher).result;
}

/** Fails with the whole run (command, code, stdout, stderr) unless it exited with `code`. */
export function expectExitCode(result: CliResult, code: number): void {
  if (result.code !== code) {
    throw new Error(`expected exit code ${code}, got ${result.code}\n${describeRun(result)}`);
  }
}

function describeRun(result: CliResult): string {
  return [
    `ecs-batch ${result.args.join(" ")}: code ${result.code}, signal ${result.signal}, ${result.durationMs} ms`,
    `--- stdout\n${result.stdout}`,
    `--- stderr\n${result.stderr}`,
  ].join("\n");
}
