import { beforeAll, describe, expect, it } from "vitest";
import { call, callJson, createModel, createVersion, moveRef, tokenFor, uniqueName } from "./helpers";

import type { MatrixRow } from "./route-matrix/types";

/**
 * Every route of the spec and the role it needs, gathered from test/route-matrix/*.ts (one file per module). A route
 * missing there fails the completeness test, so a new route cannot ship without its row in the matrix.
 */
const MATRIX: Record<string, MatrixRow> = Object.assign(
  {},
  ...Object.values(import.meta.glob<{ rows: Record<string, MatrixRow> }>("./route-matrix/*.ts", { eager: true })).map((m) => m.rows ?? {}),
);

const RANK: Record<string, number> = { reader: 0, reporter: 1, publisher: 2, admin: 3 };

let model: string;
const callers: Record<string, string> = {};

beforeAll(async () => {
  model = uniqueName("matrix");
  await createModel(model);
  await createVersion(model, "1.0.0");
  await moveRef(model, "champion", 1);
  for (const role of ["reader", "reporter", "publisher", "admin"] as const) {
    callers[role] = await tokenFor(role);
    callers[`scoped-${role}`] = await tokenFor(role, "other-*");
  }
});

function concrete(template: string, query = "") {
  const path = template
    .replace("{name}", model)
    .replace("{v}", "1")
    .replace("{ref}", "champion")
    .replace("{id}", crypto.randomUUID())
    .replace("{path}", "model.bin");
  return path + (query ? `?${query}` : "");
}

const send = (route: string, token: string | null) => {
  const [method, template] = route.split(" ") as [string, string];
  const row = MATRIX[route]!;
  const body = row.body === undefined ? undefined : JSON.parse(JSON.stringify(row.body).replace("__MODEL__", uniqueName("x")));
  const path = row.path === undefined ? concrete(template, row.query) : row.path.replace("__MODEL__", uniqueName("x"));
  return call(method, path, { token, body });
};

describe("route × role × scope matrix", () => {
  it("covers every route of the OpenAPI spec", async () => {
    const spec = await callJson("GET", "/openapi.json", 200, { token: null });
    const routes = Object.entries(spec.paths as Record<string, Record<string, unknown>>).flatMap(([path, ops]) =>
      Object.keys(ops).map((method) => `${method.toUpperCase()} ${path}`),
    );
    expect(routes.filter((r) => !(r in MATRIX))).toEqual([]);
  });

  for (const [route, { need }] of Object.entries(MATRIX)) {
    it(`${route} needs ${need}`, async () => {
      const anonymous = await send(route, null);
      if (need === "public") {
        expect(anonymous.status).toBe(200);
        return;
      }
      expect(anonymous.status).toBe(401);
      if (!route.startsWith("HEAD ")) expect(((await anonymous.json()) as any).error.code).toBe("UNAUTHENTICATED");
      expect((await send(route, "er_not-a-real-token")).status).toBe(401);

      const needed = need === "unscoped-admin" ? "admin" : need;
      for (const role of ["reader", "reporter", "publisher", "admin"]) {
        const res = await send(route, callers[role]!);
        if (RANK[role]! < RANK[needed]!) {
          expect(res.status, `${role} on ${route}`).toBe(403);
          if (!route.startsWith("HEAD ")) expect(((await res.json()) as any).error.code).toBe("FORBIDDEN");
        } else {
          expect([401, 403], `${role} on ${route} → ${res.status} ${await res.clone().text()}`).not.toContain(res.status);
        }
      }
      // A token scoped to other models may not touch this one (nor manage tokens).
      const scoped = await send(route, callers["scoped-admin"]!);
      const touchesModel = route.includes("{name}") || need === "unscoped-admin";
      if (touchesModel) expect(scoped.status, `scoped admin on ${route}`).toBe(403);
    });
  }
});

describe("tokens", () => {
  it("shows the secret once, stores only its hash, and lists tokens without secrets", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: "ci-github", role: "publisher", model_glob: "fraud-*" } });
    expect(created.secret).toMatch(/^er_[A-Za-z0-9_-]{40,}$/);
    expect(created).toMatchObject({ name: "ci-github", role: "publisher", model_glob: "fraud-*", revoked_at: null, created_by: "admin" });
    const listed = await callJson("GET", "/v1/tokens?limit=200", 200);
    const row = listed.items.find((t: any) => t.id === created.id);
    expect(row).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(created.secret);
    const { env } = await import("cloudflare:workers");
    const stored = await env.DB.prepare("SELECT * FROM tokens WHERE id = ?").bind(created.id).first<Record<string, unknown>>();
    expect(JSON.stringify(stored)).not.toContain(created.secret);
    expect(stored!.secret_hash).toMatch(/^[0-9a-f]{64}$/);
  });

  it("a revoked token stops working at once", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: "short-lived", role: "reader" } });
    await callJson("GET", "/v1/models", 200, { token: created.secret });
    expect((await callJson("DELETE", `/v1/tokens/${created.id}`, 200)).revoked_at).not.toBeNull();
    await callJson("GET", "/v1/models", 401, { token: created.secret });
    await callJson("DELETE", `/v1/tokens/${created.id}`, 200);
    await callJson("DELETE", `/v1/tokens/${crypto.randomUUID()}`, 404);
  });

  it("an expired token is refused", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: "expired", role: "reader", expires_at: "2020-01-01T00:00:00Z" } });
    await callJson("GET", "/v1/models", 401, { token: created.secret });
  });

  it("a scoped token sees only its models in lists and may create only matching names", async () => {
    const prefix = uniqueName("team");
    await createModel(`${prefix}-a`);
    await createModel(`other-${prefix}`);
    const scoped = await tokenFor("publisher", `${prefix}-*`);
    const listed = await callJson("GET", `/v1/models?q=${prefix}`, 200, { token: scoped });
    expect(listed.items.map((m: any) => m.name)).toEqual([`${prefix}-a`]);
    await callJson("POST", "/v1/models", 201, { token: scoped, body: { name: `${prefix}-b` } });
    await callJson("POST", "/v1/models", 403, { token: scoped, body: { name: `nope-${prefix}` } });
  });

  it("records the token's name as the actor", async () => {
    const name = uniqueName();
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: "release-bot", role: "publisher" } });
    await callJson("POST", "/v1/models", 201, { token: created.secret, body: { name } });
    const events = await callJson("GET", `/v1/audit?model=${name}`, 200);
    expect(events.items[0]).toMatchObject({ actor: "release-bot", action: "model.create" });
  });

  it("refuses malformed Authorization headers with 401", async () => {
    const res = await call("GET", "/v1/models", { token: null, headers: { Authorization: "Basic abc" } });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toContain("Bearer");
  });
});
