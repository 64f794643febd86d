import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Construct } from "constructs";
import jsonata from "jsonata";
import * as catalogue from "../examples/module-catalogue";
import * as library from "../modules";
import { noticeFilterInputTemplate, TASK_NOTICE } from "../modules/failure-notification";
import { documentationPages, readPage, section } from "./docs/markdown";
import { ecsTaskStateChangeCorpus } from "./event-ruler/ecs-task-state-change-events";
import { synthesize } from "./synth";

const root = join(__dirname, "..");
const source = readFileSync(join(root, "examples", "module-catalogue.ts"), "utf8");
const pages = documentationPages().map((path) => ({ path, text: readPage(path) }));
const constructsPage = readPage("docs/constructs.md");

/** Each `// example: Name` block of the catalogue: the function that follows the marker. */
const examples = source
  .split(/^\/\/ example: /m)
  .slice(1)
  .map((block) => {
    const [name, ...body] = block.split("\n");
    return { name, code: body.join("\n").trim() };
  });

/** The constructs of the library: every exported subclass of Construct. */
const constructNames = Object.entries(library)
  .filter(([, value]) => typeof value === "function" && value.prototype instanceof Construct)
  .map(([name]) => name)
  .sort();

describe("the examples of the documentation (examples/module-catalogue.ts)", () => {
  it("have one for every construct of the library", () => {
    const named = new Set(examples.map((e) => e.name));
    expect(constructNames.filter((name) => !named.has(name))).toEqual([]);
  });

  it.each(constructNames)(
    "quote the %s example verbatim in its section of docs/constructs.md",
    (name) => {
      const example = examples.find((e) => e.name === name);
      expect(section(constructsPage, `### ${name}`)).toContain("```ts\n" + example?.code + "\n```");
    },
  );

  it.each(examples)("quote the $name example verbatim in a page of the docs", ({ code }) => {
    const quotedIn = pages.filter((page) => page.text.includes("```ts\n" + code + "\n```"));
    expect(quotedIn.map((page) => page.path)).not.toEqual([]);
  });

  it.each(Object.entries(catalogue))("%s synthesizes", (_, example) => {
    const { json } = synthesize((scope) => {
      (example as (scope: Construct) => unknown)(scope);
    });
    expect(Object.keys(json.resource ?? {}).length).toBeGreaterThan(0);
  });
});

describe("the failure notice of docs/job-management.md", () => {
  it("is what TASK_NOTICE writes for the job killed for its memory in the event corpus", async () => {
    const clusterArn = "arn:aws:ecs:ap-northeast-1:111111111111:cluster/batch-dev";
    const { event } = ecsTaskStateChangeCorpus({
      jobName: "example-batch",
      clusterArn,
    }).outOfMemory;
    const template = noticeFilterInputTemplate({
      name: "example-batch",
      environment: "dev",
      clusterArn,
      family: "example-batch",
      container: "example-batch",
      logGroupName: "/ecs-scheduled-tasks/example",
      logStreamPrefix: "batch",
      safeToRerun: true,
      rerun: "ecs-batch run example-batch --env dev",
    });
    const input = JSON.parse(template.replace("<aws.events.event.json>", JSON.stringify(event)));
    const notice = await jsonata(TASK_NOTICE).evaluate({}, { states: { input } });
    const page = readPage("docs/job-management.md");
    expect(page).toContain(`e-mail subject \`${notice.subject}\``);
    expect(page).toContain("```text\n" + notice.text + "\n```");
  });
});
