// `npm run build:modules`: writes terraform-modules/ (plain Terraform modules, made from the
// constructs) for estates that use Terraform without cdktf. The files are committed; a test fails
// when they differ from what this writes.
import { existsSync, mkdirSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { buildModules, MODULES_DIR } from "./terraform-modules/build";

const root = join(__dirname, "..");
const files = buildModules();

// Generated files of modules that are no longer built; anything else in the folder is left alone.
const modulesDir = join(root, MODULES_DIR);
if (existsSync(modulesDir)) {
  for (const folder of readdirSync(modulesDir, { withFileTypes: true })) {
    for (const file of ["main.tf.json", "README.md"]) {
      const path = `${MODULES_DIR}/${folder.name}/${file}`;
      if (folder.isDirectory() && !files.has(path) && existsSync(join(root, path))) {
        rmSync(join(root, path));
        console.log(`removed ${path}`);
      }
    }
  }
}

for (const [path, content] of files) {
  mkdirSync(dirname(join(root, path)), { recursive: true });
  writeFileSync(join(root, path), content);
  console.log(`wrote ${path}`);
}
