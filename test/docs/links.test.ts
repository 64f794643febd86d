import { existsSync, statSync } from "node:fs";
import { dirname, join, normalize } from "node:path";
import {
  anchorsOf,
  documentationPages,
  fromRoot,
  githubSlug,
  linksOf,
  readPage,
  ROOT,
} from "./markdown";

/** Where a link leads: the file (relative to the root) and the anchor, if any. */
function resolve(page: string, target: string): { file: string; anchor?: string } {
  const [path, anchor] = target.split("#", 2);
  const file = path === "" ? page : fromRoot(normalize(join(ROOT, dirname(page), path)));
  return { file, anchor: anchor === undefined ? undefined : decodeURIComponent(anchor) };
}

function isExternal(target: string): boolean {
  return /^[a-z][a-z0-9+.-]*:/i.test(target);
}

describe.each(documentationPages())("%s", (page) => {
  const links = linksOf(readPage(page)).filter((link) => !isExternal(link.target));

  it("links only to files that exist, and to anchors those pages have", () => {
    const broken = links.flatMap(({ text, target, line }) => {
      const { file, anchor } = resolve(page, target);
      if (!existsSync(join(ROOT, file))) {
        return [`line ${line}: [${text}](${target}): no file ${file}`];
      }
      if (anchor !== undefined && file.endsWith(".md") && statSync(join(ROOT, file)).isFile()) {
        if (!anchorsOf(readPage(file)).has(anchor)) {
          return [`line ${line}: [${text}](${target}): ${file} has no heading #${anchor}`];
        }
      }
      return [];
    });
    expect(broken).toEqual([]);
  });
});

describe("the link check", () => {
  it("takes anchors as GitHub makes them: lower case, spaces to '-', punctuation dropped", () => {
    expect(githubSlug("Workflows: dependencies, retries, timeouts")).toBe(
      "workflows-dependencies-retries-timeouts",
    );
    expect(githubSlug("Using the library: `IamScope`")).toBe("using-the-library-iamscope");
    expect(githubSlug("The runner: ecs-batch, for existing job schedulers")).toBe(
      "the-runner-ecs-batch-for-existing-job-schedulers",
    );
    expect(githubSlug("npm test")).toBe("npm-test");
  });

  it("finds links outside code only, and numbers a repeated heading's anchor", () => {
    const page = [
      "# Title",
      "See [a](a.md#x) and `[not](a link)`.",
      "```md",
      "[not a link either](b.md)",
      "```",
      "## Title",
      "[two",
      "lines](c.md)",
    ].join("\n");
    expect(linksOf(page).map((l) => [l.text, l.target, l.line])).toEqual([
      ["a", "a.md#x", 2],
      ["two lines", "c.md", 7],
    ]);
    expect([...anchorsOf(page)]).toEqual(["title", "title-1"]);
  });
});
