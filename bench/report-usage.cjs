// Preloaded by synth-bench.ts into every Node.js process of a bench case, through
// NODE_OPTIONS="--require <this file>". A parent cannot read the peak memory of its
// descendants (Node.js has no getrusage(RUSAGE_CHILDREN)), and the environments case runs the
// real app command (`npx tsx main.ts`: npm, then the tsx CLI, then the app), which does not
// report anything itself. So each process reports its own peak as it exits, on stdout.
//
// Plain CommonJS because it loads before tsx, and into npm's own process too.
"use strict";

// Keep in step with USAGE_MARKER in synth-bench.ts.
const USAGE_MARKER = "@@synth-bench-usage";

process.on("exit", () => {
  const usage = {
    pid: process.pid,
    // Kilobytes (Linux ru_maxrss): this process's own peak resident set, children excluded.
    maxRssKB: process.resourceUsage().maxRSS,
    script: process.argv[1] ?? "",
  };
  // Leading newline: the app's last output line may lack one. Writes to a pipe are synchronous
  // on Linux and macOS, so the line is not lost as the process exits.
  process.stdout.write(`\n${USAGE_MARKER} ${JSON.stringify(usage)}\n`);
});
