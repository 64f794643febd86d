import { App } from "cdktf";
import { EnvironmentStack, environments } from "./environments";

// One stack per environment, named after it: `cdktf diff prod` and `cdktf deploy prod` mean what they say.
const app = new App();
for (const config of environments) {
  new EnvironmentStack(app, config.name, { config });
}
app.synth();
