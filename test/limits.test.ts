/**
 * Inputs at the platform's limits (issue 14): each case once answered 5xx (or hung) and must now be a 4xx naming
 * the field, or simply work. D1: 100 bound parameters per statement, 50-byte LIKE/GLOB patterns, expression depth
 * 100; R2: multipart parts replaced while completing, digest refusals; Workers: header values.
 */
import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { ADMIN, BASE, artifactBytes, call, callJson, clockedRegistry, createModel, createVersion, putArtifact, sha256Hex, tableCounts, uniqueName } from "./helpers";

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
    const html = await call("GET", `/ui?q=${encodeURIComponent(q)}`, { token: null, headers: { Cookie: `__Host-edgereg_session=${ADMIN}` } });
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
    const found = await (await mlflow("registered-models/search", `name LIKE '${name.slice(0, 20)}%'`)).json();
    expect(found.registered_models.map((m: any) => m.name)).toContain(name);
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
    expect((await res.json()).model_versions.map((v: any) => v.run_id)).toEqual(["run-777"]);
    expect((await mlflow("model-versions/search", `run_id IN (${list(1001)})`)).status).toBe(400);
    const chain = (n: number) => Array.from({ length: n }, (_, i) => `tags.k${i} = 'v'`).join(" AND ");
    expect((await mlflow("model-versions/search", chain(32))).status).toBe(200);
    const refused = await mlflow("model-versions/search", chain(33));
    expect(refused.status).toBe(400);
    expect((await refused.json()).message).toMatch(/at most 32/);
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
    expect((await hop.json()).error.details.field).toBe("ref");
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
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 2 } });
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
    const session = { Cookie: `__Host-edgereg_session=${ADMIN}` };
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
