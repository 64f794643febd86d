import { build, type Metafile } from "esbuild";
import { execFileSync } from "node:child_process";
import {
  chmodSync,
  copyFileSync,
  mkdirSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { join, resolve } from "node:path";

/**
 * The runner as a package that installs alone: one JavaScript file with the runner, commander,
 * yaml and the AWS SDK clients in it, so a job scheduler's host needs Node and nothing else; no
 * `npm ci` of this repository (whose dependencies are mostly cdktf's, hundreds of MB).
 */

export const ROOT = resolve(__dirname, "../..");
/** Where `npm run build:runner` writes. */
export const DEFAULT_OUT_DIR = join(ROOT, "dist", "runner-package");
/** The file name of the bundle, in the package and beside it. */
export const BUNDLE_FILE = "ecs-batch.cjs";
/** Oldest Node the bundle runs on: the AWS SDK clients and commander need 20. */
export const NODE_RANGE = ">=20";

export interface RunnerPackage {
  readonly version: string;
  /** The single file: `node ecs-batch.cjs --help` runs it, with nothing else beside it. */
  readonly bundle: string;
  /** The package's directory, as `npm pack` packed it. */
  readonly packageDir: string;
  /** `ecs-batch-<version>.tgz`, for `npm install -g`. */
  readonly tarball: string;
}

/**
 * Bundles runner/cli.ts into `<outDir>/ecs-batch.cjs`, lays out the package in
 * `<outDir>/ecs-batch/` (package.json, README.md, licences, the bundle) and packs it into
 * `<outDir>/ecs-batch-<version>.tgz`. `outDir` is emptied first.
 */
export async function buildRunnerPackage(outDir = DEFAULT_OUT_DIR): Promise<RunnerPackage> {
  const version = rootPackage().version;
  rmSync(outDir, { recursive: true, force: true });
  const packageDir = join(outDir, "ecs-batch");
  mkdirSync(packageDir, { recursive: true });

  const bundle = join(outDir, BUNDLE_FILE);
  const { metafile } = await build({
    entryPoints: [join(ROOT, "runner", "cli.ts")],
    outfile: bundle,
    bundle: true,
    platform: "node",
    target: "node20",
    format: "cjs",
    // One file keeps `--help` fast all the same: esbuild wraps each module in a function run on
    // its first require or import(), so the SDK, imported only inside the commands, is parsed but
    // not run (test/runner/integration/runner-package.test.ts checks that --help loads no SDK).
    // Identifiers keep their names, so a stack trace of a bug stays readable.
    minifyWhitespace: true,
    minifySyntax: true,
    banner: { js: "#!/usr/bin/env node" },
    define: { ECS_BATCH_VERSION: JSON.stringify(version) },
    metafile: true,
    logLevel: "warning",
  });
  chmodSync(bundle, 0o755);
  copyFileSync(bundle, join(packageDir, BUNDLE_FILE));
  chmodSync(join(packageDir, BUNDLE_FILE), 0o755);

  writeFileSync(
    join(packageDir, "package.json"),
    `${JSON.stringify(packageJson(version), null, 2)}\n`,
  );
  copyFileSync(join(__dirname, "README.md"), join(packageDir, "README.md"));
  writeFileSync(join(packageDir, "THIRD-PARTY-LICENSES.txt"), thirdPartyLicenses(metafile));

  const [packed] = JSON.parse(
    execFileSync("npm", ["pack", packageDir, "--pack-destination", outDir, "--json"], {
      cwd: outDir,
      encoding: "utf8",
      stdio: ["ignore", "pipe", "pipe"],
    }),
  ) as { filename: string }[];
  return { version, bundle, packageDir, tarball: join(outDir, packed.filename) };
}

function rootPackage(): { version: string; license: string } {
  return JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
}

/** The package's package.json: no dependencies, the bundle holds them. */
export function packageJson(version: string): object {
  return {
    name: "ecs-batch",
    version,
    description:
      "Runs a batch job's ECS Fargate task for a job scheduler: waits, streams its logs, exits with its container's exit code",
    license: rootPackage().license,
    bin: { "ecs-batch": BUNDLE_FILE },
    files: [BUNDLE_FILE, "README.md", "THIRD-PARTY-LICENSES.txt"],
    engines: { node: NODE_RANGE },
  };
}

interface BundledPackage {
  readonly id: string;
  readonly license: string;
  readonly text?: string;
}

/**
 * The licence of every package whose code is in the bundle, each text once with the packages it
 * covers: the Apache-2.0 licence of the AWS SDK asks that a copy go with every redistribution.
 */
function thirdPartyLicenses(metafile: Metafile): string {
  const packageDirs = new Set<string>();
  for (const input of Object.keys(metafile.inputs)) {
    const at = input.lastIndexOf("node_modules/");
    if (at >= 0) {
      const [scope, name] = input.slice(at + "node_modules/".length).split("/");
      packageDirs.add(
        input.slice(0, at) + `node_modules/${scope.startsWith("@") ? `${scope}/${name}` : scope}`,
      );
    }
  }
  const packages: BundledPackage[] = [...packageDirs].sort().map((dir) => {
    const path = join(ROOT, dir);
    const manifest = JSON.parse(readFileSync(join(path, "package.json"), "utf8"));
    const file = readdirSync(path).find((f) => /^licen[cs]e(\.|$)/i.test(f));
    return {
      id: `${manifest.name}@${manifest.version}`,
      license: String(manifest.license),
      ...(file !== undefined ? { text: readFileSync(join(path, file), "utf8").trim() } : {}),
    };
  });
  // A package without a licence file takes the text of another package under the same licence.
  const textOf = (p: BundledPackage) =>
    p.text ?? packages.find((other) => other.license === p.license && other.text)?.text ?? "";
  const groups = new Map<string, string[]>();
  for (const p of packages) {
    const key = `${p.license}\n${textOf(p)}`;
    groups.set(key, [...(groups.get(key) ?? []), p.id]);
  }
  const sections = [...groups].map(([key, ids]) => {
    const [license, ...text] = key.split("\n");
    return `${ids.join(", ")}\n(${license})\n\n${text.join("\n")}\n`;
  });
  return [
    "ecs-batch.cjs contains the code of these packages, under these licences.\n",
    ...sections,
  ].join(`\n${"-".repeat(78)}\n\n`);
}
