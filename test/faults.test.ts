/**
 * Faults: a client that disconnects mid-upload, a multipart upload abandoned halfway, a restart between parts, D1
 * batches that fail half way. Whatever happens, nothing becomes READY that was not verified, no version points at a
 * missing blob, no partial change is visible, and what is left behind is listed and collected after a grace period.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, describe, expect, it, vi } from "vitest";
import { artifactBytes, faultyD1, registryWith, sha256Hex, tableCounts, tokenFor, uniqueName } from "./helpers";

const MiB = 1024 * 1024;
const HOUR = 3600;

type Registry = ReturnType<typeof registryWith>;

async function declared(bytes: Uint8Array, path = "model.bin") {
  return { path, size: bytes.length, sha256: await sha256Hex(bytes) };
}

/** A model with a PENDING version declaring `files`; answers the version's base path. */
async function pendingVersion(r: Registry, files: Record<string, Uint8Array>, semver = "1.0.0", model = uniqueName("fault")) {
  await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
  const artifacts = await Promise.all(Object.entries(files).map(([path, bytes]) => declared(bytes, path)));
  const version = await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver, artifacts } });
  expect(version.status).toBe("PENDING");
  return { model, base: `/v1/models/${model}/versions/${version.number}` };
}

/** A body that sends `sent` bytes of `bytes`, then fails as a dropped connection does. */
function disconnecting(bytes: Uint8Array, sent: number): ReadableStream<Uint8Array> {
  let done = false;
  return new ReadableStream({
    pull(controller) {
      if (done) return controller.error(new Error("connection reset by peer"));
      done = true;
      controller.enqueue(bytes.slice(0, sent));
    },
  });
}

const blobHead = (sha256: string) => env.ARTIFACTS.head(`blobs/sha256/${sha256}`);

// Injected failures answer 500 and are logged as internal errors; keep the test output readable.
beforeAll(() => void vi.spyOn(console, "error").mockImplementation(() => undefined));
afterAll(() => vi.restoreAllMocks());

describe("a client that disconnects mid-upload", () => {
  it("stores nothing from a single PUT; the version stays PENDING and a full upload then succeeds", async () => {
    const r = registryWith();
    const bytes = artifactBytes(MiB, 3);
    const { base } = await pendingVersion(r, { "model.bin": bytes });
    const before = await tableCounts();

    const res = await r.call("PUT", `${base}/artifacts/model.bin`, { body: disconnecting(bytes, 256 * 1024) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error).toMatchObject({ code: "BAD_REQUEST", details: { reason: "body_incomplete" } });
    expect(await tableCounts()).toEqual(before);
    expect(await blobHead(await sha256Hex(bytes))).toBeNull();
    expect((await r.callJson("GET", base, 200)).status).toBe("PENDING");
    await r.callJson("GET", `${base}/artifacts/model.bin`, 404);

    expect((await r.callJson("PUT", `${base}/artifacts/model.bin`, 201, { body: bytes })).version_status).toBe("READY");
  });

  it("records no part from a part body cut short; sending the part again completes the upload", async () => {
    const r = registryWith();
    const bytes = artifactBytes(6 * MiB, 4);
    const { base } = await pendingVersion(r, { "big.bin": bytes });
    const session = await r.callJson("POST", `${base}/uploads`, 201, { body: { path: "big.bin", part_size: 5 * MiB } });
    const part1 = bytes.slice(0, 5 * MiB);

    const res = await r.call("PUT", `${base}/uploads/${session.id}/parts/1`, { body: disconnecting(part1, MiB) });
    expect(res.status).toBe(400);
    expect(((await res.json()) as any).error.details.reason).toBe("body_incomplete");
    expect((await r.callJson("GET", `${base}/uploads/${session.id}`, 200)).parts).toEqual([]);

    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/1`, 200, { body: part1 });
    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/2`, 200, { body: bytes.slice(5 * MiB) });
    expect((await r.callJson("POST", `${base}/uploads/${session.id}/complete`, 200)).version_status).toBe("READY");
  });
});

describe("a restart between parts", () => {
  it("resumes from what D1 recorded: a fresh app lists the parts received, takes the rest and completes", async () => {
    const r = registryWith();
    const bytes = artifactBytes(6 * MiB, 5);
    const { base } = await pendingVersion(r, { "weights.bin": bytes });
    const session = await r.callJson("POST", `${base}/uploads`, 201, { body: { path: "weights.bin", part_size: 5 * MiB } });
    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/1`, 200, { body: bytes.slice(0, 5 * MiB) });

    r.restart();
    // A client that lost its session id asks again and gets the live session back, with the part it sent.
    const resumed = await r.callJson("POST", `${base}/uploads`, 200, { body: { path: "weights.bin", part_size: 5 * MiB } });
    expect(resumed).toMatchObject({ id: session.id, status: "open", parts: [{ number: 1, size: 5 * MiB }] });
    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/2`, 200, { body: bytes.slice(5 * MiB) });

    r.restart();
    expect((await r.callJson("POST", `${base}/uploads/${session.id}/complete`, 200)).version_status).toBe("READY");
    const download = await r.call("GET", `${base}/artifacts/weights.bin`);
    expect(await sha256Hex(new Uint8Array(await download.arrayBuffer()))).toBe(await sha256Hex(bytes));
  });
});

describe("a D1 batch that fails half way", () => {
  const failEveryWrite = (sql: string[]) => sql.some((s) => /^insert into "audit_events"/i.test(s));

  it("leaves no part of any mutation visible: the change and its audit event commit together or not at all", async () => {
    const r = registryWith();
    const model = uniqueName("atomic");
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    for (const semver of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver } });
    for (const version of [1, 2]) await r.callJson("PUT", `/v1/models/${model}/refs/Staging`, 200, { body: { version } });
    await r.callJson("PUT", `/v1/models/${model}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${model}/refs/Production`, 200, { body: { version: 2 } });
    const stateBefore = await r.callJson("GET", `/v1/models/${model}`, 200);

    const mutations: [string, string, unknown][] = [
      ["POST", "/v1/models", { name: uniqueName("atomic") }],
      ["PATCH", `/v1/models/${model}`, { description: "changed", tags: { team: "ops" } }],
      ["POST", `/v1/models/${model}/versions`, { semver: "2.0.0", tags: { a: "b" } }],
      ["PATCH", `/v1/models/${model}/versions/1`, { metrics: { auc: 0.9 }, tags: { reviewed: "yes" } }],
      ["PUT", `/v1/models/${model}/refs/champion`, { version: 1, reason: "x" }],
      ["PUT", `/v1/models/${model}/refs/Production`, { version: 1, reason: "x" }],
      ["POST", `/v1/models/${model}/refs/Production/rollback`, { reason: "x" }],
      ["PUT", `/v1/models/${model}/rollouts/Production`, { candidate_version: 1, weight: 10, force: true, reason: "x" }],
      ["POST", `/v1/models/${model}/versions/1/stage`, { stage: "Staging", reason: "x" }],
      ["PUT", `/v1/models/${model}/policy`, { require_staging: false }],
      ["POST", "/v1/tokens", { name: "never", role: "reader" }],
    ];
    r.setEnv({ DB: faultyD1(env.DB, failEveryWrite) });
    const before = await tableCounts();
    for (const [method, path, body] of mutations) {
      const res = await r.call(method, path, { body });
      expect(res.status, `${method} ${path}`).toBe(500);
      expect(((await res.json()) as any).error).toMatchObject({ code: "INTERNAL", details: { request_id: expect.any(String) } });
    }
    expect(await tableCounts()).toEqual(before);
    expect(await r.callJson("GET", `/v1/models/${model}`, 200)).toEqual(stateBefore);

    // The same requests on a healthy D1 go through: the failures were the injected ones.
    r.setEnv({ DB: env.DB });
    for (const [method, path, body] of mutations) {
      const res = await r.call(method, path, { body });
      expect(res.status, `${method} ${path} → ${await res.clone().text()}`).toBeLessThan(300);
    }
  });

  it("a single upload whose verification fails leaves the version PENDING and its blob listed as unreferenced until a retry verifies it", async () => {
    const r = registryWith({ env: { DB: faultyD1(env.DB, (sql) => sql.some((s) => /update "artifacts" set "verified_at"/i.test(s))) } });
    const bytes = artifactBytes(64 * 1024, 6);
    const sha256 = await sha256Hex(bytes);
    const { base } = await pendingVersion(r, { "model.bin": bytes });

    expect((await r.call("PUT", `${base}/artifacts/model.bin`, { body: bytes })).status).toBe(500);
    expect((await r.callJson("GET", base, 200)).status).toBe("PENDING");
    await r.callJson("GET", `${base}/artifacts/model.bin`, 404);
    const orphans = await r.callJson("GET", "/v1/maintenance/orphans", 200);
    expect(orphans.blobs).toContainEqual({ sha256, size: bytes.length, uploaded_at: expect.any(String), collect_after: expect.any(String) });

    r.setEnv({ DB: env.DB });
    expect((await r.callJson("PUT", `${base}/artifacts/model.bin`, 201, { body: bytes })).version_status).toBe("READY");
    expect((await r.callJson("GET", "/v1/maintenance/orphans", 200)).blobs.map((b: any) => b.sha256)).not.toContain(sha256);
  });

  it("a multipart completion whose D1 batch fails after R2 assembled the bytes can be completed again", async () => {
    const r = registryWith();
    const bytes = artifactBytes(6 * MiB, 7);
    const { base } = await pendingVersion(r, { "big.bin": bytes });
    const session = await r.callJson("POST", `${base}/uploads`, 201, { body: { path: "big.bin", part_size: 5 * MiB } });
    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/1`, 200, { body: bytes.slice(0, 5 * MiB) });
    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/2`, 200, { body: bytes.slice(5 * MiB) });

    r.setEnv({ DB: faultyD1(env.DB, (sql) => sql.some((s) => /update "uploads" set "status"/i.test(s))) });
    expect((await r.call("POST", `${base}/uploads/${session.id}/complete`)).status).toBe(500);
    expect((await r.callJson("GET", base, 200)).status).toBe("PENDING");

    r.setEnv({ DB: env.DB });
    const completed = await r.callJson("POST", `${base}/uploads/${session.id}/complete`, 200);
    expect(completed).toMatchObject({ status: "completed", version_status: "READY" });
    const download = await r.call("GET", `${base}/artifacts/big.bin`);
    expect(await sha256Hex(new Uint8Array(await download.arrayBuffer()))).toBe(await sha256Hex(bytes));
  });
});

describe("orphans: listed for admins, collected by the cron trigger after the grace period", () => {
  it("an abandoned multipart upload is listed once it expires and aborted after the grace period, audited once", async () => {
    const r = registryWith({ env: { ORPHAN_GRACE_HOURS: "48" } });
    const bytes = artifactBytes(6 * MiB, 8);
    const { model, base } = await pendingVersion(r, { "half.bin": bytes });
    const session = await r.callJson("POST", `${base}/uploads`, 201, { body: { path: "half.bin", part_size: 5 * MiB } });
    await r.callJson("PUT", `${base}/uploads/${session.id}/parts/1`, 200, { body: bytes.slice(0, 5 * MiB) });
    const listed = async () => (await r.callJson("GET", "/v1/maintenance/orphans", 200)).uploads.filter((u: any) => u.id === session.id);

    r.advance(HOUR);
    expect(await listed()).toEqual([]);
    r.advance(25 * HOUR);
    const [orphan] = await listed();
    expect(orphan).toMatchObject({ model, version: 1, path: "half.bin", sha256: await sha256Hex(bytes), parts: 1, size: bytes.length });
    expect(Date.parse(orphan.collect_after) - Date.parse(orphan.updated_at)).toBe(48 * HOUR * 1000);
    await r.cron();
    expect((await r.callJson("GET", `${base}/uploads/${session.id}`, 200)).status).toBe("expired");

    r.advance(24 * HOUR);
    await r.cron();
    await r.cron();
    expect((await r.callJson("GET", `${base}/uploads/${session.id}`, 200)).status).toBe("aborted");
    expect(await listed()).toEqual([]);
    const events = (await r.callJson("GET", `/v1/audit?model=${model}&action=upload.expire`, 200)).items;
    expect(events).toEqual([expect.objectContaining({ actor: "edgereg:maintenance", version: 1 })]);
    expect(events[0].before).toMatchObject({ upload_id: session.id, parts: 1 });

    // The bytes are free again: a new upload starts, completes and verifies.
    const again = await r.callJson("POST", `${base}/uploads`, 201, { body: { path: "half.bin", part_size: 5 * MiB } });
    await r.callJson("PUT", `${base}/uploads/${again.id}/parts/1`, 200, { body: bytes.slice(0, 5 * MiB) });
    await r.callJson("PUT", `${base}/uploads/${again.id}/parts/2`, 200, { body: bytes.slice(5 * MiB) });
    expect((await r.callJson("POST", `${base}/uploads/${again.id}/complete`, 200)).version_status).toBe("READY");
  });

  it("an unreferenced blob is deleted after the grace period, audited; a verified artifact's blob never is", async () => {
    const r = registryWith();
    const kept = artifactBytes(32 * 1024, 9);
    const { base } = await pendingVersion(r, { "kept.bin": kept });
    await r.callJson("PUT", `${base}/artifacts/kept.bin`, 201, { body: kept });
    // What a request that died between R2 and D1 leaves behind.
    const stray = artifactBytes(16 * 1024, 10);
    const straySha = await sha256Hex(stray);
    await env.ARTIFACTS.put(`blobs/sha256/${straySha}`, stray);

    const orphans = await r.callJson("GET", "/v1/maintenance/orphans", 200);
    expect(orphans.blobs.map((b: any) => b.sha256)).toContain(straySha);
    expect(orphans.blobs.map((b: any) => b.sha256)).not.toContain(await sha256Hex(kept));

    r.advance(HOUR);
    await r.cron();
    expect(await blobHead(straySha)).not.toBeNull();

    r.advance(24 * HOUR);
    await r.cron();
    expect(await blobHead(straySha)).toBeNull();
    expect(await blobHead(await sha256Hex(kept))).not.toBeNull();
    const events = (await r.callJson("GET", "/v1/audit?action=blob.delete", 200)).items.filter((e: any) => e.before.sha256 === straySha);
    expect(events).toEqual([expect.objectContaining({ actor: "edgereg:maintenance", model: null })]);
    const download = await r.call("GET", `${base}/artifacts/kept.bin`);
    expect(download.status).toBe(200);
    await download.arrayBuffer();
  });

  it("is for unscoped admins only, and pages through the bucket", async () => {
    const r = registryWith();
    await r.callJson("GET", "/v1/maintenance/orphans", 403, { token: await tokenFor("publisher") });
    await r.callJson("GET", "/v1/maintenance/orphans", 403, { token: await tokenFor("admin", "team-*") });
    for (let i = 0; i < 3; i++) await env.ARTIFACTS.put(`blobs/sha256/${await sha256Hex(`page-${i}`)}`, `page-${i}`);
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await r.callJson("GET", `/v1/maintenance/orphans?limit=1${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, 200);
      expect(page.scanned).toBeLessThanOrEqual(1);
      seen.push(...page.blobs.map((b: any) => b.sha256));
      cursor = page.next_cursor;
    } while (cursor);
    for (let i = 0; i < 3; i++) expect(seen).toContain(await sha256Hex(`page-${i}`));
    // R2 refuses a cursor it did not give (400 here); the local R2 answers an empty page.
    expect([200, 400]).toContain((await r.call("GET", "/v1/maintenance/orphans?cursor=not-a-cursor")).status);
  });
});

describe("after every fault above", () => {
  it("no READY version has an unverified artifact, and every verified artifact's blob is in R2 with its size", async () => {
    const unverified = await env.DB.prepare(
      "SELECT v.id FROM versions v JOIN artifacts a ON a.version_id = v.id WHERE v.status = 'READY' AND a.verified_at IS NULL",
    ).all();
    expect(unverified.results).toEqual([]);
    const verified = await env.DB.prepare("SELECT DISTINCT sha256, size FROM artifacts WHERE verified_at IS NOT NULL").all<{ sha256: string; size: number }>();
    expect(verified.results.length).toBeGreaterThan(0);
    for (const { sha256, size } of verified.results) expect((await blobHead(sha256))?.size, sha256).toBe(size);
  });
});
