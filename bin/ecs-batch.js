#!/usr/bin/env node
// The ecs-batch command: the compiled runner (npm run build, also run by npm ci through prepare).
// eslint-disable-next-line @typescript-eslint/no-require-imports -- a CommonJS bin script
require("../dist/runner/cli.js");
