import { TerraformOutput, TerraformVariable, Token } from "cdktf";
import { jsonText } from "../../../modules/json-text/json-text";
import { synthesize } from "../../synth";

/** The synthesized text of `build`'s JSON text, as Terraform receives it. */
function synthesizedText(build: (variable: (type: string) => TerraformVariable) => unknown) {
  const { json } = synthesize((scope) => {
    let count = 0;
    const variable = (type: string) => new TerraformVariable(scope, `v${count++}`, { type });
    new TerraformOutput(scope, "text", { value: jsonText(build(variable)) });
  });
  return json.output!.text.value as string;
}

describe("jsonText", () => {
  it("is JSON.stringify for values known at synth time", () => {
    const value = { a: [1, "two", true, null], b: { c: "d" } };
    expect(jsonText(value)).toBe(JSON.stringify(value));
  });

  it("leaves strings and numbers known only at apply time in place, quoted and unquoted", () => {
    const text = synthesizedText((variable) => ({
      name: variable("string").stringValue,
      size: variable("number").numberValue,
    }));
    expect(text).toBe('{"name":"${var.v0}","size":${var.v1}}');
  });

  it("writes lists, maps and booleans known only at apply time as jsonencode(...)", () => {
    const text = synthesizedText((variable) => ({
      subnets: variable("list(string)").listValue,
      copied: [...variable("list(string)").listValue],
      tags: Token.asStringMap(variable("map(string)").value),
      enabled: variable("bool").booleanValue,
      nested: [{ known: "x", flag: variable("bool").booleanValue }],
    }));
    expect(text).toBe(
      '{"subnets":${jsonencode(var.v0)},"copied":${jsonencode(var.v1)},"tags":${jsonencode(var.v2)},' +
        '"enabled":${jsonencode(var.v3)},"nested":[{"known":"x","flag":${jsonencode(var.v4)}}]}',
    );
  });
});
