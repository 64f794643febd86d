import { failureNotificationModule } from "./failure-notification";
import { jobFailureAlertsModule } from "./job-failure-alerts";
import { terraformJsonText } from "./json-text";
import { moduleReadme } from "./readme";
import { runLedgerModule } from "./run-ledger";
import { scheduledJobModule } from "./scheduled-job";
import { synthesizeModule, TerraformModule } from "./terraform-module";

/** The folder, relative to the repository root, that holds the generated modules. */
export const MODULES_DIR = "terraform-modules";

/** The modules offered to plain Terraform estates. */
export const TERRAFORM_MODULES: readonly TerraformModule[] = [
  scheduledJobModule,
  failureNotificationModule,
  jobFailureAlertsModule,
  runLedgerModule,
];

/** The files of every module, by path relative to the repository root. */
export function buildModules(): Map<string, string> {
  const files = new Map<string, string>();
  for (const module of TERRAFORM_MODULES) {
    const folder = `${MODULES_DIR}/${module.name}`;
    files.set(`${folder}/main.tf.json`, terraformJsonText(synthesizeModule(module)));
    files.set(`${folder}/README.md`, moduleReadme(module));
  }
  return files;
}
