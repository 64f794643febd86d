import { awsErrorText, isAwsError, isTransientAwsError } from "../../runner/aws-error";
import { awsError, networkError } from "./fake-runner-deps";

describe("isTransientAwsError", () => {
  it.each([
    ["ThrottlingException (400)", awsError("ThrottlingException", 400)],
    ["TooManyRequestsException", awsError("TooManyRequestsException", 400)],
    ["any 429", awsError("SomethingElse", 429)],
    ["ServerException (500)", awsError("ServerException", 500)],
    ["ServiceUnavailableException (503)", awsError("ServiceUnavailableException", 503)],
    ["a connection reset", networkError("ECONNRESET")],
    ["a DNS failure", networkError("EAI_AGAIN")],
    ["a socket timeout", awsError("TimeoutError")],
    ["an error the SDK marks retryable", Object.assign(awsError("Odd", 400), { $retryable: {} })],
  ])("retries %s", (_name, error) => {
    expect(isTransientAwsError(error)).toBe(true);
  });

  it.each([
    ["AccessDeniedException", awsError("AccessDeniedException", 400)],
    ["InvalidParameterException", awsError("InvalidParameterException", 400)],
    ["ExpiredTokenException", awsError("ExpiredTokenException", 400)],
    ["a plain Error", new Error("bug")],
    ["a string", "boom"],
    ["undefined", undefined],
  ])("does not retry %s", (_name, error) => {
    expect(isTransientAwsError(error)).toBe(false);
  });
});

describe("awsErrorText", () => {
  it("shows name and message, as the AWS CLI does", () => {
    expect(awsErrorText(awsError("AccessDeniedException", 400, "not authorized"))).toBe(
      "AccessDeniedException: not authorized",
    );
  });

  it("names a network error by its code", () => {
    expect(awsErrorText(networkError("ECONNRESET"))).toBe("ECONNRESET: socket hang up");
  });

  it("shows an error without a message by its name, and anything else as text", () => {
    expect(awsErrorText(awsError("ServerException", 500, ""))).toBe("ServerException");
    expect(awsErrorText("boom")).toBe("boom");
  });
});

describe("isAwsError", () => {
  it("matches the exception name only", () => {
    expect(
      isAwsError(awsError("ResourceNotFoundException", 400), "ResourceNotFoundException"),
    ).toBe(true);
    expect(isAwsError(awsError("AccessDeniedException", 400), "ResourceNotFoundException")).toBe(
      false,
    );
    expect(isAwsError(undefined, "ResourceNotFoundException")).toBe(false);
  });
});
