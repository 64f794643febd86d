import { environments } from "./environments";
import { runEnvironmentsApp } from "./environments/environments-app";

// The cdktf app: two stacks per environment. `<env>` holds its jobs: `cdktf diff prod` and
// `cdktf deploy prod` mean what they say, and that is what a release deploys. `<env>-release`
// holds what grants power (the permissions boundary, the image repositories, the release pipeline
// and deploy roles): an administrator applies it, with `cdktf deploy prod-release`. Every invalid
// input of every environment is reported at once, one line each, and then nothing is synthesized;
// ECS_BATCH_DEBUG=1 stops at the first, with its stack trace.
process.exitCode = runEnvironmentsApp(environments);
