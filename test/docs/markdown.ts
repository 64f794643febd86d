import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";

/** The repository root. */
export const ROOT = join(__dirname, "..", "..");

/** README.md and every Markdown page under docs/, as paths relative to the root. */
export function documentationPages(): string[] {
  const pages = ["README.md"];
  const walk = (dir: string) => {
    for (const entry of readdirSync(join(ROOT, dir), { withFileTypes: true })) {
      const path = `${dir}/${entry.name}`;
      if (entry.isDirectory()) {
        walk(path);
      } else if (entry.name.endsWith(".md")) {
        pages.push(path);
      }
    }
  };
  walk("docs");
  return pages.sort();
}

export function readPage(path: string): string {
  return readFileSync(join(ROOT, path), "utf8");
}

/** The text with fenced code blocks blanked out (their lines kept, so line numbers hold). */
export function withoutCodeBlocks(markdown: string): string {
  let fence: string | undefined;
  return markdown
    .split("\n")
    .map((line) => {
      const opening = /^ {0,3}(`{3,}|~{3,})/.exec(line);
      if (fence === undefined && opening) {
        fence = opening[1];
        return "";
      }
      if (fence !== undefined) {
        if (line.trim().startsWith(fence) && line.trim().replace(/[`~]/g, "") === "") {
          fence = undefined;
        }
        return "";
      }
      return line;
    })
    .join("\n");
}

/** The contents of every fenced code block of a language, e.g. "ts". */
export function codeBlocks(markdown: string, language: string): string[] {
  return [...markdown.matchAll(/^```(\w*)\n([\s\S]*?)^```$/gm)]
    .filter((m) => m[1] === language)
    .map((m) => m[2].replace(/\n$/, ""));
}

/** A heading's text as GitHub shows it: code spans, emphasis and links reduced to their text. */
function headingText(heading: string): string {
  return heading
    .replace(/`([^`]*)`/g, "$1")
    .replace(/!?\[([^\]]*)\]\([^)]*\)/g, "$1")
    .replace(/(\*\*|__|\*|_)(.+?)\1/g, "$2")
    .trim();
}

/**
 * GitHub's anchor of a heading: lower case, punctuation dropped (letters, digits, spaces, `-` and
 * `_` stay), each space a `-`.
 */
export function githubSlug(heading: string): string {
  return headingText(heading)
    .toLowerCase()
    .replace(/[^\p{L}\p{M}\p{N}\p{Pc} -]/gu, "")
    .replace(/ /g, "-");
}

/** The anchors of a page: its headings' (a repeated one gets `-1`, `-2`, ...) and HTML ids. */
export function anchorsOf(markdown: string): Set<string> {
  const anchors = new Set<string>();
  const seen = new Map<string, number>();
  for (const [, , heading] of withoutCodeBlocks(markdown).matchAll(/^(#{1,6}) +(.+?) *#*$/gm)) {
    const slug = githubSlug(heading);
    const count = seen.get(slug) ?? 0;
    anchors.add(count === 0 ? slug : `${slug}-${count}`);
    seen.set(slug, count + 1);
  }
  for (const [, id] of markdown.matchAll(/<a (?:name|id)="([^"]+)"/g)) {
    anchors.add(id);
  }
  return anchors;
}

export interface MarkdownLink {
  readonly text: string;
  readonly target: string;
  readonly line: number;
}

/** Every inline link and image of a page, outside code blocks and code spans. */
export function linksOf(markdown: string): MarkdownLink[] {
  const text = withoutCodeBlocks(markdown).replace(/`[^`\n]*`/g, (span) => " ".repeat(span.length));
  return [...text.matchAll(/!?\[((?:[^\]\\]|\\.)*)\]\(\s*<?([^)\s>]*)>?(?:\s+"[^"]*")?\s*\)/g)].map(
    (m) => ({
      text: m[1].replace(/\s+/g, " "),
      target: m[2],
      line: text.slice(0, m.index).split("\n").length,
    }),
  );
}

/** The section of a page under a heading, up to the next heading of the same or a higher level. */
export function section(markdown: string, heading: string): string | undefined {
  const lines = markdown.split("\n");
  const start = lines.findIndex((line) => line === heading);
  if (start < 0) {
    return undefined;
  }
  const level = /^#+/.exec(heading)![0].length;
  const end = lines.findIndex(
    (line, i) => i > start && /^#+ /.test(line) && /^#+/.exec(line)![0].length <= level,
  );
  return lines.slice(start + 1, end < 0 ? undefined : end).join("\n");
}

/** The rows of the first table of a text whose header starts with `firstColumn`, as cells. */
export function tableStartingWith(text: string, firstColumn: string): string[][] | undefined {
  const lines = text.split("\n");
  const start = lines.findIndex((line) => new RegExp(`^\\| *${firstColumn} +\\|`).test(line));
  if (start < 0) {
    return undefined;
  }
  const end = lines.findIndex((line, i) => i > start && !line.startsWith("|"));
  return lines.slice(start + 2, end < 0 ? undefined : end).map((row) =>
    row
      .slice(1, -1)
      .split(/(?<!\\)\|/)
      .map((cell) => cell.trim()),
  );
}

/** A path relative to the root, for messages. */
export function fromRoot(path: string): string {
  return relative(ROOT, path);
}
