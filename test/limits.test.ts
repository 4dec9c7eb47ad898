/**
 * Inputs at the platform's limits (issue 14): each case once answered 5xx (or hung) and must now be a 4xx naming
 * the field, or simply work. D1: 100 bound parameters per statement, 50-byte LIKE/GLOB patterns, expression depth
 * 100; R2: multipart parts replaced while completing, digest refusals; Workers: header values.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { ADMIN, BASE, artifactBytes, call, callJson, clockedRegistry, createModel, createVersion, putArtifact, sha256Hex, tableCounts, uiSessionOf, uniqueName } from "./helpers";

const MiB = 1024 * 1024;
const mlflow = (endpoint: string, filter: string) => call("GET", `/api/2.0/mlflow/${endpoint}?filter=${encodeURIComponent(filter)}`);

describe("searches past D1's 50-byte LIKE pattern", () => {
  it("finds models by a 128-character q on /v1/models and the UI", async () => {
    const name = `${"q".repeat(100)}-${uniqueName("long")}`.slice(0, 128);
    await createModel(name);
    const q = name.slice(0, 128).toUpperCase();
    const page = await callJson("GET", `/v1/models?q=${encodeURIComponent(q)}`, 200);
    expect(page.items.map((m: any) => m.name)).toEqual([name]);
    // The bound is declared: one character more is a 400 naming q.
    const over = await callJson("GET", `/v1/models?q=${"a".repeat(129)}`, 400);
    expect(over.error.details.issues[0].path).toBe("q");
    const html = await call("GET", `/ui?q=${encodeURIComponent(q)}`, { token: null, headers: { Cookie: `__Host-edgereg_session=${await uiSessionOf(ADMIN)}` } });
    expect(html.status).toBe(200);
    expect(await html.text()).toContain(name);
  });

  it("refuses MLflow LIKE and ILIKE patterns over 50 bytes as INVALID_PARAMETER_VALUE; shorter ones work", async () => {
    const long = "x".repeat(60);
    for (const op of ["LIKE", "ILIKE"]) {
      const res = await mlflow("registered-models/search", `name ${op} '%${long}%'`);
      expect(res.status).toBe(400);
      expect(await res.json()).toMatchObject({ error_code: "INVALID_PARAMETER_VALUE", message: expect.stringMatching(/at most 50/) });
      expect((await mlflow("model-versions/search", `tags.k ${op} '%${long}%'`)).status).toBe(400);
    }
    const name = uniqueName("like");
    await createModel(name);
    const found: any = await (await mlflow("registered-models/search", `name LIKE '${name.slice(0, 20)}%'`)).json();
    expect(found.registered_models.map((m: any) => m.name)).toContain(name);
  });
});

describe("the audit log's action family filter", () => {
  it("takes a family of up to 64 characters (past LIKE's 50 bytes) and matches by prefix", async () => {
    const name = uniqueName("audit");
    await createModel(name);
    const family = await callJson("GET", `/v1/audit?model=${name}&action=${encodeURIComponent("model.*")}`, 200);
    expect(family.items.map((e: any) => e.action)).toEqual(["model.create"]);
    const long = await callJson("GET", `/v1/audit?action=${encodeURIComponent(`${"a".repeat(62)}.*`)}`, 200);
    expect(long.items).toEqual([]);
    // `_` is a literal, not LIKE's any-character.
    expect((await callJson("GET", `/v1/audit?model=${name}&action=${encodeURIComponent("model_create.*")}`, 200)).items).toEqual([]);
  });
});

describe("queries past D1's 100 bound parameters", () => {
  it("filters /v1/models by 100 tags; 101 is a 400 naming tag", async () => {
    const name = uniqueName("tags");
    const tags = Object.fromEntries(Array.from({ length: 100 }, (_, i) => [`k${i}`, `v${i}`]));
    await createModel(name, { tags });
    const query = Object.entries(tags).map(([k, v]) => `tag=${k}%3D${v}`).join("&");
    const page = await callJson("GET", `/v1/models?${query}`, 200);
    expect(page.items.map((m: any) => m.name)).toEqual([name]);
    const miss = await callJson("GET", `/v1/models?${query.replace("v99", "other")}`, 200);
    expect(miss.items).toEqual([]);
    const over = await callJson("GET", `/v1/models?${query}&tag=extra%3D1`, 400);
    expect(over.error.details.issues[0].path).toMatch(/^tag/);
  });

  it("answers MLflow run_id IN (…) with 1000 values, refuses 1001 and more than 32 AND clauses", async () => {
    const name = uniqueName("runs");
    await createModel(name);
    await createVersion(name, "1.0.0", { run_id: "run-777" });
    const list = (n: number) => Array.from({ length: n }, (_, i) => `'run-${i}'`).join(", ");
    const res = await mlflow("model-versions/search", `run_id IN (${list(1000)}) AND name = '${name}'`);
    expect(res.status).toBe(200);
    expect(((await res.json()) as any).model_versions.map((v: any) => v.run_id)).toEqual(["run-777"]);
    expect((await mlflow("model-versions/search", `run_id IN (${list(1001)})`)).status).toBe(400);
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `tags.k${i} = 'v'`).join(" AND ");
    expect((await mlflow("model-versions/search", chain(32))).status).toBe(200);
    const refused = await mlflow("model-versions/search", chain(33));
    expect(refused.status).toBe(400);
    expect(((await refused.json()) as any).message).toMatch(/at most 32/);
  });
});

describe("semver ranges with many prerelease alternatives", () => {
  it("counts prerelease versions against the range limit on /v1/resolve and /v1/r/…", async () => {
    const name = uniqueName("range");
    await createModel(name);
    await createVersion(name, "1.0.3-rc.1");
    const range = (n: number) => Array.from({ length: n }, (_, i) => `1.0.${i}-rc.1`).join(" || ");
    const ok = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}/${range(16)}`)}`, 200);
    expect(ok.semver).toBe("1.0.3-rc.1");
    const refused = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}/${range(17)}`)}`, 400);
    expect(refused.error.details).toMatchObject({ field: "ref", reason: "bad_selector" });
    expect(refused.error.message).toMatch(/17 alternatives.*at most 16/);
    const hop = await call("GET", `/v1/r/${name}/${encodeURIComponent(range(150))}/model.bin`);
    expect(hop.status).toBe(400);
    expect(((await hop.json()) as any).error.details.field).toBe("ref");
  });
});

describe("observations at the edge of the double range", () => {
  it("refuses a value whose square would overflow, naming the field, and stores nothing", async () => {
    const name = uniqueName("obs");
    await createModel(name);
    await createVersion(name, "1.0.0");
    const before = await tableCounts();
    const refused = await callJson("POST", `/v1/models/${name}/observations`, 400, { body: { observations: [{ version: 1, metrics: { x: 1e200 } }] } });
    expect(refused.error.details.issues[0].path).toBe("observations.0.metrics.x");
    expect(await tableCounts()).toEqual(before);
    // The largest accepted value, counted a million times, keeps a finite sum of squares.
    await callJson("POST", `/v1/models/${name}/observations`, 200, { body: { observations: [{ version: 1, metrics: { x: -1e100 }, count: 1_000_000 }] } });
    const [window] = (await callJson("GET", `/v1/models/${name}/observations`, 200)).items;
    expect(window.sum_squares).toBeGreaterThan(1e205);
    expect(Number.isFinite(window.sum_squares)).toBe(true);
  });
});

describe("a policy's auto-rollback window", () => {
  it("is bounded at 31 days; a larger one stored before the bound is read clamped, and observations keep working", async () => {
    const r = clockedRegistry();
    const name = uniqueName("window");
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0" } });
    await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.1.0" } });
    for (const version of [1, 2]) {
      await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version } });
      await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version } });
    }
    const rule = { metric: "accuracy", direction: "higher", floor: 0.5, min_samples: 1_000, window_s: 9e15 };
    const refused = await r.callJson("PUT", `/v1/models/${name}/policy`, 400, { body: { auto_rollback: rule } });
    expect(refused.error.details.issues[0].path).toBe("auto_rollback.window_s");
    await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { auto_rollback: { ...rule, window_s: 31 * 24 * 3600 } } });
    // As written by a registry without the bound.
    await env.DB.prepare("UPDATE policies SET policy = json_set(policy, '$.auto_rollback.window_s', 9e15) WHERE model_id = (SELECT id FROM models WHERE name = ?)").bind(name).run();
    const batch = await r.callJson("POST", `/v1/models/${name}/observations`, 200, { body: { observations: [{ ref: "Production", metrics: { accuracy: 0.9 } }] } });
    expect(batch.auto_rollback).toHaveLength(1);
    expect((await r.callJson("GET", `/v1/models/${name}/policy`, 200)).auto_rollback.window_s).toBe(31 * 24 * 3600);
  });
});

describe("sign-in's next parameter", () => {
  /** The app's own fetch, so the redirect is seen rather than followed. */
  const app = createApp();
  const get = async (path: string, headers: Record<string, string>) => {
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}${path}`, { headers, redirect: "manual" }), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  };

  it("never puts CR, LF or non-ASCII into the redirect", async () => {
    const session = { Cookie: `__Host-edgereg_session=${await uiSessionOf(ADMIN)}` };
    for (const next of ["/ui\r\nX-Injected: 1", "/ui/models/x\nSet-Cookie: a=b", "/ui?q=\u00e9\u2028", "/ui/\u0000"]) {
      const res = await get(`/ui/login?next=${encodeURIComponent(next)}`, session);
      expect(res.status, next).toBe(303);
      expect(res.headers.get("Location")).toBe("/ui");
      expect(res.headers.get("X-Injected")).toBeNull();
      const anonymous = await get(`/ui/login?next=${encodeURIComponent(next)}`, {});
      expect(anonymous.status, next).toBe(200);
    }
  });
});

describe("artifact digests", () => {
  it("names the received SHA-256 next to the declared one when a single upload's body differs", async () => {
    const name = uniqueName("digest");
    const bytes = artifactBytes(4096, 7);
    await createModel(name);
    await createVersion(name, "1.0.0", { artifacts: [{ path: "model.bin", size: bytes.length, sha256: await sha256Hex(bytes) }] });
    const other = artifactBytes(4096, 8);
    const res = await putArtifact(name, 1, "model.bin", other);
    expect(res.status).toBe(422);
    const { error } = (await res.json()) as any;
    expect(error.details).toMatchObject({ reason: "sha256_mismatch", expected_sha256: await sha256Hex(bytes), actual_sha256: await sha256Hex(other) });
    expect(error.message).toContain(await sha256Hex(other));
  });

  it("answers 409 when a part is replaced while the upload completes, and completes once the part is sent again", async () => {
    const name = uniqueName("race");
    const bytes = artifactBytes(5 * MiB + 10, 21);
    const sha256 = await sha256Hex(bytes);
    await createModel(name);
    await createVersion(name, "1.0.0", { artifacts: [{ path: "model.bin", size: bytes.length, sha256 }] });
    const base = `/v1/models/${name}/versions/1/uploads`;
    const session = await callJson("POST", base, 201, { body: { path: "model.bin", part_size: 5 * MiB } });
    await callJson("PUT", `${base}/${session.id}/parts/1`, 200, { body: bytes.subarray(0, 5 * MiB) });
    await callJson("PUT", `${base}/${session.id}/parts/2`, 200, { body: bytes.subarray(5 * MiB) });
    // The re-sent part reaches R2 after complete has read the parts from D1: R2 then holds a part D1 never listed.
    const row = await env.DB.prepare("SELECT r2_upload_id FROM uploads WHERE id = ?").bind(session.id).first<{ r2_upload_id: string }>();
    await env.ARTIFACTS.resumeMultipartUpload(`blobs/sha256/${sha256}`, row!.r2_upload_id).uploadPart(2, bytes.slice(5 * MiB));
    const conflict = await callJson("POST", `${base}/${session.id}/complete`, 409);
    expect(conflict.error.details.reason).toBe("parts_changed");
    await callJson("PUT", `${base}/${session.id}/parts/2`, 200, { body: bytes.subarray(5 * MiB) });
    expect((await callJson("POST", `${base}/${session.id}/complete`, 200)).version_status).toBe("READY");
  });
});

describe("messages a person can act on", () => {
  it("a JSON route sent another media type answers 415 saying to send application/json", async () => {
    const res = await callJson("POST", "/v1/models", 415, { body: JSON.stringify({ name: "x" }), headers: { "Content-Type": "text/plain" } });
    expect(res.error).toMatchObject({ code: "UNSUPPORTED_MEDIA_TYPE", details: { field: "Content-Type", received: "text/plain" } });
    expect(res.error.message).toMatch(/Content-Type: application\/json/);
  });

  it("a resolve without ref names the missing parameter plainly", async () => {
    const res = await callJson("GET", "/v1/resolve", 400);
    expect(res.error.message).toMatch(/the ref query parameter is missing/);
    expect(res.error.details.issues[0].path).toBe("ref");
  });

  it("a token scope longer than D1's 50-byte GLOB pattern is refused when the token is created", async () => {
    const res = await callJson("POST", "/v1/tokens", 400, { body: { name: "wide", role: "reader", model_glob: `${"a".repeat(50)}*` } });
    expect(res.error.details.issues[0].path).toBe("model_glob");
  });
});

// ---- the spec-driven limits fuzz ----------------------------------------------------------------------------------

/**
 * For every operation of /openapi.json, every string, array, record and number it takes (path, query, header and
 * JSON body, nested fields included) is sent at its declared bound and just past it, inside an otherwise minimal
 * request. No answer is a 5xx; a value past its bound is refused with a 4xx that changes nothing (every table's row
 * count, audit_events included, reads the same). Inputs without a declared bound are listed and must not exist.
 */
describe("the limits declared in /openapi.json", () => {
  type Schema = Record<string, any>;
  interface Slot {
    where: "path" | "query" | "header" | "body";
    /** The parameter name, or the JSON path into the body. */
    path: (string | number)[];
    schema: Schema;
  }
  interface Edge {
    value: unknown;
    past: boolean;
    what: string;
  }

  const app = createApp();
  let spec: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };
  let fingerprint: string;
  const resolveRef = (schema: Schema | undefined): Schema => {
    let s = schema ?? {};
    while (s.$ref) s = spec.components.schemas[s.$ref.split("/").pop()!] ?? {};
    return s;
  };
  /** The member that is not null, for `X | null` unions. */
  const members = (s: Schema): Schema[] => (s.anyOf ?? s.oneOf ?? [s]).map(resolveRef).filter((m: Schema) => m.type !== "null");
  const typeOf = (s: Schema): string | undefined => [s.type].flat().find((t) => t !== "null");

  /** A small value the schema accepts as far as types go; enough to reach the field being pushed. */
  function sample(schema: Schema, depth = 0): unknown {
    const s = members(resolveRef(schema))[0] ?? {};
    if (s.example !== undefined) return s.example;
    if (s.enum) return s.enum[0];
    if (s.default !== undefined) return s.default;
    switch (typeOf(s)) {
      case "string":
        return s.format === "date-time" ? "2030-01-01T00:00:00Z" : s.format === "uri" ? "https://example.com/hook" : "a".repeat(Math.max(1, s.minLength ?? 1));
      case "integer":
      case "number":
        return s.minimum ?? (s.exclusiveMinimum !== undefined ? s.exclusiveMinimum + 1 : 1);
      case "boolean":
        return false;
      case "array":
        return Array.from({ length: s.minItems ?? 0 }, () => sample(s.items ?? {}, depth + 1));
      case "object": {
        if (depth > 4) return {};
        return Object.fromEntries((s.required ?? []).map((k: string) => [k, sample(s.properties?.[k] ?? {}, depth + 1)]));
      }
      default:
        return "a";
    }
  }

  /** Every field of a body schema, nested objects and array items included. */
  function bodySlots(schema: Schema, path: (string | number)[] = [], depth = 0): Slot[] {
    if (depth > 5) return [];
    const out: Slot[] = [];
    for (const s of members(resolveRef(schema))) {
      out.push({ where: "body", path, schema: s });
      if (typeOf(s) === "object") for (const [k, child] of Object.entries((s.properties ?? {}) as Record<string, Schema>)) out.push(...bodySlots(child, [...path, k], depth + 1));
      if (typeOf(s) === "array" && s.items) out.push(...bodySlots(s.items, [...path, 0], depth + 1));
    }
    return out.filter((slot) => slot.path.length > 0 || typeOf(slot.schema) !== "object" || slot.schema.additionalProperties);
  }

  const nextUp = (x: number) => (Number.isInteger(x) ? x + 1 : x + Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE));
  const nextDown = (x: number) => (Number.isInteger(x) ? x - 1 : x - Math.max(Math.abs(x) * Number.EPSILON, Number.MIN_VALUE));

  /** The values at and just past each bound the schema declares; `missing` when a string, array or record has none. */
  function edgesOf(schema: Schema): { edges: Edge[]; missing: boolean } {
    const s = schema;
    const edges: Edge[] = [];
    const type = typeOf(s);
    if (type === "string") {
      // Fixed grammars are bounded by their format.
      if (s.enum || ["date-time", "date", "uuid"].includes(s.format)) return { edges, missing: false };
      if (s.maxLength !== undefined) {
        edges.push({ value: "a".repeat(s.maxLength), past: false, what: `maxLength ${s.maxLength}` });
        // SQL pattern characters and a family suffix at full length: what reaches LIKE, GLOB or a prefix match.
        if (s.maxLength >= 2) edges.push({ value: `${"%_*?[".repeat(s.maxLength).slice(0, s.maxLength - 2)}.*`, past: false, what: `maxLength ${s.maxLength} of pattern characters` });
        edges.push({ value: "a".repeat(s.maxLength + 1), past: true, what: `maxLength ${s.maxLength} + 1` });
      }
      if (s.minLength > 0) edges.push({ value: "a".repeat(s.minLength - 1), past: true, what: `minLength ${s.minLength} - 1` });
      return { edges, missing: s.maxLength === undefined };
    }
    if (type === "integer" || type === "number") {
      if (s.maximum !== undefined) edges.push({ value: s.maximum, past: false, what: `maximum ${s.maximum}` }, { value: nextUp(s.maximum), past: true, what: `maximum ${s.maximum} + 1` });
      if (s.minimum !== undefined) edges.push({ value: s.minimum, past: false, what: `minimum ${s.minimum}` }, { value: nextDown(s.minimum), past: true, what: `minimum ${s.minimum} - 1` });
      if (s.exclusiveMaximum !== undefined) edges.push({ value: s.exclusiveMaximum, past: true, what: `exclusiveMaximum ${s.exclusiveMaximum}` });
      if (s.exclusiveMinimum !== undefined) edges.push({ value: s.exclusiveMinimum, past: true, what: `exclusiveMinimum ${s.exclusiveMinimum}` });
      // Numbers are bounded by JSON's doubles; the extremes must still be answered below 500.
      edges.push({ value: 1e308, past: s.maximum !== undefined && s.maximum < 1e308, what: "1e308" }, { value: -1e308, past: s.minimum !== undefined && s.minimum > -1e308, what: "-1e308" });
      return { edges, missing: false };
    }
    if (type === "array") {
      const item = sample(s.items ?? {});
      if (s.maxItems !== undefined) {
        edges.push({ value: Array.from({ length: s.maxItems }, () => item), past: false, what: `maxItems ${s.maxItems}` });
        edges.push({ value: Array.from({ length: s.maxItems + 1 }, () => item), past: true, what: `maxItems ${s.maxItems} + 1` });
      }
      if (s.minItems > 0) edges.push({ value: Array.from({ length: s.minItems - 1 }, () => item), past: true, what: `minItems ${s.minItems} - 1` });
      return { edges, missing: s.maxItems === undefined };
    }
    if (type === "object" && s.additionalProperties && typeof s.additionalProperties === "object") {
      const value = sample(s.additionalProperties);
      const record = (n: number) => Object.fromEntries(Array.from({ length: n }, (_, i) => [`k${i}`, value]));
      if (s.maxProperties !== undefined) {
        edges.push({ value: record(s.maxProperties), past: false, what: `maxProperties ${s.maxProperties}` });
        edges.push({ value: record(s.maxProperties + 1), past: true, what: `maxProperties ${s.maxProperties} + 1` });
      }
      return { edges, missing: s.maxProperties === undefined };
    }
    return { edges, missing: false };
  }

  const setAt = (target: unknown, path: (string | number)[], value: unknown): unknown => {
    if (path.length === 0) return value;
    const [head, ...rest] = path;
    if (typeof head === "number") {
      const list = Array.isArray(target) && target.length > 0 ? [...target] : [undefined];
      list[head] = setAt(list[head] ?? {}, rest, value);
      return list;
    }
    const object = target && typeof target === "object" && !Array.isArray(target) ? { ...(target as object) } : {};
    return { ...object, [head as string]: setAt((object as Record<string, unknown>)[head as string], rest, value) };
  };

  let model: string;
  const fixture = (param: string): string =>
    (({ name: model, v: "1", ref: "champion", id: crypto.randomUUID(), path: "model.bin", n: "1" }) as Record<string, string>)[param] ?? "1";

  async function send(method: string, url: string, headers: Record<string, string>, body?: string): Promise<Response> {
    const ctx = createExecutionContext();
    const init: RequestInit = { method, headers: { Authorization: `Bearer ${ADMIN}`, ...headers }, body, redirect: "manual" };
    const res = await app.fetch(new Request(`${BASE}${url}`, init), env, ctx);
    await waitOnExecutionContext(ctx);
    return res;
  }

  const stateNow = async () => JSON.stringify(await env.DB.prepare(fingerprint).first());

  it("no 5xx at or past any declared bound, and a refused request changes nothing; every input is bounded", async () => {
    model = uniqueName("bounds");
    await createModel(model);
    await createVersion(model, "1.0.0");
    spec = await callJson("GET", "/openapi.json", 200, { token: null });
    const tables = await env.DB.prepare(
      "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
    ).all<{ name: string }>();
    fingerprint = `SELECT ${tables.results.map(({ name }) => `(SELECT COUNT(*) FROM "${name}") AS "${name}"`).join(", ")}`;

    const statuses: Record<number, number> = {};
    const missing: string[] = [];
    const failures: string[] = [];
    let cases = 0;
    let operations = 0;
    for (const [template, ops] of Object.entries(spec.paths)) {
      for (const [method, op] of Object.entries(ops)) {
        operations++;
        const params = (op.parameters ?? []) as { name: string; in: string; schema: Schema }[];
        const json = op.requestBody?.content?.["application/json"]?.schema as Schema | undefined;
        const slots: Slot[] = [
          ...params.filter((p) => p.in !== "cookie").map((p) => ({ where: p.in as Slot["where"], path: [p.name], schema: resolveRef(p.schema) })),
          ...(json ? bodySlots(json) : []),
        ];
        const baseBody = json ? sample(json) : undefined;
        for (const slot of slots) {
          const { edges, missing: unbounded } = edgesOf(slot.schema);
          const label = `${method.toUpperCase()} ${template} ${slot.where}:${slot.path.join(".") || "(body)"}`;
          if (unbounded) missing.push(label);
          for (const edge of edges) {
            const pathValue = (name: string) => (slot.where === "path" && slot.path[0] === name ? String(edge.value) : fixture(name));
            let url = template.replace(/\{(\w+)\}/g, (_, name: string) => encodeURIComponent(pathValue(name)));
            const query = new URLSearchParams();
            for (const p of params.filter((p) => p.in === "query")) {
              const value = slot.where === "query" && slot.path[0] === p.name ? edge.value : (p as { required?: boolean }).required ? sample(p.schema) : undefined;
              if (value === undefined) continue;
              for (const v of [value].flat()) query.append(p.name, typeof v === "string" ? v : JSON.stringify(v));
            }
            if ([...query].length > 0) url += `?${query}`;
            const headers: Record<string, string> = {};
            if (slot.where === "header") headers[String(slot.path[0])] = String(edge.value);
            let body: string | undefined;
            if (json) {
              body = JSON.stringify(slot.where === "body" ? setAt(baseBody, slot.path, edge.value) : baseBody);
              headers["Content-Type"] = "application/json";
            }
            const before = edge.past ? await stateNow() : "";
            const res = await send(method.toUpperCase(), url, headers, body);
            const text = method === "head" ? "" : await res.text();
            cases++;
            statuses[res.status] = (statuses[res.status] ?? 0) + 1;
            const where = `${label} ${edge.what} → ${res.status} ${text.slice(0, 200)}`;
            if (res.status >= 500) failures.push(where);
            else if (edge.past && res.status < 400) failures.push(`accepted past its bound: ${where}`);
            else if (edge.past && (await stateNow()) !== before) failures.push(`refused but changed state: ${where}`);
          }
        }
      }
    }
    const seen = Object.entries(statuses).map(([s, n]) => `${s}×${n}`).join(" ");
    console.log(`limits fuzz: ${cases} cases over ${operations} operations; statuses ${seen}`);
    expect(failures).toEqual([]);
    expect(missing, "inputs without a declared bound (maxLength, maxItems, maxProperties)").toEqual([]);
    expect(cases).toBeGreaterThan(200);
  }, 300_000);
});

describe("did you mean", () => {
  it("suggests the stage a reference or a stage transition misspelled", async () => {
    const name = uniqueName("typo");
    await createModel(name);
    await createVersion(name, "1.0.0");
    const ref = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}/Prodution`)}`, 400);
    expect(ref.error.message).toMatch(/Did you mean 'Production'\?/);
    const stage = await callJson("POST", `/v1/models/${name}/versions/1/stage`, 400, { body: { stage: "Stagign", reason: "try" } });
    expect(stage.error.message).toMatch(/Did you mean 'Staging'\?/);
  });

  it("suggests the refs of the model for an alias that is not set", async () => {
    const name = uniqueName("alias");
    await createModel(name);
    await createVersion(name, "1.0.0");
    await callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 1 } });
    const res = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}@champio`)}`, 404);
    expect(res.error.details.suggestions).toEqual(["champion"]);
    expect(res.error.message).toMatch(/Did you mean 'champion'\?/);
  });

  it("suggests model names, only from the caller's scope", async () => {
    const stem = uniqueName("scope");
    await createModel(`${stem}-fraud`);
    await createModel(`x${stem}-fraud`);
    const res = await callJson("GET", `/v1/models/${stem}-frud`, 404);
    expect(res.error.details.suggestions).toEqual([`${stem}-fraud`, `x${stem}-fraud`]);
    expect(res.error.message).toContain(`Did you mean '${stem}-fraud' or 'x${stem}-fraud'?`);
    // A token scoped to x… never hears of the other model, though it is the closer one.
    const scoped = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("t"), role: "reader", model_glob: `x${stem}*` } });
    const hidden = await callJson("GET", `/v1/models/x${stem}-frud`, 404, { token: scoped.secret });
    expect(hidden.error.details.suggestions).toEqual([`x${stem}-fraud`]);
    const outside = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/x${stem}-fraudd/latest`)}`, 404, { token: scoped.secret });
    expect(outside.error.details.suggestions).toEqual([`x${stem}-fraud`]);
  });
});
