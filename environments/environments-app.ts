import { App } from "cdktf";
import { skipTokenStackTraces } from "./token-stack-traces";
import { Construct } from "constructs";
import {
  COLLECT_PROBLEMS,
  collectsProblems,
  Problem,
  problemsOf,
  ValidationError,
} from "../modules/validation/construct-validation";
import { EnvironmentConfig } from "./environment-config";
import { EnvironmentStack } from "./environment-stack";
import {
  environmentConfigProblems,
  environmentsProblems,
  validateEnvironments,
} from "./environment-validation";
import { ReleaseStack, releaseStackName } from "./release-stack";

/**
 * Makes the two stacks of every environment in `app`: `<env>` (its jobs) and `<env>-release`.
 *
 * When the app collects problems (COLLECT_PROBLEMS in its context), every construct registers its
 * invalid inputs as validations and goes on, so that {@link problemsOf} finds them all; the
 * problems no construct can hold (environments that clash, an input after which a construct
 * could not be built) are returned. Otherwise the first problem is thrown.
 */
export function addEnvironments(app: Construct, configs: readonly EnvironmentConfig[]): Problem[] {
  const collecting = collectsProblems(app);
  if (!collecting) {
    validateEnvironments(configs);
  }
  const problems: Problem[] = environmentsProblems(configs).map((p) => ({
    constructPath: p.environment,
    message: `${p.field}: ${p.rule}`,
  }));
  const built = new Set<string>();
  for (const config of configs) {
    if (built.has(config.name)) {
      continue; // a second environment of one name: reported above
    }
    built.add(config.name);
    try {
      new EnvironmentStack(app, config.name, { config });
      new ReleaseStack(app, releaseStackName(config.name), { config });
    } catch (error) {
      if (!collecting) {
        throw error;
      }
      if (error instanceof ValidationError) {
        problems.push({
          constructPath: error.constructPath,
          message: `${error.field}: ${error.rule}`,
        });
      } else if (environmentConfigProblems(config).length === 0) {
        throw error;
      }
      // Otherwise the config's own problems, registered on its stack, are why it broke.
    }
  }
  return problems;
}

/** How {@link synthEnvironments} runs. */
export interface SynthOptions {
  /** Throw the first problem where it is found, with its stack, instead of collecting them all
   * (ECS_BATCH_DEBUG=1). */
  readonly debug?: boolean;
  /** Where problems are written. @default process.stderr */
  readonly write?: (text: string) => void;
  /** The app to synthesize into. @default a new cdktf App */
  readonly app?: (context: Record<string, unknown>) => App;
}

/**
 * The cdktf app of the environments: synthesizes their stacks, or, when any input is invalid,
 * synthesizes nothing and writes every problem of every environment, one line each
 * (`construct path: field: rule`) under a heading with their count. Returns the exit code.
 * Errors that are not problems of the input (bugs) are thrown, with their stack.
 */
export function synthEnvironments(
  configs: readonly EnvironmentConfig[],
  options: SynthOptions = {},
): number {
  const write = options.write ?? ((text: string) => process.stderr.write(text));
  const context = options.debug ? {} : { [COLLECT_PROBLEMS]: true };
  const app = options.app?.(context) ?? new App({ context });
  const problems = [...addEnvironments(app, configs), ...problemsOf(app)];
  if (problems.length > 0) {
    write(problemReport(problems));
    return 1;
  }
  app.synth();
  return 0;
}

/** The report of the problems: a heading with their count, then one line each. */
export function problemReport(problems: readonly Problem[]): string {
  const count = problems.length === 1 ? "1 problem" : `${problems.length} problems`;
  return [
    `ecs-batch: ${count} in the environments' configuration; nothing was synthesized:`,
    ...problems.map((p) => `  ${p.constructPath}: ${p.message}`),
    "Fix them and synthesize again (ECS_BATCH_DEBUG=1 stops at the first, with its stack trace).",
    "",
  ].join("\n");
}

/**
 * What main.ts runs: the environments' app, with the process's settings. ECS_BATCH_DEBUG=1 stops
 * at the first invalid input with its stack trace, in TypeScript lines. Otherwise source maps and
 * cdktf's token stack traces are off: cdktf records a stack trace for every token it makes and
 * only reads it to explain a token it cannot resolve, and formatting them (through the source maps
 * tsx turns on) is most of a large stack's synth (see token-stack-traces.ts; SOURCE_MAPS=1 turns
 * both back on alone). Returns the exit code.
 */
export function runEnvironmentsApp(
  configs: readonly EnvironmentConfig[],
  env: NodeJS.ProcessEnv = process.env,
): number {
  const debug = env.ECS_BATCH_DEBUG === "1";
  if (!debug && env.SOURCE_MAPS !== "1") {
    process.setSourceMapsEnabled(false);
    skipTokenStackTraces();
  }
  return synthEnvironments(configs, { debug });
}
