/**
 * `edgereg push`: hash the files, declare them in a new version, upload each (whole when it fits in one part,
 * else in parallel parts), and resume when run again: the version, the verified artifacts and each session's
 * received parts are all read back from the registry.
 */
import semver from "semver";
import { EdgeregError, type EdgeregClient, type UploadSession, type Version, type VersionCreate } from "../src/client";
import { checkVersionBump } from "../src/domain/signature";
import { contentTypeOf, fileRange, sha256File, type LocalFile } from "./files";
import { limiter, settleAll } from "./limit";
import type { Progress } from "./progress";
import { withRetry } from "./retry";
import { uploadKey, type UploadState } from "./state";
import { formatBytes } from "./units";

/** Everything a version records except its artifacts, which come from the files. */
export type VersionMeta = Omit<VersionCreate, "artifacts">;

export interface TransferOptions {
  partSize: number;
  concurrency: number;
}

export interface PushContext {
  client: EdgeregClient;
  progress: Progress;
  state: UploadState;
}

/** A file whose digest is known: what a version declares and what the upload sends. */
export interface HashedFile extends LocalFile {
  sha256: string;
}

export interface UploadReport {
  path: string;
  size: number;
  sha256: string;
  /** `single` request, `multipart`, or `skipped` when the registry already had the bytes. */
  transfer: "single" | "multipart" | "skipped";
  upload_id?: string;
  parts?: number;
  /** Parts sent by this run; the others were on the registry from an earlier run. */
  parts_sent?: number;
  bytes_sent: number;
}

export interface PushReport {
  /** False when the version already existed (a resumed or repeated push). */
  created: boolean;
  version: Version;
  uploads: UploadReport[];
}

/** Files at or above this size get their own hashing bar; smaller ones would only flicker. */
const HASH_BAR_BYTES = 16 * 1024 * 1024;

export async function push(ctx: PushContext, model: string, local: LocalFile[], meta: VersionMeta, transfer: TransferOptions): Promise<PushReport> {
  await assertBumpAllowed(ctx, model, meta);
  const files = await hashAll(ctx, local);
  const { version, created } = await declare(ctx, model, meta, files);
  if (version.status === "READY") {
    if (!created) ctx.progress.note(`${model} ${version.semver} (version ${version.number}) was already pushed with these files`);
    return { created, version, uploads: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, transfer: "skipped", bytes_sent: 0 })) };
  }
  if (version.status !== "PENDING") {
    throw new EdgeregError(409, "CONFLICT", `version ${version.semver} of ${model} is ${version.status}; push a new version`);
  }
  if (!created) ctx.progress.note(`${model} ${version.semver} (version ${version.number}) exists with these files; resuming its uploads`);

  const uploads = await uploadFiles(ctx, { model, number: version.number, semver: version.semver }, files, transfer);
  const final = await withRetry(() => ctx.client.GET("/v1/models/{name}/versions/{v}", { params: { path: { name: model, v: String(version.number) } } }));
  return { created, version: final, uploads };
}

/**
 * The registry's semver rule, asked before hashing gigabytes: a new highest version must bump as much as its
 * signature change requires. Versions below the highest (a fix on an older line) and repeated pushes of an existing
 * semver are judged by the registry itself when the version is declared.
 */
async function assertBumpAllowed(ctx: PushContext, model: string, meta: VersionMeta) {
  let plan;
  try {
    plan = await withRetry(() => ctx.client.POST("/v1/models/{name}/versions/plan", { params: { path: { name: model } }, body: { signature: meta.signature ?? null } }));
  } catch (error) {
    if (error instanceof EdgeregError && error.status === 404) return; // a new model: its first version may be anything
    throw error;
  }
  const previous = plan.previous_version;
  if (previous === null || !semver.gt(meta.semver, previous)) return;
  const problem = checkVersionBump(previous, meta.semver, plan.required_bump);
  if (problem) throw new EdgeregError(422, "UNPROCESSABLE", `${problem} (nothing was hashed or uploaded)`, plan);
}

async function hashAll(ctx: PushContext, files: LocalFile[]): Promise<HashedFile[]> {
  const hashed: HashedFile[] = [];
  for (const file of files) {
    const task = file.size >= HASH_BAR_BYTES ? ctx.progress.task(`sha256 ${file.path}`, file.size) : null;
    const sha256 = await sha256File(file.source, task ? (n) => task.advance(n) : undefined);
    task?.done();
    hashed.push({ ...file, sha256 });
  }
  const total = files.reduce((sum, f) => sum + f.size, 0);
  ctx.progress.note(`hashed ${files.length} file${files.length === 1 ? "" : "s"} (${formatBytes(total)})`);
  return hashed;
}

/** Creates the version (and the model when it is new); an existing version is reused only when it declares these very files. */
async function declare(ctx: PushContext, model: string, meta: VersionMeta, files: HashedFile[]): Promise<{ version: Version; created: boolean }> {
  const body: VersionCreate = {
    ...meta,
    artifacts: files.map((f) => ({ path: f.path, size: f.size, sha256: f.sha256, ...(contentTypeOf(f.path) ? { content_type: contentTypeOf(f.path) } : {}) })),
  };
  // Retrying a create is safe: if the first attempt landed, the retry meets CONFLICT and resumes that version.
  const create = () => withRetry(() => ctx.client.POST("/v1/models/{name}/versions", { params: { path: { name: model } }, body }));
  try {
    return { version: await create(), created: true };
  } catch (error) {
    if (!(error instanceof EdgeregError)) throw error;
    if (error.code === "NOT_FOUND" && isMissingModel(error, model)) {
      await createModel(ctx, model);
      ctx.progress.note(`registered model ${model}`);
      return { version: await create(), created: true };
    }
    if (error.code === "CONFLICT" && (error.details as { field?: string } | undefined)?.field === "semver") {
      const existing = await withRetry(() => ctx.client.GET("/v1/models/{name}/versions/{v}", { params: { path: { name: model, v: meta.semver } } }));
      assertSameFiles(existing, files);
      return { version: existing, created: false };
    }
    throw error;
  }
}

const isMissingModel = (error: EdgeregError, model: string) =>
  (error.details as { model?: string; version?: unknown } | undefined)?.model === model &&
  (error.details as { version?: unknown }).version === undefined;

async function createModel(ctx: PushContext, model: string) {
  try {
    await withRetry(() => ctx.client.POST("/v1/models", { body: { name: model } }));
  } catch (error) {
    // Another push registered it meanwhile: that is the state we wanted.
    if (!(error instanceof EdgeregError && error.code === "CONFLICT")) throw error;
  }
}

function assertSameFiles(version: Version, files: HashedFile[]) {
  const declared = new Map(version.artifacts.map((a) => [a.path, a]));
  const differences: string[] = [];
  for (const f of files) {
    const a = declared.get(f.path);
    if (!a) differences.push(`${f.path} is not in it`);
    else if (a.sha256 !== f.sha256 || a.size !== f.size) differences.push(`${f.path} has different bytes`);
    declared.delete(f.path);
  }
  for (const path of declared.keys()) differences.push(`it also declares ${path}`);
  if (differences.length > 0) {
    throw new EdgeregError(
      409,
      "CONFLICT",
      `version ${version.semver} of ${version.model} already exists with other files (${differences.join("; ")}); push them as a new version`,
      { semver: version.semver, differences },
    );
  }
}

type Run = ReturnType<typeof limiter>;
/** The declared version the files go to. */
export interface UploadTarget {
  model: string;
  number: number;
  semver: string;
  /**
   * Declared by this process a moment ago, so no earlier run sent any of its files: single-request files skip the
   * HEAD that looks for them (bytes another version already stored are acknowledged by the PUT without being kept).
   */
  declaredNow?: boolean;
}
type Target = UploadTarget;

/**
 * Uploads the declared files of a PENDING version, skipping what the registry already holds (verified artifacts,
 * parts of a session started earlier): push and `import mlflow` both end here, and a re-run of either resumes.
 * One budget of concurrent requests for the whole version; the first failure stops parts that have not started.
 */
export async function uploadFiles(ctx: PushContext, target: UploadTarget, files: HashedFile[], transfer: TransferOptions): Promise<UploadReport[]> {
  const run = limiter(transfer.concurrency);
  return settleAll(files.map((file) => uploadFile(ctx, target, file, transfer, run)));
}

async function uploadFile(ctx: PushContext, target: Target, file: HashedFile, transfer: TransferOptions, run: Run): Promise<UploadReport> {
  if (file.size > transfer.partSize) return uploadParts(ctx, target, file, transfer, run);
  const base = { path: file.path, size: file.size, sha256: file.sha256 };
  const task = ctx.progress.task(file.path, file.size);
  const sent = await run(async () => {
    // Bytes the registry already holds (a resumed push, or the same file in another version) need not travel again.
    if (!target.declaredNow && (await withRetry(() => ctx.client.hasArtifact(target.model, target.number, file.path)))) return false;
    let counted = 0;
    const answer = await withRetry(() => {
      task.advance(-counted);
      counted = 0;
      const body = fileRange(file.source, 0, file.size, (n) => {
        counted += n;
        task.advance(n);
      });
      return ctx.client.putArtifact(target.model, target.number, file.path, body, file.size);
    });
    // false: the registry already held these bytes and acknowledged without keeping what was sent.
    return answer.stored !== false;
  }).catch((error: unknown) => {
    task.fail(errorText(error));
    throw error;
  });
  task.done(sent ? undefined : "already stored");
  return sent ? { ...base, transfer: "single", bytes_sent: file.size } : { ...base, transfer: "skipped", bytes_sent: 0 };
}

async function uploadParts(ctx: PushContext, target: Target, file: HashedFile, transfer: TransferOptions, run: Run): Promise<UploadReport> {
  const key = uploadKey({ url: ctx.client.url, model: target.model, version: target.semver, path: file.path, sha256: file.sha256 });
  const session = await openSession(ctx, target, file, transfer, key);
  if (session.status === "completed") {
    ctx.state.forget(key);
    ctx.progress.note(`${file.path}: already stored`);
    return { path: file.path, size: file.size, sha256: file.sha256, transfer: "skipped", upload_id: session.id, bytes_sent: 0 };
  }

  const received = new Set(session.parts.map((p) => p.number));
  const missing = Array.from({ length: session.part_count }, (_, i) => i + 1).filter((n) => !received.has(n));
  const partBytes = (n: number) => Math.min(session.part_size, file.size - (n - 1) * session.part_size);
  const already = [...received].reduce((sum, n) => sum + partBytes(n), 0);
  if (received.size > 0) {
    ctx.progress.note(`${file.path}: resuming upload ${session.id}, ${received.size} of ${session.part_count} parts already on the registry`);
  }
  const task = ctx.progress.task(file.path, file.size, already);
  try {
    await settleAll(
      missing.map((n) =>
        run(() => {
          let sent = 0;
          return withRetry(async () => {
            task.advance(-sent);
            sent = 0;
            const body = fileRange(file.source, (n - 1) * session.part_size, partBytes(n), (b) => {
              sent += b;
              task.advance(b);
            });
            return ctx.client.putPart(target.model, target.number, session.id, n, body, partBytes(n));
          });
        }),
      ),
    );
    const done = await withRetry(() =>
      ctx.client.POST("/v1/models/{name}/versions/{v}/uploads/{id}/complete", {
        params: { path: { name: target.model, v: String(target.number), id: session.id } },
      }),
    );
    if (done.status !== "completed") throw new EdgeregError(409, "CONFLICT", `upload ${session.id} of ${file.path} ended ${done.status}`);
  } catch (error) {
    task.fail(errorText(error));
    // A session the registry closed cannot be resumed; forgetting it lets the next run start a fresh one.
    if (error instanceof EdgeregError && error.status === 422) ctx.state.forget(key);
    throw error;
  }
  ctx.state.forget(key);
  task.done();
  const sentBytes = missing.reduce((sum, n) => sum + partBytes(n), 0);
  return {
    path: file.path,
    size: file.size,
    sha256: file.sha256,
    transfer: "multipart",
    upload_id: session.id,
    parts: session.part_count,
    parts_sent: missing.length,
    bytes_sent: sentBytes,
  };
}

/** The session this client started before, if the registry still has it open; else a new (or the registry's live) one. */
async function openSession(ctx: PushContext, target: Target, file: HashedFile, transfer: TransferOptions, key: string): Promise<UploadSession> {
  const saved = ctx.state.get(key);
  const version = String(target.number);
  if (saved) {
    try {
      const session = await withRetry(() =>
        ctx.client.GET("/v1/models/{name}/versions/{v}/uploads/{id}", { params: { path: { name: target.model, v: version, id: saved.upload_id } } }),
      );
      if (session.status === "open" || session.status === "completed") return session;
      ctx.progress.note(`${file.path}: upload ${saved.upload_id} is ${session.status}; starting a new one`);
    } catch (error) {
      if (!(error instanceof EdgeregError && error.status === 404)) throw error;
    }
    ctx.state.forget(key);
  }
  // Starting is idempotent per artifact: the registry answers the live session if a lost answer had opened one.
  const session = await withRetry(() =>
    ctx.client.POST("/v1/models/{name}/versions/{v}/uploads", {
      params: { path: { name: target.model, v: version } },
      body: { path: file.path, part_size: transfer.partSize },
    }),
  );
  if (session.status === "open") ctx.state.remember(key, { upload_id: session.id, part_size: session.part_size, started_at: session.created_at });
  return session;
}

const errorText = (error: unknown) => (error instanceof Error ? error.message : String(error));
