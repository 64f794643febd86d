import { readFileSync } from "node:fs";
import { join } from "node:path";
import { Construct } from "constructs";
import jsonata from "jsonata";
import * as catalogue from "../examples/module-catalogue";
import { noticeFilterInputTemplate, TASK_NOTICE } from "../modules/failure-notification";
import { ecsTaskStateChangeCorpus } from "./event-ruler/ecs-task-state-change-events";
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

describe("the README's failure notice", () => {
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
    expect(readme).toContain(`e-mail subject \`${notice.subject}\``);
    expect(readme).toContain("```text\n" + notice.text + "\n```");
  });
});
