import {
  SCHEDULER_LIMITS,
  validateSchedulerExpression,
  validateSchedulerName,
  validateTimeZone,
} from "../../../modules";

describe("validateSchedulerExpression", () => {
  it.each([
    "at(2026-12-24T03:00:00)",
    "at(2028-02-29T23:59:59)",
    "rate(5 minutes)",
    "rate(1 day)",
    "cron(0 3 * * ? *)",
    "cron(0 9 ? * MON-FRI *)",
  ])("accepts %s", (expression) => {
    expect(() => validateSchedulerExpression(expression)).not.toThrow();
  });

  it.each<[string, RegExp]>([
    [
      "at(2026-12-24 03:00:00)",
      /'at\(2026-12-24 03:00:00\)' is not valid: write a one-time schedule as at\(yyyy-mm-ddThh:mm:ss\)/,
    ],
    ["at(2026-12-24T03:00)", /'at\(2026-12-24T03:00\)' is not valid: write a one-time schedule/],
    [
      "at(2026-12-24T03:00:00+09:00)",
      /without a zone offset \(set the schedule's time zone instead\)/,
    ],
    [
      "at(2027-02-29T03:00:00)",
      /'at\(2027-02-29T03:00:00\)' is not valid: there is no such date and time/,
    ],
    ["at(2026-13-01T00:00:00)", /'at\(2026-13-01T00:00:00\)' is not valid: there is no such date/],
    ["at(2026-12-24T24:00:00)", /there is no such date and time/],
    // rate and cron follow the rule grammar, with its messages
    ["cron(0 3 * * *)", /'cron\(0 3 \* \* \*\)'.*write 'cron\(0 3 \* \* \? \*\)'/],
    ["rate(1 days)", /'rate\(1 days\)'/],
  ])("rejects %s", (expression, message) => {
    expect(() => validateSchedulerExpression(expression)).toThrow(message);
  });
});

describe("validateTimeZone", () => {
  it.each(["Asia/Tokyo", "UTC", "America/New_York", "Europe/London", "Etc/GMT+9"])(
    "accepts %s",
    (zone) => {
      expect(() => validateTimeZone(zone)).not.toThrow();
    },
  );

  it.each<[string, RegExp]>([
    ["Asia/Osaka", /time zone 'Asia\/Osaka' is not valid: it is not an IANA time zone name/],
    ["JST", /time zone 'JST' is not valid: it is an abbreviation, not an IANA time zone name/],
    [
      "+09:00",
      /time zone '\+09:00' is not valid: give a zone name such as 'Asia\/Tokyo', not an offset/,
    ],
    ["UTC+9", /time zone 'UTC\+9' is not valid: give a zone name/],
    ["asia/tokyo", /time zone 'asia\/tokyo' is not valid: write it as 'Asia\/Tokyo'/],
    ["utc", /time zone 'utc' is not valid: write it as 'UTC'/],
    ["", /time zone '' is not valid: it must be an IANA name of 1-50 characters/],
    ["A".repeat(51), /must be an IANA name of 1-50 characters/],
  ])("rejects %s", (zone, message) => {
    expect(() => validateTimeZone(zone)).toThrow(message);
  });
});

describe("validateSchedulerName", () => {
  it.each(["example-batch", "a", "n".repeat(64), "jobs.nightly_report-1"])("accepts %s", (name) => {
    expect(() => validateSchedulerName(name)).not.toThrow();
  });

  it.each<[string, RegExp]>([
    ["", /schedule name '' is not valid: it must have 1-64 characters/],
    ["n".repeat(65), /schedule name 'n{65}' is not valid: it must have 1-64/],
    ["jobs/nightly", /schedule name 'jobs\/nightly' may contain only letters, digits/],
    ["night ly", /schedule name 'night ly' may contain only/],
  ])("rejects %j", (name, message) => {
    expect(() => validateSchedulerName(name)).toThrow(message);
  });
});

describe("SCHEDULER_LIMITS", () => {
  it("holds Scheduler's documented ranges", () => {
    expect(SCHEDULER_LIMITS).toEqual({
      flexibleTimeWindowMinutes: { min: 1, max: 1440 },
      maximumRetryAttempts: { min: 0, max: 185 },
      maximumEventAgeSeconds: { min: 60, max: 86400 },
      taskCount: { min: 1, max: 10 },
    });
  });
});
