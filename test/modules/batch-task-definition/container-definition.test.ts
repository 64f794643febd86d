import { TerraformOutput, TerraformVariable, Token } from "cdktf";
import {
  BatchContainer,
  FireLensLogging,
  renderContainerDefinitions,
  validateBatchContainer,
  validateFireLensRouting,
} from "../../../modules";
import { emptyStack, synthesize } from "../../synth";

const SSM_ARN = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/batch/db-password";
const SECRET_ARN = "arn:aws:secretsmanager:ap-northeast-1:123456789012:secret:batch/api-AbCdEf";

const FULL: BatchContainer = {
  name: "job",
  image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/job:1a2b3c4",
  command: ["python", "main.py"],
  entryPoint: ["/entrypoint.sh"],
  environment: { ZONE: "Asia/Tokyo", APP_ENV: "dev" },
  secrets: {
    DB_PASSWORD: { ssmParameterArn: SSM_ARN },
    API_TOKEN: { secretsManagerSecretArn: SECRET_ARN, jsonKey: "token" },
    API_ALL: { secretsManagerSecretArn: SECRET_ARN },
  },
  essential: true,
  readonlyRootFilesystem: false,
  stopTimeoutSeconds: 120,
  workingDirectory: "/app",
  user: "1000:1000",
  logging: { logGroupName: "/ecs-scheduled-tasks/job", region: "ap-northeast-1" },
};

function render(containers: BatchContainer[]) {
  return JSON.parse(renderContainerDefinitions(containers));
}

describe("renderContainerDefinitions", () => {
  it("renders every field of the typed container", () => {
    expect(render([FULL])[0]).toEqual({
      name: "job",
      image: "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/job:1a2b3c4",
      command: ["python", "main.py"],
      entryPoint: ["/entrypoint.sh"],
      environment: [
        { name: "APP_ENV", value: "dev" },
        { name: "ZONE", value: "Asia/Tokyo" },
      ],
      secrets: [
        { name: "API_ALL", valueFrom: SECRET_ARN },
        { name: "API_TOKEN", valueFrom: `${SECRET_ARN}:token::` },
        { name: "DB_PASSWORD", valueFrom: SSM_ARN },
      ],
      essential: true,
      readonlyRootFilesystem: false,
      stopTimeout: 120,
      workingDirectory: "/app",
      user: "1000:1000",
      mountPoints: [],
      portMappings: [],
      volumesFrom: [],
      systemControls: [],
      logConfiguration: {
        logDriver: "awslogs",
        options: {
          "awslogs-group": "/ecs-scheduled-tasks/job",
          "awslogs-region": "ap-northeast-1",
          "awslogs-stream-prefix": "batch",
        },
      },
    });
  });

  it("defaults to essential with a read-only root file system, and omits what is not set", () => {
    expect(render([{ name: "job", image: "alpine" }])[0]).toEqual({
      name: "job",
      image: "alpine",
      essential: true,
      readonlyRootFilesystem: true,
      environment: [],
      secrets: [],
      mountPoints: [],
      portMappings: [],
      volumesFrom: [],
      systemControls: [],
    });
  });

  it("renders a Secrets Manager version stage and id after the JSON key", () => {
    const [container] = render([
      {
        name: "job",
        image: "alpine",
        secrets: {
          A: { secretsManagerSecretArn: SECRET_ARN, versionStage: "AWSPREVIOUS", versionId: "v1" },
        },
      },
    ]);
    expect(container.secrets).toEqual([{ name: "A", valueFrom: `${SECRET_ARN}::AWSPREVIOUS:v1` }]);
  });

  it("is deterministic: the same containers in any key order give the same text", () => {
    const reordered: BatchContainer = {
      logging: FULL.logging,
      user: FULL.user,
      secrets: {
        API_ALL: FULL.secrets!.API_ALL,
        DB_PASSWORD: FULL.secrets!.DB_PASSWORD,
        API_TOKEN: FULL.secrets!.API_TOKEN,
      },
      environment: { APP_ENV: "dev", ZONE: "Asia/Tokyo" },
      image: FULL.image,
      name: FULL.name,
      command: FULL.command,
      entryPoint: FULL.entryPoint,
      essential: true,
      readonlyRootFilesystem: false,
      stopTimeoutSeconds: 120,
      workingDirectory: "/app",
    };
    expect(renderContainerDefinitions([reordered])).toBe(renderContainerDefinitions([FULL]));
    const keys = Object.keys(render([FULL])[0]);
    expect(keys).toEqual([...keys].sort());
  });

  it("keeps the containers in the order given", () => {
    const names = render([
      { name: "job", image: "alpine" },
      { name: "log-router", image: "fluent-bit", essential: false },
    ]).map((c: { name: string }) => c.name);
    expect(names).toEqual(["job", "log-router"]);
  });

  describe("with FireLens", () => {
    const routed: BatchContainer = {
      name: "job",
      image: "alpine",
      logging: {
        driver: "awsfirelens",
        outputName: "kinesis_firehose",
        options: { region: "ap-northeast-1", delivery_stream: "jobs" },
        secretOptions: {
          token: { ssmParameterArn: SSM_ARN },
          apikey: { secretsManagerSecretArn: SECRET_ARN, jsonKey: "key" },
        },
      },
    };
    const router: BatchContainer = {
      name: "log_router",
      image: "public.ecr.aws/aws-observability/aws-for-fluent-bit:stable",
      essential: false,
      firelens: {},
      logging: FULL.logging,
    };
    const [job, logRouter] = render([routed, router]);

    it("sends the routed container's output to awsfirelens, the output plugin as Name", () => {
      expect(job.logConfiguration).toEqual({
        logDriver: "awsfirelens",
        options: { Name: "kinesis_firehose", delivery_stream: "jobs", region: "ap-northeast-1" },
        secretOptions: [
          { name: "apikey", valueFrom: `${SECRET_ARN}:key::` },
          { name: "token", valueFrom: SSM_ARN },
        ],
      });
      expect(job).not.toHaveProperty("firelensConfiguration");
    });

    it("writes no secretOptions when there are none", () => {
      const logging: FireLensLogging = { driver: "awsfirelens", outputName: "datadog" };
      expect(render([{ ...routed, logging }])[0].logConfiguration).toEqual({
        logDriver: "awsfirelens",
        options: { Name: "datadog" },
      });
    });

    it("makes the router a Fluent Bit FireLens container that logs with awslogs", () => {
      expect(logRouter.firelensConfiguration).toEqual({ type: "fluentbit" });
      expect(logRouter.logConfiguration.logDriver).toBe("awslogs");
    });

    it("passes FireLens options and type through", () => {
      const [custom] = render([
        {
          ...router,
          firelens: { type: "fluentd", options: { "enable-ecs-log-metadata": "false" } },
        },
      ]);
      expect(custom.firelensConfiguration).toEqual({
        type: "fluentd",
        options: { "enable-ecs-log-metadata": "false" },
      });
    });

    it("renders the same text whatever the order of options", () => {
      const reordered: BatchContainer = {
        ...routed,
        logging: {
          secretOptions: {
            apikey: { secretsManagerSecretArn: SECRET_ARN, jsonKey: "key" },
            token: { ssmParameterArn: SSM_ARN },
          },
          options: { delivery_stream: "jobs", region: "ap-northeast-1" },
          outputName: "kinesis_firehose",
          driver: "awsfirelens",
        },
      };
      expect(renderContainerDefinitions([reordered, router])).toBe(
        renderContainerDefinitions([routed, router]),
      );
    });
  });

  describe("given Terraform variables (a module for plain Terraform)", () => {
    const { json } = synthesize((scope) => {
      const variable = (id: string, type: string) => new TerraformVariable(scope, id, { type });
      new TerraformOutput(scope, "definitions", {
        value: renderContainerDefinitions([
          {
            name: "job",
            image: variable("image", "string").stringValue,
            command: variable("command", "list(string)").listValue,
            environment: Token.asStringMap(variable("environment", "map(string)").value),
            readonlyRootFilesystem: variable("readonly", "bool").booleanValue as unknown as boolean,
          },
        ]),
      });
    });
    const text = json.output!.definitions.value as string;

    it("writes the list and the boolean as jsonencode(...), so Terraform writes them as JSON", () => {
      expect(text).toContain('"command":${jsonencode(var.command)}');
      expect(text).toContain('"readonlyRootFilesystem":${jsonencode(var.readonly)}');
      expect(text).toContain('"image":"${var.image}"');
    });

    it("turns the environment map into ECS's name/value list, in key order like the construct", () => {
      expect(text).toContain(
        '"environment":${jsonencode([ for key, val in var.environment: { name = key, value = val }])}',
      );
    });
  });
});

describe("validateBatchContainer", () => {
  it("accepts a fully described container", () => {
    expect(() => validateBatchContainer(FULL)).not.toThrow();
  });

  it("skips the names of an environment map known only at apply time", () => {
    const environment = new TerraformVariable(emptyStack(), "environment", {
      type: "map(string)",
    });
    expect(() =>
      validateBatchContainer({ ...FULL, environment: Token.asStringMap(environment.value) }),
    ).not.toThrow();
  });

  it.each<[string, Partial<BatchContainer>, RegExp]>([
    [
      "an image with a space",
      { image: "alpine latest" },
      /container 'job': image 'alpine latest' must be a non-empty image URI/,
    ],
    ["an empty image", { image: "" }, /image '' must be a non-empty image URI/],
    [
      "an environment variable name with a dash",
      { environment: { "APP-ENV": "dev" } },
      /environment variable name 'APP-ENV'/,
    ],
    [
      "a name in both environment and secrets",
      { environment: { DB_PASSWORD: "x" }, secrets: { DB_PASSWORD: { ssmParameterArn: SSM_ARN } } },
      /'DB_PASSWORD' is both in environment and in secrets/,
    ],
    [
      "an SSM parameter given by name",
      { secrets: { DB: { ssmParameterArn: "/batch/db" } } },
      /secret 'DB': '\/batch\/db' is not an SSM parameter ARN; give the full ARN/,
    ],
    [
      "a Secrets Manager secret given by name",
      { secrets: { API: { secretsManagerSecretArn: "batch/api" } } },
      /secret 'API': 'batch\/api' is not a Secrets Manager secret ARN/,
    ],
    [
      "a stop timeout of 1 s",
      { stopTimeoutSeconds: 1 },
      /stopTimeoutSeconds 1 must be a whole number from 2 to 120/,
    ],
    ["a stop timeout of 121 s", { stopTimeoutSeconds: 121 }, /stopTimeoutSeconds 121/],
  ])("rejects %s", (_, overrides, message) => {
    expect(() => validateBatchContainer({ ...FULL, ...overrides })).toThrow(message);
  });

  const firelens = (logging: Partial<FireLensLogging>): Partial<BatchContainer> => ({
    logging: { driver: "awsfirelens", outputName: "cloudwatch_logs", ...logging },
  });

  it.each<[string, Partial<BatchContainer>]>([
    ["a FireLens output with options", firelens({ options: { region: "ap-northeast-1" } })],
    ["dotted FireLens option names", firelens({ options: { "tls.verify": "On" } })],
    [
      "a FireLens API key in secretOptions",
      firelens({ outputName: "datadog", secretOptions: { apikey: { ssmParameterArn: SSM_ARN } } }),
    ],
  ])("accepts %s", (_, overrides) => {
    expect(() => validateBatchContainer({ ...FULL, ...overrides })).not.toThrow();
  });

  it.each<[string, Partial<BatchContainer>, RegExp]>([
    [
      "a FireLens output name with capitals",
      firelens({ outputName: "CloudWatch" }),
      /container 'job': FireLens output 'CloudWatch' must be a Fluent Bit output plugin name/,
    ],
    [
      "a Name among the FireLens options",
      firelens({ options: { name: "http" } }),
      /FireLens option 'name' is the output's name: set outputName/,
    ],
    [
      "a FireLens option name with a space",
      firelens({ options: { "log group": "x" } }),
      /FireLens option name 'log group' must be letters, digits/,
    ],
    [
      "an API key in plain FireLens options",
      firelens({ outputName: "datadog", options: { apikey: "abc" } }),
      /FireLens option 'apikey' looks like a secret, and options are plain text in the task definition: put it in secretOptions/,
    ],
    [
      "an HTTP password in plain FireLens options",
      firelens({ outputName: "http", options: { http_Passwd: "abc" } }),
      /FireLens option 'http_Passwd' looks like a secret/,
    ],
    [
      "a FireLens option both plain and secret",
      firelens({
        options: { region: "x" },
        secretOptions: { region: { ssmParameterArn: SSM_ARN } },
      }),
      /FireLens option 'region' is both in options and in secretOptions/,
    ],
    [
      "a FireLens secret option given by name",
      firelens({ secretOptions: { apikey: { ssmParameterArn: "/datadog/key" } } }),
      /FireLens secret option 'apikey': '\/datadog\/key' is not an SSM parameter ARN/,
    ],
  ])("rejects %s", (_, overrides, message) => {
    expect(() => validateBatchContainer({ ...FULL, ...overrides })).toThrow(message);
  });
});

describe("validateFireLensRouting", () => {
  const routed: BatchContainer = { name: "job", image: "alpine", ...firelensLogging() };
  const router = (name: string): BatchContainer => ({ name, image: "fluent-bit", firelens: {} });

  function firelensLogging(): Pick<BatchContainer, "logging"> {
    return { logging: { driver: "awsfirelens", outputName: "cloudwatch_logs" } };
  }

  it("accepts a routed container with one router, and a task without FireLens", () => {
    expect(() => validateFireLensRouting([routed, router("log_router")])).not.toThrow();
    expect(() => validateFireLensRouting([FULL])).not.toThrow();
  });

  it("rejects a routed container without a router", () => {
    expect(() => validateFireLensRouting([routed])).toThrow(
      "container 'job' logs through awsfirelens, but no container is the FireLens log router: give one a firelens configuration",
    );
  });

  it("rejects two routers", () => {
    expect(() => validateFireLensRouting([routed, router("a"), router("b")])).toThrow(
      "containers 'a', 'b' are all FireLens log routers: a task has at most one",
    );
  });
});
