import type { NoticeJob } from "../../modules/failure-notification/task-notice";
import {
  Block,
  FoundResource,
  TerraformJson,
  parseTerraformJson,
  ref,
  resourceWhere,
  resources,
  resourcesWhere,
} from "./synth-environment";

/*
 * How an environment tells of its jobs' failed tasks: each notified job's rule `<job>-failed`
 * hands the job's stopped tasks, with the job's description, to the notice filter of the
 * environment's failure topic (`<topic>-notices-filter`), which starts the sender
 * (`<topic>-notices`) that publishes to the topics.
 */

/** The rules of an environment's run ledger, which read task events too (run-ledger.test.ts). */
export function runLedgerRuleNames(environment: string): string[] {
  return [`${environment}-batch-runs`, `${environment}-batch-task-changes`];
}

/** Names of the rules on events, the run ledger's aside: the jobs' failure rules `<job>-failed`. */
export function failureRuleNames(tf: TerraformJson, environment: string): string[] {
  const ledger = runLedgerRuleNames(environment);
  return resources(tf, "aws_cloudwatch_event_rule")
    .filter((rule) => rule.event_pattern !== undefined && !ledger.includes(rule.name as string))
    .map((rule) => rule.name as string);
}

/** A job's failure rule, its one target, and the job as the target's input template describes it. */
export interface JobNoticeRule {
  readonly rule: FoundResource;
  readonly target: Block;
  readonly inputTemplate: string;
  readonly job: NoticeJob;
}

/** The rule `<jobName>-failed` and what it sends to the notice filter. */
export function jobNoticeRule(tf: TerraformJson, jobName: string): JobNoticeRule {
  const rule = resourceWhere(tf, "aws_cloudwatch_event_rule", { name: `${jobName}-failed` });
  const targets = resourcesWhere(tf, "aws_cloudwatch_event_target", {
    rule: ref("aws_cloudwatch_event_rule", rule.id, "name"),
  });
  expect(targets).toHaveLength(1);
  const target = targets[0].block;
  const inputTemplate = (target.input_transformer as Block).input_template as string;
  expect(typeof inputTemplate).toBe("string");
  const { job } = JSON.parse(inputTemplate.replace("<aws.events.event.json>", "null")) as {
    job: NoticeJob;
  };
  return { rule, target, inputTemplate, job };
}

/** The notice filter of the failure topic `topicName`: the filter, the sender, and their roles. */
export interface NoticeFilterResources {
  readonly filter: FoundResource;
  readonly sender: FoundResource;
  readonly eventsRole: FoundResource;
  readonly filterArn: string;
  readonly eventsRoleArn: string;
}

export function noticeFilterOf(tf: TerraformJson, topicName: string): NoticeFilterResources {
  const name = `${topicName}-notices`;
  const filter = resourceWhere(tf, "aws_sfn_state_machine", { name: `${name}-filter` });
  const sender = resourceWhere(tf, "aws_sfn_state_machine", { name });
  const eventsRole = resourceWhere(tf, "aws_iam_role", { name: `${name}-events` });
  return {
    filter,
    sender,
    eventsRole,
    filterArn: ref("aws_sfn_state_machine", filter.id, "arn"),
    eventsRoleArn: ref("aws_iam_role", eventsRole.id, "arn"),
  };
}

/** The topics a state machine definition publishes to (its `sns:publish` states), by state name. */
export function publishedTopics(definition: unknown): Record<string, unknown> {
  const { States } = parseTerraformJson(definition) as {
    States: Record<string, { Resource?: string; Arguments?: { TopicArn?: unknown } }>;
  };
  return Object.fromEntries(
    Object.entries(States)
      .filter(([, state]) => state.Resource === "arn:aws:states:::sns:publish")
      .map(([name, state]) => [name, state.Arguments?.TopicArn]),
  );
}

/** The value of the Terraform local that a `${local.NAME}` reference points at. */
export function localBehind(tf: TerraformJson, reference: string): unknown {
  const name = /^\$\{local\.([A-Za-z0-9_-]+)\}$/.exec(reference)?.[1];
  expect(name).toBeDefined();
  return (tf as { locals?: Record<string, unknown> }).locals?.[name!];
}
