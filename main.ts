import { App } from "cdktf";
import { skipTokenStackTraces } from "./environments/token-stack-traces";
import {
  EnvironmentStack,
  environments,
  ReleaseStack,
  releaseStackName,
  validateEnvironments,
} from "./environments";

// cdktf records a stack trace for every token it creates, which it only reads to explain a token
// it cannot resolve: formatting them (translated through the source maps tsx turns on) is most
// of a large stack's synth. Off here: source maps, and the token traces (not errors' own stacks;
// see token-stack-traces.ts). SOURCE_MAPS=1 brings both back, with TypeScript lines, for
// debugging.
if (process.env.SOURCE_MAPS !== "1") {
  process.setSourceMapsEnabled(false);
  skipTokenStackTraces();
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
