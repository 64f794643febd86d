// Parses Mermaid diagrams with Mermaid's own parser and prints what it read, as JSON. Mermaid is
// an ES module that sanitizes labels with DOMPurify, which needs a DOM: jest runs this in a child
// process (`tsx parse-mermaid.ts < diagrams.json`) with linkedom's DOM, no browser.
//
// stdin: a JSON array of diagram texts. stdout: a JSON array, per diagram either { error } or
// { type, nodes: [{ id, text }], edges: [{ from, to }], subgraphs: [{ id, title, nodes }] }, where
// a text or title is what a reader sees in the drawn label, lines separated by "\n".
import { readFileSync } from "node:fs";

export interface ParsedFlowchart {
  readonly type: string;
  readonly nodes: readonly { readonly id: string; readonly text: string }[];
  readonly edges: readonly { readonly from: string; readonly to: string }[];
  readonly subgraphs: readonly {
    readonly id: string;
    readonly title: string;
    readonly nodes: readonly string[];
  }[];
}

export type ParseResult = ParsedFlowchart | { readonly error: string };

interface FlowDb {
  getVertices(): Map<string, { id: string; text?: string }>;
  getEdges(): { start: string; end: string }[];
  getSubGraphs(): { id: string; title: string; nodes: string[] }[];
}

async function main(): Promise<void> {
  const { parseHTML } = await import("linkedom");
  const { window, document } = parseHTML("<!doctype html><html><head></head><body></body></html>");
  Object.assign(globalThis, { window, document });
  const { default: mermaid } = await import("mermaid");
  mermaid.initialize({ startOnLoad: false });

  // What the browser shows of a parsed label: Mermaid keeps an entity code `#name;` as a
  // placeholder and draws it as `&name;` (its decodeEntities, not exported); the label is HTML.
  const label = document.createElement("div");
  const shown = (text: string): string => {
    const html = text.replace(/ﬂ°°/g, "&#").replace(/ﬂ°/g, "&").replace(/¶ß/g, ";");
    label.innerHTML = html.replace(/<br\s*\/?>/gi, "\n");
    return label.textContent ?? "";
  };

  const diagrams = JSON.parse(readFileSync(0, "utf8")) as string[];
  const results: ParseResult[] = [];
  for (const text of diagrams) {
    try {
      const diagram = await mermaid.mermaidAPI.getDiagramFromText(text);
      const db = diagram.db as unknown as FlowDb;
      results.push({
        type: diagram.type,
        nodes: [...db.getVertices().values()].map((v) => ({
          id: v.id,
          text: shown(v.text ?? v.id),
        })),
        edges: db.getEdges().map((e) => ({ from: e.start, to: e.end })),
        subgraphs: db
          .getSubGraphs()
          .map((s) => ({ id: s.id, title: shown(s.title), nodes: s.nodes })),
      });
    } catch (error) {
      results.push({ error: String((error as Error).message ?? error) });
    }
  }
  process.stdout.write(JSON.stringify(results));
}

if (require.main === module) {
  void main();
}
