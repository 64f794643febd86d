import { Fn, Token } from "cdktf";

const PLACEHOLDER = (index: number) => `@@terraform-json-${index}@@`;

/**
 * JSON text of `value`, for the attributes that take JSON (policies, container definitions, SSM
 * parameters). Strings and numbers known only at apply time stay in place as `${...}`. Lists,
 * maps and booleans known only at apply time cannot be written into text by cdktf (it fails on
 * a list, and writes a boolean as a quoted string), so they become `${jsonencode(...)}`: Terraform
 * writes them as JSON when it applies. Without such values this is `JSON.stringify(value)`.
 */
export function jsonText(value: unknown): string {
  const expressions: string[] = [];
  const replace = (v: unknown): unknown => {
    if (v === null || (typeof v !== "object" && typeof v !== "function")) {
      return v;
    }
    if (Token.isUnresolved(v)) {
      expressions.push(Fn.jsonencode(v));
      return PLACEHOLDER(expressions.length - 1);
    }
    if (Array.isArray(v)) {
      return v.map(replace);
    }
    return Object.fromEntries(Object.entries(v).map(([key, item]) => [key, replace(item)]));
  };
  let text = JSON.stringify(replace(value));
  expressions.forEach((expression, index) => {
    text = text.replace(`"${PLACEHOLDER(index)}"`, expression);
  });
  return text;
}
