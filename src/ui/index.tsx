/**
 * The admin web UI: server-rendered pages under /ui (outside /v1 and the OpenAPI spec) that read and change the
 * registry through the same store functions as the API, under the same roles. Pages work without JavaScript; a
 * strict Content-Security-Policy allows only the served stylesheet and one nonce'd script (the weight slider's value).
 */
import { Hono, type Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { csrf } from "hono/csrf";
import { HTTPException } from "hono/http-exception";
import { NONCE, secureHeaders } from "hono/secure-headers";
import type { HtmlEscapedString } from "hono/utils/html";
import type { ContentfulStatusCode } from "hono/utils/http-status";
import { authorize, credentialsOf, principalOfRequest } from "../auth/middleware";
import type { Principal } from "../auth/principal";
import { DomainError } from "../domain/errors";
import type { Check } from "../domain/policy";
import { MODEL_NAME_PATTERN } from "../domain/names";
import { parseVersionKey } from "../domain/versions";
import type { AppEnv } from "../env";
import { decodeArtifactPath, serveArtifact } from "../http/artifacts";
import { statusOf } from "../http/errors";
import { refNameOf } from "../http/refs";
import { readServableArtifact } from "../registry/artifacts";
import { listAudit, versionAudit } from "../registry/audit";
import { contextOf, type CommandContext } from "../registry/context";
import { requireModel, restoreModel, searchModels } from "../registry/models";
import { listReports, modelSummaries } from "../registry/overview";
import { rollBackRef } from "../registry/refs";
import { abortRollout, changeRolloutWeight, promoteRollout, startRollout } from "../registry/rollouts";
import { getVersion, restoreVersion } from "../registry/versions";
import { createToken, listTokens, revokeToken } from "../registry/tokens";
import { readDriftReportDetail, readMissingArtifacts, readModelTimeline, readRolloutArms, readRolloutLife, readVersionsToCompare } from "../registry/ui-reads";
import { modelPath } from "./components";
import { AuditQuery, CloseForm, CompareQuery, ModelQuery, ModelsQuery, parseInput, parseWeights, RollbackForm, SignInForm, StartRolloutForm, TokenForm, TokensQuery, WeightForm } from "./forms";
import { STYLESHEET_PATH, type PageContext } from "./layout";
import { loadModelPage } from "./loaders";
import { AuditPage, rolloutIdOf } from "./pages/audit";
import { ComparePage } from "./pages/compare";
import { DriftPage } from "./pages/drift";
import { ErrorPage, type ErrorView } from "./pages/error";
import { LoginPage } from "./pages/login";
import { ModelPage } from "./pages/model";
import { ModelsPage } from "./pages/models";
import { RolloutPage } from "./pages/rollout";
import { TimelinePage } from "./pages/timeline";
import { TokensPage, type TokensPageData } from "./pages/tokens";
import { VersionPage } from "./pages/version";
import { assertCsrf, endSession, hasSession, loginCsrfToken, sessionCsrfToken, signOut, startSession } from "./session";
import { STYLESHEET } from "./styles";

export const ui = new Hono<AppEnv>();

const MAX_FORM_BYTES = 64 * 1024;
const AUDIT_PAGE = 50;
const MODELS_PAGE = 50;
const DRIFT_REPORTS = 10;
const TOKENS_PAGE = 50;

ui.use(
  "/ui/*",
  secureHeaders({
    contentSecurityPolicy: {
      defaultSrc: ["'none'"],
      styleSrc: ["'self'"],
      imgSrc: ["'self'", "data:"],
      scriptSrc: [NONCE],
      formAction: ["'self'"],
      frameAncestors: ["'none'"],
      baseUri: ["'none'"],
    },
    xFrameOptions: "DENY",
    referrerPolicy: "same-origin",
  }),
);
// Defence in depth under the synchronizer token: a cross-site form post is refused before it is read.
ui.use("/ui/*", csrf());
ui.use("/ui/*", async (c, next) => {
  if (c.req.method !== "POST") return next();
  return bodyLimit({
    maxSize: MAX_FORM_BYTES,
    onError: () => {
      throw new DomainError("PAYLOAD_TOO_LARGE", `forms are limited to ${MAX_FORM_BYTES} bytes`);
    },
  })(c, next);
});

ui.get(STYLESHEET_PATH, (c) => {
  c.header("Cache-Control", "public, max-age=31536000, immutable");
  return c.body(STYLESHEET, 200, { "Content-Type": "text/css; charset=utf-8" });
});

// ---- sign-in ----

ui.get("/ui/login", async (c) => {
  const next = safeNext(c.req.query("next"));
  if (hasSession(c)) {
    const signedIn = await principalOfRequest(c).catch(() => null);
    if (signedIn) return c.redirect(next, 303);
  }
  return page(c, 200, <LoginPage ctx={await loginContext(c)} next={next} />);
});

ui.post("/ui/login", async (c) => {
  const form = await c.req.parseBody();
  await assertCsrf(c, form, "login");
  const next = safeNext(typeof form.next === "string" ? form.next : undefined);
  const { token } = parseInput(SignInForm, form);
  // The same check as a bearer token on the API: the bootstrap secret, else an active token's hash.
  c.set("credentials", await credentialsOf(`Bearer ${token}`, c.env.ADMIN_TOKEN));
  c.set("principal", undefined);
  let principal: Principal;
  try {
    principal = await principalOfRequest(c);
  } catch (error) {
    if (!(error instanceof DomainError) || error.code !== "UNAUTHENTICATED") throw error;
    return page(c, 401, <LoginPage ctx={await loginContext(c)} next={next} error="That token is unknown, revoked or expired." />);
  }
  await startSession(c, principal);
  return c.redirect(next, 303);
});

ui.post("/ui/logout", async (c) => {
  if (hasSession(c)) {
    await assertCsrf(c, await c.req.parseBody(), "session");
    await signOut(c);
  }
  return c.redirect("/ui/login", 303);
});

// ---- pages ----

ui.get("/ui", async (c) => {
  const principal = await principalOfRequest(c);
  authorize(principal, "reader");
  const query = parseInput(ModelsQuery, c.req.query());
  const deleted = query.deleted === "1";
  const filter = { q: query.q || undefined, deleted };
  const models = await searchModels({ db: c.var.db, principal }, filter, { limit: MODELS_PAGE, cursor: query.cursor });
  const summaries = deleted ? new Map() : await modelSummaries(c.var.db, models.items.map((m) => m.name));
  const data = { q: query.q || undefined, cursor: query.cursor, models: models.items, summaries, nextCursor: models.next_cursor, deleted };
  return page(c, 200, <ModelsPage ctx={await pageContext(c, principal)} data={data} />);
});

ui.get("/ui/", (c) => c.redirect("/ui", 301));
// The registry's origin opens the admin UI (a temporary redirect: / may serve something else one day).
ui.get("/", (c) => c.redirect("/ui", 302));

ui.get("/ui/models/:name", async (c) => {
  const ctx = await contextOf(c);
  const name = modelNameOf(c.req.param("name"));
  authorize(ctx.principal, "reader", name);
  const model = await requireModel(ctx.db, name);
  const data = await loadModelPage(ctx, model, parseInput(ModelQuery, c.req.query()));
  return page(c, 200, <ModelPage ctx={await pageContext(c, ctx.principal)} data={data} />);
});

ui.get("/ui/models/:name/versions/:v", async (c) => {
  const ctx = await contextOf(c);
  const name = modelNameOf(c.req.param("name"));
  authorize(ctx.principal, "reader", name);
  const model = await requireModel(ctx.db, name);
  const version = await getVersion(ctx, name, parseVersionKey(c.req.param("v")));
  // The audit log needs the admin role, in the UI as in the API: versionAudit answers null to anyone else.
  const [drift, audit, missing] = await Promise.all([
    listReports(ctx.db, model, { version: version.number }, { limit: DRIFT_REPORTS }),
    versionAudit(ctx, name, version.number, AUDIT_PAGE),
    version.status === "PENDING" ? readMissingArtifacts(ctx, name, version.number) : [],
  ]);
  return page(c, 200, <VersionPage ctx={await pageContext(c, ctx.principal)} data={{ version, drift: drift.items, audit, missing }} />);
});

/** Downloads through the session cookie; always as an attachment, so an artifact never renders in the UI's origin. */
ui.get("/ui/models/:name/versions/:v/artifacts/*", async (c) => {
  const ctx = await contextOf(c);
  const name = modelNameOf(c.req.param("name"));
  authorize(ctx.principal, "reader", name);
  const key = parseVersionKey(c.req.param("v"));
  const segments = new URL(c.req.url).pathname.split("/").slice(7);
  const path = decodeArtifactPath(segments);
  const artifact = await readServableArtifact(ctx, { model: name, version: key, path });
  const response = await serveArtifact(c, artifact, { cacheControl: "private, no-store" });
  const filename = path.split("/").pop()!.replace(/[^\w.-]/g, "_");
  response.headers.set("Content-Disposition", `attachment; filename="${filename}"`);
  return response;
});

ui.get("/ui/audit", async (c) => {
  const ctx = await contextOf(c);
  const principal = ctx.principal;
  authorize(principal, "admin");
  const { cursor, ...filter } = parseInput(AuditQuery, c.req.query());
  const events = await listAudit(
    ctx,
    {
      model: filter.model,
      actor: filter.actor || undefined,
      action: filter.action || undefined,
      since: filter.since && `${filter.since}T00:00:00.000Z`,
      until: filter.until && `${filter.until}T23:59:59.999Z`,
    },
    { limit: AUDIT_PAGE, cursor },
  );
  const arms = await readRolloutArms(ctx, events.items.flatMap((e) => rolloutIdOf(e) ?? []));
  return page(c, 200, <AuditPage ctx={await pageContext(c, principal)} filter={filter} cursor={cursor} events={events.items} next={events.next_cursor} arms={arms} />);
});

// ---- the canary's life: rollout charts, timeline, comparison, drift reports ----

ui.get("/ui/models/:name/rollouts/:id", async (c) => {
  const ctx = await contextOf(c);
  const life = await readRolloutLife(ctx, modelNameOf(c.req.param("name")), c.req.param("id"), ctx.clock.now());
  return page(c, 200, <RolloutPage ctx={await pageContext(c, ctx.principal)} life={life} />);
});

ui.get("/ui/models/:name/timeline", async (c) => {
  const ctx = await contextOf(c);
  const timeline = await readModelTimeline(ctx, modelNameOf(c.req.param("name")));
  return page(c, 200, <TimelinePage ctx={await pageContext(c, ctx.principal)} timeline={timeline} />);
});

ui.get("/ui/models/:name/compare", async (c) => {
  const ctx = await contextOf(c);
  const name = modelNameOf(c.req.param("name"));
  const asked = parseInput(CompareQuery, c.req.queries("v") ?? []);
  const { versions, policy } = await readVersionsToCompare(ctx, name, asked.map(parseVersionKey));
  const compare = policy.compare ? { metric: policy.compare.metric, direction: policy.compare.direction } : null;
  return page(c, 200, <ComparePage ctx={await pageContext(c, ctx.principal)} data={{ model: name, versions, asked, compare }} />);
});

ui.get("/ui/models/:name/drift/:id", async (c) => {
  const ctx = await contextOf(c);
  const detail = await readDriftReportDetail(ctx, c.env.ARTIFACTS, modelNameOf(c.req.param("name")), c.req.param("id"));
  return page(c, 200, <DriftPage ctx={await pageContext(c, ctx.principal)} detail={detail} />);
});

// ---- tokens: an unscoped admin's, through the same commands as /v1/tokens ----

ui.get("/ui/tokens", async (c) => {
  const ctx = await contextOf(c);
  const query = parseInput(TokensQuery, c.req.query());
  return page(c, 200, <TokensPage ctx={await pageContext(c, ctx.principal)} data={await tokensPage(ctx, query, null)} />);
});

/** Answered with the page itself, not a redirect: the secret is shown in this one answer and never again. */
ui.post("/ui/tokens", async (c) => {
  const ctx = await contextOf(c);
  const form = await c.req.parseBody();
  await assertCsrf(c, form, "session");
  const input = parseInput(TokenForm, form);
  const expiresAt = input.expires ? `${input.expires}T23:59:59.999Z` : null;
  if (expiresAt && expiresAt <= ctx.now) throw new DomainError("VALIDATION_FAILED", "expires: pick a day in the future", { field: "expires" });
  const created = await createToken(ctx, { name: input.name, role: input.role, model_glob: input.model_glob, expires_at: expiresAt });
  return page(c, 201, <TokensPage ctx={await pageContext(c, ctx.principal)} data={await tokensPage(ctx, {}, created)} />);
});

ui.post("/ui/tokens/:id/revoke", async (c) => {
  const ctx = await contextOf(c);
  await assertCsrf(c, await c.req.parseBody(), "session");
  const id = c.req.param("id");
  if (!/^[0-9a-f-]{36}$/i.test(id)) throw new DomainError("NOT_FOUND", `token '${id}' does not exist`, { id });
  const revoked = await revokeToken(ctx, id);
  return c.redirect(`/ui/tokens?done=revoke&name=${encodeURIComponent(revoked.name)}`, 303);
});

// ---- actions: admin, CSRF-checked, audited and announced to webhooks exactly as through the API, each answered
// by a redirect to the model page (post/redirect/get) ----

ui.post("/ui/models/:name/refs/:ref/rollback", async (c) => {
  const { name, form } = await formAction(c);
  const { reason } = parseInput(RollbackForm, form);
  const rolledBack = await rollBackRef(await contextOf(c), { model: name, ref: c.req.param("ref"), reason });
  return done(c, name, "rollback", rolledBack.ref);
});

// Rollout forms call the same commands as /v1 (role, scope, gate, audit and events are theirs); the form is checked
// for its CSRF token first, so a forged post learns nothing about the model.
ui.post("/ui/models/:name/rollouts", async (c) => {
  const { name, form } = await formAction(c);
  const input = parseInput(StartRolloutForm, form);
  const ref = refNameOf(input.ref).name;
  const candidate = parseVersionKey(input.candidate);
  await startRollout(await contextOf(c), name, ref, { candidate, ...parseWeights(input.weights), reason: input.reason, force: input.force === "on" });
  return done(c, name, "start", ref);
});

ui.post("/ui/models/:name/rollouts/:ref/weight", async (c) => {
  const { name, form } = await formAction(c);
  const ref = refNameOf(c.req.param("ref")).name;
  const input = parseInput(WeightForm, form);
  const change = input.weight === undefined ? { step: "next" as const } : { weight: input.weight };
  await changeRolloutWeight(await contextOf(c), name, ref, change, input.reason);
  return done(c, name, "weight", ref);
});

ui.post("/ui/models/:name/rollouts/:ref/promote", async (c) => {
  const { name, form } = await formAction(c);
  const ref = refNameOf(c.req.param("ref")).name;
  await promoteRollout(await contextOf(c), name, ref, parseInput(CloseForm, form).reason);
  return done(c, name, "promote", ref);
});

ui.post("/ui/models/:name/rollouts/:ref/abort", async (c) => {
  const { name, form } = await formAction(c);
  const ref = refNameOf(c.req.param("ref")).name;
  await abortRollout(await contextOf(c), name, ref, parseInput(CloseForm, form).reason);
  return done(c, name, "abort", ref);
});

// Restores are an admin's (the commands check); a restored version returns archived, a restored model with its versions.
ui.post("/ui/models/:name/versions/:v/restore", async (c) => {
  const { name } = await formAction(c);
  await restoreVersion(await contextOf(c), { model: name, version: c.req.param("v"), reason: "restored in the UI" });
  return c.redirect(`${modelPath(name)}?done=restore`, 303);
});

ui.post("/ui/models/:name/restore", async (c) => {
  const { name } = await formAction(c);
  await restoreModel(await contextOf(c), { model: name, reason: "restored in the UI" });
  return c.redirect(modelPath(name), 303);
});

ui.all("/ui/*", () => {
  throw new DomainError("NOT_FOUND", "there is no such page");
});

ui.onError(async (error, c) => {
  if (error instanceof DomainError && error.code === "UNAUTHENTICATED") {
    if (hasSession(c)) endSession(c);
    const next = c.req.method === "GET" ? `?next=${encodeURIComponent(c.req.path + new URL(c.req.url).search)}` : "";
    return c.redirect(`/ui/login${next}`, 303);
  }
  const view = errorView(error, c.get("requestId"));
  if (view.status === 500) console.error(JSON.stringify({ level: "error", request_id: c.get("requestId"), error: String(error), stack: (error as Error)?.stack }));
  const principal = c.get("principal") ?? null;
  const ctx = principal ? await pageContext(c, principal) : await loginContext(c);
  return page(c, view.status, <ErrorPage ctx={ctx} error={view} back={backOf(c)} />);
});

// ---- helpers ----

async function tokensPage(
  ctx: CommandContext,
  query: { revoked?: "1"; cursor?: string; done?: "revoke"; name?: string },
  created: TokensPageData["created"],
): Promise<TokensPageData> {
  const includeRevoked = query.revoked === "1";
  const tokens = await listTokens(ctx, { limit: TOKENS_PAGE, cursor: query.cursor }, includeRevoked);
  return { tokens: tokens.items, includeRevoked, cursor: query.cursor, next: tokens.next_cursor, created, revokedName: query.done === "revoke" ? (query.name ?? null) : null };
}

/** A signed-in form post with its CSRF token: the prelude of an action whose command checks role and scope itself. */
async function formAction(c: Context<AppEnv>) {
  await principalOfRequest(c);
  const form = await c.req.parseBody();
  await assertCsrf(c, form, "session");
  return { name: modelNameOf(c.req.param("name")!), form };
}

function done(c: Context<AppEnv>, model: string, action: string, ref: string) {
  return c.redirect(`${modelPath(model)}?done=${action}&ref=${encodeURIComponent(ref)}`, 303);
}

function modelNameOf(raw: string): string {
  if (!MODEL_NAME_PATTERN.test(raw)) throw new DomainError("NOT_FOUND", `'${raw}' is not a model name`);
  return raw;
}

async function pageContext(c: Context<AppEnv>, principal: Principal): Promise<PageContext> {
  return { principal, csrf: await sessionCsrfToken(c), nonce: c.get("secureHeadersNonce") ?? "", nowMs: c.var.clock.now() };
}

async function loginContext(c: Context<AppEnv>): Promise<PageContext> {
  return { principal: null, csrf: await loginCsrfToken(c), nonce: c.get("secureHeadersNonce") ?? "", nowMs: c.var.clock.now() };
}

/** Pages carry the session's CSRF token and private data: never stored by a cache. */
function page(c: Context<AppEnv>, status: ContentfulStatusCode, body: HtmlEscapedString | Promise<HtmlEscapedString>) {
  c.header("Cache-Control", "no-store");
  return c.html(body, status);
}

/**
 * Only UI pages are valid destinations after sign-in: no open redirect. Printable ASCII only (no backslash): CR, LF
 * or any character a Location header cannot carry would make the redirect itself fail.
 */
function safeNext(next: string | undefined): string {
  return next && next.length <= 2048 && /^\/ui(\/[\x21-\x5b\x5d-\x7e]*|\?[\x21-\x5b\x5d-\x7e]*)?$/.test(next) && !next.startsWith("/ui/login") ? next : "/ui";
}

/** After a failed action or version page, the model page; otherwise the models list. */
function backOf(c: Context<AppEnv>): string {
  const name = c.req.param("name");
  const fromModel = c.req.method === "POST" || c.req.param("v") !== undefined;
  return name && fromModel && MODEL_NAME_PATTERN.test(name) ? modelPath(name) : "/ui";
}

function errorView(error: unknown, requestId: string): ErrorView {
  if (error instanceof DomainError) {
    const details = error.details as { issues?: { path: string; message: string }[]; checks?: Check[] } | undefined;
    return { status: statusOf(error.code), code: error.code, message: error.message, issues: details?.issues, checks: details?.checks };
  }
  if (error instanceof HTTPException) {
    const message = error.status === 403 ? "this form was not sent from an edgereg page" : error.message || "refused";
    return { status: error.status as ContentfulStatusCode, code: error.status === 403 ? "FORBIDDEN" : "BAD_REQUEST", message };
  }
  return { status: 500, code: "INTERNAL", message: "internal error; the request id identifies it in the logs", requestId };
}
