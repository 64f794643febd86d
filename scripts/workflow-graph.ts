// `npm run graph`: writes docs/workflows/, a Mermaid diagram of every workflow of every
// environment. The pages are committed; a test fails when they differ from what this writes.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { environments } from "../environments";
import { WORKFLOWS_DIR, workflowPages } from "./workflow-docs/workflow-pages";

async function main(): Promise<void> {
  const root = join(__dirname, "..");
  const pages = await workflowPages(environments);

  // Pages of environments that no longer have workflows; the folder holds nothing else.
  const dir = join(root, WORKFLOWS_DIR);
  if (existsSync(dir)) {
    for (const file of readdirSync(dir)) {
      const path = `${WORKFLOWS_DIR}/${file}`;
      if (file.endsWith(".md") && !pages.has(path)) {
        rmSync(join(root, path));
        console.log(`removed ${path}`);
      }
    }
  }
  mkdirSync(dir, { recursive: true });
  for (const [path, text] of pages) {
    writeFileSync(join(root, path), text);
    console.log(`wrote ${path}`);
  }
}

main().catch((error: Error) => {
  console.error(`npm run graph: ${error.message}`);
  process.exitCode = 1;
});
