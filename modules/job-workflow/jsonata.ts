/** JSONata in Amazon States Language: expressions, literals, concatenation, blocks. */

/**
 * A JSONata expression as an ASL value. The space after `{%` matters: in the Terraform JSON that
 * carries the definition, `%{` would start a template directive.
 */
export function expr(jsonata: string): string {
  return `{% ${jsonata} %}`;
}

/** A JSONata string literal: JSON's escapes are JSONata's. Tokens pass through unchanged. */
export function lit(text: string): string {
  return JSON.stringify(text);
}

/** JSONata string concatenation of expressions. */
export function concat(parts: readonly string[]): string {
  return parts.join(" & ");
}

/** A JSONata block: bindings, then the value of the last expression. */
export function block(expressions: readonly string[]): string {
  return `( ${expressions.join("; ")} )`;
}
