import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import { invalid, validateField } from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";
import {
  PolicyConditions,
  PolicyDocument,
  renderPolicyDocument,
  validatePolicyDocument,
  validatePolicyJson,
} from "./policy-document";

export interface IamRoleProps {
  /** Name of the role, and of its policy. 1-64 of letters, digits and `+=,.@_-`. */
  readonly name: string;
  /**
   * The service principal (or principals) allowed to assume the role, e.g.
   * `events.amazonaws.com` or `ecs-tasks.amazonaws.com`.
   */
  readonly identifier: string | readonly string[];
  /** The role's permissions: a typed {@link PolicyDocument}, or policy JSON text. */
  readonly policy: PolicyDocument | string;
  /** Conditions on the trust policy, e.g. `{ StringEquals: { "aws:SourceAccount": "123456789012" } }`
   * against the confused-deputy problem.
   * @default no conditions */
  readonly trustConditions?: PolicyConditions;
  /** @default no description */
  readonly description?: string;
  /** IAM path: `/` or `/segment/.../`.
   * @default "/" */
  readonly path?: string;
  /** ARN of a permissions boundary policy, where the organisation requires one.
   * @default no boundary */
  readonly permissionsBoundaryArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;

/**
 * An IAM role that one AWS service may assume, with one customer managed policy attached: the
 * book's `iam_role` module (role, policy, attachment) with typed policies and validated inputs.
 */
export class IamRole extends Construct {
  /** The `aws_iam_role`. */
  readonly resource: IamRoleResource;
  /** The `aws_iam_policy` holding the role's permissions. */
  readonly policyResource: IamPolicy;
  /** The `aws_iam_role_policy_attachment`. */
  readonly attachment: IamRolePolicyAttachment;
  /** ARN of the role (the book's `iam_role_arn` output). */
  readonly roleArn: string;
  /** Name of the role (the book's `iam_role_name` output). */
  readonly roleName: string;

  constructor(scope: Construct, id: string, props: IamRoleProps) {
    super(scope, id);
    validateField(this, "name", props.name, validateIamRoleName);
    const identifiers =
      typeof props.identifier === "string" ? [props.identifier] : [...props.identifier];
    if (identifiers.length === 0) {
      invalid(this, "identifier", "it is empty: name the service principal that assumes the role");
    }
    identifiers.forEach((identifier) =>
      validateField(this, "identifier", identifier, (value) => {
        if (!SERVICE_PRINCIPAL.test(value)) {
          throw new Error(
            `'${value}' is not a service principal: write the service's principal, e.g. 'events.amazonaws.com'`,
          );
        }
      }),
    );
    validateField(this, "path", props.path, (path) => {
      if (!/^\/([\x21-\x7e]+\/)*$/.test(path) || path.length > 512) {
        throw new Error(`'${path}' is not an IAM path: write '/' or '/segment/.../'`);
      }
    });

    let policyJson: string;
    if (typeof props.policy === "string") {
      validateField(this, "policy", props.policy, validatePolicyJson);
      policyJson = props.policy;
    } else {
      validateField(this, "policy", props.policy, validatePolicyDocument);
      policyJson = renderPolicyDocument(props.policy);
    }

    const tags = props.tags ? { ...props.tags } : undefined;
    this.resource = new IamRoleResource(this, "Resource", {
      name: props.name,
      path: props.path,
      description: props.description,
      permissionsBoundary: props.permissionsBoundaryArn,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: { Service: identifiers.length === 1 ? identifiers[0] : identifiers },
            Action: "sts:AssumeRole",
            ...(props.trustConditions ? { Condition: props.trustConditions } : {}),
          },
        ],
      }),
      tags,
    });
    this.policyResource = new IamPolicy(this, "Policy", {
      name: props.name,
      path: props.path,
      description: props.description,
      policy: policyJson,
      tags,
    });
    this.attachment = new IamRolePolicyAttachment(this, "PolicyAttachment", {
      role: this.resource.name,
      policyArn: this.policyResource.arn,
    });
    this.roleArn = this.resource.arn;
    this.roleName = this.resource.name;
  }
}
