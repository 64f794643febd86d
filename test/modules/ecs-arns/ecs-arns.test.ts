import { TerraformOutput, TerraformVariable } from "cdktf";
import { familyArnPrefix } from "../../../modules/ecs-arns";
import { emptyStack, synthesize } from "../../synth";

const CLUSTER = "arn:aws:ecs:ap-northeast-1:123456789012:cluster/batch";

describe("familyArnPrefix", () => {
  describe("of a literal cluster ARN", () => {
    it("is the family's task definition ARN in the cluster's region and account, up to the revision", () => {
      expect(familyArnPrefix(emptyStack(), CLUSTER, "example-batch")).toBe(
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:",
      );
    });

    it("keeps the cluster's partition", () => {
      expect(
        familyArnPrefix(
          emptyStack(),
          "arn:aws-cn:ecs:cn-north-1:123456789012:cluster/batch",
          "report",
        ),
      ).toBe("arn:aws-cn:ecs:cn-north-1:123456789012:task-definition/report:");
    });

    it("ends with ':' so that no other family that starts with this one's name has the prefix", () => {
      const prefix = familyArnPrefix(emptyStack(), CLUSTER, "report");
      expect(
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/report:12".startsWith(prefix),
      ).toBe(true);
      expect(
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/report-cleanup:1".startsWith(
          prefix,
        ),
      ).toBe(false);
    });

    it("makes no Terraform local", () => {
      const { json } = synthesize((scope) => {
        new TerraformOutput(scope, "prefix", {
          value: familyArnPrefix(scope, CLUSTER, "example-batch"),
        });
      });
      expect(json.locals).toBeUndefined();
      expect(json.output?.prefix.value).toBe(
        "arn:aws:ecs:ap-northeast-1:123456789012:task-definition/example-batch:",
      );
    });
  });

  describe("of a cluster ARN known only at apply time", () => {
    const { json } = synthesize((scope) => {
      const cluster = new TerraformVariable(scope, "cluster_arn", { type: "string" }).stringValue;
      new TerraformOutput(scope, "prefix", {
        value: familyArnPrefix(scope, cluster, "example-batch"),
      });
    });
    const expression = json.locals?.TaskDefinitionArnPrefix as string;

    it("is a reference to one Terraform local that replaces the cluster part of the ARN", () => {
      expect(json.locals).toEqual({
        TaskDefinitionArnPrefix:
          '${replace(var.cluster_arn, "/:cluster/.*$/", ":task-definition/")}example-batch:',
      });
      expect(json.output?.prefix.value).toBe("${local.TaskDefinitionArnPrefix}");
    });

    it("gives what a literal ARN gives, once Terraform fills in the cluster", () => {
      const [, pattern, replacement] =
        /^\$\{replace\(var\.cluster_arn, "\/(.*)\/", "(.*)"\)\}/.exec(expression)!;
      const rendered = expression.replace(
        /^\$\{[^}]*\}/,
        CLUSTER.replace(new RegExp(pattern), replacement),
      );
      expect(rendered).toBe(familyArnPrefix(emptyStack(), CLUSTER, "example-batch"));
    });
  });

  it("uses a local for a family known only at apply time, under the id it is given", () => {
    const { json } = synthesize((scope) => {
      const family = new TerraformVariable(scope, "family", { type: "string" }).stringValue;
      new TerraformOutput(scope, "prefix", {
        value: familyArnPrefix(scope, CLUSTER, family, "ReportArnPrefix"),
      });
    });
    expect(json.locals).toEqual({
      ReportArnPrefix: `\${replace("${CLUSTER}", "/:cluster/.*$/", ":task-definition/")}\${var.family}:`,
    });
    expect(json.output?.prefix.value).toBe("${local.ReportArnPrefix}");
  });
});
