import { WorkflowConfig } from "../../environments/environment-config";
import { ScheduleChoice, scheduleChoiceOf } from "../../modules/job-schedule/schedule-options";
import { workflowJobSettings } from "../../modules/job-workflow/job-workflow";
import { workflowStages } from "../../modules/job-workflow/workflow-graph";
import { RetryOptions } from "../../modules/job-workflow/workflow-job";
import { DEFAULT_SCHEDULER_TIME_ZONE } from "../../modules/scheduler-schedule/scheduler-schedule";
import { mermaidId, mermaidLabel } from "./mermaid";

/**
 * A workflow as a Mermaid flowchart, top to bottom: what starts it (its schedule, or none, and
 * whether it skips overlapping runs), then one subgraph per stage holding that stage's jobs, each
 * with its timeout and retries, and an arrow from each job to every job that depends on it. The
 * stages and the retry and timeout defaults come from the library, as JobWorkflow applies them.
 * Throws what workflowStages throws for a cycle or an unknown dependency.
 */
export function workflowFlowchart(workflow: WorkflowConfig): string {
  const stages = workflowStages(
    workflow.jobs.map((entry) => ({ name: entry.job, dependsOn: entry.dependsOn })),
  );
  const entries = new Map(workflow.jobs.map((entry) => [entry.job, entry]));
  const ids = new Map(workflow.jobs.map((entry, index) => [entry.job, mermaidId("job", index)]));

  const lines = ["flowchart TB", `  trigger([${mermaidLabel(triggerLines(workflow))}])`];
  stages.forEach((stage, index) => {
    lines.push(`  subgraph ${mermaidId("stage", index)} [${mermaidLabel([`Stage ${index + 1}`])}]`);
    // Side by side: Mermaid lays out a subgraph without its own links across the diagram's
    // direction, which would stack the jobs of a stage as if they ran one after the other.
    lines.push("    direction TB");
    for (const name of stage) {
      lines.push(
        `    ${ids.get(name)}[${mermaidLabel(jobLines(entries.get(name)!), { firstLineBold: true })}]`,
      );
    }
    lines.push("  end");
  });
  lines.push(`  trigger --> ${mermaidId("stage", 0)}`);
  for (const entry of workflow.jobs) {
    for (const dependency of entry.dependsOn ?? []) {
      lines.push(`  ${ids.get(dependency)} --> ${ids.get(entry.job)}`);
    }
  }
  return `${lines.join("\n")}\n`;
}

/** What starts the workflow, and whether a run waits for none. */
function triggerLines(workflow: WorkflowConfig): string[] {
  const lines =
    workflow.schedule === undefined
      ? ["no schedule", "runs when started"]
      : scheduleLines(scheduleChoiceOf(workflow.schedule));
  if (workflow.preventOverlap) {
    lines.push("preventOverlap: skips a run", "while an earlier one runs");
  }
  return lines;
}

function scheduleLines(choice: ScheduleChoice): string[] {
  if (choice.rule) {
    return [
      choice.rule.expression,
      "EventBridge rule",
      "time zone UTC",
      ...(choice.rule.enabled === false ? ["disabled"] : []),
    ];
  }
  const scheduler = choice.scheduler;
  const window = scheduler.flexibleTimeWindowMinutes;
  return [
    scheduler.expression,
    "EventBridge Scheduler",
    `time zone ${scheduler.timeZone ?? DEFAULT_SCHEDULER_TIME_ZONE}`,
    ...(window === undefined ? [] : [`starts up to ${duration(window * 60)} late`]),
    ...(scheduler.startDate === undefined ? [] : [`from ${scheduler.startDate}`]),
    ...(scheduler.endDate === undefined ? [] : [`until ${scheduler.endDate}`]),
    ...(scheduler.enabled === false ? ["disabled"] : []),
  ];
}

/**
 * A job's name, then its timeout and its retries, with the workflow's defaults filled in; in lines
 * short enough (at most about 28 characters) that Mermaid does not wrap them.
 */
function jobLines(entry: WorkflowConfig["jobs"][number]): string[] {
  const settings = workflowJobSettings(entry);
  return [
    entry.job,
    `timeout ${duration(settings.timeoutSeconds)}`,
    ...retryLines("exit code ≠ 0", settings.retryOnExitCode),
    ...retryLines("start failure", settings.retryOnStartFailure),
  ];
}

function retryLines(cause: string, retry: RetryOptions): string[] {
  const wait = duration(retry.intervalSeconds);
  if (retry.attempts === 0) {
    return [`${cause}: no retry`];
  }
  if (retry.attempts === 1) {
    return [`${cause}: 1 retry`, `after ${wait}`];
  }
  return [
    `${cause}: ${retry.attempts} retries`,
    retry.backoffRate === 1 ? `${wait} apart` : `first after ${wait}, then ×${retry.backoffRate}`,
  ];
}

/** Seconds in the largest unit that divides them: 86400 is "1 d", 5400 "90 min", 61 "61 s". */
function duration(seconds: number): string {
  for (const [unit, size] of [
    ["d", 86400],
    ["h", 3600],
    ["min", 60],
  ] as const) {
    if (seconds % size === 0) {
      return `${seconds / size} ${unit}`;
    }
  }
  return `${seconds} s`;
}
