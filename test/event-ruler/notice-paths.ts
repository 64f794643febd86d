import { execFileSync } from "child_process";
import { mkdtempSync, rmSync, writeFileSync } from "fs";
import { tmpdir } from "os";
import { join } from "path";
import type { NoticeJob } from "../../modules/failure-notification/task-notice";
import { runStateMachine, RunResult, TaskCall, TaskError } from "../asl/asl-runner";
import type { EcsTaskStateChangeEvent } from "./ecs-task-state-change-events";

/*
 * What tells people of a job's failed tasks, as a stack (or a Terraform module) deploys it: the
 * job's rule (its event pattern), the rule target's input template, and the notice filter and
 * sender it starts, with Terraform's expressions filled in by the scan's own filler
 * (scripts/scan/render_attributes.py) so that ARNs, names and the account agree everywhere.
 */

/** Everything between a job's stopped task and a notice, rendered. */
export interface NoticePath {
  /** The job, as its rule target describes it to the filter. */
  readonly job: NoticeJob;
  /** The rule's event pattern. */
  readonly pattern: object;
  /** The rule target's input template, with `<aws.events.event.json>` in it. */
  readonly inputTemplate: string;
  /** The filter's definition (Express), and the sender's (Standard) with its ARN. */
  readonly filterDefinition: string;
  readonly senderArn: string;
  readonly senderDefinition: string;
}

type Rendered = Record<string, Record<string, Record<string, string>>>;

/** Attributes of a Terraform JSON configuration, rendered by the scan's filler. */
export function renderAttributes(configuration: object, paths: readonly string[]): Rendered {
  const dir = mkdtempSync(join(tmpdir(), "render-attributes-"));
  try {
    const file = join(dir, "main.tf.json");
    writeFileSync(file, JSON.stringify(configuration));
    const output = execFileSync(
      "python3",
      [join(__dirname, "../../scripts/scan/render_attributes.py"), file, ...paths],
      { encoding: "utf8" },
    );
    return JSON.parse(output) as Rendered;
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

/** The rendered filter and sender of a configuration that holds one notice filter. */
function noticeFilterOf(configuration: object) {
  const machines = renderAttributes(configuration, [
    "aws_sfn_state_machine.name",
    "aws_sfn_state_machine.type",
    "aws_sfn_state_machine.definition",
  ]).aws_sfn_state_machine;
  const all = Object.values(machines ?? {});
  const filters = all.filter((m) => m.name.endsWith("-notices-filter"));
  if (filters.length !== 1) {
    throw new Error(`expected one notice filter, found ${filters.map((f) => f.name)}`);
  }
  const filter = filters[0];
  const senderArn = JSON.parse(filter.definition).States["Send it once"].Arguments
    .StateMachineArn as string;
  const sender = all.find((m) => senderArn.endsWith(`:stateMachine:${m.name}`));
  if (sender === undefined || sender.type !== "STANDARD" || filter.type !== "EXPRESS") {
    throw new Error(`the filter ${filter.name} starts no Standard sender of this configuration`);
  }
  return {
    filterName: filter.name,
    filterDefinition: filter.definition,
    senderArn,
    senderDefinition: sender.definition,
  };
}

/**
 * The notice path of every job whose rule targets the notice filter. `filterConfiguration` holds
 * the filter when it is made elsewhere (the failure-notification module for job-failure-alerts).
 */
export function noticePathsOf(configuration: object, filterConfiguration = configuration) {
  const filter = noticeFilterOf(filterConfiguration);
  const rendered = renderAttributes(configuration, [
    "aws_cloudwatch_event_rule.name",
    "aws_cloudwatch_event_rule.event_pattern",
    "aws_cloudwatch_event_target.rule",
    "aws_cloudwatch_event_target.target_id",
    "aws_cloudwatch_event_target.input_transformer.input_template",
  ]);
  const rules = Object.values(rendered.aws_cloudwatch_event_rule ?? {});
  return Object.values(rendered.aws_cloudwatch_event_target ?? {})
    .filter((target) => target.target_id === "notice-filter")
    .map((target): NoticePath => {
      const rule = rules.find((r) => r.name === target.rule);
      if (rule === undefined) {
        throw new Error(`no rule ${target.rule} for the notice filter target`);
      }
      const template = target["input_transformer.input_template"];
      const { job } = JSON.parse(template.replace("<aws.events.event.json>", "null")) as {
        job: NoticeJob;
      };
      return {
        job,
        pattern: JSON.parse(rule.event_pattern),
        inputTemplate: template,
        filterDefinition: filter.filterDefinition,
        senderArn: filter.senderArn,
        senderDefinition: filter.senderDefinition,
      };
    });
}

/** A notice as the sender published it. */
export interface Publication {
  readonly topicArn: string;
  readonly message: string;
  readonly subject?: string;
}

/**
 * Step Functions and SNS as a notice path uses them: the sender's executions, named, never twice
 * under one name (Step Functions refuses a second Standard execution of a name, for 90 days; a
 * closed one, as here, is always refused), and what they publish.
 */
export class NoticeWorld {
  readonly publications: Publication[] = [];
  readonly filterRuns: RunResult[] = [];
  private readonly executions = new Map<string, unknown>();

  constructor(private readonly path: NoticePath) {}

  /** EventBridge delivers `event` to the rule's target: the filter runs on the input template. */
  async deliver(event: EcsTaskStateChangeEvent): Promise<RunResult> {
    const input = JSON.parse(
      this.path.inputTemplate.replace("<aws.events.event.json>", JSON.stringify(event)),
    );
    const run = await runStateMachine(this.path.filterDefinition, input, {
      "arn:aws:states:::states:startExecution": (call) => this.startExecution(call),
    });
    this.filterRuns.push(run);
    return run;
  }

  private async startExecution(call: TaskCall): Promise<unknown> {
    const { StateMachineArn, Name, Input } = call.arguments as {
      StateMachineArn: string;
      Name: string;
      Input: unknown;
    };
    if (StateMachineArn !== this.path.senderArn) {
      throw new Error(`the filter started ${StateMachineArn}, not the sender`);
    }
    if (!/^[A-Za-z0-9_-]{1,80}$/.test(Name)) {
      throw new TaskError("StepFunctions.InvalidNameException", `invalid execution name ${Name}`);
    }
    const key = `${StateMachineArn}:${Name}`;
    if (this.executions.has(key)) {
      throw new TaskError(
        "StepFunctions.ExecutionAlreadyExistsException",
        `Execution Already Exists: '${key}'`,
      );
    }
    this.executions.set(key, Input);
    const sent = await runStateMachine(
      this.path.senderDefinition,
      Input,
      {
        "arn:aws:states:::sns:publish": ({ arguments: a }) => {
          const { TopicArn, Message, Subject } = a as Record<string, string>;
          if (Subject !== undefined && !/^[ -~]{1,100}$/.test(Subject)) {
            throw new TaskError("SNS.InvalidParameterException", `invalid subject ${Subject}`);
          }
          this.publications.push({ topicArn: TopicArn, message: Message, subject: Subject });
          return { MessageId: `m-${this.publications.length}` };
        },
      },
      { executionName: Name },
    );
    if (sent.status !== "SUCCEEDED") {
      throw new Error(`the sender failed: ${sent.error}: ${sent.cause}`);
    }
    return { ExecutionArn: key, StartDate: "2026-11-23T03:11:00Z" };
  }
}
