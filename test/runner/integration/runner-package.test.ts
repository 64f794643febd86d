import {
  copyFileSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  realpathSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join, resolve } from "node:path";
import { EXIT_CODES } from "../../../runner/exit-codes";
import {
  BUNDLE_FILE,
  buildRunnerPackage,
  NODE_RANGE,
  type RunnerPackage,
} from "../../../scripts/runner-package/build";
import { type CliLauncher, expectExitCode, runCli, TASK_ARN } from "./cli-process";
import { BatchFixture, createBatchFixture, describeTask, ENVIRONMENT, JOB_NAME } from "./fixture";
import { MotoServer, PROJECT_ROOT, startMotoServer } from "./moto-server";
import {
  hostEnvironment,
  installedPackageDir,
  installGlobally,
} from "../../../scripts/runner-package/install";

// The runner as a scheduler's host gets it (npm run build:runner): the single file copied alone
// into an empty directory, and the tarball installed with `npm install -g`, each run from a
// directory from which no node_modules can be reached, against moto.

let moto: MotoServer;
let fixture: BatchFixture;
let workDir: string;
let built: RunnerPackage;
/** An empty directory holding nothing but the bundle. */
let standaloneDir: string;
/** The `--prefix` of `npm install -g`. */
let prefix: string;
/** Where each command runs: empty, and HOME too (no ~/.node_modules, no ~/.aws). */
let emptyDir: string;

beforeAll(async () => {
  moto = await startMotoServer();
  fixture = await createBatchFixture(moto);
  workDir = realpathSync(mkdtempSync(join(tmpdir(), "ecs-batch-package-")));
  built = await buildRunnerPackage(join(workDir, "build"));
  standaloneDir = join(workDir, "standalone");
  mkdirSync(standaloneDir);
  copyFileSync(built.bundle, join(standaloneDir, BUNDLE_FILE));
  emptyDir = join(workDir, "empty");
  mkdirSync(emptyDir);
  prefix = join(workDir, "prefix");
});

afterAll(async () => {
  fixture?.ecs.destroy();
  fixture?.ssm.destroy();
  await moto?.stop();
  if (workDir !== undefined) rmSync(workDir, { recursive: true, force: true });
});

/** moto's environment as a host with only Node and the runner has it, with an empty HOME. */
const isolatedEnv = () => hostEnvironment(moto.env, emptyDir);

/** Runs the fixture's job with `launcher` and checks that it ran and stopped. */
async function expectToRunTheJob(launcher: CliLauncher): Promise<void> {
  const result = await runCli(
    ["run", JOB_NAME, "--env", ENVIRONMENT],
    isolatedEnv(),
    undefined,
    launcher,
  );

  expectExitCode(result, EXIT_CODES.success);
  const task = await describeTask(fixture, result.stderr.match(TASK_ARN)![0]);
  expect(task.lastStatus).toBe("STOPPED");
}

/** Every node_modules that Node's module resolution could reach from a file in `dir`. */
function reachableNodeModules(dir: string): string[] {
  const found: string[] = [];
  for (let at = dir; ; at = dirname(at)) {
    if (existsSync(join(at, "node_modules"))) found.push(join(at, "node_modules"));
    if (at === dirname(at)) break;
  }
  // Node's global folders: $HOME/.node_modules, $HOME/.node_libraries, <node prefix>/lib/node.
  const globals = [
    join(emptyDir, ".node_modules"),
    join(emptyDir, ".node_libraries"),
    resolve(process.execPath, "../../lib/node"),
  ];
  return [...found, ...globals.filter((path) => existsSync(path))];
}

/** Records every module the bundle requires (Node's own included) and prints them at exit. */
const REQUIRE_LOG = `
const Module = require("node:module");
const required = new Set();
const original = Module.prototype.require;
Module.prototype.require = function (id) { required.add(id); return original.apply(this, arguments); };
process.on("exit", () => process.stderr.write("@@required " + JSON.stringify([...required]) + "\\n"));
`;

/** Modules only the AWS SDK loads (its HTTP handler): --help must not. */
const SDK_ONLY_MODULES = /^(node:)?(https|http2)$/;

describe("the single file, copied alone into an empty directory", () => {
  const bundle = (): CliLauncher => ({
    file: process.execPath,
    args: [join(standaloneDir, BUNDLE_FILE)],
    cwd: emptyDir,
  });

  test("can reach no node_modules", () => {
    expect(readdirSync(standaloneDir)).toEqual([BUNDLE_FILE]);
    expect(reachableNodeModules(standaloneDir)).toEqual([]);
    expect(reachableNodeModules(emptyDir)).toEqual([]);
  });

  test("prints --help without loading the AWS SDK, and its version", async () => {
    const log = join(workDir, "require-log.cjs");
    writeFileSync(log, REQUIRE_LOG);
    const launcher = { ...bundle(), args: ["--require", log, ...bundle().args] };

    const help = await runCli(["--help"], isolatedEnv(), undefined, launcher);

    expectExitCode(help, EXIT_CODES.success);
    expect(help.stdout).toMatch(/^Usage: ecs-batch /);
    const required = JSON.parse(/@@required (.*)/.exec(help.stderr)![1]) as string[];
    expect(required.length).toBeGreaterThan(0);
    expect(required.filter((id) => SDK_ONLY_MODULES.test(id))).toEqual([]);
    const version = await runCli(["--version"], isolatedEnv(), undefined, bundle());
    expect(version.stdout.trim()).toBe(built.version);
  });

  test("runs a job against moto and exits 0", () => expectToRunTheJob(bundle()));
});

describe("the tarball, installed with npm install -g", () => {
  const installed = () => installedPackageDir(prefix);
  const command = (): CliLauncher => ({
    file: join(prefix, "bin", "ecs-batch"),
    args: [],
    cwd: emptyDir,
  });

  beforeAll(() => {
    installGlobally(built.tarball, prefix, {
      cwd: emptyDir,
      env: isolatedEnv(),
      cache: join(workDir, "npm-cache"),
    });
  });

  test(`is ecs-batch-<version>.tgz and installs the bundle alone, for Node ${NODE_RANGE}`, () => {
    expect(built.tarball).toBe(join(workDir, "build", `ecs-batch-${built.version}.tgz`));
    expect(readdirSync(join(prefix, "lib", "node_modules"))).toEqual(["ecs-batch"]);
    expect(readdirSync(installed()).sort()).toEqual([
      "README.md",
      "THIRD-PARTY-LICENSES.txt",
      BUNDLE_FILE,
      "package.json",
    ]);
    const manifest = JSON.parse(readFileSync(join(installed(), "package.json"), "utf8"));
    expect(manifest).toMatchObject({
      name: "ecs-batch",
      version: JSON.parse(readFileSync(join(PROJECT_ROOT, "package.json"), "utf8")).version,
      bin: { "ecs-batch": BUNDLE_FILE },
      engines: { node: ">=20" },
    });
    expect(manifest.dependencies).toBeUndefined();
    expect(reachableNodeModules(emptyDir)).toEqual([]);
  });

  test("the installed command prints --help from an empty directory", async () => {
    const result = await runCli(["--help"], isolatedEnv(), undefined, command());

    expectExitCode(result, EXIT_CODES.success);
    expect(result.stdout).toMatch(/^Usage: ecs-batch /);
  });

  test("the installed command runs a job against moto and exits 0", () =>
    expectToRunTheJob(command()));
});
