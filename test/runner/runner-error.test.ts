import { EXIT_CODES } from "../../runner/exit-codes";
import { RunnerError } from "../../runner/runner-error";

describe("RunnerError", () => {
  it("carries the runner's own exit code, 125, its message and its cause", () => {
    const cause = new Error("AccessDeniedException");

    const error = new RunnerError("cannot read task definition nightly-report", { cause });

    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("RunnerError");
    expect(error.exitCode).toBe(EXIT_CODES.runnerError);
    expect(error.exitCode).toBe(125);
    expect(error.message).toBe("cannot read task definition nightly-report");
    expect(error.cause).toBe(cause);
  });
});
