import { swaggerUI } from "@hono/swagger-ui";
import { OpenAPIHono } from "@hono/zod-openapi";
import { bodyLimit } from "hono/body-limit";
import { requestId } from "hono/request-id";
import { credentials } from "./auth/middleware";
import { systemClock, type Clock } from "./domain/clock";
import { DomainError } from "./domain/errors";
import type { AppEnv } from "./env";
import { artifacts } from "./http/artifacts";
import { audit } from "./http/audit";
import { drift } from "./http/drift";
import { errorBody, errorResponse } from "./http/errors";
import { health } from "./http/health";
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
import { database, type Database } from "./store/db";
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

const databases = new WeakMap<D1Database, Database>();
const databaseFor = (d1: D1Database) => databases.get(d1) ?? databases.set(d1, database(d1)).get(d1)!;

export function createApp(options: AppOptions = {}) {
  const clock = options.clock ?? systemClock;
  const resolveCache = options.resolveCache ?? newResolveCache();
  const app = new OpenAPIHono<AppEnv>();

  app.use(requestId());
  app.use(async (c, next) => {
    c.set("db", databaseFor(c.env.DB));
    c.set("clock", clock);
    c.set("resolveCache", resolveCache);
    await next();
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

  for (const routes of [health, models, versions, artifacts, refs, rollouts, resolve, tokens, audit, mlflow, ui, policy, stage, observations, drift, webhooks, deliveries, maintenance]) app.route("/", routes);

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
  app.get("/docs", swaggerUI({ url: "/openapi.json", title: "edgereg API" }));

  app.notFound((c) => c.json(errorBody("NOT_FOUND", `no route for ${c.req.method} ${c.req.path}`), 404));
  app.onError(errorResponse);
  return app;
}

export type App = ReturnType<typeof createApp>;
