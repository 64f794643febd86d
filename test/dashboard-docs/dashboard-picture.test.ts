import { execFileSync } from "node:child_process";
import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { dev } from "../../environments/dev";
import {
  COLUMN_PX,
  dashboardSvg,
  ROW_PX,
  widgetsOf,
} from "../../scripts/dashboard-docs/dashboard-svg";
import {
  dashboardPicture,
  environmentDashboard,
} from "../../scripts/dashboard-docs/environment-dashboard";

const root = join(__dirname, "..", "..");

/**
 * An SVG's widget boxes: each group's type, its box's place and size, and its texts, read by
 * Python's XML parser, which fails on XML that is not well-formed.
 */
function boxesOf(svg: string): Box[] {
  const read = [
    "import json, sys, xml.dom.minidom",
    "svg = xml.dom.minidom.parseString(sys.stdin.read())",
    "text = lambda node: ''.join(c.data for c in node.childNodes if c.nodeType == c.TEXT_NODE)",
    "groups = [g for g in svg.getElementsByTagName('g') if g.getAttribute('class') == 'widget']",
    "print(json.dumps([{",
    "  'type': g.getAttribute('data-type'),",
    "  'box': [float(g.getElementsByTagName('rect')[0].getAttribute(a)) for a in ('x', 'y', 'width', 'height')],",
    "  'texts': [text(t) for t in g.getElementsByTagName('text')],",
    "} for g in groups]))",
  ].join("\n");
  return JSON.parse(execFileSync("python3", ["-c", read], { input: svg, encoding: "utf8" }));
}

interface Box {
  readonly type: string;
  readonly box: [number, number, number, number];
  readonly texts: string[];
}

describe("docs/dashboards/dev.svg", () => {
  let picture: { path: string; svg: string };
  beforeAll(() => {
    picture = dashboardPicture(dev);
  });

  it("is what npm run dashboard:picture draws now from dev's dashboard body", () => {
    expect(picture.path).toBe("docs/dashboards/dev.svg");
    const file = join(root, picture.path);
    const onDisk = existsSync(file) ? readFileSync(file, "utf8") : "";
    if (onDisk !== picture.svg) {
      throw new Error(
        `${picture.path} differs from the dashboard dev synthesizes now: run npm run dashboard:picture and commit it`,
      );
    }
  });

  it("draws a box for every widget of the body, every job of dev among them", () => {
    const { body } = environmentDashboard(dev);
    const boxes = boxesOf(picture.svg);
    expect(boxes.map((b) => b.type)).toEqual(widgetsOf(body).map((w) => w.type));
    const titles = boxes.map((b) => b.texts.join(" "));
    for (const { jobName } of dev.jobs) {
      expect(titles.filter((t) => t.startsWith(`${jobName}:`))).toHaveLength(3);
    }
  });
});

describe("dashboardSvg", () => {
  const body = JSON.stringify({
    widgets: [
      {
        type: "text",
        x: 0,
        y: 0,
        width: 24,
        height: 2,
        properties: { markdown: "## Runs & <results>\nRead **this** `first`." },
      },
      {
        type: "log",
        x: 6,
        y: 2,
        width: 12,
        height: 3,
        properties: { title: "a: runs", view: "timeSeries", query: "SOURCE 'g' | fields x.y" },
      },
      {
        type: "alarm",
        x: 18,
        y: 2,
        width: 6,
        height: 3,
        properties: { title: "Alarms", alarms: ["arn:1", "arn:2"] },
      },
      {
        type: "log",
        x: 0,
        y: 2,
        width: 3,
        height: 3,
        properties: { title: "a-very-long-job-name: last 5 runs, newest first", view: "table" },
      },
    ],
  });
  const svg = dashboardSvg(body, "Layout of <test>");

  it("places each widget at its grid position, one column 40 px and one row 28 px", () => {
    expect(boxesOf(svg).map((b) => b.box)).toEqual([
      [16 + 3, 16 + 22 + 3, 24 * COLUMN_PX - 6, 2 * ROW_PX - 6],
      [16 + 6 * 40 + 3, 16 + 22 + 2 * 28 + 3, 12 * 40 - 6, 3 * 28 - 6],
      [16 + 18 * 40 + 3, 16 + 22 + 2 * 28 + 3, 6 * 40 - 6, 3 * 28 - 6],
      [16 + 3, 16 + 22 + 2 * 28 + 3, 3 * 40 - 6, 3 * 28 - 6],
    ]);
    expect(svg).toMatch(/^<svg [^>]*width="992" height="194"/);
  });

  it("titles each box and says what it shows; a text widget shows its text", () => {
    expect(boxesOf(svg).map((b) => b.texts)).toEqual([
      ["Runs & <results>", "Read this first."],
      ["a: runs", "Logs Insights: line chart"],
      ["Alarms", "alarm status: 2 alarms"],
      // Two lines of title at most, each cut to the box's width; then what it is.
      ["a-very-long-j…", "last 5 runs, …", "Logs Insights: …"],
    ]);
  });

  it("escapes what XML would read as markup", () => {
    expect(svg).toContain("<title>Layout of &lt;test&gt;</title>");
    expect(svg).toContain("Runs &amp; &lt;results&gt;");
  });

  it.each<[string, string, RegExp]>([
    ["a body without widgets", JSON.stringify({ start: "-PT3H" }), /has no widgets array/],
    [
      "a widget beyond column 24",
      JSON.stringify({ widgets: [{ type: "log", x: 20, y: 0, width: 6, height: 6 }] }),
      /widget 0 \(log\) is not on the 24-column grid: x 20, y 0, width 6, height 6/,
    ],
    [
      "a widget without a height",
      JSON.stringify({ widgets: [{ type: "text", x: 0, y: 0, width: 6, properties: {} }] }),
      /widget 0 \(text\) is not on the 24-column grid/,
    ],
  ])("rejects %s", (_, text, message) => {
    expect(() => dashboardSvg(text, "t")).toThrow(message);
  });
});
