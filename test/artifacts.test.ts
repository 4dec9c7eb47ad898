import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import {
  artifactBytes,
  auditOf,
  call,
  callJson,
  createModel,
  createVersion,
  putArtifact,
  sha256Hex,
  tableCounts,
  tokenFor,
  uniqueName,
} from "./helpers";

const MiB = 1024 * 1024;
const bucket = () => (env as unknown as { ARTIFACTS: R2Bucket }).ARTIFACTS;
const blob = (sha256: string) => bucket().head(`blobs/sha256/${sha256}`);
const blobCount = async () => (await bucket().list({ prefix: "blobs/" })).objects.length;

async function declared(bytes: Uint8Array, path: string) {
  return { path, size: bytes.length, sha256: await sha256Hex(bytes) };
}

/** A model with one version declaring `files` (path → bytes); returns names and URLs to use. */
async function pendingVersion(files: Record<string, Uint8Array>, semver = "1.0.0", model = uniqueName("art")) {
  if (!(await call("GET", `/v1/models/${model}`)).ok) await createModel(model);
  const artifacts = await Promise.all(Object.entries(files).map(([path, bytes]) => declared(bytes, path)));
  const version = await createVersion(model, semver, { artifacts });
  const base = `/v1/models/${model}/versions/${version.number}`;
  return { model, version, base };
}

const parts = (bytes: Uint8Array, size: number) =>
  Array.from({ length: Math.ceil(bytes.length / size) }, (_, i) => bytes.subarray(i * size, (i + 1) * size));

async function putPart(base: string, id: string, n: number, bytes: Uint8Array, status = 200) {
  return callJson("PUT", `${base}/uploads/${id}/parts/${n}`, status, { body: bytes });
}

async function download(url: string, headers: Record<string, string> = {}, token?: string) {
  const res = await call("GET", url, { headers, token });
  return { res, bytes: new Uint8Array(await res.arrayBuffer()) };
}

describe("single upload", () => {
  it("streams declared artifacts into R2; the last one turns the version READY, and both download", async () => {
    const weights = artifactBytes(300_000, 7);
    const config = new TextEncoder().encode('{"layers": 12}');
    const { model, base } = await pendingVersion({ "model/weights.bin": weights, "config.json": config });

    const first = await callJson("PUT", `${base}/artifacts/model/weights.bin`, 201, { body: weights });
    expect(first).toMatchObject({ path: "model/weights.bin", size: weights.length, stored: true, version_status: "PENDING" });
    expect((await call("GET", `${base}/artifacts/config.json`)).status).toBe(404);

    const last = await callJson("PUT", `${base}/artifacts/config.json`, 201, { body: config });
    expect(last.version_status).toBe("READY");
    expect((await callJson("GET", base, 200)).status).toBe("READY");

    const { res, bytes } = await download(first.url.replace(/^https?:\/\/[^/]+/, ""));
    expect(res.status).toBe(200);
    expect(bytes).toEqual(weights);
    expect(res.headers.get("ETag")).toBe(`"${await sha256Hex(weights)}"`);
    expect(res.headers.get("Cache-Control")).toBe("private, max-age=31536000, immutable");
    expect(res.headers.get("Content-Length")).toBe(String(weights.length));
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");

    const actions = (await auditOf(model)).map((e) => e.action);
    expect(actions.filter((a) => a === "artifact.upload")).toHaveLength(2);
    expect(actions.at(-1)).toBe("version.ready");
  });

  it("refuses a body with the wrong digest or size (422) and stores nothing", async () => {
    const bytes = artifactBytes(70_000, 11);
    const { base } = await pendingVersion({ "model.onnx": bytes });
    const url = `${base}/artifacts/model.onnx`;
    const sha = await sha256Hex(bytes);

    const corrupted = bytes.slice();
    corrupted[1234]! ^= 0xff;
    const wrongDigest = await callJson("PUT", url, 422, { body: corrupted });
    expect(wrongDigest.error.details.reason).toBe("sha256_mismatch");

    const short = await callJson("PUT", url, 422, { body: bytes.subarray(0, 1000) });
    expect(short.error.details.reason).toBe("size_mismatch");
    const long = await callJson("PUT", url, 422, { body: artifactBytes(70_001, 11) });
    expect(long.error.details.reason).toBe("size_mismatch");

    expect(await blob(sha)).toBeNull();
    expect((await callJson("GET", base, 200)).status).toBe("PENDING");
    expect((await call("GET", url)).status).toBe(404);
  });
});

describe("multipart upload", () => {
  it("assembles 5 MiB parts sent in any order, verifies the whole, and serves ranges across parts", async () => {
    const bytes = artifactBytes(2 * 5 * MiB + 1234, 3);
    const { base } = await pendingVersion({ "weights.safetensors": bytes });

    const session = await callJson("POST", `${base}/uploads`, 201, { body: { path: "weights.safetensors", part_size: 5 * MiB } });
    expect(session).toMatchObject({ path: "weights.safetensors", part_size: 5 * MiB, part_count: 3, parts: [], status: "open" });
    const chunks = parts(bytes, 5 * MiB);
    for (const n of [3, 1, 2]) expect(await putPart(base, session.id, n, chunks[n - 1]!)).toMatchObject({ number: n, size: chunks[n - 1]!.length });

    const done = await callJson("POST", `${base}/uploads/${session.id}/complete`, 200);
    expect(done).toMatchObject({ status: "completed", version_status: "READY" });
    expect(done.parts.map((p: any) => p.number)).toEqual([1, 2, 3]);
    expect((await blob(session.sha256))?.size).toBe(bytes.length);

    const offset = 5 * MiB - 100;
    const { res, bytes: slice } = await download(`${base}/artifacts/weights.safetensors`, { Range: `bytes=${offset}-${offset + 199}` });
    expect(res.status).toBe(206);
    expect(await sha256Hex(slice)).toBe(await sha256Hex(bytes.subarray(offset, offset + 200)));
    // Completing again is idempotent.
    expect((await callJson("POST", `${base}/uploads/${session.id}/complete`, 200)).status).toBe("completed");
  });

  it("resumes after an interrupted upload: the session lists received parts, the rest follow", async () => {
    const bytes = artifactBytes(2 * 5 * MiB + 10, 5);
    const { base } = await pendingVersion({ "model.bin": bytes });
    const chunks = parts(bytes, 5 * MiB);
    const started = await callJson("POST", `${base}/uploads`, 201, { body: { path: "model.bin", part_size: 5 * MiB } });
    await putPart(base, started.id, 1, chunks[0]!);

    // The client crashed and lost the id: asking again returns the live session with what it received.
    const resumed = await callJson("POST", `${base}/uploads`, 200, { body: { path: "model.bin", part_size: 5 * MiB } });
    expect(resumed.id).toBe(started.id);
    expect(resumed.parts.map((p: any) => p.number)).toEqual([1]);
    expect((await callJson("GET", `${base}/uploads/${started.id}`, 200)).parts).toHaveLength(1);

    await putPart(base, started.id, 2, chunks[1]!);
    const early = await callJson("POST", `${base}/uploads/${started.id}/complete`, 409);
    expect(early.error.details.missing).toEqual([3]);
    await putPart(base, started.id, 3, chunks[2]!);
    expect((await callJson("POST", `${base}/uploads/${started.id}/complete`, 200)).version_status).toBe("READY");
    expect(await sha256Hex((await download(`${base}/artifacts/model.bin`)).bytes)).toBe(started.sha256);
  });

  it("a corrupted part fails verification: the object is deleted, nothing is READY, a new session succeeds", async () => {
    const bytes = artifactBytes(5 * MiB + 5000, 9);
    const { model, base } = await pendingVersion({ "model.bin": bytes });
    const chunks = parts(bytes, 5 * MiB);
    const session = await callJson("POST", `${base}/uploads`, 201, { body: { path: "model.bin", part_size: 5 * MiB } });
    const corrupted = chunks[1]!.slice();
    corrupted[17]! ^= 1;
    await putPart(base, session.id, 1, chunks[0]!);
    await putPart(base, session.id, 2, corrupted);
    const blobsBefore = await blobCount();

    const failed = await callJson("POST", `${base}/uploads/${session.id}/complete`, 422);
    expect(failed.error.details).toMatchObject({ reason: "sha256_mismatch", expected_sha256: session.sha256 });
    expect(failed.error.details.actual_sha256).not.toBe(session.sha256);
    expect(await blob(session.sha256)).toBeNull();
    expect(await blobCount()).toBe(blobsBefore);
    expect((await callJson("GET", `${base}/uploads/${session.id}`, 200)).status).toBe("failed");
    expect((await callJson("GET", base, 200)).status).toBe("PENDING");
    expect((await call("GET", `${base}/artifacts/model.bin`)).status).toBe(404);
    await putPart(base, session.id, 2, chunks[1]!, 409);
    const failure = (await auditOf(model)).find((e) => e.action === "upload.fail");
    expect(failure.after).toMatchObject({ upload_id: session.id, expected_sha256: session.sha256 });

    const retry = await callJson("POST", `${base}/uploads`, 201, { body: { path: "model.bin", part_size: 5 * MiB } });
    await putPart(base, retry.id, 1, chunks[0]!);
    await putPart(base, retry.id, 2, chunks[1]!);
    expect((await callJson("POST", `${base}/uploads/${retry.id}/complete`, 200)).version_status).toBe("READY");
  });

  it("checks part numbers and sizes, and aborts", async () => {
    const bytes = artifactBytes(5 * MiB + 1, 13);
    const { base } = await pendingVersion({ "big.bin": bytes });
    await callJson("POST", `${base}/uploads`, 400, { body: { path: "big.bin", part_size: MiB } });
    const session = await callJson("POST", `${base}/uploads`, 201, { body: { path: "big.bin", part_size: 5 * MiB } });
    expect(session.part_count).toBe(2);

    const wrongSize = await putPart(base, session.id, 2, new Uint8Array(2), 422);
    expect(wrongSize.error.details).toMatchObject({ reason: "size_mismatch", expected_size: 1, part: 2 });
    await putPart(base, session.id, 3, new Uint8Array(1), 400);
    await callJson("PUT", `${base}/uploads/not-a-uuid/parts/1`, 400, { body: new Uint8Array(1) });
    await callJson("GET", `${base}/uploads/${crypto.randomUUID()}`, 404);

    expect((await callJson("DELETE", `${base}/uploads/${session.id}`, 200)).status).toBe("aborted");
    await putPart(base, session.id, 2, bytes.subarray(5 * MiB), 409);
    await callJson("POST", `${base}/uploads/${session.id}/complete`, 409);
    expect((await callJson("DELETE", `${base}/uploads/${session.id}`, 200)).status).toBe("aborted");
  });

  it("allows one live multipart upload per content: other uploads of the same bytes wait (409)", async () => {
    const bytes = artifactBytes(5 * MiB + 77, 21);
    const a = await pendingVersion({ "w.bin": bytes });
    const b = await pendingVersion({ "copy/w.bin": bytes });
    const session = await callJson("POST", `${a.base}/uploads`, 201, { body: { path: "w.bin", part_size: 5 * MiB } });

    const busy = await callJson("POST", `${b.base}/uploads`, 409, { body: { path: "copy/w.bin", part_size: 5 * MiB } });
    expect(busy.error.details.reason).toBe("upload_in_progress");
    expect((await callJson("PUT", `${b.base}/artifacts/copy/w.bin`, 409, { body: bytes })).error.details.reason).toBe("upload_in_progress");

    await callJson("DELETE", `${a.base}/uploads/${session.id}`, 200);
    expect((await callJson("PUT", `${b.base}/artifacts/copy/w.bin`, 201, { body: bytes })).version_status).toBe("READY");
  });

  it("lets a session idle for a day expire: it stops blocking others and takes no more parts", async () => {
    const bytes = artifactBytes(5 * MiB + 3, 23);
    const a = await pendingVersion({ "w.bin": bytes });
    const b = await pendingVersion({ "w.bin": bytes });
    const stale = await callJson("POST", `${a.base}/uploads`, 201, { body: { path: "w.bin", part_size: 5 * MiB } });
    await env.DB.prepare("UPDATE uploads SET updated_at = '2000-01-01T00:00:00.000Z' WHERE id = ?").bind(stale.id).run();

    expect((await callJson("GET", `${a.base}/uploads/${stale.id}`, 200)).status).toBe("expired");
    const fresh = await callJson("POST", `${b.base}/uploads`, 201, { body: { path: "w.bin", part_size: 5 * MiB } });
    expect((await putPart(a.base, stale.id, 1, bytes.subarray(0, 5 * MiB), 409)).error.details.status).toBe("expired");
    await callJson("DELETE", `${b.base}/uploads/${fresh.id}`, 200);
  });
});

describe("deduplication", () => {
  it("stores shared bytes once: a second upload is acknowledged without reading the body", async () => {
    const bytes = artifactBytes(200_000, 31);
    const sha = await sha256Hex(bytes);
    const a = await pendingVersion({ "model.bin": bytes });
    const b = await pendingVersion({ "other/name.bin": bytes });

    expect((await callJson("PUT", `${a.base}/artifacts/model.bin`, 201, { body: bytes })).stored).toBe(true);
    const stored = await blob(sha);

    // Garbage of the right length: accepted only because the body is never read.
    const ack = await callJson("PUT", `${b.base}/artifacts/other/name.bin`, 200, { body: new Uint8Array(bytes.length) });
    expect(ack).toMatchObject({ stored: false, version_status: "READY" });
    expect((await blob(sha))?.version).toBe(stored!.version);
    expect(await sha256Hex((await download(`${b.base}/artifacts/other/name.bin`)).bytes)).toBe(sha);
    const event = (await auditOf(b.model)).find((e) => e.action === "artifact.upload");
    expect(event.after).toMatchObject({ path: "other/name.bin", deduplicated: true });

    // Declaring bytes that are already stored needs no upload at all; a multipart request answers completed.
    const other = artifactBytes(1000, 32);
    const c = await pendingVersion({ "same.bin": bytes, "new.bin": other });
    const view = await callJson("GET", c.base, 200);
    expect(view.status).toBe("PENDING");
    const session = await callJson("POST", `${c.base}/uploads`, 200, { body: { path: "same.bin" } });
    expect(session).toMatchObject({ status: "completed", parts: [] });
    await callJson("PUT", `${c.base}/artifacts/new.bin`, 201, { body: other });
    expect((await createVersion(c.model, "2.0.0", { artifacts: [await declared(bytes, "again.bin")] })).status).toBe("READY");
    expect((await bucket().list({ prefix: `blobs/sha256/${sha}` })).objects).toHaveLength(1);
  });
});

describe("immutability and declared paths", () => {
  it("a READY version's artifacts cannot be replaced or added (409); undeclared paths are 404", async () => {
    const bytes = artifactBytes(5000, 41);
    const { base } = await pendingVersion({ "a.bin": bytes, "b.bin": artifactBytes(10, 42) });

    await callJson("PUT", `${base}/artifacts/a.bin`, 201, { body: bytes });
    // Re-sending a verified artifact of a PENDING version is acknowledged.
    expect((await callJson("PUT", `${base}/artifacts/a.bin`, 200, { body: bytes })).stored).toBe(false);
    const undeclared = await callJson("PUT", `${base}/artifacts/c.bin`, 404, { body: bytes });
    expect(undeclared.error.message).toContain("declares no artifact 'c.bin'");
    await callJson("PUT", `${base}/artifacts/b.bin`, 201, { body: artifactBytes(10, 42) });

    const replaced = await callJson("PUT", `${base}/artifacts/a.bin`, 409, { body: bytes });
    expect(replaced.error.message).toContain("immutable");
    await callJson("PUT", `${base}/artifacts/c.bin`, 409, { body: bytes });
    await callJson("POST", `${base}/uploads`, 409, { body: { path: "a.bin" } });
  });

  it("refuses bad artifact paths with 400 and stores nothing", async () => {
    const bytes = artifactBytes(100, 51);
    const model = uniqueName("paths");
    await createModel(model);
    const before = await tableCounts();
    const blobsBefore = await blobCount();
    for (const path of ["../escape.bin", "/abs.bin", "a\\b.bin", "dir//x", "x".repeat(513), "ctl\u0001.bin"]) {
      const res = await callJson("POST", `/v1/models/${model}/versions`, 400, { body: { semver: "1.0.0", artifacts: [await declared(bytes, path)] } });
      expect(res.error.code).toBe("VALIDATION_FAILED");
    }
    const { base } = await pendingVersion({ "ok.bin": bytes }, "1.0.0", model);
    for (const raw of ["a%5Cb.bin", "a%2F..%2Fb.bin", "dir/", "%ZZ", "x%00y", "x".repeat(513)]) {
      expect((await callJson("PUT", `${base}/artifacts/${raw}`, 400, { body: bytes })).error.details.field).toBe("path");
      expect((await call("GET", `${base}/artifacts/${raw}`)).status).toBe(400);
    }
    await callJson("POST", `${base}/uploads`, 400, { body: { path: "../x" } });
    const after = await tableCounts();
    expect(after.uploads).toBe(before.uploads);
    expect(after.artifacts).toBe(before.artifacts! + 1);
    expect(await blobCount()).toBe(blobsBefore);
  });
});

describe("downloads", () => {
  it("answers Range with 206 or 416, If-None-Match with 304, and HEAD without a body", async () => {
    const bytes = artifactBytes(1000, 61);
    const { model, version } = await pendingVersion({ "data/model.json": bytes });
    await putArtifact(model, version.number, "data/model.json", bytes);
    // Addressed by semver too; the content type is the declared default.
    const url = `/v1/models/${model}/versions/1.0.0/artifacts/data/model.json`;
    const etag = `"${await sha256Hex(bytes)}"`;

    const head = await call("HEAD", url);
    expect(head.status).toBe(200);
    expect(Object.fromEntries(["Content-Length", "ETag", "Accept-Ranges"].map((h) => [h, head.headers.get(h)]))).toEqual({
      "Content-Length": "1000",
      ETag: etag,
      "Accept-Ranges": "bytes",
    });
    expect((await head.arrayBuffer()).byteLength).toBe(0);

    const cases: [string, number, string | null, Uint8Array | null][] = [
      ["bytes=0-9", 206, "bytes 0-9/1000", bytes.subarray(0, 10)],
      ["bytes=990-", 206, "bytes 990-999/1000", bytes.subarray(990)],
      ["bytes=-5", 206, "bytes 995-999/1000", bytes.subarray(995)],
      ["bytes=500-5000", 206, "bytes 500-999/1000", bytes.subarray(500)],
      ["bytes=1000-", 416, "bytes */1000", null],
      ["bytes=9-3", 200, null, bytes],
      ["bytes=0-1,5-6", 200, null, bytes],
      ["pages=1", 200, null, bytes],
    ];
    for (const [range, status, contentRange, expected] of cases) {
      const { res, bytes: body } = await download(url, { Range: range });
      expect([range, res.status, res.headers.get("Content-Range")]).toEqual([range, status, contentRange]);
      if (expected) expect(body).toEqual(expected);
    }

    const notModified = await call("GET", url, { headers: { "If-None-Match": `W/${etag}` } });
    expect(notModified.status).toBe(304);
    expect(notModified.headers.get("ETag")).toBe(etag);
    expect((await notModified.arrayBuffer()).byteLength).toBe(0);
    expect((await call("GET", url, { headers: { "If-None-Match": '"other"' } })).status).toBe(200);
    const staleIfRange = await call("GET", url, { headers: { Range: "bytes=0-9", "If-Range": '"other"' } });
    expect(staleIfRange.status).toBe(200);
    await staleIfRange.arrayBuffer();

    expect((await call("GET", `/v1/models/${model}/versions/9/artifacts/data/model.json`)).status).toBe(404);
    expect((await call("GET", `/v1/models/${model}/versions/1/artifacts/missing.json`)).status).toBe(404);
  });
});

describe("roles", () => {
  it("readers download, publishers upload, readers cannot upload", async () => {
    const bytes = artifactBytes(2000, 71);
    const { model, base } = await pendingVersion({ "m.bin": bytes });
    const [reader, publisher, otherPublisher] = await Promise.all([tokenFor("reader"), tokenFor("publisher", model), tokenFor("publisher", "other-*")]);

    expect((await callJson("PUT", `${base}/artifacts/m.bin`, 403, { body: bytes, token: reader })).error.code).toBe("FORBIDDEN");
    await callJson("POST", `${base}/uploads`, 403, { body: { path: "m.bin" }, token: reader });
    await callJson("PUT", `${base}/artifacts/m.bin`, 403, { body: bytes, token: otherPublisher });
    await callJson("PUT", `${base}/artifacts/m.bin`, 401, { body: bytes, token: null });
    expect(await blob(await sha256Hex(bytes))).toBeNull();

    await callJson("PUT", `${base}/artifacts/m.bin`, 201, { body: bytes, token: publisher });
    const { res, bytes: body } = await download(`${base}/artifacts/m.bin`, {}, reader);
    expect(res.status).toBe(200);
    expect(body).toEqual(bytes);
    expect((await call("GET", `${base}/artifacts/m.bin`, { token: null })).status).toBe(401);
  });
});
