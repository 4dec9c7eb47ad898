import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { BASE, ADMIN, call, callJson, createModel, createVersion, moveRef, proxyD1, sha256Hex, tokenFor, uniqueName } from "./helpers";

const MODEL = uniqueName("fleet");
const ONE = "bytes of version one";
const THREE = "weights of version three";

async function versionWithArtifact(semver: string, path: string, content: string) {
  const version = await createVersion(MODEL, semver, {
    artifacts: [{ path, size: content.length, sha256: await sha256Hex(content), content_type: "application/octet-stream" }],
  });
  const res = await call("PUT", `/v1/models/${MODEL}/versions/${version.number}/artifacts/${path}`, { body: new TextEncoder().encode(content) });
  expect(res.status, await res.clone().text()).toBeLessThan(300);
  return version;
}

const bytesOf = async (res: Response) => new TextDecoder().decode(await res.arrayBuffer());
const resolveUrl = (ref: string) => `/v1/resolve?ref=${encodeURIComponent(ref)}`;
const resolveRef = (ref: string, status = 200, options = {}) => callJson("GET", resolveUrl(ref), status, options);

beforeAll(async () => {
  await createModel(MODEL);
  await versionWithArtifact("1.0.0", "model.onnx", ONE); // 1
  await createVersion(MODEL, "2.1.0"); // 2
  await versionWithArtifact("2.3.0", "weights/model.bin", THREE); // 3
  await createVersion(MODEL, "2.4.0"); // 4, archived below
  await createVersion(MODEL, "3.0.0-rc.1"); // 5
  await createVersion(MODEL, "3.1.0", { artifacts: [{ path: "never.bin", size: 1, sha256: "0".repeat(64) }] }); // 6, PENDING
  await callJson("PATCH", `/v1/models/${MODEL}/versions/4`, 200, { body: { archived: true } });
  await moveRef(MODEL, "Staging", 1);
  await moveRef(MODEL, "Production", 1);
  await moveRef(MODEL, "Staging", 2);
  await moveRef(MODEL, "champion", 3);
});

describe("GET /v1/resolve", () => {
  it.each<[string, number, string | null]>([
    ["/Production", 1, "Production"],
    ["/production", 1, "Production"],
    ["/STAGING", 2, "Staging"],
    ["@champion", 3, "champion"],
    ["/2", 2, null],
    ["/v2", 2, null],
    ["/2.3.0", 3, null],
    ["/4", 4, null], // archived versions still resolve when named exactly
    ["/2.4.0", 4, null],
    ["/latest", 5, null], // highest READY, non-archived number (6 is PENDING)
    ["/^2.1", 3, null], // 2.4.0 is archived
    ["/~2.1.0", 2, null],
    ["/>=1.2 <2.2", 2, null],
    ["/*", 3, null], // prereleases only where the range names one
    ["/>=3.0.0-rc.0", 5, null],
    ["/1.x", 1, null],
  ])("models:/NAME%s → version %i", async (selector, number, ref) => {
    const reference = `models:/${MODEL}${selector}`;
    const res = await call("GET", resolveUrl(reference));
    const body = (await res.json()) as any;
    expect(res.status, JSON.stringify(body)).toBe(200);
    expect(body).toMatchObject({ model: MODEL, number, status: "READY", ref, arm: null, rollout_id: null, artifact: null });
    expect(res.headers.get("X-Model-Version")).toBe(String(number));
    expect(res.headers.get("X-Model-Semver")).toBe(body.semver);
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Rollout-Arm")).toBeNull();
  });

  it("answers the version view with its verified artifacts and by-version URLs", async () => {
    const body = await resolveRef(`models:/${MODEL}/Production`);
    expect(body).toMatchObject({ reference: `models:/${MODEL}/Production`, semver: "1.0.0", stage: "Production", aliases: [] });
    expect(body.artifacts).toEqual([
      {
        path: "model.onnx",
        size: ONE.length,
        sha256: await sha256Hex(ONE),
        content_type: "application/octet-stream",
        url: `${BASE}/v1/models/${MODEL}/versions/1/artifacts/model.onnx`,
      },
    ]);
    const withPath = await resolveRef(`models:/${MODEL}@champion/weights/model.bin`);
    expect(withPath.artifact).toMatchObject({ path: "weights/model.bin", url: `${BASE}/v1/models/${MODEL}/versions/3/artifacts/weights/model.bin` });
    expect(withPath.aliases).toEqual(["champion"]);
  });

  it("answers the same version view as GET …/versions/:v", async () => {
    await callJson("PATCH", `/v1/models/${MODEL}/versions/3`, 200, { body: { tags: { owner: "ops" }, metrics: { mae: 7.5 } } });
    for (const [reference, number] of [[`models:/${MODEL}@champion`, 3], [`models:/${MODEL}/2.4.0`, 4], [`models:/${MODEL}/Production`, 1]] as const) {
      const { reference: _r, ref: _ref, arm: _a, rollout_id: _id, artifact: _art, ...view } = await resolveRef(reference);
      expect(view).toEqual(await callJson("GET", `/v1/models/${MODEL}/versions/${number}`, 200));
    }
  });

  it("HEAD answers the headers without a body", async () => {
    const res = await call("HEAD", resolveUrl(`models:/${MODEL}/Production`));
    expect(res.status).toBe(200);
    expect(res.headers.get("X-Model-Version")).toBe("1");
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(await res.text()).toBe("");
  });

  it.each<[string, string]>([
    ["models:/no-such-model/latest", "no_model"],
    [`models:/${MODEL}@nobody`, "no_ref"],
    [`models:/${MODEL}/99`, "no_version"],
    [`models:/${MODEL}/6`, "not_ready"],
    [`models:/${MODEL}/3.1.0`, "not_ready"],
    [`models:/${MODEL}/^9`, "no_version"],
    [`models:/${MODEL}/^3.1`, "no_version"], // only the PENDING 3.1.0
    [`models:/${MODEL}/Production/missing.bin`, "no_artifact"],
  ])("%s → 404 %s", async (reference, reason) => {
    const body = await resolveRef(reference, 404);
    expect(body.error).toMatchObject({ code: "NOT_FOUND", details: { reason } });
  });

  it.each<[string, string]>([
    [`${MODEL}/Production`, "missing_scheme"],
    [`models:/${MODEL}`, "missing_selector"],
    [`models:/${MODEL}/`, "empty_segment"],
    ["models:/bad name/1", "bad_model_name"],
    [`models:/${MODEL}@latest`, "reserved_alias"],
    [`models:/${MODEL}/2.1.0+build`, "bad_selector"],
    [`models:/${MODEL}/01`, "bad_version_number"],
    [`models:/${MODEL}/Production/../x`, "bad_path"],
  ])("%s → 400 %s", async (reference, reason) => {
    const body = await resolveRef(reference, 400);
    expect(body.error).toMatchObject({ code: "BAD_REQUEST", details: { field: "ref", reason } });
    expect(body.error.message.length).toBeGreaterThan(10);
  });

  it("needs ?ref=", async () => {
    expect((await callJson("GET", "/v1/resolve", 400)).error.code).toBe("VALIDATION_FAILED");
  });

  it("needs a reader token scoped to the model", async () => {
    const ref = `models:/${MODEL}/Production`;
    await resolveRef(ref, 401, { token: null });
    await resolveRef(ref, 401, { token: "er_unknown" });
    await resolveRef(`${MODEL}/nonsense`, 401, { token: "er_unknown" }); // authentication before input errors
    await resolveRef(ref, 200, { token: await tokenFor("reader") });
    await resolveRef(ref, 200, { token: await tokenFor("reader", "fleet-*") });
    await resolveRef(ref, 403, { token: await tokenFor("admin", "other-*") });
    const revoked = await callJson("POST", "/v1/tokens", 201, { body: { name: "gone", role: "reader" } });
    await callJson("DELETE", `/v1/tokens/${revoked.id}`, 200);
    await resolveRef(ref, 401, { token: revoked.secret });
  });

  it("shows a ref move and its rollback to the very next request", async () => {
    const name = uniqueName("flip");
    await createModel(name);
    await createVersion(name, "1.0.0");
    await createVersion(name, "1.1.0");
    for (const version of [1, 2]) await moveRef(name, "Staging", version);
    await moveRef(name, "Production", 1);
    for (const [action, expected] of [
      [() => moveRef(name, "Production", 2), 2],
      [() => callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "bad" } }), 1],
      [() => moveRef(name, "Production", 2), 2],
      [() => callJson("DELETE", `/v1/models/${name}/refs/Production?force=true`, 200), null],
    ] as const) {
      await action();
      if (expected === null) await resolveRef(`models:/${name}/Production`, 404);
      else expect((await resolveRef(`models:/${name}/Production`)).number).toBe(expected);
    }
  });
});

describe("GET /v1/r/NAME/REF/PATH", () => {
  it("resolves and streams the artifact, pointing at the immutable by-version URL", async () => {
    for (const ref of ["Production", "production", "1", "1.0.0", "%5E1", "1.x"]) {
      const res = await call("GET", `/v1/r/${MODEL}/${ref}/model.onnx`);
      expect(res.status, ref).toBe(200);
      expect(await bytesOf(res)).toBe(ONE);
      expect(res.headers.get("Cache-Control")).toBe("no-store");
      expect(res.headers.get("Content-Location")).toBe(`${BASE}/v1/models/${MODEL}/versions/1/artifacts/model.onnx`);
      expect(res.headers.get("ETag")).toBe(`"${await sha256Hex(ONE)}"`);
      expect(res.headers.get("X-Model-Version")).toBe("1");
    }
    for (const ref of ["@champion", "%40champion", "%5E2.1", "2.3.0"]) {
      const res = await call("GET", `/v1/r/${MODEL}/${ref}/weights/model.bin`);
      expect(await bytesOf(res), ref).toBe(THREE);
    }
  });

  it("supports HEAD and Range like the by-version download", async () => {
    const head = await call("HEAD", `/v1/r/${MODEL}/Production/model.onnx`);
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe(String(ONE.length));
    expect(await bytesOf(head)).toBe("");
    const part = await call("GET", `/v1/r/${MODEL}/Production/model.onnx`, { headers: { Range: "bytes=0-4" } });
    expect(part.status).toBe(206);
    expect(await bytesOf(part)).toBe(ONE.slice(0, 5));
  });

  it("answers 404 for what is not there and 400 for what cannot be", async () => {
    await callJson("GET", `/v1/r/${MODEL}/Production/other.onnx`, 404);
    await callJson("GET", `/v1/r/${MODEL}/Staging/model.onnx`, 404); // version 2 has no artifacts
    await callJson("GET", `/v1/r/no-such-model/Production/model.onnx`, 404);
    await callJson("GET", `/v1/r/${MODEL}/6/never.bin`, 404); // PENDING
    expect((await callJson("GET", `/v1/r/${MODEL}/champion/model.onnx`, 400)).error.details.reason).toBe("bad_selector");
    await callJson("GET", `/v1/r/${MODEL}/Production/a//b`, 400);
    await callJson("GET", `/v1/r/${MODEL}/Production/model.onnx`, 401, { token: null });
  });
});

/** Counts D1 calls: each batch, and each statement run outside a batch, is one round trip. */
function countingD1(db: D1Database) {
  const calls: string[] = [];
  const wrap = (statement: D1PreparedStatement): D1PreparedStatement => {
    for (const method of ["all", "raw", "run", "first"] as const) {
      const original = (statement[method] as (...a: unknown[]) => unknown).bind(statement);
      (statement as any)[method] = (...args: unknown[]) => (calls.push(method), original(...args));
    }
    const bind = statement.bind.bind(statement);
    statement.bind = (...values: unknown[]) => wrap(bind(...values));
    return statement;
  };
  const proxy = proxyD1(db, {
    get(target, property) {
      if (property === "prepare") return (query: string) => wrap(target.prepare(query));
      if (property === "batch") return (statements: D1PreparedStatement[]) => (calls.push("batch"), target.batch(statements));
      const value = Reflect.get(target, property);
      return typeof value === "function" ? value.bind(target) : value;
    },
  });
  return { proxy, calls };
}

describe("one D1 round trip", () => {
  it("resolves every form, token check and rollout included, with one query, strict or at a bookmark", async () => {
    const reader = await tokenFor("reader");
    await resolveRef(`models:/${MODEL}/Production`, 200, { token: reader }); // records last_used_at, which then stays fresh for an hour
    const started = await call("PUT", `/v1/models/${MODEL}/rollouts/Staging`, { body: { candidate_version: 3, weight: 50 } });
    expect(started.status).toBe(201);
    const bookmark = started.headers.get("x-d1-bookmark")!;
    const app = createApp();
    const references = ["Staging", "Production", "@champion", "2", "2.3.0", "latest", "^2.1", "1.x || >=2.2 <2.4", ">=3.0.0-rc.0", "Production/model.onnx"];
    for (const [token, session] of [[reader, null], [ADMIN, null], [reader, { "x-d1-bookmark": bookmark }]] as const) {
      // Today's answer and the point-in-time one (?at=) alike.
      for (const [selector, at] of references.flatMap((s) => [[s, ""], [s, `&at=${new Date().toISOString()}`]])) {
        const { proxy, calls } = countingD1(env.DB);
        const ctx = createExecutionContext();
        const request = new Request(`${BASE}${resolveUrl(`models:/${MODEL}${selector!.startsWith("@") ? "" : "/"}${selector}`)}${at}`, {
          headers: { Authorization: `Bearer ${token}`, "X-Routing-Key": "user-1", ...session },
        });
        const res = await app.fetch(request, { ...env, DB: proxy }, ctx);
        await waitOnExecutionContext(ctx);
        expect(res.status, `${selector}${at}: ${await res.clone().text()}`).toBe(200);
        expect(res.headers.get("X-D1-Consistency"), `${selector}${at}`).toBe(session ? "session" : "strict");
        expect(calls, `${selector}${at}`).toEqual(["first"]);
      }
    }
    const { proxy, calls } = countingD1(env.DB);
    const ctx = createExecutionContext();
    const res = await app.fetch(new Request(`${BASE}/v1/r/${MODEL}/Production/model.onnx`, { headers: { Authorization: `Bearer ${reader}` } }), { ...env, DB: proxy }, ctx);
    await res.arrayBuffer();
    await waitOnExecutionContext(ctx);
    expect(calls, "one-hop").toEqual(["first"]);
    await callJson("POST", `/v1/models/${MODEL}/rollouts/Staging/abort`, 200);
  });
});
