/**
 * The schedule grammar of EventBridge rules (`aws_cloudwatch_event_rule.schedule_expression`),
 * checked at synth time so a typo fails in seconds instead of at apply time.
 *
 * Rules accept `rate(value unit)` and six-field `cron(...)` expressions, evaluated in UTC.
 * See https://docs.aws.amazon.com/eventbridge/latest/userguide/eb-scheduled-rule-pattern.html
 */

const MAX_EXPRESSION_LENGTH = 256;
const CRON_FIELD_NAMES = [
  "minutes",
  "hours",
  "day-of-month",
  "month",
  "day-of-week",
  "year",
] as const;
type CronFieldName = (typeof CRON_FIELD_NAMES)[number];

interface CronFieldRule {
  readonly min: number;
  readonly max: number;
  /** Names accepted in place of numbers, mapped to their number. */
  readonly names?: Readonly<Record<string, number>>;
  /** Whether `?` is accepted (only the two day fields). */
  readonly question?: boolean;
}

const MONTH_NAMES = {
  JAN: 1,
  FEB: 2,
  MAR: 3,
  APR: 4,
  MAY: 5,
  JUN: 6,
  JUL: 7,
  AUG: 8,
  SEP: 9,
  OCT: 10,
  NOV: 11,
  DEC: 12,
};
const DAY_NAMES = { SUN: 1, MON: 2, TUE: 3, WED: 4, THU: 5, FRI: 6, SAT: 7 };

const CRON_FIELD_RULES: Record<CronFieldName, CronFieldRule> = {
  minutes: { min: 0, max: 59 },
  hours: { min: 0, max: 23 },
  "day-of-month": { min: 1, max: 31, question: true },
  month: { min: 1, max: 12, names: MONTH_NAMES },
  "day-of-week": { min: 1, max: 7, names: DAY_NAMES, question: true },
  year: { min: 1970, max: 2199 },
};

/**
 * Throws an Error, quoting the expression and stating the rule, unless `expression` is a
 * schedule expression that an EventBridge rule accepts: `rate(value unit)` or
 * `cron(minutes hours day-of-month month day-of-week year)`.
 */
export function validateScheduleExpression(expression: string): void {
  const fail = (rule: string): never => {
    throw new Error(`schedule expression '${expression}' is not valid: ${rule}`);
  };
  if (typeof expression !== "string" || expression.length === 0) {
    fail(
      "it is empty; write rate(value unit) or cron(minutes hours day-of-month month day-of-week year)",
    );
  }
  if (expression.length > MAX_EXPRESSION_LENGTH) {
    fail(`it has ${expression.length} characters; at most ${MAX_EXPRESSION_LENGTH} are allowed`);
  }
  if (expression !== expression.trim()) {
    fail("remove the leading or trailing white space");
  }
  if (expression.startsWith("rate(")) {
    return validateRate(expression, fail);
  }
  if (expression.startsWith("cron(")) {
    return validateCron(expression, fail);
  }
  if (expression.startsWith("at(")) {
    fail(
      "at(...) is a one-time expression of EventBridge Scheduler; a rule accepts only rate(value unit) or cron(...)",
    );
  }
  if (!/[()]/.test(expression) && expression.split(/\s+/).length >= 5) {
    fail(
      `a bare cron line is not accepted; write cron(...) with six fields, e.g. '${suggestSixFieldCron(expression.trim().split(/\s+/))}'`,
    );
  }
  fail("write rate(value unit) or cron(minutes hours day-of-month month day-of-week year)");
}

function validateRate(expression: string, fail: (rule: string) => never): void {
  const match = /^rate\((\S+) (\S+)\)$/.exec(expression);
  if (!match) {
    fail("write rate(value unit) with one space, e.g. rate(5 minutes) or rate(1 hour)");
  }
  const [, value, unit] = match!;
  if (!/^[1-9][0-9]*$/.test(value)) {
    fail(`the value '${value}' must be a positive whole number, e.g. rate(5 minutes)`);
  }
  const singular = ["minute", "hour", "day"];
  const plural = ["minutes", "hours", "days"];
  if (![...singular, ...plural].includes(unit)) {
    fail(`the unit '${unit}' must be minute(s), hour(s) or day(s)`);
  }
  if (value === "1" && !singular.includes(unit)) {
    fail(`a value of 1 takes the singular unit: rate(1 ${unit.replace(/s$/, "")})`);
  }
  if (value !== "1" && !plural.includes(unit)) {
    fail(`a value other than 1 takes the plural unit: rate(${value} ${unit}s)`);
  }
}

function validateCron(expression: string, fail: (rule: string) => never): void {
  if (!expression.endsWith(")")) {
    fail("a cron expression must end with ')'");
  }
  const body = expression.slice("cron(".length, -1).trim();
  const fields = body.split(/\s+/).filter((f) => f.length > 0);
  if (fields.length === 5) {
    fail(
      `it has five fields like a Unix crontab line; EventBridge needs six (minutes hours day-of-month month day-of-week year): write '${suggestSixFieldCron(fields)}'`,
    );
  }
  if (fields.length !== 6) {
    fail(
      `it has ${fields.length} fields; EventBridge needs exactly six: minutes hours day-of-month month day-of-week year`,
    );
  }
  const [, , dayOfMonth, , dayOfWeek] = fields;
  if (dayOfMonth === "?" && dayOfWeek === "?") {
    fail("day-of-month and day-of-week cannot both be '?': give one of them a value or '*'");
  }
  if (dayOfMonth !== "?" && dayOfWeek !== "?") {
    const fixed = [...fields];
    fixed[dayOfWeek === "*" ? 4 : 2] = "?";
    fail(
      `one of day-of-month ('${dayOfMonth}') and day-of-week ('${dayOfWeek}') must be '?'; write 'cron(${fixed.join(" ")})'`,
    );
  }
  let hashTerms = 0;
  fields.forEach((field, index) => {
    const name = CRON_FIELD_NAMES[index];
    hashTerms += (field.match(/#/g) ?? []).length;
    const problem = checkCronField(name, field);
    if (problem) {
      fail(`${name} field '${field}': ${problem}`);
    }
  });
  if (hashTerms > 1) {
    fail("at most one '#' (nth weekday of the month) term is allowed");
  }
}

/** Returns what is wrong with one cron field, or undefined when it is valid. */
function checkCronField(name: CronFieldName, field: string): string | undefined {
  const rule = CRON_FIELD_RULES[name];
  const range = `${rule.min}-${rule.max}${rule.names ? ` or ${Object.keys(rule.names)[0]}-${Object.keys(rule.names).at(-1)}` : ""}`;
  if (field === "?") {
    return rule.question ? undefined : "'?' is allowed only in day-of-month and day-of-week";
  }
  const terms = field.split(",");
  if (terms.some((t) => t.length === 0)) {
    return "a list must not have empty terms";
  }
  const special = terms.filter((t) => /[LW#?]/.test(withoutNames(rule, t)));
  if (special.length > 0 && terms.length > 1) {
    return `'${special[0]}' cannot be part of a list`;
  }
  for (const term of terms) {
    const problem = checkCronTerm(name, rule, term);
    if (problem) {
      return `${problem} (allowed values: ${range})`;
    }
  }
  return undefined;
}

function checkCronTerm(name: CronFieldName, rule: CronFieldRule, term: string): string | undefined {
  const value = (text: string): number | undefined => {
    if (/^[0-9]+$/.test(text)) {
      return Number(text);
    }
    return rule.names?.[text.toUpperCase()];
  };
  const inRange = (text: string): string | undefined => {
    const v = value(text);
    if (v === undefined) {
      if (name === "day-of-week" && text === "0") {
        return "0 is not a day: AWS numbers days 1-7 from Sunday (Unix cron's 0 is 1 here)";
      }
      return `'${text}' is not a number${rule.names ? " or name" : ""}`;
    }
    if (v < rule.min || v > rule.max) {
      if (name === "day-of-week" && v === 0) {
        return "0 is not a day: AWS numbers days 1-7 from Sunday (Unix cron's 0 is 1 here)";
      }
      return `${v} is out of range`;
    }
    return undefined;
  };

  if (name === "day-of-month") {
    if (term === "L" || term === "LW") {
      return undefined;
    }
    const weekday = /^([0-9]+)W$/.exec(term);
    if (weekday) {
      return inRange(weekday[1]);
    }
  }
  if (name === "day-of-week") {
    if (term === "L") {
      return undefined;
    }
    const last = /^([0-9A-Za-z]+)L$/.exec(term);
    if (last) {
      return inRange(last[1]);
    }
    const nth = /^([0-9A-Za-z]+)#([0-9]+)$/.exec(term);
    if (nth) {
      const n = Number(nth[2]);
      return (
        inRange(nth[1]) ??
        (n >= 1 && n <= 5 ? undefined : `'#${nth[2]}': the week of the month must be 1-5`)
      );
    }
  }
  if (name === "day-of-week" && term.includes("/")) {
    return `'${term}' uses '/', which day-of-week does not take (it takes , - * ? L #); list the days instead, e.g. MON,WED,FRI`;
  }
  if (/[LW#]/.test(withoutNames(rule, term))) {
    const allowed: Partial<Record<CronFieldName, string>> = {
      "day-of-month": "L, LW and nW",
      "day-of-week": "L, nL and n#k",
    };
    return `'${term}' uses a special character that ${name} does not take here${allowed[name] ? ` (it takes ${allowed[name]})` : ""}`;
  }

  const [base, step, ...rest] = term.split("/");
  if (rest.length > 0) {
    return `'${term}' has more than one '/'`;
  }
  if (step !== undefined && !/^[1-9][0-9]*$/.test(step)) {
    return `the step '${step}' in '${term}' must be a positive whole number`;
  }
  if (base === "*") {
    return undefined;
  }
  const bounds = base.split("-");
  if (bounds.length > 2 || bounds.some((b) => b.length === 0)) {
    return `'${term}' is not a value, a range a-b, or a step a/n`;
  }
  for (const bound of bounds) {
    const problem = inRange(bound);
    if (problem) {
      return problem;
    }
  }
  return undefined;
}

/** The term with month and day names (which may contain L or W, as JUL and WED do) masked. */
function withoutNames(rule: CronFieldRule, term: string): string {
  return term.replace(/[A-Za-z]{3}/g, (n) =>
    rule.names?.[n.toUpperCase()] !== undefined ? "0" : n,
  );
}

/** Turns five Unix cron fields into the six-field EventBridge form, for error messages. */
function suggestSixFieldCron(fields: string[]): string {
  const [minutes, hours, dayOfMonth, month, dayOfWeek] = fields;
  const days =
    dayOfWeek === "*" || dayOfWeek === "?"
      ? [dayOfMonth === "?" ? "*" : dayOfMonth, "?"]
      : ["?", unixDayOfWeek(dayOfWeek)];
  return `cron(${minutes} ${hours} ${days[0]} ${month} ${days[1]} *)`;
}

/**
 * A Unix day-of-week field as an EventBridge one. Unix numbers days 0-7 from Sunday (0 and 7
 * both Sunday) and takes steps; EventBridge numbers them 1-7 and takes no '/'. So numeric terms
 * become the list of days they pick (as EventBridge numbers, runs written as ranges); names and
 * anything else are kept as written.
 */
function unixDayOfWeek(dow: string): string {
  const kept: string[] = [];
  const days = new Set<number>();
  for (const term of dow.split(",")) {
    const match = /^(?:(\*)|([0-7])(?:-([0-7]))?)(?:\/([1-9][0-9]*))?$/.exec(term);
    if (!match) {
      kept.push(term);
      continue;
    }
    const [, star, from, to, step] = match;
    const first = star ? 0 : Number(from);
    const last = to !== undefined ? Number(to) : star || step ? 7 : first;
    if (last < first) {
      kept.push(term);
      continue;
    }
    for (let day = first; day <= last; day += Number(step ?? 1)) {
      days.add((day % 7) + 1);
    }
  }
  const sorted = [...days].sort((a, b) => a - b);
  const runs: string[] = [];
  for (let i = 0; i < sorted.length;) {
    let j = i;
    while (j + 1 < sorted.length && sorted[j + 1] === sorted[j] + 1) {
      j++;
    }
    runs.push(j > i ? `${sorted[i]}-${sorted[j]}` : String(sorted[i]));
    i = j + 1;
  }
  return [...runs, ...kept].join(",");
}
