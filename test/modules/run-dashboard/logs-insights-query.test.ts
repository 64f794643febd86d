import { checkWidgetQuery } from "./logs-insights-query";

describe("checkWidgetQuery (the test's Logs Insights query check)", () => {
  it("accepts the log widget of the CloudWatch dashboard body reference, two log groups and all", () => {
    // "Properties of a Log Widget Object", Dashboard Body Structure and Syntax.
    const query =
      'SOURCE \'application1.log\' | SOURCE \'application2.log\' | filter @message like "[ERROR]"\n| parse @message "Error for [*] [*] due to: *" canaryName1, canaryId1, cause1\n| parse @message "Executor canary [*] *" canaryName2, cause2\n| fields coalesce(cause1, cause2) as cause\n| fields coalesce(canaryName1, canaryName2) as canaryName\n| fields ispresent(cause) as isP\n| filter isP\n| stats count() as errCount by canaryName, substr(cause, 0, 130)\n| sort errCount DESC';
    const parsed = checkWidgetQuery(query);
    expect(parsed.sources).toEqual(["application1.log", "application2.log"]);
    expect(parsed.commands.map((c) => c.name)).toEqual([
      "filter",
      "parse",
      "parse",
      "fields",
      "fields",
      "fields",
      "filter",
      "stats",
      "sort",
    ]);
    expect(parsed.logFields).toEqual(["@message"]);
  });

  it("accepts a chart of aggregates by bin() and lists the log fields it reads", () => {
    const parsed = checkWidgetQuery(
      "SOURCE '/aws/events/dev-batch-runs' | filter detail.job = \"a\"\n| stats count(*) as runs, max(detail.durationSeconds) as longest by bin(1h)",
      "timeSeries",
    );
    expect(parsed.logFields).toEqual(["detail.job", "detail.durationSeconds"]);
  });

  it.each<[string, string, string, RegExp]>([
    ["no SOURCE", 'filter detail.job = "a"', "table", /does not start with SOURCE/],
    ["a log group not quoted", "SOURCE /a | filter x.y = 1", "table", /does not start with SOURCE/],
    [
      "an unknown command",
      "SOURCE 'g' | select detail.job",
      "table",
      /not a Logs Insights command/,
    ],
    [
      "a command after dedup other than limit",
      "SOURCE 'g' | fields detail.job as job\n| dedup job\n| sort job desc",
      "table",
      /'sort' follows dedup: only limit may/,
    ],
    [
      "a name no command made",
      "SOURCE 'g' | fields detail.job as job\n| dedup taskId",
      "table",
      /'taskId' is neither a field of the log nor a name made before dedup/,
    ],
    ["an unknown function", "SOURCE 'g' | fields iff(x.y, 1) as z", "table", /'iff' is not a Logs/],
    [
      "an aggregation outside stats",
      "SOURCE 'g' | fields count_distinct(x.y) as n",
      "table",
      /'count_distinct\(\)' aggregates: only stats may use it, not fields/,
    ],
    ["a parenthesis not closed", "SOURCE 'g' | stats count(x.y as n", "table", /unbalanced/],
    [
      "a parenthesis not opened",
      "SOURCE 'g' | stats count(x.y)) as n",
      "table",
      /'\)' without '\('/,
    ],
    ["a quote not closed", "SOURCE 'g' | filter x.y = \"a", "table", /a quote not closed/],
    [
      "a bin without a period",
      "SOURCE 'g' | stats count(*) by bin(an hour)",
      "table",
      /bin\(\) takes a period/,
    ],
    ["a limit of 0", "SOURCE 'g' | fields x.y\n| limit 0", "table", /limit takes a whole number/],
    [
      "a chart grouped by more than the bin",
      "SOURCE 'g' | stats count(*) as n by bin(1h), x.result",
      "timeSeries",
      /a timeSeries chart groups by bin\(\) alone/,
    ],
    [
      "a chart without stats",
      "SOURCE 'g' | fields x.y",
      "timeSeries",
      /a timeSeries chart needs one stats command/,
    ],
  ])("rejects %s", (_, query, view, message) => {
    expect(() => checkWidgetQuery(query, view)).toThrow(message);
  });
});
