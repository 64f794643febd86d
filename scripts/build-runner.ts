// `npm run build:runner`: the runner as one file and as a package that installs alone, in
// dist/runner-package/ (see docs/runner-install.md):
//   ecs-batch.cjs            the single file: `node ecs-batch.cjs --help`
//   ecs-batch/               the package directory
//   ecs-batch-<version>.tgz  `npm install -g ./ecs-batch-<version>.tgz`
import { relative } from "node:path";
import { buildRunnerPackage, ROOT } from "./runner-package/build";

buildRunnerPackage().then(
  ({ bundle, tarball }) => {
    console.log(`wrote ${relative(ROOT, bundle)}`);
    console.log(`wrote ${relative(ROOT, tarball)}`);
  },
  (error: unknown) => {
    console.error(error);
    process.exitCode = 1;
  },
);
