import { InvalidArgumentError } from "commander";

/*
 * Times as an operator reads and writes them: in a time zone (the user's, from TZ or the
 * system's, or UTC with --utc), as `2026-11-23 12:00:05`.
 */

/** A calendar date and wall-clock time, without a zone. */
interface WallClock {
  readonly year: number;
  readonly month: number;
  readonly day: number;
  readonly hour: number;
  readonly minute: number;
  readonly second: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();

/** The wall clock in `timeZone` at `ms`. Throws a RangeError for a zone Intl does not know. */
function wallClockAt(ms: number, timeZone: string): WallClock {
  let formatter = formatters.get(timeZone);
  if (formatter === undefined) {
    formatter = new Intl.DateTimeFormat("en-US", {
      timeZone,
      hourCycle: "h23",
      year: "numeric",
      month: "2-digit",
      day: "2-digit",
      hour: "2-digit",
      minute: "2-digit",
      second: "2-digit",
    });
    formatters.set(timeZone, formatter);
  }
  const parts = Object.fromEntries(
    formatter.formatToParts(new Date(ms)).map((part) => [part.type, Number(part.value)]),
  );
  return {
    year: parts.year,
    month: parts.month,
    day: parts.day,
    hour: parts.hour,
    minute: parts.minute,
    second: parts.second,
  };
}

function utcMsOf(clock: WallClock): number {
  return Date.UTC(clock.year, clock.month - 1, clock.day, clock.hour, clock.minute, clock.second);
}

/** `2026-11-23 12:00:05`: the time `ms` in `timeZone`. */
export function formatLocalTime(ms: number, timeZone: string): string {
  const clock = wallClockAt(ms, timeZone);
  const two = (n: number) => String(n).padStart(2, "0");
  return (
    `${clock.year}-${two(clock.month)}-${two(clock.day)} ` +
    `${two(clock.hour)}:${two(clock.minute)}:${two(clock.second)}`
  );
}

/**
 * The instant the wall clock shows in `timeZone`. A time that a change of offset repeats is the
 * earlier of its two instants; one that it skips (in the gap when daylight saving time starts)
 * is as far before the gap as it is into it.
 */
function instantOf(clock: WallClock, timeZone: string): number {
  const guess = utcMsOf(clock);
  const offsetAt = (ms: number) =>
    utcMsOf(wallClockAt(ms, timeZone)) - Math.floor(ms / 1000) * 1000;
  const first = guess - offsetAt(guess);
  return guess - offsetAt(first);
}

/** Where `--since` starts: a while before now, or a date and time. */
export type Since =
  | { readonly ago: number }
  | {
      readonly clock: WallClock;
      /** Minutes east of UTC, when the text gave a zone (`Z`, `+09:00`); else the user's zone. */
      readonly offsetMinutes?: number;
    };

const AGO = /^(?:(\d+)w)?(?:(\d+)d)?(?:(\d+)h)?(?:(\d+)m)?$/;
const DATE_TIME =
  /^(\d{4})-(\d{2})-(\d{2})(?:[T ](\d{2}):(\d{2})(?::(\d{2}))?)?(?:(Z)|([+-])(\d{2}):?(\d{2}))?$/;

/**
 * Parses `--since`: a duration back from now (`24h`, `7d`, `2w`, `1d12h`, `90m`), or a date
 * and time (`2026-11-22`, `2026-11-22T18:00`, `2026-11-22 18:00:00`), in the user's time zone
 * unless it ends with `Z` or an offset (`+09:00`).
 */
export function parseSince(text: string): Since {
  if (/^\d+$/.test(text)) {
    throw new InvalidArgumentError(
      `'${text}' has no unit: write ${text}d, ${text}h or ${text}m (or a date such as 2026-11-22).`,
    );
  }
  const ago = AGO.exec(text);
  if (ago !== null && text !== "") {
    const [weeks, days, hours, minutes] = ago.slice(1).map((part) => Number(part ?? 0));
    const ms = (((weeks * 7 + days) * 24 + hours) * 60 + minutes) * 60_000;
    if (ms <= 0) {
      throw new InvalidArgumentError(`'${text}' is not a duration: it must be longer than 0m.`);
    }
    return { ago: ms };
  }
  const date = DATE_TIME.exec(text);
  const [year, month, day, hour, minute, second] = (date?.slice(1, 7) ?? []).map((part) =>
    Number(part ?? 0),
  );
  const clock = { year, month, day, hour, minute, second };
  if (date === null || !isValidClock(clock)) {
    throw new InvalidArgumentError(
      `'${text}' is neither a duration nor a date: write e.g. 24h, 7d, 2w, 2026-11-22 or 2026-11-22T18:00.`,
    );
  }
  const [, , , , , , , utc, sign, offsetHours, offsetMinutes] = date;
  if (utc !== undefined) {
    return { clock, offsetMinutes: 0 };
  }
  if (sign !== undefined) {
    const minutes = Number(offsetHours) * 60 + Number(offsetMinutes);
    return { clock, offsetMinutes: sign === "-" ? -minutes : minutes };
  }
  return { clock };
}

function isValidClock(clock: WallClock): boolean {
  const date = new Date(utcMsOf(clock));
  return (
    date.getUTCFullYear() === clock.year &&
    date.getUTCMonth() === clock.month - 1 &&
    date.getUTCDate() === clock.day &&
    clock.hour < 24 &&
    clock.minute < 60 &&
    clock.second < 60
  );
}

/** The instant (ms) `since` means at `now`, for a user in `timeZone`. */
export function sinceInstant(since: Since, now: number, timeZone: string): number {
  if ("ago" in since) {
    return now - since.ago;
  }
  if (since.offsetMinutes !== undefined) {
    return utcMsOf(since.clock) - since.offsetMinutes * 60_000;
  }
  return instantOf(since.clock, timeZone);
}
