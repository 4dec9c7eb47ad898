/**
 * `edgereg pull`: resolve a reference, download its artifacts into a directory and verify each sha256. Bytes
 * land in `<file>.partial` first and are renamed only once verified; an interrupted pull continues a partial
 * file with a Range request (If-Range on the sha256, so changed bytes are never spliced together).
 */
import { createHash, type Hash } from "node:crypto";
import { createReadStream, createWriteStream } from "node:fs";
import { mkdir, rename, rm, stat, truncate } from "node:fs/promises";
import { dirname, relative, resolve, sep } from "node:path";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { Artifact, EdgeregClient, Resolution } from "../src/client";
import { IntegrityError, UsageError } from "./errors";
import { sha256File } from "./files";
import { limiter, settleAll } from "./limit";
import type { Progress } from "./progress";
import { withRetry } from "./retry";

export interface PullContext {
  client: EdgeregClient;
  progress: Progress;
}

export interface PullOptions {
  dir: string;
  concurrency: number;
  /** Routing key for a ref under a rollout; the registry uses the caller's address without one. */
  key?: string;
}

export interface PulledArtifact {
  path: string;
  file: string;
  size: number;
  sha256: string;
  /** `downloaded`, `resumed` from a partial file, or `unchanged` when a verified copy was already there. */
  outcome: "downloaded" | "resumed" | "unchanged";
}

export interface PullReport {
  reference: string;
  model: string;
  version: number;
  semver: string;
  ref: string | null;
  arm: "stable" | "candidate" | null;
  artifacts: PulledArtifact[];
}

/** `models:/…` as given; `NAME/Production`, `NAME@alias`, `NAME/7` are short for it. */
export const toReference = (text: string) => (text.startsWith("models:/") ? text : `models:/${text}`);

export async function pull(ctx: PullContext, reference: string, options: PullOptions): Promise<PullReport> {
  const resolved = await withRetry(() => ctx.client.GET("/v1/resolve", { params: { query: { ref: toReference(reference), key: options.key } } }));
  const wanted = resolved.artifact ? [resolved.artifact] : resolved.artifacts;
  ctx.progress.note(`${resolved.reference} → ${resolved.model} version ${resolved.number} (${resolved.semver})${resolved.arm ? `, ${resolved.arm} arm` : ""}`);
  const run = limiter(options.concurrency);
  const artifacts = await settleAll(wanted.map((artifact) => run(() => fetchArtifact(ctx, resolved, artifact, options.dir))));
  return {
    reference: resolved.reference,
    model: resolved.model,
    version: resolved.number,
    semver: resolved.semver,
    ref: resolved.ref,
    arm: resolved.arm,
    artifacts,
  };
}

async function fetchArtifact(ctx: PullContext, version: Resolution, artifact: Artifact, dir: string): Promise<PulledArtifact> {
  const file = destination(dir, artifact.path);
  const partial = `${file}.partial`;
  const report = (outcome: PulledArtifact["outcome"]): PulledArtifact => ({ path: artifact.path, file, size: artifact.size, sha256: artifact.sha256, outcome });

  if ((await sizeOf(file)) === artifact.size && (await sha256File(file)) === artifact.sha256) {
    ctx.progress.note(`${artifact.path}: up to date`);
    return report("unchanged");
  }
  await mkdir(dirname(file), { recursive: true });
  let resumed = false;
  const task = ctx.progress.task(artifact.path, artifact.size, Math.min((await sizeOf(partial)) ?? 0, artifact.size));
  const digest = await withRetry(async () => {
    let offset = (await sizeOf(partial)) ?? 0;
    if (offset > artifact.size) {
      await truncate(partial, 0);
      offset = 0;
    }
    const hash = createHash("sha256");
    if (offset === artifact.size) {
      await hashInto(hash, partial);
      return hash.digest("hex");
    }
    const response = await ctx.client.download(version.model, version.number, artifact.path, offset > 0 ? { offset, etag: artifact.sha256 } : undefined);
    // 200 instead of 206: the registry sent the whole artifact, so the partial bytes are dropped.
    if (response.status === 200 && offset > 0) {
      task.advance(-offset);
      offset = 0;
    }
    resumed ||= offset > 0;
    if (offset > 0) await hashInto(hash, partial);
    if (!response.body) throw new UsageError(`the registry sent no body for ${artifact.path}`);
    const counter = new Transform({
      transform(chunk: Buffer, _encoding, done) {
        hash.update(chunk);
        task.advance(chunk.length);
        done(null, chunk);
      },
    });
    await pipeline(Readable.fromWeb(response.body as import("node:stream/web").ReadableStream), counter, createWriteStream(partial, { flags: offset > 0 ? "a" : "w" }));
    return hash.digest("hex");
  });

  if (digest !== artifact.sha256) {
    // Keeping bad bytes would make every later resume fail the same way.
    await rm(partial, { force: true });
    task.fail("sha256 mismatch");
    throw new IntegrityError(`${artifact.path}: downloaded bytes have sha256 ${digest}, expected ${artifact.sha256}; the partial file was removed`, {
      path: artifact.path,
      expected_sha256: artifact.sha256,
      actual_sha256: digest,
    });
  }
  await rename(partial, file);
  task.done();
  return report(resumed ? "resumed" : "downloaded");
}

/** The registry validates artifact paths; this refuses anything that would still land outside the directory. */
function destination(dir: string, path: string): string {
  const root = resolve(dir);
  const file = resolve(root, path);
  const inside = relative(root, file);
  if (!inside || inside.startsWith("..") || inside.split(sep).includes("..")) throw new UsageError(`artifact path '${path}' leaves ${dir}`);
  return file;
}

async function sizeOf(path: string): Promise<number | null> {
  const info = await stat(path).catch(() => null);
  return info?.isFile() ? info.size : null;
}

async function hashInto(hash: Hash, path: string): Promise<void> {
  for await (const chunk of createReadStream(path, { highWaterMark: 1024 * 1024 })) hash.update(chunk as Buffer);
}
