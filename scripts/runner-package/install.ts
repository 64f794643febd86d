import { execFileSync } from "node:child_process";
import { delimiter, dirname, join } from "node:path";

/**
 * The runner package as a scheduler's host installs and runs it, for the test and the bench that
 * check that it needs nothing else.
 */

/**
 * `base` as a host that has only Node and the runner would give it: no NODE_PATH, NODE_OPTIONS or
 * npm settings, `home` as HOME (no ~/.node_modules), and node on the PATH for the command's
 * `#!/usr/bin/env node`.
 */
export function hostEnvironment(base: NodeJS.ProcessEnv, home: string): NodeJS.ProcessEnv {
  const kept = Object.entries(base).filter(
    ([name]) => !/^(npm_|NODE_PATH$|NODE_OPTIONS$)/i.test(name),
  );
  return {
    ...Object.fromEntries(kept),
    HOME: home,
    PATH: `${dirname(process.execPath)}${delimiter}${base.PATH ?? ""}`,
  };
}

/**
 * `npm install -g --prefix <prefix> <tarball>`, offline, with its own empty cache and a registry
 * that does not answer: it fails if the package needs anything but the tarball. Returns the
 * installed command.
 */
export function installGlobally(
  tarball: string,
  prefix: string,
  options: { readonly cwd: string; readonly env: NodeJS.ProcessEnv; readonly cache: string },
): string {
  execFileSync(
    "npm",
    ["install", "--global", "--prefix", prefix, "--offline", "--cache", options.cache].concat([
      "--registry",
      "http://127.0.0.1:9/",
      "--no-audit",
      "--no-fund",
      tarball,
    ]),
    { cwd: options.cwd, env: options.env, stdio: "pipe" },
  );
  return join(prefix, "bin", "ecs-batch");
}

/** The directory `npm install -g --prefix <prefix>` installs the package into. */
export function installedPackageDir(prefix: string): string {
  return join(prefix, "lib", "node_modules", "ecs-batch");
}
