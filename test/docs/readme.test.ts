import { posix } from "node:path";
import { dev } from "../../environments/dev";
import { EnvironmentConfig, JobConfig } from "../../environments/environment-config";
import { prod } from "../../environments/prod";
import {
  containerDefinitions,
  resourceTypesOf,
  resourceWhere,
  synthEnvironment,
} from "../environments/synth-environment";
import { MISTAKEN_REPORT } from "../environments/fixtures/mistaken-environments";
import { codeBlocks, documentationPages, linksOf, readPage, section } from "./markdown";

const readme = readPage("README.md");

/** The first TypeScript block of a section: a job, written as an entry of an environment's jobs. */
function jobIn(page: string, heading: string): JobConfig {
  const [code] = codeBlocks(section(readPage(page), heading) ?? "", "ts");
  expect(code).toMatch(/^\{\n/);
  // The snippet is an object literal, as written in the jobs list: with its trailing comma.
  return new Function(`return (${code.replace(/,\s*$/, "")});`)() as JobConfig;
}

function withJob(config: EnvironmentConfig, job: JobConfig): EnvironmentConfig {
  return { ...config, jobs: [...config.jobs, job] };
}

describe("README.md, the front door", () => {
  it("is short: at most 300 lines", () => {
    expect(readme.split("\n").length).toBeLessThanOrEqual(300);
  });

  it("opens with the title, what a fresh machine needs, and the two commands", () => {
    const [title, , machine, , synth, tests] = readme.split("\n");
    expect(title).toBe("# ecs-scheduled-batch");
    expect(machine).toBe(
      "On a fresh machine (Node 20.19+, npm 11; for the tests also Python 3.11+ with venv and pip, and Java 17+ with Maven):",
    );
    expect(synth).toMatch(/^- Synthesize every environment .*: `npm ci && npm run synth`$/);
    expect(tests).toMatch(/^- Run the tests.*: `npm ci && npm test`$/);
  });

  it.each(["README.md", "docs/environments.md"])(
    "%s shows the report of a configuration with mistakes as the app prints it",
    (page) => {
      expect(readPage(page)).toContain("```text\n" + MISTAKEN_REPORT.join("\n") + "\n```");
    },
  );

  it.each(["README.md", "docs/README.md"])("%s links every page of docs/", (page) => {
    const linked = new Set(
      linksOf(readPage(page)).map((l) =>
        posix.normalize(posix.join(posix.dirname(page), l.target.split("#")[0])),
      ),
    );
    const pages = documentationPages().filter(
      (p) =>
        p.startsWith("docs/") && p !== "docs/README.md" && !/^docs\/workflows\/(?!README)/.test(p),
    );
    expect(pages.filter((p) => !linked.has(p))).toEqual([]);
  });
});

describe("the quick start's job", () => {
  const job = jobIn("README.md", "## Quick start");
  const { tf } = synthEnvironment(withJob(dev, job));

  it("is a job of dev, scheduled by EventBridge Scheduler at 03:00 Tokyo time", () => {
    expect(job.jobName).toBe("nightly-report");
    resourceWhere(tf, "aws_scheduler_schedule", {
      name: "nightly-report",
      schedule_expression: "cron(0 3 * * ? *)",
      schedule_expression_timezone: "Asia/Tokyo",
    });
  });

  it("adds what the README says the plan adds", () => {
    resourceWhere(tf, "aws_cloudwatch_log_group", { name: "/ecs-scheduled-tasks/nightly-report" });
    resourceWhere(tf, "aws_iam_role", { name: "dev-nightly-report-execution" });
    const { block } = resourceWhere(tf, "aws_ecs_task_definition", { family: "nightly-report" });
    expect([block.cpu, block.memory]).toEqual(["256", "512"]);
    expect(containerDefinitions(block)[0]).toMatchObject({ command: ["python", "-m", "report"] });
    resourceWhere(tf, "aws_iam_role", { name: "dev-nightly-report-scheduler" });
    resourceWhere(tf, "aws_sqs_queue", { name: "nightly-report-dlq" });
    resourceWhere(tf, "aws_ssm_parameter", { name: "/ecs-batch/dev/nightly-report" });
    resourceWhere(tf, "aws_cloudwatch_event_rule", { name: "nightly-report-failed" });
    expect(resourceTypesOf(tf, "nightly-report")).toContain("aws_cloudwatch_metric_alarm");
  });

  it("is planned with image_tag, which dev's stack declares", () => {
    expect(readme).toContain("npx cdktf diff dev --var image_tag=1a2b3c4");
    expect(Object.keys((tf as { variable?: object }).variable ?? {})).toContain("image_tag");
  });
});

describe("the job of 'Adding a job' in docs/environments.md", () => {
  it("is a job of prod that synthesizes, with its secret and task role", () => {
    const job = jobIn("docs/environments.md", "## Adding a job");
    const { tf } = synthEnvironment(withJob(prod, job));
    const { block } = resourceWhere(tf, "aws_ecs_task_definition", { family: "nightly-report" });
    expect(block.task_role_arn).toBe("arn:aws:iam::333333333333:role/nightly-report-task");
    expect(containerDefinitions(block)[0].secrets).toEqual([
      {
        name: "DB_PASSWORD",
        valueFrom: "arn:aws:ssm:ap-northeast-1:333333333333:parameter/report/db",
      },
    ]);
  });
});
