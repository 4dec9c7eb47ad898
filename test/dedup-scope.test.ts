/**
 * Content deduplication never crosses token scope: bytes stored only under a model the caller cannot read count
 * for nothing (the version stays PENDING and the bytes must be sent), and no answer differs by whether they exist.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { artifactBytes, call, callJson, createModel, putArtifact, sha256Hex, tokenFor, uniqueName } from "./helpers";

const bucket = () => (env as unknown as { ARTIFACTS: R2Bucket }).ARTIFACTS;

/** Two models in a fresh namespace: `a` inside a scoped token's glob, `b` outside it; bytes stored under `b`. */
async function scopedWorld(seed: number, size = 4096) {
  const scope = uniqueName("scope");
  const [a, b] = [`${scope}-a1`, `${scope}-b1`];
  await createModel(a);
  await createModel(b);
  const bytes = artifactBytes(size, seed);
  const sha256 = await sha256Hex(bytes);
  await callJson("POST", `/v1/models/${b}/versions`, 201, { body: { semver: "1.0.0", artifacts: [{ path: "secret.bin", size, sha256 }] } });
  await putArtifact(b, 1, "secret.bin", bytes);
  const [publisher, reader] = await Promise.all([tokenFor("publisher", `${scope}-a*`), tokenFor("reader", `${scope}-a*`)]);
  return { a, b, bytes, sha256, size, publisher, reader };
}

/** What a client can observe of a created version, without the fields that differ by request. */
const observable = (v: any) => ({ status: v.status, artifacts: v.artifacts.map((x: any) => ({ ...x, sha256: "…", url: "…" })) });

describe("deduplication within token scope", () => {
  it("a scoped publisher declaring bytes stored only outside its scope gets PENDING, as for bytes stored nowhere", async () => {
    const w = await scopedWorld(101);
    const size = w.size;
    const elsewhere = await callJson("POST", `/v1/models/${w.a}/versions`, 201, {
      token: w.publisher,
      body: { semver: "1.0.0", artifacts: [{ path: "m.bin", size, sha256: w.sha256 }] },
    });
    const nowhere = await callJson("POST", `/v1/models/${w.a}/versions`, 201, {
      token: w.publisher,
      body: { semver: "1.0.1", artifacts: [{ path: "m.bin", size, sha256: await sha256Hex(artifactBytes(size, 102)) }] },
    });
    expect(elsewhere.status).toBe("PENDING");
    expect(observable(elsewhere)).toEqual(observable(nowhere));

    // The reader of the same scope cannot download the bytes before they are uploaded.
    const res = await call("GET", `/v1/models/${w.a}/versions/1/artifacts/m.bin`, { token: w.reader });
    expect(res.status).toBe(404);
    expect((await call("GET", `/v1/r/${w.a}/1/m.bin`, { token: w.reader })).status).toBe(404);
  });

  it("the upload must carry the bytes: garbage is refused, the right bytes verify, the stored blob stays one copy", async () => {
    const w = await scopedWorld(111);
    await callJson("POST", `/v1/models/${w.a}/versions`, 201, {
      token: w.publisher,
      body: { semver: "1.0.0", artifacts: [{ path: "m.bin", size: w.size, sha256: w.sha256 }] },
    });
    const url = `/v1/models/${w.a}/versions/1/artifacts/m.bin`;
    // Garbage of the right length would be acknowledged unread if the blob counted: it must be checked instead.
    const refused = await callJson("PUT", url, 422, { token: w.publisher, body: new Uint8Array(w.size) });
    expect(refused.error.details.reason).toBe("sha256_mismatch");
    const stored = await callJson("PUT", url, 201, { token: w.publisher, body: w.bytes });
    expect(stored).toMatchObject({ stored: true, version_status: "READY" });
    const got = await call("GET", url, { token: w.reader });
    expect(got.status).toBe(200);
    expect(await sha256Hex(new Uint8Array(await got.arrayBuffer()))).toBe(w.sha256);
    // The other model's copy is untouched and is the same single blob.
    expect(await sha256Hex(new Uint8Array(await (await call("GET", `/v1/models/${w.b}/versions/1/artifacts/secret.bin`)).arrayBuffer()))).toBe(w.sha256);
    expect((await bucket().list({ prefix: `blobs/sha256/${w.sha256}` })).objects).toHaveLength(1);
  });

  it("a multipart upload of bytes stored outside the scope opens an ordinary session and verifies what it receives", async () => {
    const w = await scopedWorld(121);
    await callJson("POST", `/v1/models/${w.a}/versions`, 201, {
      token: w.publisher,
      body: { semver: "1.0.0", artifacts: [{ path: "m.bin", size: w.size, sha256: w.sha256 }] },
    });
    const base = `/v1/models/${w.a}/versions/1`;
    const first = await callJson("POST", `${base}/uploads`, 201, { token: w.publisher, body: { path: "m.bin" } });
    expect(first).toMatchObject({ status: "open", parts: [], version_status: "PENDING" });
    // Resuming answers the same session.
    expect((await callJson("POST", `${base}/uploads`, 200, { token: w.publisher, body: { path: "m.bin" } })).id).toBe(first.id);
    await callJson("PUT", `${base}/uploads/${first.id}/parts/1`, 200, { token: w.publisher, body: new Uint8Array(w.size) });
    const bad = await callJson("POST", `${base}/uploads/${first.id}/complete`, 422, { token: w.publisher });
    expect(bad.error.details.reason).toBe("sha256_mismatch");
    // The failed upload never touched the other model's blob.
    const other = await call("GET", `/v1/models/${w.b}/versions/1/artifacts/secret.bin`);
    expect(await sha256Hex(new Uint8Array(await other.arrayBuffer()))).toBe(w.sha256);

    const second = await callJson("POST", `${base}/uploads`, 201, { token: w.publisher, body: { path: "m.bin" } });
    await callJson("PUT", `${base}/uploads/${second.id}/parts/1`, 200, { token: w.publisher, body: w.bytes });
    expect(await callJson("POST", `${base}/uploads/${second.id}/complete`, 200, { token: w.publisher })).toMatchObject({
      status: "completed",
      version_status: "READY",
    });
    const got = await call("GET", `${base}/artifacts/m.bin`, { token: w.reader });
    expect(await sha256Hex(new Uint8Array(await got.arrayBuffer()))).toBe(w.sha256);
    expect((await bucket().list({ prefix: `blobs/sha256/${w.sha256}` })).objects).toHaveLength(1);
    expect((await bucket().list({ prefix: `uploads/${second.id}` })).objects).toHaveLength(0);
  });

  it("a wrong size next to a digest stored outside the scope is not revealed", async () => {
    const w = await scopedWorld(131);
    await callJson("POST", `/v1/models/${w.a}/versions`, 201, {
      token: w.publisher,
      body: {
        semver: "1.0.0",
        artifacts: [
          { path: "elsewhere.bin", size: w.size + 1, sha256: w.sha256 },
          { path: "nowhere.bin", size: w.size + 1, sha256: await sha256Hex(artifactBytes(w.size, 132)) },
        ],
      },
    });
    const base = `/v1/models/${w.a}/versions/1`;
    const answers = [];
    for (const path of ["elsewhere.bin", "nowhere.bin"]) {
      const res = await call("POST", `${base}/uploads`, { token: w.publisher, body: { path } });
      answers.push({ status: res.status, state: ((await res.json()) as any).status });
    }
    expect(answers[0]).toEqual(answers[1]);
    expect(answers[0]).toEqual({ status: 201, state: "open" });
  });

  it("bytes under a model the caller can read still deduplicate", async () => {
    const w = await scopedWorld(141);
    const declared = { path: "m.bin", size: w.size, sha256: w.sha256 };
    await callJson("POST", `/v1/models/${w.a}/versions`, 201, { token: w.publisher, body: { semver: "1.0.0", artifacts: [declared] } });
    await putArtifact(w.a, 1, "m.bin", w.bytes, w.publisher);
    // Now a version in scope holds the bytes: declaring them again is READY at once, and an upload is acknowledged.
    const again = await callJson("POST", `/v1/models/${w.a}/versions`, 201, { token: w.publisher, body: { semver: "1.1.0", artifacts: [declared] } });
    expect(again.status).toBe("READY");
    const other = { ...declared, path: "copy.bin" };
    await callJson("POST", `/v1/models/${w.a}/versions`, 201, { token: w.publisher, body: { semver: "1.2.0", artifacts: [other, { path: "x.bin", size: 3, sha256: await sha256Hex("xyz") }] } });
    const session = await callJson("POST", `/v1/models/${w.a}/versions/3/uploads`, 200, { token: w.publisher, body: { path: "copy.bin" } });
    expect(session.status).toBe("completed");
    // An unscoped admin reads every model: bytes under b count for it.
    const admin = await callJson("POST", `/v1/models/${w.a}/versions`, 201, { body: { semver: "2.0.0", artifacts: [{ ...declared, path: "admin.bin" }] } });
    expect(admin.status).toBe("READY");
  });
});
