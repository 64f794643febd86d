/** The blocks of a Terraform JSON file in reading order; keys inside blocks are sorted. */
const BLOCK_ORDER = ["terraform", "variable", "locals", "data", "resource", "output"];

const PRINT_WIDTH = 100;

/**
 * Terraform JSON as text that is stable (keys sorted, blocks in reading order) and already
 * formatted the way Prettier formats JSON (objects expanded, short lists of scalars on one line,
 * a trailing newline), so `prettier --check` passes on the generated files without rewriting them.
 */
export function terraformJsonText(json: Record<string, unknown>): string {
  const blocks = (keys: string[]) => keys.sort((a, b) => rank(a) - rank(b) || compare(a, b));
  return `${print(json, "", 0, false, blocks)}\n`;
}

function rank(block: string): number {
  const index = BLOCK_ORDER.indexOf(block);
  return index === -1 ? BLOCK_ORDER.length : index;
}

/** Code-unit order: the same on every machine, unlike localeCompare. */
function compare(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/**
 * `value` printed at `indent`. `prefixLength` is the width of what precedes it on its line and
 * `comma` whether a comma follows, both counted by Prettier when it decides to break a list.
 */
function print(
  value: unknown,
  indent: string,
  prefixLength: number,
  comma: boolean,
  order: (keys: string[]) => string[] = (keys) => keys.sort(compare),
): string {
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      return "[]";
    }
    const scalars = value.every((item) => item === null || typeof item !== "object");
    const flat = `[${value.map((item) => JSON.stringify(item)).join(", ")}]`;
    if (scalars && prefixLength + flat.length + (comma ? 1 : 0) <= PRINT_WIDTH) {
      return flat;
    }
    const items = value.map(
      (item, i) => `${inner}${print(item, inner, inner.length, i < value.length - 1)}`,
    );
    return `[\n${items.join(",\n")}\n${indent}]`;
  }
  if (value !== null && typeof value === "object") {
    const keys = order(Object.keys(value));
    if (keys.length === 0) {
      return "{}";
    }
    const entries = keys.map((key, i) => {
      const head = `${inner}${JSON.stringify(key)}: `;
      const item = (value as Record<string, unknown>)[key];
      return `${head}${print(item, inner, head.length, i < keys.length - 1)}`;
    });
    return `{\n${entries.join(",\n")}\n${indent}}`;
  }
  return JSON.stringify(value);
}
