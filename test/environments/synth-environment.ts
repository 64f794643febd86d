import { Testing } from "cdktf";
import { isDeepStrictEqual } from "util";
import { EnvironmentConfig } from "../../environments/environment-config";
import { EnvironmentStack } from "../../environments/environment-stack";
import { ReleaseStack, releaseStackName } from "../../environments/release-stack";
import { stateNames } from "../../modules/job-workflow/state-names";

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

/** The stacks synthOnce made, by environment name. */
const synthesizedOnce = new Map<string, SynthesizedEnvironment>();

/** The EnvironmentStack of `config`, synthesized once per test file: its tests only read it. */
export function synthOnce(config: EnvironmentConfig): SynthesizedEnvironment {
  let env = synthesizedOnce.get(config.name);
  if (!env) {
    env = synthEnvironment(config);
    synthesizedOnce.set(config.name, env);
  }
  return env;
}

/** A synthesized release stack of an environment. */
export interface SynthesizedRelease {
  readonly stack: ReleaseStack;
  readonly synth: string;
  readonly tf: TerraformJson;
}

/** Synthesizes the ReleaseStack of an environment (`<name>-release`). */
export function synthRelease(config: EnvironmentConfig): SynthesizedRelease {
  const app = Testing.app();
  const stack = new ReleaseStack(app, releaseStackName(config.name), { config });
  const synth = Testing.synth(stack);
  return { stack, synth, tf: JSON.parse(synth) as TerraformJson };
}

/**
 * The policy JSON of every managed policy attached to the role named `roleName`. The role must
 * have no inline policies, so that its attached policies are all it may do.
 */
export function rolePolicies(tf: TerraformJson, roleName: string): string[] {
  const role = resourceWhere(tf, "aws_iam_role", { name: roleName });
  expect(role.block).not.toHaveProperty("inline_policy");
  expect(role.block).not.toHaveProperty("managed_policy_arns");
  const roleRef = ref("aws_iam_role", role.id, "name");
  expect(resourcesWhere(tf, "aws_iam_role_policy", { role: roleRef })).toEqual([]);
  const attachments = resourcesWhere(tf, "aws_iam_role_policy_attachment", { role: roleRef });
  expect(attachments.length).toBeGreaterThan(0);
  return attachments.map(({ block }) => {
    const policyId = /^\$\{aws_iam_policy\.([^.]+)\.arn\}$/.exec(block.policy_arn as string);
    expect(policyId).not.toBeNull();
    const policy = tf.resource?.aws_iam_policy?.[policyId![1]];
    expect(policy).toBeDefined();
    return policy!.policy as string;
  });
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

/** A resource found by its properties: its logical id, to build references, and its block. */
export interface FoundResource {
  readonly id: string;
  readonly block: Block;
}

/** The resources of a type whose properties include `match`, each key deeply equal. */
export function resourcesWhere(tf: TerraformJson, type: string, match: Block): FoundResource[] {
  return Object.entries(tf.resource?.[type] ?? {})
    .filter(([, block]) => Object.entries(match).every(([k, v]) => isDeepStrictEqual(block[k], v)))
    .map(([id, block]) => ({ id, block }));
}

/** The one resource of a type whose properties include `match`, e.g. `{ name: "example-batch" }`;
 * fails unless exactly one matches. */
export function resourceWhere(tf: TerraformJson, type: string, match: Block): FoundResource {
  const found = resourcesWhere(tf, type, match);
  expect(found.map((r) => r.id)).toHaveLength(1);
  return found[0];
}

/** A Terraform reference to an attribute of a resource, as it appears in the synthesized JSON. */
export function ref(type: string, id: string, attribute: string): string {
  return `\${${type}.${id}.${attribute}}`;
}

/** The types of the resources made inside a construct that sits directly in the stack. */
export function resourceTypesOf(tf: TerraformJson, constructId: string): string[] {
  return Object.entries(tf.resource ?? {})
    .filter(([, byId]) => Object.keys(byId).some((id) => id.startsWith(`${constructId}_`)))
    .map(([type]) => type)
    .sort();
}

/** The blocks of every resource made inside a construct that sits directly in the stack. */
export function resourcesOfConstruct(tf: TerraformJson, constructId: string): Block[] {
  return Object.values(tf.resource ?? {}).flatMap((byId) =>
    Object.entries(byId)
      .filter(([id]) => id.startsWith(`${constructId}_`))
      .map(([, block]) => block),
  );
}

/** One state of an Amazon States Language definition, with the fields the tests read. */
export interface AslState {
  readonly Type: string;
  readonly Resource?: string;
  readonly Next?: string;
  readonly End?: boolean;
  readonly Default?: string;
  readonly Choices?: readonly { readonly Condition: string; readonly Next: string }[];
  readonly Branches?: readonly AslBranch[];
  readonly Arguments?: Block;
  readonly TimeoutSeconds?: number;
}

/** A state machine, or one branch of a Parallel state. */
export interface AslBranch {
  readonly StartAt: string;
  readonly States: Readonly<Record<string, AslState>>;
}

export interface Asl extends AslBranch {
  readonly QueryLanguage: string;
  readonly Comment?: string;
}

/**
 * JSON text that Terraform completes when it applies, parsed. A value known only then (a looked-up
 * subnet list) is written into the text as `${jsonencode(<expression>)}`; it is read here as the
 * string `${<expression>}`, the way cdktf writes such a value into a plain attribute, so both
 * renderings of one value compare equal.
 */
export function parseTerraformJson(text: unknown): unknown {
  expect(typeof text).toBe("string");
  return JSON.parse((text as string).replace(/\$\{jsonencode\(([^}]*)\)\}/g, '"${$1}"'));
}

/** The definition of the state machine named `name`, parsed as Step Functions reads it. */
export function stateMachineDefinition(tf: TerraformJson, name: string): Asl {
  const { block } = resourceWhere(tf, "aws_sfn_state_machine", { name });
  return parseTerraformJson(block.definition) as Asl;
}

/**
 * The states a run passes when nothing fails and nothing is skipped: from StartAt, following
 * Next, and at a Choice its Default.
 */
export function happyPath(branch: AslBranch): string[] {
  const names: string[] = [];
  for (let name: string | undefined = branch.StartAt; name !== undefined;) {
    expect(names).not.toContain(name);
    names.push(name);
    const state: AslState | undefined = branch.States[name];
    expect(state).toBeDefined();
    name = state.Type === "Choice" ? state.Default : state.Next;
  }
  return names;
}

/** Every state of a branch and of the branches inside it, as [name, state]. */
export function allStates(branch: AslBranch): [string, AslState][] {
  return Object.entries(branch.States).flatMap(([name, state]) => [
    [name, state] as [string, AslState],
    ...(state.Branches ?? []).flatMap(allStates),
  ]);
}

/** The Parallel branch that runs a job (it starts at the job's skip check), in whichever stage. */
export function jobBranch(asl: AslBranch, job: string): AslBranch {
  const branches = Object.values(asl.States)
    .flatMap((state) => state.Branches ?? [])
    .filter((branch) => branch.StartAt === stateNames(job).skip);
  expect(branches).toHaveLength(1);
  return branches[0];
}
