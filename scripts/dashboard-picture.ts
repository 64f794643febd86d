// `npm run dashboard:picture`: draws docs/dashboards/dev.svg, the layout of dev's run dashboard,
// from the body of the dashboard the dev stack synthesizes. The picture is committed; a test fails
// when it differs from what this draws.
import { mkdirSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { dev } from "../environments/dev";
import { dashboardPicture } from "./dashboard-docs/environment-dashboard";

const { path, svg } = dashboardPicture(dev);
const file = join(__dirname, "..", path);
mkdirSync(dirname(file), { recursive: true });
writeFileSync(file, svg);
console.log(`wrote ${path}`);
