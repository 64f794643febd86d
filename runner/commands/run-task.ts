import type { RunTaskCommandInput } from "@aws-sdk/client-ecs";
import { Command, Option } from "commander";
import type { CommandContext } from "../command-context";
import {
  addCommonOptions,
  commonOptionsProblem,
  runRequestOf,
  type CommonOptions,
} from "../options";
import { readRunTaskInput, type RunTaskInputSource } from "../run-task-input";

/** The options of `ecs-batch run-task`, as commander stores them. */
export interface RunTaskOptions extends CommonOptions {
  readonly cliInputJson?: string;
  readonly cliInputYaml?: string;
}

const EXAMPLES = `
The input is what \`aws ecs run-task --cli-input-json|--cli-input-yaml\` takes (cluster and
taskDefinition required, count 1 or absent), so existing run-task files work unchanged. The
container whose exit code counts and its logs (awslogs) are read from the task definition.

Examples:
  # crontab: every hour at minute 15, with the run-task.yaml of the old shell script
  15 * * * * /usr/local/bin/ecs-batch run-task --cli-input-yaml /etc/batch/hourly-sync.yaml --timeout 50m >> /var/log/batch/hourly-sync.log 2>&1

  # Hinemos command job, start command (its end value is ecs-batch's exit code)
  /usr/local/bin/ecs-batch run-task --cli-input-json file:///etc/batch/hourly-sync.json --container app --retries 2

  # input from another program on stdin
  render-input hourly-sync | ecs-batch run-task --cli-input-yaml - --json
`;

/** Adds `run-task`: runs a task from AWS CLI run-task input. */
export function addRunTaskCommand(program: Command, context: CommandContext): Command {
  const command = program
    .command("run-task")
    .description(
      "run a task from AWS CLI run-task input (JSON or YAML), wait, stream its logs and exit with its container's exit code",
    )
    .addOption(
      new Option(
        "--cli-input-json <file>",
        "read the RunTask input from this JSON file (- for stdin)",
      ).conflicts("cliInputYaml"),
    )
    .addOption(
      new Option(
        "--cli-input-yaml <file>",
        "read the RunTask input from this YAML file (- for stdin)",
      ),
    );
  addCommonOptions(command).addHelpText("after", EXAMPLES);
  command.action(async (options: RunTaskOptions, self: Command) => {
    const source = inputSourceOf(options);
    const problem =
      source === undefined
        ? "give the RunTask input with --cli-input-json <file> or --cli-input-yaml <file>"
        : commonOptionsProblem(options);
    if (problem !== undefined || source === undefined) {
      self.error(`error: ${problem}`, { exitCode: 2, code: "ecs-batch.usage" });
    }
    await context.execute(options, {}, async () => {
      const input = await readRunTaskInput(source, context.deps);
      const container = overrideContainerOf(input, options);
      if (
        (options.command !== undefined || (options.environment ?? []).length > 0) &&
        container === undefined
      ) {
        self.error(
          "error: --command and --environment need --container <name>: the input overrides no single container, and the task definition is read only once the task runs",
          { exitCode: 2, code: "ecs-batch.usage" },
        );
      }
      return {
        request: runRequestOf(input, options, container, context.deps.defaultStartedBy()),
        region: options.region,
      };
    });
  });
  return command;
}

function inputSourceOf(options: RunTaskOptions): RunTaskInputSource | undefined {
  if (options.cliInputJson !== undefined) {
    return { format: "json", path: options.cliInputJson };
  }
  if (options.cliInputYaml !== undefined) {
    return { format: "yaml", path: options.cliInputYaml };
  }
  return undefined;
}

/**
 * The container that `--command` and `--environment` override: `--container`, else the one
 * container the input already overrides.
 */
function overrideContainerOf(
  input: RunTaskCommandInput,
  options: RunTaskOptions,
): string | undefined {
  if (options.container !== undefined) {
    return options.container;
  }
  const overridden = input.overrides?.containerOverrides ?? [];
  return overridden.length === 1 ? overridden[0].name : undefined;
}
