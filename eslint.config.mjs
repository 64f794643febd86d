import js from "@eslint/js";
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
);
