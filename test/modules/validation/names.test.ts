import {
  validateContainerName,
  validateIamRoleName,
  validateLogGroupName,
  validateRuleName,
  validateTargetId,
  validateTaskFamily,
} from "../../../modules/validation/names";

/** A regex matching `text` literally. */
function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
}

interface NameSpec {
  readonly validate: (name: string) => void;
  /** How the messages call the name. */
  readonly what: string;
  readonly maxLength: number;
  /** The allowed characters, as the messages word them. */
  readonly characters: string;
  /** Names that use every kind of allowed character. */
  readonly accepted: readonly string[];
  /** Names with one character that is not allowed. */
  readonly badCharacters: readonly string[];
}

/** The behaviour every name validator shares: length 1..max, a character set, quoted values. */
function behavesLikeAName(spec: NameSpec): void {
  const { validate, what, maxLength, characters } = spec;

  it.each(["a", "Z", "7", ...spec.accepted])(
    "GIVEN %j WHEN validated THEN it is accepted",
    (name) => {
      expect(() => validate(name)).not.toThrow();
    },
  );

  it(`GIVEN a name of exactly ${maxLength} characters THEN it is accepted`, () => {
    expect(() => validate("a".repeat(maxLength))).not.toThrow();
    expect(() => validate(`x${"9".repeat(maxLength - 2)}Z`)).not.toThrow();
  });

  it.each([maxLength + 1, maxLength + 10])(
    `GIVEN a name of %i characters THEN it is rejected, quoting it, for having more than ${maxLength}`,
    (length) => {
      const name = "a".repeat(length);
      expect(() => validate(name)).toThrow(
        literally(`${what} '${name}' has ${length} characters: at most ${maxLength} are allowed`),
      );
    },
  );

  it("GIVEN an empty name THEN it is rejected as empty, stating the length rule", () => {
    expect(() => validate("")).toThrow(
      literally(`${what} is empty: it needs 1-${maxLength} characters`),
    );
  });

  it.each(spec.badCharacters)(
    `GIVEN %j with a character that is not allowed THEN it is rejected, quoting it and listing ${characters}`,
    (name) => {
      expect(() => validate(name)).toThrow(
        literally(`${what} '${name}' may contain only ${characters}`),
      );
    },
  );
}

const EVENTS_BAD_CHARACTERS = [
  "my rule",
  "my/rule",
  "my:rule",
  "rule*",
  "rule#1",
  "rule@x",
  "rule+x",
  "rule,x",
  "räule",
  " rule",
  "rule\n",
];

describe("validateRuleName", () => {
  behavesLikeAName({
    validate: validateRuleName,
    what: "rule name",
    maxLength: 64,
    characters: "letters, digits, '.', '-' and '_'",
    accepted: ["nightly-report", "nightly_report.v2", "Job-1.daily_UTC", ".-_", "0123456789"],
    badCharacters: EVENTS_BAD_CHARACTERS,
  });
});

describe("validateTargetId", () => {
  behavesLikeAName({
    validate: validateTargetId,
    what: "target id",
    maxLength: 64,
    characters: "letters, digits, '.', '-' and '_'",
    accepted: ["ecs-task", "ecs_task.1", "Target-0"],
    badCharacters: EVENTS_BAD_CHARACTERS,
  });
});

describe("validateIamRoleName", () => {
  behavesLikeAName({
    validate: validateIamRoleName,
    what: "IAM role name",
    maxLength: 64,
    characters: "letters, digits and '+=,.@_-'",
    accepted: ["batch-task-execution", "svc+role=a,b.c@d_e-f", "+=,.@_-", "MyRole_2"],
    badCharacters: [
      "my role",
      "path/role",
      "role:x",
      "role#1",
      "role*",
      "role!",
      "role$",
      "rôle",
      "role\t",
    ],
  });
});

describe("validateLogGroupName", () => {
  behavesLikeAName({
    validate: validateLogGroupName,
    what: "log group name",
    maxLength: 512,
    characters: "letters, digits and '._-/#'",
    accepted: [
      "/ecs/nightly-report",
      "/ecs/job_1.v2#blue",
      "/aws/ecs/containerinsights/x",
      "/",
      "a/aws/b",
    ],
    badCharacters: [
      "/ecs/my job",
      "/ecs/job:1",
      "/ecs/job*",
      "/ecs/job@x",
      "/ecs/job+x",
      "/ecs/jöb",
      "/ecs/$job",
    ],
  });

  it.each(["aws/ecs/job", "aws/"])(
    "GIVEN %j starting with the reserved prefix 'aws/' THEN it is rejected, quoting it",
    (name) => {
      expect(() => validateLogGroupName(name)).toThrow(
        literally(
          `log group name '${name}' must not start with 'aws/': that prefix is reserved by AWS`,
        ),
      );
    },
  );

  it.each(["/aws/ecs/job", "awsome/job", "my-aws/job"])(
    "GIVEN %j which does not start with 'aws/' THEN it is accepted",
    (name) => {
      expect(() => validateLogGroupName(name)).not.toThrow();
    },
  );
});

describe("validateTaskFamily", () => {
  behavesLikeAName({
    validate: validateTaskFamily,
    what: "task definition family",
    maxLength: 255,
    characters: "letters, digits, '-' and '_'",
    accepted: ["nightly-report", "nightly_report-2", "-_"],
    badCharacters: [
      "nightly.report",
      "nightly/report",
      "nightly report",
      "family:1",
      "family#1",
      "famîly",
    ],
  });
});

describe("validateContainerName", () => {
  behavesLikeAName({
    validate: validateContainerName,
    what: "container name",
    maxLength: 255,
    characters: "letters, digits, '-' and '_'",
    accepted: ["app", "log-router", "main_container-1"],
    badCharacters: ["app.v1", "app/main", "my app", "app:latest", "app@x", "äpp"],
  });
});
