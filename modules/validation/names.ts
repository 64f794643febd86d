/**
 * Name rules that AWS applies at apply time, checked at synth time. Each validator throws an
 * Error that quotes the bad value and states the rule.
 */

interface NameRule {
  /** What the name is, for the message: "rule name". */
  readonly what: string;
  readonly maxLength: number;
  readonly pattern: RegExp;
  /** The allowed characters, in words. */
  readonly characters: string;
}

function checkName(rule: NameRule, value: string): void {
  if (typeof value !== "string" || value.length === 0) {
    throw new Error(`${rule.what} is empty: it needs 1-${rule.maxLength} characters`);
  }
  if (value.length > rule.maxLength) {
    throw new Error(
      `${rule.what} '${value}' has ${value.length} characters: at most ${rule.maxLength} are allowed`,
    );
  }
  if (!rule.pattern.test(value)) {
    throw new Error(`${rule.what} '${value}' may contain only ${rule.characters}`);
  }
}

const EVENTS_NAME = {
  maxLength: 64,
  pattern: /^[.\-_A-Za-z0-9]+$/,
  characters: "letters, digits, '.', '-' and '_'",
};
const FAMILY_NAME = {
  maxLength: 255,
  pattern: /^[A-Za-z0-9_-]+$/,
  characters: "letters, digits, '-' and '_'",
};

/** An EventBridge rule name: 1-64 letters, digits, `.`, `-`, `_`. */
export function validateRuleName(name: string): void {
  checkName({ what: "rule name", ...EVENTS_NAME }, name);
}

/** An EventBridge target id: 1-64 letters, digits, `.`, `-`, `_`. */
export function validateTargetId(targetId: string): void {
  checkName({ what: "target id", ...EVENTS_NAME }, targetId);
}

/** An IAM role (or policy) name: 1-64 letters, digits and `+=,.@_-`. */
export function validateIamRoleName(name: string): void {
  checkName(
    {
      what: "IAM role name",
      maxLength: 64,
      pattern: /^[\w+=,.@-]+$/,
      characters: "letters, digits and '+=,.@_-'",
    },
    name,
  );
}

/** A CloudWatch Logs log group name: 1-512 letters, digits and `._-/#`. */
export function validateLogGroupName(name: string): void {
  checkName(
    {
      what: "log group name",
      maxLength: 512,
      pattern: /^[.\-_/#A-Za-z0-9]+$/,
      characters: "letters, digits and '._-/#'",
    },
    name,
  );
  if (name.startsWith("aws/")) {
    throw new Error(
      `log group name '${name}' must not start with 'aws/': that prefix is reserved by AWS`,
    );
  }
}

/** An ECS task definition family: 1-255 letters, digits, `-`, `_`. */
export function validateTaskFamily(family: string): void {
  checkName({ what: "task definition family", ...FAMILY_NAME }, family);
}

/** An ECS container name: 1-255 letters, digits, `-`, `_`. */
export function validateContainerName(name: string): void {
  checkName({ what: "container name", ...FAMILY_NAME }, name);
}
