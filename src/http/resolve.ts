/**
 * Reference resolution (DESIGN §3–§6): `GET /v1/resolve?ref=models:/…` and the one-hop download
 * `GET /v1/r/NAME/REF/PATH`. Both read D1 in one round trip, token check included, at the primary unless the caller
 * passes a bookmark (x-d1-bookmark) or the deployment allows bounded staleness, and answer `Cache-Control: no-store`,
 * so in strict mode a ref move, rollback, promote or abort shows in the very next response.
 */
import { createRoute, z } from "@hono/zod-openapi";
import type { Context } from "hono";
import { authorize, principalOfRequest, unauthenticated } from "../auth/middleware";
import { routingKey } from "../domain/canary";
import { isoAt } from "../domain/clock";
import { badRequest } from "../domain/errors";
import { MODEL_NAME_PATTERN } from "../domain/names";
import { formatReference, MAX_ARTIFACT_PATH_BYTES, MAX_REFERENCE_LENGTH, parseReference, parseSelector, type ModelReference } from "../domain/reference";
import type { AppEnv } from "../env";
import { principalOf, readResolution, resolveCacheKey, resolvedAt, resolvedFrom, touchTokenIfStale, type Resolved, type ResolvedAt } from "../registry/resolve";
import { decodeArtifactPath, serveArtifact } from "./artifacts";
import { baseUrl, errorsFor, json, ModelNameParam, router } from "./openapi";
import { Artifact, Version } from "./schemas";

export const resolve = router();

export const Resolution = Version.extend({
  reference: z.string().openapi({ description: "The reference as parsed, in canonical form", example: "models:/flight_delay/Production" }),
  ref: z
    .string()
    .nullable()
    .openapi({ description: "The ref the answer went through (Production, Staging or an alias); null for numbers, semvers, ranges and latest" }),
  arm: z.enum(["stable", "candidate"]).nullable().openapi({ description: "Which arm of the ref's active rollout answered; null without a rollout" }),
  rollout_id: z.string().nullable(),
  artifact: Artifact.nullable().openapi({ description: "The artifact the reference's trailing path names, if it has one" }),
  at: z.string().optional().openapi({ description: "Point-in-time resolve only: the instant answered (also X-Resolved-At)" }),
  ref_version: z
    .number()
    .nullable()
    .optional()
    .openapi({ description: "Point-in-time resolve only: what the ref pointed to then (the stable arm under a rollout); null for other selectors" }),
  rollout: z
    .object({ id: z.string(), weight: z.number(), salt: z.string(), stable_version: z.number(), candidate_version: z.number() })
    .nullable()
    .optional()
    .openapi({ description: "Point-in-time resolve only: the rollout running on the ref then, with its weight then" }),
}).openapi("Resolution");

const AtQuery = z.iso
  .datetime({ offset: true })
  .optional()
  .openapi({ description: "Resolve as of this instant (ISO-8601), from the recorded history; not in the future", example: "2026-11-30T12:00:00Z" });

/** The instant a point-in-time resolve answers, in the stored form (UTC, milliseconds); the future is a 400. */
function instantOf(raw: string | undefined, nowMs: number): string | undefined {
  if (raw === undefined) return undefined;
  const ms = Date.parse(raw);
  if (!AtQuery.safeParse(raw).success || Number.isNaN(ms)) {
    throw badRequest("at must be an ISO-8601 date-time such as 2026-11-30T12:00:00Z", { field: "at" });
  }
  if (ms > nowMs) throw badRequest(`at (${isoAt(ms)}) is in the future; history ends now (${isoAt(nowMs)})`, { field: "at", now: isoAt(nowMs) });
  return isoAt(ms);
}

const RoutingKeyQuery = z
  .string()
  .max(1024)
  .optional()
  .openapi({ description: "Routing key for a rollout's split when no X-Routing-Key header is sent (else the client address)" });

const resolutionHeaders = {
  "X-Model-Version": { schema: { type: "integer" as const }, description: "The version number" },
  "X-Resolve-Consistency": {
    schema: { type: "string" as const, enum: ["strong", "cached"] },
    description: "strong: read from D1 for this request; cached: from the isolate's memory (RESOLVE_MAX_STALENESS_MS)",
  },
  "X-D1-Consistency": {
    schema: { type: "string" as const, enum: ["strict", "session", "bounded"] },
    description:
      "strict: read at D1's primary; session: at a replica at least as fresh as the x-d1-bookmark sent; bounded: through the isolate's memory, at most RESOLVE_MAX_STALENESS_MS old",
  },
  "x-d1-bookmark": {
    schema: { type: "string" as const },
    description: "D1's bookmark after this answer's reads; send it back (header or ?bookmark=) to read at least this fresh next time",
  },
  "X-Resolve-Age-Ms": { schema: { type: "integer" as const }, description: "How old the answer is; never above RESOLVE_MAX_STALENESS_MS" },
  "X-Model-Semver": { schema: { type: "string" as const }, description: "The version's semver" },
  "X-Rollout-Arm": { schema: { type: "string" as const, enum: ["stable", "candidate"] }, description: "Only under a rollout" },
  "X-Rollout-Id": { schema: { type: "string" as const }, description: "Only under a rollout" },
  "X-Resolved-At": { schema: { type: "string" as const }, description: "Only with ?at=: the instant answered (UTC)" },
  "X-Model-Renamed-To": {
    schema: { type: "string" as const },
    description: "Only when the reference used a former name of a renamed model: the model's current name (update the reference)",
  },
};

resolve.openapi(
  createRoute({
    method: "get",
    path: "/v1/resolve",
    tags: ["resolve"],
    summary: "Resolve a models:/ reference to the version it names now",
    description:
      "Forms: models:/NAME/Production, /Staging, models:/NAME@ALIAS, /7, /2.1.0, a semver range (^2.1, ~2.1.3, >=1.2 <2: " +
      "the highest READY, non-archived version in it), /latest (the highest READY, non-archived number), each with an " +
      "optional trailing artifact path. One D1 round trip, never cached (Cache-Control: no-store). Under a rollout on " +
      "the ref, the routing key (X-Routing-Key, else ?key=, else the client address) picks the arm. HEAD answers the " +
      "same headers without a body. With ?at=ISO-TIME the answer is what the reference resolved to at that instant " +
      "(the ref's target, the rollout running then with its weight and salt, and the arm the routing key got), with " +
      "X-Resolved-At; a time before the model existed is a 404 (reason before_model), a time in the future a 400.",
    request: {
      query: z.object({
        ref: z
          .string({ error: (issue) => (issue.input === undefined ? "the ref query parameter is missing: add ?ref=models:/NAME/Production (or another reference)" : undefined) })
          .max(MAX_REFERENCE_LENGTH)
          .openapi({ example: "models:/flight_delay/Production" }),
        key: RoutingKeyQuery,
        at: AtQuery,
      }),
      // Hono validates header names in lower case.
      headers: z.object({
        "x-routing-key": z.string().max(1024).optional().openapi({ description: "The routing key for a rollout's split" }),
        "x-d1-bookmark": z
          .string()
          .max(128)
          .optional()
          .openapi({ description: "A bookmark from an earlier answer: read at least that fresh (session consistency), on any D1 replica" }),
      }),
    },
    responses: {
      200: { ...json(Resolution, "The version, its artifacts and the rollout arm that answered"), headers: resolutionHeaders },
      ...errorsFor(400, 401, 403, 404),
    },
  }),
  async (c) => {
    const { ref, at } = c.req.valid("query");
    const { reference, resolved, consistency } = await resolveFor(c, undefined, () => parseReference(ref), at);
    const pointInTime = "at" in resolved ? { at: resolved.at, ref_version: resolved.refVersion, rollout: resolved.rollout } : {};
    return c.json(
      {
        ...resolved.view,
        reference: formatReference(reference),
        ref: resolved.ref,
        arm: resolved.arm,
        rollout_id: resolved.rolloutId,
        artifact: resolved.artifact?.view ?? null,
        ...pointInTime,
      },
      200,
      noStoreHeaders(resolved, consistency, reference.model),
    );
  },
);

/** Segments before the artifact path: "", v1, r, NAME, REF. */
const ONE_HOP_PATH_OFFSET = 5;

// Artifact paths contain "/", so this is a plain wildcard route, documented below with registerPath.
// Hono answers HEAD with it too; serveArtifact then skips R2.
resolve.get("/v1/r/:name/:ref/*", async (c) => {
  const segments = new URL(c.req.url).pathname.split("/");
  // Model names never need percent-encoding; anything else in the segment fails the name check.
  const name = segments[3]!;
  const { reference, resolved, consistency } = await resolveFor(c, name, () => {
    if (!MODEL_NAME_PATTERN.test(name)) throw badRequest(`'${name}' is not a valid model name`, { field: "name" });
    const selector = parseSelector(decodeSegment(segments[4]!, "ref"));
    return { model: name, selector, path: decodeArtifactPath(segments.slice(ONE_HOP_PATH_OFFSET)) };
  }, c.req.query("at"));
  const artifact = resolved.artifact!;
  const response = await serveArtifact(c, artifact.row, { cacheControl: "no-store", contentLocation: artifact.view.url });
  setResolutionHeaders(response.headers, resolved, consistency, reference.model);
  return response;
});

const oneHop = {
  tags: ["resolve"] as string[],
  description:
    "Resolves REF (Production, Staging, @alias, 7, 2.1.0, latest, or a URL-encoded range such as %5E2.1) like " +
    "/v1/resolve and streams the artifact in the same request, with Range and ETag as the by-version download. " +
    "Cache-Control: no-store (the ref may move); Content-Location names the immutable by-version URL.",
  request: {
    params: z.object({
      name: ModelNameParam,
      ref: z.string().max(MAX_REFERENCE_LENGTH).openapi({ param: { name: "ref", in: "path" }, example: "Production" }),
      path: z
        .string()
        .max(3 * MAX_ARTIFACT_PATH_BYTES)
        .openapi({ param: { name: "path", in: "path" }, description: "Artifact path; may contain '/' (at most 512 bytes once decoded)", example: "model.onnx" }),
    }),
    query: z.object({ key: RoutingKeyQuery, at: AtQuery }),
  },
  responses: {
    200: {
      description: "The artifact's bytes",
      headers: { ...resolutionHeaders, "Content-Location": { schema: { type: "string" as const }, description: "The immutable by-version URL" } },
      content: { "application/octet-stream": { schema: z.string().openapi({ format: "binary" }) } },
    },
    206: { description: "The requested range" },
    ...errorsFor(400, 401, 403, 404),
  },
} as const;
resolve.openAPIRegistry.registerPath({ method: "get", path: "/v1/r/{name}/{ref}/{path}", summary: "Resolve a ref and download an artifact in one request", ...oneHop });
resolve.openAPIRegistry.registerPath({ method: "head", path: "/v1/r/{name}/{ref}/{path}", summary: "The headers of a one-hop download", ...oneHop });

/**
 * Resolves for the caller with the token check inside the same D1 batch. Credentials that need no storage are
 * settled (401, or the bootstrap admin) before it. Authentication and the model scope come before input errors,
 * as on every route: a reference that does not parse costs a separate token lookup only on that error path.
 */
export async function resolveFor(
  c: Context<AppEnv>,
  model: string | undefined,
  parse: () => ModelReference,
  rawAt?: string,
): Promise<{ reference: ModelReference; resolved: Resolved | ResolvedAt; consistency: Consistency }> {
  const creds = c.var.credentials;
  const secretHash = creds.kind === "token" ? creds.secretHash : null;
  if (secretHash === null) await principalOfRequest(c);
  const nowMs = c.var.clock.now();
  const now = isoAt(nowMs);
  let reference: ModelReference;
  let at: string | undefined;
  try {
    reference = parse();
    at = instantOf(rawAt, nowMs);
  } catch (error) {
    authorize(await principalOfRequest(c), "reader", model);
    throw error;
  }
  // The past does not change: a point-in-time read skips the isolate's cache of current answers.
  const { rows, consistency } =
    at === undefined
      ? await readRows(c, reference, secretHash, nowMs)
      : { rows: await readResolution(c.var.db, reference, secretHash, now, at), consistency: { kind: "strong", ageMs: 0 } as Consistency };
  if (secretHash !== null) {
    if (!rows.token) throw unauthenticated("token is unknown, revoked or expired");
    const touch = touchTokenIfStale(c.var.db, rows.token.id, rows.token.lastUsedAt, now);
    if (touch) {
      // Remember the touch in the (possibly cached) row, so a window of cached answers writes it once.
      rows.token.lastUsedAt = now;
      c.executionCtx.waitUntil(touch.run().catch(() => undefined));
    }
    c.set("principal", principalOf(rows.token));
  }
  // Scopes apply to the model's current name, also when a former name reached it.
  authorize(c.get("principal")!, "reader", rows.model?.name ?? reference.model);
  const key = () => requestRoutingKey(c);
  const resolved = at === undefined ? resolvedFrom(rows, reference, key, baseUrl(c)) : resolvedAt(rows, reference, at, key, baseUrl(c));
  return { reference, resolved, consistency };
}

export interface Consistency {
  kind: "strong" | "cached";
  ageMs: number;
}

/**
 * Strict (the default) reads D1's primary; with the caller's bookmark, a replica at least that fresh (session).
 * With RESOLVE_MAX_STALENESS_MS > 0, a read that neither carries a bookmark nor asks for a strict one
 * (`Cache-Control: no-cache`, `?consistency=strict`) may answer from the isolate's memory for at most that long
 * (bounded); a miss reads the primary, so the bound holds however far replicas lag. One D1 round trip either way.
 */
async function readRows(c: Context<AppEnv>, reference: ModelReference, secretHash: string | null, nowMs: number) {
  const read = () => readResolution(c.var.db, reference, secretHash, isoAt(nowMs));
  const bound = maxStalenessMs(c.env.RESOLVE_MAX_STALENESS_MS);
  if (bound === 0 || !c.var.readPlan.mayUseBoundedCache) return { rows: await read(), consistency: { kind: "strong", ageMs: 0 } as Consistency };
  c.set("consistency", "bounded");
  const lookup = await c.var.resolveCache.get(resolveCacheKey(reference, secretHash), nowMs, bound, read);
  return { rows: lookup.value, consistency: { kind: lookup.cached ? "cached" : "strong", ageMs: lookup.ageMs } as Consistency };
}

function maxStalenessMs(setting: string | undefined): number {
  const ms = Number(setting ?? 0);
  return Number.isFinite(ms) && ms > 0 ? ms : 0;
}

function requestRoutingKey(c: Context<AppEnv>): string {
  return routingKey({ header: c.req.header("X-Routing-Key"), query: c.req.query("key"), clientAddress: c.req.header("CF-Connecting-IP") });
}

/** References are mutable: no shared cache may keep an answer; the headers say how fresh this one is. */
function noStoreHeaders(resolved: Resolved | ResolvedAt, consistency: Consistency, requestedModel: string): Record<string, string> {
  const headers: Record<string, string> = {
    "Cache-Control": "no-store",
    "X-Model-Version": String(resolved.view.number),
    "X-Model-Semver": resolved.view.semver,
    "X-Resolve-Consistency": consistency.kind,
    "X-Resolve-Age-Ms": String(consistency.ageMs),
  };
  if (resolved.arm) headers["X-Rollout-Arm"] = resolved.arm;
  if (resolved.rolloutId) headers["X-Rollout-Id"] = resolved.rolloutId;
  if ("at" in resolved) headers["X-Resolved-At"] = resolved.at;
  // A former name still redirects here: say the current one, so clients can update their references.
  if (resolved.view.model !== requestedModel) headers["X-Model-Renamed-To"] = resolved.view.model;
  return headers;
}

function setResolutionHeaders(headers: Headers, resolved: Resolved, consistency: Consistency, requestedModel: string): void {
  for (const [name, value] of Object.entries(noStoreHeaders(resolved, consistency, requestedModel))) headers.set(name, value);
}

function decodeSegment(segment: string, field: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    throw badRequest(`the ${field} segment is not valid percent-encoding`, { field });
  }
}
