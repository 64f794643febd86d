/*
 * A picture of a CloudWatch dashboard's layout, drawn from its body (the JSON of
 * `aws_cloudwatch_dashboard.dashboard_body`) as SVG: the 24-column grid, and each widget as a box
 * at its x, y, width and height with its title and what it shows. No data, no external tools.
 */

/** Grid units in pixels: a column, and a row. */
export const COLUMN_PX = 40;
export const ROW_PX = 28;
export const GRID_COLUMNS = 24;

const MARGIN = 16;
const RULER = 22;
const GAP = 3;
const FONT = "Helvetica, Arial, sans-serif";
/** About how wide a character of the 12 px title font is. */
const CHAR_PX = 6.6;

/** A widget of a dashboard body, as far as the picture reads it. */
export interface BodyWidget {
  readonly type: string;
  readonly x: number;
  readonly y: number;
  readonly width: number;
  readonly height: number;
  readonly properties?: {
    readonly title?: string;
    readonly view?: string;
    readonly markdown?: string;
    readonly alarms?: unknown;
  };
}

const FILL: Record<string, string> = {
  text: "#f2f3f3",
  table: "#e9f3fb",
  chart: "#eaf6ec",
  alarm: "#fdeeee",
  other: "#ffffff",
};

/** The picture of the layout of the dashboard whose body is `bodyText`; `title` names it. */
export function dashboardSvg(bodyText: string, title: string): string {
  const widgets = widgetsOf(bodyText);
  const rows = Math.max(0, ...widgets.map((w) => w.y + w.height));
  const width = 2 * MARGIN + GRID_COLUMNS * COLUMN_PX;
  const height = 2 * MARGIN + RULER + rows * ROW_PX;
  return [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="${FONT}">`,
    `  <title>${escape(title)}</title>`,
    `  <rect width="${width}" height="${height}" fill="#ffffff"/>`,
    ...ruler(rows),
    ...widgets.flatMap(widgetBox),
    "</svg>",
    "",
  ].join("\n");
}

/** The widgets of a body, checked to be where a 24-column grid can hold them. */
export function widgetsOf(bodyText: string): BodyWidget[] {
  const body = JSON.parse(bodyText) as { widgets?: unknown };
  if (!Array.isArray(body.widgets)) {
    throw new Error("the dashboard body has no widgets array");
  }
  return (body.widgets as BodyWidget[]).map((widget, index) => {
    const { x, y, width, height } = widget;
    const whole = [x, y, width, height].every(Number.isInteger);
    if (!whole || x < 0 || y < 0 || width < 1 || height < 1 || x + width > GRID_COLUMNS) {
      throw new Error(
        `widget ${index} (${widget.properties?.title ?? widget.type}) is not on the 24-column grid: x ${x}, y ${y}, width ${width}, height ${height}`,
      );
    }
    return widget;
  });
}

/** The grid's columns, numbered every 6, above and behind the widgets. */
function ruler(rows: number): string[] {
  const top = MARGIN + RULER;
  const bottom = top + rows * ROW_PX;
  const lines: string[] = [];
  for (let column = 0; column <= GRID_COLUMNS; column += 1) {
    const x = MARGIN + column * COLUMN_PX;
    const major = column % 6 === 0;
    lines.push(
      `  <line x1="${x}" y1="${top - (major ? 8 : 4)}" x2="${x}" y2="${bottom}" stroke="${major ? "#d5dbdb" : "#eef0f0"}"/>`,
    );
    if (major) {
      lines.push(
        `  <text x="${x}" y="${top - 11}" font-size="10" fill="#687078" text-anchor="middle">${column}</text>`,
      );
    }
  }
  return lines;
}

/** A widget: a box, its title (two lines at most) and what it is. */
function widgetBox(widget: BodyWidget): string[] {
  const left = MARGIN + widget.x * COLUMN_PX + GAP;
  const top = MARGIN + RULER + widget.y * ROW_PX + GAP;
  const boxWidth = widget.width * COLUMN_PX - 2 * GAP;
  const boxHeight = widget.height * ROW_PX - 2 * GAP;
  const { kind, fill } = describe(widget);
  const maxChars = Math.max(3, Math.floor((boxWidth - 16) / CHAR_PX));
  const titleLines = wrap(titleOf(widget), maxChars, 2);
  const smallChars = Math.floor((boxWidth - 16) / 6);
  const firstLine = top + 17 + titleLines.length * 15;
  // A text widget shows its text, as far as it fits; the others what they are.
  const detail =
    widget.type === "text"
      ? wrapParagraphs(
          textOf(widget),
          smallChars,
          Math.floor((boxHeight - 17 - titleLines.length * 15) / 14),
        )
      : [truncate(kind, smallChars)];
  return [
    `  <g class="widget" data-type="${escape(widget.type)}">`,
    `    <rect x="${left}" y="${top}" width="${boxWidth}" height="${boxHeight}" rx="4" fill="${FILL[fill]}" stroke="#879596"/>`,
    ...titleLines.map(
      (line, i) =>
        `    <text x="${left + 8}" y="${top + 17 + i * 15}" font-size="12" font-weight="bold" fill="#16191f">${escape(line)}</text>`,
    ),
    ...detail.map(
      (line, i) =>
        `    <text x="${left + 8}" y="${firstLine + i * 14}" font-size="11" fill="#545b64">${escape(line)}</text>`,
    ),
    ...glyph(
      fill,
      alarmCount(widget),
      left + 8,
      firstLine + 10,
      boxWidth - 16,
      top + boxHeight - 8,
    ),
    `  </g>`,
  ];
}

/** A text widget's markdown after its first line, as plain text: paragraphs and list items. */
function textOf(widget: BodyWidget): string[] {
  const markdown = widget.properties?.markdown ?? "";
  const [, ...rest] = markdown.split("\n").filter((line) => line.trim() !== "");
  return rest.map((line) => line.replace(/^\* /, "• ").replace(/\*\*|`/g, ""));
}

/** Each paragraph wrapped to `width` characters, at most `lines` lines in all. */
function wrapParagraphs(paragraphs: string[], width: number, lines: number): string[] {
  return paragraphs.flatMap((p) => wrap(p, width, Number.MAX_SAFE_INTEGER)).slice(0, lines);
}

/** How many alarms an alarm widget lists (none when the list is known only at apply). */
function alarmCount(widget: BodyWidget): number {
  const alarms = widget.properties?.alarms;
  return Array.isArray(alarms) ? alarms.length : 0;
}

/** What a widget shows, in words, and how it is coloured. */
function describe(widget: BodyWidget): { kind: string; fill: keyof typeof FILL } {
  const p = widget.properties ?? {};
  if (widget.type === "text") {
    return { kind: "text", fill: "text" };
  }
  if (widget.type === "alarm") {
    const count = Array.isArray(p.alarms) ? `${p.alarms.length}` : "the";
    return { kind: `alarm status: ${count} alarm${count === "1" ? "" : "s"}`, fill: "alarm" };
  }
  if (widget.type === "log") {
    const view = p.view ?? "table";
    const chart = view !== "table";
    const what = { timeSeries: "line chart", bar: "bar chart", pie: "pie chart" }[view] ?? view;
    return { kind: `Logs Insights: ${chart ? what : "table"}`, fill: chart ? "chart" : "table" };
  }
  return { kind: widget.type, fill: "other" };
}

/** A widget's title; a text widget's is its first heading or line. */
function titleOf(widget: BodyWidget): string {
  const p = widget.properties ?? {};
  if (p.title !== undefined) {
    return p.title;
  }
  const firstLine = (p.markdown ?? "").split("\n").find((line) => line.trim() !== "");
  return firstLine?.replace(/^#+\s*/, "") ?? widget.type;
}

/** A hint of the content, in the box's free area: a line for a chart, rows for a table, tiles
 * for alarms. */
function glyph(
  fill: string,
  alarms: number,
  left: number,
  top: number,
  inner: number,
  bottom: number,
): string[] {
  const room = bottom - top;
  if (room < 12) {
    return [];
  }
  if (fill === "chart") {
    const points = [0, 0.35, 0.2, 0.7, 0.45, 0.9, 0.6, 0.3, 0.75, 0.55, 1, 0.15];
    const xy: string[] = [];
    for (let i = 0; i < points.length; i += 2) {
      xy.push(
        `${Math.round(left + points[i] * inner)},${Math.round(bottom - points[i + 1] * room)}`,
      );
    }
    return [
      `    <polyline points="${xy.join(" ")}" fill="none" stroke="#1d8102" stroke-width="1.5"/>`,
    ];
  }
  if (fill === "table") {
    const rows = Math.min(6, Math.floor(room / 12));
    return Array.from(
      { length: rows },
      (_, i) =>
        `    <line x1="${left}" y1="${top + 4 + i * 12}" x2="${left + inner}" y2="${top + 4 + i * 12}" stroke="#aab7b8"/>`,
    );
  }
  if (fill === "alarm") {
    // A tile per alarm, as many as fit: the picture knows no alarm's state.
    const perRow = Math.max(1, Math.floor(inner / 28));
    const tiles = Math.min(alarms, perRow * Math.floor(room / 18));
    return Array.from(
      { length: tiles },
      (_, i) =>
        `    <rect x="${left + (i % perRow) * 28}" y="${top + Math.floor(i / perRow) * 18}" width="22" height="12" rx="2" fill="#aab7b8"/>`,
    );
  }
  return [];
}

/** Words in at most `lines` lines of `width` characters; the last cut with an ellipsis. */
function wrap(text: string, width: number, lines: number): string[] {
  const result: string[] = [];
  let line = "";
  for (const word of text.split(/\s+/)) {
    const candidate = line === "" ? word : `${line} ${word}`;
    if (candidate.length <= width || line === "") {
      line = candidate;
    } else {
      result.push(line);
      line = word;
    }
  }
  result.push(line);
  if (result.length <= lines) {
    return result.map((l) => truncate(l, width));
  }
  // What did not fit is longer than a line: the last line ends in an ellipsis.
  return [
    ...result.slice(0, lines - 1).map((l) => truncate(l, width)),
    truncate(result.slice(lines - 1).join(" "), width),
  ];
}

function truncate(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(1, width - 1))}…`;
}

function escape(text: string): string {
  return text
    .replace(/&/g, "&amp;")
    .replace(/</g, "&lt;")
    .replace(/>/g, "&gt;")
    .replace(/"/g, "&quot;");
}
