/** Parsers for flag values; each failure is a UsageError that names the flag. */
import { readFileSync } from "node:fs";
import { UsageError } from "./errors";
import { parseBytes } from "./units";

/** Repeatable flags collect into an array. */
export const collect = (value: string, previous: string[] = []) => [...previous, value];

export function parseTags(pairs: readonly string[] = []): Record<string, string> {
  const tags: Record<string, string> = {};
  for (const pair of pairs) {
    const at = pair.indexOf("=");
    if (at < 1) throw new UsageError(`--tag '${pair}' must be key=value`);
    tags[pair.slice(0, at)] = pair.slice(at + 1);
  }
  return tags;
}

export function readJson(path: string, flag: string): unknown {
  let text: string;
  try {
    text = readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`${flag} ${path}: cannot read the file`);
  }
  try {
    return JSON.parse(text);
  } catch (error) {
    throw new UsageError(`${flag} ${path}: not valid JSON (${(error as Error).message})`);
  }
}

export function readJsonObject(path: string, flag: string): Record<string, unknown> {
  const value = readJson(path, flag);
  if (typeof value !== "object" || value === null || Array.isArray(value)) throw new UsageError(`${flag} ${path}: expected a JSON object`);
  return value as Record<string, unknown>;
}

/** `name`, `name@version`; a digest comes from its own flag. */
export function parseDataset(text: string, digest?: string): { name: string; version?: string; digest?: string } {
  const at = text.lastIndexOf("@");
  const [name, version] = at > 0 ? [text.slice(0, at), text.slice(at + 1)] : [text, undefined];
  if (!name) throw new UsageError(`--dataset '${text}' must be NAME or NAME@VERSION`);
  return { name, ...(version ? { version } : {}), ...(digest ? { digest } : {}) };
}

export function parseSize(flag: string, min: number, max: number) {
  return (text: string): number => {
    const bytes = parseBytes(text);
    if (bytes === null) throw new UsageError(`${flag} '${text}' is not a size such as 64MiB`);
    if (bytes < min || bytes > max) throw new UsageError(`${flag} must be between ${min} and ${max} bytes (5 MiB to 5 GiB)`);
    return bytes;
  };
}

export function parseCount(flag: string, min: number, max: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min || n > max) throw new UsageError(`${flag} must be a whole number from ${min} to ${max}`);
    return n;
  };
}

export function parsePercent(flag: string) {
  return (text: string): number => {
    const n = Number(text.replace(/%$/, ""));
    if (!Number.isFinite(n) || n < 0 || n > 100) throw new UsageError(`${flag} '${text}' must be a percent from 0 to 100`);
    return n;
  };
}

/** "5,50,100" → [5, 50, 100] */
export function parsePercents(flag: string) {
  const one = parsePercent(flag);
  return (text: string): number[] => text.split(",").map((part) => one(part.trim()));
}

/** A version number (7) or a semver (2.1.0), as the registry's body fields take them. */
export function versionRef(text: string): number | string {
  return /^\d+$/.test(text) ? Number(text) : text;
}

/** A file's text, or standard input's when the path is `-`. */
export async function readText(path: string, what: string, stdin: NodeJS.ReadableStream): Promise<string> {
  if (path === "-") {
    let text = "";
    for await (const chunk of stdin) text += chunk.toString();
    return text;
  }
  try {
    return readFileSync(path, "utf8");
  } catch {
    throw new UsageError(`${what} ${path}: cannot read the file`);
  }
}

/** An ISO-8601 time, or a span back from now such as 90s, 15m, 24h, 7d. */
export function parseSince(flag: string, now: () => number = Date.now) {
  return (text: string): string => {
    const span = /^(\d+)([smhd])$/.exec(text);
    if (span) {
      const seconds = { s: 1, m: 60, h: 3600, d: 86400 }[span[2] as "s" | "m" | "h" | "d"];
      return new Date(now() - Number(span[1]) * seconds * 1000).toISOString();
    }
    const at = Date.parse(text);
    if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(at)) throw new UsageError(`${flag} '${text}' must be an ISO-8601 time (2026-05-01T12:00:00Z) or a span such as 24h or 7d`);
    return new Date(at).toISOString();
  };
}
