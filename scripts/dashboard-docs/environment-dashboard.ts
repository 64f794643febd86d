import { Testing } from "cdktf";
import { EnvironmentConfig } from "../../environments/environment-config";
import { EnvironmentStack } from "../../environments/environment-stack";
import { dashboardSvg } from "./dashboard-svg";

/** Where `npm run dashboard:picture` writes the pictures, from the repository's root. */
export const DASHBOARDS_DIR = "docs/dashboards";

/** A synthesized dashboard: its name and its body as Terraform gets it. */
export interface SynthesizedDashboard {
  readonly name: string;
  readonly body: string;
}

/** The run dashboard of an environment, as its stack synthesizes it. */
export function environmentDashboard(config: EnvironmentConfig): SynthesizedDashboard {
  const stack = new EnvironmentStack(Testing.app(), config.name, { config });
  const json = JSON.parse(Testing.synth(stack)) as {
    resource?: { aws_cloudwatch_dashboard?: Record<string, Record<string, string>> };
  };
  const dashboards = Object.values(json.resource?.aws_cloudwatch_dashboard ?? {});
  if (dashboards.length !== 1) {
    throw new Error(`${config.name} has ${dashboards.length} dashboards, expected one`);
  }
  return { name: dashboards[0].dashboard_name, body: dashboards[0].dashboard_body };
}

/** The picture of an environment's run dashboard: its path from the root, and the SVG. */
export function dashboardPicture(config: EnvironmentConfig): { path: string; svg: string } {
  const { name, body } = environmentDashboard(config);
  return {
    path: `${DASHBOARDS_DIR}/${config.name}.svg`,
    svg: dashboardSvg(body, `Layout of the CloudWatch dashboard ${name} (${config.name})`),
  };
}
