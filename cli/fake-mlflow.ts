/**
 * A fake MLflow tracking and registry server, in memory on node:http, for the tests and the benchmark of
 * `edgereg import mlflow`. It answers exactly the routes the import reads, in the shapes MLflow's own server gives:
 *
 * - routes and parameters: https://mlflow.org/docs/latest/rest-api.html and mlflow/server/handlers.py
 *   (`_search_registered_models`, `_get_registered_model`, `_search_model_versions`, `_get_model_version`,
 *   `_get_model_version_download_uri`, `_get_run`, `_list_artifacts_mlflow_artifacts`, `_download_artifact`);
 * - messages: mlflow/protos/model_registry.proto (RegisteredModel, ModelVersion, RegisteredModelAlias),
 *   mlflow/protos/service.proto (Run, RunInfo, RunData, Metric, Param, FileInfo), encoded as
 *   mlflow/utils/proto_json_utils.py `message_to_json` does: snake_case, int64 as JSON numbers, unset fields and
 *   empty repeated fields left out, non-finite doubles as "NaN" / "Infinity" / "-Infinity";
 * - errors: mlflow/exceptions.py `MlflowException.serialize_as_json` → `{"error_code", "message"}` with the status of
 *   mlflow/protos/databricks.proto's code (RESOURCE_DOES_NOT_EXIST 404, INVALID_PARAMETER_VALUE 400);
 * - page tokens: mlflow/utils/search_utils.py `SearchUtils.create_page_token`, base64 of `{"offset": N}`.
 *
 * What it adds for tests: a page cap (a real server may answer fewer items than max_results), injected failures,
 * a required Authorization header, a log of requests, and artifacts whose bytes are generated as they are read.
 */
import { createHash, randomBytes } from "node:crypto";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { Readable } from "node:stream";

/** Bytes held in memory, or a size and a way to read them (a 1 GiB artifact is never held whole). */
export type FakeArtifact = Buffer | { size: number; open(): Readable };

export interface FakeMetric {
  key: string;
  value: number;
  timestamp?: number;
  step?: number;
}

interface RegisteredModel {
  name: string;
  description: string;
  tags: Map<string, string>;
  aliases: Map<string, string>;
  versions: Map<string, ModelVersion>;
  created: number;
  updated: number;
  /** MLflow never reuses a number while a higher one exists; deleted ones leave gaps. */
  highest: number;
}

interface ModelVersion {
  version: string;
  description: string;
  tags: Map<string, string>;
  source: string;
  /** What get-download-uri answers before the source (model_registry sqlalchemy_store `storage_location or source`). */
  storageLocation?: string;
  runId?: string;
  stage: string;
  status: string;
  created: number;
  updated: number;
}

interface Run {
  runId: string;
  experimentId: string;
  artifactUri: string;
  metrics: FakeMetric[];
  params: Map<string, string>;
  started: number;
}

export interface VersionInput {
  source: string;
  run_id?: string;
  description?: string;
  tags?: Record<string, string>;
  /** MLflow's current_stage: None (default), Staging, Production, Archived. */
  stage?: string;
  /** Set, the download URI differs from the source (a `runs:/` source resolved when the version was created). */
  storage_location?: string;
  status?: string;
}

export interface RecordedRequest {
  method: string;
  path: string;
  authorization: string | undefined;
}

const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

/** databricks.proto's codes as MLflow's server maps them to HTTP statuses (mlflow/exceptions.py ERROR_CODE_TO_HTTP_STATUS). */
class FakeError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
  ) {
    super(message);
  }
}
const notFound = (message: string) => new FakeError(404, "RESOURCE_DOES_NOT_EXIST", message);
const invalid = (message: string) => new FakeError(400, "INVALID_PARAMETER_VALUE", message);

export class FakeMlflow {
  readonly requests: RecordedRequest[] = [];
  /** At most this many items per page, whatever max_results asks (edgereg's own MLflow door caps pages at 1000). */
  pageCap = Number.POSITIVE_INFINITY;
  /** When set, a request without exactly this Authorization header is answered 401. */
  requireAuthorization: string | undefined;
  url = "";
  private server?: Server;
  private readonly models = new Map<string, RegisteredModel>();
  private readonly runs = new Map<string, Run>();
  /** The mlflow-artifacts store: full path (no leading "/") → bytes. */
  private readonly artifacts = new Map<string, FakeArtifact>();
  private readonly failures: { prefix: string; status: number; remaining: number }[] = [];
  private readonly stalls: { prefix: string; remaining: number }[] = [];
  private clock = 1_700_000_000_000;

  async start(port = 0): Promise<this> {
    this.server = createServer((req, res) => {
      this.handle(req, res).catch((error: unknown) => {
        if (!res.headersSent) this.fail(res, error instanceof FakeError ? error : new FakeError(500, "INTERNAL_ERROR", String(error)));
        else res.destroy();
      });
    });
    await new Promise<void>((ok) => this.server!.listen(port, "127.0.0.1", ok));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  async stop(): Promise<void> {
    if (!this.server) return;
    this.server.closeAllConnections();
    await new Promise((ok) => this.server!.close(ok));
  }

  // ---- building the server's state ----

  createRegisteredModel(name: string, options: { description?: string; tags?: Record<string, string> } = {}): void {
    const now = this.tick();
    this.models.set(name, {
      name,
      description: options.description ?? "",
      tags: new Map(Object.entries(options.tags ?? {})),
      aliases: new Map(),
      versions: new Map(),
      created: now,
      updated: now,
      highest: 0,
    });
  }

  /** A new version numbered after the highest one ever created; answers its number. */
  createModelVersion(name: string, input: VersionInput): number {
    const model = this.model(name);
    const number = ++model.highest;
    const now = this.tick();
    model.versions.set(String(number), {
      version: String(number),
      description: input.description ?? "",
      tags: new Map(Object.entries(input.tags ?? {})),
      source: input.source,
      storageLocation: input.storage_location,
      runId: input.run_id,
      stage: input.stage ?? "None",
      status: input.status ?? "READY",
      created: now,
      updated: now,
    });
    model.updated = now;
    return number;
  }

  deleteModelVersion(name: string, version: number): void {
    const model = this.model(name);
    model.versions.delete(String(version));
    for (const [alias, target] of model.aliases) if (target === String(version)) model.aliases.delete(alias);
  }

  setAlias(name: string, alias: string, version: number): void {
    this.model(name).aliases.set(alias, String(version));
  }

  setModelVersionTag(name: string, version: number, key: string, value: string): void {
    const model = this.model(name);
    const found = this.version(model, String(version));
    found.tags.set(key, value);
    found.updated = this.tick();
  }

  /** A run whose artifact root is on the mlflow-artifacts store (`mlflow server --serve-artifacts`, the default since 2.0). */
  createRun(options: { metrics?: FakeMetric[]; params?: Record<string, string>; experimentId?: string } = {}): string {
    const runId = randomBytes(16).toString("hex");
    const experimentId = options.experimentId ?? "0";
    this.runs.set(runId, {
      runId,
      experimentId,
      artifactUri: `mlflow-artifacts:/${experimentId}/${runId}/artifacts`,
      metrics: options.metrics ?? [],
      params: new Map(Object.entries(options.params ?? {})),
      started: this.tick(),
    });
    return runId;
  }

  /** The artifact URI of a run's directory (what `mlflow.register_model("runs:/…")` stores as the version's source). */
  runArtifactUri(runId: string, path = ""): string {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    return path ? `${run.artifactUri}/${path}` : run.artifactUri;
  }

  /** Stores a file under a run's artifact root. */
  logArtifact(runId: string, path: string, content: FakeArtifact): void {
    const run = this.runs.get(runId);
    if (!run) throw new Error(`no run ${runId}`);
    this.putArtifact(`${run.experimentId}/${runId}/artifacts/${path}`, content);
  }

  /** Stores a file at a full path of the mlflow-artifacts store. */
  putArtifact(path: string, content: FakeArtifact): void {
    this.artifacts.set(path.replace(/^\/+/, ""), content);
  }

  /** The next `times` requests whose path starts with `prefix` fail with `status` (then they succeed again). */
  failNext(prefix: string, status: number, times = 1): void {
    this.failures.push({ prefix, status, remaining: times });
  }

  /** The next `times` downloads whose path starts with `prefix` send half their bytes, then nothing, never ending. */
  stallNext(prefix: string, times = 1): void {
    this.stalls.push({ prefix, remaining: times });
  }

  /** Requests so far whose path starts with `prefix`. */
  requestsTo(prefix: string): RecordedRequest[] {
    return this.requests.filter((r) => r.path.startsWith(prefix));
  }

  // ---- serving ----

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const url = new URL(req.url ?? "/", "http://fake");
    this.requests.push({ method: req.method ?? "GET", path: url.pathname + url.search, authorization: req.headers.authorization });
    req.resume();
    if (this.requireAuthorization !== undefined && req.headers.authorization !== this.requireAuthorization) {
      // mlflow/server/auth answers 401 with a WWW-Authenticate challenge when credentials are missing or wrong.
      res.setHeader("WWW-Authenticate", 'Basic realm="mlflow"');
      throw new FakeError(401, "UNAUTHENTICATED", "You are not authenticated. Please see https://www.mlflow.org/docs/latest/auth/index.html");
    }
    const failure = this.failures.find((f) => f.remaining > 0 && url.pathname.startsWith(f.prefix));
    if (failure) {
      failure.remaining--;
      throw new FakeError(failure.status, failure.status === 429 ? "REQUEST_LIMIT_EXCEEDED" : "TEMPORARILY_UNAVAILABLE", "injected failure");
    }
    if (req.method !== "GET") throw new FakeError(405, "ENDPOINT_NOT_FOUND", `${req.method} is not served by this fake`);
    const q = url.searchParams;
    const route = url.pathname;
    if (route === "/api/2.0/mlflow/registered-models/search") return this.json(res, this.searchRegisteredModels(q));
    if (route === "/api/2.0/mlflow/registered-models/get") return this.json(res, { registered_model: this.registeredModelJson(this.model(required(q, "name"))) });
    if (route === "/api/2.0/mlflow/model-versions/search") return this.json(res, this.searchModelVersions(q));
    if (route === "/api/2.0/mlflow/model-versions/get") {
      const model = this.model(required(q, "name"));
      return this.json(res, { model_version: this.modelVersionJson(model, this.version(model, required(q, "version"))) });
    }
    if (route === "/api/2.0/mlflow/model-versions/get-download-uri") {
      const version = this.version(this.model(required(q, "name")), required(q, "version"));
      return this.json(res, { artifact_uri: version.storageLocation ?? version.source });
    }
    if (route === "/api/2.0/mlflow/runs/get") return this.json(res, { run: this.runJson(this.run(q.get("run_id") || q.get("run_uuid") || "")) });
    if (route === ARTIFACTS) return this.json(res, this.listArtifacts(q.get("path") ?? ""));
    if (route.startsWith(`${ARTIFACTS}/`)) {
      const stall = this.stalls.find((s) => s.remaining > 0 && route.startsWith(s.prefix));
      if (stall) stall.remaining--;
      return this.downloadArtifact(res, decodeURIComponent(route.slice(ARTIFACTS.length + 1)), Boolean(stall));
    }
    throw new FakeError(404, "ENDPOINT_NOT_FOUND", `No API endpoint for ${route}`);
  }

  /** SearchRegisteredModels: ordered by name (its default), max_results default 100 and at most 1000. */
  private searchRegisteredModels(q: URLSearchParams) {
    if (q.get("filter")) throw invalid("this fake answers registered-models/search without a filter only");
    const maxResults = maxResultsOf(q, 100, 1000);
    const models = [...this.models.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
    const { page, next } = this.paginate(models, q.get("page_token"), maxResults);
    return { registered_models: page.map((m) => this.registeredModelJson(m)), next_page_token: next };
  }

  /** SearchModelVersions: `name='X'` (either quote), max_results default 10000 and at most 200000, newest first. */
  private searchModelVersions(q: URLSearchParams) {
    const filter = q.get("filter") ?? "";
    const match = /^\s*name\s*=\s*(?:'([^']*)'|"([^"]*)")\s*$/.exec(filter);
    if (filter && !match) throw invalid(`this fake parses only name='…' filters, not ${filter}`);
    const maxResults = maxResultsOf(q, 10_000, 200_000);
    const name = match ? (match[1] ?? match[2]) : undefined;
    const models = name === undefined ? [...this.models.values()] : this.models.has(name) ? [this.models.get(name)!] : [];
    // MLflow's default order is last_updated_timestamp DESC; a reader must not rely on any order.
    const versions = models.flatMap((m) => [...m.versions.values()].map((v) => ({ m, v }))).sort((a, b) => b.v.updated - a.v.updated || Number(b.v.version) - Number(a.v.version));
    const { page, next } = this.paginate(versions, q.get("page_token"), maxResults);
    return { model_versions: page.map(({ m, v }) => this.modelVersionJson(m, v)), next_page_token: next };
  }

  private paginate<T>(items: T[], token: string | null, maxResults: number): { page: T[]; next: string | undefined } {
    let offset = 0;
    if (token) {
      try {
        offset = Number((JSON.parse(Buffer.from(token, "base64").toString("utf8")) as { offset: unknown }).offset);
      } catch {
        throw invalid("Invalid page token, could not base64-decode");
      }
      if (!Number.isInteger(offset) || offset < 0) throw invalid("Invalid page token, offset must be a non-negative integer");
    }
    const size = Math.min(maxResults, this.pageCap);
    const page = items.slice(offset, offset + size);
    const next = offset + size < items.length ? Buffer.from(JSON.stringify({ offset: offset + size })).toString("base64") : undefined;
    return { page, next };
  }

  /** LocalArtifactRepository semantics: a missing directory lists as nothing; names are base names (handlers.py). */
  private listArtifacts(path: string) {
    const dir = path.replace(/^\/+|\/+$/g, "");
    if (dir.split("/").includes("..")) throw invalid(`Invalid path: ${path}`);
    const prefix = dir ? `${dir}/` : "";
    const entries = new Map<string, { path: string; is_dir: boolean; file_size?: number }>();
    for (const [full, content] of this.artifacts) {
      if (!full.startsWith(prefix)) continue;
      const rest = full.slice(prefix.length);
      const slash = rest.indexOf("/");
      if (slash < 0) entries.set(rest, { path: rest, is_dir: false, file_size: sizeOf(content) });
      else entries.set(rest.slice(0, slash), { path: rest.slice(0, slash), is_dir: true });
    }
    const files = [...entries.values()].sort((a, b) => (a.path < b.path ? -1 : 1));
    return files.length ? { files } : {};
  }

  private downloadArtifact(res: ServerResponse, path: string, stall = false): void {
    if (path.split("/").includes("..")) throw invalid(`Invalid path: ${path}`);
    const content = this.artifacts.get(path);
    if (!content) throw notFound(`No such file or directory: '${path}'`);
    const name = path.split("/").pop()!;
    res.writeHead(200, {
      "Content-Type": "application/octet-stream",
      "Content-Disposition": `attachment; filename=${name}`,
      "Content-Length": String(sizeOf(content)),
    });
    if (stall) {
      // Headers and half the body, then silence: a connection that hangs mid-transfer.
      const bytes = Buffer.isBuffer(content) ? content : Buffer.alloc(0);
      res.write(bytes.subarray(0, Math.floor(bytes.length / 2)));
      return;
    }
    if (Buffer.isBuffer(content)) res.end(content);
    else content.open().pipe(res);
  }

  private registeredModelJson(m: RegisteredModel) {
    // latest_versions: the newest version of each stage (GetLatestVersions' rule), as the search answer embeds them.
    const latest = new Map<string, ModelVersion>();
    for (const v of m.versions.values()) if (!latest.has(v.stage) || Number(latest.get(v.stage)!.version) < Number(v.version)) latest.set(v.stage, v);
    return omitEmpty({
      name: m.name,
      creation_timestamp: m.created,
      last_updated_timestamp: m.updated,
      description: m.description || undefined,
      latest_versions: [...latest.values()].map((v) => this.modelVersionJson(m, v, false)),
      tags: [...m.tags].map(([key, value]) => ({ key, value })),
      aliases: [...m.aliases].map(([alias, version]) => ({ alias, version })),
    });
  }

  private modelVersionJson(m: RegisteredModel, v: ModelVersion, withAliases = true) {
    return omitEmpty({
      name: m.name,
      version: v.version,
      creation_timestamp: v.created,
      last_updated_timestamp: v.updated,
      current_stage: v.stage,
      description: v.description,
      source: v.source,
      run_id: v.runId,
      status: v.status,
      tags: [...v.tags].map(([key, value]) => ({ key, value })),
      aliases: withAliases ? [...m.aliases].filter(([, target]) => target === v.version).map(([alias]) => alias) : [],
    });
  }

  private runJson(r: Run) {
    return {
      info: { run_id: r.runId, run_uuid: r.runId, experiment_id: r.experimentId, status: "FINISHED", start_time: r.started, artifact_uri: r.artifactUri, lifecycle_stage: "active" },
      data: omitEmpty({
        metrics: r.metrics.map((m) => ({ key: m.key, value: protoDouble(m.value), timestamp: m.timestamp ?? r.started, step: m.step ?? 0 })),
        params: [...r.params].map(([key, value]) => ({ key, value })),
      }),
    };
  }

  private model(name: string): RegisteredModel {
    const model = this.models.get(name);
    if (!model) throw notFound(`Registered Model with name=${name} not found`);
    return model;
  }

  private version(model: RegisteredModel, version: string): ModelVersion {
    const found = model.versions.get(version);
    if (!found) throw notFound(`Model Version (name=${model.name}, version=${version}) not found`);
    return found;
  }

  private run(runId: string): Run {
    const run = this.runs.get(runId);
    if (!run) throw notFound(`Run with id=${runId} not found`);
    return run;
  }

  private json(res: ServerResponse, body: unknown): void {
    const text = JSON.stringify(body);
    res.writeHead(200, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private fail(res: ServerResponse, error: FakeError): void {
    const text = JSON.stringify({ error_code: error.code, message: error.message });
    res.writeHead(error.status, { "Content-Type": "application/json", "Content-Length": Buffer.byteLength(text) });
    res.end(text);
  }

  private tick(): number {
    return (this.clock += 1000);
  }
}

function required(q: URLSearchParams, name: string): string {
  const value = q.get(name);
  if (!value) throw invalid(`Missing value for required parameter '${name}'.`);
  return value;
}

/** handlers.py `_assert_intlike` and `_assert_less_than_or_equal` on max_results. */
function maxResultsOf(q: URLSearchParams, fallback: number, max: number): number {
  const text = q.get("max_results");
  if (text === null) return fallback;
  const n = Number(text);
  if (!Number.isInteger(n) || n <= 0) throw invalid(`Invalid value ${text} for parameter 'max_results' supplied.`);
  if (n > max) throw invalid(`Invalid value ${text} for parameter 'max_results' supplied. It must be at most ${max}, but got value ${n}`);
  return n;
}

/** proto3 JSON's spelling of doubles JSON cannot hold (google.protobuf.json_format). */
function protoDouble(value: number): number | string {
  if (Number.isNaN(value)) return "NaN";
  if (value === Number.POSITIVE_INFINITY) return "Infinity";
  if (value === Number.NEGATIVE_INFINITY) return "-Infinity";
  return value;
}

/** message_to_json leaves unset fields and empty repeated fields out. */
function omitEmpty<T extends Record<string, unknown>>(message: T): Partial<T> {
  return Object.fromEntries(Object.entries(message).filter(([, v]) => v !== undefined && !(Array.isArray(v) && v.length === 0))) as Partial<T>;
}

const sizeOf = (content: FakeArtifact) => (Buffer.isBuffer(content) ? content.length : content.size);

const MiB = 1024 * 1024;

/**
 * `size` bytes generated as they are read, the same for the same seed: 1 MiB of pseudo-random bytes derived from the
 * seed, each block stamped with its index so no two blocks are equal. Nothing is held beyond one block.
 */
export function generatedArtifact(size: number, seed: string): { size: number; open(): Readable } {
  const block = Buffer.alloc(MiB);
  for (let at = 0; at < MiB; at += 32) createHash("sha256").update(`${seed}:${at}`).digest().copy(block, at);
  return {
    size,
    open() {
      let offset = 0;
      return new Readable({
        read() {
          if (offset >= size) return void this.push(null);
          const chunk = Buffer.from(block.subarray(0, Math.min(MiB, size - offset)));
          if (chunk.length >= 4) chunk.writeUInt32LE((offset / MiB) >>> 0, 0);
          offset += chunk.length;
          this.push(chunk);
        },
      });
    },
  };
}
