import { IamPolicy } from "@cdktf/provider-aws/lib/iam-policy";
import { IamRole as IamRoleResource } from "@cdktf/provider-aws/lib/iam-role";
import { IamRolePolicyAttachment } from "@cdktf/provider-aws/lib/iam-role-policy-attachment";
import { Construct } from "constructs";
import {
  invalid,
  isUnresolved,
  validateField,
  validateIntegerRange,
} from "../validation/construct-validation";
import { validateIamRoleName } from "../validation/names";
import { IamScope } from "./iam-scope";
import {
  PolicyConditions,
  PolicyDocument,
  renderPolicyDocument,
  validatePolicyDocument,
  validatePolicyJson,
} from "./policy-document";

/**
 * An identity provider whose tokens may be exchanged for the role's credentials
 * (`sts:AssumeRoleWithWebIdentity`), e.g. GitHub Actions' OIDC provider.
 */
export interface FederatedPrincipal {
  /** ARN of the IAM OIDC provider: `arn:aws:iam::ACCOUNT:oidc-provider/HOST`. */
  readonly federated: string;
}

export interface IamRoleProps {
  /** Name of the role, and of its policy, under the scope's name prefix ({@link IamScope}):
   * 1-64 of letters, digits and `+=,.@_-`, prefix included. */
  readonly name: string;
  /**
   * Who may assume the role: the service principal (or principals), e.g.
   * `events.amazonaws.com` or `ecs-tasks.amazonaws.com`; or an OIDC identity provider
   * (`{ federated: providerArn }`), whose tokens are exchanged with
   * `sts:AssumeRoleWithWebIdentity` and which then needs `trustConditions` on the token's claims.
   */
  readonly identifier: string | readonly string[] | FederatedPrincipal;
  /** The role's permissions: a typed {@link PolicyDocument}, or policy JSON text. */
  readonly policy: PolicyDocument | string;
  /** Conditions on the trust policy, e.g. `{ StringEquals: { "aws:SourceAccount": "123456789012" } }`
   * against the confused-deputy problem.
   * @default no conditions */
  readonly trustConditions?: PolicyConditions;
  /** @default no description */
  readonly description?: string;
  /** Longest session, in seconds, that assuming the role gives (3600-43200).
   * @default 3600 (IAM's default) */
  readonly maxSessionDurationSeconds?: number;
  /** IAM path: `/` or `/segment/.../`.
   * @default the scope's path ({@link IamScope}), else "/" */
  readonly path?: string;
  /** ARN of a permissions boundary policy: the role can never do more than it allows.
   * @default the scope's boundary ({@link IamScope}), else no boundary */
  readonly permissionsBoundaryArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

const SERVICE_PRINCIPAL = /^[a-z0-9][a-z0-9.-]*\.amazonaws\.com(\.cn)?$/;
const OIDC_PROVIDER_ARN = /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/[^\s]+$/;

/**
 * An IAM role that one AWS service (or the tokens of one OIDC identity provider) may assume, with
 * one customer managed policy attached: the book's `iam_role` module (role, policy, attachment)
 * with typed policies and validated inputs.
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
    const iam = IamScope.of(this);
    const name = iam.name(props.name);
    const path = props.path ?? iam.path;
    validateField(this, "name", name, validateIamRoleName);
    if (!isUnresolved(name)) {
      const owner = iam.claimRoleName(name, this.node.path);
      if (owner !== undefined) {
        invalid(
          this,
          "name",
          `the role name '${name}' is taken by ${owner} already: IAM role names are unique in an account`,
        );
      }
    }
    const principal = this.trustedPrincipal(props);
    validateIntegerRange(
      this,
      "maxSessionDurationSeconds",
      props.maxSessionDurationSeconds,
      3600,
      43200,
    );
    validateField(this, "path", path, validateIamPath);

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
      name,
      path,
      description: props.description,
      permissionsBoundary: props.permissionsBoundaryArn ?? iam.permissionsBoundaryArn,
      maxSessionDuration: props.maxSessionDurationSeconds,
      assumeRolePolicy: JSON.stringify({
        Version: "2012-10-17",
        Statement: [
          {
            Effect: "Allow",
            Principal: principal.principal,
            Action: principal.action,
            ...(props.trustConditions ? { Condition: props.trustConditions } : {}),
          },
        ],
      }),
      tags,
    });
    this.policyResource = new IamPolicy(this, "Policy", {
      name,
      path,
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

  /** The trust policy's principal and action, after checking the identifier. */
  private trustedPrincipal(props: IamRoleProps): {
    principal: Record<string, unknown>;
    action: string;
  } {
    const identifier = props.identifier;
    if (typeof identifier === "object" && "federated" in identifier) {
      validateField(this, "identifier.federated", identifier.federated, (arn) => {
        if (!OIDC_PROVIDER_ARN.test(arn)) {
          throw new Error(
            `'${arn}' is not an IAM OIDC provider ARN (arn:aws:iam::ACCOUNT:oidc-provider/HOST)`,
          );
        }
      });
      if (props.trustConditions === undefined) {
        invalid(
          this,
          "trustConditions",
          "a federated principal needs conditions on the token's claims (aud, sub): without them every token the provider issues, for any repository or user, may assume the role",
        );
      }
      return {
        principal: { Federated: identifier.federated },
        action: "sts:AssumeRoleWithWebIdentity",
      };
    }
    const identifiers = typeof identifier === "string" ? [identifier] : [...identifier];
    if (identifiers.length === 0) {
      invalid(this, "identifier", "it is empty: name the service principal that assumes the role");
    }
    identifiers.forEach((service) =>
      validateField(this, "identifier", service, (value) => {
        if (!SERVICE_PRINCIPAL.test(value)) {
          throw new Error(
            `'${value}' is not a service principal: write the service's principal, e.g. 'events.amazonaws.com'`,
          );
        }
      }),
    );
    return {
      principal: { Service: identifiers.length === 1 ? identifiers[0] : identifiers },
      action: "sts:AssumeRole",
    };
  }
}

/** Throws unless `path` is an IAM path: `/` or `/segment/.../`, at most 512 characters. */
export function validateIamPath(path: string): void {
  if (!/^\/([\x21-\x7e]+\/)*$/.test(path) || path.length > 512) {
    throw new Error(`'${path}' is not an IAM path: write '/' or '/segment/.../'`);
  }
}
