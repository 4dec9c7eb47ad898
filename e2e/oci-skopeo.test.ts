/**
 * A real OCI client against the registry: Debian's skopeo pulls versions from a local registry (the deploy bundle on
 * Miniflare, fresh D1 and R2) through /v2/, with the token flow it speaks (Basic → /v2/token → bearer), into OCI
 * layout directories whose blobs must be the version's files byte for byte.
 */
import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { mkdtempSync, readFileSync, rmSync } from "node:fs";
import { connect, createServer, type AddressInfo, type Server } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startLocalRegistry } from "../scripts/local.mjs";

const run = promisify(execFile);
const ADMIN_TOKEN = "oci-e2e-admin-secret";
const MODEL = "flight_delay";
const OTHER = "churn_predictor";

let registry: { url: string; dispose(): Promise<void> };
let plainHttp: Server;
let host: string;
let persistTo: string;
let work: string;
let readerToken: string;
let scopedToken: string;

const sha256 = (data: string | Buffer) => createHash("sha256").update(data).digest("hex");

/** Each version's files; v2 shares README.md's bytes with v1 (stored once, pulled as a layer of both). */
const FILES: Record<number, Record<string, string>> = {
  1: { "model.onnx": "onnx weights of flight_delay v1\n", "README.md": "# flight_delay\n" },
  2: {
    "model.onnx": "onnx weights of flight_delay v2\n",
    "README.md": "# flight_delay\n",
    "tokenizer/config.json": '{"features":["distance_km","carrier"]}\n',
    "serve.py": "def predict(x):\n    return 0\n",
  },
  3: { "model.onnx": "onnx weights of flight_delay v3\n" },
};

async function api<T = any>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${registry.url}${path}`, {
    method,
    headers: { Authorization: `Bearer ${ADMIN_TOKEN}`, ...(body === undefined || typeof body === "string" ? {} : { "Content-Type": "application/json" }) },
    body: body === undefined ? undefined : typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return (text ? JSON.parse(text) : null) as T;
}

async function seed() {
  for (const name of [MODEL, OTHER]) {
    await api("POST", "/v1/models", { name });
    await api("PUT", `/v1/models/${name}/policy`, { require_staging: false });
  }
  for (const [number, semver] of [[1, "1.0.0"], [2, "2.1.0"], [3, "2.2.0"]] as const) {
    const files = FILES[number]!;
    const version = await api("POST", `/v1/models/${MODEL}/versions`, {
      semver,
      run_id: `run-${number}`,
      metrics: { accuracy: [0, 0.81, 0.82, 0.83][number]! },
      artifacts: Object.entries(files).map(([path, text]) => ({ path, size: Buffer.byteLength(text), sha256: sha256(text) })),
    });
    for (const [path, text] of Object.entries(files)) {
      if (version.status === "PENDING") await api("PUT", `/v1/models/${MODEL}/versions/${number}/artifacts/${path}`, text).catch(() => undefined);
    }
    expect((await api("GET", `/v1/models/${MODEL}/versions/${number}`)).status).toBe("READY");
  }
  await api("POST", `/v1/models/${OTHER}/versions`, { semver: "1.0.0" });
  await api("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 1, reason: "launch" });
  await api("PUT", `/v1/models/${MODEL}/refs/champion`, { version: 2, reason: "best offline" });
  readerToken = (await api("POST", "/v1/tokens", { name: "cluster-pull", role: "reader" })).secret;
  scopedToken = (await api("POST", "/v1/tokens", { name: "flight-only", role: "reader", model_glob: "flight_*" })).secret;
}

/** Runs skopeo; resolves with its output or rejects with its stderr. */
async function skopeo(...args: string[]): Promise<string> {
  const { stdout } = await run("skopeo", args, { timeout: 60_000 });
  return stdout;
}

const creds = (token: string) => [`--src-creds`, `puller:${token}`, "--src-tls-verify=false"];

/** `skopeo copy` into a fresh OCI layout; returns the pulled manifest and a reader of its blobs. */
async function pull(reference: string, token = readerToken) {
  const dir = mkdtempSync(join(work, "layout-"));
  await skopeo("copy", ...creds(token), `docker://${host}/${reference}`, `oci:${dir}`);
  const index = JSON.parse(readFileSync(join(dir, "index.json"), "utf8"));
  const blob = (digest: string) => readFileSync(join(dir, "blobs", ...digest.split(":")));
  const manifestDigest: string = index.manifests[0].digest;
  const manifestBytes = blob(manifestDigest);
  expect(`sha256:${sha256(manifestBytes)}`).toBe(manifestDigest);
  return { manifest: JSON.parse(manifestBytes.toString("utf8")), manifestDigest, blob };
}

/** The files a pulled layout holds, by their title annotation, after checking every blob's digest. */
function filesOf(pulled: Awaited<ReturnType<typeof pull>>): Record<string, string> {
  const files: Record<string, string> = {};
  for (const layer of pulled.manifest.layers) {
    const bytes = pulled.blob(layer.digest);
    expect(`sha256:${sha256(bytes)}`).toBe(layer.digest);
    files[layer.annotations["org.opencontainers.image.title"]] = bytes.toString("utf8");
  }
  return files;
}

const versionOf = (pulled: Awaited<ReturnType<typeof pull>>) => Number(pulled.manifest.annotations["io.edgereg.version.number"]);

/**
 * skopeo tries HTTPS before plain HTTP (--src-tls-verify=false allows the fallback), and the local server leaves a TLS
 * hello unanswered until a 10 s timeout. This proxy closes such connections at once and passes HTTP through.
 */
async function refuseTls(target: URL): Promise<Server> {
  const server = createServer((client) => {
    client.once("data", (first) => {
      if (first[0] === 0x16) return client.destroy();
      client.pause(); // until the upstream connection takes over the rest of the stream
      const upstream = connect(Number(target.port), target.hostname, () => {
        upstream.write(first);
        client.pipe(upstream).pipe(client);
      });
      upstream.on("error", () => client.destroy());
      client.on("error", () => upstream.destroy());
    });
  });
  await new Promise<void>((ok) => server.listen(0, "127.0.0.1", ok));
  return server;
}

beforeAll(async () => {
  persistTo = mkdtempSync(join(tmpdir(), "edgereg-oci-"));
  work = mkdtempSync(join(tmpdir(), "edgereg-skopeo-"));
  registry = await startLocalRegistry({ port: 0, persistTo, vars: { ADMIN_TOKEN }, quiet: true });
  plainHttp = await refuseTls(new URL(registry.url));
  host = `127.0.0.1:${(plainHttp.address() as AddressInfo).port}`;
  await seed();
});

afterAll(async () => {
  plainHttp?.close();
  await registry?.dispose();
  for (const dir of [persistTo, work]) if (dir) rmSync(dir, { recursive: true, force: true });
});

describe("skopeo pulls edgereg versions as OCI artifacts", () => {
  it("copies :Production, :champion, :2.1.0 and @sha256 byte for byte", async () => {
    const production = await pull(`${MODEL}:Production`);
    expect(versionOf(production)).toBe(1);
    expect(filesOf(production)).toEqual(FILES[1]);
    expect(production.manifest.artifactType).toBe("application/vnd.cncf.model.manifest.v1+json");
    const config = JSON.parse(production.blob(production.manifest.config.digest).toString("utf8"));
    expect(config.descriptor).toMatchObject({ name: MODEL, version: "1.0.0" });

    const champion = await pull(`${MODEL}:champion`);
    expect(versionOf(champion)).toBe(2);
    expect(filesOf(champion)).toEqual(FILES[2]);
    const bySemver = await pull(`${MODEL}:2.1.0`);
    expect(bySemver.manifestDigest).toBe(champion.manifestDigest);

    const byDigest = await pull(`${MODEL}@${champion.manifestDigest}`);
    expect(byDigest.manifestDigest).toBe(champion.manifestDigest);
    expect(filesOf(byDigest)).toEqual(FILES[2]);
    expect(versionOf(await pull(`${MODEL}:latest`))).toBe(3);
  });

  it("inspects the manifest and config, and lists the tags", async () => {
    const raw = JSON.parse(await skopeo("inspect", "--raw", "--tls-verify=false", "--creds", `x:${readerToken}`, `docker://${host}/${MODEL}:champion`));
    expect(raw.layers.map((l: any) => [l.annotations["org.opencontainers.image.title"], l.mediaType])).toEqual([
      ["README.md", "application/vnd.cncf.model.doc.v1.raw"],
      ["model.onnx", "application/vnd.cncf.model.weight.v1.raw"],
      ["serve.py", "application/vnd.cncf.model.code.v1.raw"],
      ["tokenizer/config.json", "application/vnd.cncf.model.weight.config.v1.raw"],
    ]);
    expect(raw.annotations).toMatchObject({ "io.edgereg.version.semver": "2.1.0", "io.edgereg.run_id": "run-2", "io.edgereg.metric.accuracy": "0.82" });
    const config = JSON.parse(await skopeo("inspect", "--config", "--raw", "--tls-verify=false", "--creds", `x:${readerToken}`, `docker://${host}/${MODEL}:champion`));
    expect(config.modelfs.diffIds).toEqual(raw.layers.map((l: any) => l.digest));
    const tags = JSON.parse(await skopeo("list-tags", "--tls-verify=false", "--creds", `x:${readerToken}`, `docker://${host}/${MODEL}`));
    expect(tags.Tags).toEqual(["1.0.0", "2.1.0", "2.2.0", "Production", "champion", "latest", "v1", "v2", "v3"]);
  });

  it(":Production follows a ref move and a rollback", async () => {
    await api("PUT", `/v1/models/${MODEL}/refs/Production`, { version: 3, reason: "v3 wins" });
    const moved = await pull(`${MODEL}:Production`);
    expect(versionOf(moved)).toBe(3);
    expect(filesOf(moved)).toEqual(FILES[3]);
    await api("POST", `/v1/models/${MODEL}/refs/Production/rollback`, { reason: "latency regression" });
    const back = await pull(`${MODEL}:Production`);
    expect(versionOf(back)).toBe(1);
    expect(filesOf(back)).toEqual(FILES[1]);
  });

  it("refuses a scoped token another model, and unknown credentials", async () => {
    expect(versionOf(await pull(`${MODEL}:champion`, scopedToken))).toBe(2);
    await expect(pull(`${OTHER}:latest`, scopedToken)).rejects.toThrow(/denied|403/i);
    const tags = skopeo("list-tags", "--tls-verify=false", "--creds", `x:${scopedToken}`, `docker://${host}/${OTHER}`);
    await expect(tags).rejects.toThrow(/denied|403/i);
    await expect(pull(`${MODEL}:Production`, "er_unknown")).rejects.toThrow(/unauthorized|401|unknown token/i);
  });
});
