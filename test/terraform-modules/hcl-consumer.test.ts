import { parse } from "@cdktf/hcl2json";
import { readFileSync } from "node:fs";
import { join, posix } from "node:path";
import { MODULES_DIR } from "../../scripts/terraform-modules/build";
import { MODULE_NAMES, moduleJson, numberListIn, regexIn } from "./generated-modules";

const EXAMPLE_DIR = join(__dirname, "..", "..", "examples", "hcl-consumer");
/** Module block arguments that are Terraform's own, not the module's variables. */
const META_ARGUMENTS = ["source", "version", "providers", "depends_on", "count", "for_each"];

type ModuleBlock = Record<string, unknown> & { source: string };

/** The module blocks of the example estate that call a module of terraform-modules/. */
async function moduleBlocks(): Promise<[string, string, ModuleBlock][]> {
  const hcl = await parse("main.tf", readFileSync(join(EXAMPLE_DIR, "main.tf"), "utf8"));
  const blocks = hcl.module as Record<string, ModuleBlock[]>;
  return Object.entries(blocks).map(([label, [block]]) => {
    const source = posix.normalize(posix.join("examples/hcl-consumer", block.source));
    const [dir, name] = source.split("/");
    if (dir !== MODULES_DIR || !MODULE_NAMES.includes(name)) {
      throw new Error(`module ${label}: source ${block.source} is not a module of ${MODULES_DIR}/`);
    }
    return [label, name, block];
  });
}

describe("examples/hcl-consumer, a plain Terraform estate", () => {
  let blocks: [string, string, ModuleBlock][];
  beforeAll(async () => {
    blocks = await moduleBlocks();
  });

  it("calls every module of terraform-modules/", () => {
    expect(blocks.map(([label, name]) => [label, name]).sort()).toEqual([
      ["batch_failures", "failure-notification"],
      ["nightly_report", "scheduled-job"],
      ["nightly_report_failures", "job-failure-alerts"],
      ["run_ledger", "run-ledger"],
    ]);
  });

  it("passes only arguments that are variables of the module", () => {
    for (const [label, name, block] of blocks) {
      const variables = Object.keys(moduleJson(name).variable);
      const unknown = Object.keys(block).filter(
        (argument) => !META_ARGUMENTS.includes(argument) && !variables.includes(argument),
      );
      expect({ label, unknown }).toEqual({ label, unknown: [] });
    }
  });

  it("passes every variable that has no default", () => {
    for (const [label, name, block] of blocks) {
      const required = Object.entries(moduleJson(name).variable)
        .filter(([, variable]) => !("default" in variable))
        .map(([variable]) => variable);
      const missing = required.filter((variable) => !(variable in block));
      expect({ label, missing }).toEqual({ label, missing: [] });
    }
  });

  it("passes literal numbers that the module's list validations accept", () => {
    const checked: string[] = [];
    for (const [label, name, block] of blocks) {
      const variables = moduleJson(name).variable;
      for (const [argument, value] of Object.entries(block)) {
        if (typeof value !== "number" || !(argument in variables)) {
          continue;
        }
        for (const { condition } of variables[argument].validation ?? []) {
          if (condition.startsWith("${contains([")) {
            checked.push(`${label}.${argument}`);
            expect({
              label,
              argument,
              value,
              accepted: numberListIn(condition).includes(value),
            }).toEqual({ label, argument, value, accepted: true });
          }
        }
      }
    }
    expect(checked).toEqual(
      expect.arrayContaining([
        "nightly_report.cpu",
        "nightly_report.memory",
        "run_ledger.retention_days",
      ]),
    );
  });

  it("passes literal values that the module's regex validations accept", () => {
    for (const [label, name, block] of blocks) {
      const variables = moduleJson(name).variable;
      for (const [argument, value] of Object.entries(block)) {
        if (typeof value !== "string" || value.includes("${") || !(argument in variables)) {
          continue;
        }
        for (const { condition } of variables[argument].validation ?? []) {
          if (condition.includes("regex(") && !condition.includes("alltrue")) {
            expect({ label, argument, value, matches: regexIn(condition).test(value) }).toEqual({
              label,
              argument,
              value,
              matches: true,
            });
          }
        }
      }
    }
  });
});
