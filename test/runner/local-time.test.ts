import { InvalidArgumentError } from "commander";
import { formatLocalTime, parseSince, sinceInstant } from "../../runner/local-time";

const NOW = Date.parse("2026-11-23T03:00:05.123Z");

describe("formatLocalTime", () => {
  test.each([
    ["UTC", "2026-11-23 03:00:05"],
    ["Asia/Tokyo", "2026-11-23 12:00:05"],
    ["America/New_York", "2026-11-22 22:00:05"],
    ["Asia/Kolkata", "2026-11-23 08:30:05"],
  ])("shows the wall clock of %s", (zone, text) => {
    expect(formatLocalTime(NOW, zone)).toBe(text);
  });

  test("midnight is 00, not 24", () => {
    expect(formatLocalTime(Date.parse("2026-11-22T15:00:00Z"), "Asia/Tokyo")).toBe(
      "2026-11-23 00:00:00",
    );
  });
});

describe("parseSince", () => {
  test.each([
    ["24h", 24 * 3600_000],
    ["7d", 7 * 86_400_000],
    ["2w", 14 * 86_400_000],
    ["1d12h", 36 * 3600_000],
    ["90m", 90 * 60_000],
  ])("%s is that long before now", (text, ms) => {
    expect(sinceInstant(parseSince(text), NOW, "Asia/Tokyo")).toBe(NOW - ms);
  });

  test.each([
    // Midnight, or the time given, in the user's zone
    ["2026-11-20", "Asia/Tokyo", "2026-11-19T15:00:00.000Z"],
    ["2026-11-20T18:30", "Asia/Tokyo", "2026-11-20T09:30:00.000Z"],
    ["2026-11-20 18:30:15", "America/New_York", "2026-11-20T23:30:15.000Z"],
    // Summer time in New York: UTC-4
    ["2026-07-01T09:00", "America/New_York", "2026-07-01T13:00:00.000Z"],
    // A zone in the text wins over the user's
    ["2026-11-20T18:30Z", "Asia/Tokyo", "2026-11-20T18:30:00.000Z"],
    ["2026-11-20T18:30+09:00", "UTC", "2026-11-20T09:30:00.000Z"],
    ["2026-11-20T18:30-0500", "UTC", "2026-11-20T23:30:00.000Z"],
  ])("%s in %s is %s", (text, zone, iso) => {
    expect(new Date(sinceInstant(parseSince(text), NOW, zone)).toISOString()).toBe(iso);
  });

  test("a time that daylight saving time repeats is the earlier of the two", () => {
    // 01:30 happens twice in New York on 2026-11-01: first in EDT (UTC-4).
    expect(
      new Date(sinceInstant(parseSince("2026-11-01T01:30"), NOW, "America/New_York")).toISOString(),
    ).toBe("2026-11-01T05:30:00.000Z");
  });

  test.each([
    ["7", /'7' has no unit: write 7d, 7h or 7m/],
    ["0d", /must be longer than 0m/],
    ["", /neither a duration nor a date/],
    ["yesterday", /neither a duration nor a date/],
    ["7s", /neither a duration nor a date/],
    ["2026-13-01", /neither a duration nor a date/],
    ["2026-02-29", /neither a duration nor a date/],
    ["2026-11-20T24:00", /neither a duration nor a date/],
    ["2026-11-20T18", /neither a duration nor a date/],
  ])("refuses %j", (text, says) => {
    expect(() => parseSince(text)).toThrow(InvalidArgumentError);
    expect(() => parseSince(text)).toThrow(says);
  });
});
