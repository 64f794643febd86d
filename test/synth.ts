import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { Testing, TerraformStack } from "cdktf";
import { Construct } from "constructs";

/** A synthesized stack: the Terraform JSON text (for the cdktf matchers) and its parsed form. */
export interface SynthesizedStack {
  readonly text: string;
  readonly json: TerraformJson;
}

export interface TerraformJson {
  readonly resource?: Record<string, Record<string, Record<string, unknown>>>;
  readonly data?: Record<string, Record<string, Record<string, unknown>>>;
  readonly output?: Record<string, Record<string, unknown>>;
  readonly locals?: Record<string, unknown>;
  readonly terraform?: Record<string, unknown>;
  readonly provider?: Record<string, unknown[]>;
}

/** Builds constructs in a stack named "test" with an AWS provider, and synthesizes it. */
export function synthesize(build: (scope: Construct) => void): SynthesizedStack {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  new AwsProvider(stack, "aws", { region: "ap-northeast-1" });
  build(stack);
  const text = Testing.synth(stack);
  return { text, json: JSON.parse(text) as TerraformJson };
}

/** A fresh stack to build constructs in when a test expects the construction to throw. */
export function emptyStack(): TerraformStack {
  return new TerraformStack(Testing.app(), "test");
}

/** All resources of one Terraform type, keyed by logical id. */
export function resourcesOf(
  json: TerraformJson,
  type: string,
): Record<string, Record<string, unknown>> {
  return json.resource?.[type] ?? {};
}

/** The only resource of one Terraform type; fails when there are none or several. */
export function onlyResource(json: TerraformJson, type: string): Record<string, unknown> {
  const all = Object.values(resourcesOf(json, type));
  if (all.length !== 1) {
    throw new Error(`expected exactly one ${type}, found ${all.length}`);
  }
  return all[0];
}

/** IAM policy JSON as the statements a test can inspect. */
export interface ParsedStatement {
  Sid?: string;
  Effect: string;
  Action: string[];
  Resource: string[];
  Condition?: Record<string, Record<string, string | string[]>>;
}

export function statementsOf(policyJson: unknown): ParsedStatement[] {
  return (JSON.parse(policyJson as string) as { Statement: ParsedStatement[] }).Statement;
}

/**
 * The resource of a type made by the construct at `path` below the stack, e.g.
 * "job/EventsRole/Policy" (a construct's main resource, id "Resource", is at its own path).
 */
export function resourceAt(
  json: TerraformJson,
  type: string,
  path: string,
): Record<string, unknown> {
  const logicalId = new RegExp(`^${path.replace(/\//g, "_")}_[0-9A-F]{8}$`);
  const found = Object.entries(resourcesOf(json, type)).find(([id]) => logicalId.test(id));
  if (!found) {
    throw new Error(`no ${type} at ${path}`);
  }
  return found[1];
}

/**
 * Matches the whole `${type.path_XXXXXXXX.attribute}` reference to the resource of the construct
 * at `path`, followed by `suffix` (e.g. ":*").
 */
export function ref(type: string, path: string, attribute: string, suffix = ""): RegExp {
  const escape = (text: string) => text.replace(/[.*+?^${}()|[\]\\]/g, "\\$&");
  return new RegExp(
    `^\\$\\{${escape(type)}\\.${escape(path.replace(/\//g, "_"))}_[0-9A-F]{8}\\.${escape(attribute)}\\}${escape(suffix)}$`,
  );
}
