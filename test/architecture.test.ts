import { existsSync, readdirSync, readFileSync, statSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";
import { spawnSync } from "node:child_process";
import ts from "typescript";

/*
 * The parts depend one way: the library (modules/) and the runner (runner/) share only the run
 * contract (contract/), the environments build on the library, and no file imports itself through
 * others. `npm run lint` enforces it with eslint-plugin-import-x (no-restricted-paths, no-cycle);
 * these tests show that the lint fails on a violation, and look for cycles through type-only
 * imports too, which import-x's no-cycle does not follow.
 */

const ROOT = resolve(__dirname, "..");
const PARTS = ["contract", "modules", "runner", "environments"];

function sourceFiles(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) {
      return sourceFiles(path);
    }
    return path.endsWith(".ts") && !path.endsWith(".d.ts") ? [path] : [];
  });
}

/** Every relative import of a file (value and type imports), resolved to a file. */
function importsOf(file: string): string[] {
  const { importedFiles } = ts.preProcessFile(readFileSync(file, "utf8"), true, true);
  return importedFiles
    .map((imported) => imported.fileName)
    .filter((name) => name.startsWith("."))
    .map((name) => resolve(dirname(file), name))
    .map((base) =>
      [`${base}.ts`, join(base, "index.ts")].find((candidate) => existsSync(candidate)),
    )
    .filter((found): found is string => found !== undefined);
}

describe("the import graph", () => {
  const files = [...PARTS.flatMap((part) => sourceFiles(join(ROOT, part))), join(ROOT, "main.ts")];
  const graph = new Map(files.map((file) => [file, importsOf(file)]));
  const name = (file: string) => relative(ROOT, file);

  it("has no cycle, type-only imports included", () => {
    const cycles: string[] = [];
    const done = new Set<string>();
    const path: string[] = [];
    const visit = (file: string) => {
      if (done.has(file)) {
        return;
      }
      const at = path.indexOf(file);
      if (at >= 0) {
        cycles.push([...path.slice(at), file].map(name).join(" -> "));
        return;
      }
      path.push(file);
      for (const next of graph.get(file) ?? []) {
        visit(next);
      }
      path.pop();
      done.add(file);
    };
    files.forEach(visit);
    expect(cycles).toEqual([]);
  });

  it.each<[string, string[]]>([
    ["contract", ["modules", "runner", "environments"]],
    ["modules", ["runner", "environments"]],
    ["runner", ["modules", "environments"]],
    ["environments", ["runner"]],
  ])("keeps %s from importing %s", (part, forbidden) => {
    const crossings = [...graph.entries()]
      .filter(([file]) => name(file).startsWith(`${part}/`))
      .flatMap(([file, imports]) =>
        imports
          .filter((imported) => forbidden.some((f) => name(imported).startsWith(`${f}/`)))
          .map((imported) => `${name(file)} -> ${name(imported)}`),
      );
    expect(crossings).toEqual([]);
  });
});

describe("npm run lint", () => {
  /** The rules `npm run lint`'s eslint breaks with this code as the file (stdin, not written). */
  const ruleIds = async (code: string, file: string): Promise<string[]> => {
    const eslint = spawnSync(
      join(ROOT, "node_modules/.bin/eslint"),
      ["--stdin", "--stdin-filename", file, "--format", "json"],
      { cwd: ROOT, input: code, encoding: "utf8" },
    );
    const results = JSON.parse(eslint.stdout) as { messages: { ruleId: string }[] }[];
    return results.flatMap((result) => result.messages).map((message) => message.ruleId);
  };

  it("passes an import of the contract in the library", async () => {
    expect(
      await ruleIds(
        'import { JOB_TAG_KEY } from "../../contract/job-run-spec";\nexport const x = JOB_TAG_KEY;\n',
        "modules/iam-role/new-file.ts",
      ),
    ).toEqual([]);
  });

  it("fails on an import of the runner in the library", async () => {
    expect(
      await ruleIds(
        'import { runCli } from "../../runner/cli";\nexport const x = runCli;\n',
        "modules/iam-role/new-file.ts",
      ),
    ).toContain("import-x/no-restricted-paths");
  });

  it("fails on an import of the library in the runner", async () => {
    expect(
      await ruleIds(
        'import { IamRole } from "../modules/iam-role/iam-role";\nexport const x = IamRole;\n',
        "runner/new-file.ts",
      ),
    ).toContain("import-x/no-restricted-paths");
  });

  it("fails on a new import cycle", async () => {
    // batch-job imports the runner parameter module; importing batch-job back closes a cycle.
    expect(
      await ruleIds(
        'import { BatchJob } from "./batch-job";\nexport const x = BatchJob;\n',
        "modules/batch-job/runner-parameter.ts",
      ),
    ).toContain("import-x/no-cycle");
  }, 30_000);
});
