/**
 * Property and fuzz tests over every route of /openapi.json, the MLflow facade and the admin UI: generated path
 * parameters, queries, headers and bodies (wrong types, huge strings, unicode and lone surrogates, nulls, deep
 * nesting, path traversal, SQL and header injection, malformed JSON, wrong content types). Every answer is below 500,
 * errors have the error shape, and nothing changes: every mutation case is invalid by construction and must be
 * refused with a 4xx, and the tables (audit log included), R2 and the fixture read the same before and after.
 * The seed is fixed so a failure reproduces; change SEED to explore further.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";

/** A generous bound for one property on a loaded machine; the whole file runs in well under a minute. */
const TIMEOUT = 120_000;
import { createApp } from "../src/app";
import { ADMIN, artifactBytes, BASE, call, callJson, createModel, createVersion, moveRef, sha256Hex, uiSessionOf, uniqueName } from "./helpers";

const SEED = 20_260_501;
const RUNS = { mutation: 40, read: 25, mlflow: 30, headers: 150, ui: 120 };

const ran = { cases: 0, operations: 0, statuses: {} as Record<number, number> };

// ---- hostile values ----

const HOSTILE = [
  "../../etc/passwd",
  "..",
  ".",
  "..%2f..%2f",
  "%2e%2e/%2e%2e",
  "' OR '1'='1",
  "1; DROP TABLE models; --",
  '" OR 1=1 --',
  "1' UNION SELECT secret_hash FROM tokens --",
  "<script>alert(1)</script>",
  "${jndi:ldap://x}",
  "{{7*7}}",
  "\u0000",
  "a\u0000b",
  "\r\nX-Injected: 1",
  "%0d%0aX-Injected:%201",
  "😀🚀",
  "\u202e\u0645\u0631\u062d\u0628\u0627",
  "e\u0301",
  "\uD800",
  "\uDC00x",
  "",
  " ",
  "null",
  "undefined",
  "NaN",
  "-1",
  "0",
  "1e309",
  "9".repeat(400),
  "x".repeat(5000),
  "models:/../x",
  "*",
  "?",
  "%",
  "%zz",
  "\\",
  "/",
  "//",
  "a/b",
  "__proto__",
  "constructor",
  "Production",
  "production",
  "latest",
  "v1",
  "2.1.0+build",
  "^1 || >=0",
];

const hostileString = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom(...HOSTILE) },
  { weight: 2, arbitrary: fc.string({ unit: "binary", maxLength: 40 }) },
  { weight: 2, arbitrary: fc.string({ unit: "grapheme", maxLength: 30 }) },
  { weight: 1, arbitrary: fc.string({ unit: "binary-ascii", minLength: 300, maxLength: 3000 }) },
);

/** A value nested `depth` levels deep, built as text so generating it costs nothing. */
const deepText = (depth: number, open = "[", close = "]") => `${open.repeat(depth)}${close.repeat(depth)}`;
const deepValue = fc.integer({ min: 50, max: 3000 }).map((d) => JSON.parse(deepText(d)) as unknown);

const anyJson = fc.oneof(
  { weight: 4, arbitrary: fc.jsonValue({ maxDepth: 3 }) },
  { weight: 2, arbitrary: hostileString },
  { weight: 1, arbitrary: deepValue },
  { weight: 1, arbitrary: fc.constantFrom(1e308, -1e308, 2 ** 53 + 1, -0, 0.1, Number.MAX_SAFE_INTEGER) },
);

/** Percent-encodes a path segment; lone surrogates become raw invalid UTF-8 bytes, which decoding must survive. */
function encodeSegment(value: string): string {
  try {
    return encodeURIComponent(value);
  } catch {
    return value.split("").map((ch) => (/[\uD800-\uDFFF]/.test(ch) ? "%ED%A0%80" : encodeURIComponent(ch))).join("");
  }
}

/** Raw path pieces that URL parsing and percent-decoding see as they are. */
const rawSegment = fc.constantFrom("..", "../..", "%2e%2e", "a%2Fb", "%00", "%ZZ", "%", "x%0d%0ay", "%E0%A4%A", "%C0%AE%C0%AE", ";x=1", "x?y=1");

// ---- the spec ----

type Schema = Record<string, any>;
interface Operation {
  method: string;
  path: string;
  params: { name: string; in: string; schema: Schema }[];
  body: { kind: "json"; schema: Schema; required: boolean } | { kind: "binary" } | null;
}

let spec: { paths: Record<string, Record<string, any>>; components: { schemas: Record<string, Schema> } };
const resolve = (schema: Schema | undefined): Schema => {
  let s = schema ?? {};
  while (s.$ref) s = spec.components.schemas[s.$ref.split("/").pop()!] ?? {};
  return s;
};

function operationsOf(): Operation[] {
  return Object.entries(spec.paths).flatMap(([path, ops]) =>
    Object.entries(ops).map(([method, op]) => {
      const content = op.requestBody?.content ?? {};
      const body = content["application/json"]
        ? { kind: "json" as const, schema: content["application/json"].schema, required: op.requestBody.required === true }
        : content["application/octet-stream"]
          ? { kind: "binary" as const }
          : null;
      return { method: method.toUpperCase(), path, params: op.parameters ?? [], body };
    }),
  );
}

/** The JSON types a schema admits; null when it admits anything (then no value of it is wrong by type). */
function typesOf(schema: Schema): Set<string> | null {
  const s = resolve(schema);
  const members = s.anyOf ?? s.oneOf;
  if (members) {
    const all = new Set<string>();
    for (const m of members) {
      const t = typesOf(m);
      if (!t) return null;
      t.forEach((x) => all.add(x));
    }
    return all;
  }
  if (s.allOf) return typesOf(s.allOf[0]);
  const declared = s.type ?? (s.enum ? [...new Set(s.enum.map((v: unknown) => (v === null ? "null" : typeof v)))] : s.const !== undefined ? [typeof s.const] : null);
  if (!declared) return null;
  const types = new Set<string>([declared].flat().map((t: string) => (t === "integer" ? "number" : t)));
  if (s.nullable) types.add("null");
  return types;
}

const valueOfType: Record<string, fc.Arbitrary<unknown>> = {
  string: hostileString,
  number: fc.oneof(fc.integer(), fc.double({ noNaN: true, noDefaultInfinity: true }), fc.constantFrom(1e308, -1)),
  boolean: fc.boolean(),
  null: fc.constant(null),
  array: fc.oneof(fc.array(anyJson, { maxLength: 4 }), deepValue),
  object: fc.dictionary(fc.string({ maxLength: 8 }), anyJson, { maxKeys: 4 }),
};

/** A value whose JSON type the schema does not admit; null when every type is admitted. */
function wrongValue(schema: Schema): fc.Arbitrary<unknown> | null {
  const allowed = typesOf(schema);
  if (!allowed) return null;
  const wrong = Object.keys(valueOfType).filter((t) => !allowed.has(t));
  return wrong.length === 0 ? null : fc.oneof(...wrong.map((t) => valueOfType[t]!));
}

/**
 * An object that breaks the schema by construction: one property (maybe nested inside objects and arrays of
 * objects) gets a value of a type it does not admit, or a strict object gets a key it does not know.
 */
function brokenObject(schema: Schema, depth = 0): fc.Arbitrary<unknown> | null {
  const s = resolve(schema);
  if (!s.properties) return null;
  const props = Object.entries(s.properties as Record<string, Schema>);
  const breaks: fc.Arbitrary<unknown>[] = [];
  for (const [name, child] of props) {
    const here = wrongValue(child);
    if (here) breaks.push(here.map((v) => ({ [name]: v })));
    const c = resolve(child);
    if (depth < 3 && c.type === "object") {
      const nested = brokenObject(c, depth + 1);
      if (nested) breaks.push(nested.map((v) => ({ [name]: v })));
    }
    if (depth < 3 && c.type === "array" && c.items) {
      const nested = brokenObject(c.items, depth + 1);
      if (nested) breaks.push(nested.map((v) => ({ [name]: [v] })));
    }
  }
  if (s.additionalProperties === false) {
    const known = new Set(props.map(([n]) => n));
    const unknownKey = fc.oneof(fc.constantFrom("__proto__", "constructor", "prototype", "zz_unknown", "$where", "'; DROP TABLE x"), fc.string({ maxLength: 12 }));
    breaks.push(fc.tuple(unknownKey.filter((k) => !known.has(k)), anyJson).map(([k, v]) => JSON.parse(`{${JSON.stringify(k)}:${JSON.stringify(v ?? null)}}`)));
  }
  if (breaks.length === 0) return null;
  // The breaking part, plus other declared properties with arbitrary values (which cannot repair it).
  const extras = fc.dictionary(fc.constantFrom(...props.map(([n]) => n)), anyJson, { maxKeys: 3 });
  return fc.tuple(fc.oneof(...breaks), extras).map(([broken, rest]) => ({ ...rest, ...(broken as object) }));
}

const MALFORMED = ["{", '{"a":', '{"a":1,}', "[1,2", "NaN", "{'a':1}", '\uFEFF{"a":1}', '{"a":1}{"b":2}', "\u0000", "", " ", "nul", "tru", '"\\ud800"'];

/** A JSON body that no schema of the spec accepts: not an object, malformed, nested too deep, or a broken object. */
function invalidBody(schema: Schema): fc.Arbitrary<string> {
  const options: fc.Arbitrary<string>[] = [
    fc.oneof(fc.constant(null), fc.integer(), fc.boolean(), hostileString, fc.array(anyJson, { maxLength: 3 })).map((v) => JSON.stringify(v)),
    fc.constantFrom(...MALFORMED),
    fc.integer({ min: 100, max: 20_000 }).map((d) => deepText(d)),
    fc.integer({ min: 100, max: 20_000 }).map((d) => `${'{"a":'.repeat(d)}1${"}".repeat(d)}`),
  ];
  const broken = brokenObject(schema);
  if (broken) options.push(broken.map((v) => JSON.stringify(v)), broken.map((v) => JSON.stringify(v)));
  return fc.oneof(...options);
}

const contentType = fc.oneof(
  { weight: 8, arbitrary: fc.constant("application/json") },
  { weight: 1, arbitrary: fc.constantFrom("text/plain", "application/x-www-form-urlencoded", "multipart/form-data; boundary=x", "application/json; charset=utf-16", "application/xml") },
  { weight: 1, arbitrary: fc.constant(null) },
);

// ---- the fixture every generated request may aim at ----

let model: string;
const fixture = () => ({ name: model, v: "2", ref: "champion", id: crypto.randomUUID(), path: "model.bin", n: "1" });
const fixtureValue = (param: string) => (fixture() as Record<string, string>)[param] ?? "1";

interface Generated {
  method: string;
  url: string;
  headers: Record<string, string>;
  body?: BodyInit;
}

function requestFor(op: Operation): fc.Arbitrary<Generated> {
  const pathParams = op.params.filter((p) => p.in === "path");
  const queryParams = op.params.filter((p) => p.in === "query");
  // A mutation without a body is invalid only through its path: no existing ref, version or former name, and no
  // existing model when the model is all the path names (DELETE /v1/models/{name} would delete the fixture).
  const bodiless = op.body === null && op.method !== "GET" && op.method !== "HEAD";
  const INVALID_TARGETS: Record<string, string> = { ref: "unset-alias", v: "99", former: "never-a-name" };
  const target = (name: string) => {
    if (!bodiless) return fixtureValue(name);
    if (name === "name" && pathParams.length === 1) return "absent-model";
    return INVALID_TARGETS[name] ?? fixtureValue(name);
  };
  const segment = (name: string) =>
    fc.oneof(
      { weight: 2, arbitrary: fc.constant(encodeSegment(target(name))) },
      { weight: 3, arbitrary: hostileString.map((v) => (name === "path" ? v.split("/").map(encodeSegment).join("/") : encodeSegment(v))) },
      { weight: 1, arbitrary: rawSegment },
    );
  const path = fc.record(Object.fromEntries(pathParams.map((p) => [p.name, segment(p.name)])) as Record<string, fc.Arbitrary<string>>);
  const query = fc.array(
    fc.tuple(fc.oneof(fc.constantFrom(...(queryParams.length ? queryParams.map((p) => p.name) : ["x"])), fc.string({ maxLength: 10 })), fc.oneof(hostileString, anyJson.map(String))),
    { maxLength: 4 },
  );
  const body: fc.Arbitrary<{ body?: BodyInit; type: string | null }> =
    op.body === null
      ? fc.constant({ type: null })
      : op.body.kind === "binary"
        ? fc.oneof(fc.uint8Array({ maxLength: 64 }), hostileString).map((b) => ({ body: b as BodyInit, type: "application/octet-stream" }))
        : fc.tuple(invalidBody(op.body.schema), contentType).map(([b, type]) => ({ body: b, type }));
  return fc.tuple(path, query, body).map(([params, pairs, { body: payload, type }]): Generated => {
    let url = op.path.replace(/\{(\w+)\}/g, (_, name: string) => params[name] ?? "x");
    if (pairs.length > 0) url += `?${new URLSearchParams(pairs.map(([k, v]) => [k, v]))}`;
    const headers: Record<string, string> = type ? { "Content-Type": type } : {};
    return { method: op.method, url, headers, body: payload };
  });
}

// ---- what must hold after every case ----

/** Counts of every table and the newest change times, in one query, so each case is checked on its own. */
let stateQuery: string;
async function state(): Promise<unknown> {
  return env.DB.prepare(stateQuery).first();
}

/**
 * The worker's app called directly, as its fetch handler is: the test pool's self-service binding slows down with
 * every call it has made (thousands of calls take minutes), the app itself does not.
 */
const app = createApp();
async function send(g: Generated): Promise<Response> {
  const headers = new Headers(g.headers);
  if (!headers.has("Authorization") && !headers.has("Cookie")) headers.set("Authorization", `Bearer ${ADMIN}`);
  const ctx = createExecutionContext();
  const res = await app.fetch(new Request(`${BASE}${g.url}`, { method: g.method, headers, body: g.body }), env, ctx);
  await waitOnExecutionContext(ctx);
  return res;
}

/** The checks every answer passes; `refused` demands a 4xx (every mutation case is invalid by construction). */
async function check(g: Generated, res: Response, shape: "edgereg" | "mlflow" | "html", refused: boolean) {
  ran.cases++;
  ran.statuses[res.status] = (ran.statuses[res.status] ?? 0) + 1;
  const text = g.method === "HEAD" ? "" : await res.text();
  const where = `${g.method} ${g.url.slice(0, 300)} → ${res.status} ${text.slice(0, 300)}`;
  expect(res.status, where).toBeLessThan(500);
  if (refused) expect(res.status, where).toBeGreaterThanOrEqual(400);
  expect(res.headers.get("X-Content-Type-Options"), where).toBe("nosniff");
  expect(res.headers.get("X-Injected"), where).toBeNull();
  if (res.status < 400 || g.method === "HEAD" || shape === "html") return;
  expect(res.headers.get("Content-Type"), where).toMatch(/^application\/json/);
  const body = JSON.parse(text);
  if (shape === "mlflow") expect(body, where).toEqual({ error_code: expect.any(String), message: expect.any(String) });
  else expect(body.error, where).toMatchObject({ code: expect.any(String), message: expect.any(String) });
}

/** Runs the cases of one operation; afterwards the registry must read exactly as before them. */
async function assertProperty(what: string, arb: fc.Arbitrary<Generated>, numRuns: number, each: (g: Generated) => Promise<void>) {
  const before = await state();
  await fc.assert(
    fc.asyncProperty(arb, each),
    // The first counterexample is reported as generated: shrinking would replay hundreds of requests.
    { numRuns, seed: SEED, endOnFailure: true },
  );
  expect(await state(), `state changed by the cases of ${what}`).toEqual(before);
}

let r2Before: number;
let fixtureBefore: unknown;
const r2Count = async () => (await env.ARTIFACTS.list({ limit: 1000 })).objects.length;
const fixtureState = async () => ({
  model: await callJson("GET", `/v1/models/${model}`, 200),
  versions: await callJson("GET", `/v1/models/${model}/versions`, 200),
  history: await callJson("GET", `/v1/models/${model}/refs/champion/history`, 200),
});

beforeAll(async () => {
  model = uniqueName("fuzz");
  await createModel(model, { description: "the fuzz target" });
  await createVersion(model, "1.0.0", { metrics: { accuracy: 0.9 } });
  const bytes = artifactBytes(16, 31);
  await createVersion(model, "1.1.0", { artifacts: [{ path: "model.bin", size: 16, sha256: await sha256Hex(bytes) }] });
  await moveRef(model, "champion", 1);
  spec = await callJson("GET", "/openapi.json", 200, { token: null });
  const tables = await env.DB.prepare(
    "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite_%' AND name NOT LIKE '_cf_%' AND name != 'd1_migrations'",
  ).all<{ name: string }>();
  const counts = tables.results.map(({ name }) => `(SELECT COUNT(*) FROM "${name}") AS "${name}"`);
  const changes = ["models", "versions", "uploads", "rollouts", "refs"].map((t) => `(SELECT MAX(updated_at) FROM ${t}) AS "${t}_updated"`);
  stateQuery = `SELECT ${[...counts, ...changes, "(SELECT COUNT(*) FROM tokens WHERE revoked_at IS NOT NULL) AS revoked", "(SELECT COUNT(*) FROM webhooks WHERE deleted_at IS NOT NULL) AS unhooked"].join(", ")}`;
  r2Before = await r2Count();
  fixtureBefore = await fixtureState();
});

afterAll(async () => {
  expect(await r2Count()).toBe(r2Before);
  expect(await fixtureState()).toEqual(fixtureBefore);
  const statuses = Object.entries(ran.statuses).map(([s, n]) => `${s}×${n}`).join(" ");
  console.log(`fuzz: ${ran.cases} cases over ${ran.operations} operations (seed ${SEED}); statuses ${statuses}`);
});

describe("every operation of /openapi.json", () => {
  it("covers the spec", () => {
    expect(operationsOf().length).toBeGreaterThan(40);
  });

  // The operations are read from the spec at run time, so each becomes a step of one test per method family.
  for (const family of ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]) {
    it(`${family}: hostile paths, queries and bodies answer below 500 with the error shape; mutations are refused and change nothing`, async () => {
      for (const op of operationsOf().filter((o) => o.method === family)) {
        const mutation = family !== "GET" && family !== "HEAD";
        ran.operations++;
        await assertProperty(`${op.method} ${op.path}`, requestFor(op), mutation ? RUNS.mutation : RUNS.read, async (g) => check(g, await send(g), "edgereg", mutation));
      }
    }, TIMEOUT);
  }

  it("hostile headers on any operation: credentials, routing keys, request ids, ranges, content types", async () => {
    const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 200 });
    const header = fc.tuple(
      fc.constantFrom("Authorization", "X-Routing-Key", "X-Request-Id", "Range", "If-None-Match", "If-Range", "Content-Type", "Origin", "Cookie", "Cache-Control"),
      fc.oneof(printable, fc.constantFrom("Bearer ", "Bearer er_", "Basic YTpi", "bytes=-", "bytes=99999999999999999999-", "*", "W/\"x\"", "no-cache")),
    );
    const ops = operationsOf().filter((o) => o.method === "GET");
    ran.operations++;
    await assertProperty(
      "hostile headers",
      fc.tuple(fc.constantFrom(...ops), fc.array(header, { minLength: 1, maxLength: 3 })).chain(([op, headers]) =>
        requestFor(op).map((g) => ({ ...g, headers: { ...g.headers, ...Object.fromEntries(headers) } })),
      ),
      RUNS.headers,
      async (g) => check(g, await send(g), "edgereg", false),
    );
  }, TIMEOUT);
});

describe("the MLflow facade", () => {
  const API = "/api/2.0/mlflow";
  // [method, endpoint, fields]; mutations always carry an invalid model name, so none may succeed.
  const ENDPOINTS: [string, string, string[]][] = [
    ["POST", "registered-models/create", ["name", "description", "tags"]],
    ["GET", "registered-models/get", ["name"]],
    ["PATCH", "registered-models/update", ["name", "description"]],
    ["POST", "registered-models/rename", ["name", "new_name"]],
    ["DELETE", "registered-models/delete", ["name"]],
    ["GET", "registered-models/search", ["filter", "max_results", "order_by", "page_token"]],
    ["POST", "registered-models/get-latest-versions", ["name", "stages"]],
    ["GET", "registered-models/get-latest-versions", ["name", "stages"]],
    ["POST", "registered-models/set-tag", ["name", "key", "value"]],
    ["DELETE", "registered-models/delete-tag", ["name", "key"]],
    ["POST", "registered-models/alias", ["name", "alias", "version"]],
    ["DELETE", "registered-models/alias", ["name", "alias"]],
    ["GET", "registered-models/alias", ["name", "alias"]],
    ["POST", "model-versions/create", ["name", "source", "run_id", "tags", "description"]],
    ["GET", "model-versions/get", ["name", "version"]],
    ["PATCH", "model-versions/update", ["name", "version", "description"]],
    ["DELETE", "model-versions/delete", ["name", "version"]],
    ["GET", "model-versions/search", ["filter", "max_results", "order_by", "page_token"]],
    ["POST", "model-versions/transition-stage", ["name", "version", "stage", "archive_existing_versions"]],
    ["GET", "model-versions/get-download-uri", ["name", "version"]],
    ["POST", "model-versions/set-tag", ["name", "version", "key", "value"]],
    ["DELETE", "model-versions/delete-tag", ["name", "version", "key"]],
  ];
  const READS = new Set(["registered-models/get-latest-versions"]);
  const invalidName = fc.oneof(
    fc.oneof(fc.integer(), fc.boolean(), fc.constant(null), fc.array(fc.string(), { maxLength: 2 }), fc.dictionary(fc.string({ maxLength: 4 }), fc.string(), { maxKeys: 2 })),
    fc.tuple(hostileString, fc.constantFrom(" ", "/", "'", "<", "%", "é", "\u0000", "@", "\n")).map(([s, bad]) => `${s.slice(0, 60)}${bad}`),
    fc.constant(""),
    fc.constant("n".repeat(200)),
  );

  it("hostile messages answer below 500 in MLflow's error shape; mutations are refused and change nothing", async () => {
    for (const [method, endpoint, fields] of ENDPOINTS) {
      ran.operations++;
      const mutation = method !== "GET" && !READS.has(endpoint);
      const message = fc.record(
        Object.fromEntries(fields.map((f) => [f, f === "name" && mutation ? invalidName : fc.oneof(anyJson, fc.constant(fixture().name))])),
        { requiredKeys: mutation ? ["name"] : [] },
      );
      const arb = fc.oneof(
        { weight: 4, arbitrary: message.map((m) => ({ kind: "message" as const, m })) },
        { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...MALFORMED), fc.integer({ min: 100, max: 20_000 }).map((d) => deepText(d))).map((raw) => ({ kind: "raw" as const, raw })) },
      );
      const generated = arb.map((x): Generated => {
        if (method === "GET") {
          const m = x.kind === "message" ? x.m : { name: x.raw };
          const query = new URLSearchParams(Object.entries(m).flatMap(([k, v]) => [v].flat().map((item) => [k, typeof item === "string" ? item : JSON.stringify(item)])));
          return { method, url: `${API}/${endpoint}?${query}`, headers: {} };
        }
        // A malformed body must not name a valid model by accident: it parses to no valid message either way.
        const body = x.kind === "message" ? JSON.stringify(x.m) : x.raw;
        return { method, url: `${API}/${endpoint}`, headers: { "Content-Type": "application/json" }, body };
      });
      await assertProperty(`${method} ${endpoint}`, generated, RUNS.mlflow, async (g) => check(g, await send(g), "mlflow", mutation));
    }
  }, TIMEOUT);
});

describe("the admin UI", () => {
  it("hostile pages, queries and forms answer below 500; a form without its CSRF token changes nothing", async () => {
    const pages = ["/ui", "/ui/models/{name}", "/ui/models/{name}/versions/{v}", "/ui/models/{name}/versions/{v}/artifacts/{path}", "/ui/audit", "/ui/login"];
    const posts = ["/ui/models/{name}/refs/{ref}/rollback", "/ui/models/{name}/rollouts", "/ui/models/{name}/rollouts/{ref}/weight", "/ui/models/{name}/rollouts/{ref}/promote", "/ui/login"];
    const segment = (name: string) => fc.oneof(fc.constant(encodeSegment(fixtureValue(name))), hostileString.map(encodeSegment), rawSegment);
    const fill = (template: string) =>
      fc.record({ name: segment("name"), v: segment("v"), ref: segment("ref"), path: segment("path") }).map((p) => template.replace(/\{(\w+)\}/g, (_, k: string) => (p as Record<string, string>)[k]!));
    const query = fc.array(fc.tuple(fc.constantFrom("q", "cursor", "metric", "history", "since", "until", "actor", "action", "model", "next", "done", "ref"), hostileString), { maxLength: 3 });
    const form = fc.array(fc.tuple(fc.constantFrom("reason", "weight", "step", "ref", "candidate", "weights", "force", "token", "next"), hostileString), { maxLength: 4 });
    const headers = { Cookie: `__Host-edgereg_session=${await uiSessionOf(ADMIN)}` };
    const arb = fc.oneof(
      fc.tuple(fc.constantFrom(...pages).chain(fill), query).map(([url, q]): Generated => ({ method: "GET", url: `${url}${q.length ? `?${new URLSearchParams(q)}` : ""}`, headers })),
      fc.tuple(fc.constantFrom(...posts).chain(fill), form).map(([url, f]): Generated => ({
        method: "POST",
        url,
        headers: { ...headers, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams(f).toString(),
      })),
    );
    ran.operations++;
    await assertProperty("the UI", arb, RUNS.ui, async (g) => check(g, await send(g), "html", g.method === "POST" && !g.url.startsWith("/ui/login")));
    // The fuzz's requests really reached the pages (the session was accepted).
    expect((await call("GET", "/ui", { token: null, headers: { Cookie: headers.Cookie } })).status).toBe(200);
  }, TIMEOUT);
});
