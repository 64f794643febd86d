import { TerraformOutput, TerraformStack } from "cdktf";
import { Construct } from "constructs";
import { EcrRepository } from "../modules/ecr-repository/ecr-repository";
import { GithubDeployRole } from "../modules/github-deploy-role/github-deploy-role";
import { IamScope } from "../modules/iam-role/iam-scope";
import { PolicyStatement } from "../modules/iam-role/policy-document";
import {
  environmentIamNamePrefix,
  permissionsBoundaryName,
  RELEASE_IAM_PATH,
  RELEASE_TAG_KEY,
} from "../modules/permissions-boundary/environment-iam";
import { PermissionsBoundary } from "../modules/permissions-boundary/permissions-boundary";
import { DeployTarget, stackDeployStatements } from "../modules/release-pipeline/deploy-statements";
import { ReleasePipeline } from "../modules/release-pipeline/release-pipeline";
import { partitionOfRegion } from "../modules/stack-context";
import { EnvironmentConfig, externalTaskRoleArns } from "./environment-config";
import { checkStackConfig, EnvironmentConfigError } from "./environment-validation";
import { releaseBranch } from "./release-rules";
import { addEnvironmentBackend, addEnvironmentProvider, stateKey } from "./stack-setup";

/** The id of an environment's release stack: `cdktf deploy <environment>-release`. */
export function releaseStackName(environment: string): string {
  return `${environment}-release`;
}

export interface ReleaseStackProps {
  readonly config: EnvironmentConfig;
}

/**
 * What grants power in an environment, apart from what its releases deploy (as `cdk bootstrap`
 * sets AWS CDK's deploy roles apart from the apps they deploy). An administrator applies it once,
 * and again whenever it changes; a release never can:
 *
 * - the permissions boundary every role of the environment carries (`<env>-permissions-boundary`);
 * - the image repositories of `images`, which releases push to;
 * - with `release`, the CodePipeline and its build, whose role deploys the jobs stack;
 * - with `githubActions`, the role GitHub Actions deploys the jobs stack with, and the account's
 *   GitHub OIDC provider.
 *
 * Its roles and policies live at the IAM path `/ecs-batch-release/`, out of reach of the deploy
 * permissions, which reach only `role/<env>-*` and `policy/<env>-*` and deny the path besides.
 */
export class ReleaseStack extends TerraformStack {
  readonly config: EnvironmentConfig;
  /** What the release deploys: the environment's jobs stack, in its account and region. */
  readonly target: DeployTarget;
  readonly boundary: PermissionsBoundary;
  /** The ECR repositories of the config's `images`, by name. */
  readonly images: Readonly<Record<string, EcrRepository>>;
  /** With `release`: the CodePipeline that deploys the jobs stack. */
  readonly releasePipeline?: ReleasePipeline;
  /** With `githubActions`: the role GitHub Actions deploys the jobs stack with. */
  readonly githubDeployRole?: GithubDeployRole;

  constructor(scope: Construct, id: string, props: ReleaseStackProps) {
    super(scope, id);
    const config = props.config;
    checkStackConfig(this, config);
    if (id !== releaseStackName(config.name)) {
      throw new EnvironmentConfigError(
        config.name,
        "name",
        `the release stack id '${id}' differs: create it with the id '${releaseStackName(config.name)}'`,
      );
    }
    this.config = config;
    IamScope.of(this).apply({ path: RELEASE_IAM_PATH });
    // The tag marks what a deployer may not touch where names are random (the artifacts key).
    addEnvironmentProvider(this, config, { [RELEASE_TAG_KEY]: config.name });
    addEnvironmentBackend(this, config, id);

    // Written from the config, not read from the provider: the policies that grant power read as
    // plain ARNs in every plan, and the stack's provider refuses any other account anyway.
    this.target = {
      environment: config.name,
      partition: partitionOfRegion(config.region),
      accountId: config.accountId,
      region: config.region,
      externalTaskRoleArns: externalTaskRoleArns(config),
    };
    this.boundary = new PermissionsBoundary(this, "PermissionsBoundary", {
      ...this.target,
      name: permissionsBoundaryName(config.name),
      description: `The most any role of environment ${config.name} may do: what its jobs, schedules, workflows, notices and runner need; no IAM changes`,
      roleNamePrefix: environmentIamNamePrefix(config.name),
    });
    new TerraformOutput(this, "permissions-boundary-arn", {
      value: this.boundary.policyArn,
      description: `Permissions boundary of every role of ${config.name}; give it to the role that runs ecs-batch too`,
    });

    this.images = Object.fromEntries(
      Object.entries(config.images ?? {}).map(([name, image]) => [
        name,
        new EcrRepository(this, `Image-${name}`, {
          repositoryName: name,
          keepImages: image.keepImages,
        }),
      ]),
    );
    for (const [name, repository] of Object.entries(this.images)) {
      new TerraformOutput(this, `image-${name}-repository-url`, {
        value: repository.repositoryUrl,
        description: `ECR repository ${name}: push release images here`,
      });
    }

    const deployPermissions = stackDeployStatements(this.target);
    ({ pipeline: this.releasePipeline, githubRole: this.githubDeployRole } = this.addRelease(
      config,
      deployPermissions,
    ));
  }

  /** The release pipeline or GitHub Actions role that deploys the jobs stack with a new image. */
  private addRelease(
    config: EnvironmentConfig,
    deployPermissions: readonly PolicyStatement[],
  ): { pipeline?: ReleasePipeline; githubRole?: GithubDeployRole } {
    const s3 = config.backend.s3;
    const state = s3 && {
      stateBucket: s3.bucket,
      // The jobs stack's state: the release deploys that stack, never this one.
      stateKey: stateKey(config, config.name),
      // A key ARN (not an alias or id) scopes the deployer's KMS grant.
      stateKmsKeyArn: s3.kmsKeyId?.startsWith("arn:") ? s3.kmsKeyId : undefined,
      deployPermissions,
    };
    let pipeline: ReleasePipeline | undefined;
    let githubRole: GithubDeployRole | undefined;
    if (config.release && state) {
      pipeline = new ReleasePipeline(this, "Release", {
        ...state,
        environment: config.name,
        connectionArn: config.release.connectionArn,
        repository: config.release.repository,
        branch: releaseBranch(config)!,
        imageRepository: this.images[config.release.imageRepository],
        dockerfile: config.release.dockerfile,
        buildContext: config.release.buildContext,
      });
      new TerraformOutput(this, "release-pipeline-name", {
        value: pipeline.pipelineName,
        description: `CodePipeline that releases branch ${releaseBranch(config)} to ${config.name}`,
      });
    }
    if (config.githubActions && state) {
      githubRole = new GithubDeployRole(this, "GithubDeployRole", {
        ...state,
        environment: config.name,
        repository: config.githubActions.repository,
        branch: config.githubActions.branch,
        imageRepository: this.images[config.githubActions.imageRepository],
        existingProviderArn: config.githubActions.existingProviderArn,
      });
      new TerraformOutput(this, "github-deploy-role-arn", {
        value: githubRole.roleArn,
        description: `Role for GitHub Actions of ${config.githubActions.repository}@${config.githubActions.branch}: role-to-assume`,
      });
    }
    return { pipeline, githubRole };
  }
}
