import { OpenAPIHono } from "@hono/zod-openapi";
import type { Context } from "hono";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { credentials } from "./auth/middleware";
import { systemClock, type Clock } from "./domain/clock";
import { BOOKMARK_HEADER, CONSISTENCY_HEADER, parseBookmark, planSession } from "./domain/consistency";
import { DomainError } from "./domain/errors";
import type { AppEnv } from "./env";
import { artifacts } from "./http/artifacts";
import { audit } from "./http/audit";
import { docs } from "./http/docs";
import { drift } from "./http/drift";
import { errorBody, errorResponse } from "./http/errors";
import { health } from "./http/health";
import { history } from "./http/history";
import { maintenance } from "./http/maintenance";
import { models } from "./http/models";
import { observations } from "./http/observations";
import { policy } from "./http/policy";
import { mutationRateLimit } from "./http/rate-limit";
import { refs } from "./http/refs";
import { resolve } from "./http/resolve";
import { rollouts } from "./http/rollouts";
import { stage } from "./http/stage";
import { tokens } from "./http/tokens";
import { versions } from "./http/versions";
import { webhooks } from "./http/webhooks";
import { deliveries } from "./http/deliveries";
import { mlflow } from "./mlflow";
import { oci } from "./oci";
import { openSession } from "./store/db";
import { newResolveCache, type ResolveCache } from "./store/resolve";
import { ui } from "./ui";

/** JSON bodies above this are refused with 413 before they are read; artifact bytes have their own routes. */
export const MAX_JSON_BODY_BYTES = 1024 * 1024;

/** The artifact-byte routes, anchored: a model or ref named "artifacts" must not lift the JSON limit off its routes. */
const STREAMING_BODY = /^\/v1\/models\/[^/]+\/versions\/[^/]+\/(artifacts\/|uploads\/[^/]+\/parts\/)/;

export interface AppOptions {
  clock?: Clock;
  /** The isolate's resolve cache (used only when RESOLVE_MAX_STALENESS_MS > 0); the Worker entry shares it with cron. */
  resolveCache?: ResolveCache;
}

/** `Cache-Control: no-cache` or `?consistency=strict` (`strong`, its older name): read at the primary, never from memory. */
const asksStrictRead = (c: Context<AppEnv>) =>
  /(^|,)\s*no-cache\s*(,|$)/i.test(c.req.header("Cache-Control") ?? "") || ["strict", "strong"].includes(c.req.query("consistency") ?? "");

export function createApp(options: AppOptions = {}) {
  const clock = options.clock ?? systemClock;
  const resolveCache = options.resolveCache ?? newResolveCache();
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    c.set("clock", clock);
    c.set("resolveCache", resolveCache);
    // Every statement of the request goes through one D1 session; the answer says how fresh it read and where it got to.
    const isRead = c.req.method === "GET" || c.req.method === "HEAD";
    const bookmark = parseBookmark(c.req.header(BOOKMARK_HEADER), c.req.query("bookmark"));
    const plan = planSession({ isRead, bookmark, strictRequested: asksStrictRead(c) });
    const session = openSession(c.env.DB, plan.start);
    c.set("db", session.db);
    c.set("readPlan", plan);
    c.set("consistency", plan.consistency);
    await next();
    c.header(CONSISTENCY_HEADER, c.var.consistency);
    const after = session.bookmark() ?? bookmark;
    if (after !== null) c.header(BOOKMARK_HEADER, after);
    c.header("X-Content-Type-Options", "nosniff");
    // The isolate that changes something stops answering from memory at once; others converge within the bound.
    if (c.req.method !== "GET" && c.req.method !== "HEAD") resolveCache.clear();
  });
  app.use("/v1/*", async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD" || STREAMING_BODY.test(c.req.path)) return next();
    return bodyLimit({
      maxSize: MAX_JSON_BODY_BYTES,
      onError: () => {
        throw new DomainError("PAYLOAD_TOO_LARGE", `JSON bodies are limited to ${MAX_JSON_BODY_BYTES} bytes`, { limit: MAX_JSON_BODY_BYTES });
      },
    })(c, next);
  });
  app.use(credentials());
  app.use(mutationRateLimit());

  for (const routes of [health, models, versions, artifacts, refs, rollouts, resolve, tokens, audit, mlflow, ui, policy, stage, observations, drift, webhooks, deliveries, maintenance, history, docs, oci]) app.route("/", routes);

  app.openAPIRegistry.registerComponent("securitySchemes", "bearer", { type: "http", scheme: "bearer", bearerFormat: "er_…" });
  app.doc31("/openapi.json", {
    openapi: "3.1.0",
    info: {
      title: "edgereg",
      version: "1",
      description: "A model registry on Cloudflare's edge: versions, stages, aliases, canary rollouts and rollback.",
    },
    security: [{ bearer: [] }],
  });

  app.notFound((c) => c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(errorResponse);
  return app;
}

export type App = ReturnType<typeof createApp>;
