import { App } from "cdktf";
import {
  EnvironmentStack,
  environments,
  ReleaseStack,
  releaseStackName,
  validateEnvironments,
} from "./environments";

// cdktf records a stack trace for every token it creates; with the source maps tsx turns on,
// translating those traces takes a fifth of a large stack's synth (1000 jobs: 9.8 s -> 7.6 s).
// Validation errors name the construct path and field, not a line; SOURCE_MAPS=1 brings the
// TypeScript lines back for debugging.
if (process.env.SOURCE_MAPS !== "1") {
  process.setSourceMapsEnabled(false);
}

// Two stacks per environment. `<env>` holds its jobs: `cdktf diff prod` and `cdktf deploy prod`
// mean what they say, and that is what a release deploys. `<env>-release` holds what grants power
// (the permissions boundary, the image repositories, the release pipeline and deploy roles): an
// administrator applies it, with `cdktf deploy prod-release`.
validateEnvironments(environments);
const app = new App();
for (const config of environments) {
  new ReleaseStack(app, releaseStackName(config.name), { config });
  new EnvironmentStack(app, config.name, { config });
}
app.synth();
