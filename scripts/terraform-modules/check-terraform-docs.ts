// `npm run check:terraform-docs`: checks that the Inputs and Outputs tables of the modules'
// READMEs are terraform-docs' own. For each module it copies main.tf.json and the README, with
// the tables taken out from between terraform-docs' markers, to a temporary folder, runs
// terraform-docs (built by scripts/setup-terraform-docs.sh) there with
// terraform-modules/.terraform-docs.yml, formats the result with Prettier as the repository does,
// and compares it with the committed README. Exits 1 on any difference.
import { execFileSync } from "node:child_process";
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import * as prettier from "prettier";
import { MODULES_DIR, TERRAFORM_MODULES } from "./build";
import { TF_DOCS_BEGIN, TF_DOCS_END } from "./readme";

const root = join(__dirname, "..", "..");
const terraformDocs = join(root, ".tools", "terraform-docs");
const config = join(root, MODULES_DIR, ".terraform-docs.yml");

/** The README with nothing between terraform-docs' markers. */
function withoutTables(readme: string): string {
  const begin = readme.indexOf(TF_DOCS_BEGIN);
  const end = readme.indexOf(TF_DOCS_END);
  if (begin < 0 || end < begin) {
    throw new Error(`the README has no ${TF_DOCS_BEGIN} ... ${TF_DOCS_END}`);
  }
  return readme.slice(0, begin + TF_DOCS_BEGIN.length) + "\n" + readme.slice(end);
}

async function main(): Promise<number> {
  const version = execFileSync(terraformDocs, ["--version"], { encoding: "utf8" }).trim();
  const options = (await prettier.resolveConfig(join(root, "README.md"))) ?? {};
  const work = mkdtempSync(join(tmpdir(), "terraform-docs-"));
  let failed = 0;
  try {
    for (const { name } of TERRAFORM_MODULES) {
      const source = join(root, MODULES_DIR, name);
      const copy = join(work, name);
      mkdirSync(copy);
      copyFileSync(join(source, "main.tf.json"), join(copy, "main.tf.json"));
      const committed = readFileSync(join(source, "README.md"), "utf8");
      writeFileSync(join(copy, "README.md"), withoutTables(committed));
      execFileSync(terraformDocs, ["-c", config, copy], { stdio: "pipe" });
      const written = await prettier.format(readFileSync(join(copy, "README.md"), "utf8"), {
        ...options,
        parser: "markdown",
      });
      if (!written.includes("## Inputs") || written === withoutTables(committed)) {
        throw new Error(`terraform-docs wrote no tables into ${name}/README.md`);
      }
      if (written === committed) {
        console.log(`check-terraform-docs: ${MODULES_DIR}/${name}/README.md: the same`);
        continue;
      }
      failed++;
      const ours = committed.split("\n");
      const theirs = written.split("\n");
      console.log(`check-terraform-docs: ${MODULES_DIR}/${name}/README.md differs:`);
      for (let i = 0; i < Math.max(ours.length, theirs.length); i++) {
        if (ours[i] !== theirs[i]) {
          console.log(
            `  line ${i + 1}\n    ours:           ${ours[i]}\n    terraform-docs: ${theirs[i]}`,
          );
        }
      }
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  console.log(
    failed === 0
      ? `check-terraform-docs: ${version} writes the tables of all ${TERRAFORM_MODULES.length} modules as they are`
      : `check-terraform-docs: ${failed} of ${TERRAFORM_MODULES.length} modules differ from ${version}`,
  );
  return failed === 0 ? 0 : 1;
}

main().then(
  (code) => (process.exitCode = code),
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
