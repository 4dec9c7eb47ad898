/** What every command action gets: output, settings, a client and progress, built from the global flags. */
import type { Writable } from "node:stream";
import type { Command } from "commander";
import { createClient, type BookmarkStore, type EdgeregClient } from "../src/client";
import { version } from "./package.json";
import { bookmarksPath, fileBookmarks } from "./bookmarks";
import { configPath, readConfigFile, resolveSettings, type Settings } from "./config";
import { UsageError } from "./errors";
import { Output } from "./output";
import { createProgress, type Progress } from "./progress";
import { nodeFetch } from "./transport";

export interface GlobalOptions {
  url?: string;
  token?: string;
  json?: boolean;
  quiet?: boolean;
}

export interface Io {
  stdout: Writable & { isTTY?: boolean };
  stderr: Writable & { isTTY?: boolean };
  stdin: NodeJS.ReadableStream;
  env: Record<string, string | undefined>;
  cwd: string;
  /**
   * Runs `handler` on Ctrl-C (or SIGTERM) before the process exits with 130 (143); answers a function that removes it.
   * Absent where there is no process to interrupt (tests calling main()).
   */
  onInterrupt?: (handler: () => void) => () => void;
}

/**
 * The typed client over the CLI's streaming transport. With `bookmarks`, each run starts from the freshest answer
 * of the runs before it ($EDGEREG_BOOKMARK may hand one over from another machine).
 */
export const cliClient = (url: string, token: string, bookmarks?: BookmarkStore, bookmark?: string) =>
  createClient({ url, token, fetch: nodeFetch, headers: { "User-Agent": `edgereg-cli/${version}` }, bookmarks, bookmark });

export class Context {
  readonly out: Output;
  private cachedClient?: EdgeregClient;
  private cachedProgress?: Progress;

  constructor(
    readonly io: Io,
    readonly options: GlobalOptions,
    /** The command being run (absent for contexts built outside commander). */
    readonly command?: Command,
  ) {
    this.out = new Output({ json: Boolean(options.json), quiet: Boolean(options.quiet), stdout: io.stdout, stderr: io.stderr });
  }

  get configPath(): string {
    return configPath(this.io.env);
  }

  settings(): Settings {
    return resolveSettings(this.options, this.io.env, readConfigFile(this.configPath));
  }

  /** A client for commands that need credentials; a missing token is a usage error before any request. */
  client(): EdgeregClient {
    if (!this.cachedClient) {
      const settings = this.settings();
      if (!settings.token) throw new UsageError("no token: pass --token, set EDGEREG_TOKEN, or run edgereg login", { showUsage: false });
      const bookmarks = fileBookmarks(bookmarksPath(this.io.env), settings.url);
      this.cachedClient = cliClient(settings.url, settings.token, bookmarks, this.io.env.EDGEREG_BOOKMARK || undefined);
    }
    return this.cachedClient;
  }

  /** Bars when stderr is a terminal (and --json is off, which usually means a script reads stdout); lines otherwise. */
  progress(): Progress {
    this.cachedProgress ??= createProgress(this.out, Boolean(this.io.stderr.isTTY) && !this.out.json);
    return this.cachedProgress;
  }
}

/** The context for a command action: commander passes (...args, options, command) last. */
export function contextOf(io: Io, command: Command): Context {
  return new Context(io, command.optsWithGlobals<GlobalOptions>(), command);
}
