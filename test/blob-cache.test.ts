/**
 * Artifact downloads are private to their caller, and the Worker's own blob cache (Workers Cache API, keyed by
 * digest) answers only after the caller is authorized and the artifact verified, with Range, ETag and 304 intact.
 */
import { describe, expect, it } from "vitest";
import { artifactBytes, call, callJson, createModel, putArtifact, sha256Hex, tokenFor, uniqueName } from "./helpers";

/** A READY version with one artifact; returns its download URL. */
async function stored(seed: number, size = 64 * 1024) {
  const model = uniqueName("cached");
  await createModel(model);
  const bytes = artifactBytes(size, seed);
  const sha256 = await sha256Hex(bytes);
  await callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0", artifacts: [{ path: "w.bin", size, sha256 }] } });
  await putArtifact(model, 1, "w.bin", bytes);
  return { model, bytes, sha256, url: `/v1/models/${model}/versions/1/artifacts/w.bin` };
}

/** Downloads until the Worker's cache answers (it is filled after the first response). */
async function untilCached(url: string, token?: string) {
  for (let i = 0; i < 50; i++) {
    const res = await call("GET", url, { token });
    await res.arrayBuffer();
    if (res.headers.get("X-Blob-Cache") === "hit") return;
    await new Promise((r) => setTimeout(r, 20));
  }
  throw new Error(`${url} never came from the blob cache`);
}

describe("artifact caching", () => {
  it("answers private, immutable and Vary: Authorization; never public", async () => {
    const a = await stored(301);
    for (const method of ["GET", "HEAD"]) {
      const res = await call(method, a.url);
      expect(res.headers.get("Cache-Control")).toBe("private, max-age=31536000, immutable");
      expect(res.headers.get("Vary")).toBe("Authorization");
      await res.arrayBuffer();
    }
    const oneHop = await call("GET", `/v1/r/${a.model}/1/w.bin`);
    expect(oneHop.headers.get("Cache-Control")).toBe("no-store");
    expect(new Uint8Array(await oneHop.arrayBuffer())).toEqual(a.bytes);
  });

  it("serves repeated downloads from the blob cache, bytes, ranges, ETag and 304 included", async () => {
    const a = await stored(311);
    const first = await call("GET", a.url);
    expect(first.headers.get("X-Blob-Cache")).toBe("miss");
    expect(new Uint8Array(await first.arrayBuffer())).toEqual(a.bytes);
    await untilCached(a.url);

    const whole = await call("GET", a.url);
    expect(whole.headers.get("X-Blob-Cache")).toBe("hit");
    expect(whole.headers.get("ETag")).toBe(`"${a.sha256}"`);
    expect(whole.headers.get("Content-Length")).toBe(String(a.bytes.length));
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(a.bytes);

    for (const [header, from, to] of [["bytes=100-1099", 100, 1100], ["bytes=-10", a.bytes.length - 10, a.bytes.length], ["bytes=60000-", 60000, a.bytes.length]] as const) {
      const part = await call("GET", a.url, { headers: { Range: header } });
      expect(part.status, header).toBe(206);
      expect(part.headers.get("X-Blob-Cache"), header).toBe("hit");
      expect(part.headers.get("Content-Range")).toBe(`bytes ${from}-${to - 1}/${a.bytes.length}`);
      expect(new Uint8Array(await part.arrayBuffer()), header).toEqual(a.bytes.subarray(from, to));
    }
    const notModified = await call("GET", a.url, { headers: { "If-None-Match": `"${a.sha256}"` } });
    expect(notModified.status).toBe(304);
    const outside = await call("GET", a.url, { headers: { Range: `bytes=${a.bytes.length}-` } });
    expect(outside.status).toBe(416);
    await outside.arrayBuffer();

    // A client may ask for a fresh read; it gets the same bytes from R2.
    const fresh = await call("GET", a.url, { headers: { "Cache-Control": "no-cache" } });
    expect(fresh.headers.get("X-Blob-Cache")).toBe("miss");
    expect(new Uint8Array(await fresh.arrayBuffer())).toEqual(a.bytes);
  });

  it("asks who is calling before the cache: no token, another scope, or an unverified copy get nothing", async () => {
    const a = await stored(321);
    await untilCached(a.url);
    expect((await call("GET", a.url, { token: null })).status).toBe(401);
    expect((await call("GET", a.url, { token: await tokenFor("reader", "elsewhere-*") })).status).toBe(403);

    // A publisher of another scope declaring the cached digest cannot read it through its own unverified version.
    const scope = uniqueName("scope");
    await createModel(`${scope}-x`);
    const publisher = await tokenFor("publisher", `${scope}-*`);
    await callJson("POST", `/v1/models/${scope}-x/versions`, 201, {
      token: publisher,
      body: { semver: "1.0.0", artifacts: [{ path: "w.bin", size: a.bytes.length, sha256: a.sha256 }] },
    });
    const res = await call("GET", `/v1/models/${scope}-x/versions/1/artifacts/w.bin`, { token: publisher });
    expect(res.status).toBe(404);
    expect(res.headers.get("X-Blob-Cache")).toBeNull();
  });
});
