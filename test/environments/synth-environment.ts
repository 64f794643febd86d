import { Testing } from "cdktf";
import { EnvironmentConfig } from "../../environments/environment-config";
import { EnvironmentStack } from "../../environments/environment-stack";

/** One block (resource, data source, output, backend, ...) of the synthesized JSON. */
export type Block = Record<string, unknown>;

/** The parts of a synthesized stack's Terraform JSON that the tests look at. */
export interface TerraformJson {
  readonly provider: { readonly aws: Block[] };
  readonly terraform: { readonly backend: Record<string, Block> };
  readonly resource?: Record<string, Record<string, Block>>;
  readonly data?: Record<string, Record<string, Block>>;
  readonly output?: Record<string, { readonly value: unknown; readonly description?: string }>;
}

export interface SynthesizedEnvironment {
  readonly stack: EnvironmentStack;
  /** The JSON string, for the cdktf jest matchers. */
  readonly synth: string;
  /** The same, parsed. */
  readonly tf: TerraformJson;
}

/** Synthesizes one EnvironmentStack (named after the config unless `id` is given). */
export function synthEnvironment(
  config: EnvironmentConfig,
  id = config.name,
): SynthesizedEnvironment {
  const app = Testing.app();
  const stack = new EnvironmentStack(app, id, { config });
  const synth = Testing.synth(stack);
  return { stack, synth, tf: JSON.parse(synth) as TerraformJson };
}

/** Every resource of a type, e.g. `resources(tf, "aws_ecs_cluster")`. */
export function resources(tf: TerraformJson, type: string): Block[] {
  return Object.values(tf.resource?.[type] ?? {});
}

/** Every data source of a type, e.g. `dataSources(tf, "aws_subnets")`. */
export function dataSources(tf: TerraformJson, type: string): Block[] {
  return Object.values(tf.data?.[type] ?? {});
}

/** The one resource of a type; fails unless there is exactly one. */
export function onlyResource(tf: TerraformJson, type: string): Block {
  const all = resources(tf, type);
  expect(all).toHaveLength(1);
  return all[0];
}

/** The logical id (the key in the JSON) of the one resource of a type. */
export function onlyResourceId(tf: TerraformJson, type: string): string {
  const ids = Object.keys(tf.resource?.[type] ?? {});
  expect(ids).toHaveLength(1);
  return ids[0];
}

/** The event target of the rule whose target id is `targetId`. */
export function eventTarget(tf: TerraformJson, targetId: string): Block {
  const target = resources(tf, "aws_cloudwatch_event_target").find((t) => t.target_id === targetId);
  expect(target).toBeDefined();
  return target!;
}

/** The container definitions of a task definition, parsed from their JSON string. */
export function containerDefinitions(taskDefinition: Block): Block[] {
  expect(typeof taskDefinition.container_definitions).toBe("string");
  return JSON.parse(taskDefinition.container_definitions as string) as Block[];
}
