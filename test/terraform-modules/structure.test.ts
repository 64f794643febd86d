import { MODULE_NAMES, moduleJson, moduleReadme } from "./generated-modules";

const SNAKE_CASE = /^[a-z][a-z0-9]*(_[a-z0-9]+)*$/;

/** Every string in a JSON value. */
function stringsIn(value: unknown): string[] {
  if (typeof value === "string") {
    return [value];
  }
  if (value !== null && typeof value === "object") {
    return Object.values(value).flatMap(stringsIn);
  }
  return [];
}

/** The expressions inside `${...}` of a Terraform JSON string (nested braces included). */
function interpolations(text: string): string[] {
  const found: string[] = [];
  for (let start = text.indexOf("${"); start !== -1; start = text.indexOf("${", start + 1)) {
    if (text[start - 1] === "$") {
      continue; // $${ is an escaped, literal ${
    }
    let depth = 0;
    for (let i = start + 1; i < text.length; i++) {
      depth += text[i] === "{" ? 1 : text[i] === "}" ? -1 : 0;
      if (depth === 0) {
        found.push(text.slice(start + 2, i));
        break;
      }
    }
  }
  return found;
}

/** The references of an expression, with its string literals left out. */
function referencesIn(expression: string) {
  const code = expression.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  const data = [...code.matchAll(/\bdata\.([a-z0-9_]+)\.([A-Za-z0-9_]+)/g)].map(
    (m) => `${m[1]}.${m[2]}`,
  );
  const withoutData = code.replace(/\bdata\.[a-z0-9_]+\.[A-Za-z0-9_]+/g, "");
  return {
    variables: [...code.matchAll(/\bvar\.([A-Za-z0-9_]+)/g)].map((m) => m[1]),
    locals: [...code.matchAll(/\blocal\.([A-Za-z0-9_]+)/g)].map((m) => m[1]),
    data,
    resources: [...withoutData.matchAll(/\b(aws_[a-z0-9_]+)\.([A-Za-z0-9_]+)/g)].map(
      (m) => `${m[1]}.${m[2]}`,
    ),
  };
}

describe.each(MODULE_NAMES)("the generated module %s", (name) => {
  const json = moduleJson(name);
  const variables = Object.entries(json.variable);

  it("has no provider block and no backend: it uses its caller's", () => {
    expect(json).not.toHaveProperty("provider");
    expect(json.terraform).not.toHaveProperty("backend");
    expect(JSON.stringify(json)).not.toContain('"//"');
  });

  it("requires the AWS provider with a version range, and a Terraform version", () => {
    expect(json.terraform.required_providers).toEqual({
      aws: { source: "hashicorp/aws", version: expect.stringMatching(/^~> 6\.[0-9]+$/) },
    });
    expect(json.terraform.required_version).toMatch(/^>= 1\.[0-9]+$/);
  });

  it("names its variables and outputs in snake_case, not by hashed construct paths", () => {
    const names = [...Object.keys(json.variable), ...Object.keys(json.output)];
    expect(names.filter((n) => !SNAKE_CASE.test(n))).toEqual([]);
  });

  it("gives every variable a type and a description, and every output a description", () => {
    for (const [variable, block] of variables) {
      expect({ variable, type: block.type, description: block.description }).toEqual({
        variable,
        type: expect.stringMatching(
          /^(string|number|bool|list\(string\)|map\(string\)|map\(object\(\{ .* \}\)\))$/,
        ),
        description: expect.stringMatching(/\S/),
      });
    }
    for (const [output, block] of Object.entries(json.output)) {
      expect({ output, description: block.description }).toEqual({
        output,
        description: expect.stringMatching(/\S/),
      });
    }
  });

  it("takes null only for variables whose default is null", () => {
    for (const [variable, block] of variables) {
      expect({ variable, nullable: block.nullable }).toEqual({
        variable,
        nullable: block.default === null,
      });
    }
  });

  it("writes validation messages as sentences, as Terraform requires", () => {
    const messages = variables.flatMap(([, block]) =>
      (block.validation ?? []).map((v) => v.error_message),
    );
    expect(messages.filter((m) => !/^[A-Z].*[.?]$/s.test(m))).toEqual([]);
  });

  it("refers only to what it declares: variables, locals, data sources and resources", () => {
    const expressions = stringsIn({ ...json, variable: undefined }).flatMap(interpolations);
    const conditions = variables.flatMap(([variable, block]) =>
      (block.validation ?? []).map((v) => ({ variable, expression: v.condition })),
    );
    const refs = expressions.map(referencesIn);
    const declaredResources = Object.entries(json.resource).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => `${type}.${n}`),
    );
    const declaredData = Object.entries(json.data ?? {}).flatMap(([type, byName]) =>
      Object.keys(byName).map((n) => `${type}.${n}`),
    );
    const undeclared = (used: string[], declared: string[]) =>
      [...new Set(used)].filter((u) => !declared.includes(u));

    expect(
      undeclared(
        refs.flatMap((r) => r.variables),
        Object.keys(json.variable),
      ),
    ).toEqual([]);
    expect(
      undeclared(
        refs.flatMap((r) => r.locals),
        Object.keys(json.locals ?? {}),
      ),
    ).toEqual([]);
    expect(
      undeclared(
        refs.flatMap((r) => r.data),
        declaredData,
      ),
    ).toEqual([]);
    expect(
      undeclared(
        refs.flatMap((r) => r.resources),
        declaredResources,
      ),
    ).toEqual([]);
    // A validation may read only its own variable before Terraform 1.9.
    for (const { variable, expression } of conditions) {
      expect({ variable, reads: [...new Set(referencesIn(expression).variables)] }).toEqual({
        variable,
        reads: [variable],
      });
    }
  });

  it("uses every variable it declares", () => {
    const used = stringsIn({ ...json, variable: undefined })
      .flatMap(interpolations)
      .flatMap((e) => referencesIn(e).variables);
    expect(Object.keys(json.variable).filter((v) => !used.includes(v))).toEqual([]);
  });

  it("has a README that lists every variable and output, and shows a module block", () => {
    const readme = moduleReadme(name);
    for (const item of [...Object.keys(json.variable), ...Object.keys(json.output)]) {
      expect(readme).toMatch(new RegExp(`^\\| ${item} +\\|`, "m"));
    }
    expect(readme).toContain(
      `source = "git::https://github.com/<org>/ecs-scheduled-batch.git//terraform-modules/${name}?ref=<tag>"`,
    );
  });
});

describe("the scheduled-job module", () => {
  const json = moduleJson("scheduled-job");
  const conditionsOf = (variable: string) =>
    (json.variable[variable].validation ?? []).map((v) => v.condition);

  it("validates the inputs the constructs validate at synth time", () => {
    const validated = [
      "job_name",
      "schedule_expression",
      "cpu",
      "memory",
      "log_retention_days",
      "subnet_ids",
      "image",
      "environment",
    ];
    expect(validated.filter((variable) => conditionsOf(variable).length === 0)).toEqual([]);
  });

  it("checks cpu and memory as a pair before planning the task definition", () => {
    const [taskDefinition] = Object.values(json.resource.aws_ecs_task_definition);
    const lifecycle = taskDefinition.lifecycle as {
      precondition: { condition: string; error_message: string }[];
    };
    expect(lifecycle.precondition).toEqual([
      {
        condition: expect.stringMatching(
          /^\$\{contains\(\["256\/512", .*\], format\("%d\/%d", var\.cpu, var\.memory\)\)\}$/,
        ),
        error_message: expect.stringContaining("cpu 256 takes memory 512, 1024 or 2048"),
      },
    ]);
  });

  it("grants PassRole on the task role only when one is given", () => {
    const policy = Object.entries(json.resource.aws_iam_policy).find(([id]) =>
      id.startsWith("Job_EventsRole_Policy_"),
    )![1].policy as string;
    expect(policy).toMatch(
      /"Action":\["iam:PassRole"\],"Resource":\$\{jsonencode\(compact\(\[aws_iam_role\.Job_ExecutionRole_[0-9A-F]{8}\.arn, var\.task_role_arn\]\)\)\}/,
    );
  });

  it("writes list, map and boolean variables into JSON text as jsonencode(...)", () => {
    const [taskDefinition] = Object.values(json.resource.aws_ecs_task_definition);
    expect(taskDefinition.container_definitions).toContain(
      '"command":${jsonencode(var.command)},"environment":${jsonencode([ for key, val in var.environment: { name = key, value = val }])}',
    );
    expect(taskDefinition.container_definitions).toContain(
      '"readonlyRootFilesystem":${jsonencode(var.readonly_root_filesystem)}',
    );
    const [parameter] = Object.values(json.resource.aws_ssm_parameter);
    expect(parameter.value).toContain('"safeToRerun":${jsonencode(var.safe_to_rerun)}');
    // A string that may be null: a template ("${var.x}") would fail on null, jsonencode writes it.
    expect(parameter.value).toContain(
      '"ledgerLogGroupName":${jsonencode(var.ledger_log_group_name)}',
    );
    expect(parameter.value).toContain(
      '"assignPublicIp":"${var.assign_public_ip ? "ENABLED" : "DISABLED"}"',
    );
    const [rule] = Object.values(json.resource.aws_cloudwatch_event_rule);
    expect(rule.state).toBe('${var.enabled ? "ENABLED" : "DISABLED"}');
  });
});

describe("the failure-notification module", () => {
  const json = moduleJson("failure-notification");
  const byName = (type: string, name: string) =>
    Object.entries(json.resource[type]).find(([, block]) => block.name === name)!;

  it("makes the notice filter, an Express state machine, and the Standard sender it starts", () => {
    const [filterId, filter] = byName("aws_sfn_state_machine", "${var.name}-notices-filter");
    const [senderId, sender] = byName("aws_sfn_state_machine", "${var.name}-notices");
    expect([filter.type, sender.type]).toEqual(["EXPRESS", "STANDARD"]);
    expect(Object.keys(json.resource.aws_sfn_state_machine)).toHaveLength(2);
    expect(
      JSON.parse(filter.definition as string).States["Send it once"].Arguments.StateMachineArn,
    ).toBe(`\${aws_sfn_state_machine.${senderId}.arn}`);
    const topicId = Object.keys(json.resource.aws_sns_topic)[0];
    expect(JSON.parse(sender.definition as string).States["Notify people"].Arguments.TopicArn).toBe(
      `\${aws_sns_topic.${topicId}.arn}`,
    );
    expect(json.output.notice_filter_arn.value).toBe(`\${aws_sfn_state_machine.${filterId}.arn}`);
  });

  it("outputs the role EventBridge starts the filter with, which may start only the filter", () => {
    const [roleId] = byName("aws_iam_role", "${var.name}-notices-events");
    const [filterId] = byName("aws_sfn_state_machine", "${var.name}-notices-filter");
    expect(json.output.notice_filter_role_arn.value).toBe(`\${aws_iam_role.${roleId}.arn}`);
    const [, policy] = Object.entries(json.resource.aws_iam_policy).find(([id]) =>
      id.startsWith("Topic_NoticeFilter_EventsRole_Policy_"),
    )!;
    expect(JSON.parse(policy.policy as string).Statement).toEqual([
      {
        Sid: "StartNoticeFilter",
        Effect: "Allow",
        Action: ["states:StartExecution"],
        Resource: [`\${aws_sfn_state_machine.${filterId}.arn}`],
      },
    ]);
  });

  it("takes names of at most 49 characters, for the filter's role <name>-notices-filter", () => {
    const [validation] = json.variable.name.validation!;
    expect(validation.condition).toContain("{1,49}");
    expect(validation.error_message).toContain("<name>-notices-filter");
    expect(`${"n".repeat(49)}-notices-filter`).toHaveLength(64);
  });

  it("subscribes each address with for_each, keyed by the address", () => {
    const subscriptions = Object.values(json.resource.aws_sns_topic_subscription);
    expect(subscriptions).toEqual([
      expect.objectContaining({
        for_each: "${toset(var.email_addresses)}",
        endpoint: "${each.value}",
        protocol: "email",
      }),
      expect.objectContaining({
        for_each: "${toset(var.https_endpoints)}",
        endpoint: "${each.value}",
        protocol: "https",
        endpoint_auto_confirms: false,
      }),
    ]);
  });
});

describe("the job-failure-alerts module", () => {
  const json = moduleJson("job-failure-alerts");
  const [target] = Object.values(json.resource.aws_cloudwatch_event_target);
  const template = (target.input_transformer as { input_template: string }).input_template;
  /** The job, with a value Terraform writes as JSON (`${jsonencode(...)}`) read as its text. */
  const job = JSON.parse(
    template
      .replace("<aws.events.event.json>", "null")
      .replace(/\$\{jsonencode\(([^}]*)\)\}/g, '"${jsonencode($1)}"'),
  ).job;

  it("hands the job's stopped tasks to the failure-notification module's notice filter", () => {
    expect(Object.keys(json.resource).sort()).toEqual([
      "aws_cloudwatch_event_rule",
      "aws_cloudwatch_event_target",
      "aws_cloudwatch_metric_alarm",
    ]);
    expect(target).toMatchObject({
      target_id: "notice-filter",
      arn: "${var.notice_filter_arn}",
      role_arn: "${var.notice_filter_role_arn}",
    });
    const [rule] = Object.values(json.resource.aws_cloudwatch_event_rule);
    const pattern = JSON.parse(rule.event_pattern as string);
    expect(pattern.detail).toEqual({
      clusterArn: ["${var.cluster_arn}"],
      lastStatus: ["STOPPED"],
      taskDefinitionArn: [{ prefix: expect.stringMatching(/^\$\{local\.[A-Za-z0-9_]+\}$/) }],
    });
    const local = /^\$\{local\.([A-Za-z0-9_]+)\}$/.exec(
      pattern.detail.taskDefinitionArn[0].prefix,
    )![1];
    expect(json.locals?.[local]).toBe(
      '${replace(var.cluster_arn, "/:cluster/.*$/", ":task-definition/")}${var.job_name}:',
    );
  });

  it("describes the job of the scheduled-job module: container and family named after it, stream prefix batch", () => {
    expect(template).toMatch(/,"event":<aws\.events\.event\.json>\}$/);
    expect(job).toMatchObject({
      name: "${var.job_name}",
      clusterArn: "${var.cluster_arn}",
      family: "${var.job_name}",
      container: "${var.job_name}",
      logGroupName: "${var.log_group_name}",
      logStreamPrefix: "batch",
      rerun: "ecs-batch run ${var.job_name} --parameter-prefix ${var.runner_parameter_prefix}",
    });
    expect(job).not.toHaveProperty("environment");
    expect(job).not.toHaveProperty("logRouterDestination");
  });

  it("no longer sends jobs with sidecars elsewhere: the filter finds the job's container by name", () => {
    expect(moduleReadme("job-failure-alerts")).not.toMatch(/sidecar/i);
  });

  // Written as text, a bool variable would be a token's name, which the filter reads as true.
  it("writes safe_to_rerun into the job's description", () => {
    expect(template).not.toContain("unresolved-token");
    expect(job.safeToRerun).toBe("${jsonencode(var.safe_to_rerun)}");
  });
});

describe("the run-ledger module", () => {
  const json = moduleJson("run-ledger");
  const only = (type: string) => {
    const blocks = Object.values(json.resource[type]);
    expect(blocks).toHaveLength(1);
    return blocks[0];
  };
  const [recorderId, recorder] = Object.entries(json.resource.aws_sfn_state_machine)[0];

  it("turns the jobs into the recorder's table with a for expression, leaving out what is not set", () => {
    expect(json.locals).toEqual({
      job_table:
        "${{ for family, job in var.jobs : family => { for key, value in { container = coalesce(job.container, family), logGroupName = job.log_group_name, logStreamPrefix = job.log_stream_prefix } : key => value if value != null } }}",
    });
    expect(json.variable.jobs.type).toBe(
      'map(object({ container = optional(string), log_group_name = optional(string), log_stream_prefix = optional(string, "batch") }))',
    );
  });

  it("writes the table into the recorder's definition as JSON, which Terraform writes when it applies", () => {
    expect(Object.keys(json.resource.aws_sfn_state_machine)).toHaveLength(1);
    const definition = recorder.definition as string;
    expect(definition).toContain(
      '"Assign":{"jobs":${jsonencode(local.job_table)},"environment":"${var.environment}"}',
    );
    const filled = definition
      .replace("${jsonencode(local.job_table)}", "{}")
      .replace(/\$\{var\.environment\}/g, "prod");
    expect(JSON.parse(filled).States["Know the jobs"].Assign).toEqual({
      jobs: {},
      environment: "prod",
    });
    expect(json.output.recorder_arn.value).toBe(`\${aws_sfn_state_machine.${recorderId}.arn}`);
  });

  it("reads the starts and stops of the tasks in every cluster of cluster_arns", () => {
    const rules = Object.values(json.resource.aws_cloudwatch_event_rule);
    const taskRule = rules.find((rule) => rule.name === "${var.environment}-batch-task-changes")!;
    expect(taskRule.event_pattern).toBe(
      '{"source":["aws.ecs"],"detail-type":["ECS Task State Change"],"detail":{"clusterArn":${jsonencode(var.cluster_arns)},"lastStatus":["RUNNING","STOPPED"]}}',
    );
  });

  it("keeps the records in /aws/events/<environment>-batch-runs for retention_days", () => {
    const logGroup = Object.entries(json.resource.aws_cloudwatch_log_group).find(
      ([, group]) => group.name === "/aws/events/${var.environment}-batch-runs",
    )!;
    expect(logGroup[1].retention_in_days).toBe("${var.retention_days}");
    expect(json.output.log_group_name.value).toBe(
      `\${aws_cloudwatch_log_group.${logGroup[0]}.name}`,
    );
  });

  it("makes the alarm on failed recordings only when alarm_topic_arns is not empty", () => {
    expect(only("aws_cloudwatch_metric_alarm")).toMatchObject({
      count: "${min(length(var.alarm_topic_arns), 1)}",
      alarm_actions: "${var.alarm_topic_arns}",
      metric_name: "ExecutionsFailed",
    });
    expect(json.variable.alarm_topic_arns.default).toEqual([]);
  });
});
