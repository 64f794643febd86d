import type { RunnerDeps } from "./runner-deps";
import { RunnerError } from "./runner-error";

/** Environment variables that tune the runner's timing; not for production use (see below). */
export const TUNING_VARIABLES = {
  pollInitialMs: "ECS_BATCH_POLL_INITIAL_MS",
  pollMaxMs: "ECS_BATCH_POLL_MAX_MS",
  logDrainMs: "ECS_BATCH_LOG_DRAIN_MS",
} as const;

/**
 * The runner's polling interval and log drain time from the environment, for tests against a
 * fake ECS (moto) whose tasks stop within seconds; unset, the runner's defaults apply. An
 * invalid value is an error, not silently ignored.
 */
export function runnerTuning(
  env: NodeJS.ProcessEnv,
): Pick<RunnerDeps, "pollIntervalMs" | "logDrainMs"> {
  const ms = (name: string): number | undefined => {
    const text = env[name];
    if (text === undefined || text === "") {
      return undefined;
    }
    if (!/^\d+$/.test(text) || Number(text) < 1) {
      throw new RunnerError(
        `${name}='${text}' is not valid: it must be a whole number of ms, 1 or more`,
      );
    }
    return Number(text);
  };
  const initial = ms(TUNING_VARIABLES.pollInitialMs);
  const max = ms(TUNING_VARIABLES.pollMaxMs);
  const logDrainMs = ms(TUNING_VARIABLES.logDrainMs);
  if ((initial === undefined) !== (max === undefined) || (initial ?? 0) > (max ?? 0)) {
    throw new RunnerError(
      `set ${TUNING_VARIABLES.pollInitialMs} and ${TUNING_VARIABLES.pollMaxMs} together, the first no larger than the second`,
    );
  }
  return {
    ...(initial !== undefined && max !== undefined ? { pollIntervalMs: { initial, max } } : {}),
    ...(logDrainMs !== undefined ? { logDrainMs } : {}),
  };
}
