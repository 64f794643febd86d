import {
  buildModules,
  MODULES_DIR,
  TERRAFORM_MODULES,
} from "../../scripts/terraform-modules/build";

/** A variable block of a generated module. */
export interface VariableBlock {
  readonly type?: string;
  readonly description?: string;
  readonly default?: unknown;
  readonly nullable?: boolean;
  readonly validation?: readonly { condition: string; error_message: string }[];
}

/** A generated module's main.tf.json. */
export interface ModuleJson {
  readonly terraform: {
    readonly required_providers: Record<string, { source: string; version: string }>;
    readonly required_version: string;
    readonly backend?: unknown;
  };
  readonly variable: Record<string, VariableBlock>;
  readonly output: Record<string, { value: unknown; description?: string }>;
  readonly locals?: Record<string, unknown>;
  readonly data?: Record<string, Record<string, unknown>>;
  readonly resource: Record<string, Record<string, Record<string, unknown>>>;
  readonly provider?: unknown;
}

/** What `npm run build:modules` writes now, built once for all tests of a file. */
export const generatedFiles = buildModules();

export const MODULE_NAMES = TERRAFORM_MODULES.map((m) => m.name);

export function moduleJson(name: string): ModuleJson {
  const text = generatedFiles.get(`${MODULES_DIR}/${name}/main.tf.json`);
  if (text === undefined) {
    throw new Error(`no module ${name} is generated`);
  }
  return JSON.parse(text) as ModuleJson;
}

export function moduleReadme(name: string): string {
  return generatedFiles.get(`${MODULES_DIR}/${name}/README.md`)!;
}

/** The value of an HCL string literal (the text between its quotes). */
function fromHclString(literal: string): string {
  return literal.replace(/\\(.)|\$\$\{|%%\{/g, (match, escaped: string | undefined) => {
    if (escaped !== undefined) {
      return escaped;
    }
    return match === "$${" ? "${" : "%{";
  });
}

/**
 * The pattern of the `regex("...", ...)` call in a validation condition, as a JavaScript RegExp:
 * the pattern Terraform runs, to be tried here on examples.
 */
export function regexIn(condition: string): RegExp {
  const match = /regex\("((?:[^"\\]|\\.)*)"/.exec(condition);
  if (!match) {
    throw new Error(`no regex("...") in ${condition}`);
  }
  return new RegExp(fromHclString(match[1]));
}

/** The validation block of a variable whose condition calls regex(...). */
export function regexValidation(module: string, variable: string): RegExp {
  const validations = moduleJson(module).variable[variable]?.validation ?? [];
  const withRegex = validations.find((v) => v.condition.includes("regex("));
  if (!withRegex) {
    throw new Error(`${module}: variable ${variable} has no regex validation`);
  }
  return regexIn(withRegex.condition);
}

/** The strings of an HCL list literal in a condition, e.g. `contains(["a", "b"], ...)`. */
export function stringListIn(condition: string): string[] {
  const match = /contains\(\[([^\]]*)\]/.exec(condition);
  if (!match) {
    throw new Error(`no contains([...]) in ${condition}`);
  }
  return [...match[1].matchAll(/"((?:[^"\\]|\\.)*)"/g)].map((m) => fromHclString(m[1]));
}

/** The numbers of an HCL list literal in a condition, e.g. `contains([1, 3], ...)`. */
export function numberListIn(condition: string): number[] {
  const match = /contains\(\[([0-9, ]*)\]/.exec(condition);
  if (!match) {
    throw new Error(`no contains([numbers]) in ${condition}`);
  }
  return match[1].split(",").map(Number);
}
