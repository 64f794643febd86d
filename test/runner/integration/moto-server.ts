import { ChildProcess, spawn } from "node:child_process";
import { existsSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join, resolve } from "node:path";

/** The project root: `.venv/` and `bin/ecs-batch.js` live there. */
export const PROJECT_ROOT = resolve(__dirname, "../../..");

/** The region everything in the tests lives in (moto keeps one state per region). */
export const REGION = "ap-northeast-1";

const MOTO_SERVER = join(PROJECT_ROOT, ".venv/bin/moto_server");
const STARTUP_TIMEOUT_MS = 30_000;
const STOP_GRACE_MS = 5_000;
/** Enough of moto's output to explain why it did not start. */
const OUTPUT_TAIL_CHARS = 4_000;

/** A running moto server and what a client needs to reach it (and nothing else). */
export interface MotoServer {
  readonly endpoint: string;
  /** Environment for `ecs-batch` subprocesses: every AWS setting points at moto, none is inherited. */
  readonly env: NodeJS.ProcessEnv;
  /** Configuration for the SDK clients the tests build their fixtures with. */
  readonly clientConfig: {
    readonly endpoint: string;
    readonly region: string;
    readonly credentials: { readonly accessKeyId: string; readonly secretAccessKey: string };
  };
  /** SIGTERM, then SIGKILL if moto has not exited after a grace period. */
  stop(): Promise<void>;
}

/** How fast the CLI polls and drains logs in the tests, unless a test overrides it. */
export const FAST_POLLING: NodeJS.ProcessEnv = {
  ECS_BATCH_POLL_INITIAL_MS: "50",
  ECS_BATCH_POLL_MAX_MS: "200",
  ECS_BATCH_LOG_DRAIN_MS: "100",
};

/**
 * Starts `.venv/bin/moto_server` (npm run setup:python installs it) on 127.0.0.1 and a free port
 * and waits until it answers HTTP.
 */
export async function startMotoServer(): Promise<MotoServer> {
  if (!existsSync(MOTO_SERVER)) {
    throw new Error(
      `moto is not installed: ${MOTO_SERVER} is missing; run npm run setup:python (npm run test:integration does)`,
    );
  }
  const port = await freePort();
  const endpoint = `http://127.0.0.1:${port}`;
  const child = spawn(MOTO_SERVER, ["-H", "127.0.0.1", "-p", String(port)], {
    cwd: PROJECT_ROOT,
    env: { ...withoutAwsSettings(process.env), PYTHONUNBUFFERED: "1" },
    stdio: ["ignore", "pipe", "pipe"],
  });
  // moto logs every request: the pipes must be drained or it blocks once they fill.
  let output = "";
  const keepTail = (chunk: Buffer) => {
    output = (output + chunk.toString()).slice(-OUTPUT_TAIL_CHARS);
  };
  child.stdout?.on("data", keepTail);
  child.stderr?.on("data", keepTail);

  try {
    await waitUntilAnswering(endpoint, child, () => output);
  } catch (error) {
    await stopProcess(child);
    throw error;
  }

  // Empty config and credentials files: a developer's ~/.aws profile must never be read.
  const awsDir = mkdtempSync(join(tmpdir(), "ecs-batch-moto-"));
  const configFile = join(awsDir, "config");
  const credentialsFile = join(awsDir, "credentials");
  writeFileSync(configFile, "");
  writeFileSync(credentialsFile, "");

  const credentials = { accessKeyId: "testing", secretAccessKey: "testing" };
  return {
    endpoint,
    env: {
      ...withoutAwsSettings(process.env),
      AWS_ENDPOINT_URL: endpoint,
      AWS_ACCESS_KEY_ID: credentials.accessKeyId,
      AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey,
      AWS_REGION: REGION,
      AWS_EC2_METADATA_DISABLED: "true",
      AWS_CONFIG_FILE: configFile,
      AWS_SHARED_CREDENTIALS_FILE: credentialsFile,
      ...FAST_POLLING,
    },
    clientConfig: { endpoint, region: REGION, credentials },
    async stop() {
      await stopProcess(child);
      rmSync(awsDir, { recursive: true, force: true });
    },
  };
}

/**
 * The environment without any AWS_* or ECS_BATCH_* variable, so neither a profile, a role, an
 * endpoint nor a tuning knob of the developer's shell can leak into a test (or reach real AWS).
 */
function withoutAwsSettings(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(
    Object.entries(env).filter(([name]) => !/^(AWS_|ECS_BATCH_)/.test(name)),
  );
}

async function freePort(): Promise<number> {
  return new Promise((resolvePort, reject) => {
    const server = createServer();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      if (address === null || typeof address === "string") {
        server.close();
        reject(new Error(`unexpected server address ${String(address)}`));
        return;
      }
      server.close(() => resolvePort(address.port));
    });
  });
}

async function waitUntilAnswering(
  endpoint: string,
  child: ChildProcess,
  output: () => string,
): Promise<void> {
  let exited: string | undefined;
  child.on("exit", (code, signal) => {
    exited = `exited with ${signal ?? `code ${code}`}`;
  });
  const deadline = Date.now() + STARTUP_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) {
      throw new Error(`moto_server ${exited} before answering on ${endpoint}:\n${output()}`);
    }
    try {
      const response = await fetch(`${endpoint}/moto-api/`, { signal: AbortSignal.timeout(1_000) });
      await response.arrayBuffer();
      if (response.ok) return;
    } catch {
      // Not listening yet.
    }
    if (Date.now() > deadline) {
      throw new Error(
        `moto_server did not answer on ${endpoint} within ${STARTUP_TIMEOUT_MS} ms:\n${output()}`,
      );
    }
    await new Promise((resolveSleep) => setTimeout(resolveSleep, 100));
  }
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolveExit) => child.once("exit", () => resolveExit()));
  child.kill("SIGTERM");
  const killTimer = setTimeout(() => child.kill("SIGKILL"), STOP_GRACE_MS);
  await exited;
  clearTimeout(killTimer);
}
