/**
 * D1's bookmark (x-d1-bookmark) from the freshest answer of each registry, kept between runs of the command so that
 * `edgereg refs set … && edgereg resolve …` reads its own write on any replica (docs/deploy-at-scale.md).
 * $EDGEREG_BOOKMARKS names the file (`off` keeps none), else $XDG_STATE_HOME/edgereg/bookmarks.json, else
 * ~/.local/state/edgereg/bookmarks.json.
 */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { fresherBookmark } from "../src/domain/consistency";
import { memoryBookmarks, type BookmarkStore } from "../src/client";

type Env = Record<string, string | undefined>;

/** Registries remembered at most; the least recently written go first. */
const MAX_REGISTRIES = 32;

export function bookmarksPath(env: Env = process.env): string | null {
  if (env.EDGEREG_BOOKMARKS === "off") return null;
  if (env.EDGEREG_BOOKMARKS) return env.EDGEREG_BOOKMARKS;
  const base = env.XDG_STATE_HOME || join(env.HOME || homedir(), ".local", "state");
  return join(base, "edgereg", "bookmarks.json");
}

/**
 * The registry's bookmark, read once; each fresher bookmark received is merged into the file at once (two commands
 * running side by side both keep the fresher). A file that cannot be read or written only costs freshness on
 * replicas, never the command.
 */
export function fileBookmarks(path: string | null, registryUrl: string): BookmarkStore {
  if (path === null) return memoryBookmarks();
  const memory = memoryBookmarks(load(path)[registryUrl] ?? null);
  return {
    get: memory.get,
    set(bookmark) {
      memory.set(bookmark);
      try {
        const all = load(path);
        const kept = fresherBookmark(all[registryUrl], bookmark);
        delete all[registryUrl];
        const entries = [...Object.entries(all), [registryUrl, kept] as const].slice(-MAX_REGISTRIES);
        mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
        const temp = `${path}.${process.pid}.tmp`;
        writeFileSync(temp, `${JSON.stringify(Object.fromEntries(entries), null, 2)}\n`, { mode: 0o600 });
        chmodSync(temp, 0o600);
        renameSync(temp, path);
      } catch {
        // Read-your-writes then holds within this run only; the registry still answers strict reads without it.
      }
    },
  };
}

function load(path: string): Record<string, string> {
  try {
    const parsed = JSON.parse(readFileSync(path, "utf8")) as unknown;
    if (!parsed || typeof parsed !== "object" || Array.isArray(parsed)) return {};
    return Object.fromEntries(Object.entries(parsed).filter((entry): entry is [string, string] => typeof entry[1] === "string"));
  } catch {
    return {};
  }
}
