import { DataAwsCallerIdentity } from "@cdktf/provider-aws/lib/data-aws-caller-identity";
import { DataAwsPartition } from "@cdktf/provider-aws/lib/data-aws-partition";
import { DataAwsRegion } from "@cdktf/provider-aws/lib/data-aws-region";
import { TerraformStack } from "cdktf";
import { Construct } from "constructs";

/**
 * One data source of a kind per stack, however many constructs ask: a stack with a hundred jobs
 * reads its region and account once.
 */
function stackSingleton<T extends Construct>(
  scope: Construct,
  id: string,
  create: (stack: TerraformStack, id: string) => T,
): T {
  const stack = TerraformStack.of(scope);
  return (stack.node.tryFindChild(id) as T | undefined) ?? create(stack, id);
}

/** The region of the stack's AWS provider. */
export function providerRegion(scope: Construct): string {
  // The id predates this helper; it stays so existing stacks keep their addresses.
  return stackSingleton(scope, "ScheduledJobProviderRegion", (s, id) => new DataAwsRegion(s, id))
    .region;
}

/** The account the stack's AWS provider works in. */
export function providerAccountId(scope: Construct): string {
  return stackSingleton(scope, "ProviderAccount", (s, id) => new DataAwsCallerIdentity(s, id))
    .accountId;
}

/** The partition (`aws`, `aws-cn`, `aws-us-gov`) of the stack's AWS provider, for ARNs. */
export function providerPartition(scope: Construct): string {
  return stackSingleton(scope, "ProviderPartition", (s, id) => new DataAwsPartition(s, id))
    .partition;
}

/** The partition of a region known at synth time: `aws-cn`, `aws-us-gov`, or `aws`. */
export function partitionOfRegion(region: string): string {
  if (region.startsWith("cn-")) {
    return "aws-cn";
  }
  return region.startsWith("us-gov-") ? "aws-us-gov" : "aws";
}
