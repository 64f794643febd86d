import { existsSync, readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { MODULES_DIR } from "../../scripts/terraform-modules/build";
import { generatedFiles } from "./generated-modules";

const root = join(__dirname, "..", "..");
const FIX = "run npm run build:modules and commit terraform-modules/";

describe("terraform-modules/ in the repository", () => {
  it.each([...generatedFiles.keys()])("%s is what npm run build:modules writes now", (path) => {
    const onDisk = existsSync(join(root, path)) ? readFileSync(join(root, path), "utf8") : "";
    if (onDisk !== generatedFiles.get(path)) {
      throw new Error(`${path} is not what the constructs generate now: ${FIX}`);
    }
  });

  it("holds no generated module that is no longer built", () => {
    const stale = readdirSync(join(root, MODULES_DIR), { withFileTypes: true })
      .filter((entry) => entry.isDirectory())
      .flatMap((entry) =>
        ["main.tf.json", "README.md"].map((file) => `${MODULES_DIR}/${entry.name}/${file}`),
      )
      .filter((path) => existsSync(join(root, path)) && !generatedFiles.has(path));
    if (stale.length > 0) {
      throw new Error(`${stale.join(", ")} are not generated any more: ${FIX}`);
    }
  });
});
