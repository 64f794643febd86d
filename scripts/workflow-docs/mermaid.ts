// The few pieces of Mermaid flowchart syntax the workflow diagrams use, written in one place so
// that the syntax tests (test/workflow-docs/mermaid-syntax.test.ts, with Mermaid's own parser)
// cover every label and id the diagrams contain.

/**
 * Characters Mermaid or the HTML of a drawn label would read, as Mermaid entity codes: Mermaid
 * turns `#name;` into the HTML entity `&name;` when it draws the label. `#` itself is one of them
 * (a cron day-of-week such as `6#3` stays text), and so is a backtick, which opens a Markdown
 * label.
 */
const ENTITY_CODES: Readonly<Record<string, string>> = {
  "#": "#35;",
  '"': "#quot;",
  "&": "#amp;",
  "<": "#lt;",
  ">": "#gt;",
  "`": "#96;",
};

/**
 * A node's or subgraph's label: one line per entry (a line break in an entry starts a line too),
 * in double quotes, inside which parentheses, brackets, `*`, `?`, `/` and `:` are plain text.
 */
export function mermaidLabel(
  lines: readonly string[],
  options: { readonly firstLineBold?: boolean } = {},
): string {
  const escaped = lines
    .flatMap((line) => line.split(/\r?\n/))
    .map((line) => line.replace(/[#"&<>`]/g, (c) => ENTITY_CODES[c]));
  if (options.firstLineBold && escaped.length > 0) {
    escaped[0] = `<b>${escaped[0]}</b>`;
  }
  return `"${escaped.join("<br/>")}"`;
}

/**
 * The id of the `index`-th (from 0) node of a kind: a word and a number, never a name from the
 * config, since a job may be called `end`, which Mermaid reads as the end of a subgraph.
 */
export function mermaidId(kind: "stage" | "job", index: number): string {
  return `${kind}${index + 1}`;
}
