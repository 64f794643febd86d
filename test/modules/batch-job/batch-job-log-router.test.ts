import {
  BatchJob,
  BatchJobFromContainersProps,
  BatchJobProps,
  DEFAULT_LOG_ROUTER_IMAGE,
  JobTaskOptions,
  LOG_ROUTER_CONTAINER_NAME,
} from "../../../modules";
import { FailureTopic, NoticeJob } from "../../../modules/failure-notification";
import {
  emptyStack,
  ref,
  resourceAt,
  resourcesOf,
  statementsOf,
  synthesize,
  TerraformJson,
} from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";
const API_KEY = "arn:aws:ssm:ap-northeast-1:123456789012:parameter/datadog/api-key";

const ROUTED_TASK: JobTaskOptions = {
  container: { image: "alpine:3.20", command: ["/bin/date"] },
  logs: { region: "ap-northeast-1" },
  logRouter: {
    destination: {
      name: "kinesis_firehose",
      options: { region: "ap-northeast-1", delivery_stream: "batch-logs" },
    },
  },
};

const ROUTED_JOB: BatchJobFromContainersProps = {
  jobName: "example-batch",
  schedule: "cron(*/2 * * * ? *)",
  placement: {
    clusterArn: CLUSTER,
    subnetIds: ["subnet-0123456789abcdef0"],
    securityGroupIds: ["sg-0123456789abcdef0"],
  },
  task: ROUTED_TASK,
};

/** The routed job with other task settings. */
function routedWith(task: Partial<JobTaskOptions>): BatchJobFromContainersProps {
  return { ...ROUTED_JOB, task: { ...ROUTED_TASK, ...task } };
}

interface ContainerDefinition {
  name: string;
  image: string;
  essential: boolean;
  readonlyRootFilesystem: boolean;
  firelensConfiguration?: { type: string };
  logConfiguration: {
    logDriver: string;
    options: Record<string, string>;
    secretOptions?: { name: string; valueFrom: string }[];
  };
}

function jobJson(task: Partial<JobTaskOptions> = {}): TerraformJson {
  return synthesize((scope) => new BatchJob(scope, "job", routedWith(task))).json;
}

function containersOf(json: TerraformJson): ContainerDefinition[] {
  const task = resourceAt(json, "aws_ecs_task_definition", "job/TaskDefinition");
  return JSON.parse(task.container_definitions as string) as ContainerDefinition[];
}

describe("BatchJob with a FireLens log router", () => {
  const json = jobJson({ logs: { region: "ap-northeast-1", streamPrefix: "nightly" } });
  const [job, router] = containersOf(json);
  const logGroup = ref("aws_cloudwatch_log_group", "job_LogGroup", "name");

  it("runs the job's container, then a log_router container", () => {
    expect(containersOf(json).map((c) => [c.name, c.essential])).toEqual([
      ["example-batch", true],
      [LOG_ROUTER_CONTAINER_NAME, false],
    ]);
    expect(LOG_ROUTER_CONTAINER_NAME).toBe("log_router");
  });

  it("makes the router AWS for Fluent Bit from ECR Public, a FireLens fluentbit router", () => {
    expect(router.image).toBe("public.ecr.aws/aws-observability/aws-for-fluent-bit:stable");
    expect(DEFAULT_LOG_ROUTER_IMAGE).toBe(router.image);
    expect(router.firelensConfiguration).toEqual({ type: "fluentbit" });
    expect(router.readonlyRootFilesystem).toBe(true);
  });

  it("sends the router's own logs to the job's log group with awslogs", () => {
    expect(router.logConfiguration).toEqual({
      logDriver: "awslogs",
      options: {
        "awslogs-group": expect.stringMatching(logGroup),
        "awslogs-region": "ap-northeast-1",
        "awslogs-stream-prefix": "nightly",
      },
    });
  });

  it("sends the job's output to the destination through awsfirelens", () => {
    expect(job.logConfiguration).toEqual({
      logDriver: "awsfirelens",
      options: {
        Name: "kinesis_firehose",
        delivery_stream: "batch-logs",
        region: "ap-northeast-1",
      },
    });
    expect(job).not.toHaveProperty("firelensConfiguration");
  });

  it("keeps awslogs for the job's container when there is no router", () => {
    const [plain, ...others] = containersOf(jobJson({ logRouter: undefined }));
    expect(others).toEqual([]);
    expect(plain.logConfiguration.logDriver).toBe("awslogs");
  });

  it("keeps sidecars on awslogs, before the router", () => {
    const containers = containersOf(
      jobJson({ sidecars: [{ name: "proxy", image: "envoyproxy/envoy:v1.31" }] }),
    );
    expect(containers.map((c) => [c.name, c.logConfiguration.logDriver])).toEqual([
      ["example-batch", "awsfirelens"],
      ["proxy", "awslogs"],
      ["log_router", "awslogs"],
    ]);
  });

  it("takes another router image", () => {
    const image = "123456789012.dkr.ecr.ap-northeast-1.amazonaws.com/fluent-bit:3.1";
    const routed = jobJson({ logRouter: { ...ROUTED_TASK.logRouter!, image } });
    expect(containersOf(routed)[1].image).toBe(image);
    const pull = statementsOf(
      resourceAt(routed, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    ).find((s) => s.Sid === "PullJobImages");
    expect(pull?.Resource).toEqual([
      "arn:aws:ecr:ap-northeast-1:123456789012:repository/fluent-bit",
    ]);
  });

  it("needs no ECR permission for the default router image", () => {
    const sids = statementsOf(
      resourceAt(json, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    ).map((s) => s.Sid);
    expect(sids).not.toContain("PullJobImages");
  });

  it("writes secret options as secretOptions, which the execution role may read", () => {
    const routed = jobJson({
      logRouter: {
        destination: { name: "datadog", secretOptions: { apikey: { ssmParameterArn: API_KEY } } },
      },
    });
    expect(containersOf(routed)[0].logConfiguration).toEqual({
      logDriver: "awsfirelens",
      options: { Name: "datadog" },
      secretOptions: [{ name: "apikey", valueFrom: API_KEY }],
    });
    const read = statementsOf(
      resourceAt(routed, "aws_iam_policy", "job/ExecutionRole/Policy").policy,
    ).find((s) => s.Sid === "ReadJobParameters");
    expect(read?.Resource).toEqual([API_KEY]);
  });

  describe("its failure notices", () => {
    /** The job as its failure rule's target describes it to the topic's notice filter. */
    function noticedJob(props: BatchJobFromContainersProps) {
      const notified = synthesize((scope) => {
        const topic = new FailureTopic(scope, "failures", { name: "dev-batch-failures" });
        new BatchJob(scope, "job", { ...props, failureNotification: { topic } });
      }).json;
      const target = resourceAt(
        notified,
        "aws_cloudwatch_event_target",
        "job/FailureNotification/FilterTarget",
      );
      const template = (target.input_transformer as { input_template: string }).input_template;
      return {
        notified,
        target,
        job: JSON.parse(template.replace("<aws.events.event.json>", "null")).job as NoticeJob,
      };
    }

    it("name where the router sends the job's output, instead of the job container's log stream", () => {
      expect(noticedJob(ROUTED_JOB).job.logRouterDestination).toBe("kinesis_firehose");
      expect(noticedJob(routedWith({ logRouter: undefined })).job).not.toHaveProperty(
        "logRouterDestination",
      );
    });

    it("are decided by the job's own container, not the router's, through the topic's notice filter", () => {
      const { notified, target, job } = noticedJob(ROUTED_JOB);
      expect(job).toMatchObject({
        container: "example-batch",
        // The router's own log is at <prefix>/log_router/<task id> in the job's log group.
        logGroupName: expect.stringMatching(logGroup),
        logStreamPrefix: "batch",
      });
      expect(target.arn).toMatch(ref("aws_sfn_state_machine", "failures/NoticeFilter", "arn"));
      // No state machine of the job's own: the topic's filter and sender only.
      expect(
        Object.values(resourcesOf(notified, "aws_sfn_state_machine"))
          .map((m) => m.name)
          .sort(),
      ).toEqual(["dev-batch-failures-notices", "dev-batch-failures-notices-filter"]);
    });
  });

  // The job's output is at the destination; the runner starts the job and waits for its exit code.
  it("still writes the runner's parameter, so ecs-batch runs the job without streaming", () => {
    expect(resourceAt(json, "aws_ssm_parameter", "job/RunnerParameter").name).toBe(
      "/ecs-batch/example-batch",
    );
  });

  it("is refused by type for a job of an existing task definition", () => {
    // @ts-expect-error: a job has task (and with it a log router) or existingTaskDefinition
    const routedExisting: BatchJobProps = {
      jobName: "legacy",
      placement: ROUTED_JOB.placement,
      existingTaskDefinition: {
        taskDefinitionArn: "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/x:1",
        executionRoleArn: "arn:aws:iam::123456789012:role/x",
      },
      task: ROUTED_TASK,
    };
    // Not checked again at synth time: the existing task definition is run, no router is made.
    const { json } = synthesize((scope) => new BatchJob(scope, "job", routedExisting));
    expect(resourcesOf(json, "aws_ecs_task_definition")).toEqual({});
  });

  it.each<[string, Partial<JobTaskOptions>, string | RegExp]>([
    [
      "a destination name that is no Fluent Bit output",
      { logRouter: { destination: { name: "Kinesis Firehose" } } },
      /test\/job\/TaskDefinition: containers\[0\]: container 'example-batch': FireLens output 'Kinesis Firehose' must be a Fluent Bit output plugin name/,
    ],
    [
      "an API key in plain options",
      { logRouter: { destination: { name: "datadog", options: { apikey: "abc" } } } },
      /containers\[0\]: container 'example-batch': FireLens option 'apikey' looks like a secret.*put it in secretOptions/,
    ],
    [
      "a sidecar named log_router",
      { sidecars: [{ name: "log_router", image: "alpine" }] },
      "test/job/TaskDefinition: containers: the name 'log_router' is used twice",
    ],
  ])("rejects a router with %s", (_, task, message) => {
    expect(() => new BatchJob(emptyStack(), "job", routedWith(task))).toThrow(message);
  });
});
