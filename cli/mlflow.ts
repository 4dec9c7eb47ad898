/**
 * A reader of an MLflow tracking and registry server over its REST API 2.0
 * (https://mlflow.org/docs/latest/rest-api.html): what `edgereg import mlflow` copies from. Only GETs; nothing on
 * the MLflow side ever changes.
 *
 * Answers are MLflow's proto messages as JSON (mlflow/utils/proto_json_utils.py `message_to_json`): snake_case
 * names, int64 fields as numbers, unset fields and empty lists left out, a non-finite double as "NaN"/"Infinity".
 * Each reader below tolerates what that encoding leaves out and numbers that arrive as strings.
 */
import { createHash } from "node:crypto";
import { createWriteStream } from "node:fs";
import { Readable, Transform } from "node:stream";
import { pipeline } from "node:stream/promises";
import type { ReadableStream as NodeReadableStream } from "node:stream/web";
import { version as cliVersion } from "./package.json";
import { isTransient, withRetry, DEFAULT_RETRY, type RetryOptions } from "./retry";
import { NetworkError, nodeFetch } from "./transport";

/** A refusal by the MLflow server: its `{error_code, message}` (mlflow/exceptions.py `serialize_as_json`). */
export class MlflowError extends Error {
  override name = "MlflowError";
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly retryAfter?: number,
  ) {
    super(message);
  }
}

/** MLflow's own client retries these (mlflow/utils/request_utils.py); a refusal stays a refusal. */
export function isTransientMlflow(error: unknown): boolean {
  if (error instanceof MlflowError) return error.status >= 500 || error.status === 429 || error.status === 408;
  return isTransient(error);
}

/** Status of an MlflowError for a server that could not be reached at all. */
export const UNREACHABLE = 0;

/** After the retries, a network failure is MLflow's, not the registry's (whose NetworkError the CLI reports as such). */
async function fromMlflow<T>(job: () => Promise<T>, retry: RetryOptions, host: string): Promise<T> {
  try {
    return await withRetry(job, retry);
  } catch (error) {
    if (error instanceof MlflowError) throw error;
    if (isTransient(error)) throw new MlflowError(UNREACHABLE, "MLFLOW_UNREACHABLE", `cannot reach the MLflow server ${host}: ${(error as Error).message}`);
    throw error;
  }
}

export interface MlflowTag {
  key: string;
  value?: string;
}

/** model_registry.proto `RegisteredModel` (the fields the import reads). */
export interface MlflowRegisteredModel {
  name: string;
  description?: string;
  tags?: MlflowTag[];
  aliases?: { alias: string; version: string }[];
}

/** model_registry.proto `ModelVersion`; `version` is a string there. */
export interface MlflowModelVersion {
  name: string;
  version: string;
  description?: string;
  tags?: MlflowTag[];
  run_id?: string;
  source?: string;
  current_stage?: string;
  status?: string;
}

/** service.proto `Run`: `info` and `data` (metrics with their step and timestamp, params). */
export interface MlflowRun {
  info?: { run_id?: string; artifact_uri?: string };
  data?: {
    metrics?: { key: string; value: number | string; timestamp?: number | string; step?: number | string }[];
    params?: MlflowTag[];
  };
}

/** Where a version's files are: the server's mlflow-artifacts endpoint and the directory below it. */
export interface ArtifactRoot {
  /** `…/api/2.0/mlflow-artifacts/artifacts`, on the host that serves them. */
  endpoint: string;
  /** The directory under the endpoint, without leading or trailing "/". */
  path: string;
}

export interface ListedFile {
  /** Relative to the root, "/"-separated. */
  path: string;
  size: number | null;
}

const ARTIFACTS_ROUTE = "/api/2.0/mlflow-artifacts/artifacts";

/**
 * The Authorization header MLflow's client sends (mlflow/utils/rest_utils.py `http_request`): basic auth when
 * both MLFLOW_TRACKING_USERNAME and MLFLOW_TRACKING_PASSWORD are set, else MLFLOW_TRACKING_TOKEN as a bearer token.
 */
export function mlflowAuthorization(env: Record<string, string | undefined>): string | undefined {
  const { MLFLOW_TRACKING_USERNAME: user, MLFLOW_TRACKING_PASSWORD: password, MLFLOW_TRACKING_TOKEN: token } = env;
  if (user && password) return `Basic ${Buffer.from(`${user}:${password}`).toString("base64")}`;
  if (token) return `Bearer ${token}`;
  return undefined;
}

/**
 * Where the bytes of an artifact URI can be read through an MLflow server, as MLflow's own client resolves it
 * (mlflow/store/artifact/mlflow_artifacts_repo.py `resolve_uri`): `mlflow-artifacts:/PATH` on the tracking server
 * (under its path prefix), `mlflow-artifacts://HOST/PATH` on that host with the tracking server's scheme, and an
 * absolute `http(s)://…/api/2.0/mlflow-artifacts/artifacts/PATH` as it is. Anything else (s3://, gs://, file://,
 * dbfs:/, …) needs that store's own credentials: `reason` says so. `runs:/` is resolved by the caller first.
 */
export function resolveArtifactUri(uri: string, trackingUrl: string): { root: ArtifactRoot } | { reason: string } {
  let parsed: URL;
  try {
    parsed = new URL(uri);
  } catch {
    return { reason: `the artifact URI '${uri}' is not a URI` };
  }
  const tracking = new URL(trackingUrl);
  const segments = (path: string) =>
    path
      .split("/")
      .filter((s) => s !== "")
      .map((s) => decodeURIComponent(s))
      .join("/");
  if (parsed.protocol === "mlflow-artifacts:") {
    const host = parsed.host || tracking.host;
    const prefix = tracking.pathname.replace(/\/+$/, "");
    return { root: { endpoint: `${tracking.protocol}//${host}${prefix}${ARTIFACTS_ROUTE}`, path: segments(parsed.pathname) } };
  }
  if (parsed.protocol === "http:" || parsed.protocol === "https:") {
    const at = parsed.pathname.indexOf(ARTIFACTS_ROUTE);
    const after = parsed.pathname.slice(at + ARTIFACTS_ROUTE.length);
    if (at >= 0 && (after === "" || after.startsWith("/"))) {
      return { root: { endpoint: `${parsed.origin}${parsed.pathname.slice(0, at)}${ARTIFACTS_ROUTE}`, path: segments(after) } };
    }
    return { reason: `the artifact URI '${uri}' is not an MLflow artifacts URL (${ARTIFACTS_ROUTE}/…)` };
  }
  return { reason: `artifacts at ${parsed.protocol}// are not served by the MLflow server (${uri}); only mlflow-artifacts URIs are copied` };
}

/** `runs:/RUN_ID/path` → the run id and the path inside the run's artifacts; null for any other URI. */
export function parseRunsUri(uri: string): { runId: string; path: string } | null {
  const match = /^runs:\/+([^/]+)(?:\/(.*))?$/.exec(uri);
  return match ? { runId: match[1]!, path: (match[2] ?? "").replace(/^\/+|\/+$/g, "") } : null;
}

/** A listed name that could climb out of its directory is refused, as MLflow's client refuses it (validate_path_is_safe). */
function safeName(name: string): string {
  if (name === "" || name === "." || name === ".." || name.includes("/") || name.includes("\\") || name.includes("\0")) {
    throw new MlflowError(502, "BAD_LISTING", `the server listed an unsafe artifact name '${name}'`);
  }
  return name;
}

const encodePath = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/** JSON reads are small: one that takes this long is a stalled server, retried like a broken connection. */
const JSON_TIMEOUT_MS = 120_000;
/** A download that sends nothing for this long is stalled (a slow one still sends something every few seconds). */
const DOWNLOAD_IDLE_MS = 120_000;

export class MlflowClient {
  readonly url: string;
  private readonly retry: RetryOptions;

  private readonly downloadIdleMs: number;

  constructor(
    trackingUrl: string,
    private readonly authorization: string | undefined,
    options: { retry?: Partial<RetryOptions>; downloadIdleMs?: number } = {},
  ) {
    this.url = trackingUrl.replace(/\/+$/, "");
    this.retry = { ...DEFAULT_RETRY, ...options.retry, transient: isTransientMlflow };
    this.downloadIdleMs = options.downloadIdleMs ?? DOWNLOAD_IDLE_MS;
  }

  private headers(accept: string): Record<string, string> {
    return { Accept: accept, "User-Agent": `edgereg-cli/${cliVersion}`, ...(this.authorization ? { Authorization: this.authorization } : {}) };
  }

  /** GET of a JSON answer, retried on the network, 5xx and 429. */
  private getJson<T>(target: string): Promise<T> {
    return fromMlflow(async () => {
      const request = new Request(target, { headers: this.headers("application/json"), signal: AbortSignal.timeout(JSON_TIMEOUT_MS) });
      let response: Response;
      try {
        response = await nodeFetch(request);
      } catch (error) {
        if ((error as Error)?.name === "TimeoutError" || (error as Error)?.name === "AbortError") {
          throw new NetworkError(`no answer from ${new URL(target).host} within ${JSON_TIMEOUT_MS / 1000} s`, "ETIMEDOUT");
        }
        throw error;
      }
      if (!response.ok) throw await errorFrom(response);
      return (await response.json()) as T;
    }, this.retry, new URL(target).host);
  }

  private api(route: string, query: Record<string, string | undefined>): string {
    const params = new URLSearchParams();
    for (const [key, value] of Object.entries(query)) if (value !== undefined) params.set(key, value);
    return `${this.url}/api/2.0/mlflow/${route}?${params}`;
  }

  /** Every registered model, following `next_page_token` (SearchRegisteredModels; 1000 is the server's maximum page). */
  async *registeredModels(): AsyncGenerator<MlflowRegisteredModel> {
    let token: string | undefined;
    do {
      const page = await this.getJson<{ registered_models?: MlflowRegisteredModel[]; next_page_token?: string }>(
        this.api("registered-models/search", { max_results: "1000", page_token: token }),
      );
      yield* page.registered_models ?? [];
      token = page.next_page_token || undefined;
    } while (token);
  }

  /** Every version of one model, oldest first (SearchModelVersions with `name='…'`, paginated). */
  async modelVersions(name: string): Promise<MlflowModelVersion[]> {
    // MLflow's filter grammar takes either quote; a name holding both cannot be asked for.
    const quoted = name.includes("'") ? `"${name}"` : `'${name}'`;
    const found: MlflowModelVersion[] = [];
    let token: string | undefined;
    do {
      const page = await this.getJson<{ model_versions?: MlflowModelVersion[]; next_page_token?: string }>(
        this.api("model-versions/search", { filter: `name=${quoted}`, max_results: "10000", page_token: token }),
      );
      found.push(...(page.model_versions ?? []).filter((v) => v.name === name));
      token = page.next_page_token || undefined;
    } while (token);
    return found.sort((a, b) => Number(a.version) - Number(b.version));
  }

  async run(runId: string): Promise<MlflowRun> {
    return (await this.getJson<{ run?: MlflowRun }>(this.api("runs/get", { run_id: runId }))).run ?? {};
  }

  /** GetModelVersionDownloadUri: the version's storage location, else its source. */
  async downloadUri(name: string, version: string): Promise<string> {
    return (await this.getJson<{ artifact_uri?: string }>(this.api("model-versions/get-download-uri", { name, version }))).artifact_uri ?? "";
  }

  /**
   * Every file below the root, walking directories (the mlflow-artifacts list answers one level, names relative to
   * the listed directory: mlflow/server/handlers.py `_list_artifacts_mlflow_artifacts`).
   */
  async listFiles(root: ArtifactRoot): Promise<ListedFile[]> {
    const files: ListedFile[] = [];
    const walk = async (relative: string) => {
      const dir = [root.path, relative].filter(Boolean).join("/");
      const listing = await this.getJson<{ files?: { path: string; is_dir?: boolean; file_size?: number | string }[] }>(
        `${root.endpoint}?${new URLSearchParams({ path: dir })}`,
      );
      for (const entry of listing.files ?? []) {
        const path = [relative, safeName(entry.path)].filter(Boolean).join("/");
        if (entry.is_dir) await walk(path);
        else files.push({ path, size: entry.file_size === undefined ? null : Number(entry.file_size) });
      }
    };
    await walk("");
    return files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  }

  /**
   * Streams one file to `dest` while hashing it, never holding it in memory (retried whole on a broken transfer).
   * `onBytes` counts what arrives; a retry first takes back what the failed attempt counted.
   */
  async download(root: ArtifactRoot, path: string, dest: string, onBytes?: (n: number) => void): Promise<{ sha256: string; size: number }> {
    const target = `${root.endpoint}/${encodePath([root.path, path].filter(Boolean).join("/"))}`;
    let counted = 0;
    return fromMlflow(async () => {
      onBytes?.(-counted);
      counted = 0;
      // A transfer that stalls is cut after a while without bytes and retried, as a broken connection is.
      const idleMs = this.downloadIdleMs;
      const stalled = new AbortController();
      let timer = setTimeout(() => stalled.abort(), idleMs);
      const alive = () => {
        clearTimeout(timer);
        timer = setTimeout(() => stalled.abort(), idleMs);
      };
      try {
        const response = await nodeFetch(new Request(target, { headers: this.headers("*/*"), signal: stalled.signal }));
        if (!response.ok) throw await errorFrom(response);
        if (!response.body) throw new MlflowError(502, "EMPTY_BODY", `no body in the answer for ${path}`);
        const hash = createHash("sha256");
        let size = 0;
        const tap = new Transform({
          transform(chunk: Buffer, _encoding, done) {
            alive();
            hash.update(chunk);
            size += chunk.length;
            counted += chunk.length;
            onBytes?.(chunk.length);
            done(null, chunk);
          },
        });
        await pipeline(Readable.fromWeb(response.body as NodeReadableStream<Uint8Array>), tap, createWriteStream(dest));
        return { sha256: hash.digest("hex"), size };
      } catch (error) {
        if (stalled.signal.aborted) throw new NetworkError(`no bytes of ${path} for ${idleMs / 1000} s`, "ETIMEDOUT");
        throw error;
      } finally {
        clearTimeout(timer);
      }
    }, this.retry, new URL(target).host);
  }
}

async function errorFrom(response: Response): Promise<MlflowError> {
  const text = await response.text().catch(() => "");
  let body: { error_code?: unknown; message?: unknown } | null;
  try {
    body = JSON.parse(text) as { error_code?: unknown; message?: unknown } | null;
  } catch {
    body = null;
    // Proxies and auth layers in front of MLflow answer HTML or plain text.
  }
  const retryAfter = /^\d+$/.test(response.headers.get("Retry-After") ?? "") ? Number(response.headers.get("Retry-After")) : undefined;
  const code = typeof body?.error_code === "string" ? body.error_code : `HTTP_${response.status}`;
  const message = typeof body?.message === "string" ? body.message : text.slice(0, 200) || response.statusText || `HTTP ${response.status}`;
  return new MlflowError(response.status, code, message, retryAfter);
}
