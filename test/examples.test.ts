import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Construct } from "constructs";
import * as catalogue from "../examples/module-catalogue";
import { synthesize } from "./synth";

const root = join(__dirname, "..");
const readme = readFileSync(join(root, "README.md"), "utf8");
const source = readFileSync(join(root, "examples", "module-catalogue.ts"), "utf8");

/** Each `// example: Name` block of the catalogue: the function that follows the marker. */
const examples = source
  .split(/^\/\/ example: /m)
  .slice(1)
  .map((block) => {
    const [name, ...body] = block.split("\n");
    return { name, code: body.join("\n").trim() };
  });

describe("the README's module catalogue", () => {
  it("has an example for every construct of the library", () => {
    expect(examples.map((e) => e.name).sort()).toEqual([
      "BatchJob",
      "BatchTaskDefinition",
      "DeadLetterQueue",
      "EcrRepository",
      "EcsEventTarget",
      "FailureTopic",
      "GithubDeployRole",
      "IamRole",
      "IamScope",
      "JobFailureNotification",
      "JobLogGroup",
      "JobWorkflow",
      "PermissionsBoundary",
      "ReleasePipeline",
      "ScheduleRule",
      "SchedulerSchedule",
    ]);
  });

  it.each(examples)("quotes the $name example verbatim", ({ code }) => {
    expect(readme).toContain(code);
  });

  it.each(Object.entries(catalogue))("%s synthesizes", (_, example) => {
    const { json } = synthesize((scope) => {
      (example as (scope: Construct) => unknown)(scope);
    });
    expect(Object.keys(json.resource ?? {}).length).toBeGreaterThan(0);
  });
});
