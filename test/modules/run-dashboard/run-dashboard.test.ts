import { CloudwatchCompositeAlarm } from "@cdktf/provider-aws/lib/cloudwatch-composite-alarm";
import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { CloudwatchMetricAlarm } from "@cdktf/provider-aws/lib/cloudwatch-metric-alarm";
import { TerraformVariable } from "cdktf";
import { Construct } from "constructs";
import { alarmArnsIn, RunDashboard, RunDashboardProps } from "../../../modules";
import { renderAttributes } from "../../event-ruler/notice-paths";
import { emptyStack, onlyResource, synthesize, TerraformJson } from "../../synth";
import { checkWidgetQuery } from "./logs-insights-query";
import { runRecordFields } from "./run-record-fields";

interface Widget {
  type: string;
  x: number;
  y: number;
  width: number;
  height: number;
  properties: { title?: string; query?: string; view?: string; alarms?: string[]; region?: string };
}

interface Body {
  start: string;
  widgets: Widget[];
}

const jobs = [{ name: "example-batch" }, { name: "extract-sales" }, { name: "build-sales-report" }];

/** A metric alarm named `name`, as the jobs' and workflows' alarms are made. */
function alarm(scope: Construct, name: string): CloudwatchMetricAlarm {
  return new CloudwatchMetricAlarm(scope, name, {
    alarmName: name,
    namespace: "AWS/Events",
    metricName: "FailedInvocations",
    statistic: "Sum",
    period: 300,
    evaluationPeriods: 1,
    threshold: 1,
    comparisonOperator: "GreaterThanOrEqualToThreshold",
  });
}

/** The dashboard's body with Terraform's references filled in as the scan's filler does. */
function renderedBody(json: TerraformJson): Body {
  const rendered = renderAttributes(json, ["aws_cloudwatch_dashboard.dashboard_body"]);
  const bodies = Object.values(rendered.aws_cloudwatch_dashboard ?? {});
  expect(bodies).toHaveLength(1);
  return JSON.parse(bodies[0].dashboard_body) as Body;
}

/** The body of a dashboard that holds no references, parsed as it is. */
function plainBody(props: Omit<RunDashboardProps, "region"> & { region?: string }): Body {
  const { json } = synthesize(
    (scope) => new RunDashboard(scope, "Dashboard", { region: "ap-northeast-1", ...props }),
  );
  return JSON.parse(onlyResource(json, "aws_cloudwatch_dashboard").dashboard_body as string);
}

const logWidgets = (body: Body) => body.widgets.filter((w) => w.type === "log");
const alarmWidgets = (body: Body) => body.widgets.filter((w) => w.type === "alarm");

describe("RunDashboard", () => {
  describe("in a stack with alarms", () => {
    let json: TerraformJson;
    let text: string;
    let body: Body;
    beforeAll(() => {
      ({ json, text } = synthesize((scope) => {
        alarm(scope, "example-batch-start-failed");
        alarm(scope, "example-batch-runs-not-started");
        new RunDashboard(scope, "Dashboard", {
          environment: "dev",
          jobs,
          alarmArns: alarmArnsIn(scope),
        });
      }));
      body = renderedBody(json);
    });

    it("makes one dashboard named <environment>-batch, opening on the last 24 hours", () => {
      expect(text).toHaveResourceWithProperties(CloudwatchDashboard, {
        dashboard_name: "dev-batch",
      });
      expect(body.start).toBe("-PT24H");
    });

    it("has a body that is JSON once Terraform fills in the region and the alarm ARNs", () => {
      expect(logWidgets(body).map((w) => w.properties.region)).toEqual(
        Array(1 + 3 * jobs.length).fill("ap-northeast-1"),
      );
      expect(alarmWidgets(body).map((w) => w.properties.alarms)).toEqual([
        [
          "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:example-batch-start-failed",
          "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:example-batch-runs-not-started",
        ],
      ]);
    });

    it("queries the environment's run ledger in every log widget", () => {
      for (const widget of logWidgets(body)) {
        expect(checkWidgetQuery(widget.properties.query!).sources).toEqual([
          "/aws/events/dev-batch-runs",
        ]);
      }
    });

    it("gives every job a row: runs and failures, run time, and its last runs", () => {
      for (const { name } of jobs) {
        const own = logWidgets(body).filter((w) =>
          w.properties.query!.includes(`detail.job = "${name}"`),
        );
        expect(own.map((w) => [w.properties.title, w.properties.view])).toEqual([
          [`${name}: runs and failures per hour`, "timeSeries"],
          [`${name}: run time in seconds (average, longest)`, "timeSeries"],
          [`${name}: last 5 runs, newest first`, "table"],
        ]);
        expect(new Set(own.map((w) => w.y)).size).toBe(1);
        expect(own.reduce((width, w) => width + w.width, 0)).toBe(24);
      }
    });

    it("opens with a header that says how to read it and the command that prints the same", () => {
      const [header] = body.widgets;
      expect(header).toMatchObject({ type: "text", x: 0, y: 0, width: 24 });
      const markdown = (header.properties as { markdown: string }).markdown;
      expect(markdown).toContain("`/aws/events/dev-batch-runs`");
      expect(markdown).toContain("`ecs-batch history --all --env dev --since 24h`");
    });

    it("shows the last result of every job in one table beside the alarms", () => {
      const [, overview, alarms] = body.widgets;
      expect(overview).toMatchObject({ type: "log", x: 0, width: 16 });
      expect(overview.properties).toMatchObject({
        title: "Last result of every job",
        view: "table",
      });
      expect(overview.properties.query).toMatch(/\| dedup job$/);
      expect(alarms).toMatchObject({ type: "alarm", x: 16, y: overview.y, width: 8 });
    });

    it("lays every widget on the 24-column grid, none over another", () => {
      for (const w of body.widgets) {
        expect(w.x).toBeGreaterThanOrEqual(0);
        expect(w.width).toBeGreaterThanOrEqual(1);
        expect(w.x + w.width).toBeLessThanOrEqual(24);
        expect(w.height).toBeGreaterThanOrEqual(1);
        expect(w.height).toBeLessThanOrEqual(1000);
      }
      const overlapping = body.widgets.flatMap((a, i) =>
        body.widgets
          .slice(i + 1)
          .filter(
            (b) =>
              a.x < b.x + b.width &&
              b.x < a.x + a.width &&
              a.y < b.y + b.height &&
              b.y < a.y + a.height,
          )
          .map((b) => `${a.properties.title} / ${b.properties.title}`),
      );
      expect(overlapping).toEqual([]);
    });

    it("asks Logs Insights only queries it can parse, charts grouped by bin() alone", () => {
      for (const widget of logWidgets(body)) {
        expect(() =>
          checkWidgetQuery(widget.properties.query!, widget.properties.view),
        ).not.toThrow();
      }
    });

    it("reads only fields that a run record has (contract/run-record.ts), and @timestamp", () => {
      const recordFields = runRecordFields();
      expect(recordFields).toEqual(expect.arrayContaining(["job", "status", "taskId"]));
      const read = new Set(
        logWidgets(body).flatMap(
          (w) => checkWidgetQuery(w.properties.query!, w.properties.view).logFields,
        ),
      );
      const unknown = [...read].filter(
        (field) => field !== "@timestamp" && !recordFields.includes(field.replace(/^detail\./, "")),
      );
      expect(unknown).toEqual([]);
      expect([...read].filter((f) => f.startsWith("detail.")).length).toBeGreaterThan(5);
    });
  });

  it("takes the ledger's name as a reference to its log group, valid once Terraform fills it in", () => {
    const { json } = synthesize((scope) => {
      const ledger = new CloudwatchLogGroup(scope, "Ledger", { name: "/aws/events/qa-batch-runs" });
      new RunDashboard(scope, "Dashboard", {
        environment: "qa",
        ledgerLogGroupName: ledger.name,
        region: "eu-west-1",
        jobs: [{ name: "nightly" }],
      });
    });
    const raw = onlyResource(json, "aws_cloudwatch_dashboard").dashboard_body as string;
    expect(raw).toContain("SOURCE '${aws_cloudwatch_log_group.Ledger.name}' |");
    const body = renderedBody(json);
    expect(logWidgets(body).map((w) => checkWidgetQuery(w.properties.query!).sources)).toEqual(
      Array(4).fill(["/aws/events/qa-batch-runs"]),
    );
    expect(logWidgets(body).map((w) => w.properties.region)).toEqual(Array(4).fill("eu-west-1"));
  });

  it("takes another name", () => {
    const { text } = synthesize(
      (scope) =>
        new RunDashboard(scope, "Dashboard", { environment: "dev", name: "dev-runs", jobs }),
    );
    expect(text).toHaveResourceWithProperties(CloudwatchDashboard, { dashboard_name: "dev-runs" });
  });

  it("has no alarm widget without alarms, and the table of last results spans the grid", () => {
    const body = plainBody({ environment: "dev", jobs });
    expect(alarmWidgets(body)).toEqual([]);
    expect(body.widgets[1]).toMatchObject({ type: "log", x: 0, width: 24 });
  });

  it("lists exactly the given alarms, 100 per widget, in their order", () => {
    const alarmArns = Array.from(
      { length: 250 },
      (_, i) => `arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:alarm-${i}`,
    );
    const widgets = alarmWidgets(plainBody({ environment: "dev", jobs, alarmArns }));
    expect(widgets.map((w) => w.properties.alarms!.length)).toEqual([100, 100, 50]);
    expect(widgets.flatMap((w) => w.properties.alarms)).toEqual(alarmArns);
    expect(widgets.map((w) => w.properties.title)).toEqual([
      "Alarms (1 of 3)",
      "Alarms (2 of 3)",
      "Alarms (3 of 3)",
    ]);
  });

  it("writes a list of alarms known only at apply as Terraform's JSON of it, in one widget", () => {
    const { json } = synthesize((scope) => {
      const arns = new TerraformVariable(scope, "alarm_arns", { type: "list(string)" });
      new RunDashboard(scope, "Dashboard", {
        environment: "dev",
        region: "ap-northeast-1",
        jobs,
        alarmArns: arns.listValue,
      });
    });
    const raw = onlyResource(json, "aws_cloudwatch_dashboard").dashboard_body as string;
    expect(raw).toContain('"alarms":${jsonencode(var.alarm_arns)}');
  });

  it("holds 166 jobs without alarms: 500 widgets, the most a dashboard takes", () => {
    const many = Array.from({ length: 166 }, (_, i) => ({ name: `job-${i}` }));
    const body = plainBody({ environment: "dev", jobs: many });
    expect(body.widgets).toHaveLength(500);
    expect(new Set(logWidgets(body).map((w) => w.properties.title)).size).toBe(1 + 3 * 166);
  });

  describe("alarmArnsIn", () => {
    it("finds the metric and composite alarms of a scope and below it, in tree order", () => {
      const { json } = synthesize((scope) => {
        const environment = new Construct(scope, "dev");
        alarm(new Construct(environment, "job"), "job-start-failed");
        new CloudwatchCompositeAlarm(environment, "Both", {
          alarmName: "both",
          alarmRule: "ALARM(job-start-failed)",
        });
        alarm(scope, "elsewhere");
        new RunDashboard(environment, "Dashboard", {
          environment: "dev",
          region: "ap-northeast-1",
          jobs,
          alarmArns: alarmArnsIn(environment),
        });
      });
      // The references as they are: the scan's filler knows no composite alarm ARN.
      const body = JSON.parse(
        onlyResource(json, "aws_cloudwatch_dashboard").dashboard_body as string,
      ) as Body;
      expect(alarmWidgets(body).map((w) => w.properties.alarms)).toEqual([
        [
          expect.stringMatching(
            /^\$\{aws_cloudwatch_metric_alarm\.dev_job_job-start-failed_\w+\.arn\}$/,
          ),
          expect.stringMatching(/^\$\{aws_cloudwatch_composite_alarm\.dev_Both_\w+\.arn\}$/),
        ],
      ]);
    });
  });

  describe("validation", () => {
    const valid: RunDashboardProps = { environment: "dev", jobs };
    const arn = "arn:aws:cloudwatch:ap-northeast-1:123456789012:alarm:a";
    it.each<[string, Partial<RunDashboardProps>, RegExp]>([
      ["no job", { jobs: [] }, /test\/Dashboard: jobs: it is empty: give at least one job/],
      [
        "a job name with a space",
        { jobs: [{ name: "a" }, { name: "b c" }] },
        /test\/Dashboard: jobs\[1\]\.name: task definition family 'b c' may contain only letters, digits, '-' and '_'/,
      ],
      [
        "a job name with a quote, which would end the query's string",
        { jobs: [{ name: 'a"b' }] },
        /jobs\[0\]\.name: task definition family 'a"b' may contain only/,
      ],
      [
        "a job listed twice",
        { jobs: [{ name: "a" }, { name: "b" }, { name: "a" }] },
        /test\/Dashboard: jobs\[2\]\.name: job 'a' is listed twice: list it once/,
      ],
      [
        "more widgets than a dashboard holds",
        {
          jobs: Array.from({ length: 166 }, (_, i) => ({ name: `job-${i}` })),
          alarmArns: [arn],
        },
        /test\/Dashboard: jobs: 166 jobs make 501 widgets \(3 per job, the header, the table of last results and one per 100 alarms\), and a dashboard holds at most 500: split the jobs over several dashboards/,
      ],
      [
        "an environment with a space",
        { environment: "my env" },
        /test\/Dashboard: environment: 'my env' is not valid: it may contain only letters, digits, '-' and '_'/,
      ],
      [
        "an environment too long for the dashboard's name",
        { environment: "e".repeat(250) },
        /test\/Dashboard: environment: dashboard name 'e{250}-batch' is not valid: it must have 1-255/,
      ],
      [
        "a dashboard name with a dot",
        { name: "dev.batch" },
        /test\/Dashboard: name: dashboard name 'dev.batch' is not valid/,
      ],
      [
        "a ledger name with a quote",
        { ledgerLogGroupName: "/aws/events/it's" },
        /test\/Dashboard: ledgerLogGroupName: log group name '\/aws\/events\/it's' may contain only/,
      ],
      [
        "a region that is not one",
        { region: "Tokyo" },
        /test\/Dashboard: region: 'Tokyo' is not a region name/,
      ],
      [
        "an alarm name instead of its ARN",
        { alarmArns: [arn, "example-batch-start-failed"] },
        /test\/Dashboard: alarmArns\[1\]: 'example-batch-start-failed' is not a CloudWatch alarm ARN/,
      ],
      [
        "an alarm listed twice",
        { alarmArns: [arn, arn] },
        /test\/Dashboard: alarmArns\[1\]: '.*alarm:a' is listed twice/,
      ],
    ])("rejects %s", (_, overrides, message) => {
      expect(() => new RunDashboard(emptyStack(), "Dashboard", { ...valid, ...overrides })).toThrow(
        message,
      );
    });
  });
});
