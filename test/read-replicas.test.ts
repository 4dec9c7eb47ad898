/**
 * Read consistency under replica lag (docs/deploy-at-scale.md): each mode's guarantee about a serving client's view
 * of a promote or a rollback, checked against test/lagging-d1.ts, a D1 whose replica answers from an older copy.
 * Each test also shows the lag itself (a stale bookmark reads the old state), so it would fail if the mode did not
 * protect the reader.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { createClient } from "../src/client";
import { ADMIN, BASE, createModel, createVersion, moveRef, uniqueName } from "./helpers";
import { laggingD1 } from "./lagging-d1";

const lag = laggingD1();
const clock = { ms: Date.parse("2026-11-30T12:00:00Z"), now: () => clock.ms };

/** An isolate of the registry on the lagging D1; `vars` are the deployment's settings. */
function isolate(vars: Record<string, string> = {}) {
  const app = createApp({ clock });
  const fetch = async (request: Request) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(request, { ...env, DB: lag.d1, ...vars }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  const send = (method: string, path: string, init: { headers?: Record<string, string>; body?: unknown } = {}) => {
    const headers = new Headers({ Authorization: `Bearer ${ADMIN}`, ...init.headers });
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    return fetch(new Request(`${BASE}${path}`, { method, headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) }));
  };
  /** What a serving client sees: the version, the mode the answer names and the bookmark it returns. */
  const resolve = async (ref: string, headers: Record<string, string> = {}) => {
    const res = await send("GET", `/v1/resolve?ref=${encodeURIComponent(ref)}`, { headers });
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(200);
    return { version: body.number as number, consistency: res.headers.get("X-D1-Consistency"), bookmark: res.headers.get("x-d1-bookmark")! };
  };
  return { fetch, send, resolve };
}

const registry = isolate();
let model: string;
let production: string;

beforeEach(async () => {
  model = uniqueName("replicated");
  production = `models:/${model}/Production`;
  await createModel(model);
  for (const semver of ["1.0.0", "2.0.0"]) await createVersion(model, semver);
  for (const version of [1, 2]) await moveRef(model, "Staging", version);
  await moveRef(model, "Production", 1);
  await lag.catchUp();
});

describe("the lagging replica (test double)", () => {
  it("serves sessions at a bookmark it has reached from the old copy, and first-primary sessions from the primary", async () => {
    await moveRef(model, "Production", 2);
    const read = (start: string) =>
      lag.d1.withSession(start).prepare("SELECT v.number FROM refs r JOIN versions v ON v.id = r.version_id JOIN models m ON m.id = r.model_id WHERE m.name = ? AND r.name = 'Production'").bind(model).first<number>("number");
    expect(await read("first-unconstrained")).toBe(1);
    expect(await read(lag.replicaAt!)).toBe(1);
    expect(await read("first-primary")).toBe(2);
    await lag.catchUp();
    expect(await read("first-unconstrained")).toBe(2);
  });
});

describe("strict (the default)", () => {
  it("sees a rollback at once, while a reader at an older bookmark still sees the version rolled back from", async () => {
    await registry.send("PUT", `/v1/models/${model}/refs/Production`, { body: { version: 2 } });
    await lag.catchUp();
    const before = await registry.resolve(production, { "x-d1-bookmark": lag.replicaAt! });
    expect(before).toMatchObject({ version: 2, consistency: "session" });

    const rollback = await registry.send("POST", `/v1/models/${model}/refs/Production/rollback`, { body: { reason: "latency" } });
    expect(rollback.status).toBe(200);
    expect(rollback.headers.get("X-D1-Consistency")).toBe("strict");

    expect(await registry.resolve(production)).toMatchObject({ version: 1, consistency: "strict" });
    // The replica has not caught up: the lag is there, strict reads just never see it.
    const replicaReads = lag.reads.replica;
    expect(await registry.resolve(production, { "x-d1-bookmark": before.bookmark })).toMatchObject({ version: 2, consistency: "session" });
    expect(lag.reads.replica).toBeGreaterThan(replicaReads);
  });

  it("is what a request that asks for a strict read gets, whatever bookmark it carries", async () => {
    await moveRef(model, "Production", 2);
    const stale = { "x-d1-bookmark": lag.replicaAt! };
    expect(await registry.resolve(production, stale)).toMatchObject({ version: 1, consistency: "session" });
    expect(await registry.resolve(production, { ...stale, "Cache-Control": "no-cache" })).toMatchObject({ version: 2, consistency: "strict" });
    const asked = await registry.send("GET", `/v1/resolve?ref=${encodeURIComponent(production)}&consistency=strict`, { headers: stale });
    expect(asked.headers.get("X-D1-Consistency")).toBe("strict");
    expect(((await asked.json()) as any).number).toBe(2);
  });
});

describe("session (x-d1-bookmark)", () => {
  it("reads its own write: the promote's bookmark resolves to the promoted version on a lagging replica", async () => {
    const promote = await registry.send("PUT", `/v1/models/${model}/refs/Production`, { body: { version: 2 }, headers: { "x-d1-bookmark": lag.replicaAt! } });
    expect(promote.status).toBe(200);
    expect(promote.headers.get("X-D1-Consistency")).toBe("strict"); // a change validates at the primary, whatever bookmark came with it
    const written = promote.headers.get("x-d1-bookmark")!;
    expect(written > lag.replicaAt!).toBe(true);

    expect(await registry.resolve(production, { "x-d1-bookmark": written })).toMatchObject({ version: 2, consistency: "session" });
    // Another client, whose bookmark predates the promote, may still be served the old version by the replica.
    expect((await registry.resolve(production, { "x-d1-bookmark": lag.replicaAt! })).version).toBe(1);
  });

  it("never reads older than its last answer: carrying each answer's bookmark, reads only move forward", async () => {
    const first = await registry.resolve(production, { "x-d1-bookmark": lag.replicaAt! });
    expect(first.version).toBe(1);
    await moveRef(model, "Production", 2);
    const strict = await registry.resolve(production, { "Cache-Control": "no-cache" });
    expect(strict.version).toBe(2);
    // Carrying the fresher answer's bookmark, the session cannot go back to the lagging copy …
    let bookmark = strict.bookmark;
    for (let i = 0; i < 3; i++) {
      const next = await registry.resolve(production, { "x-d1-bookmark": bookmark });
      expect(next).toMatchObject({ version: 2, consistency: "session" });
      expect(next.bookmark >= bookmark).toBe(true);
      bookmark = next.bookmark;
    }
    // … which it would, with the older bookmark: the reads would go backwards.
    expect((await registry.resolve(production, { "x-d1-bookmark": first.bookmark })).version).toBe(1);
    await lag.catchUp();
    expect((await registry.resolve(production, { "x-d1-bookmark": first.bookmark })).version).toBe(2);
  });

  it("the typed client carries the bookmark from call to call, so a promote then a resolve reads the promote", async () => {
    const client = createClient({ url: BASE, token: ADMIN, fetch: registry.fetch });
    await client.GET("/v1/resolve", { params: { query: { ref: production } } });
    await client.PUT("/v1/models/{name}/refs/{ref}", { params: { path: { name: model, ref: "Production" } }, body: { version: 2 } });
    const replicaReads = lag.reads.replica;
    const resolved = await client.GET("/v1/resolve", { params: { query: { ref: production } } });
    expect(resolved.number).toBe(2);
    expect(client.bookmark()).not.toBeNull();

    // Without carrying it (a client started at an older bookmark), the replica's lag shows.
    const behind = createClient({ url: BASE, token: ADMIN, fetch: registry.fetch, bookmark: lag.replicaAt! });
    expect((await behind.GET("/v1/resolve", { params: { query: { ref: production } } })).number).toBe(1);
    expect(lag.reads.replica).toBeGreaterThan(replicaReads);
  });

  it("takes the bookmark as ?bookmark= too, and refuses a malformed one naming the field", async () => {
    await moveRef(model, "Production", 2);
    const viaQuery = await registry.send("GET", `/v1/resolve?ref=${encodeURIComponent(production)}&bookmark=${lag.replicaAt}`);
    expect(viaQuery.headers.get("X-D1-Consistency")).toBe("session");
    expect(((await viaQuery.json()) as any).number).toBe(1);
    for (const [headers, query, field] of [
      [{ "x-d1-bookmark": "first-unconstrained" }, "", "x-d1-bookmark"],
      [{ "x-d1-bookmark": "0000-<script>" }, "", "x-d1-bookmark"],
      [{ "x-d1-bookmark": "a".repeat(129) }, "", "x-d1-bookmark"],
      [{}, "&bookmark=00%2000", "bookmark"],
    ] as const) {
      const res = await registry.send("GET", `/v1/models/${model}${query ? `?x=1${query}` : ""}`, { headers });
      const body = (await res.json()) as any;
      expect(res.status, JSON.stringify(body)).toBe(400);
      expect(body.error).toMatchObject({ code: "BAD_REQUEST", details: { field } });
    }
  });

  it("holds for every read, not only resolve: a model created after the replica's copy is visible from its creation's bookmark", async () => {
    const name = uniqueName("late");
    const created = await registry.send("POST", "/v1/models", { body: { name } });
    expect(created.status).toBe(201);
    const stale = await registry.send("GET", `/v1/models/${name}`, { headers: { "x-d1-bookmark": lag.replicaAt! } });
    expect(stale.status).toBe(404); // the lag, visible to a reader whose bookmark predates the creation
    const own = await registry.send("GET", `/v1/models/${name}`, { headers: { "x-d1-bookmark": created.headers.get("x-d1-bookmark")! } });
    expect(own.status).toBe(200);
    expect(own.headers.get("X-D1-Consistency")).toBe("session");
    expect((await registry.send("GET", `/v1/models/${name}`)).status).toBe(200);
  });

  it("every answer names its consistency and carries a bookmark, reads and refusals included", async () => {
    for (const [method, path, status] of [
      ["GET", `/v1/models/${model}`, 200],
      ["GET", `/v1/models/${model}/versions`, 200],
      ["GET", `/v1/models/no-such-model`, 404],
      ["PATCH", `/v1/models/${model}`, 200],
    ] as const) {
      const res = await registry.send(method, path, method === "PATCH" ? { body: { description: "replicated" } } : {});
      expect(res.status, path).toBe(status);
      expect(res.headers.get("X-D1-Consistency"), path).toBe("strict");
      expect(res.headers.get("x-d1-bookmark"), path).toMatch(/^[0-9a-f-]+$/);
    }
    const session = await registry.send("GET", `/v1/models/${model}`, { headers: { "x-d1-bookmark": lag.replicaAt! } });
    expect(session.headers.get("X-D1-Consistency")).toBe("session");
  });
});

describe("bounded (RESOLVE_MAX_STALENESS_MS)", () => {
  const BOUND_MS = 1000;

  it("answers from memory within the bound; a miss reads the primary, so a rollback shows within the bound despite the lag", async () => {
    const serving = isolate({ RESOLVE_MAX_STALENESS_MS: String(BOUND_MS) });
    await moveRef(model, "Production", 2);
    await lag.catchUp();
    expect(await serving.resolve(production)).toMatchObject({ version: 2, consistency: "bounded" });
    await registry.send("POST", `/v1/models/${model}/refs/Production/rollback`, { body: { reason: "latency" } });
    expect((await serving.resolve(production)).version).toBe(2); // from memory, younger than the bound
    clock.ms += BOUND_MS;
    expect(await serving.resolve(production)).toMatchObject({ version: 1, consistency: "bounded" });
    // The replica still holds version 2: a session at its bookmark (which skips the cache) shows the lag.
    expect(await serving.resolve(production, { "x-d1-bookmark": lag.replicaAt! })).toMatchObject({ version: 2, consistency: "session" });
  });
});
