/**
 * The OCI door against the Distribution Spec v1.1's documented behaviour (conformance-style): statuses, headers,
 * error bodies, auth challenges and the token flow, scopes, tags as references, digest immutability, pagination.
 */
import { describe, expect, it } from "vitest";
import { armFor } from "../src/domain/canary";
import { LAYER_MEDIA_TYPES, MODEL_ARTIFACT_TYPE, MODEL_CONFIG_MEDIA_TYPE, OCI_MANIFEST_MEDIA_TYPE } from "../src/domain/modelpack";
import { BASE, call, callJson, createModel, createVersion, moveRef, putArtifact, registryWith, sha256Hex, tokenFor, uniqueName } from "./helpers";

const FILES_V1 = { "model.onnx": "onnx weights v1\n", "README.md": "# flight delay\n" };
const FILES_V2 = { "model.onnx": "onnx weights v2\n", "README.md": "# flight delay, v2\n", "tokenizer/tokenizer.json": '{"vocab":[]}\n', "train.py": "print('hi')\n" };

/** A model with 1.0.0 (v1) and 2.1.0 (v2), both READY with their files; Production → v1, champion → v2. */
async function seededModel(name = uniqueName("oci")) {
  await createModel(name);
  await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { require_staging: false } });
  for (const [semver, files, extra] of [
    ["1.0.0", FILES_V1, { metrics: { auc: 0.81 } }],
    ["2.1.0", FILES_V2, { metrics: { auc: 0.87 }, run_id: "run-42", git_commit: "abc1234" }],
  ] as const) {
    const artifacts = await Promise.all(Object.entries(files).map(async ([path, text]) => ({ path, size: text.length, sha256: await sha256Hex(text) })));
    const version = await createVersion(name, semver, { artifacts, ...extra });
    // Bytes another model already stored are deduplicated: that version is READY without an upload (409 to one).
    for (const [path, text] of Object.entries(files)) expect([200, 201, 409]).toContain((await putArtifact(name, version.number, path, text)).status);
  }
  await moveRef(name, "Production", 1);
  await moveRef(name, "champion", 2);
  return name;
}

async function manifestOf(name: string, reference: string, headers: Record<string, string> = {}, token?: string) {
  const res = await call("GET", `/v2/${name}/manifests/${reference}`, { headers, token });
  const text = await res.text();
  expect(res.status, text).toBe(200);
  return { res, text, manifest: JSON.parse(text) };
}

/** Each test seeds its own models through the API: generous on a machine shared with other test runs. */
const SEEDING = { timeout: 30_000 };

const errorOf = async (res: Response) => ((await res.json()) as any).errors[0];
const basic = (password: string, user = "anyone") => `Basic ${btoa(`${user}:${password}`)}`;

describe("GET /v2/ and the token flow", SEEDING, () => {
  it("challenges a caller without credentials toward the token endpoint", async () => {
    const res = await call("GET", "/v2/", { token: null });
    expect(res.status).toBe(401);
    expect(res.headers.get("WWW-Authenticate")).toBe(`Bearer realm="${BASE}/v2/token",service="edgereg"`);
    expect(res.headers.get("Docker-Distribution-API-Version")).toBe("registry/2.0");
    expect(await errorOf(res)).toMatchObject({ code: "UNAUTHORIZED" });
    for (const path of ["/v2/", "/v2"]) {
      const ok = await call("GET", path);
      expect(ok.status, path).toBe(200);
      expect(ok.headers.get("Docker-Distribution-API-Version")).toBe("registry/2.0");
    }
    const head = await call("HEAD", "/v2/", { token: null });
    expect(head.status).toBe(401);
    expect(head.headers.get("WWW-Authenticate")).toContain("/v2/token");
  });

  it("exchanges Basic credentials for a short-lived bearer that is not the token and ends with it", async () => {
    const reader = await tokenFor("reader");
    const res = await call("GET", "/v2/token?service=edgereg&scope=repository:x:pull", { token: null, headers: { Authorization: basic(reader) } });
    expect(res.status).toBe(200);
    const issued = (await res.json()) as any;
    expect(issued).toMatchObject({ expires_in: 300 });
    expect(issued.access_token).toBe(issued.token);
    expect(issued.token).not.toContain(reader);
    expect(issued.token).not.toContain(reader.slice(3));
    expect((await call("GET", "/v2/", { token: issued.token })).status).toBe(200);
    // An edgereg token works as the bearer directly, and as Basic on any route.
    expect((await call("GET", "/v2/", { token: reader })).status).toBe(200);
    expect((await call("GET", "/v2/", { token: null, headers: { Authorization: basic(reader) } })).status).toBe(200);

    const tampered = issued.token.replace(/.$/, (ch: string) => (ch === "A" ? "B" : "A"));
    expect((await call("GET", "/v2/", { token: tampered })).status).toBe(401);
    const { items } = await callJson("GET", "/v1/tokens?limit=200", 200);
    const id = items.find((t: any) => t.role === "reader" && !t.revoked_at && issued)?.id;
    expect(id).toBeDefined();
  });

  it("a bearer stops working when its token is revoked, and when it expires", async () => {
    const created = await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("oci-reader"), role: "reader" } });
    const registry = registryWith();
    const token = (await registry.callJson("GET", "/v2/token", 200, { token: null, headers: { Authorization: basic(created.secret) } })).token;
    expect((await registry.call("GET", "/v2/", { token })).status).toBe(200);
    registry.advance(301);
    const expired = await registry.call("GET", "/v2/", { token });
    expect(expired.status).toBe(401);
    expect((await errorOf(expired)).message).toMatch(/expired/);

    const fresh = (await registry.callJson("GET", "/v2/token", 200, { token: null, headers: { Authorization: basic(created.secret) } })).token;
    await callJson("DELETE", `/v1/tokens/${created.id}`, 200);
    expect((await registry.call("GET", "/v2/", { token: fresh })).status).toBe(401);
  });

  it("refuses the token endpoint without valid credentials", async () => {
    const none = await call("GET", "/v2/token", { token: null });
    expect(none.status).toBe(401);
    expect((await errorOf(none)).code).toBe("UNAUTHORIZED");
    expect((await call("GET", "/v2/token", { token: null, headers: { Authorization: basic("er_not-a-token") } })).status).toBe(401);
    expect((await call("GET", "/v2/token", { token: null, headers: { Authorization: "Basic !!!" } })).status).toBe(401);
  });
});

describe("manifests", SEEDING, () => {
  it("serves a version as a ModelPack manifest whose layers are its artifacts' own digests", async () => {
    const name = await seededModel();
    const { res, text, manifest } = await manifestOf(name, "champion");
    expect(res.headers.get("Content-Type")).toBe(OCI_MANIFEST_MEDIA_TYPE);
    expect(res.headers.get("Docker-Content-Digest")).toBe(`sha256:${await sha256Hex(text)}`);
    expect(res.headers.get("Content-Length")).toBe(String(new TextEncoder().encode(text).length));
    expect(res.headers.get("Cache-Control")).toBe("no-store");
    expect(res.headers.get("X-Model-Version")).toBe("2");
    expect(manifest).toMatchObject({ schemaVersion: 2, mediaType: OCI_MANIFEST_MEDIA_TYPE, artifactType: MODEL_ARTIFACT_TYPE });
    expect(manifest.config.mediaType).toBe(MODEL_CONFIG_MEDIA_TYPE);
    const layers = manifest.layers.map((l: any) => [l.annotations["org.opencontainers.image.title"], l.mediaType, l.digest, l.size]);
    const expected = await Promise.all(
      Object.entries(FILES_V2)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(async ([path, text]) => [path, expect.any(String), `sha256:${await sha256Hex(text)}`, text.length]),
    );
    expect(layers).toEqual(expected);
    expect(Object.fromEntries(manifest.layers.map((l: any) => [l.annotations["org.cncf.model.filepath"], l.mediaType]))).toEqual({
      "README.md": LAYER_MEDIA_TYPES.doc,
      "model.onnx": LAYER_MEDIA_TYPES.weight,
      "tokenizer/tokenizer.json": LAYER_MEDIA_TYPES.weightConfig,
      "train.py": LAYER_MEDIA_TYPES.code,
    });
    expect(manifest.annotations).toMatchObject({
      "io.edgereg.model": name,
      "io.edgereg.version.number": "2",
      "io.edgereg.version.semver": "2.1.0",
      "io.edgereg.run_id": "run-42",
      "io.edgereg.metric.auc": "0.87",
      "org.opencontainers.image.revision": "abc1234",
      "org.opencontainers.image.version": "2.1.0",
    });

    // The config blob is served under its digest and describes the same layers.
    const config = await call("GET", `/v2/${name}/blobs/${manifest.config.digest}`);
    const configText = await config.text();
    expect(config.status).toBe(200);
    expect(config.headers.get("Content-Type")).toBe(MODEL_CONFIG_MEDIA_TYPE);
    expect(`sha256:${await sha256Hex(configText)}`).toBe(manifest.config.digest);
    expect(configText.length).toBe(manifest.config.size);
    expect(JSON.parse(configText)).toMatchObject({
      descriptor: { name, version: "2.1.0", revision: "abc1234" },
      modelfs: { type: "layers", diffIds: manifest.layers.map((l: any) => l.digest) },
      config: { format: "onnx" },
    });
  });

  it("reads tags as references: stage, alias, semver, v<N>, number, latest, range", async () => {
    const name = await seededModel();
    const numberOf = async (tag: string) => (await manifestOf(name, tag)).manifest.annotations["io.edgereg.version.number"];
    expect(await numberOf("Production")).toBe("1");
    expect(await numberOf("production")).toBe("1");
    expect(await numberOf("champion")).toBe("2");
    expect(await numberOf("2.1.0")).toBe("2");
    expect(await numberOf("1.0.0")).toBe("1");
    expect(await numberOf("v1")).toBe("1");
    expect(await numberOf("2")).toBe("2");
    expect(await numberOf("latest")).toBe("2");
    expect(await numberOf("1.x")).toBe("1");
  });

  it("serves no deleted version (tag, manifest digest or layer) and no deleted model", async () => {
    const name = await seededModel();
    const { manifest, res } = await manifestOf(name, "2");
    const digest = res.headers.get("Docker-Content-Digest")!;
    const layer = manifest.layers.find((l: any) => l.annotations["org.opencontainers.image.title"] === "train.py").digest;
    await callJson("DELETE", `/v1/models/${name}/versions/2`, 200);
    expect((await callJson("GET", `/v2/${name}/tags/list`, 200)).tags).not.toContain("2.1.0");
    expect((await call("GET", `/v2/${name}/manifests/2`)).status).toBe(404);
    expect((await call("GET", `/v2/${name}/manifests/${digest}`)).status).toBe(404);
    expect((await call("GET", `/v2/${name}/blobs/${layer}`)).status).toBe(404);
    await callJson("DELETE", `/v1/models/${name}/refs/Production?force=true`, 200);
    await callJson("DELETE", `/v1/models/${name}`, 200);
    expect((await call("GET", `/v2/${name}/tags/list`)).status).toBe(404);
  });

  it("HEAD answers the GET's headers without a body", async () => {
    const name = await seededModel();
    const get = await manifestOf(name, "Production");
    const head = await call("HEAD", `/v2/${name}/manifests/Production`);
    expect(head.status).toBe(200);
    expect(await head.text()).toBe("");
    for (const h of ["Content-Type", "Docker-Content-Digest", "Content-Length"]) expect(head.headers.get(h)).toBe(get.res.headers.get(h));
    const missing = await call("HEAD", `/v2/${name}/manifests/nosuchalias`);
    expect(missing.status).toBe(404);
  });

  it(":Production follows a ref move and a rollback; a digest keeps naming the same manifest", async () => {
    const name = await seededModel();
    const before = await manifestOf(name, "Production");
    const v1Digest = before.res.headers.get("Docker-Content-Digest")!;
    await moveRef(name, "Production", 2);
    const moved = await manifestOf(name, "Production");
    expect(moved.manifest.annotations["io.edgereg.version.number"]).toBe("2");
    expect(moved.res.headers.get("Docker-Content-Digest")).not.toBe(v1Digest);
    await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "regression" } });
    const back = await manifestOf(name, "Production");
    expect(back.res.headers.get("Docker-Content-Digest")).toBe(v1Digest);
    expect(back.text).toBe(before.text);

    const byDigest = await manifestOf(name, v1Digest);
    expect(byDigest.text).toBe(before.text);
    expect(byDigest.res.headers.get("Docker-Content-Digest")).toBe(v1Digest);
    expect(byDigest.res.headers.get("Cache-Control")).toMatch(/immutable/);
    // A fresh isolate (nothing remembered) finds it too, by generating the model's versions.
    const fresh = registryWith();
    fresh.restart();
    const res = await fresh.call("GET", `/v2/${name}/manifests/${v1Digest}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(before.text);
  });

  it("a digest handed out keeps naming its bytes after the version's manifest changes (an appended metric)", async () => {
    const name = await seededModel();
    const registry = registryWith();
    const before = await registry.call("GET", `/v2/${name}/manifests/Production`);
    const text = await before.text();
    const digest = before.headers.get("Docker-Content-Digest")!;
    const configDigest = JSON.parse(text).config.digest;
    await callJson("PATCH", `/v1/models/${name}/versions/1`, 200, { body: { metrics: { recall: 0.5 } } });
    const after = await registry.call("GET", `/v2/${name}/manifests/Production`);
    const afterManifest = JSON.parse(await after.text());
    expect(afterManifest.annotations["io.edgereg.metric.recall"]).toBe("0.5");
    expect(after.headers.get("Docker-Content-Digest")).not.toBe(digest);
    // A fresh isolate remembers nothing: the recorded bytes come from D1.
    registry.restart();
    const old = await registry.call("GET", `/v2/${name}/manifests/${digest}`);
    expect(old.status).toBe(200);
    expect(await old.text()).toBe(text);
    expect(old.headers.get("X-Model-Version")).toBe("1");
    expect((await registry.call("GET", `/v2/${name}/blobs/${configDigest}`)).status).toBe(200);
    // Not through another model's repository.
    const other = await seededModel();
    expect((await registry.call("GET", `/v2/${other}/manifests/${digest}`)).status).toBe(404);
  });

  it("resolves a stage under a rollout by X-Routing-Key, as /v1/resolve does", async () => {
    const name = await seededModel();
    const rollout = await callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 50 } });
    for (const key of ["user-1", "user-2", "user-3", "user-4", "user-5", "user-6"]) {
      const arm = armFor({ salt: rollout.salt, weightBp: 5000 }, key);
      const { res, manifest } = await manifestOf(name, "Production", { "X-Routing-Key": key });
      expect(manifest.annotations["io.edgereg.version.number"]).toBe(arm === "candidate" ? "2" : "1");
      expect(res.headers.get("X-Rollout-Arm")).toBe(arm);
      const resolved = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}/Production`)}`, 200, { headers: { "X-Routing-Key": key } });
      expect(resolved.number).toBe(arm === "candidate" ? 2 : 1);
    }
  });

  it("answers the spec's error codes", async () => {
    const name = await seededModel();
    const codeOf = async (path: string, status: number) => {
      const res = await call("GET", path);
      expect(res.status, path).toBe(status);
      expect(res.headers.get("Content-Type")).toMatch(/json/);
      return (await errorOf(res)).code;
    };
    expect(await codeOf(`/v2/${name}/manifests/nosuchalias`, 404)).toBe("MANIFEST_UNKNOWN");
    expect(await codeOf(`/v2/${name}/manifests/v9`, 404)).toBe("MANIFEST_UNKNOWN");
    expect(await codeOf(`/v2/${name}/manifests/sha256:${"0".repeat(64)}`, 404)).toBe("MANIFEST_UNKNOWN");
    expect(await codeOf(`/v2/${name}/manifests/sha256:abc`, 400)).toBe("DIGEST_INVALID");
    expect(await codeOf(`/v2/${name}/manifests/sha512:${"a".repeat(128)}`, 400)).toBe("UNSUPPORTED");
    expect(await codeOf(`/v2/${name}/manifests/-bad`, 400)).toBe("TAG_INVALID");
    expect(await codeOf(`/v2/${name}/manifests/${"a".repeat(129)}`, 400)).toBe("TAG_INVALID");
    expect(await codeOf(`/v2/no-such-model-${name}/manifests/latest`, 404)).toBe("NAME_UNKNOWN");
    expect(await codeOf(`/v2/no-such-model-${name}/tags/list`, 404)).toBe("NAME_UNKNOWN");
    expect(await codeOf(`/v2/Upper/manifests/latest`, 400)).toBe("NAME_INVALID");
    expect(await codeOf(`/v2/org/${name}/manifests/latest`, 404)).toBe("NAME_UNKNOWN");
    expect(await codeOf(`/v2/${name}/blobs/sha256:${"0".repeat(64)}`, 404)).toBe("BLOB_UNKNOWN");
    expect(await codeOf(`/v2/${name}/blobs/nodigest`, 400)).toBe("DIGEST_INVALID");
    expect(await codeOf(`/v2/${name}/tags/list?n=-1`, 400)).toBe("PAGINATION_NUMBER_INVALID");
    const push = await call("PUT", `/v2/${name}/manifests/latest`, { body: "{}" });
    expect(push.status).toBe(405);
    expect((await errorOf(push)).code).toBe("UNSUPPORTED");
  });

  it("does not serve a version that is not READY", async () => {
    const name = await seededModel();
    await createVersion(name, "3.0.0", { artifacts: [{ path: "model.onnx", size: 3, sha256: await sha256Hex("new") }] });
    const res = await call("GET", `/v2/${name}/manifests/v3`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("MANIFEST_UNKNOWN");
    expect((await manifestOf(name, "latest")).manifest.annotations["io.edgereg.version.number"]).toBe("2");
  });

  it("uses the media type an artifact was declared with, and refuses one the model spec does not define", async () => {
    const name = uniqueName("oci-media");
    await createModel(name);
    const text = "label,count\n";
    const declared = { path: "labels.bin", size: text.length, sha256: await sha256Hex(text), media_type: LAYER_MEDIA_TYPES.dataset };
    const version = await createVersion(name, "1.0.0", { artifacts: [declared] });
    expect(version.artifacts[0].media_type).toBe(LAYER_MEDIA_TYPES.dataset);
    await putArtifact(name, 1, "labels.bin", text);
    const { manifest } = await manifestOf(name, "v1");
    expect(manifest.layers[0].mediaType).toBe(LAYER_MEDIA_TYPES.dataset);
    const refused = await callJson("POST", `/v1/models/${name}/versions`, 400, {
      body: { semver: "2.0.0", artifacts: [{ ...declared, media_type: "application/zip" }] },
    });
    expect(refused.error.details.issues[0].path).toBe("artifacts.0.media_type");
  });

  it("pulls a mixed-case model by its lowercase name", async () => {
    const name = `Flight.Delay-${uniqueName("X")}`;
    await createModel(name);
    await createVersion(name, "1.0.0");
    const { manifest } = await manifestOf(name.toLowerCase(), "latest");
    expect(manifest.annotations["io.edgereg.model"]).toBe(name);
    const tags = await callJson("GET", `/v2/${name.toLowerCase()}/tags/list`, 200);
    expect(tags).toEqual({ name: name.toLowerCase(), tags: ["1.0.0", "latest", "v1"] });
    const res = await call("GET", `/v2/${name}/manifests/latest`);
    expect(res.status).toBe(400);
    expect((await errorOf(res)).message).toContain(name.toLowerCase());
  });
});

describe("blobs", SEEDING, () => {
  it("streams a layer with the spec's headers, Range included", async () => {
    const name = await seededModel();
    const digest = `sha256:${await sha256Hex(FILES_V2["model.onnx"])}`;
    const res = await call("GET", `/v2/${name}/blobs/${digest}`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(FILES_V2["model.onnx"]);
    expect(res.headers.get("Docker-Content-Digest")).toBe(digest);
    expect(res.headers.get("Content-Type")).toBe("application/octet-stream");
    expect(res.headers.get("Content-Length")).toBe(String(FILES_V2["model.onnx"].length));
    const ranged = await call("GET", `/v2/${name}/blobs/${digest}`, { headers: { Range: "bytes=5-11" } });
    expect(ranged.status).toBe(206);
    expect(await ranged.text()).toBe(FILES_V2["model.onnx"].slice(5, 12));
    expect(ranged.headers.get("Content-Range")).toBe(`bytes 5-11/${FILES_V2["model.onnx"].length}`);
    const beyond = await call("GET", `/v2/${name}/blobs/${digest}`, { headers: { Range: "bytes=1000-" } });
    expect(beyond.status).toBe(416);
    expect(beyond.headers.get("Content-Range")).toBe(`bytes */${FILES_V2["model.onnx"].length}`);
    expect((await errorOf(beyond)).code).toBe("RANGE_INVALID");
    const head = await call("HEAD", `/v2/${name}/blobs/${digest}`);
    expect(head.status).toBe(200);
    expect(head.headers.get("Content-Length")).toBe(String(FILES_V2["model.onnx"].length));
  });

  it("serves no blob of another model through this repository", async () => {
    const name = await seededModel();
    const other = await seededModel();
    await createVersion(other, "9.0.0", { artifacts: [{ path: "x.bin", size: 5, sha256: await sha256Hex("only") }] });
    await putArtifact(other, 3, "x.bin", "only");
    const res = await call("GET", `/v2/${name}/blobs/sha256:${await sha256Hex("only")}`);
    expect(res.status).toBe(404);
    expect((await errorOf(res)).code).toBe("BLOB_UNKNOWN");
  });
});

describe("tags, catalog and referrers", SEEDING, () => {
  it("lists tags lexically, a page at a time with n, last and a Link header", async () => {
    const name = await seededModel();
    const all = await callJson("GET", `/v2/${name}/tags/list`, 200);
    expect(all).toEqual({ name, tags: ["1.0.0", "2.1.0", "Production", "champion", "latest", "v1", "v2"] });
    const first = await call("GET", `/v2/${name}/tags/list?n=3`);
    expect(((await first.json()) as any).tags).toEqual(["1.0.0", "2.1.0", "Production"]);
    expect(first.headers.get("Link")).toBe(`</v2/${name}/tags/list?n=3&last=Production>; rel="next"`);
    const second = await call("GET", `/v2/${name}/tags/list?n=3&last=Production`);
    expect(((await second.json()) as any).tags).toEqual(["champion", "latest", "v1"]);
    const third = await call("GET", `/v2/${name}/tags/list?n=3&last=v1`);
    expect(((await third.json()) as any).tags).toEqual(["v2"]);
    expect(third.headers.get("Link")).toBeNull();
    expect((await callJson("GET", `/v2/${name}/tags/list?n=0`, 200)).tags).toEqual([]);
  });

  it("answers referrers with an empty image index", async () => {
    const name = await seededModel();
    const { res } = await manifestOf(name, "Production");
    const referrers = await call("GET", `/v2/${name}/referrers/${res.headers.get("Docker-Content-Digest")}`);
    expect(referrers.status).toBe(200);
    expect(referrers.headers.get("Content-Type")).toBe("application/vnd.oci.image.index.v1+json");
    expect(await referrers.json()).toEqual({ schemaVersion: 2, mediaType: "application/vnd.oci.image.index.v1+json", manifests: [] });
  });

  it("a scoped token sees and pulls only its models, and learns nothing of others", async () => {
    const prefix = uniqueName("scope");
    const mine = await seededModel(`${prefix}-a`);
    const theirs = await seededModel(`${prefix}-b`);
    const reader = await tokenFor("reader", `${prefix}-a*`);
    const bearer = ((await callJson("GET", "/v2/token", 200, { token: null, headers: { Authorization: basic(reader) } })) as any).token;
    for (const token of [reader, bearer]) {
      expect((await call("GET", `/v2/${mine}/manifests/Production`, { token })).status).toBe(200);
      for (const path of [
        `/v2/${theirs}/manifests/Production`,
        `/v2/${theirs}/manifests/sha256:${"0".repeat(64)}`,
        `/v2/${theirs}/tags/list`,
        `/v2/${theirs}/blobs/sha256:${await sha256Hex(FILES_V1["model.onnx"])}`,
        `/v2/${prefix}-nonexistent/manifests/latest`,
        `/v2/${prefix}-nonexistent/tags/list`,
      ]) {
        const res = await call("GET", path, { token });
        expect(res.status, path).toBe(403);
        expect((await errorOf(res)).code).toBe("DENIED");
      }
      const { repositories } = await callJson("GET", "/v2/_catalog", 200, { token });
      expect(repositories).toEqual([mine]);
    }
    const all = (await callJson("GET", "/v2/_catalog?n=1000", 200)).repositories;
    expect(all).toEqual(expect.arrayContaining([mine, theirs]));
    const page = await call("GET", `/v2/_catalog?n=1&last=${mine}`);
    expect(((await page.json()) as any).repositories).toEqual([theirs]);
  });
});
