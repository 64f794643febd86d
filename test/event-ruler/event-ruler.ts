import { execFileSync } from "child_process";
import { existsSync } from "fs";
import { delimiter, join } from "path";

/** Where `scripts/setup-event-ruler.sh` (run by `npm run unit`) builds the harness. */
const HARNESS = join(__dirname, "harness", "target");

/** Whether a pattern matches an event, in each of event-ruler's two ways of matching. */
export interface EventMatch {
  /** Fields of one element of an array of objects (e.g. one container) must match together:
   * `GenericMachine.rulesForJSONEvent`, the way event-ruler recommends. */
  readonly arrayConsistent: boolean;
  /** Every field is matched against the values of all elements independently, so the name of one
   * container and the exit code of another can match together: `GenericMachine.rulesForEvent` on
   * the flattened event. */
  readonly flattened: boolean;
}

/** For every pattern, by name, and every event, by name: whether the pattern matches the event. */
export type MatchTable<P extends string, E extends string> = Record<P, Record<E, EventMatch>>;

/**
 * Matches EventBridge event patterns against events with event-ruler, the matching engine AWS
 * publishes as EventBridge's, in both of its matching modes. One JVM does the whole table (about
 * half a second), so pass every pattern and event of a test file in one call.
 *
 * Throws when event-ruler rejects a pattern, naming it and the reason: EventBridge would reject it
 * too.
 */
export function matchEvents<P extends string, E extends string>(
  patterns: Readonly<Record<P, object>>,
  events: Readonly<Record<E, object>>,
): MatchTable<P, E> {
  const classes = join(HARNESS, "classes");
  if (!existsSync(classes)) {
    throw new Error(
      `the event-ruler harness is not built (${classes} is missing): run npm run setup:event-ruler`,
    );
  }
  const classPath = [classes, join(HARNESS, "lib", "*")].join(delimiter);
  try {
    const output = execFileSync(
      "java",
      // C1 only and the serial collector: a short run starts in half the time.
      [
        "-XX:TieredStopAtLevel=1",
        "-XX:+UseSerialGC",
        "-cp",
        classPath,
        "ecsbatch.eventruler.MatchEvents",
      ],
      {
        input: JSON.stringify({ patterns, events }),
        encoding: "utf8",
        stdio: ["pipe", "pipe", "pipe"],
        maxBuffer: 64 * 1024 * 1024,
      },
    );
    return JSON.parse(output) as MatchTable<P, E>;
  } catch (error) {
    const stderr = (error as { stderr?: string }).stderr?.trim();
    if (stderr) {
      throw new Error(`event-ruler: ${stderr}`, { cause: error });
    }
    throw error;
  }
}
