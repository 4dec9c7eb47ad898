// Preloaded with `node --import` by bench/cli-push.mjs: writes the process's peak resident set size (bytes) at exit.
import { writeFileSync } from "node:fs";

const target = process.env.EDGEREG_BENCH_RSS_FILE;
if (target) process.on("exit", () => writeFileSync(target, String(process.resourceUsage().maxRSS * 1024)));
