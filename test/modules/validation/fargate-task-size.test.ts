import {
  FARGATE_TASK_SIZES,
  validateFargateTaskSize,
} from "../../../modules/validation/fargate-task-size";

/** A regex matching `text` literally. */
function literally(text: string): RegExp {
  return new RegExp(text.replace(/[.*+?^${}()|[\]\\/]/g, "\\$&"));
}

/** from, from + step, ..., to */
function range(from: number, to: number, step: number): number[] {
  return Array.from({ length: (to - from) / step + 1 }, (_, i) => from + i * step);
}

/**
 * AWS's table of Fargate (Linux) task sizes, written out independently of FARGATE_TASK_SIZES:
 * 256 with 512, 1024, 2048; 512 with 1024-4096 in 1024 steps; 1024 with 2048-8192 in 1024 steps;
 * 2048 with 4096-16384 in 1024 steps; 4096 with 8192-30720 in 1024 steps; 8192 with 16384-61440
 * in 4096 steps; 16384 with 32768-122880 in 8192 steps.
 */
const AWS_TABLE: ReadonlyMap<number, readonly number[]> = new Map([
  [256, [512, 1024, 2048]],
  [512, range(1024, 4096, 1024)],
  [1024, range(2048, 8192, 1024)],
  [2048, range(4096, 16384, 1024)],
  [4096, range(8192, 30720, 1024)],
  [8192, range(16384, 61440, 4096)],
  [16384, range(32768, 122880, 8192)],
]);

const VALID_SIZES: [number, number][] = [...AWS_TABLE].flatMap(([cpu, memories]) =>
  memories.map((memory): [number, number] => [cpu, memory]),
);

const isValid = (cpu: number, memory: number) => AWS_TABLE.get(cpu)?.includes(memory) ?? false;

describe("validateFargateTaskSize", () => {
  it("GIVEN AWS's table THEN it has 74 cpu and memory combinations", () => {
    // 3 + 4 + 7 + 13 + 23 + 12 + 12
    expect(VALID_SIZES).toHaveLength(74);
  });

  it.each(VALID_SIZES)(
    "GIVEN cpu %i with memory %i MiB from AWS's table WHEN validated THEN it is accepted",
    (cpu, memory) => {
      expect(() => validateFargateTaskSize(cpu, memory)).not.toThrow();
    },
  );

  it("GIVEN every valid cpu WHEN paired with each memory value of the table that it does not take, and their neighbours, THEN each pair is rejected", () => {
    const memories = new Set(
      [...AWS_TABLE.values()].flat().flatMap((m) => [m - 1024, m - 512, m - 1, m, m + 1, m + 512]),
    );
    const wronglyAccepted: string[] = [];
    let rejected = 0;
    for (const cpu of AWS_TABLE.keys()) {
      for (const memory of memories) {
        if (isValid(cpu, memory)) {
          continue;
        }
        try {
          validateFargateTaskSize(cpu, memory);
          wronglyAccepted.push(`cpu=${cpu} memory=${memory}`);
        } catch {
          rejected++;
        }
      }
    }
    expect(wronglyAccepted).toEqual([]);
    expect(rejected).toBeGreaterThan(1000);
  });

  it.each([
    // off the step
    [256, 1536, "512, 1024 or 2048 MiB"],
    [256, 768, "512, 1024 or 2048 MiB"],
    [512, 1536, "1024-4096 MiB in steps of 1024"],
    [1024, 2560, "2048-8192 MiB in steps of 1024"],
    [2048, 4608, "4096-16384 MiB in steps of 1024"],
    [4096, 8704, "8192-30720 MiB in steps of 1024"],
    [8192, 17408, "16384-61440 MiB in steps of 4096"],
    [8192, 20000, "16384-61440 MiB in steps of 4096"],
    [16384, 36864, "32768-122880 MiB in steps of 8192"],
    [16384, 40960 + 1024, "32768-122880 MiB in steps of 8192"],
    // below the range
    [256, 256, "512, 1024 or 2048 MiB"],
    [512, 512, "1024-4096 MiB in steps of 1024"],
    [1024, 1024, "2048-8192 MiB in steps of 1024"],
    [2048, 3072, "4096-16384 MiB in steps of 1024"],
    [4096, 7168, "8192-30720 MiB in steps of 1024"],
    [8192, 12288, "16384-61440 MiB in steps of 4096"],
    [16384, 24576, "32768-122880 MiB in steps of 8192"],
    // above the range
    [256, 3072, "512, 1024 or 2048 MiB"],
    [256, 4096, "512, 1024 or 2048 MiB"],
    [512, 5120, "1024-4096 MiB in steps of 1024"],
    [1024, 9216, "2048-8192 MiB in steps of 1024"],
    [2048, 17408, "4096-16384 MiB in steps of 1024"],
    [4096, 31744, "8192-30720 MiB in steps of 1024"],
    [4096, 32768, "8192-30720 MiB in steps of 1024"],
    [8192, 65536, "16384-61440 MiB in steps of 4096"],
    [16384, 131072, "32768-122880 MiB in steps of 8192"],
    // zero, negative, fractional and not-a-number memory
    [256, 0, "512, 1024 or 2048 MiB"],
    [512, -1024, "1024-4096 MiB in steps of 1024"],
    [1024, 2048.5, "2048-8192 MiB in steps of 1024"],
    [1024, NaN, "2048-8192 MiB in steps of 1024"],
  ])(
    "GIVEN cpu %i with memory %d MiB WHEN validated THEN it is rejected, quoting both and the memory the cpu takes",
    (cpu, memory, takes) => {
      expect(() => validateFargateTaskSize(cpu, memory)).toThrow(
        literally(
          `Fargate task size cpu=${cpu} memory=${memory} MiB is not valid: cpu ${cpu} takes memory ${takes}`,
        ),
      );
    },
  );

  it.each([
    [0, 512],
    [-256, 512],
    [128, 512],
    [300, 512],
    [768, 2048],
    [1536, 4096],
    [3072, 8192],
    [32768, 65536],
    [1024.5, 2048],
    [0.25, 512],
    [1, 2048],
    [2, 4096],
    [NaN, 512],
  ])(
    "GIVEN the unknown cpu %d (memory %d) WHEN validated THEN it lists the valid cpu values",
    (cpu, memory) => {
      expect(() => validateFargateTaskSize(cpu, memory)).toThrow(
        literally(
          `Fargate task size cpu=${cpu} is not valid: cpu must be one of 256, 512, 1024, 2048, 4096, 8192, 16384 (CPU units; 1024 = 1 vCPU)`,
        ),
      );
    },
  );

  describe("FARGATE_TASK_SIZES", () => {
    it("GIVEN the exported table THEN it lists exactly AWS's combinations, in ascending order", () => {
      expect(FARGATE_TASK_SIZES.map((s) => [s.cpu, [...s.memoryMiB]])).toEqual([...AWS_TABLE]);
    });

    it("GIVEN the exported table THEN only cpu 8192 and 16384 need platform 1.4.0", () => {
      expect(FARGATE_TASK_SIZES.filter((s) => s.needsPlatform140).map((s) => s.cpu)).toEqual([
        8192, 16384,
      ]);
    });
  });
});
