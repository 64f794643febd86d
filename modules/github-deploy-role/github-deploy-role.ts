import { IamOpenidConnectProvider } from "@cdktf/provider-aws/lib/iam-openid-connect-provider";
import { Construct } from "constructs";
import { IamRole } from "../iam-role/iam-role";
import { PolicyStatement } from "../iam-role/policy-document";
import {
  deployTargetOf,
  GITHUB_OIDC_HOST,
  githubDeployRoleName,
  imagePushStatements,
  stackDeployStatements,
  stateAccessStatements,
} from "../release-pipeline/deploy-statements";
import { ImageRepository } from "../release-pipeline/release-pipeline";
import {
  validateBranchName,
  validateBucketName,
  validateEcrRepositoryArn,
  validateEnvironmentName,
  validateKmsKeyArn,
  validateRepositoryId,
  validateStateKey,
} from "../release-pipeline/release-validation";
import { StackDeployPolicy } from "../release-pipeline/stack-deploy-policy";
import { providerPartition } from "../stack-context";
import { invalid, invalidBeyondRepair, validateField } from "../validation/construct-validation";

/** The audience GitHub Actions puts in tokens for AWS (`aws-actions/configure-aws-credentials`). */
const STS_AUDIENCE = "sts.amazonaws.com";
const OIDC_PROVIDER_ARN =
  /^arn:aws[a-z-]*:iam::[0-9]{12}:oidc-provider\/token\.actions\.githubusercontent\.com$/;

export interface GithubDeployRoleProps {
  /** The environment deployed: the stack the workflow's `cdktf deploy` applies, and the role's
   * name `<environment>-github-deploy`. 1-20 lower-case letters, digits and `-`. */
  readonly environment: string;
  /** The one repository whose workflows may assume the role, `owner/name`, spelt as GitHub
   * spells it (the token's claim is compared case-sensitively). */
  readonly repository: string;
  /** The one branch whose workflow runs may assume the role, e.g. "main". */
  readonly branch: string;
  /** Where the workflow pushes the image; an `EcrRepository` is one. */
  readonly imageRepository: Pick<ImageRepository, "repositoryArn">;
  /** The bucket of the environment's Terraform state (the S3 backend's `bucket`). */
  readonly stateBucket: string;
  /** The key of the environment's state object (the S3 backend's `key`). */
  readonly stateKey: string;
  /** The backend's `kms_key_id`, when the state is encrypted with a customer managed key.
   * @default the state is encrypted with an S3 managed key, which needs no grant */
  readonly stateKmsKeyArn?: string;
  /** ARN of the account's GitHub Actions OIDC provider, when it exists already: an account has
   * one provider per URL, so the second environment of an account names the first one's.
   * @default a provider for `https://token.actions.githubusercontent.com` made here */
  readonly existingProviderArn?: string;
  /** What applying the environment's stack needs.
   * @default {@link stackDeployStatements} for the environment, in the provider's account and
   * region */
  readonly deployPermissions?: readonly PolicyStatement[];
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The role a GitHub Actions workflow assumes to release one environment, the alternative to a
 * {@link ReleasePipeline}: the account's OIDC provider for GitHub's tokens (unless it exists), and
 * a role that only runs of one branch of one repository may assume, for an hour, with the same
 * permissions as the pipeline's build: push the image, read and write the state, apply the stack.
 */
export class GithubDeployRole extends Construct {
  /** The role. */
  readonly role: IamRole;
  /** The OIDC provider, unless `existingProviderArn` was given. */
  readonly provider?: IamOpenidConnectProvider;
  /** The stack's deploy permissions, attached to the role. */
  readonly deployPolicy: StackDeployPolicy;
  /** What the workflow gives `aws-actions/configure-aws-credentials` as `role-to-assume`. */
  readonly roleArn: string;
  readonly providerArn: string;

  constructor(scope: Construct, id: string, props: GithubDeployRoleProps) {
    super(scope, id);
    this.validateProps(props);
    const name = githubDeployRoleName(props.environment);
    const tags = props.tags ? { ...props.tags } : undefined;

    if (props.existingProviderArn !== undefined) {
      this.providerArn = props.existingProviderArn;
    } else {
      // No thumbprint_list: IAM trusts GitHub's certificate through its own root CAs and ignores
      // thumbprints for this host, and provider 6 no longer requires them.
      this.provider = new IamOpenidConnectProvider(this, "Provider", {
        url: `https://${GITHUB_OIDC_HOST}`,
        clientIdList: [STS_AUDIENCE],
        tags,
      });
      this.providerArn = this.provider.arn;
    }

    this.role = new IamRole(this, "Resource", {
      name,
      identifier: { federated: this.providerArn },
      trustConditions: {
        // Exactly one repository and branch: no pattern, no pull request, no other event.
        StringEquals: {
          [`${GITHUB_OIDC_HOST}:aud`]: STS_AUDIENCE,
          [`${GITHUB_OIDC_HOST}:sub`]: `repo:${props.repository}:ref:refs/heads/${props.branch}`,
        },
      },
      maxSessionDurationSeconds: 3600,
      description: `GitHub Actions role: ${props.repository}@${props.branch} releases ${props.environment}`,
      policy: {
        statements: [
          ...imagePushStatements(props.imageRepository.repositoryArn),
          ...stateAccessStatements(providerPartition(this), {
            bucket: props.stateBucket,
            key: props.stateKey,
            kmsKeyArn: props.stateKmsKeyArn,
          }),
        ],
      },
      tags: props.tags,
    });
    this.roleArn = this.role.roleArn;
    this.deployPolicy = new StackDeployPolicy(this, "DeployPolicy", {
      name: `${name}-stack`,
      roleName: this.role.roleName,
      description: `What GitHub Actions needs to apply the ${props.environment} stack`,
      statements:
        props.deployPermissions ?? stackDeployStatements(deployTargetOf(this, props.environment)),
      tags: props.tags,
    });
  }

  private validateProps(props: GithubDeployRoleProps): void {
    for (const field of ["environment", "repository", "branch"] as const) {
      if (props[field] === undefined) {
        invalidBeyondRepair(this, field, "it is missing");
      }
    }
    validateField(this, "environment", props.environment, validateEnvironmentName);
    validateField(this, "repository", props.repository, validateRepositoryId);
    validateField(this, "branch", props.branch, validateBranchName);
    validateField(
      this,
      "imageRepository.repositoryArn",
      props.imageRepository.repositoryArn,
      validateEcrRepositoryArn,
    );
    validateField(this, "stateBucket", props.stateBucket, validateBucketName);
    validateField(this, "stateKey", props.stateKey, validateStateKey);
    validateField(this, "stateKmsKeyArn", props.stateKmsKeyArn, validateKmsKeyArn);
    validateField(this, "existingProviderArn", props.existingProviderArn, (arn) => {
      if (!OIDC_PROVIDER_ARN.test(arn)) {
        throw new Error(
          `'${arn}' is not the ARN of a GitHub Actions OIDC provider (arn:aws:iam::ACCOUNT:oidc-provider/${GITHUB_OIDC_HOST})`,
        );
      }
    });
    if (props.deployPermissions !== undefined && props.deployPermissions.length === 0) {
      invalid(
        this,
        "deployPermissions",
        "it is empty: the workflow could not apply the stack; leave it out for stackDeployStatements",
      );
    }
  }
}
