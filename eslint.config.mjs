import js from "@eslint/js";
import { createNodeResolver, importX } from "eslint-plugin-import-x";
import tseslint from "typescript-eslint";

export default tseslint.config(
  {
    ignores: [
      "node_modules/",
      "cdktf.out/",
      "coverage/",
      ".venv/",
      ".venv-scan/",
      ".gen/",
      "dist/",
      "test/event-ruler/harness/target/",
    ],
  },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: {
      globals: {
        require: "readonly",
        module: "writable",
        process: "readonly",
        console: "readonly",
      },
    },
    rules: {
      "@typescript-eslint/no-unused-vars": ["error", { argsIgnorePattern: "^_" }],
      "no-restricted-imports": [
        "error",
        {
          paths: [
            {
              name: "@cdktf/provider-aws",
              message:
                "Import each resource from @cdktf/provider-aws/lib/<resource>: the root import costs seconds and hundreds of MB per synth.",
            },
          ],
        },
      ],
    },
  },
  {
    // The parts depend one way: the library (modules/) and the runner (runner/) share only the run
    // contract (contract/), which depends on neither; the environments use the library; nothing
    // imports the environments but the app and the tests. No import cycle anywhere.
    files: ["**/*.ts"],
    plugins: { "import-x": importX },
    settings: {
      "import-x/extensions": [".ts", ".js"],
      "import-x/parsers": { "@typescript-eslint/parser": [".ts"] },
      "import-x/resolver-next": [createNodeResolver({ extensions: [".ts", ".js", ".json"] })],
    },
    rules: {
      "import-x/no-cycle": ["error", { ignoreExternal: true }],
      "import-x/no-restricted-paths": [
        "error",
        {
          zones: [
            {
              target: "./modules",
              from: ["./runner", "./environments", "./scripts", "./bench", "./test"],
              message: "The library depends on no CLI, app or test: share code through contract/.",
            },
            {
              target: "./runner",
              from: ["./modules", "./environments", "./scripts", "./bench", "./test"],
              message:
                "The runner installs without the library (no @cdktf/provider-aws): share code through contract/.",
            },
            {
              target: "./contract",
              from: ["./modules", "./runner", "./environments", "./scripts", "./bench", "./test"],
              message: "The run contract depends on neither the library nor the runner.",
            },
            {
              target: "./environments",
              from: ["./runner", "./scripts", "./bench", "./test"],
              message: "The environments build on the library only.",
            },
          ],
        },
      ],
    },
  },
);
