import { validateScheduleExpression } from "../../../modules/validation/schedule-expression";

/** A regex matching `text` literally. */
function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
}

/** The message of the error `validateScheduleExpression(expression)` throws. */
function messageFor(expression: string): string {
  try {
    validateScheduleExpression(expression);
  } catch (error) {
    return (error as Error).message;
  }
  throw new Error(`expected '${expression}' to be rejected, but it was accepted`);
}

/** The suggestion quoted at the end of a message: "... write 'cron(...)'". */
function suggestionIn(message: string): string {
  const match = /'(cron\([^']*\))'$/.exec(message);
  if (!match) {
    throw new Error(`no cron(...) suggestion at the end of: ${message}`);
  }
  return match[1];
}

function expectRejected(expression: string, rule: RegExp): void {
  // THEN the message quotes the whole expression and states the rule
  expect(() => validateScheduleExpression(expression)).toThrow(
    literally(`schedule expression '${expression}' is not valid: `),
  );
  expect(() => validateScheduleExpression(expression)).toThrow(rule);
}

describe("validateScheduleExpression", () => {
  describe("rate(value unit)", () => {
    it.each([
      "rate(1 minute)",
      "rate(1 hour)",
      "rate(1 day)",
      "rate(2 minutes)",
      "rate(5 minutes)",
      "rate(12 hours)",
      "rate(7 days)",
      "rate(10 minutes)",
      "rate(1440 minutes)",
    ])("GIVEN %s WHEN validated THEN it is accepted", (expression) => {
      expect(() => validateScheduleExpression(expression)).not.toThrow();
    });

    it.each([
      ["rate(1 minutes)", /a value of 1 takes the singular unit: rate\(1 minute\)/],
      ["rate(1 hours)", /a value of 1 takes the singular unit: rate\(1 hour\)/],
      ["rate(1 days)", /a value of 1 takes the singular unit: rate\(1 day\)/],
      ["rate(5 minute)", /a value other than 1 takes the plural unit: rate\(5 minutes\)/],
      ["rate(2 hour)", /a value other than 1 takes the plural unit: rate\(2 hours\)/],
      ["rate(3 day)", /a value other than 1 takes the plural unit: rate\(3 days\)/],
    ])("GIVEN %s with the wrong number of the unit THEN it names the right form", (expr, rule) => {
      expectRejected(expr, rule);
    });

    it.each([
      ["rate(0 minutes)", "0"],
      ["rate(-5 minutes)", "-5"],
      ["rate(1.5 hours)", "1.5"],
      ["rate(five minutes)", "five"],
    ])("GIVEN %s THEN the value '%s' is rejected as not a positive whole number", (expr, value) => {
      expectRejected(expr, literally(`the value '${value}' must be a positive whole number`));
    });

    it.each([
      ["rate(30 seconds)", "seconds"],
      ["rate(2 weeks)", "weeks"],
      ["rate(1 month)", "month"],
      ["rate(5 Minutes)", "Minutes"],
      ["rate(5 mins)", "mins"],
    ])("GIVEN %s THEN the unit '%s' is rejected", (expression, unit) => {
      expectRejected(
        expression,
        literally(`the unit '${unit}' must be minute(s), hour(s) or day(s)`),
      );
    });

    it.each([
      "rate(5minutes)",
      "rate(5  minutes)",
      "rate( 5 minutes)",
      "rate(5)",
      "rate()",
      "rate(5 minutes",
    ])("GIVEN the malformed %s THEN it asks for rate(value unit) with one space", (expression) => {
      expectRejected(
        expression,
        /write rate\(value unit\) with one space, e\.g\. rate\(5 minutes\)/,
      );
    });
  });

  describe("cron(...) with six fields", () => {
    it.each([
      // The examples of the EventBridge user guide
      "cron(0 10 * * ? *)",
      "cron(15 12 * * ? *)",
      "cron(0 18 ? * MON-FRI *)",
      "cron(0 8 1 * ? *)",
      "cron(0/15 * * * ? *)",
      "cron(0/10 * ? * MON-FRI *)",
      "cron(0/5 8-17 ? * MON-FRI *)",
      "cron(0 9 ? * 2#1 *)",
      "cron(15 10 ? * 6L 2002-2005)",
      // '?' in either day field, with '*' or a value in the other
      "cron(0 12 ? * * *)",
      "cron(0 12 * * ? *)",
      "cron(0 12 15 * ? *)",
      "cron(0 12 ? * 3 *)",
      // field boundaries
      "cron(0 0 1 1 ? 1970)",
      "cron(59 23 31 12 ? 2199)",
      "cron(0 0 ? JAN 1 *)",
      "cron(0 0 ? DEC 7 *)",
      "cron(0 0 ? * SUN *)",
      "cron(0 0 ? * SAT *)",
      // lists, ranges and steps where the grammar allows them
      "cron(0,15,30,45 * * * ? *)",
      "cron(*/5 * * * ? *)",
      "cron(5/15 0-6,18-23 * * ? *)",
      "cron(0 */2 * * ? *)",
      "cron(0 0 1/2 * ? *)",
      "cron(0 0 */7 * ? *)",
      "cron(0 0 1-15 * ? *)",
      "cron(0 0 1,15 * ? *)",
      "cron(0 0 1 JAN-MAR,OCT ? *)",
      "cron(0 0 1 */3 ? *)",
      "cron(0 0 1 1-6/2 ? *)",
      "cron(0 0 ? * MON,WED,FRI *)",
      "cron(0 0 ? * 2-6 *)",
      "cron(0 0 1 1 ? 2025,2027)",
      "cron(0 0 1 1 ? 2025-2030)",
      "cron(0 0 1 1 ? 2025/2)",
      // L, W and # where the grammar allows them
      "cron(0 0 L * ? *)",
      "cron(0 0 LW * ? *)",
      "cron(0 0 15W * ? *)",
      "cron(0 0 1W * ? *)",
      "cron(0 0 31W * ? *)",
      "cron(0 0 ? * L *)",
      "cron(0 0 ? * 1L *)",
      "cron(0 0 ? * 6#5 *)",
      "cron(0 0 ? * 1#1 *)",
      // month and day names containing L and W are names, not special characters
      "cron(0 12 ? JUL WED *)",
      "cron(0 12 ? JUN-AUG TUE-THU *)",
    ])("GIVEN %s WHEN validated THEN it is accepted", (expression) => {
      expect(() => validateScheduleExpression(expression)).not.toThrow();
    });

    describe("GIVEN a five-field Unix cron line inside cron(...)", () => {
      it.each([
        ["cron(*/2 * * * *)", "cron(*/2 * * * ? *)"],
        ["cron(0 12 * * *)", "cron(0 12 * * ? *)"],
        ["cron(0 0 1 * *)", "cron(0 0 1 * ? *)"],
        ["cron(0 0 1 JAN *)", "cron(0 0 1 JAN ? *)"],
        ["cron(0 12 * * ?)", "cron(0 12 * * ? *)"],
        ["cron(0 9 * * MON-FRI)", "cron(0 9 ? * MON-FRI *)"],
        // Unix numbers days 0-7 from Sunday, EventBridge 1-7: the suggestion renumbers them
        ["cron(0 9 * * 1-5)", "cron(0 9 ? * 2-6 *)"],
        ["cron(30 7 * * 0)", "cron(30 7 ? * 1 *)"],
        ["cron(30 7 * * 7)", "cron(30 7 ? * 1 *)"],
        ["cron(0 0 * * 0,6)", "cron(0 0 ? * 1,7 *)"],
        ["cron(0 0 * * 5-7)", "cron(0 0 ? * 1,6-7 *)"],
        // EventBridge's day-of-week takes no step: the suggestion lists the days instead
        ["cron(0 0 * * */2)", "cron(0 0 ? * 1,3,5,7 *)"],
        ["cron(0 0 * * 1-5/2)", "cron(0 0 ? * 2,4,6 *)"],
      ])("WHEN %s is validated THEN it suggests %s", (expression, suggestion) => {
        expectRejected(
          expression,
          /it has five fields like a Unix crontab line; EventBridge needs six \(minutes hours day-of-month month day-of-week year\)/,
        );
        expect(messageFor(expression)).toContain(`write '${suggestion}'`);
      });

      it.each(["cron(*/2 * * * *)", "cron(0 9 * * 1-5)", "cron(0 0 * * */2)", "cron(0 0 * * 5-7)"])(
        "WHEN the suggestion for %s is itself validated THEN it is accepted",
        (expression) => {
          const suggestion = suggestionIn(messageFor(expression));
          expect(() => validateScheduleExpression(suggestion)).not.toThrow();
        },
      );
    });

    describe("GIVEN a bare cron line without cron(...)", () => {
      it.each([
        ["*/2 * * * *", "cron(*/2 * * * ? *)"],
        ["0 12 * * 1-5", "cron(0 12 ? * 2-6 *)"],
        ["0 12 * * ? *", "cron(0 12 * * ? *)"],
      ])("WHEN %s is validated THEN it suggests %s", (expression, suggestion) => {
        expectRejected(
          expression,
          /a bare cron line is not accepted; write cron\(\.\.\.\) with six fields/,
        );
        expect(messageFor(expression)).toContain(`e.g. '${suggestion}'`);
      });
    });

    describe("GIVEN the day fields do not have exactly one '?'", () => {
      it.each([
        ["cron(0 12 * * * *)", "'*'", "'*'", "cron(0 12 * * ? *)"],
        ["cron(*/5 * * * * *)", "'*'", "'*'", "cron(*/5 * * * ? *)"],
        ["cron(0 12 1 * MON *)", "'1'", "'MON'", "cron(0 12 ? * MON *)"],
        ["cron(0 12 15 * * *)", "'15'", "'*'", "cron(0 12 15 * ? *)"],
      ])(
        "WHEN %s is validated THEN it says one must be '?' and suggests a fix",
        (expr, dom, dow, fix) => {
          expectRejected(
            expr,
            literally(
              `one of day-of-month (${dom}) and day-of-week (${dow}) must be '?'; write '${fix}'`,
            ),
          );
          expect(() => validateScheduleExpression(fix)).not.toThrow();
        },
      );

      it("WHEN both are '?' THEN it says one needs a value or '*'", () => {
        expectRejected(
          "cron(0 12 ? * ? *)",
          /day-of-month and day-of-week cannot both be '\?': give one of them a value or '\*'/,
        );
      });
    });

    it.each([
      ["cron()", 0],
      ["cron(0 12 * *)", 4],
      ["cron(0 0 12 * * ? *)", 7],
      ["cron(0 0 12 * * ? * *)", 8],
    ])("GIVEN %s with %i fields THEN it asks for exactly six", (expression, count) => {
      expectRejected(
        expression,
        literally(
          `it has ${count} fields; EventBridge needs exactly six: minutes hours day-of-month month day-of-week year`,
        ),
      );
    });

    it.each([
      ["cron(60 12 * * ? *)", "minutes", "60", "60 is out of range (allowed values: 0-59)"],
      ["cron(0 24 * * ? *)", "hours", "24", "24 is out of range (allowed values: 0-23)"],
      ["cron(0 0-24 * * ? *)", "hours", "0-24", "24 is out of range (allowed values: 0-23)"],
      ["cron(0 12 0 * ? *)", "day-of-month", "0", "0 is out of range (allowed values: 1-31)"],
      ["cron(0 12 32 * ? *)", "day-of-month", "32", "32 is out of range (allowed values: 1-31)"],
      ["cron(0 12 32W * ? *)", "day-of-month", "32W", "32 is out of range (allowed values: 1-31)"],
      ["cron(0 12 1 0 ? *)", "month", "0", "0 is out of range (allowed values: 1-12 or JAN-DEC)"],
      [
        "cron(0 12 1 13 ? *)",
        "month",
        "13",
        "13 is out of range (allowed values: 1-12 or JAN-DEC)",
      ],
      [
        "cron(0 12 ? * 8 *)",
        "day-of-week",
        "8",
        "8 is out of range (allowed values: 1-7 or SUN-SAT)",
      ],
      ["cron(0 12 ? * 8L *)", "day-of-week", "8L", "8 is out of range"],
      ["cron(0 12 ? * 8#1 *)", "day-of-week", "8#1", "8 is out of range"],
      ["cron(0 12 * * ? 1969)", "year", "1969", "1969 is out of range (allowed values: 1970-2199)"],
      ["cron(0 12 * * ? 2200)", "year", "2200", "2200 is out of range (allowed values: 1970-2199)"],
    ])("GIVEN %s THEN its %s field '%s' is out of range", (expression, field, value, rule) => {
      expectRejected(expression, literally(`${field} field '${value}': ${rule}`));
    });

    it("GIVEN Unix's Sunday 0 in day-of-week THEN it explains AWS numbers days 1-7 from Sunday", () => {
      expectRejected(
        "cron(0 12 ? * 0 *)",
        literally(
          "day-of-week field '0': 0 is not a day: AWS numbers days 1-7 from Sunday (Unix cron's 0 is 1 here)",
        ),
      );
    });

    it.each([
      ["cron(0 12 * JUNE ? *)", "month", "'JUNE' is not a number or name"],
      ["cron(0 12 ? * FOO *)", "day-of-week", "'FOO' is not a number or name"],
      ["cron(0 12 ? * MON-FOO *)", "day-of-week", "'FOO' is not a number or name"],
      ["cron(x 12 * * ? *)", "minutes", "'x' is not a number (allowed values: 0-59)"],
      ["cron(0 MON * * ? *)", "hours", "'MON' is not a number (allowed values: 0-23)"],
    ])("GIVEN %s THEN the %s field says what is not a value", (expression, field, rule) => {
      expectRejected(expression, new RegExp(`${field} field '[^']+': ${literally(rule).source}`));
    });

    it.each([
      [
        "cron(? 12 * * ? *)",
        "minutes field '?': '?' is allowed only in day-of-month and day-of-week",
      ],
      ["cron(0 12 * * ? ?)", "year field '?': '?' is allowed only in day-of-month and day-of-week"],
      [
        "cron(0 12 * ? ? *)",
        "month field '?': '?' is allowed only in day-of-month and day-of-week",
      ],
      [
        "cron(L 12 * * ? *)",
        "minutes field 'L': 'L' uses a special character that minutes does not take",
      ],
      [
        "cron(0 12 ? * 2W *)",
        "day-of-week field '2W': '2W' uses a special character that day-of-week",
      ],
      [
        "cron(0 12 W * ? *)",
        "day-of-month field 'W': 'W' uses a special character that day-of-month",
      ],
      ["cron(0 12 1#2 * ? *)", "day-of-month field '1#2': '1#2' uses a special character"],
      ["cron(0 12 1 1L ? *)", "month field '1L': '1L' uses a special character that month"],
      ["cron(0 12 * * ? 2025L)", "year field '2025L': '2025L' uses a special character that year"],
    ])(
      "GIVEN %s with a special character where the field takes none THEN it is rejected",
      (expr, rule) => {
        expectRejected(expr, literally(rule));
      },
    );

    it.each([
      ["cron(0 12 ? * */2 *)", "*/2"],
      ["cron(0 12 ? * 1/2 *)", "1/2"],
      ["cron(0 12 ? * MON-FRI/2 *)", "MON-FRI/2"],
    ])(
      "GIVEN %s THEN '/' in day-of-week is rejected (it takes , - * ? L #)",
      (expression, term) => {
        expectRejected(
          expression,
          literally(
            `day-of-week field '${term}': '${term}' uses '/', which day-of-week does not take`,
          ),
        );
      },
    );

    it.each([
      [
        "cron(*/0 * * * ? *)",
        "minutes field '*/0': the step '0' in '*/0' must be a positive whole number",
      ],
      [
        "cron(0/x * * * ? *)",
        "minutes field '0/x': the step 'x' in '0/x' must be a positive whole number",
      ],
      ["cron(0/5/2 * * * ? *)", "minutes field '0/5/2': '0/5/2' has more than one '/'"],
      [
        "cron(1-2-3 * * * ? *)",
        "minutes field '1-2-3': '1-2-3' is not a value, a range a-b, or a step a/n",
      ],
      ["cron(-5 * * * ? *)", "minutes field '-5': '-5' is not a value, a range a-b, or a step a/n"],
      ["cron(1,,2 * * * ? *)", "minutes field '1,,2': a list must not have empty terms"],
      ["cron(1, * * * ? *)", "minutes field '1,': a list must not have empty terms"],
    ])("GIVEN %s with a malformed list, range or step THEN it is rejected", (expression, rule) => {
      expectRejected(expression, literally(rule));
    });

    it.each([
      ["cron(0 12 L,15 * ? *)", "day-of-month field 'L,15': 'L' cannot be part of a list"],
      ["cron(0 12 1W,15 * ? *)", "day-of-month field '1W,15': '1W' cannot be part of a list"],
      ["cron(0 12 ? * 2,6L *)", "day-of-week field '2,6L': '6L' cannot be part of a list"],
      ["cron(0 12 ?,1 * ? *)", "day-of-month field '?,1': '?' cannot be part of a list"],
      // "3#1,6#3" is the example of an invalid expression in the EventBridge user guide
      ["cron(0 12 ? * 3#1,6#3 *)", "day-of-week field '3#1,6#3': '3#1' cannot be part of a list"],
    ])("GIVEN %s with L, W, # or ? in a list THEN it is rejected", (expression, rule) => {
      expectRejected(expression, literally(rule));
    });

    it.each([
      ["cron(0 12 ? * 2#6 *)", "2#6", "'#6': the week of the month must be 1-5"],
      ["cron(0 12 ? * 2#0 *)", "2#0", "'#0': the week of the month must be 1-5"],
    ])("GIVEN %s THEN the nth weekday is out of range", (expression, term, rule) => {
      expectRejected(expression, literally(`day-of-week field '${term}': ${rule}`));
    });

    it("GIVEN a cron expression without its closing parenthesis THEN it says so", () => {
      expectRejected("cron(0 12 * * ? *", /a cron expression must end with '\)'/);
    });
  });

  describe("any expression", () => {
    // 48 years make a year field of 239 characters: 'cron(10 0 1 1 ? ' + 239 + ')' is 256.
    const years = Array.from({ length: 48 }, (_, i) => 2030 + i).join(",");
    const longest = `cron(10 0 1 1 ? ${years})`;
    const tooLong = `cron(10 10 1 1 ? ${years})`;

    it("GIVEN a valid expression of exactly 256 characters THEN it is accepted", () => {
      expect(longest).toHaveLength(256);
      expect(() => validateScheduleExpression(longest)).not.toThrow();
    });

    it("GIVEN an otherwise valid expression of 257 characters THEN it is rejected for its length", () => {
      expect(tooLong).toHaveLength(257);
      expectRejected(tooLong, /it has 257 characters; at most 256 are allowed/);
    });

    it("GIVEN an empty string THEN it says it is empty and shows both forms", () => {
      expectRejected(
        "",
        /it is empty; write rate\(value unit\) or cron\(minutes hours day-of-month month day-of-week year\)/,
      );
    });

    it.each([" rate(5 minutes)", "rate(5 minutes) ", "cron(0 12 * * ? *)\n"])(
      "GIVEN %j with surrounding white space THEN it asks to remove it",
      (expression) => {
        expectRejected(expression, /remove the leading or trailing white space/);
      },
    );

    it.each(["at(2025-06-01T09:00:00)", "at(2030-01-01T00:00:00)"])(
      "GIVEN the Scheduler expression %s THEN it says at() belongs to EventBridge Scheduler, not rules",
      (expression) => {
        expectRejected(
          expression,
          /at\(\.\.\.\) is a one-time expression of EventBridge Scheduler; a rule accepts only rate\(value unit\) or cron\(\.\.\.\)/,
        );
      },
    );

    it.each([
      "every 5 minutes",
      "daily",
      "@hourly",
      "RATE(5 minutes)",
      // not mistaken for bare cron lines (which would suggest 'cron(Cron(0 ...')
      "Cron(0 12 * * ? *)",
      "cron (0 12 * * ? *)",
      "(0 12 * * ? *)",
    ])("GIVEN %s which is neither rate() nor cron() THEN it shows both forms", (expression) => {
      expectRejected(
        expression,
        /write rate\(value unit\) or cron\(minutes hours day-of-month month day-of-week year\)$/,
      );
    });
  });
});
