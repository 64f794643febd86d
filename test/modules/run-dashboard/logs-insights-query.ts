/*
 * What can be checked of a dashboard log widget's Logs Insights query without AWS: its shape
 * (`SOURCE '<group>' | <command>` then `\n| <command>`, as "Properties of a Log Widget Object" in
 * the CloudWatch dashboard body reference gives it), the commands and functions it uses (the Logs
 * Insights query syntax reference), balanced quotes and parentheses, that every name it reads is a
 * field of the log or a name an earlier command made, that only `limit` follows `dedup`, and, for
 * a chart, that `stats` groups by `bin()` alone (a time series groups by one field: the bin).
 */

const COMMANDS = new Set([
  "fields",
  "filter",
  "stats",
  "sort",
  "limit",
  "dedup",
  "display",
  "parse",
]);

/** Functions outside `stats`, and the aggregation functions only `stats` may use. */
const FUNCTIONS = new Set([
  "abs",
  "ceil",
  "floor",
  "greatest",
  "least",
  "coalesce",
  "ispresent",
  "isempty",
  "isblank",
  "concat",
  "strlen",
  "strcontains",
  "substr",
  "replace",
  "tolower",
  "toupper",
  "trim",
  "datefloor",
  "dateceil",
  "bin",
]);
const AGGREGATIONS = new Set([
  "avg",
  "count",
  "count_distinct",
  "max",
  "min",
  "pct",
  "stddev",
  "sum",
  "earliest",
  "latest",
]);
const KEYWORDS = new Set(["and", "or", "not", "as", "by", "asc", "desc", "like", "in"]);
/** A period of `bin()`: a number and a unit (ms, s, m, h, d, w, mo, q, y and their long forms). */
const PERIOD =
  /^\d+(ms|msec|millisecond|s|sec|second|m|min|minute|h|hr|hour|d|day|w|week|mo|mon|month|q|qtr|quarter|y|yr|year)s?$/;

export interface ParsedQuery {
  /** The log groups after SOURCE. */
  readonly sources: string[];
  /** Each command: its name and the rest of its text. */
  readonly commands: { readonly name: string; readonly text: string }[];
  /** Every field of the log the query reads (names with a dot or an @), in order, once each. */
  readonly logFields: string[];
}

/**
 * Parses a log widget's query; throws, saying what is wrong, when it breaks a rule above.
 * `view` is the widget's view: "table" or a chart ("timeSeries", "bar", "pie").
 */
export function checkWidgetQuery(query: string, view = "table"): ParsedQuery {
  const head = /^((?:SOURCE '[^']+' \| )+)/.exec(query);
  if (!head) {
    throw new Error(`the query does not start with SOURCE '<log group>' | : ${query}`);
  }
  const sources = [...head[1].matchAll(/SOURCE '([^']+)'/g)].map((m) => m[1]);
  const lines = query.slice(head[1].length).split("\n| ");
  const logFields: string[] = [];
  const defined = new Set<string>();
  const commands = lines.map((line, index) => {
    const [, name, text] = /^(\w+)\s*(.*)$/s.exec(line) ?? [];
    if (name === undefined || !COMMANDS.has(name)) {
      throw new Error(`command ${index + 1} is not a Logs Insights command: '${line}'`);
    }
    if (line.includes("\n")) {
      throw new Error(`command ${index + 1} spans lines without '\\n| ': '${line}'`);
    }
    if (index > 0 && lines[index - 1].startsWith("dedup") && name !== "limit") {
      throw new Error(`'${name}' follows dedup: only limit may`);
    }
    checkCommand(name, text, defined, logFields);
    return { name, text };
  });
  const stats = commands.filter((c) => c.name === "stats");
  if (view !== "table") {
    if (stats.length !== 1) {
      throw new Error(`a ${view} chart needs one stats command, the query has ${stats.length}`);
    }
    const groups = /\bby\s+(.*)$/.exec(stats[0].text)?.[1];
    if (groups === undefined || !/^bin\([^)]*\)$/.test(groups.trim())) {
      throw new Error(`a ${view} chart groups by bin() alone, not by '${groups ?? "nothing"}'`);
    }
  }
  return { sources, commands, logFields };
}

function checkCommand(name: string, text: string, defined: Set<string>, logFields: string[]): void {
  if (name === "limit") {
    const n = Number(text);
    if (!Number.isInteger(n) || n < 1 || n > 10000) {
      throw new Error(`limit takes a whole number from 1 to 10000, not '${text}'`);
    }
    return;
  }
  if (name === "sort" && !/^\S+( (asc|desc))?$/i.test(text)) {
    throw new Error(`sort takes a field and asc or desc, not '${text}'`);
  }
  const tokens = tokenize(text);
  if (name === "parse") {
    // parse <field> "<pattern>" [as] name, ...: the names after the pattern are made here.
    const pattern = tokens.findIndex((t) => /^["'/]/.test(t));
    tokens
      .slice(pattern + 1)
      .filter((t) => /^[@A-Za-z_]\w*$/.test(t) && t !== "as")
      .forEach((t) => defined.add(t));
    tokens.splice(pattern + 1);
  }
  let depth = 0;
  tokens.forEach((token, i) => {
    if (token === "(") {
      depth += 1;
    } else if (token === ")") {
      depth -= 1;
      if (depth < 0) {
        throw new Error(`')' without '(' in '${text}'`);
      }
    }
    const next = tokens[i + 1];
    const previous = tokens[i - 1];
    if (!/^[@A-Za-z_][\w.@]*$/.test(token)) {
      return;
    }
    if (next === "(") {
      const isAggregation = AGGREGATIONS.has(token);
      if (!FUNCTIONS.has(token) && !isAggregation) {
        throw new Error(`'${token}' is not a Logs Insights function`);
      }
      if (isAggregation && name !== "stats") {
        throw new Error(`'${token}()' aggregates: only stats may use it, not ${name}`);
      }
      if (token === "bin") {
        const period = tokens[i + 2];
        if (!PERIOD.test(period) || tokens[i + 3] !== ")") {
          throw new Error(`bin() takes a period such as 5m or 1h, not '${period}'`);
        }
      }
      return;
    }
    if (KEYWORDS.has(token.toLowerCase()) || PERIOD.test(token)) {
      return;
    }
    if (previous === "as") {
      defined.add(token);
      return;
    }
    if (token.includes(".") || token.startsWith("@")) {
      if (!logFields.includes(token)) {
        logFields.push(token);
      }
      return;
    }
    if (!defined.has(token)) {
      throw new Error(`'${token}' is neither a field of the log nor a name made before ${name}`);
    }
  });
  if (depth !== 0) {
    throw new Error(`unbalanced parentheses in '${text}'`);
  }
}

/** Names, strings, numbers and punctuation; throws on a string that is not closed. */
function tokenize(text: string): string[] {
  const tokens: string[] = [];
  const pattern =
    /\s+|"(?:[^"\\]|\\.)*"|'(?:[^'\\]|\\.)*'|[@A-Za-z_][\w.@]*|\d+\w*|[(),]|[=!<>*+\-/%^]+|(.)/gs;
  for (const match of text.matchAll(pattern)) {
    if (match[1] !== undefined) {
      throw new Error(`unexpected '${match[1]}' (a quote not closed?) in '${text}'`);
    }
    if (match[0].trim() !== "") {
      tokens.push(match[0]);
    }
  }
  return tokens;
}
