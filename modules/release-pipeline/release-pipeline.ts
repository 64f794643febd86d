import { CodebuildProject } from "@cdktf/provider-aws/lib/codebuild-project";
import { Codepipeline } from "@cdktf/provider-aws/lib/codepipeline";
import { Construct } from "constructs";
import { IamRole } from "../iam-role/iam-role";
import { PolicyStatement } from "../iam-role/policy-document";
import { JobLogGroup } from "../job-log-group/job-log-group";
import { providerAccountId, providerPartition, providerRegion } from "../stack-context";
import {
  invalid,
  invalidBeyondRepair,
  isUnresolved,
  validateField,
} from "../validation/construct-validation";
import { ArtifactsBucket } from "./artifacts-bucket";
import {
  BUILD_VARIABLES,
  Buildspec,
  releaseBuildspec,
  renderBuildspec,
  TerraformRelease,
  validateTerraformRelease,
} from "./buildspec";
import {
  deployTargetOf,
  imagePushStatements,
  releaseName,
  stackDeployStatements,
  stateAccessStatements,
} from "./deploy-statements";
import {
  validateBranchName,
  validateBucketName,
  validateConnectionArn,
  validateEcrRepositoryArn,
  validateEcrRepositoryUrl,
  validateEnvironmentName,
  validateKmsKeyArn,
  validateRepositoryId,
  validateRepositoryPath,
  validateStateKey,
} from "./release-validation";
import { StackDeployPolicy } from "./stack-deploy-policy";

/** The ECR repository a release pushes the image to; an `EcrRepository` is one. */
export interface ImageRepository {
  readonly repositoryName: string;
  readonly repositoryArn: string;
  /** `<account>.dkr.ecr.<region>.amazonaws.com/<name>` */
  readonly repositoryUrl: string;
}

/** CodeBuild compute types of Linux containers (on-demand). */
export type ReleaseComputeType =
  | "BUILD_GENERAL1_SMALL"
  | "BUILD_GENERAL1_MEDIUM"
  | "BUILD_GENERAL1_LARGE"
  | "BUILD_GENERAL1_XLARGE"
  | "BUILD_GENERAL1_2XLARGE";

const COMPUTE_TYPES: readonly ReleaseComputeType[] = [
  "BUILD_GENERAL1_SMALL",
  "BUILD_GENERAL1_MEDIUM",
  "BUILD_GENERAL1_LARGE",
  "BUILD_GENERAL1_XLARGE",
  "BUILD_GENERAL1_2XLARGE",
];

/** Ubuntu 22.04 with Docker and Node.js 20. */
export const RELEASE_BUILD_IMAGE = "aws/codebuild/standard:7.0";

/** Minutes a release may take: npm ci, an image build, and a Terraform apply. */
const BUILD_TIMEOUT_MINUTES = 60;

export interface ReleasePipelineProps {
  /** The environment released: the stack `cdktf deploy` applies, and the start of every name
   * made here (`<environment>-release`). 1-20 lower-case letters, digits and `-`. */
  readonly environment: string;
  /** ARN of the CodeStar connection (AWS CodeConnections) to the repository's host, made and
   * authorised once in the console: `arn:aws:codestar-connections:REGION:ACCOUNT:connection/ID`. */
  readonly connectionArn: string;
  /** The repository released, `owner/name`, e.g. "example-org/batch-jobs". */
  readonly repository: string;
  /** The branch whose every push is released, e.g. "main". */
  readonly branch: string;
  /** Where the image goes. */
  readonly imageRepository: ImageRepository;
  /** The Dockerfile, relative to the repository root.
   * @default "Dockerfile" */
  readonly dockerfile?: string;
  /** The directory `docker build` sends, relative to the repository root.
   * @default "." */
  readonly buildContext?: string;
  /** The bucket of the environment's Terraform state (the S3 backend's `bucket`). */
  readonly stateBucket: string;
  /** The key of the environment's state object (the S3 backend's `key`), e.g.
   * `ecs-scheduled-batch/prod.tfstate`; its `.tflock` object is the lock. */
  readonly stateKey: string;
  /** The backend's `kms_key_id`, when the state is encrypted with a customer managed key.
   * @default the state is encrypted with an S3 managed key, which needs no grant */
  readonly stateKmsKeyArn?: string;
  /** What applying the environment's stack needs.
   * @default {@link stackDeployStatements} for the environment, in the provider's account and
   * region */
  readonly deployPermissions?: readonly PolicyStatement[];
  /** Days to keep build logs.
   * @default 365 */
  readonly logRetentionDays?: number;
  /** @default "BUILD_GENERAL1_MEDIUM" (7 GB: `cdktf synth` loads the whole AWS provider
   * bindings, more than the 3 GB of SMALL comfortably holds beside a Docker build) */
  readonly computeType?: ReleaseComputeType;
  /** The Terraform the build installs.
   * @default {@link DEFAULT_TERRAFORM} */
  readonly terraform?: TerraformRelease;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/**
 * The release of one environment: every push to `branch` starts a CodePipeline (V2) that takes
 * the commit through a CodeStar connection and runs one CodeBuild project, which builds the
 * image, tags it with the commit's first 7 characters, pushes it to ECR and runs
 * `cdktf deploy <environment> --var image_tag=<tag>`: Terraform registers a new task definition
 * revision with the image, and the next run of each job uses it.
 *
 * Made here: the pipeline and build project (`<environment>-release`), their roles
 * (least privilege, plus the stack's deploy permissions for the build), an encrypted artifact
 * bucket and its key, and the build's log group.
 */
export class ReleasePipeline extends Construct {
  /** The `aws_codepipeline`. */
  readonly resource: Codepipeline;
  /** The `aws_codebuild_project`. */
  readonly project: CodebuildProject;
  readonly artifacts: ArtifactsBucket;
  readonly logGroup: JobLogGroup;
  /** The role the build runs as: pushes the image and applies the stack. */
  readonly buildRole: IamRole;
  /** The role the pipeline runs as. */
  readonly pipelineRole: IamRole;
  /** The stack's deploy permissions, attached to the build role. */
  readonly deployPolicy: StackDeployPolicy;
  /** What the build runs. */
  readonly buildspec: Buildspec;
  readonly pipelineName: string;
  readonly pipelineArn: string;
  readonly projectName: string;

  constructor(scope: Construct, id: string, props: ReleasePipelineProps) {
    super(scope, id);
    this.validateProps(props);
    const name = releaseName(props.environment);
    const tags = props.tags ? { ...props.tags } : undefined;
    const partition = providerPartition(this);
    const account = providerAccountId(this);
    const region = providerRegion(this);
    const projectArn = `arn:${partition}:codebuild:${region}:${account}:project/${name}`;

    this.artifacts = new ArtifactsBucket(this, "Artifacts", {
      namePrefix: name,
      purpose: `the artifacts of release pipeline ${name}`,
      tags,
    });
    this.logGroup = new JobLogGroup(this, "LogGroup", {
      jobName: name,
      logGroupName: `/aws/codebuild/${name}`,
      retentionDays: props.logRetentionDays,
      tags,
    });

    this.buildRole = new IamRole(this, "BuildRole", {
      name: `${name}-codebuild`,
      identifier: "codebuild.amazonaws.com",
      description: `CodeBuild role of release ${name}: builds and pushes the image, deploys the stack`,
      trustConditions: {
        StringEquals: { "aws:SourceAccount": account },
        ArnEquals: { "aws:SourceArn": projectArn },
      },
      policy: {
        statements: [
          {
            sid: "WriteBuildLogs",
            actions: ["logs:CreateLogStream", "logs:PutLogEvents"],
            resources: [`${this.logGroup.logGroupArn}:log-stream:*`],
          },
          // The build clones the commit itself (CODEBUILD_CLONE_REF), through the connection.
          connectionStatement("CloneThroughTheConnection", props.connectionArn),
          ...artifactStatements(this.artifacts),
          ...imagePushStatements(props.imageRepository.repositoryArn),
          ...stateAccessStatements(partition, {
            bucket: props.stateBucket,
            key: props.stateKey,
            kmsKeyArn: props.stateKmsKeyArn,
          }),
        ],
      },
      tags: props.tags,
    });
    this.deployPolicy = new StackDeployPolicy(this, "DeployPolicy", {
      name: `${name}-deploy`,
      roleName: this.buildRole.roleName,
      description: `What release ${name} needs to apply the ${props.environment} stack`,
      statements:
        props.deployPermissions ?? stackDeployStatements(deployTargetOf(this, props.environment)),
      tags: props.tags,
    });

    this.buildspec = releaseBuildspec({
      environment: props.environment,
      dockerfile: props.dockerfile,
      buildContext: props.buildContext,
      terraform: props.terraform,
    });
    this.project = new CodebuildProject(this, "Project", {
      name,
      description: `Builds, pushes and deploys ${props.repository}@${props.branch} to ${props.environment}`,
      serviceRole: this.buildRole.roleArn,
      buildTimeout: BUILD_TIMEOUT_MINUTES,
      encryptionKey: this.artifacts.kmsKeyArn,
      artifacts: { type: "CODEPIPELINE" },
      source: { type: "CODEPIPELINE", buildspec: renderBuildspec(this.buildspec) },
      environment: {
        type: "LINUX_CONTAINER",
        computeType: props.computeType ?? "BUILD_GENERAL1_MEDIUM",
        image: RELEASE_BUILD_IMAGE,
        imagePullCredentialsType: "CODEBUILD",
        // `docker build` needs the Docker daemon, which runs only in a privileged build
        // container. The build runs this repository's code only, from the one branch.
        privilegedMode: true,
        environmentVariable: [
          {
            name: BUILD_VARIABLES.imageRepositoryUrl,
            value: props.imageRepository.repositoryUrl,
            type: "PLAINTEXT",
          },
          {
            name: BUILD_VARIABLES.imageRepositoryName,
            value: props.imageRepository.repositoryName,
            type: "PLAINTEXT",
          },
        ],
      },
      logsConfig: {
        cloudwatchLogs: { status: "ENABLED", groupName: this.logGroup.logGroupName },
        s3Logs: { status: "DISABLED" },
      },
      tags,
    });
    this.projectName = this.project.name;

    this.pipelineRole = new IamRole(this, "PipelineRole", {
      name: `${name}-codepipeline`,
      identifier: "codepipeline.amazonaws.com",
      description: `CodePipeline role of release ${name}: takes the commit, starts the build`,
      trustConditions: { StringEquals: { "aws:SourceAccount": account } },
      policy: {
        statements: [
          connectionStatement("TakeCommitsThroughTheConnection", props.connectionArn),
          {
            sid: "RunTheReleaseBuild",
            actions: ["codebuild:StartBuild", "codebuild:BatchGetBuilds"],
            resources: [this.project.arn],
          },
          ...artifactStatements(this.artifacts),
        ],
      },
      tags: props.tags,
    });

    this.resource = new Codepipeline(this, "Resource", {
      name,
      pipelineType: "V2",
      // A newer commit replaces one waiting to deploy; one deploy at a time.
      executionMode: "SUPERSEDED",
      roleArn: this.pipelineRole.roleArn,
      artifactStore: [
        {
          type: "S3",
          location: this.artifacts.bucketName,
          encryptionKey: { type: "KMS", id: this.artifacts.kmsKeyArn },
        },
      ],
      stage: [
        {
          name: "Source",
          action: [
            {
              name: "Source",
              category: "Source",
              owner: "AWS",
              provider: "CodeStarSourceConnection",
              version: "1",
              outputArtifacts: ["source"],
              configuration: {
                ConnectionArn: props.connectionArn,
                FullRepositoryId: props.repository,
                BranchName: props.branch,
                // A reference to the commit, which the build clones: git metadata stays, and
                // CODEBUILD_RESOLVED_SOURCE_VERSION is the commit hash the image is tagged with.
                OutputArtifactFormat: "CODEBUILD_CLONE_REF",
              },
            },
          ],
        },
        {
          name: "Release",
          action: [
            {
              name: "BuildPushDeploy",
              category: "Build",
              owner: "AWS",
              provider: "CodeBuild",
              version: "1",
              inputArtifacts: ["source"],
              configuration: { ProjectName: this.project.name },
            },
          ],
        },
      ],
      trigger: [
        {
          providerType: "CodeStarSourceConnection",
          gitConfiguration: {
            sourceActionName: "Source",
            push: [{ branches: { includes: [props.branch] } }],
          },
        },
      ],
      tags,
      // A new pipeline starts at once: its roles must have their permissions by then.
      dependsOn: [
        this.buildRole.attachment,
        ...this.deployPolicy.attachments,
        this.pipelineRole.attachment,
      ],
    });
    this.pipelineName = this.resource.name;
    this.pipelineArn = this.resource.arn;
  }

  private validateProps(props: ReleasePipelineProps): void {
    const required = ["environment", "connectionArn", "repository", "branch"] as const;
    for (const field of required) {
      if (props[field] === undefined) {
        invalidBeyondRepair(this, field, "it is missing");
      }
    }
    if (props.connectionArn === "") {
      invalid(
        this,
        "connectionArn",
        "it is empty: create a connection to the repository's host (Developer Tools > Connections), authorise it, and give its ARN",
      );
    }
    validateField(this, "environment", props.environment, validateEnvironmentName);
    validateField(this, "connectionArn", props.connectionArn, validateConnectionArn);
    validateField(this, "repository", props.repository, validateRepositoryId);
    validateField(this, "branch", props.branch, validateBranchName);
    validateField(this, "dockerfile", props.dockerfile, validateRepositoryPath);
    validateField(this, "buildContext", props.buildContext, validateRepositoryPath);
    validateField(
      this,
      "imageRepository.repositoryArn",
      props.imageRepository.repositoryArn,
      validateEcrRepositoryArn,
    );
    validateField(
      this,
      "imageRepository.repositoryUrl",
      props.imageRepository.repositoryUrl,
      validateEcrRepositoryUrl,
    );
    validateField(this, "stateBucket", props.stateBucket, validateBucketName);
    validateField(this, "stateKey", props.stateKey, validateStateKey);
    validateField(this, "stateKmsKeyArn", props.stateKmsKeyArn, validateKmsKeyArn);
    validateField(this, "computeType", props.computeType, (type) => {
      if (!COMPUTE_TYPES.includes(type)) {
        throw new Error(
          `'${type}' is not a compute type of Linux containers: use one of ${COMPUTE_TYPES.join(", ")}`,
        );
      }
    });
    validateField(this, "terraform", props.terraform, validateTerraformRelease);
    if (props.deployPermissions !== undefined && props.deployPermissions.length === 0) {
      invalid(
        this,
        "deployPermissions",
        "it is empty: the build could not apply the stack; leave it out for stackDeployStatements",
      );
    }
  }
}

/**
 * Use of a CodeStar connection. Connections made since the service became AWS CodeConnections
 * have `codeconnections` ARNs, older ones `codestar-connections` ARNs, and IAM matches an action
 * only to a resource of its own service prefix: the action is the one of the ARN's prefix, or both
 * when the ARN is known only at apply time.
 */
function connectionStatement(sid: string, connectionArn: string): PolicyStatement {
  const service = isUnresolved(connectionArn) ? undefined : connectionArn.split(":")[2];
  const actions = ["codestar-connections:UseConnection", "codeconnections:UseConnection"].filter(
    (action) => service === undefined || action.startsWith(`${service}:`),
  );
  return { sid, actions, resources: [connectionArn] };
}

/** Reading and writing pipeline artifacts: the objects of the bucket, under its key. */
function artifactStatements(artifacts: ArtifactsBucket): PolicyStatement[] {
  return [
    {
      sid: "ReadAndWriteArtifacts",
      actions: ["s3:GetObject", "s3:GetObjectVersion", "s3:PutObject"],
      resources: [`${artifacts.bucketArn}/*`],
    },
    {
      sid: "FindTheArtifactsBucket",
      actions: ["s3:GetBucketAcl", "s3:GetBucketLocation", "s3:GetBucketVersioning"],
      resources: [artifacts.bucketArn],
    },
    {
      sid: "EncryptAndDecryptArtifacts",
      actions: ["kms:Decrypt", "kms:GenerateDataKey"],
      resources: [artifacts.kmsKeyArn],
    },
  ];
}
