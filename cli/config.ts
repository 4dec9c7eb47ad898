/** Where the command finds the registry and its token: flags, then environment, then the file `edgereg login` wrote. */
import { chmodSync, mkdirSync, readFileSync, renameSync, writeFileSync } from "node:fs";
import { homedir } from "node:os";
import { dirname, join } from "node:path";
import { UsageError } from "./errors";

export interface Settings {
  url: string;
  token?: string;
}

export interface ConfigFile {
  url?: string;
  token?: string;
}

type Env = Record<string, string | undefined>;

/** $EDGEREG_CONFIG, else $XDG_CONFIG_HOME/edgereg/config.json, else ~/.config/edgereg/config.json. */
export function configPath(env: Env = process.env): string {
  if (env.EDGEREG_CONFIG) return env.EDGEREG_CONFIG;
  const base = env.XDG_CONFIG_HOME || join(env.HOME || homedir(), ".config");
  return join(base, "edgereg", "config.json");
}

export function readConfigFile(path: string): ConfigFile {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return {};
    throw error;
  }
  try {
    const parsed = JSON.parse(text) as ConfigFile;
    return { url: parsed.url, token: parsed.token };
  } catch {
    throw new UsageError(`${path} is not valid JSON; run edgereg login again`, { showUsage: false });
  }
}

/** The token is a secret: the file is readable by its owner only, whatever mode an older file had. */
export function writeConfigFile(path: string, config: ConfigFile): void {
  mkdirSync(dirname(path), { recursive: true, mode: 0o700 });
  const temp = `${path}.${process.pid}.tmp`;
  writeFileSync(temp, `${JSON.stringify(config, null, 2)}\n`, { mode: 0o600 });
  chmodSync(temp, 0o600);
  renameSync(temp, path);
}

export function resolveSettings(flags: { url?: string; token?: string }, env: Env, file: ConfigFile): Settings {
  const url = flags.url ?? env.EDGEREG_URL ?? file.url;
  if (!url) throw new UsageError("no registry URL: pass --url, set EDGEREG_URL, or run edgereg login", { showUsage: false });
  return { url: checkUrl(url), token: flags.token ?? env.EDGEREG_TOKEN ?? file.token };
}

export function checkUrl(url: string): string {
  let parsed: URL;
  try {
    parsed = new URL(url);
  } catch {
    throw new UsageError(`'${url}' is not a URL; give the registry's origin, e.g. https://edgereg.example.workers.dev`, { showUsage: false });
  }
  if (parsed.protocol !== "https:" && parsed.protocol !== "http:") throw new UsageError(`'${url}' must be an http(s) URL`, { showUsage: false });
  return parsed.origin + parsed.pathname.replace(/\/+$/, "");
}
