import { CloudwatchDashboard } from "@cdktf/provider-aws/lib/cloudwatch-dashboard";
import { Token } from "cdktf";
import { Construct } from "constructs";
import { runLedgerLogGroupName } from "../../contract/run-record";
import { jsonText } from "../json-text/json-text";
import { providerRegion } from "../stack-context/stack-context";
import { invalid, isUnresolved, validateField } from "../validation/construct-validation";
import { validateLogGroupName, validateTaskFamily } from "../validation/names";
import {
  DASHBOARD_START,
  MAX_ALARMS_PER_WIDGET,
  MAX_DASHBOARD_WIDGETS,
  runDashboardWidgets,
  WIDGETS_PER_JOB,
  widgetCount,
} from "./dashboard-layout";

/** A job the dashboard shows: one row of widgets. */
export interface RunDashboardJob {
  /** The job as the ledger names it (`detail.job`): its task definition family, which is its
   * `jobName`. Letters, digits, `-` and `_`. */
  readonly name: string;
}

export interface RunDashboardProps {
  /** The environment whose runs the dashboard shows, as `ecs-batch --env` takes it, e.g. "dev":
   * the header's command, and the default names. Letters, digits, `-` and `_`. */
  readonly environment: string;
  /** The dashboard's name: 1-255 letters, digits, `-` and `_`.
   * @default `<environment>-batch` */
  readonly name?: string;
  /** The environment's run ledger, the log group the widgets query.
   * @default `/aws/events/<environment>-batch-runs` ({@link runLedgerLogGroupName}) */
  readonly ledgerLogGroupName?: string;
  /** The jobs, one row of widgets each, in this order; at least one, each once. */
  readonly jobs: readonly RunDashboardJob[];
  /** ARNs of the alarms to show in alarm status widgets (100 per widget), e.g. from
   * {@link alarmArnsIn}.
   * @default no alarm widget */
  readonly alarmArns?: readonly string[];
  /** The region of the ledger.
   * @default the region of the stack's AWS provider */
  readonly region?: string;
}

const DASHBOARD_NAME = /^[A-Za-z0-9_-]{1,255}$/;
const ALARM_ARN = /^arn:aws[a-z-]*:cloudwatch:[a-z0-9-]+:\d{12}:alarm:.+$/;
const REGION = /^[a-z]{2}(-[a-z]+)+-\d+$/;

/**
 * A CloudWatch dashboard (`aws_cloudwatch_dashboard`) of an environment's runs, built from its run
 * ledger with Logs Insights widgets: a header that says how to read it, the last result of every
 * job, the state of the given alarms, and per job its runs and failures, its run time and its last
 * runs. The layout: docs/dashboards/README.md.
 *
 * A dashboard holds at most 500 widgets: 3 per job, a header, the table of last results and one
 * alarm widget per 100 alarms, so about 165 jobs. Split more jobs over several dashboards.
 */
export class RunDashboard extends Construct {
  /** The `aws_cloudwatch_dashboard`. */
  readonly resource: CloudwatchDashboard;
  readonly dashboardName: string;
  readonly dashboardArn: string;

  constructor(scope: Construct, id: string, props: RunDashboardProps) {
    super(scope, id);
    this.validateProps(props);
    const name = props.name ?? `${props.environment}-batch`;
    const alarmArns = props.alarmArns ?? [];
    const widgets = runDashboardWidgets({
      environment: props.environment,
      ledgerLogGroupName: props.ledgerLogGroupName ?? runLedgerLogGroupName(props.environment),
      region: props.region ?? providerRegion(this),
      jobs: props.jobs.map((job) => job.name),
      alarmArns,
    });

    this.resource = new CloudwatchDashboard(this, "Resource", {
      dashboardName: name,
      // Names and ARNs known only at apply stay Terraform references inside the JSON text.
      dashboardBody: jsonText({ start: DASHBOARD_START, widgets }),
    });
    this.dashboardName = this.resource.dashboardName;
    this.dashboardArn = this.resource.dashboardArn;
  }

  private validateProps(props: RunDashboardProps): void {
    validateField(this, "environment", props.environment, (environment) => {
      if (!/^[A-Za-z0-9_-]+$/.test(environment)) {
        throw new Error(
          `'${environment}' is not valid: it may contain only letters, digits, '-' and '_' (it names the dashboard and the ledger, and goes into the header's command)`,
        );
      }
    });
    const defaultName = props.name === undefined;
    validateField(
      this,
      defaultName ? "environment" : "name",
      props.name ?? `${props.environment}-batch`,
      (name) => {
        if (!DASHBOARD_NAME.test(name)) {
          throw new Error(
            `dashboard name '${name}' is not valid: it must have 1-255 letters, digits, '-' and '_'`,
          );
        }
      },
    );
    validateField(
      this,
      props.ledgerLogGroupName === undefined ? "environment" : "ledgerLogGroupName",
      props.ledgerLogGroupName ?? runLedgerLogGroupName(props.environment),
      validateLogGroupName,
    );
    validateField(this, "region", props.region, (region) => {
      if (!REGION.test(region)) {
        throw new Error(`'${region}' is not a region name, e.g. ap-northeast-1`);
      }
    });
    this.validateJobs(props.jobs);
    this.validateAlarms(props.alarmArns ?? []);

    const count = widgetCount(props.jobs.length, props.alarmArns ?? []);
    if (count > MAX_DASHBOARD_WIDGETS) {
      invalid(
        this,
        "jobs",
        `${props.jobs.length} jobs make ${count} widgets (${WIDGETS_PER_JOB} per job, the header, the table of last results and one per ${MAX_ALARMS_PER_WIDGET} alarms), and a dashboard holds at most ${MAX_DASHBOARD_WIDGETS}: split the jobs over several dashboards`,
      );
    }
  }

  private validateJobs(jobs: readonly RunDashboardJob[]): void {
    if (jobs.length === 0) {
      invalid(this, "jobs", "it is empty: give at least one job");
    }
    const seen = new Set<string>();
    jobs.forEach((job, index) => {
      validateField(this, `jobs[${index}].name`, job.name, validateTaskFamily);
      if (!isUnresolved(job.name) && seen.has(job.name)) {
        invalid(this, `jobs[${index}].name`, `job '${job.name}' is listed twice: list it once`);
      }
      seen.add(job.name);
    });
  }

  private validateAlarms(alarmArns: readonly string[]): void {
    if (Token.isUnresolved(alarmArns)) {
      return;
    }
    const seen = new Set<string>();
    alarmArns.forEach((arn, index) => {
      validateField(this, `alarmArns[${index}]`, arn, (value) => {
        if (!ALARM_ARN.test(value)) {
          throw new Error(
            `'${value}' is not a CloudWatch alarm ARN (arn:aws:cloudwatch:REGION:ACCOUNT:alarm:NAME)`,
          );
        }
      });
      if (seen.has(arn)) {
        invalid(this, `alarmArns[${index}]`, `'${arn}' is listed twice: list each alarm once`);
      }
      seen.add(arn);
    });
  }
}
