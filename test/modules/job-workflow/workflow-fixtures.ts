/**
 * What the tests of a workflow's definition share: sample jobs, the definition as Step Functions
 * reads it, and the `jsonata` package to evaluate its expressions.
 */
import jsonata from "jsonata";
import { JobRun } from "../../../modules/job-run/job-run";
import { workflowDefinition } from "../../../modules/job-workflow/workflow-definition";
import {
  DEFAULT_RETRY_ON_EXIT_CODE,
  DEFAULT_RETRY_ON_START_FAILURE,
  WorkflowDefinitionProps,
  WorkflowJobRun,
} from "../../../modules/job-workflow/workflow-job";

export const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
export const SUBNET = "subnet-0123456789abcdef0";
export const TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:batch-alerts";
export const TOPIC_2 = "arn:aws:sns:ap-northeast-1:123456789012:batch-oncall";
export const CHAT_TOPIC = "arn:aws:sns:ap-northeast-1:123456789012:batch-chatbot";

/** How a job's task starts: revision 3 of its family, in one private subnet, container `name`. */
export function runOf(name: string): JobRun {
  return {
    taskDefinitionArn: `arn:aws:ecs:ap-northeast-1:123456789012:task-definition/${name}:3`,
    placement: { clusterArn: CLUSTER, subnetIds: [SUBNET] },
    container: { name },
  };
}

export function workflowJob(name: string, overrides: Partial<WorkflowJobRun> = {}): WorkflowJobRun {
  return {
    name,
    run: runOf(name),
    retryOnStartFailure: DEFAULT_RETRY_ON_START_FAILURE,
    retryOnExitCode: DEFAULT_RETRY_ON_EXIT_CODE,
    timeoutSeconds: 3600,
    safeToRerun: false,
    ...overrides,
  };
}

/** extract, then load and report side by side; load may be retried after a non-zero exit. */
export const NIGHTLY: WorkflowDefinitionProps = {
  workflowName: "nightly",
  description: "nightly load of the warehouse",
  stages: [["extract"], ["load", "report"]],
  jobs: [
    workflowJob("extract"),
    workflowJob("load", {
      timeoutSeconds: 1800,
      retryOnExitCode: { attempts: 2, intervalSeconds: 10, backoffRate: 1.5 },
      safeToRerun: true,
    }),
    workflowJob("report", { timeoutSeconds: 600 }),
  ],
};

export interface ChoiceRule {
  Condition: string;
  Next: string;
  Assign?: Record<string, unknown>;
}
export interface Catcher {
  ErrorEquals: string[];
  Next: string;
  Assign?: Record<string, string>;
}
export interface Branch {
  StartAt: string;
  States: Record<string, AslState>;
}
export interface AslState {
  Type: string;
  Comment?: string;
  Resource?: string;
  Next?: string;
  End?: boolean;
  Default?: string;
  Choices?: ChoiceRule[];
  Branches?: Branch[];
  Arguments?: Record<string, unknown>;
  Assign?: Record<string, unknown>;
  Output?: unknown;
  Catch?: Catcher[];
  Retry?: unknown[];
  TimeoutSeconds?: number;
  Seconds?: string;
  Error?: string;
  Cause?: string;
}
export interface Asl {
  Comment?: string;
  QueryLanguage: string;
  StartAt: string;
  TimeoutSeconds: number;
  States: Record<string, AslState>;
}

/** A value as Step Functions gets it: through JSON. */
export function throughJson<T>(value: unknown): T {
  return JSON.parse(JSON.stringify(value)) as T;
}

/** The definition of NIGHTLY with `props` changed, as Step Functions gets it. */
export function definitionOf(props: Partial<WorkflowDefinitionProps> = {}): Asl {
  return throughJson<Asl>(workflowDefinition({ ...NIGHTLY, ...props }));
}

/** The top-level states from `start`, following Next, up to a state without one. */
export function chainOf(asl: Asl, start = asl.StartAt): string[] {
  const names: string[] = [];
  for (let name: string | undefined = start; name !== undefined;) {
    names.push(name);
    name = asl.States[name].Next;
  }
  return names;
}

/** The states of a job's Parallel branch, found in whichever stage runs it. */
export function branchOf(asl: Asl, jobName: string): Record<string, AslState> {
  const branch = Object.values(asl.States)
    .flatMap((state) => state.Branches ?? [])
    .find((b) => b.StartAt === `Skip ${jobName}?`);
  if (!branch) {
    throw new Error(`no branch for job ${jobName}`);
  }
  return branch.States;
}

/** Every state of the machine, branches included, as [name, state]. */
export function allStates(states: Record<string, AslState>): [string, AslState][] {
  return Object.entries(states).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.Branches ?? []).flatMap((b) => allStates(b.States)),
  ]);
}

/** The JSONata inside `{% ... %}`. */
export function jsonataOf(value: unknown): string {
  const match = /^\{% ([\s\S]*) %\}$/.exec(value as string);
  if (!match) {
    throw new Error(`not a JSONata expression: ${String(value)}`);
  }
  return match[1];
}

/**
 * Evaluates JSONata as Step Functions would, with the `jsonata` package: `value` is an ASL value
 * `{% ... %}`. `$parse` is Step Functions' own function, so it is bound here.
 */
export function evaluate(value: unknown, bindings: Record<string, unknown>): Promise<unknown> {
  return jsonata(jsonataOf(value)).evaluate({}, { parse: JSON.parse, ...bindings });
}

/** The execution's context, as `$states.context` gives it. */
export const CONTEXT = {
  Execution: { Id: "arn:aws:states:r:1:execution:nightly:run-1", Input: {} },
};

/** The stopped task, as runTask.sync puts it in the Cause of States.TaskFailed. */
export function stoppedTask(containers: object[], extra: object = {}): string {
  return JSON.stringify({
    TaskArn: "arn:aws:ecs:ap-northeast-1:123456789012:task/batch/0123456789abcdef",
    LastStatus: "STOPPED",
    StopCode: "EssentialContainerExited",
    StoppedReason: "Essential container in task exited",
    Containers: containers,
    ...extra,
  });
}
