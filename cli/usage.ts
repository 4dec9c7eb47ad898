import type { Command } from "commander";

/** `usage: edgereg rollout status [options] <name> <ref>` and where the rest is. */
export function usageOf(command: Command): string {
  const path: string[] = [];
  for (let c: Command | null = command; c; c = c.parent) path.unshift(c.name());
  const name = path.join(" ");
  return `usage: ${name} ${command.usage()}\n(${name} --help lists every option)`;
}
