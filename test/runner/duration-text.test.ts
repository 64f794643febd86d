import { durationText } from "../../runner/duration-text";

describe("durationText", () => {
  it.each([
    [0, "0ms"],
    [250, "250ms"],
    [1000, "1s"],
    [90_000, "1m30s"],
    [120_000, "2m"],
    [5_400_000, "1h30m"],
    [7_261_000, "2h1m1s"],
  ])("writes %d ms as %s", (ms, text) => {
    expect(durationText(ms)).toBe(text);
  });
});
