import { spawnSync } from "child_process";
import { existsSync, readdirSync } from "fs";
import { join } from "path";
import { App, Testing } from "cdktf";
import { dev } from "../../environments/dev";
import { EnvironmentConfig } from "../../environments/environment-config";
import { EnvironmentConfigError } from "../../environments/environment-validation";
import { environments } from "../../environments";
import { synthEnvironments } from "../../environments/environments-app";
import { ValidationError } from "../../modules/validation/construct-validation";
import { MISTAKEN_REPORT, mistakenEnvironments } from "./fixtures/mistaken-environments";

const root = join(__dirname, "../..");

/** Runs the environments' app on `configs` in a test app; what it wrote and where. */
function run(configs: readonly EnvironmentConfig[], debug = false) {
  let written = "";
  let app: App | undefined;
  const code = synthEnvironments(configs, {
    debug,
    write: (text) => {
      written += text;
    },
    app: (context) => (app = Testing.app({ context })),
  });
  const stacksDir = join(app!.outdir, "stacks");
  const stacks = existsSync(stacksDir) ? readdirSync(stacksDir).sort() : [];
  return { code, lines: written.split("\n").slice(0, -1), stacks };
}

describe("the environments' app", () => {
  it("synthesizes the shipped environments, two stacks each", () => {
    const { code, lines, stacks } = run(environments);
    expect({ code, lines }).toEqual({ code: 0, lines: [] });
    expect(stacks).toEqual(["dev", "dev-release", "prod", "prod-release", "stg", "stg-release"]);
  });

  describe("with mistakes in several places of several environments", () => {
    const result = run(mistakenEnvironments);

    it("reports every one of them at once, one line each, under a heading with their count", () => {
      expect(result.lines).toEqual(MISTAKEN_REPORT);
    });

    it("exits 1 and synthesizes nothing", () => {
      expect(result.code).toBe(1);
      expect(result.stacks).toEqual([]);
    });
  });

  it("reports what keeps a config from being built, beside the other environments' problems", () => {
    const broken = {
      ...dev,
      name: "qa",
      network: undefined,
      cluster: undefined,
    } as unknown as EnvironmentConfig;
    const { code, lines } = run([broken, mistakenEnvironments[1]]);
    expect(code).toBe(1);
    expect(lines).toEqual([
      "ecs-batch: 3 problems in the environments' configuration; nothing was synthesized:",
      "  qa: network: missing: give subnets and security groups",
      "  qa: cluster: missing: give create or existing",
      expect.stringMatching(
        /^ {2}stg\/example-batch\/Rule: scheduleExpression: .*rate\(5 minutes\)$/,
      ),
      expect.stringMatching(/^Fix them/),
    ]);
  });

  it("reports environments that clash, and a workflow beyond repair, with the rest", () => {
    const cyclic: EnvironmentConfig = {
      ...dev,
      workflows: [
        {
          workflowName: "nightly-sales",
          jobs: [
            { job: "extract-sales", dependsOn: ["build-sales-report"] },
            { job: "build-sales-report", dependsOn: ["extract-sales"] },
          ],
        },
      ],
    };
    const { lines } = run([cyclic, { ...mistakenEnvironments[1], name: "dev-eu" }]);
    expect(lines).toEqual([
      "ecs-batch: 3 problems in the environments' configuration; nothing was synthesized:",
      expect.stringMatching(/^ {2}dev-eu: name: it starts with 'dev-', the name prefix of/),
      expect.stringMatching(
        /^ {2}dev\/nightly-sales: jobs: jobs 'extract-sales' -> 'build-sales-report' -> 'extract-sales' form a cycle/,
      ),
      expect.stringMatching(/^ {2}dev-eu\/example-batch\/Rule: scheduleExpression: /),
      expect.stringMatching(/^Fix them/),
    ]);
  });

  it("throws the first problem where it is found when debugging (ECS_BATCH_DEBUG=1)", () => {
    expect(() => run(mistakenEnvironments, true)).toThrow(EnvironmentConfigError);
    expect(() => run([mistakenEnvironments[1]], true)).toThrow(ValidationError);
  });

  it("throws an error that is not a problem of the input (a bug), with its stack", () => {
    const config = { ...dev };
    Object.defineProperty(config, "jobs", {
      get: () => {
        throw new TypeError("a bug");
      },
    });
    expect(() => run([config])).toThrow(TypeError);
  });
});

describe("cdktf's app command on mistaken environments (a process, as cdktf synth runs it)", () => {
  const app = (env: Record<string, string> = {}) =>
    spawnSync(
      process.execPath,
      ["--require", "tsx/cjs", "test/environments/fixtures/mistaken-app.ts"],
      { cwd: root, encoding: "utf8", env: { ...process.env, ...env } },
    );

  it("prints the report alone: no source line, no stack trace; exits 1", () => {
    const { status, stdout, stderr } = app();
    expect(status).toBe(1);
    expect(stdout).toBe("");
    expect(stderr.split("\n").slice(0, -1)).toEqual(MISTAKEN_REPORT);
    expect(Math.max(...stderr.split("\n").map((line) => line.length))).toBeLessThan(200);
  }, 60_000);

  it("shows the first problem's stack trace, in TypeScript lines, with ECS_BATCH_DEBUG=1", () => {
    const { status, stderr } = app({ ECS_BATCH_DEBUG: "1" });
    expect(status).not.toBe(0);
    expect(stderr).toContain("EnvironmentConfigError: environment 'dev': backend.s3.bucket:");
    expect(stderr).toMatch(/at .*environments\/environment-validation\.ts:\d+:\d+/);
  }, 60_000);
});
