import { Token } from "cdktf";
import {
  CHART_BIN,
  durationCommands,
  LAST_RUNS,
  lastResultsCommands,
  lastRunsCommands,
  runsAndFailuresCommands,
  widgetQuery,
} from "./ledger-queries";

/*
 * Where each widget of a run dashboard goes on CloudWatch's grid, 24 columns wide, from the top:
 *
 *   header (text, full width)
 *   last result of every job (table)          | alarms (one widget per 100 alarms, stacked)
 *   per job, one row: runs and failures | duration | last runs (table)
 */

/** A dashboard holds at most 500 widgets (Dashboard Body Structure and Syntax). */
export const MAX_DASHBOARD_WIDGETS = 500;

/** An alarm status widget lists 1-100 alarms. */
export const MAX_ALARMS_PER_WIDGET = 100;

/** The dashboard's grid is 24 columns wide. */
export const GRID_COLUMNS = 24;

/** Widgets per job: runs and failures, duration, last runs. */
export const WIDGETS_PER_JOB = 3;

/** The time range the dashboard opens with: the last day, as `ecs-batch history --since 24h`. */
export const DASHBOARD_START = "-PT24H";

const HEADER_HEIGHT = 6;
const JOB_ROW_HEIGHT = 6;
const ALARMS_WIDTH = 8;
/** Runs and failures, duration, last runs: 7 + 7 + 10 columns. */
const JOB_COLUMNS = [7, 7, 10];

/** One widget of a dashboard body. */
export interface DashboardWidget {
  readonly type: "text" | "log" | "alarm";
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties: Readonly<Record<string, unknown>>;
}

/** What a run dashboard shows, resolved. */
export interface RunDashboardContent {
  /** As `ecs-batch --env` takes it. */
  readonly environment: string;
  readonly ledgerLogGroupName: string;
  readonly region: string;
  /** The jobs (`detail.job` of the ledger), one row of widgets each, in this order. */
  readonly jobs: readonly string[];
  /** ARNs of alarms, or a list known only when Terraform applies. */
  readonly alarmArns: readonly string[];
}

/** How many alarm widgets a list of alarms takes (a list known only at apply takes one). */
export function alarmWidgetCount(alarmArns: readonly string[]): number {
  if (Token.isUnresolved(alarmArns)) {
    return 1;
  }
  return Math.ceil(alarmArns.length / MAX_ALARMS_PER_WIDGET);
}

/** How many widgets a dashboard of these jobs and alarms has. */
export function widgetCount(jobCount: number, alarmArns: readonly string[]): number {
  return 2 + alarmWidgetCount(alarmArns) + WIDGETS_PER_JOB * jobCount;
}

/** Every widget of the dashboard, placed. */
export function runDashboardWidgets(content: RunDashboardContent): DashboardWidget[] {
  const alarmGroups = alarmWidgetLists(content.alarmArns);
  // The table lists a job per line; alarm widgets, as tall as it, stack beside it.
  const bandHeight = Math.min(24, Math.max(6, 3 + content.jobs.length));
  const log = (
    place: Pick<DashboardWidget, "x" | "y" | "width" | "height">,
    title: string,
    commands: string[],
    view: "table" | "timeSeries",
  ): DashboardWidget => ({
    type: "log",
    ...place,
    properties: {
      title,
      region: content.region,
      query: widgetQuery(content.ledgerLogGroupName, commands),
      view,
      ...(view === "timeSeries" ? { stacked: false } : {}),
    },
  });

  const widgets: DashboardWidget[] = [
    {
      type: "text",
      x: 0,
      y: 0,
      width: GRID_COLUMNS,
      height: HEADER_HEIGHT,
      properties: { markdown: headerMarkdown(content) },
    },
    log(
      {
        x: 0,
        y: HEADER_HEIGHT,
        width: alarmGroups.length > 0 ? GRID_COLUMNS - ALARMS_WIDTH : GRID_COLUMNS,
        height: bandHeight,
      },
      "Last result of every job",
      lastResultsCommands(),
      "table",
    ),
    ...alarmGroups.map((alarms, index): DashboardWidget => ({
      type: "alarm",
      x: GRID_COLUMNS - ALARMS_WIDTH,
      y: HEADER_HEIGHT + index * bandHeight,
      width: ALARMS_WIDTH,
      height: bandHeight,
      properties: {
        title: alarmGroups.length > 1 ? `Alarms (${index + 1} of ${alarmGroups.length})` : "Alarms",
        alarms,
        // Alarms in ALARM first, then the most recently changed.
        sortBy: "stateUpdatedTimestamp",
      },
    })),
  ];

  const jobsTop = HEADER_HEIGHT + bandHeight * Math.max(1, alarmGroups.length);
  content.jobs.forEach((job, row) => {
    const y = jobsTop + row * JOB_ROW_HEIGHT;
    const [runsWidth, durationWidth, runsTableWidth] = JOB_COLUMNS;
    const height = JOB_ROW_HEIGHT;
    widgets.push(
      log(
        { x: 0, y, width: runsWidth, height },
        `${job}: runs and failures per ${CHART_BIN.words}`,
        runsAndFailuresCommands(job),
        "timeSeries",
      ),
      log(
        { x: runsWidth, y, width: durationWidth, height },
        `${job}: run time in seconds (average, longest)`,
        durationCommands(job),
        "timeSeries",
      ),
      log(
        { x: runsWidth + durationWidth, y, width: runsTableWidth, height },
        `${job}: last ${LAST_RUNS} runs, newest first`,
        lastRunsCommands(job),
        "table",
      ),
    );
  });
  return widgets;
}

/** The alarms in lists of at most {@link MAX_ALARMS_PER_WIDGET}; none for no alarms. */
function alarmWidgetLists(alarmArns: readonly string[]): (readonly string[])[] {
  if (Token.isUnresolved(alarmArns)) {
    return [alarmArns];
  }
  const lists: string[][] = [];
  for (let start = 0; start < alarmArns.length; start += MAX_ALARMS_PER_WIDGET) {
    lists.push(alarmArns.slice(start, start + MAX_ALARMS_PER_WIDGET));
  }
  return lists;
}

/** What the dashboard shows and how to read it, and the same from a terminal. */
function headerMarkdown(content: RunDashboardContent): string {
  return [
    `## Batch runs of ${content.environment}`,
    `Every start and stop of every job's task in ${content.environment}, whoever started it, from ` +
      `the run ledger \`${content.ledgerLogGroupName}\`, over the dashboard's time range ` +
      `(the last 24 hours unless you pick another).`,
    "",
    `* **Last result of every job**: the last run of each job that ended in the range, most ` +
      `recent first. \`failed\`: the job's container exited non-zero, or the task stopped ` +
      `before it ran.`,
    `* **Alarms**: the environment's alarms, those in ALARM first: a schedule that could not ` +
      `start a run, a failure notice that could not be sent. Each alarm's description says what ` +
      `to do.`,
    `* **One row per job**: runs and failures per ${CHART_BIN.words}, run time per ${CHART_BIN.words} ` +
      `(average and longest, in seconds), and its last ${LAST_RUNS} runs with exit code and ` +
      `task id (the task id finds its log stream).`,
    "",
    `The same from a terminal: \`ecs-batch history --all --env ${content.environment} --since 24h\``,
  ].join("\n");
}
