import { TerraformOutput, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { Construct } from "constructs";

/** AWS provider versions the modules work with: the major version the constructs are built for. */
export const AWS_PROVIDER = { source: "hashicorp/aws", version: "~> 6.0" } as const;
/** Terraform versions the modules work with (validation and precondition blocks, `nullable`). */
export const REQUIRED_TERRAFORM_VERSION = ">= 1.5";

/** A `validation` block: a Terraform condition, and the error a caller sees at plan time. */
export interface VariableValidation {
  /** A Terraform expression (without `${}`) on the variable only. */
  readonly condition: string;
  /** One or more full sentences, as Terraform requires. */
  readonly errorMessage: string;
}

/** An input of a module, as an HCL user writes it. */
export interface ModuleVariable {
  /** snake_case, e.g. `schedule_expression`. */
  readonly name: string;
  /** Terraform type constraint, e.g. `list(string)`. */
  readonly type: string;
  readonly description: string;
  /** The value of an optional variable when the caller gives none (`null`: not set). Required
   * variables have none. */
  readonly default?: unknown;
  readonly validation?: readonly VariableValidation[];
  /** The value in the README's example, in HCL. Required variables need one. */
  readonly example?: string;
}

/** An output of a module. */
export interface ModuleOutput {
  /** snake_case, e.g. `task_definition_arn`. */
  readonly name: string;
  readonly description: string;
}

/** A plain Terraform module made from constructs: its inputs, what it builds, its outputs. */
export interface TerraformModule {
  /** Folder under `terraform-modules/`, e.g. `scheduled-job`. */
  readonly name: string;
  /** What the module makes, in one sentence (README). */
  readonly summary: string;
  /** What the construct offers that this module does not, and why (README). */
  readonly notOffered: readonly string[];
  readonly variables: readonly ModuleVariable[];
  readonly outputs: readonly ModuleOutput[];
  /** Builds the constructs from the variables; returns the value of every output, by name. */
  readonly build: (scope: Construct, inputs: ModuleInputs) => Readonly<Record<string, string>>;
}

/**
 * The variables of a module as values for constructs: Terraform references (tokens), which the
 * constructs' validations skip and Terraform resolves. Remembers which variables were read, so a
 * variable that changes nothing cannot be declared.
 */
export class ModuleInputs {
  private readonly read = new Set<string>();

  constructor(private readonly variables: ReadonlyMap<string, TerraformVariable>) {}

  string(name: string): string {
    return this.variable(name).stringValue;
  }

  number(name: string): number {
    return this.variable(name).numberValue;
  }

  list(name: string): string[] {
    return this.variable(name).listValue;
  }

  map(name: string): Record<string, string> {
    return Token.asStringMap(this.variable(name).value);
  }

  /** A string reference that may be null: constructs take it where they take a string, and JSON
   * text (jsonText) writes it as `${jsonencode(...)}`, so a null is written as null where a
   * string template (`"${var.x}"`) would fail on it. */
  nullableString(name: string): string {
    return this.variable(name).value as string;
  }

  /** A boolean reference: constructs take it where they take a boolean, and leave it to Terraform. */
  bool(name: string): boolean {
    return this.variable(name).booleanValue as unknown as boolean;
  }

  /** The variable as an HCL reference (`var.<name>`), for an expression written out in HCL where
   * cdktf has no form for it (a `for` expression with a filter, in a local). */
  reference(name: string): string {
    this.variable(name);
    return `var.${name}`; // declareVariable names each variable after its own name
  }

  /** Names of the variables that were never read. */
  unread(): string[] {
    return [...this.variables.keys()].filter((name) => !this.read.has(name));
  }

  private variable(name: string): TerraformVariable {
    const variable = this.variables.get(name);
    if (!variable) {
      throw new Error(`the module declares no variable '${name}'`);
    }
    this.read.add(name);
    return variable;
  }
}

/** Synthesized Terraform JSON. */
export type TerraformJson = Record<string, unknown>;

/**
 * The module as Terraform JSON: variables and outputs under their own names, the constructs'
 * resources under their construct-path addresses, no provider and no backend (the caller's
 * provider is used), and `required_providers` with a version range.
 */
export function synthesizeModule(module: TerraformModule): TerraformJson {
  // No AWS provider in the stack: a module must use its caller's. Testing.synth is the synth that
  // does not insist on one, and it leaves out cdktf's metadata.
  const stack = new TerraformStack(Testing.app(), module.name);
  const variables = new Map(module.variables.map((v) => [v.name, declareVariable(stack, v)]));
  const inputs = new ModuleInputs(variables);
  const values = module.build(stack, inputs);

  const unread = inputs.unread();
  if (unread.length > 0) {
    throw new Error(`${module.name}: variables ${unread.join(", ")} are declared but not used`);
  }
  const declared = module.outputs.map((o) => o.name).sort();
  const built = Object.keys(values).sort();
  if (declared.join() !== built.join()) {
    throw new Error(
      `${module.name}: outputs declared (${declared.join(", ")}) differ from those built (${built.join(", ")})`,
    );
  }
  for (const output of module.outputs) {
    new TerraformOutput(stack, `output_${output.name}`, {
      value: values[output.name],
      description: output.description,
    }).overrideLogicalId(output.name);
  }

  const json = JSON.parse(Testing.synth(stack)) as TerraformJson;
  delete json.provider;
  return {
    ...json,
    terraform: {
      required_providers: { aws: { ...AWS_PROVIDER } },
      required_version: REQUIRED_TERRAFORM_VERSION,
    },
  };
}

function declareVariable(stack: Construct, definition: ModuleVariable): TerraformVariable {
  const optionalNull = definition.default === null;
  const variable = new TerraformVariable(stack, `variable_${definition.name}`, {
    type: definition.type,
    description: definition.description,
    default: optionalNull ? undefined : definition.default,
    // Only "not set" variables take null: a null elsewhere would reach resources as a broken value.
    nullable: optionalNull,
    validation: definition.validation?.map((v) => ({
      condition: `\${${v.condition}}`,
      errorMessage: v.errorMessage,
    })),
  });
  variable.overrideLogicalId(definition.name);
  if (optionalNull) {
    // cdktf cannot write a null default itself.
    variable.addOverride("default", null);
  }
  return variable;
}
