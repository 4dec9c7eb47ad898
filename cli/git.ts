/** Where pushed files came from in git: the commit is worth recording only if it holds them. */
import { spawnSync } from "node:child_process";
import { realpathSync, statSync } from "node:fs";
import { dirname, isAbsolute, relative } from "node:path";

export type GitProvenance =
  | { commit: string; root: string; /** Pushed files that differ from the commit (modified, staged or untracked). */ dirty: string[] }
  | { commit: null; reason: string };

function git(cwd: string, args: string[]): string | null {
  const result = spawnSync("git", args, { cwd, encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
  return result.status === 0 ? result.stdout : null;
}

/**
 * The commit of the repository that contains every one of `paths` (absolute), and which of them it does not
 * describe. Files outside any repository, or spread over several, get no commit: the working directory's HEAD would
 * be a claim about files it never saw. Ignored files (build outputs) count as clean: the commit is what made them.
 */
export function gitProvenance(paths: readonly string[]): GitProvenance {
  if (paths.length === 0) return { commit: null, reason: "no files" };
  const first = paths[0]!;
  const start = statSync(first).isDirectory() ? first : dirname(first);
  const top = git(start, ["rev-parse", "--show-toplevel"])?.trim();
  if (!top) return { commit: null, reason: "the pushed files are not in a git repository" };
  const root = realpathSync(top);
  const outside = paths.find((p) => {
    const rel = relative(root, realpathSync(p));
    return rel.startsWith("..") || isAbsolute(rel);
  });
  if (outside) return { commit: null, reason: `${outside} is outside the git repository at ${root}` };
  const head = git(root, ["rev-parse", "--verify", "-q", "HEAD"])?.trim() ?? "";
  if (!/^[0-9a-f]{40,64}$/.test(head)) return { commit: null, reason: `the git repository at ${root} has no commit yet` };
  const status = git(root, ["status", "--porcelain=v1", "-z", "--untracked-files=all", "--", ...paths.map((p) => realpathSync(p))]) ?? "";
  const entries = status.split("\0");
  const dirty: string[] = [];
  for (let i = 0; i < entries.length; i++) {
    const entry = entries[i]!;
    if (entry.length < 4) continue;
    dirty.push(entry.slice(3));
    if (entry[0] === "R" || entry[0] === "C") i++; // a rename or copy is followed by its source path
  }
  return { commit: head, root, dirty };
}
