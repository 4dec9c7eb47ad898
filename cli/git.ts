import { spawnSync } from "node:child_process";

/** The commit checked out in `cwd`, or null outside a git repository (or without git). */
export function gitHead(cwd: string = process.cwd()): string | null {
  const result = spawnSync("git", ["rev-parse", "HEAD"], { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  const head = result.status === 0 ? result.stdout.trim() : "";
  return /^[0-9a-f]{40,64}$/.test(head) ? head : null;
}
