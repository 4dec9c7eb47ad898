/**
 * `edgereg import mlflow` end to end: the built command as a subprocess, copying from the fake MLflow server
 * (cli/fake-mlflow.ts) into the worker on Miniflare, as an operator would run it.
 */
import { createHash, randomBytes } from "node:crypto";
import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ADMIN_TOKEN, PartProxy, cli, startRegistry, tempDir, uniqueName, until, type Registry } from "./e2e-harness";
import { EXIT } from "./errors";
import { FakeMlflow } from "./fake-mlflow";

const MiB = 1024 * 1024;
const MLFLOW_TOKEN = "mlflow-secret-token";
let registry: Registry;
let mlflow: FakeMlflow;
let env: Record<string, string>;

beforeAll(async () => {
  [registry, mlflow] = await Promise.all([startRegistry(), new FakeMlflow().start()]);
  // Every request must carry the token, and pages hold two items, so each search is followed across pages.
  mlflow.requireAuthorization = `Bearer ${MLFLOW_TOKEN}`;
  mlflow.pageCap = 2;
  env = { EDGEREG_URL: registry.url, EDGEREG_TOKEN: ADMIN_TOKEN, MLFLOW_TRACKING_TOKEN: MLFLOW_TOKEN };
});
afterAll(async () => {
  await mlflow?.stop();
  await registry?.dispose();
});

const json = <T = any>(text: string): T => JSON.parse(text) as T;
const sha256 = (bytes: Buffer) => createHash("sha256").update(bytes).digest("hex");

async function api<T = any>(path: string, expectStatus = 200): Promise<T> {
  const response = await fetch(`${registry.url}${path}`, { headers: { Authorization: `Bearer ${ADMIN_TOKEN}` } });
  expect(response.status, path).toBe(expectStatus);
  return (await response.json()) as T;
}

/** `import mlflow` for the models of one test, by their common prefix. */
function importArgs(prefix: string, ...more: string[]) {
  return ["import", "mlflow", "--from", mlflow.url, "--models", `${prefix}-*`, ...more];
}

describe("import mlflow", () => {
  it("copies models, versions with their run data and files, stages, aliases and archived; a second run changes nothing", async () => {
    const prefix = uniqueName("mlf");
    const fraud = `${prefix}-fraud`;
    const churn = `${prefix}-churn`;
    const outside = `other-${prefix}`;
    const files = {
      MLmodel: Buffer.from("artifact_path: model\nflavors:\n  python_function: {}\n"),
      "model.pkl": randomBytes(40 * 1024),
      "data/nested/weights.bin": randomBytes(MiB + 7),
    };

    mlflow.createRegisteredModel(fraud, { description: "Detects fraud", tags: { team: "risk", "bad=key": "x" } });
    const run1 = mlflow.createRun({
      metrics: [
        { key: "accuracy", value: 0.9, step: 0 },
        { key: "accuracy", value: 0.93, step: 5 },
        { key: "accuracy", value: 0.91, step: 2 },
        { key: "loss", value: Number.NaN },
      ],
      params: { lr: "0.1", depth: "8" },
    });
    for (const [path, bytes] of Object.entries(files)) mlflow.logArtifact(run1, `model/${path}`, bytes);
    // Version 1 was registered from the run with mlflow.register_model (its source is the resolved location).
    mlflow.createModelVersion(fraud, { source: mlflow.runArtifactUri(run1, "model"), run_id: run1, description: "first", stage: "Archived" });
    // Version 2 was deleted in MLflow: edgereg keeps the gap.
    mlflow.createModelVersion(fraud, { source: mlflow.runArtifactUri(run1, "model"), run_id: run1 });
    mlflow.deleteModelVersion(fraud, 2);
    // Version 3 keeps a runs:/ source that only the run resolves (MlflowClient.create_model_version).
    const run2 = mlflow.createRun({ metrics: [{ key: "accuracy", value: 0.95 }] });
    const v3file = randomBytes(3000);
    mlflow.logArtifact(run2, "model/MLmodel", v3file);
    mlflow.createModelVersion(fraud, { source: `runs:/${run2}/model`, run_id: run2, tags: { candidate: "true" }, stage: "Staging" });
    // Version 4's files are in S3, which only S3 credentials read: its metadata is imported, its files are not.
    mlflow.createModelVersion(fraud, { source: "s3://models/fraud/4", stage: "Production" });
    mlflow.setAlias(fraud, "champion", 3);

    mlflow.createRegisteredModel(churn);
    const run3 = mlflow.createRun({ experimentId: "7" });
    const churnFile = randomBytes(5000);
    mlflow.logArtifact(run3, "m/model.onnx", churnFile);
    // An absolute download URI on the artifacts endpoint (a server configured with an artifacts destination URL).
    mlflow.createModelVersion(churn, { source: "file:///elsewhere", storage_location: `${mlflow.url}/api/2.0/mlflow-artifacts/artifacts/7/${run3}/artifacts/m` });

    mlflow.createRegisteredModel(outside);
    mlflow.createModelVersion(outside, { source: "s3://x" });

    const first = await cli([...importArgs(prefix), "--json"], { env });
    expect(first.stderr).not.toContain("edgereg:");
    expect(first.code).toBe(EXIT.ok);
    const summary = json(first.stdout);
    expect(summary).toMatchObject({
      models: { created: 2, updated: 0, unchanged: 0, failed: 0 },
      versions: { created: 4, resumed: 0, updated: 0, unchanged: 0, failed: 0 },
      refs: { set: 3, unchanged: 0 },
      archived: 1,
      files: 5,
      failed: [],
    });
    expect(summary.bytes).toBe(Object.values(files).reduce((sum, b) => sum + b.length, 0) + v3file.length + churnFile.length);
    expect(summary.metadata_only).toEqual([{ model: fraud, version: 4, reason: expect.stringContaining("s3://models/fraud/4") }]);
    expect(summary.warnings.join("\n")).toContain("'bad=key'");
    expect(summary.warnings.join("\n")).toContain("'loss'");

    // The model, its refs and the numbering with its gap.
    const model = await api(`/v1/models/${fraud}`);
    expect(model).toMatchObject({ description: "Detects fraud", tags: { team: "risk" }, refs: { Production: 4, Staging: 3, champion: 3 } });
    const versions = await api(`/v1/models/${fraud}/versions?limit=50`);
    expect(versions.items.map((v: any) => v.number).sort()).toEqual([1, 3, 4]);

    const v1 = await api(`/v1/models/${fraud}/versions/1`);
    expect(v1).toMatchObject({
      semver: "0.0.0-mlflow.1",
      status: "READY",
      archived: true,
      description: "first",
      run_id: run1,
      source: mlflow.runArtifactUri(run1, "model"),
      metrics: { accuracy: 0.93 },
      params: { lr: "0.1", depth: "8" },
      tags: { "mlflow.imported_from": `${mlflow.url}#${fraud}/1` },
    });
    expect(v1.artifacts.map((a: any) => [a.path, a.size, a.sha256])).toEqual(
      Object.entries(files)
        .sort(([a], [b]) => (a < b ? -1 : 1))
        .map(([path, bytes]) => [path, bytes.length, sha256(bytes)]),
    );
    const v3 = await api(`/v1/models/${fraud}/versions/3`);
    expect(v3).toMatchObject({ status: "READY", stage: "Staging", aliases: ["champion"], metrics: { accuracy: 0.95 }, tags: { candidate: "true" } });
    expect(v3.artifacts.map((a: any) => a.sha256)).toEqual([sha256(v3file)]);
    const v4 = await api(`/v1/models/${fraud}/versions/4`);
    expect(v4).toMatchObject({ status: "READY", stage: "Production", artifacts: [], source: "s3://models/fraud/4" });
    expect(v4.tags["mlflow.artifacts_not_copied"]).toContain("s3://");

    // Stage moves are recorded as imports, not as promotions through the gate.
    const history = await api(`/v1/models/${fraud}/refs/Production/history`);
    expect(history.items.map((e: any) => [e.action, e.to_version])).toEqual([["import", 4]]);

    // The bytes come back out of edgereg as MLflow had them.
    const out = tempDir();
    const pulled = await cli(["pull", `${fraud}/1`, "-o", out], { env });
    expect(pulled.code).toBe(EXIT.ok);
    for (const [path, bytes] of Object.entries(files)) expect(readFileSync(join(out, path)).equals(bytes), path).toBe(true);
    expect((await api(`/v1/models/${churn}/versions/1`)).artifacts).toEqual([expect.objectContaining({ path: "model.onnx", sha256: sha256(churnFile) })]);

    // --models left the other model alone; every MLflow request carried the token; the searches were paginated.
    await api(`/v1/models/${outside}`, 404);
    expect(mlflow.requests.every((r) => r.authorization === `Bearer ${MLFLOW_TOKEN}`)).toBe(true);
    expect(mlflow.requestsTo("/api/2.0/mlflow/registered-models/search").length).toBeGreaterThan(1);

    // Again: everything is read, nothing is written.
    const again = await cli([...importArgs(prefix), "--json"], { env });
    expect(again.code).toBe(EXIT.ok);
    expect(json(again.stdout)).toMatchObject({
      models: { created: 0, updated: 0, unchanged: 2 },
      versions: { created: 0, resumed: 0, updated: 0, unchanged: 4, failed: 0 },
      refs: { set: 0, unchanged: 3 },
      archived: 0,
      bytes: 0,
      bytes_downloaded: 0,
      metadata_only: [{ model: fraud, version: 4, reason: expect.stringContaining("s3://") }],
    });
    const human = await cli(importArgs(prefix), { env });
    expect(human.code).toBe(EXIT.ok);
    expect(human.stdout).toContain("nothing changed");
    expect(human.stdout).toMatch(/versions: 0 created, 0 resumed, 0 updated, 4 unchanged/);
  });

  it("--dry-run prints the plan and changes nothing", async () => {
    const prefix = uniqueName("dry");
    const name = `${prefix}-model`;
    mlflow.createRegisteredModel(name, { description: "planned" });
    const run = mlflow.createRun();
    mlflow.logArtifact(run, "model/a.bin", randomBytes(2048));
    mlflow.logArtifact(run, "model/b/c.txt", Buffer.from("hello"));
    mlflow.createModelVersion(name, { source: mlflow.runArtifactUri(run, "model"), stage: "Production" });
    mlflow.createModelVersion(name, { source: "gs://bucket/model" });

    const planned = await cli([...importArgs(prefix), "--dry-run", "--json"], { env });
    expect(planned.code).toBe(EXIT.ok);
    const plan = json(planned.stdout);
    expect(plan).toMatchObject({
      dry_run: true,
      totals: { models: 1, models_to_create: 1, versions: 2, versions_to_create: 2, files: 2, bytes: 2048 + 5, refs_to_set: 1 },
      models: [{ name, action: "create", refs: [{ ref: "Production", version: 1, action: "set" }] }],
      metadata_only: [{ model: name, version: 2, reason: expect.stringContaining("gs://") }],
    });
    const human = await cli([...importArgs(prefix), "--dry-run"], { env });
    expect(human.stdout).toContain("dry run: nothing was changed");
    expect(human.stdout).toContain("Production→1");
    await api(`/v1/models/${name}`, 404);
    // Nothing was downloaded either: only listings were read.
    expect(mlflow.requestsTo(`/api/2.0/mlflow-artifacts/artifacts/0/${run}`)).toEqual([]);
  });

  it("brings changed tags and a moved alias over on a re-run, through transient MLflow failures", async () => {
    const prefix = uniqueName("sync");
    const name = `${prefix}-model`;
    mlflow.createRegisteredModel(name, { tags: { owner: "a" } });
    const run = mlflow.createRun();
    mlflow.logArtifact(run, "model/MLmodel", randomBytes(100));
    mlflow.createModelVersion(name, { source: mlflow.runArtifactUri(run, "model"), tags: { reviewed: "no" } });
    mlflow.createModelVersion(name, { source: mlflow.runArtifactUri(run, "model") });
    mlflow.setAlias(name, "champion", 1);
    expect((await cli([...importArgs(prefix), "-q"], { env })).code).toBe(EXIT.ok);

    mlflow.setModelVersionTag(name, 1, "reviewed", "yes");
    mlflow.setAlias(name, "champion", 2);
    mlflow.createRegisteredModel(`${prefix}-late`);
    const late = mlflow.createRun();
    mlflow.logArtifact(late, "model/w.bin", randomBytes(500));
    mlflow.createModelVersion(`${prefix}-late`, { source: mlflow.runArtifactUri(late, "model") });
    // The server stumbles: a listing and a download each fail twice with 503 before they answer.
    mlflow.failNext("/api/2.0/mlflow-artifacts/artifacts", 503, 2);
    mlflow.failNext(`/api/2.0/mlflow-artifacts/artifacts/0/${late}`, 503, 2);
    const rerun = await cli([...importArgs(prefix), "--json"], { env });
    expect(rerun.code).toBe(EXIT.ok);
    expect(json(rerun.stdout)).toMatchObject({
      models: { created: 1, unchanged: 1 },
      versions: { created: 1, updated: 1, unchanged: 1 },
      refs: { set: 1, unchanged: 0 },
      metadata_only: [],
    });
    expect((await api(`/v1/models/${name}/versions/1`)).tags.reviewed).toBe("yes");
    expect((await api(`/v1/models/${name}`)).refs).toEqual({ champion: 2 });
    expect((await api(`/v1/models/${prefix}-late/versions/1`)).artifacts).toHaveLength(1);
  });

  it("uploads the files two versions registered from one run share once, and both versions are READY", async () => {
    const prefix = uniqueName("shared");
    const name = `${prefix}-model`;
    const weights = randomBytes(6 * MiB);
    mlflow.createRegisteredModel(name);
    const run = mlflow.createRun();
    mlflow.logArtifact(run, "model/weights.bin", weights);
    for (let i = 0; i < 3; i++) mlflow.createModelVersion(name, { source: mlflow.runArtifactUri(run, "model"), run_id: run });
    const result = await cli([...importArgs(prefix), "--part-size", "5MiB", "--json"], { env });
    expect(result.stderr).not.toContain("edgereg:");
    expect(result.code).toBe(EXIT.ok);
    // Three versions at once would collide on one multipart upload of the same bytes (409); they take turns instead.
    expect(json(result.stdout)).toMatchObject({ versions: { created: 3, failed: 0 }, bytes: weights.length });
    expect(result.stderr).not.toContain("being uploaded elsewhere");
    for (const v of [1, 2, 3]) expect(await api(`/v1/models/${name}/versions/${v}`)).toMatchObject({ status: "READY", artifacts: [{ sha256: sha256(weights) }] });
  });

  it("resumes an import killed mid-upload: the parts already sent stay, the version ends READY with the same digests", async () => {
    const prefix = uniqueName("kill");
    const name = `${prefix}-big`;
    const weights = randomBytes(12 * MiB + 5);
    const config = Buffer.from(JSON.stringify({ layers: 3 }));
    mlflow.createRegisteredModel(name);
    const run = mlflow.createRun();
    mlflow.logArtifact(run, "model/weights.bin", weights);
    mlflow.logArtifact(run, "model/config.json", config);
    mlflow.createModelVersion(name, { source: mlflow.runArtifactUri(run, "model"), stage: "Production" });

    const cwd = tempDir();
    const proxy = await new PartProxy(registry.url).start();
    try {
      proxy.holdPartsAfter = 1;
      const proxied = { ...env, EDGEREG_URL: proxy.url };
      const args = [...importArgs(prefix), "--part-size", "5MiB", "--concurrency", "2", "--json"];
      const killed = await cli(args, { cwd, env: proxied }, (child) => {
        until(() => proxy.stored.length >= 1 && proxy.held.length > 0 && proxy.inFlight === 0, "a part to be stored and the next to stall").then(() => child.kill("SIGKILL"));
      });
      expect(killed.signal).toBe("SIGKILL");
      // The killed run's downloads stay behind until the next run.
      expect(readdirSync(join(cwd, ".edgereg/downloads"))).toHaveLength(1);
      const pending = await api(`/v1/models/${name}/versions/1`);
      expect(pending.status).toBe("PENDING");
      expect((await api(`/v1/models/${name}`)).refs).toEqual({});

      const firstParts = [...proxy.stored];
      proxy.reset();
      const resumed = await cli(args, { cwd, env: proxied });
      expect(resumed.stderr).not.toContain("edgereg:");
      expect(resumed.code).toBe(EXIT.ok);
      expect(json(resumed.stdout)).toMatchObject({ versions: { resumed: 1, failed: 0 }, refs: { set: 1 } });
      expect(resumed.stderr).toContain("resuming upload");
      // The part stored before the kill did not travel again; no download is left on disk.
      for (const part of firstParts) expect(proxy.stored).not.toContain(part);
      expect(readdirSync(join(cwd, ".edgereg/downloads"))).toEqual([]);

      const ready = await api(`/v1/models/${name}/versions/1`);
      expect(ready.status).toBe("READY");
      expect(Object.fromEntries(ready.artifacts.map((a: any) => [a.path, a.sha256]))).toEqual({ "weights.bin": sha256(weights), "config.json": sha256(config) });
      const out = tempDir();
      expect((await cli(["pull", `${name}/Production`, "-o", out], { env })).code).toBe(EXIT.ok);
      expect(readFileSync(join(out, "weights.bin")).equals(weights)).toBe(true);
    } finally {
      await proxy.stop();
    }
  });

  it("on Ctrl-C says how to resume and leaves no download behind", async () => {
    const prefix = uniqueName("sigint");
    mlflow.createRegisteredModel(`${prefix}-m`);
    const run = mlflow.createRun();
    mlflow.logArtifact(run, "model/w.bin", randomBytes(6 * MiB));
    mlflow.createModelVersion(`${prefix}-m`, { source: mlflow.runArtifactUri(run, "model") });
    const cwd = tempDir();
    const proxy = await new PartProxy(registry.url).start();
    try {
      proxy.holdPartsAfter = 0;
      const interrupted = await cli([...importArgs(prefix), "--part-size", "5MiB"], { cwd, env: { ...env, EDGEREG_URL: proxy.url } }, (child) => {
        until(() => proxy.held.length > 0, "a part to stall").then(() => child.kill("SIGINT"));
      });
      expect(interrupted.code).toBe(EXIT.interrupted);
      expect(interrupted.stderr).toContain("import interrupted");
      expect(interrupted.stderr).toContain(`edgereg import mlflow --from ${mlflow.url}`);
      expect(readdirSync(join(cwd, ".edgereg/downloads"))).toEqual([]);
    } finally {
      await proxy.stop();
    }
  });

  it("refuses a URL that is not http(s) before any request, and reports MLflow's refusal of bad credentials", async () => {
    const bad = await cli(["import", "mlflow", "--from", "ftp://x"], { env });
    expect(bad.code).toBe(EXIT.usage);
    const unauthenticated = await cli(["import", "mlflow", "--from", mlflow.url, "--json"], { env: { ...env, MLFLOW_TRACKING_TOKEN: "wrong" } });
    expect(unauthenticated.code).toBe(EXIT.refused);
    expect(unauthenticated.stderr).toContain("UNAUTHENTICATED");
  });
});
