import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { environments } from "../../environments";
import { WORKFLOWS_DIR, workflowPages } from "../../scripts/workflow-docs/workflow-pages";

const root = join(__dirname, "..", "..");
const FIX = "run npm run graph and commit docs/workflows/";

describe("docs/workflows/ in the repository", () => {
  let pages: Map<string, string>;
  beforeAll(async () => {
    pages = await workflowPages(environments);
  });

  it("holds a page for each environment with workflows, and the index", () => {
    const withWorkflows = environments.filter((e) => (e.workflows ?? []).length > 0);
    expect(withWorkflows.length).toBeGreaterThan(0);
    expect([...pages.keys()]).toEqual([
      ...withWorkflows.map((e) => `${WORKFLOWS_DIR}/${e.name}.md`),
      `${WORKFLOWS_DIR}/README.md`,
    ]);
  });

  it("holds what npm run graph writes now", () => {
    const stale = [...pages]
      .filter(([path, text]) => {
        const onDisk = existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : "";
        return onDisk !== text;
      })
      .map(([path]) => path);
    if (stale.length > 0) {
      throw new Error(`${stale.join(", ")} differ from what the environments draw now: ${FIX}`);
    }
  });

  it("holds no page that is no longer written", () => {
    const extra = readdirSync(join(root, WORKFLOWS_DIR))
      .map((file) => `${WORKFLOWS_DIR}/${file}`)
      .filter((path) => path.endsWith(".md") && !pages.has(path));
    if (extra.length > 0) {
      throw new Error(`${extra.join(", ")} are not written any more: ${FIX}`);
    }
  });
});

describe("workflowPages", () => {
  it("names the environment and workflow of a workflow that cannot be drawn", async () => {
    const broken = {
      ...environments[0],
      workflows: [{ workflowName: "loop", jobs: [{ job: "a", dependsOn: ["a"] }] }],
    };
    await expect(workflowPages([broken])).rejects.toThrow(
      `${broken.name}/loop: jobs: job 'a' depends on itself`,
    );
  });

  it("lists an environment without workflows in the index, with no page of its own", async () => {
    const none = { ...environments[0], name: "qa", workflows: [] };
    const pages = await workflowPages([none]);
    expect([...pages.keys()]).toEqual([`${WORKFLOWS_DIR}/README.md`]);
    expect(pages.get(`${WORKFLOWS_DIR}/README.md`)).toContain("- qa: no workflows\n");
  });
});
