import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import {
  PolicyStatement,
  renderPolicyDocument,
  validatePolicyDocument,
} from "../iam-role/policy-document";
import { IamScope } from "../iam-role/iam-scope";
import { invalid, validateField } from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";

/** The most characters, white space aside, that IAM accepts in one managed policy. */
export const MANAGED_POLICY_MAX_CHARACTERS = 6144;

export interface StackDeployPolicyProps {
  /** Name of the (first) policy, under the scope's name prefix ({@link IamScope}); further ones
   * are `<name>-2`, `<name>-3`, ... 1-62 of letters, digits and `+=,.@_-`. */
  readonly name: string;
  /** The role that deploys, which the policies are attached to. */
  readonly roleName: string;
  /** What deploying the stack needs, e.g. {@link stackDeployStatements}. */
  readonly statements: readonly PolicyStatement[];
  /** @default no description */
  readonly description?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The permissions to apply a stack, as managed policies of their own attached to the deploying
 * role. Applying a whole stack takes more than the 6,144 characters IAM allows one managed
 * policy, so the statements are split, in order, over as few policies as hold them. A policy's
 * size is measured with references unresolved, which are longer than the account, region and
 * partition they stand for, so a policy never grows past the limit when Terraform resolves them.
 */
export class StackDeployPolicy extends Construct {
  /** The first `aws_iam_policy`. */
  readonly resource: IamPolicy;
  /** Every `aws_iam_policy`, in order. */
  readonly policies: readonly IamPolicy[];
  /** The `aws_iam_role_policy_attachment`s: depend on them to act with the permissions. */
  readonly attachments: readonly IamRolePolicyAttachment[];

  constructor(scope: Construct, id: string, props: StackDeployPolicyProps) {
    super(scope, id);
    const iam = IamScope.of(this);
    const name = iam.name(props.name);
    validateField(this, "name", name, (value) => validateIamRoleName(`${value}-9`));
    validateField(this, "statements", { statements: props.statements }, validatePolicyDocument);
    const tags = props.tags ? { ...props.tags } : undefined;
    const policies: IamPolicy[] = [];
    const attachments: IamRolePolicyAttachment[] = [];
    const groups = splitBySize(props.statements, MANAGED_POLICY_MAX_CHARACTERS);
    const tooLarge = groups.find((group) => policySize(group) > MANAGED_POLICY_MAX_CHARACTERS);
    if (tooLarge) {
      invalid(
        this,
        "statements",
        `statement ${tooLarge[0].sid ?? props.statements.indexOf(tooLarge[0])} alone makes a policy of ${policySize(tooLarge)} characters, more than the ${MANAGED_POLICY_MAX_CHARACTERS} IAM allows: split it`,
      );
    }
    groups.forEach((statements, index) => {
      const suffix = index === 0 ? "" : `${index + 1}`;
      const policy = new IamPolicy(this, `Resource${suffix}`, {
        name: index === 0 ? name : `${name}-${suffix}`,
        path: iam.path,
        description: props.description,
        policy: renderPolicyDocument({ statements }),
        tags,
      });
      policies.push(policy);
      attachments.push(
        new IamRolePolicyAttachment(this, `Attachment${suffix}`, {
          role: props.roleName,
          policyArn: policy.arn,
        }),
      );
    });
    this.policies = policies;
    this.attachments = attachments;
    this.resource = policies[0];
  }
}

/** Characters IAM counts in a policy: all but white space. */
export function policySize(statements: readonly PolicyStatement[]): number {
  return renderPolicyDocument({ statements }).replace(/\s/g, "").length;
}

/** The statements, in order, in as few groups as keep each group's policy within `limit`. */
function splitBySize(statements: readonly PolicyStatement[], limit: number): PolicyStatement[][] {
  const groups: PolicyStatement[][] = [[]];
  for (const statement of statements) {
    const current = groups[groups.length - 1];
    if (current.length > 0 && policySize([...current, statement]) > limit) {
      groups.push([statement]);
    } else {
      current.push(statement);
    }
  }
  return groups;
}
