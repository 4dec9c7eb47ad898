/**
 * Artifact bytes: single and multipart uploads (publisher) and verified, immutable downloads (reader).
 * Paths may contain "/", so the artifact routes are plain Hono wildcard routes documented via registerPath.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { requireRole } from "../auth/middleware";
import { badRequest, notFound } from "../domain/errors";
import { MAX_ARTIFACT_PATH_BYTES, validateArtifactPath } from "../domain/reference";
import { artifactUrl, parseVersionKey } from "../domain/versions";
import type { AppEnv } from "../env";
import {
  abortUpload,
  completeUpload,
  getBlob,
  getUpload,
  MAX_PART_BYTES,
  MAX_PARTS,
  MIN_PART_BYTES,
  readBlob,
  readServableArtifact,
  startUpload,
  uploadArtifact,
  uploadPart,
  type ArtifactRow,
} from "../registry/artifacts";
import { contextOf } from "../registry/context";
import { errorBody } from "./errors";
import { errorsFor, json, jsonBody, ModelNameParam, router, VersionParam } from "./openapi";
import { ArtifactPath, Sha256, VersionStatus } from "./schemas";

export const artifacts = router();

/**
 * Artifacts never change once verified: the client may keep them for a year without asking again. `private`,
 * because they are behind a token: a shared cache must never hand them to another caller.
 */
export const IMMUTABLE_CACHE_CONTROL = "private, max-age=31536000, immutable";

const ARTIFACT_ROUTE = "/v1/models/:name/versions/:v/artifacts/*";
/** Segments before the artifact path: "", v1, models, NAME, versions, V, artifacts. */
const ARTIFACT_PATH_OFFSET = 7;

const VersionParams = z.object({ name: ModelNameParam, v: VersionParam });
const UploadParams = VersionParams.extend({
  id: z.uuid("upload ids are UUIDs").openapi({ param: { name: "id", in: "path" } }),
});
const PartParams = UploadParams.extend({
  n: z.coerce.number().int().min(1).max(MAX_PARTS).openapi({ param: { name: "n", in: "path" }, description: `Part number, 1–${MAX_PARTS}` }),
});
const ArtifactPathParam = z
  .string()
  // Percent-encoded, so up to three characters per byte of the 512-byte path.
  .max(3 * MAX_ARTIFACT_PATH_BYTES)
  .openapi({ param: { name: "path", in: "path" }, description: "Artifact path as declared; may contain '/' (each segment URL-encoded)", example: "model/weights.safetensors" });

export const ArtifactUploaded = z
  .object({
    path: z.string(),
    size: z.number(),
    sha256: Sha256,
    content_type: z.string(),
    url: z.string(),
    stored: z.boolean().openapi({ description: "false when acknowledged without storing: the same bytes were already stored" }),
    version_status: VersionStatus,
  })
  .openapi("ArtifactUploaded");

export const UploadCreate = z
  .strictObject({
    path: ArtifactPath,
    part_size: z
      .number()
      .int()
      .min(MIN_PART_BYTES, `part_size is at least ${MIN_PART_BYTES} bytes (5 MiB)`)
      .max(MAX_PART_BYTES, `part_size is at most ${MAX_PART_BYTES} bytes (5 GiB)`)
      .optional()
      .openapi({ description: "Bytes per part (all but the last); default 64 MiB, or larger to stay within 10,000 parts" }),
  })
  .openapi("UploadCreate", { example: { path: "model/weights.safetensors", part_size: 67108864 } });

const Part = z.object({ number: z.number(), size: z.number(), etag: z.string() }).openapi("UploadPart");

export const UploadSession = z
  .object({
    id: z.string(),
    path: z.string(),
    size: z.number(),
    sha256: Sha256,
    part_size: z.number(),
    part_count: z.number(),
    parts: z.array(Part).openapi({ description: "Parts received so far; a resuming client sends the others" }),
    status: z.enum(["open", "completed", "aborted", "failed", "expired"]),
    version_status: VersionStatus,
    created_at: z.string(),
    updated_at: z.string(),
  })
  .openapi("UploadSession");

const binaryBody = (description: string) => ({
  body: { content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } }, required: true, description },
});

// ---- single upload and download (wildcard paths) ----

artifacts.put(ARTIFACT_ROUTE, requireRole("publisher"), async (c) => {
  const uploaded = await uploadArtifact(await contextOf(c), c.env.ARTIFACTS, artifactAddress(c), c.req.raw.body, contentLength(c));
  return c.json(uploaded satisfies z.infer<typeof ArtifactUploaded>, uploaded.stored ? 201 : 200);
});

// Hono answers HEAD with this GET handler (minus the body); serveArtifact skips R2 for it.
artifacts.get(ARTIFACT_ROUTE, requireRole("reader"), async (c) => {
  const artifact = await readServableArtifact(await contextOf(c), artifactAddress(c));
  return serveArtifact(c, artifact, { cacheControl: IMMUTABLE_CACHE_CONTROL });
});

export type ServableArtifact = Pick<ArtifactRow, "path" | "size" | "sha256" | "contentType" | "verifiedAt">;

export interface ServeOptions {
  /** `IMMUTABLE_CACHE_CONTROL` for by-version URLs; `no-store` for URLs whose target can move. */
  cacheControl: string;
  /** The immutable by-version URL, when serving through a mutable one. */
  contentLocation?: string;
}

/**
 * Streams a verified artifact from R2 with ETag (its sha256), Range (206/416), If-None-Match (304) and
 * If-Range. HEAD and 304 answer from the row alone. 404 when the artifact is not verified.
 */
export async function serveArtifact(c: Context<AppEnv>, artifact: ServableArtifact, options: ServeOptions): Promise<Response> {
  if (!artifact.verifiedAt) throw notFound(`artifact '${artifact.path}' has not been uploaded yet`, { path: artifact.path, verified: false });
  const etag = `"${artifact.sha256}"`;
  const headers = new Headers({ ETag: etag, "Cache-Control": options.cacheControl, "Accept-Ranges": "bytes" });
  // The answer depends on who asks: a cache that keeps it anyway must key it by the credential.
  if (!/no-store/.test(options.cacheControl)) headers.set("Vary", "Authorization");
  if (options.contentLocation) headers.set("Content-Location", options.contentLocation);
  if (matchesAny(c.req.header("If-None-Match"), etag)) return new Response(null, { status: 304, headers });

  const ifRange = c.req.header("If-Range");
  const range = ifRange === undefined || ifRange === etag ? byteRange(c.req.header("Range"), artifact.size) : null;
  if (range === "unsatisfiable") {
    headers.set("Content-Range", `bytes */${artifact.size}`);
    const body = errorBody("RANGE_NOT_SATISFIABLE", `the artifact has ${artifact.size} bytes; the requested range lies outside it`, { size: artifact.size });
    return new Response(JSON.stringify(body), { status: 416, headers: withJson(headers) });
  }
  headers.set("Content-Type", artifact.contentType);
  headers.set("Content-Length", String(range ? range.length : artifact.size));
  if (range) headers.set("Content-Range", `bytes ${range.offset}-${range.offset + range.length - 1}/${artifact.size}`);
  const status = range ? 206 : 200;
  if (c.req.method === "HEAD") return new Response(null, { status, headers });

  // Only now, with the caller authorized and the artifact verified, may the Worker's blob cache answer.
  const bypass = /no-cache/i.test(c.req.header("Cache-Control") ?? "") || /no-cache/i.test(c.req.header("Pragma") ?? "");
  const blob = await readBlob(c.env.ARTIFACTS, artifact.sha256, artifact.size, range ?? undefined, {
    cache: bypass || typeof caches === "undefined" ? null : caches.default,
    waitUntil: (p) => c.executionCtx.waitUntil(p),
  });
  // A verified artifact without its blob is an integrity failure of the store, not a client error.
  if (!blob) throw new Error(`blob ${artifact.sha256} of verified artifact '${artifact.path}' is missing from R2`);
  headers.set("X-Blob-Cache", blob.source === "cache" ? "hit" : "miss");
  return new Response(blob.body, { status, headers });
}

/**
 * One `bytes=` range, or null to send the whole artifact (no header, a malformed one, or several ranges, which
 * RFC 9110 lets a server ignore).
 */
function byteRange(header: string | undefined, size: number): { offset: number; length: number } | "unsatisfiable" | null {
  const match = header === undefined ? null : /^bytes=(\d*)-(\d*)$/i.exec(header.replace(/\s+/g, ""));
  if (!match || (match[1] === "" && match[2] === "")) return null;
  const [, first, last] = match as unknown as [string, string, string];
  if (first === "") {
    const suffix = Number(last);
    if (suffix === 0 || size === 0) return "unsatisfiable";
    const offset = Math.max(0, size - suffix);
    return { offset, length: size - offset };
  }
  const offset = Number(first);
  if (last !== "" && Number(last) < offset) return null;
  if (offset >= size) return "unsatisfiable";
  const end = last === "" ? size - 1 : Math.min(Number(last), size - 1);
  return { offset, length: end - offset + 1 };
}

/** If-None-Match compares weakly: `W/"x"`, `"x"` and `*` all match. */
function matchesAny(header: string | undefined, etag: string): boolean {
  if (!header) return false;
  return header.split(",").some((tag) => {
    const t = tag.trim();
    return t === "*" || t.replace(/^W\//, "") === etag;
  });
}

function withJson(headers: Headers): Headers {
  headers.set("Content-Type", "application/json");
  return headers;
}

/**
 * The artifact path from the raw URL: each segment percent-decoded, then checked like a declared path (400).
 * Exported for routes that take an artifact path after other segments, such as `/v1/r/NAME/REF/…`.
 */
export function decodeArtifactPath(segments: readonly string[]): string {
  let path: string;
  try {
    path = segments.map(decodeURIComponent).join("/");
  } catch {
    throw badRequest("the artifact path is not valid percent-encoding", { field: "path" });
  }
  const problem = validateArtifactPath(path);
  if (problem) throw badRequest(`artifact path: ${problem}`, { field: "path" });
  return path;
}

function artifactAddress(c: Context<AppEnv>) {
  const params = VersionParams.safeParse({ name: c.req.param("name"), v: c.req.param("v") });
  if (!params.success) {
    const issue = params.error.issues[0]!;
    throw badRequest(`${String(issue.path[0])}: ${issue.message}`, { field: issue.path[0] });
  }
  const segments = new URL(c.req.url).pathname.split("/").slice(ARTIFACT_PATH_OFFSET);
  return { model: params.data.name, version: parseVersionKey(params.data.v), path: decodeArtifactPath(segments) };
}

const uploadAddress = (params: { name: string; v: string; id: string }) => ({ model: params.name, version: parseVersionKey(params.v), id: params.id });

/** Content-Length when the client sent one, so a wrong size is refused before a byte is read. */
function contentLength(c: Context<AppEnv>): number | null {
  const raw = c.req.header("Content-Length");
  return raw !== undefined && /^\d+$/.test(raw) ? Number(raw) : null;
}

const artifactParams = z.object({ name: ModelNameParam, v: VersionParam, path: ArtifactPathParam });
const artifactPath = "/v1/models/{name}/versions/{v}/artifacts/{path}";

artifacts.openAPIRegistry.registerPath({
  method: "put",
  path: artifactPath,
  tags: ["artifacts"],
  summary: "Upload a declared artifact in one request",
  description:
    "Streams the body into R2; it must be exactly the declared size with the declared sha256 (422 otherwise, nothing stored). " +
    "Answers 200 without reading the body when the same bytes are already stored. Bodies above the plan's request cap " +
    "(100 MB on most) use the multipart upload.",
  request: { params: artifactParams, ...binaryBody("The artifact's bytes") },
  responses: {
    201: json(ArtifactUploaded, "Stored and verified"),
    200: json(ArtifactUploaded, "Acknowledged: the bytes were already stored"),
    ...errorsFor(400, 401, 403, 404, 409, 422),
  },
});

const downloadRoute = (method: "get" | "head", summary: string) => ({
  method,
  path: artifactPath,
  summary,
  description:
    "Streams the bytes with ETag (the quoted sha256), Cache-Control: private, max-age=31536000, immutable (never public: " +
    "the bytes are behind a token), Vary: Authorization, Content-Length, " +
    "Content-Type and Accept-Ranges. One Range → 206 (416 beyond the end); If-None-Match → 304; If-Range with another ETag " +
    "sends the whole artifact. HEAD answers the same headers without a body. 404 until the artifact is uploaded and verified.",
  tags: ["artifacts"],
  request: {
    params: artifactParams,
    headers: z.object({
      Range: z.string().max(1024).optional().openapi({ example: "bytes=0-1048575" }),
      "If-None-Match": z.string().max(8192).optional().openapi({ description: "The ETag (the quoted sha256) of a copy you hold" }),
    }),
  },
  responses: {
    200: { description: "The bytes; ETag is the quoted sha256, Cache-Control immutable", content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } } },
    206: { description: "The requested range, with Content-Range" },
    304: { description: "Not modified: If-None-Match matched the ETag" },
    ...errorsFor(400, 401, 403, 404),
    416: { description: "Range outside the artifact; Content-Range: bytes */SIZE" },
  },
});
artifacts.openAPIRegistry.registerPath(downloadRoute("get", "Download a verified artifact"));
artifacts.openAPIRegistry.registerPath(downloadRoute("head", "An artifact's headers (size, ETag, type) without its bytes"));

// ---- multipart upload ----

artifacts.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/versions/{v}/uploads",
    tags: ["artifacts"],
    summary: "Start (or resume) a multipart upload of a declared artifact",
    description:
      "201 with a new session. 200 with the live session when this artifact already has one (resume: its parts lists " +
      "what was received), or with status `completed` when the same bytes are already stored. Parts of `part_size` bytes " +
      "(the last one smaller) go to PUT …/uploads/{id}/parts/{n}.",
    middleware: [requireRole("publisher")],
    request: { params: VersionParams, ...jsonBody(UploadCreate) },
    responses: {
      201: json(UploadSession, "A new session"),
      200: json(UploadSession, "The live session to resume, or a completed one"),
      ...errorsFor(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const { name, v } = c.req.valid("param");
    const body = c.req.valid("json");
    const address = { model: name, version: parseVersionKey(v), path: body.path };
    const { session, created } = await startUpload(await contextOf(c), c.env.ARTIFACTS, address, body.part_size);
    return c.json(session, created ? 201 : 200);
  },
);

artifacts.openapi(
  createRoute({
    method: "get",
    path: "/v1/models/{name}/versions/{v}/uploads/{id}",
    tags: ["artifacts"],
    summary: "An upload session with the parts received so far",
    middleware: [requireRole("publisher")],
    request: { params: UploadParams },
    responses: { 200: json(UploadSession, "The session"), ...errorsFor(400, 401, 403, 404) },
  }),
  async (c) => {
    return c.json(await getUpload(await contextOf(c), uploadAddress(c.req.valid("param"))), 200);
  },
);

artifacts.openapi(
  createRoute({
    method: "put",
    path: "/v1/models/{name}/versions/{v}/uploads/{id}/parts/{n}",
    tags: ["artifacts"],
    summary: "Upload part n",
    description: "Every part is `part_size` bytes except the last; a wrong size is refused (422). Sending a part again replaces it.",
    middleware: [requireRole("publisher")],
    request: { params: PartParams, ...binaryBody("The part's bytes") },
    responses: {
      200: json(Part, "The part was stored"),
      ...errorsFor(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    const params = c.req.valid("param");
    return c.json(await uploadPart(await contextOf(c), c.env.ARTIFACTS, uploadAddress(params), params.n, c.req.raw.body, contentLength(c)), 200);
  },
);

artifacts.openapi(
  createRoute({
    method: "post",
    path: "/v1/models/{name}/versions/{v}/uploads/{id}/complete",
    tags: ["artifacts"],
    summary: "Assemble the parts and verify the whole artifact's sha256",
    description:
      "Takes an empty body. On success the artifact is verified, and the version becomes READY when it was the last one. " +
      "On a digest mismatch (422) the assembled bytes are deleted, the session is failed and the version stays PENDING.",
    middleware: [requireRole("publisher")],
    request: { params: UploadParams },
    responses: {
      200: json(UploadSession, "The completed session"),
      ...errorsFor(400, 401, 403, 404, 409, 422),
    },
  }),
  async (c) => {
    return c.json(await completeUpload(await contextOf(c), c.env.ARTIFACTS, uploadAddress(c.req.valid("param"))), 200);
  },
);

artifacts.openapi(
  createRoute({
    method: "delete",
    path: "/v1/models/{name}/versions/{v}/uploads/{id}",
    tags: ["artifacts"],
    summary: "Abort a multipart upload",
    middleware: [requireRole("publisher")],
    request: { params: UploadParams },
    responses: { 200: json(UploadSession, "The aborted session"), ...errorsFor(400, 401, 403, 404, 409) },
  }),
  async (c) => {
    return c.json(await abortUpload(await contextOf(c), c.env.ARTIFACTS, uploadAddress(c.req.valid("param"))), 200);
  },
);
