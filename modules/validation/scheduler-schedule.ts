/**
 * The inputs of EventBridge Scheduler (`aws_scheduler_schedule`) that AWS checks at apply time,
 * checked at synth time. Scheduler evaluates cron and rate expressions like rules do, and also
 * takes one-time `at(...)` expressions and an IANA time zone.
 * See https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html
 */
import { validateScheduleExpression } from "./schedule-expression";

/** Numeric limits of a Scheduler schedule. */
export const SCHEDULER_LIMITS = {
  flexibleTimeWindowMinutes: { min: 1, max: 1440 },
  maximumRetryAttempts: { min: 0, max: 185 },
  maximumEventAgeSeconds: { min: 60, max: 86400 },
  taskCount: { min: 1, max: 10 },
} as const;

const AT = /^at\(([0-9]{4})-([0-9]{2})-([0-9]{2})T([0-9]{2}):([0-9]{2}):([0-9]{2})\)$/;

/**
 * Throws an Error, quoting the expression and stating the rule, unless `expression` is one that
 * EventBridge Scheduler accepts: `at(yyyy-mm-ddThh:mm:ss)`, `rate(value unit)` or six-field
 * `cron(...)`. The time of `at(...)` and `cron(...)` is read in the schedule's time zone.
 */
export function validateSchedulerExpression(expression: string): void {
  if (typeof expression !== "string" || !expression.startsWith("at(")) {
    validateScheduleExpression(expression);
    return;
  }
  const match = AT.exec(expression);
  if (!match) {
    throw new Error(
      `schedule expression '${expression}' is not valid: write a one-time schedule as at(yyyy-mm-ddThh:mm:ss), e.g. at(2026-12-24T03:00:00), without a zone offset (set the schedule's time zone instead)`,
    );
  }
  if (!isRealDateTime(match.slice(1).map(Number))) {
    throw new Error(
      `schedule expression '${expression}' is not valid: there is no such date and time`,
    );
  }
}

/**
 * Whether year, month (1-12), day, hour, minute and second name a moment that exists: no
 * 31 April, 29 February only in leap years, no hour 24.
 */
export function isRealDateTime(fields: readonly number[]): boolean {
  const [year, month, day, hour, minute, second] = fields;
  const date = new Date(Date.UTC(year, month - 1, day, hour, minute, second));
  return (
    date.getUTCFullYear() === year &&
    date.getUTCMonth() === month - 1 &&
    date.getUTCDate() === day &&
    date.getUTCHours() === hour &&
    date.getUTCMinutes() === minute &&
    date.getUTCSeconds() === second
  );
}

/**
 * Throws an Error quoting the name unless it is an IANA time zone name that this Node.js knows
 * (Scheduler takes the IANA names, 1-50 characters), e.g. `Asia/Tokyo` or `UTC`.
 */
export function validateTimeZone(timeZone: string): void {
  if (typeof timeZone !== "string" || timeZone.length === 0 || timeZone.length > 50) {
    throw new Error(
      `time zone '${timeZone}' is not valid: it must be an IANA name of 1-50 characters`,
    );
  }
  if (/^[+-]?[0-9]|^(GMT|UTC)[+-]/i.test(timeZone)) {
    throw new Error(
      `time zone '${timeZone}' is not valid: give a zone name such as 'Asia/Tokyo', not an offset, so daylight saving is handled`,
    );
  }
  let resolved: string;
  try {
    resolved = new Intl.DateTimeFormat("en-US", { timeZone }).resolvedOptions().timeZone;
  } catch {
    throw new Error(
      `time zone '${timeZone}' is not valid: it is not an IANA time zone name such as 'Asia/Tokyo'`,
    );
  }
  // Intl forgives letter case; AWS does not.
  if (resolved !== timeZone && resolved.toLowerCase() === timeZone.toLowerCase()) {
    throw new Error(`time zone '${timeZone}' is not valid: write it as '${resolved}'`);
  }
  // Intl also takes abbreviations such as JST that are no IANA names.
  if (
    !timeZone.includes("/") &&
    timeZone !== "UTC" &&
    !Intl.supportedValuesOf("timeZone").includes(timeZone)
  ) {
    throw new Error(
      `time zone '${timeZone}' is not valid: it is an abbreviation, not an IANA time zone name such as 'Asia/Tokyo'`,
    );
  }
}

/** A Scheduler schedule or schedule group name: 1-64 of letters, digits, `.`, `-`, `_`. */
export function validateSchedulerName(name: string): void {
  if (typeof name !== "string" || name.length === 0 || name.length > 64) {
    throw new Error(`schedule name '${name}' is not valid: it must have 1-64 characters`);
  }
  if (!/^[0-9A-Za-z_.-]+$/.test(name)) {
    throw new Error(`schedule name '${name}' may contain only letters, digits, '.', '-' and '_'`);
  }
}
