/**
 * RESOLVE_MAX_STALENESS_MS (DESIGN §6): two apps stand for two isolates sharing one D1; a clock the test moves
 * stands for time, and a counting D1 binding shows how many round trips resolve costs.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeEach, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { ADMIN, BASE, callJson, createModel, createVersion, moveRef, proxyD1, uniqueName } from "./helpers";

const BOUND_MS = 1000;

function countingD1(db: D1Database) {
  let calls = 0;
  const proxy = proxyD1(db, {
    get(target, property) {
      if (property === "prepare") {
        return (query: string) => {
          const statement = target.prepare(query);
          return countStatement(statement);
        };
      }
      if (property === "batch") return (statements: D1PreparedStatement[]) => (calls++, target.batch(statements));
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  function countStatement(statement: D1PreparedStatement): D1PreparedStatement {
    for (const method of ["all", "raw", "run", "first"] as const) {
      const original = (statement[method] as (...a: unknown[]) => unknown).bind(statement);
      (statement as any)[method] = (...args: unknown[]) => (calls++, original(...args));
    }
    const bind = statement.bind.bind(statement);
    statement.bind = (...values: unknown[]) => countStatement(bind(...values));
    return statement;
  }
  return { proxy, calls: () => calls, reset: () => void (calls = 0) };
}

const clock = { ms: Date.parse("2026-11-27T12:00:00Z"), now: () => clock.ms };
const d1 = countingD1(env.DB);

/** An isolate: its own app (and so its own cache), the shared D1, the shared clock. */
function isolate(staleness = String(BOUND_MS)) {
  const app = createApp({ clock });
  const send = async (path: string, init: { method?: string; token?: string; body?: unknown; headers?: Record<string, string> } = {}) => {
    const headers = new Headers(init.headers);
    headers.set("Authorization", `Bearer ${init.token ?? ADMIN}`);
    if (init.body !== undefined) headers.set("Content-Type", "application/json");
    const ctx = createExecutionContext();
    const request = new Request(`${BASE}${path}`, { method: init.method ?? "GET", headers, body: init.body === undefined ? undefined : JSON.stringify(init.body) });
    const res = await app.fetch(request, { ...env, DB: d1.proxy, RESOLVE_MAX_STALENESS_MS: staleness }, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };
  const resolve = async (ref: string, init: Parameters<typeof send>[1] = {}) => {
    const res = await send(`/v1/resolve?ref=${encodeURIComponent(ref)}`, init);
    const body = res.status === 200 ? ((await res.json()) as any) : await res.text();
    return {
      status: res.status,
      version: res.status === 200 ? (body.number as number) : null,
      arm: res.headers.get("X-Rollout-Arm"),
      consistency: res.headers.get("X-Resolve-Consistency"),
      ageMs: Number(res.headers.get("X-Resolve-Age-Ms")),
    };
  };
  return { send, resolve };
}

let model: string;
beforeEach(async () => {
  model = uniqueName("cached");
  await createModel(model);
  for (const semver of ["1.0.0", "1.1.0", "1.2.0"]) await createVersion(model, semver);
  for (const version of [1, 2, 3]) await moveRef(model, "Staging", version);
  await moveRef(model, "Production", 1);
  d1.reset();
});

const advance = (ms: number) => void (clock.ms += ms);

describe("strict mode (the default)", () => {
  it("reads D1 on every resolve and says so", async () => {
    const a = isolate("0");
    for (let i = 0; i < 3; i++) expect(await a.resolve(`models:/${model}/Production`)).toMatchObject({ version: 1, consistency: "strong", ageMs: 0 });
    expect(d1.calls()).toBe(3);
  });
});

describe("bounded staleness", () => {
  it("costs one D1 round trip per isolate, ref and window, however many requests arrive", async () => {
    const a = isolate();
    const ref = `models:/${model}/Production`;
    expect(await a.resolve(ref)).toMatchObject({ version: 1, consistency: "strong", ageMs: 0 });
    for (let i = 0; i < 20; i++) {
      advance(40);
      const answer = await a.resolve(ref);
      expect(answer).toMatchObject({ version: 1, consistency: "cached" });
      expect(answer.ageMs).toBeLessThan(BOUND_MS);
    }
    expect(d1.calls()).toBe(1);
    advance(BOUND_MS);
    expect(await a.resolve(ref)).toMatchObject({ consistency: "strong" });
    expect(d1.calls()).toBe(2);
    // Another ref, another entry; another isolate, another cache.
    await a.resolve(`models:/${model}/1`);
    await isolate().resolve(ref);
    expect(d1.calls()).toBe(4);
  });

  it("shares one read among concurrent misses for the same ref (no stampede)", async () => {
    const a = isolate();
    const answers = await Promise.all(Array.from({ length: 25 }, () => a.resolve(`models:/${model}/Production`)));
    expect(answers.every((x) => x.status === 200 && x.version === 1)).toBe(true);
    expect(d1.calls()).toBe(1);
  });

  it("reads D1's primary when asked for a strong read", async () => {
    const a = isolate();
    const ref = `models:/${model}/Production`;
    await a.resolve(ref);
    expect(await a.resolve(ref, { headers: { "Cache-Control": "no-cache" } })).toMatchObject({ consistency: "strong", ageMs: 0 });
    expect((await a.send(`/v1/resolve?ref=${encodeURIComponent(ref)}&consistency=strong`)).headers.get("X-Resolve-Consistency")).toBe("strong");
    expect(d1.calls()).toBe(3);
  });

  it.each([
    ["a ref move", async (admin: ReturnType<typeof isolate>) => admin.send(`/v1/models/${model}/refs/Production`, { method: "PUT", body: { version: 2 } }), 2],
    [
      "a rollback",
      async (admin: ReturnType<typeof isolate>) => {
        await moveRef(model, "Production", 3);
        return admin.send(`/v1/models/${model}/refs/Production/rollback`, { method: "POST", body: {} });
      },
      1,
    ],
  ])("after %s, the mutating isolate answers anew at once and others within the bound", async (_, mutate, expected) => {
    const ref = `models:/${model}/Production`;
    const admin = isolate();
    const other = isolate();
    const before = (await other.resolve(ref)).version;
    await admin.resolve(ref);
    expect((await mutate(admin)).status).toBe(200);
    expect((await admin.resolve(ref)).version).toBe(expected);
    const stale = await other.resolve(ref);
    expect(stale.consistency).toBe("cached");
    expect(stale.ageMs).toBeLessThan(BOUND_MS);
    expect([before, expected]).toContain(stale.version);
    advance(BOUND_MS);
    expect(await other.resolve(ref)).toMatchObject({ version: expected, consistency: "strong" });
  });

  it("after a rollout's start, abort and promote, no answer is older than the bound; arms stay sticky", async () => {
    const ref = `models:/${model}/Production`;
    const admin = isolate();
    const other = isolate();
    const keys = Array.from({ length: 40 }, (_, i) => `user-${i}`);
    const arms = async (iso: ReturnType<typeof isolate>, headers: Record<string, string> = {}) =>
      Promise.all(keys.map(async (key) => (await iso.resolve(ref, { headers: { "X-Routing-Key": key, ...headers } })).version));

    await callJson("PUT", `/v1/models/${model}/policy`, 200, { body: { require_staging: false } });
    expect((await admin.send(`/v1/models/${model}/rollouts/Production`, { method: "PUT", body: { candidate_version: 3, weight: 50, force: true, reason: "canary" } })).status).toBe(201);
    advance(BOUND_MS);
    const cached = await arms(other);
    const strong = await arms(other, { "Cache-Control": "no-cache" });
    expect(cached).toEqual(strong);
    expect(new Set(cached)).toEqual(new Set([1, 3]));

    expect((await admin.send(`/v1/models/${model}/rollouts/Production/abort`, { method: "POST", body: { reason: "bad canary" } })).status).toBe(200);
    expect(new Set(await arms(admin))).toEqual(new Set([1]));
    advance(BOUND_MS);
    expect(new Set(await arms(other))).toEqual(new Set([1]));

    expect((await admin.send(`/v1/models/${model}/rollouts/Production`, { method: "PUT", body: { candidate_version: 3, weight: 5, force: true, reason: "again" } })).status).toBe(201);
    expect((await admin.send(`/v1/models/${model}/rollouts/Production/promote`, { method: "POST", body: { reason: "good" } })).status).toBe(200);
    expect(new Set(await arms(admin))).toEqual(new Set([3]));
    advance(BOUND_MS);
    expect(new Set(await arms(other))).toEqual(new Set([3]));
  });

  it("a revoked token stops working at once in the revoking isolate and within the bound elsewhere", async () => {
    const { id, secret: reader } = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("serving"), role: "reader" } });
    const ref = `models:/${model}/Production`;
    const admin = isolate();
    const other = isolate();
    expect((await admin.resolve(ref, { token: reader })).status).toBe(200);
    expect((await other.resolve(ref, { token: reader })).status).toBe(200);
    const revoked = await admin.send(`/v1/tokens/${id}`, { method: "DELETE" });
    expect(revoked.status).toBe(200);
    expect((await admin.resolve(ref, { token: reader })).status).toBe(401);
    expect((await other.resolve(ref, { token: reader })).status).toBe(200);
    advance(BOUND_MS);
    expect((await other.resolve(ref, { token: reader })).status).toBe(401);
  });
});
