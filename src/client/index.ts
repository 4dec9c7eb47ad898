/**
 * The typed edgereg client: every JSON route typed from the server's OpenAPI spec (./openapi.ts, generated), errors
 * thrown as EdgeregError with the server's code. Runs wherever fetch does (Node 20, Workers, browsers).
 *
 *   const edgereg = createClient({ url: "https://registry.example", token: process.env.EDGEREG_TOKEN });
 *   const model = await edgereg.GET("/v1/models/{name}", { params: { path: { name: "flight_delay" } } });
 */
import createFetchClient, { type Client, type FetchResponse, type MaybeOptionalInit } from "openapi-fetch";
import type { PathsWithMethod, RequiredKeysOf } from "openapi-typescript-helpers";
import { BOOKMARK_HEADER, fresherBookmark } from "../domain/consistency";
import type { components, paths } from "./openapi";

export type { components, paths };
type Schemas = components["schemas"];
export type Model = Schemas["Model"];
export type Version = Schemas["Version"];
export type VersionCreate = Schemas["VersionCreate"];
export type Artifact = Schemas["Artifact"];
export type ArtifactUploaded = Schemas["ArtifactUploaded"];
export type UploadSession = Schemas["UploadSession"];
export type UploadPart = Schemas["UploadPart"];
export type Resolution = Schemas["Resolution"];
export type RefChange = Schemas["RefChange"];
export type RefHistoryEntry = Schemas["RefHistoryEntry"];
export type Rollout = Schemas["Rollout"];
export type Token = Schemas["Token"];
export type TokenWithSecret = Schemas["TokenWithSecret"];
export type AuditEvent = Schemas["AuditEvent"];
export type Policy = paths["/v1/models/{name}/policy"]["put"]["requestBody"]["content"]["application/json"];
export type RolloutStart = Schemas["RolloutStart"];

/** A refusal by the server (its `{error: {code, message, details}}`), or a non-JSON failure as HTTP_<status>. */
export class EdgeregError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly details?: unknown,
    readonly requestId?: string,
    /** Seconds the server asked to wait before trying again (Retry-After of a 429 or 503). */
    readonly retryAfter?: number,
  ) {
    super(message);
    this.name = "EdgeregError";
  }
}

export interface ClientOptions {
  /** The registry's origin, e.g. https://edgereg.example.workers.dev */
  url: string;
  /** A bearer token (er_…); omit for the routes anyone may call. */
  token?: string;
  fetch?: (request: Request) => Promise<Response>;
  headers?: Record<string, string>;
  /**
   * Where the client keeps D1's bookmark (x-d1-bookmark) from one call to the next, so each read sees at least what
   * the previous calls saw or wrote, on any replica (session consistency). Default: in memory, for this client's
   * lifetime. `false` sends none: reads are then strict (or bounded, where the deployment allows it).
   */
  bookmarks?: BookmarkStore | false;
  /** The bookmark to start from (e.g. one handed over by the process that made a change). */
  bookmark?: string;
}

/** Keeps the freshest bookmark the client has received. */
export interface BookmarkStore {
  get(): string | null;
  set(bookmark: string): void;
}

export function memoryBookmarks(initial: string | null = null): BookmarkStore {
  let kept = initial;
  return { get: () => kept, set: (bookmark) => void (kept = bookmark) };
}

type Method = "get" | "put" | "post" | "patch" | "delete";
type InitParam<Init> = RequiredKeysOf<Init> extends never ? [(Init & { [key: string]: unknown })?] : [Init & { [key: string]: unknown }];
/** Like openapi-fetch's method, but answers the success body itself and throws EdgeregError otherwise. */
type Call<M extends Method> = <P extends PathsWithMethod<paths, M>, Init extends MaybeOptionalInit<paths[P], M>>(
  url: P,
  ...init: InitParam<Init>
) => Promise<NonNullable<FetchResponse<Extract<paths[P][M], Record<string | number, unknown>>, Init, "application/json">["data"]>>;

/** Bytes to send: a stream is sent as it is read, so a large file never sits in memory. */
export type Body = ReadableStream<Uint8Array> | Uint8Array | Blob;

export interface EdgeregClient {
  GET: Call<"get">;
  POST: Call<"post">;
  PUT: Call<"put">;
  PATCH: Call<"patch">;
  DELETE: Call<"delete">;
  /** openapi-fetch's client, answering `{data, error, response}` instead of throwing. */
  api: Client<paths>;
  url: string;
  /** The immutable by-version URL of an artifact; each path segment is percent-encoded. */
  artifactUrl(model: string, version: number | string, path: string): string;
  /** Single-request upload of a declared artifact (`size` bytes exactly). */
  putArtifact(model: string, version: number | string, path: string, body: Body, size: number): Promise<ArtifactUploaded>;
  /** Part `n` of a multipart upload session. */
  putPart(model: string, version: number | string, uploadId: string, n: number, body: Body, size: number): Promise<UploadPart>;
  /** Whether a declared artifact's bytes are uploaded and verified (HEAD: 200, or 404 while they are not). */
  hasArtifact(model: string, version: number | string, path: string): Promise<boolean>;
  /** Streams an artifact; with `offset`, asks for the rest from there (206) unless its ETag is no longer `etag` (200). */
  download(model: string, version: number | string, path: string, from?: { offset: number; etag: string }): Promise<Response>;
  /** The bookmark the next call sends (the freshest received), or null. */
  bookmark(): string | null;
}

export function createClient(options: ClientOptions): EdgeregClient {
  const url = options.url.replace(/\/+$/, "");
  const auth: Record<string, string> = options.token ? { Authorization: `Bearer ${options.token}` } : {};
  const headers = { ...options.headers, ...auth };
  const transport = options.fetch ?? ((request: Request) => fetch(request));
  const bookmarks = options.bookmarks === false ? null : (options.bookmarks ?? memoryBookmarks());
  if (bookmarks && options.bookmark) bookmarks.set(fresherBookmark(bookmarks.get(), options.bookmark));
  const fetcher = async (request: Request): Promise<Response> => {
    const kept = bookmarks?.get();
    if (kept && !request.headers.has(BOOKMARK_HEADER)) request.headers.set(BOOKMARK_HEADER, kept);
    const response = await transport(request);
    const received = response.headers.get(BOOKMARK_HEADER);
    if (bookmarks && received) bookmarks.set(fresherBookmark(bookmarks.get(), received));
    return response;
  };
  const api = createFetchClient<paths>({ baseUrl: url, headers, fetch: fetcher });

  const strict =
    <M extends Method>(method: Uppercase<M>): Call<M> =>
    async (path, ...init) => {
      const { data, error, response } = await (api[method] as (p: unknown, i: unknown) => Promise<FetchResponse<never, never, never>>)(path, init[0]);
      if (!response.ok) throw await errorFrom(response, error);
      return data as never;
    };

  const send = async (method: string, target: string, body: Body, size: number): Promise<Response> => {
    const request = new Request(target, {
      method,
      body,
      headers: { ...headers, "Content-Type": "application/octet-stream", "Content-Length": String(size) },
      // Node's fetch streams a ReadableStream body only in half-duplex mode.
      ...({ duplex: "half" } as object),
    });
    const response = await fetcher(request);
    if (!response.ok) throw await errorFrom(response);
    return response;
  };

  const versionUrl = (model: string, version: number | string) =>
    `${url}/v1/models/${encodeURIComponent(model)}/versions/${encodeURIComponent(String(version))}`;
  const artifactUrl = (model: string, version: number | string, path: string) =>
    `${versionUrl(model, version)}/artifacts/${path.split("/").map(encodeURIComponent).join("/")}`;

  return {
    GET: strict<"get">("GET"),
    POST: strict<"post">("POST"),
    PUT: strict<"put">("PUT"),
    PATCH: strict<"patch">("PATCH"),
    DELETE: strict<"delete">("DELETE"),
    api,
    url,
    artifactUrl,
    async putArtifact(model, version, path, body, size) {
      return (await send("PUT", artifactUrl(model, version, path), body, size)).json() as Promise<ArtifactUploaded>;
    },
    async putPart(model, version, uploadId, n, body, size) {
      const target = `${versionUrl(model, version)}/uploads/${encodeURIComponent(uploadId)}/parts/${n}`;
      return (await send("PUT", target, body, size)).json() as Promise<UploadPart>;
    },
    async hasArtifact(model, version, path) {
      const response = await fetcher(new Request(artifactUrl(model, version, path), { method: "HEAD", headers }));
      if (response.ok) return true;
      if (response.status === 404) return false;
      throw await errorFrom(response);
    },
    async download(model, version, path, from) {
      const rangeHeaders: Record<string, string> = from ? { Range: `bytes=${from.offset}-`, "If-Range": `"${from.etag}"` } : {};
      const response = await fetcher(new Request(artifactUrl(model, version, path), { headers: { ...headers, ...rangeHeaders } }));
      if (response.status !== 200 && response.status !== 206) throw await errorFrom(response);
      return response;
    },
    bookmark: () => bookmarks?.get() ?? null,
  };
}

/** The server's error body when it sent one; the response is consumed. */
async function errorFrom(response: Response, parsed?: unknown): Promise<EdgeregError> {
  let body = parsed;
  if (body === undefined) {
    const text = await response.text().catch(() => "");
    try {
      body = JSON.parse(text);
    } catch {
      body = text;
    }
  }
  const requestId = response.headers.get("X-Request-Id") ?? undefined;
  const retryAfter = /^\d+$/.test(response.headers.get("Retry-After") ?? "") ? Number(response.headers.get("Retry-After")) : undefined;
  const error = (body as { error?: { code?: unknown; message?: unknown; details?: unknown } } | null)?.error;
  if (error && typeof error.code === "string") {
    return new EdgeregError(response.status, error.code, String(error.message ?? error.code), error.details, requestId, retryAfter);
  }
  const text = typeof body === "string" && body ? `: ${body.slice(0, 200)}` : "";
  return new EdgeregError(response.status, `HTTP_${response.status}`, `${response.status} ${response.statusText}${text}`, undefined, requestId, retryAfter);
}
