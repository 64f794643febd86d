/**
 * The task sizes Fargate accepts: for each CPU value (in CPU units, 1024 = 1 vCPU), the memory
 * values in MiB. AWS rejects any other combination at RunTask or RegisterTaskDefinition time.
 * See https://docs.aws.amazon.com/AmazonECS/latest/developerguide/fargate-tasks-services.html#fargate-tasks-size
 */
export interface FargateMemoryRange {
  /** CPU units. */
  readonly cpu: number;
  /** Memory values (MiB) this CPU value accepts, ascending. */
  readonly memoryMiB: readonly number[];
  /** Whether this size needs Fargate platform version 1.4.0 or later. */
  readonly needsPlatform140: boolean;
}

function steps(from: number, to: number, step: number): number[] {
  const values: number[] = [];
  for (let value = from; value <= to; value += step) {
    values.push(value);
  }
  return values;
}

/** Every valid Fargate (Linux) task size. */
export const FARGATE_TASK_SIZES: readonly FargateMemoryRange[] = [
  { cpu: 256, memoryMiB: [512, 1024, 2048], needsPlatform140: false },
  { cpu: 512, memoryMiB: steps(1024, 4096, 1024), needsPlatform140: false },
  { cpu: 1024, memoryMiB: steps(2048, 8192, 1024), needsPlatform140: false },
  { cpu: 2048, memoryMiB: steps(4096, 16384, 1024), needsPlatform140: false },
  { cpu: 4096, memoryMiB: steps(8192, 30720, 1024), needsPlatform140: false },
  { cpu: 8192, memoryMiB: steps(16384, 61440, 4096), needsPlatform140: true },
  { cpu: 16384, memoryMiB: steps(32768, 122880, 8192), needsPlatform140: true },
];

/** Every valid `cpu/memory` pair, e.g. `256/512`. */
export const FARGATE_TASK_SIZE_PAIRS: readonly string[] = FARGATE_TASK_SIZES.flatMap((size) =>
  size.memoryMiB.map((memory) => `${size.cpu}/${memory}`),
);

/** Every task size in words: `cpu 256 takes memory 512, 1024 or 2048; ...`. */
export function describeFargateTaskSizes(): string {
  return FARGATE_TASK_SIZES.map((size) => {
    const m = size.memoryMiB;
    const memory =
      m.length <= 3
        ? `${m.slice(0, -1).join(", ")} or ${m.at(-1)}`
        : `${m[0]}-${m.at(-1)} in steps of ${m[1] - m[0]}`;
    return `cpu ${size.cpu} takes memory ${memory}`;
  }).join("; ");
}

function describeMemory(size: FargateMemoryRange): string {
  const m = size.memoryMiB;
  if (m.length <= 3) {
    return `${m.slice(0, -1).join(", ")} or ${m.at(-1)} MiB`;
  }
  return `${m[0]}-${m.at(-1)} MiB in steps of ${m[1] - m[0]}`;
}

/**
 * Throws an Error, quoting the values and stating the rule, unless `cpu` (CPU units) and
 * `memoryMiB` form a task size that Fargate accepts.
 */
export function validateFargateTaskSize(cpu: number, memoryMiB: number): void {
  const size = FARGATE_TASK_SIZES.find((s) => s.cpu === cpu);
  if (!size) {
    throw new Error(
      `Fargate task size cpu=${cpu} is not valid: cpu must be one of ${FARGATE_TASK_SIZES.map((s) => s.cpu).join(", ")} (CPU units; 1024 = 1 vCPU)`,
    );
  }
  if (!size.memoryMiB.includes(memoryMiB)) {
    throw new Error(
      `Fargate task size cpu=${cpu} memory=${memoryMiB} MiB is not valid: cpu ${cpu} takes memory ${describeMemory(size)}`,
    );
  }
}
