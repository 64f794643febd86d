/** The fields of an AWS SDK v3 error (a ServiceException, or a Node.js network error) we read. */
interface AwsErrorFields {
  readonly name?: string;
  readonly message?: string;
  readonly code?: string;
  readonly $retryable?: unknown;
  readonly $metadata?: { readonly httpStatusCode?: number };
}

const THROTTLING_ERRORS = new Set([
  "ThrottlingException",
  "Throttling",
  "ThrottledException",
  "TooManyRequestsException",
  "RequestLimitExceeded",
  "RequestThrottled",
  "RequestThrottledException",
  "SlowDown",
]);

/** Errors of the connection rather than of the request: the network or an endpoint is away. */
const NETWORK_ERROR_CODES = new Set([
  "ECONNRESET",
  "ECONNREFUSED",
  "ECONNABORTED",
  "ETIMEDOUT",
  "EPIPE",
  "ENOTFOUND",
  "EAI_AGAIN",
  "ENETUNREACH",
  "ENETDOWN",
  "EHOSTUNREACH",
]);
const NETWORK_ERROR_NAMES = new Set(["TimeoutError", "RequestTimeout", "RequestTimeoutException"]);

function fieldsOf(error: unknown): AwsErrorFields {
  return typeof error === "object" && error !== null ? (error as AwsErrorFields) : {};
}

/**
 * Whether an error may go away by itself: throttling, a 5xx, a lost connection. The runner keeps
 * retrying those while it follows a task; anything else (access denied, a bad parameter, expired
 * credentials) will not improve by waiting.
 */
export function isTransientAwsError(error: unknown): boolean {
  const fields = fieldsOf(error);
  const status = fields.$metadata?.httpStatusCode;
  if (status !== undefined && (status === 429 || status >= 500)) {
    return true;
  }
  if (fields.$retryable) {
    return true;
  }
  return (
    THROTTLING_ERRORS.has(fields.name ?? "") ||
    NETWORK_ERROR_NAMES.has(fields.name ?? "") ||
    NETWORK_ERROR_CODES.has(fields.code ?? "")
  );
}

/** Whether an error is the AWS exception of that name, e.g. `ResourceNotFoundException`. */
export function isAwsError(error: unknown, name: string): boolean {
  return fieldsOf(error).name === name;
}

/** `Name: message`, the way the AWS CLI shows an error, for status lines and RunnerErrors. */
export function awsErrorText(error: unknown): string {
  const { name, message, code } = fieldsOf(error);
  const label = name !== undefined && name !== "Error" ? name : (code ?? name ?? "Error");
  if (message === undefined || message === "" || message === label) {
    return typeof error === "object" && error !== null ? label : String(error);
  }
  return `${label}: ${message}`;
}
