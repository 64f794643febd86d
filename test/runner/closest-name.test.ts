import { closestName, editDistance } from "../../runner/closest-name";

describe("closestName", () => {
  const JOBS = ["daily-sync", "nightly-report", "weekly-cleanup"];

  test.each([
    ["a dropped letter", "nightly-reprt", "nightly-report"],
    ["two letters swapped", "nightly-reprot", "nightly-report"],
    ["a changed letter", "daily-synk", "daily-sync"],
    ["a third of the letters wrong", "weakly-clean", "weekly-cleanup"],
  ])("finds the job for %s", (_, typed, meant) => {
    expect(closestName(typed, JOBS)).toBe(meant);
  });

  test("finds none for a name that is not near any", () => {
    expect(closestName("monthly-invoice", JOBS)).toBeUndefined();
    expect(closestName("x", [])).toBeUndefined();
  });

  test("takes the closest, and the first in order on a tie", () => {
    expect(closestName("reprot-b", ["report-a", "report-b"])).toBe("report-b");
    expect(closestName("report-x", ["report-b", "report-a"])).toBe("report-a");
  });
});

describe("editDistance", () => {
  test.each([
    ["", "abc", 3],
    ["abc", "abc", 0],
    ["abc", "acb", 1],
    ["kitten", "sitting", 3],
  ])("%s to %s is %i", (a, b, distance) => {
    expect(editDistance(a, b)).toBe(distance);
    expect(editDistance(b, a)).toBe(distance);
  });
});
