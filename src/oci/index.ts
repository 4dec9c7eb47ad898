/**
 * The OCI door (docs/oci.md): the read side of the OCI Distribution Spec v1.1 under /v2/, so skopeo, oras, crane and
 * container runtimes pull every READY version as a CNCF ModelPack artifact. Tags are edgereg references resolved
 * by /v1/resolve's code; layers are the artifacts' own blobs, streamed by the /v1 download path.
 */
import type { Context } from "hono";
import { Hono } from "hono";
import { HTTPException } from "hono/http-exception";
import { bearerSecret, issueBearer, ociCredentials } from "../auth/oci-bearer";
import { principalOfRequest } from "../auth/middleware";
import { DomainError } from "../domain/errors";
import { emptyIndex, OCI_INDEX_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE, type Document } from "../domain/modelpack";
import { listPage, parseDigest, parseListWindow, parseOciReference, REPOSITORY_PATTERN, type ListWindow } from "../domain/oci";
import type { AppEnv } from "../env";
import { IMMUTABLE_CACHE_CONTROL, serveArtifact } from "../http/artifacts";
import { resolveFor } from "../http/resolve";
import { contextOf } from "../registry/context";
import { caseInsensitiveMatch, catalog, documentByDigest, layerBlob, modelTags, packageOf, recordPackage, repositoryModel } from "../registry/oci";
import { OciError, ociErrorBody, ociErrorOf, type OciErrorCode } from "./errors";

export const OCI_API = "/v2";
const SERVICE = "edgereg";

export const oci = new Hono<AppEnv>();

// OCI clients authenticate with an edgereg token as a bearer, a bearer from /v2/token, or Basic.
oci.use(`${OCI_API}/*`, async (c, next) => {
  c.set("credentials", await ociCredentials(c.req.header("Authorization"), c.env, bearerSecret(c.env), c.var.clock.now()));
  await next();
  c.header("Docker-Distribution-API-Version", "registry/2.0");
});

/** Runs a route, reading a missing thing as `unknown` (MANIFEST_UNKNOWN, BLOB_UNKNOWN…). */
const route =
  (unknown: OciErrorCode, handler: (c: Context<AppEnv>) => Promise<Response>) =>
  async (c: Context<AppEnv>): Promise<Response> => {
    try {
      return await handler(c);
    } catch (error) {
      throw ociErrorOf(error, unknown) ?? error;
    }
  };

// The version check: 200 to a caller with valid credentials, else the 401 that starts a client's token flow.
const versionCheck = route("UNAUTHORIZED", async (c) => {
  await contextOf(c);
  return c.json({}, 200);
});
oci.get(`${OCI_API}/`, versionCheck);
oci.get(OCI_API, versionCheck);

oci.get(`${OCI_API}/token`, route("UNAUTHORIZED", async (c) => {
  const secret = bearerSecret(c.env);
  if (secret === null) throw new OciError(404, "UNSUPPORTED", "this registry issues no bearers (no OCI_BEARER_SECRET or ADMIN_TOKEN); send an edgereg token as the bearer");
  // The credentials must name a live token now; the bearer then stands for it for a few minutes.
  await principalOfRequest(c);
  const issued = await issueBearer(c.var.credentials, secret, c.var.clock.now());
  if (!issued) throw new OciError(401, "UNAUTHORIZED", "send an edgereg token as the Basic password (any user name) or as a bearer");
  const issuedAt = new Date(c.var.clock.now()).toISOString();
  c.header("Cache-Control", "no-store");
  return c.json({ token: issued.token, access_token: issued.token, expires_in: issued.expiresIn, issued_at: issuedAt }, 200);
}));

oci.get(`${OCI_API}/_catalog`, route("NAME_UNKNOWN", async (c) => {
  const ctx = await contextOf(c);
  const window = listWindow(c);
  const page = listPage(await catalog(ctx), window);
  linkNext(c, `${OCI_API}/_catalog`, window, page);
  return c.json({ repositories: page.items }, 200);
}));

oci.get(`${OCI_API}/:name/manifests/:reference`, route("MANIFEST_UNKNOWN", async (c) => {
  const repository = param(c, "name");
  const raw = param(c, "reference");
  if (!raw.includes(":")) return manifestByTag(c, repository, raw);
  const ctx = await contextOf(c);
  const model = await repositoryModel(ctx, checkedRepository(repository));
  const digest = parseDigest(raw);
  const found = await documentByDigest(ctx, model, digest, baseOf(c));
  if (!found || found.document.mediaType !== OCI_MANIFEST_MEDIA_TYPE) throw new OciError(404, "MANIFEST_UNKNOWN", `no manifest ${digest} in repository '${repository}'`, { digest });
  return documentResponse(c, found.document, IMMUTABLE_CACHE_CONTROL, { "X-Model-Version": String(found.number), "X-Model-Semver": found.semver });
}));

/** Resolves the tag exactly as /v1/resolve resolves the same selector: one D1 round trip, the rollout's arm by routing key. */
async function manifestByTag(c: Context<AppEnv>, repository: string, tag: string): Promise<Response> {
  const resolveAs = (model: string) =>
    resolveFor(c, model, () => {
      checkedRepository(repository);
      const reference = parseOciReference(tag);
      if (reference.kind !== "tag") throw new Error("unreachable: a tag has no ':'");
      return { model, selector: reference.selector, path: null };
    });
  let result: Awaited<ReturnType<typeof resolveAs>>;
  try {
    result = await resolveAs(repository);
  } catch (error) {
    // A mixed-case model is pulled by its lowercase name: retry with the one model it can mean.
    const retry = error instanceof DomainError && (error.code === "FORBIDDEN" || (error.code === "NOT_FOUND" && (error.details as { reason?: string })?.reason === "no_model"));
    const name = retry ? await caseInsensitiveMatch(await contextOf(c), repository) : null;
    if (!name) throw error;
    result = await resolveAs(name);
  }
  const { resolved } = result;
  const pkg = await packageOf(resolved.view);
  // After the answer: the digests this pull hands out stay pullable whatever later changes the version's manifest.
  const recording = recordPackage(c.var.db, resolved.versionId, pkg, new Date(c.var.clock.now()).toISOString());
  if (recording) c.executionCtx.waitUntil(recording);
  const headers: Record<string, string> = { "X-Model-Version": String(resolved.view.number), "X-Model-Semver": resolved.view.semver };
  if (resolved.arm) headers["X-Rollout-Arm"] = resolved.arm;
  if (resolved.rolloutId) headers["X-Rollout-Id"] = resolved.rolloutId;
  // A tag may move with the next ref change: never kept by a cache; the digest names this exact answer.
  return documentResponse(c, pkg.manifest, "no-store", headers);
}

oci.get(`${OCI_API}/:name/blobs/:digest`, route("BLOB_UNKNOWN", async (c) => {
  const ctx = await contextOf(c);
  const model = await repositoryModel(ctx, checkedRepository(param(c, "name")));
  const digest = parseDigest(param(c, "digest"));
  const artifact = await layerBlob(ctx, model, digest.slice("sha256:".length));
  if (artifact) {
    const response = await serveArtifact(c, artifact, { cacheControl: IMMUTABLE_CACHE_CONTROL });
    if (response.status === 416) {
      const refusal = new OciError(416, "RANGE_INVALID", `the blob has ${artifact.size} bytes; the requested range lies outside it`, { size: artifact.size });
      return c.json(ociErrorBody(refusal), 416, { "Content-Range": response.headers.get("Content-Range") ?? `bytes */${artifact.size}` });
    }
    if (response.status === 200 || response.status === 206) response.headers.set("Content-Type", "application/octet-stream");
    response.headers.set("Docker-Content-Digest", digest);
    return response;
  }
  // Not an artifact: the config (or manifest) generated for one of the model's versions.
  const found = await documentByDigest(ctx, model, digest, baseOf(c));
  if (!found) throw new OciError(404, "BLOB_UNKNOWN", `no blob ${digest} in repository '${model.name}'`, { digest });
  return documentResponse(c, found.document, IMMUTABLE_CACHE_CONTROL);
}));

oci.get(`${OCI_API}/:name/tags/list`, route("NAME_UNKNOWN", async (c) => {
  const ctx = await contextOf(c);
  const repository = checkedRepository(param(c, "name"));
  const model = await repositoryModel(ctx, repository);
  const window = listWindow(c);
  const page = listPage(await modelTags(ctx, model), window);
  linkNext(c, `${OCI_API}/${repository}/tags/list`, window, page);
  c.header("Cache-Control", "no-store");
  return c.json({ name: repository, tags: page.items }, 200);
}));

oci.get(`${OCI_API}/:name/referrers/:digest`, route("MANIFEST_UNKNOWN", async (c) => {
  const ctx = await contextOf(c);
  await repositoryModel(ctx, checkedRepository(param(c, "name")));
  parseDigest(param(c, "digest"));
  // Nothing refers to a version's manifest (yet): the spec's answer is an empty index, not a 404.
  if (c.req.query("artifactType") !== undefined) c.header("OCI-Filters-Applied", "artifactType");
  return c.body(JSON.stringify(emptyIndex()), 200, { "Content-Type": OCI_INDEX_MEDIA_TYPE });
}));

// Pushes, deletes and repository names with "/" (no model has one).
oci.all(`${OCI_API}/*`, route("NAME_UNKNOWN", async (c) => {
  await contextOf(c);
  if (c.req.method !== "GET" && c.req.method !== "HEAD") {
    throw new OciError(405, "UNSUPPORTED", `edgereg's OCI registry is read-only: publish versions with the /v1 API or the edgereg CLI`);
  }
  throw new OciError(404, "NAME_UNKNOWN", `no repository or route for ${c.req.path}: repositories are model names (one path segment)`);
}));

oci.onError((error, c) => {
  const known = ociErrorOf(error) ?? (error instanceof HTTPException && error.status < 500 ? new OciError(400, "UNSUPPORTED", error.message) : null);
  if (!known) {
    console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(error), stack: (error as Error).stack }));
    return c.json({ errors: [{ code: "UNKNOWN", message: `internal error; request id ${c.get("requestId")} identifies it in the logs` }] }, 500);
  }
  const response = c.json(ociErrorBody(known), known.status);
  if (known.status === 401) response.headers.set("WWW-Authenticate", challenge(c));
  return response;
});

/** The challenge that sends a client to the token endpoint, with the scope it will need. */
function challenge(c: Context<AppEnv>): string {
  if (c.req.path === `${OCI_API}/token`) return `Basic realm="${SERVICE}"`;
  const name = /^\/v2\/([^/]+)\/(manifests|blobs|tags|referrers)\//.exec(c.req.path)?.[1];
  const scope = name ? `,scope="repository:${name}:pull"` : "";
  return `Bearer realm="${baseOf(c)}${OCI_API}/token",service="${SERVICE}"${scope}`;
}

function checkedRepository(name: string): string {
  if (REPOSITORY_PATTERN.test(name)) return name;
  const lower = name.toLowerCase();
  const hint = REPOSITORY_PATTERN.test(lower) ? `; repository names are lowercase: pull '${lower}'` : "";
  throw new OciError(400, "NAME_INVALID", `'${name}' is not a valid repository name${hint}`, { name });
}

function listWindow(c: Context<AppEnv>): ListWindow {
  return parseListWindow(c.req.query("n"), c.req.query("last"));
}

/** RFC 5988 Link to the next page, as the spec's pagination asks. */
function linkNext(c: Context<AppEnv>, path: string, window: ListWindow, page: { items: string[]; more: boolean }) {
  const last = page.items[page.items.length - 1];
  if (page.more && last !== undefined) c.header("Link", `<${path}?n=${window.n}&last=${encodeURIComponent(last)}>; rel="next"`);
}

/** A generated manifest or config: its exact bytes, digest headers and Content-Length; HEAD gets the headers alone. */
function documentResponse(c: Context<AppEnv>, document: Document, cacheControl: string, extra: Record<string, string> = {}): Response {
  const headers = new Headers({
    ...extra,
    "Content-Type": document.mediaType,
    "Content-Length": String(document.bytes.length),
    "Docker-Content-Digest": document.digest,
    ETag: `"${document.digest}"`,
    "Cache-Control": cacheControl,
  });
  return new Response(c.req.method === "HEAD" ? null : document.bytes, { status: 200, headers });
}

const baseOf = (c: Context) => new URL(c.req.url).origin;

/** Path parameters, percent-decoded by the router. */
const param = (c: Context<AppEnv>, name: string) => c.req.param(name) ?? "";
