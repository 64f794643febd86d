import { backoffDelay } from "../../runner/backoff";

const POLL = { initial: 2000, max: 15_000 };

describe("backoffDelay", () => {
  it("waits the initial delay first, whatever the jitter", () => {
    expect(backoffDelay(0, POLL, () => 0)).toBe(2000);
    expect(backoffDelay(0, POLL, () => 0.99)).toBe(2000);
  });

  it("draws later waits between the initial delay and initial × 2^attempt", () => {
    expect(backoffDelay(2, POLL, () => 0)).toBe(2000);
    expect(backoffDelay(2, POLL, () => 0.5)).toBe(5000);
    expect(backoffDelay(2, POLL, () => 1)).toBe(8000);
  });

  it("never waits longer than the maximum, even after days of attempts", () => {
    expect(backoffDelay(3, POLL, () => 1)).toBe(15_000);
    expect(backoffDelay(100_000, POLL, () => 1)).toBe(15_000);
  });

  it("spaces RunTask retries 10 s × 2^n, capped at 5 min", () => {
    const retry = { initial: 10_000, max: 300_000 };
    expect([0, 1, 2, 5, 6].map((attempt) => backoffDelay(attempt, retry, () => 1))).toEqual([
      10_000, 20_000, 40_000, 300_000, 300_000,
    ]);
  });
});
