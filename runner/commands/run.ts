import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import type { CommandContext } from "../command-context";
import { jobParameterName, type JobRunSpec } from "../../contract/job-run-spec";
import {
  addCommonOptions,
  addJobLocationOptions,
  commonOptionsProblem,
  environmentOf,
  jobLocationProblem,
  parameterPrefixOf,
  parseJobName,
  parseWholeNumber,
  runRequestOf,
  type CommonOptions,
  type JobLocationOptions,
} from "../options";
import type { RunRequest } from "../run-job";

/** The options of `ecs-batch run`, as commander stores them. */
export interface RunOptions extends CommonOptions, JobLocationOptions {
  readonly revision?: number;
  readonly deployedRevision?: boolean;
}

/** ECS keeps at most 1,000,000 revisions of a task definition family. */
const MAX_REVISION = 1_000_000;

const EXAMPLES = `
The job's SSM parameter (written by Terraform at deploy time) gives the cluster, the task
definition family (its latest ACTIVE revision runs), the network, the container and its logs.

Examples:
  # crontab: every day at 03:00; the job's logs and ecs-batch's status lines to a file
  0 3 * * * /usr/local/bin/ecs-batch run nightly-report --env prod --timeout 2h >> /var/log/batch/nightly-report.log 2>&1

  # Hinemos command job, start command: its end value is ecs-batch's exit code; on SIGTERM,
  # SIGINT or SIGHUP ecs-batch stops the task before it exits (no --client-token here: a
  # manual rerun must start a new task, not get the failed one back)
  /usr/local/bin/ecs-batch run nightly-report --env prod --timeout 2h --retries 2

  # one-off run of a pinned revision with another date, JSON summary for a script
  ecs-batch run nightly-report --env stg --revision 42 --environment REPORT_DATE=2026-11-22 --json
`;

/** Adds `run <job>`: runs a deployed job as its SSM parameter describes it. */
export function addRunCommand(program: Command, context: CommandContext): Command {
  const command = program
    .command("run")
    .description(
      "run a deployed job: start its task as its SSM parameter /ecs-batch/<env>/<job> says, wait, stream its logs and exit with its container's exit code",
    )
    .argument("<job>", "the job's name", parseJobName);
  addJobLocationOptions(command)
    .addOption(
      new Option(
        "--revision <n>",
        "run this revision of the task definition family instead of its latest",
      )
        .argParser(parseWholeNumber(1, MAX_REVISION))
        .conflicts("deployedRevision"),
    )
    .addOption(
      new Option(
        "--deployed-revision",
        "run the revision Terraform deployed last instead of the family's latest",
      ),
    );
  addCommonOptions(command).addHelpText("after", EXAMPLES);
  command.action(async (job: string, options: RunOptions, self: Command) => {
    const problem = jobLocationProblem(options) ?? commonOptionsProblem(options);
    if (problem !== undefined) {
      self.error(`error: ${problem}`, { exitCode: 2, code: "ecs-batch.usage" });
    }
    await context.execute(
      options,
      { job },
      async () => {
        const prefix = parameterPrefixOf(options);
        const [{ readJobRunSpec }, ssm] = await Promise.all([
          import("../job-parameter"),
          context.deps.createSsmClient({ region: options.region }),
        ]);
        const spec = await readJobRunSpec(ssm, jobParameterName(prefix, job), job);
        if (options.retryOnExitCode && !spec.safeToRerun) {
          self.error(
            `error: --retry-on-exit-code: job '${job}' is not safe to rerun (safeToRerun is false in its parameter), so a failed run is never started again`,
            { exitCode: 2, code: "ecs-batch.usage" },
          );
        }
        return {
          request: runRequestFromSpec(spec, options, context.deps.defaultStartedBy()),
          region: options.region ?? spec.region,
        };
      },
      { environment: environmentOf(options) },
    );
  });
  return command;
}

/** The RunRequest for a job: its spec, with the options applied. */
export function runRequestFromSpec(
  spec: JobRunSpec,
  options: RunOptions,
  defaultStartedBy: string,
): RunRequest {
  const container = options.container ?? spec.containerName;
  const input: RunTaskCommandInput = {
    cluster: spec.cluster,
    taskDefinition: taskDefinitionOf(spec, options),
    launchType: spec.launchType,
    platformVersion: spec.platformVersion,
    networkConfiguration: {
      awsvpcConfiguration: {
        subnets: [...spec.network.subnets],
        securityGroups: [...spec.network.securityGroups],
        assignPublicIp: spec.network.assignPublicIp,
      },
    },
    ...(spec.propagateTags ? { propagateTags: spec.propagateTags } : {}),
    enableECSManagedTags: spec.enableEcsManagedTags,
  };
  return {
    ...runRequestOf(input, options, container, defaultStartedBy),
    containerName: container,
    logs: { logGroupName: spec.logGroupName, streamPrefix: spec.logStreamPrefix },
  };
}

function taskDefinitionOf(spec: JobRunSpec, options: RunOptions): string {
  if (options.revision !== undefined) {
    return `${spec.taskDefinitionFamily}:${options.revision}`;
  }
  return options.deployedRevision === true ? spec.taskDefinitionArn : spec.taskDefinitionFamily;
}
