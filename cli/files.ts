/** Local files: what a push declares, streamed hashing, and the byte ranges that parts are read from. */
import { createHash } from "node:crypto";
import { createReadStream } from "node:fs";
import { readdir, stat } from "node:fs/promises";
import { basename, join, relative, resolve, sep } from "node:path";
import { Readable } from "node:stream";
import { UsageError } from "./errors";

export interface LocalFile {
  /** Where the bytes are on disk. */
  source: string;
  /** The artifact path it is declared as: relative, with "/" separators. */
  path: string;
  size: number;
}

/** Reading in 1 MiB chunks keeps syscalls few while the memory held per stream stays small. */
const CHUNK = 1024 * 1024;

/**
 * A file becomes an artifact named by its base name; a directory contributes every file below it, named by its
 * path relative to the directory. Two files may not claim the same artifact path.
 */
export async function collectFiles(inputs: readonly string[]): Promise<LocalFile[]> {
  if (inputs.length === 0) throw new UsageError("give at least one file or directory to push");
  const files: LocalFile[] = [];
  for (const input of inputs) {
    const info = await stat(input).catch(() => null);
    if (!info) throw new UsageError(`${input}: no such file or directory`);
    if (info.isDirectory()) {
      for (const source of await walk(resolve(input))) {
        files.push({ source, path: relative(resolve(input), source).split(sep).join("/"), size: (await stat(source)).size });
      }
    } else if (info.isFile()) {
      files.push({ source: resolve(input), path: basename(input), size: info.size });
    } else {
      throw new UsageError(`${input}: not a regular file or directory`);
    }
  }
  const seen = new Map<string, string>();
  for (const file of files) {
    const other = seen.get(file.path);
    if (other) throw new UsageError(`${other} and ${file.source} would both be artifact '${file.path}'; push them from one directory`);
    seen.set(file.path, file.source);
  }
  if (files.length === 0) throw new UsageError(`${inputs.join(", ")}: no files to push`);
  return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
}

async function walk(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { withFileTypes: true });
  const found: string[] = [];
  for (const entry of entries) {
    const full = join(dir, entry.name);
    if (entry.isDirectory()) found.push(...(await walk(full)));
    else if (entry.isFile() || (entry.isSymbolicLink() && (await stat(full)).isFile())) found.push(full);
  }
  return found;
}

/** SHA-256 of a file (or of its first `end` bytes) without holding it in memory. */
export async function sha256File(path: string, onBytes?: (n: number) => void, end?: number): Promise<string> {
  const hash = createHash("sha256");
  if (end === 0) return hash.digest("hex");
  for await (const chunk of createReadStream(path, { highWaterMark: CHUNK, end: end === undefined ? undefined : end - 1 })) {
    hash.update(chunk as Buffer);
    onBytes?.((chunk as Buffer).length);
  }
  return hash.digest("hex");
}

/** Bytes [offset, offset + length) of a file as a web stream, counted as they are read. */
export function fileRange(path: string, offset: number, length: number, onBytes?: (n: number) => void): ReadableStream<Uint8Array> {
  const source = length === 0 ? Readable.from([]) : createReadStream(path, { start: offset, end: offset + length - 1, highWaterMark: CHUNK });
  const stream = Readable.toWeb(source) as ReadableStream<Uint8Array>;
  if (!onBytes) return stream;
  // Counted as the request pulls them, so progress follows what was sent rather than what was read ahead.
  return stream.pipeThrough(
    new TransformStream<Uint8Array, Uint8Array>({
      transform(chunk, controller) {
        onBytes(chunk.byteLength);
        controller.enqueue(chunk);
      },
    }),
  );
}

const CONTENT_TYPES: Record<string, string> = {
  json: "application/json",
  txt: "text/plain",
  md: "text/markdown",
  csv: "text/csv",
  yaml: "application/yaml",
  yml: "application/yaml",
};

/** A content type for the few text formats a model directory often holds; the registry defaults the rest. */
export function contentTypeOf(path: string): string | undefined {
  const dot = path.lastIndexOf(".");
  return dot < 0 ? undefined : CONTENT_TYPES[path.slice(dot + 1).toLowerCase()];
}
