import { CloudwatchLogGroup } from "@cdktf/provider-aws/lib/cloudwatch-log-group";
import { Construct } from "constructs";
import { validateField } from "../validation/construct-validation";
import { validateLogGroupName } from "../validation/names";

/** The retention periods (days) CloudWatch Logs accepts. */
export const LOG_RETENTION_DAYS: readonly number[] = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922, 3288,
  3653,
];

/** Days a job's logs are kept unless told otherwise: a year, as audits of a batch's runs ask for
 * (and the security scan checks, CKV_AWS_338); batch logs are small. */
export const DEFAULT_LOG_RETENTION_DAYS = 365;

/** The log group name a job gets when none is given. */
export function defaultLogGroupName(jobName: string): string {
  return `/ecs-scheduled-tasks/${jobName}`;
}

export interface JobLogGroupProps {
  /** The job whose logs the group holds; names the group by default. */
  readonly jobName: string;
  /** @default `/ecs-scheduled-tasks/<jobName>` */
  readonly logGroupName?: string;
  /** Days to keep the job's logs: one of {@link LOG_RETENTION_DAYS}.
   * @default {@link DEFAULT_LOG_RETENTION_DAYS} (365) */
  readonly retentionDays?: number;
  /** ARN of a KMS key that encrypts the logs; its key policy must allow CloudWatch Logs.
   * @default encrypted with a key owned by CloudWatch Logs */
  readonly kmsKeyArn?: string;
  /** @default no tags beyond the provider's default tags */
  readonly tags?: Readonly<Record<string, string>>;
}

/** The CloudWatch Logs group of a batch job (`aws_cloudwatch_log_group`), with a finite retention. */
export class JobLogGroup extends Construct {
  /** The `aws_cloudwatch_log_group`. */
  readonly resource: CloudwatchLogGroup;
  readonly logGroupName: string;
  readonly logGroupArn: string;

  constructor(scope: Construct, id: string, props: JobLogGroupProps) {
    super(scope, id);
    const name = props.logGroupName ?? defaultLogGroupName(props.jobName);
    validateField(
      this,
      props.logGroupName === undefined ? "jobName" : "logGroupName",
      name,
      validateLogGroupName,
    );
    validateField(this, "retentionDays", props.retentionDays, (days) => {
      if (!LOG_RETENTION_DAYS.includes(days)) {
        throw new Error(
          `${days} is not a retention CloudWatch Logs accepts: use one of ${LOG_RETENTION_DAYS.join(", ")}`,
        );
      }
    });
    validateField(this, "kmsKeyArn", props.kmsKeyArn, (arn) => {
      if (!/^arn:aws[a-z-]*:kms:[a-z0-9-]+:[0-9]{12}:key\/.+$/.test(arn)) {
        throw new Error(
          `'${arn}' is not a KMS key ARN (arn:aws:kms:REGION:ACCOUNT:key/ID); CloudWatch Logs needs the key ARN, not an alias`,
        );
      }
    });

    this.resource = new CloudwatchLogGroup(this, "Resource", {
      name,
      retentionInDays: props.retentionDays ?? DEFAULT_LOG_RETENTION_DAYS,
      kmsKeyId: props.kmsKeyArn,
      tags: props.tags ? { ...props.tags } : undefined,
    });
    this.logGroupName = this.resource.name;
    this.logGroupArn = this.resource.arn;
  }
}
