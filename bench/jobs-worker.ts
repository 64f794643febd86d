// Child process of synth-bench.ts for the "N jobs" cases: one stack with an AWS provider and
// N BatchJob constructs, synthesized into CDKTF_OUTDIR (set by synth-bench.ts).
//
// Usage: tsx bench/jobs-worker.ts <job count>
import { AwsProvider } from "@cdktf/provider-aws/lib/provider";
import { App, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { skipTokenStackTraces } from "../environments/token-stack-traces";
import { BatchJob } from "../modules";

const REGION = "ap-northeast-1";
const CLUSTER_ARN = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/bench";
const SUBNET_IDS = ["subnet-0123456789abcdef0"];

/** Half the jobs on a cron schedule, half on a rate, so both validators run. */
function scheduleOf(index: number): string {
  if (index % 2 === 0) {
    return `cron(${index % 60} ${Math.floor(index / 60) % 24} * * ? *)`;
  }
  return `rate(${(index % 58) + 2} minutes)`;
}

class JobsStack extends TerraformStack {
  constructor(scope: Construct, id: string, jobCount: number) {
    super(scope, id);
    new AwsProvider(this, "aws", { region: REGION });
    for (let i = 0; i < jobCount; i++) {
      const jobName = `bench-job-${String(i).padStart(4, "0")}`;
      new BatchJob(this, jobName, {
        jobName,
        schedule: scheduleOf(i),
        task: {
          container: { image: "alpine:3.20", command: ["/bin/date"] },
          logs: { region: REGION },
        },
        placement: { clusterArn: CLUSTER_ARN, subnetIds: SUBNET_IDS },
      });
    }
  }
}

// As main.ts does, so the bench measures what the app does.
if (process.env.SOURCE_MAPS !== "1") {
  process.setSourceMapsEnabled(false);
  skipTokenStackTraces();
}
const jobCount = Number(process.argv[2]);
if (!Number.isInteger(jobCount) || jobCount < 1) {
  throw new Error(`usage: tsx bench/jobs-worker.ts <job count>; got '${process.argv[2]}'`);
}
const app = new App(); // outdir: CDKTF_OUTDIR
new JobsStack(app, `bench-jobs-${jobCount}`, jobCount);
app.synth();
