import { App, Fn, ref, TerraformStack, TerraformVariable, Testing, Token } from "cdktf";
import { Construct } from "constructs";
import {
  COLLECT_PROBLEMS,
  collectsProblems,
  invalid,
  invalidBeyondRepair,
  isUnresolved,
  problemsOf,
  validateField,
  validateIntegerRange,
  validateNotEmpty,
  ValidationError,
} from "../../../modules/validation/construct-validation";
import { validateScheduleExpression } from "../../../modules/validation/schedule-expression";
import { validateRuleName } from "../../../modules/validation/names";

/** A regex matching `text` literally. */
function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
}

/** GIVEN a construct `test/job` in a stack, and a variable whose value is known only at apply time. */
function givenAConstruct() {
  const app = Testing.app();
  const stack = new TerraformStack(app, "test");
  const job = new Construct(stack, "job");
  const variable = new TerraformVariable(stack, "x", {});
  return { stack, job, variable };
}

/** The error `fn` throws. */
function errorOf(fn: () => void): unknown {
  try {
    fn();
  } catch (error) {
    return error;
  }
  throw new Error("expected an error, but nothing was thrown");
}

describe("ValidationError", () => {
  it("GIVEN a path, field and rule THEN its message names all three and its fields keep them", () => {
    const error = new ValidationError("dev/example-batch", "scheduleExpression", "it is wrong");
    expect(error).toBeInstanceOf(Error);
    expect(error.name).toBe("ValidationError");
    expect(error.message).toBe("dev/example-batch: scheduleExpression: it is wrong");
    expect(error).toMatchObject({
      constructPath: "dev/example-batch",
      field: "scheduleExpression",
      rule: "it is wrong",
    });
  });
});

describe("isUnresolved", () => {
  const { stack, variable } = givenAConstruct();

  it.each([
    ["a plain string", "nightly"],
    ["an empty string", ""],
    ["a string that merely looks like an interpolation", "$x{not-a-token}"],
    ["a number", 42],
    ["zero", 0],
    ["a boolean", true],
    ["undefined", undefined],
    ["null", null],
    ["a list of plain strings", ["subnet-1", "subnet-2"]],
    ["an empty list", []],
    ["a nested list of plain values", [["a"], [1]]],
  ])("GIVEN %s THEN it is resolved", (_what, value) => {
    expect(isUnresolved(value)).toBe(false);
  });

  it.each([
    ["a variable's string value", () => variable.stringValue],
    ["a variable's number value", () => variable.numberValue],
    ["a variable's list value", () => variable.listValue],
    ["Token.asString of a reference", () => Token.asString(ref("aws_ecs_cluster.main.arn", stack))],
    ["Token.asNumber of a reference", () => Token.asNumber(ref("var.count", stack))],
    ["Token.asList of a reference", () => Token.asList(ref("var.subnets", stack))],
    ["a function call", () => Fn.upper(variable.stringValue)],
    ["a string with a token inside", () => `cron(0 ${variable.stringValue} * * ? *)`],
    ["a list with one token among plain strings", () => ["subnet-1", variable.stringValue]],
    ["a nested list with a token inside", () => [["subnet-1"], [variable.stringValue]]],
  ])("GIVEN %s THEN it is unresolved", (_what, value) => {
    expect(isUnresolved(value())).toBe(true);
  });
});

describe("validateField", () => {
  it("GIVEN a valid value WHEN validated THEN the validator sees the value and nothing is thrown", () => {
    const { job } = givenAConstruct();
    const validator = jest.fn();
    expect(() =>
      validateField(job, "scheduleExpression", "rate(5 minutes)", validator),
    ).not.toThrow();
    expect(validator).toHaveBeenCalledWith("rate(5 minutes)");
  });

  it("GIVEN an absent value WHEN validated THEN the validator is not run", () => {
    const { job } = givenAConstruct();
    const validator = jest.fn(() => {
      throw new Error("must not be called");
    });
    expect(() =>
      validateField<string>(job, "scheduleExpression", undefined, validator),
    ).not.toThrow();
    expect(validator).not.toHaveBeenCalled();
  });

  it.each([
    ["a variable's string value", (v: TerraformVariable) => v.stringValue],
    [
      "Token.asString of a reference",
      () => Token.asString(ref("aws_cloudwatch_event_rule.r.name")),
    ],
    ["a string with a token inside", (v: TerraformVariable) => `cron(0 ${v.stringValue} * * *)`],
    ["a list with a token inside", (v: TerraformVariable) => ["nightly", v.stringValue]],
  ])("GIVEN %s WHEN validated THEN it is skipped, not rejected", (_what, valueOf) => {
    const { job, variable } = givenAConstruct();
    const validator = jest.fn(() => {
      throw new Error("must not be called");
    });
    expect(() => validateField<unknown>(job, "field", valueOf(variable), validator)).not.toThrow();
    expect(validator).not.toHaveBeenCalled();
  });

  it("GIVEN a rejected value WHEN validated THEN a ValidationError names the construct path, the field and the validator's rule", () => {
    const { job } = givenAConstruct();
    const error = errorOf(() =>
      validateField(job, "scheduleExpression", "cron(0 12 * * *)", validateScheduleExpression),
    );
    expect(error).toBeInstanceOf(ValidationError);
    expect(error).toMatchObject({ constructPath: "test/job", field: "scheduleExpression" });
    expect((error as ValidationError).message).toMatch(
      literally(
        "test/job: scheduleExpression: schedule expression 'cron(0 12 * * *)' is not valid: it has five fields",
      ),
    );
  });

  it("GIVEN a construct nested deeper THEN the error names its full path", () => {
    const { job } = givenAConstruct();
    const target = new Construct(new Construct(job, "rule"), "target");
    expect(() => validateField(target, "ruleName", "bad name", validateRuleName)).toThrow(
      literally("test/job/rule/target: ruleName: rule name 'bad name' may contain only"),
    );
  });

  it("GIVEN a validator that throws a ValidationError itself THEN that error passes through unchanged", () => {
    const { job } = givenAConstruct();
    const own = new ValidationError("test/elsewhere", "other", "its own rule");
    const error = errorOf(() =>
      validateField(job, "field", "value", () => {
        throw own;
      }),
    );
    expect(error).toBe(own);
  });
});

describe("validateIntegerRange", () => {
  it.each([1, 5, 10])("GIVEN %d within 1 to 10 THEN it is accepted", (value) => {
    const { job } = givenAConstruct();
    expect(() => validateIntegerRange(job, "taskCount", value, 1, 10)).not.toThrow();
  });

  it.each([0, 11, -1, 1.5, 9.999, NaN, Infinity])(
    "GIVEN %d outside 1 to 10 or not whole THEN it is rejected, naming path, field, value and range",
    (value) => {
      const { job } = givenAConstruct();
      expect(() => validateIntegerRange(job, "taskCount", value, 1, 10)).toThrow(
        literally(
          `test/job: taskCount: ${value} is not valid: it must be a whole number from 1 to 10`,
        ),
      );
    },
  );

  it("GIVEN a range like AWS's retry attempts 0-185 THEN both ends are accepted and one past is not", () => {
    const { job } = givenAConstruct();
    expect(() => validateIntegerRange(job, "retryAttempts", 0, 0, 185)).not.toThrow();
    expect(() => validateIntegerRange(job, "retryAttempts", 185, 0, 185)).not.toThrow();
    expect(() => validateIntegerRange(job, "retryAttempts", 186, 0, 185)).toThrow(
      literally(
        "test/job: retryAttempts: 186 is not valid: it must be a whole number from 0 to 185",
      ),
    );
  });

  it("GIVEN an absent value THEN it is skipped", () => {
    const { job } = givenAConstruct();
    expect(() => validateIntegerRange(job, "taskCount", undefined, 1, 10)).not.toThrow();
  });

  it.each([
    ["a variable's number value", (v: TerraformVariable) => v.numberValue],
    ["Token.asNumber of a reference", () => Token.asNumber(ref("var.task_count"))],
  ])("GIVEN %s THEN it is skipped, not rejected", (_what, valueOf) => {
    const { job, variable } = givenAConstruct();
    const value = valueOf(variable);
    // a number token is a huge negative double: checked as a number, it would be out of range
    expect(value < 1).toBe(true);
    expect(() => validateIntegerRange(job, "taskCount", value, 1, 10)).not.toThrow();
  });
});

describe("validateNotEmpty", () => {
  it.each([
    ["one value", ["subnet-1"]],
    ["several values", ["subnet-1", "subnet-2"]],
  ])("GIVEN a list with %s THEN it is accepted", (_what, value) => {
    const { job } = givenAConstruct();
    expect(() => validateNotEmpty(job, "subnets", value)).not.toThrow();
  });

  it("GIVEN an empty list THEN it is rejected, naming path and field and asking for a value", () => {
    const { job } = givenAConstruct();
    expect(() => validateNotEmpty(job, "subnets", [])).toThrow(
      /^test\/job: subnets: it is empty: give at least one value$/,
    );
    expect(errorOf(() => validateNotEmpty(job, "subnets", []))).toBeInstanceOf(ValidationError);
  });

  it("GIVEN an absent list THEN it is skipped", () => {
    const { job } = givenAConstruct();
    expect(() => validateNotEmpty(job, "subnets", undefined)).not.toThrow();
  });

  it.each([
    ["a variable's list value", (v: TerraformVariable) => v.listValue],
    ["Token.asList of a reference", () => Token.asList(ref("var.subnets"))],
    ["a list holding one token", (v: TerraformVariable) => [v.stringValue]],
  ])("GIVEN %s THEN it is skipped, not rejected", (_what, valueOf) => {
    const { job, variable } = givenAConstruct();
    expect(() => validateNotEmpty(job, "subnets", valueOf(variable))).not.toThrow();
  });
});

describe("an app that collects problems", () => {
  const collecting = () => {
    const app = Testing.app({ context: { [COLLECT_PROBLEMS]: true } });
    return new TerraformStack(app, "dev");
  };

  it("records each invalid input on its construct and goes on, instead of throwing", () => {
    const stack = collecting();
    const job = new Construct(stack, "job");
    const rule = new Construct(job, "Rule");
    expect(() => {
      invalid(job, "jobName", "it is empty");
      validateField(rule, "scheduleExpression", "cron(0 25 * * ? *)", validateScheduleExpression);
      validateIntegerRange(rule, "retries", 200, 0, 185);
      validateNotEmpty(job, "subnetIds", []);
    }).not.toThrow();
    expect(problemsOf(stack)).toEqual([
      { constructPath: "dev/job", message: "jobName: it is empty" },
      { constructPath: "dev/job", message: "subnetIds: it is empty: give at least one value" },
      {
        constructPath: "dev/job/Rule",
        message: expect.stringMatching(
          /^scheduleExpression: schedule expression 'cron\(0 25 \* \* \? \*\)' is not valid: hours/,
        ),
      },
      {
        constructPath: "dev/job/Rule",
        message: "retries: 200 is not valid: it must be a whole number from 0 to 185",
      },
    ]);
  });

  it("still throws an input after which the construct cannot be built", () => {
    const stack = collecting();
    expect(() => invalidBeyondRepair(stack, "jobs", "they form a cycle")).toThrow(
      new ValidationError("dev", "jobs", "they form a cycle"),
    );
  });

  it("fails cdktf's synth with every problem, when nothing reads them before", () => {
    const stack = collecting();
    invalid(new Construct(stack, "a"), "x", "bad");
    invalid(new Construct(stack, "b"), "y", "worse");
    expect(() => App.of(stack).synth()).toThrow(/\[dev\/a\] x: bad[\s\S]*\[dev\/b\] y: worse/);
  });

  it("is not the default: without the context the first problem throws", () => {
    const stack = new TerraformStack(Testing.app(), "dev");
    expect(collectsProblems(stack)).toBe(false);
    expect(() => invalid(stack, "x", "bad")).toThrow("dev: x: bad");
    expect(problemsOf(stack)).toEqual([]);
  });
});
