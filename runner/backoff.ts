/** The shortest and longest wait of a backoff. */
export interface BackoffLimits {
  readonly initial: number;
  readonly max: number;
}

/**
 * The wait (ms) before retry number `attempt` (0 for the first): exponential backoff with full
 * jitter, a random wait up to `initial × 2^attempt` capped at `max`, but never shorter than
 * `initial`. The floor keeps a polling loop from asking again at once when `random()` is near 0;
 * the jitter spreads the calls of many runners started by the same schedule.
 */
export function backoffDelay(attempt: number, limits: BackoffLimits, random: () => number): number {
  // The exponent is capped so a run of days never overflows to Infinity.
  const ceiling = Math.min(limits.max, limits.initial * 2 ** Math.min(attempt, 30));
  return Math.round(limits.initial + random() * Math.max(0, ceiling - limits.initial));
}
