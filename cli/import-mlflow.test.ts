/** The pure parts of `import mlflow`: URIs, credentials, globs, and MLflow's data fitted to edgereg's bounds. */
import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { VersionCreate } from "../src/http/schemas";
import { latestMetrics, matchesGlob, paramsFrom, SharedUploads, tagsFrom, versionMetaFrom } from "./import-mlflow";
import { FakeMlflow } from "./fake-mlflow";
import { MlflowClient, MlflowError, mlflowAuthorization, parseRunsUri, resolveArtifactUri } from "./mlflow";

const TRACKING = "https://mlflow.example.com";

describe("artifact URIs", () => {
  it("resolves mlflow-artifacts URIs on the tracking server, under its path prefix", () => {
    expect(resolveArtifactUri("mlflow-artifacts:/0/abc/artifacts/model", TRACKING)).toEqual({
      root: { endpoint: `${TRACKING}/api/2.0/mlflow-artifacts/artifacts`, path: "0/abc/artifacts/model" },
    });
    expect(resolveArtifactUri("mlflow-artifacts:/0/a%20b/model", "http://host:5000/mlflow/")).toEqual({
      root: { endpoint: "http://host:5000/mlflow/api/2.0/mlflow-artifacts/artifacts", path: "0/a b/model" },
    });
  });

  it("takes the host of mlflow-artifacts://HOST/… with the tracking server's scheme, and absolute artifact URLs as they are", () => {
    expect(resolveArtifactUri("mlflow-artifacts://artifacts.internal:8080/1/r/artifacts", TRACKING)).toEqual({
      root: { endpoint: "https://artifacts.internal:8080/api/2.0/mlflow-artifacts/artifacts", path: "1/r/artifacts" },
    });
    expect(resolveArtifactUri("http://other:5000/prefix/api/2.0/mlflow-artifacts/artifacts/7/r/artifacts/m", TRACKING)).toEqual({
      root: { endpoint: "http://other:5000/prefix/api/2.0/mlflow-artifacts/artifacts", path: "7/r/artifacts/m" },
    });
  });

  it("gives a reason for every store it cannot read through MLflow", () => {
    for (const uri of ["s3://bucket/m", "gs://b/m", "file:///mnt/m", "dbfs:/m", "wasbs://c@a.blob.core.windows.net/m", "https://cdn.example.com/m.bin"]) {
      expect(resolveArtifactUri(uri, TRACKING), uri).toEqual({ reason: expect.any(String) });
    }
    expect((resolveArtifactUri("s3://bucket/m", TRACKING) as { reason: string }).reason).toContain("s3://");
  });

  it("reads runs:/ URIs", () => {
    expect(parseRunsUri("runs:/abc123/model")).toEqual({ runId: "abc123", path: "model" });
    expect(parseRunsUri("runs:/abc123")).toEqual({ runId: "abc123", path: "" });
    expect(parseRunsUri("models:/m-1")).toBeNull();
  });
});

describe("credentials, as MLflow's client sends them", () => {
  it("prefers basic auth when both user and password are set, else the token", () => {
    expect(mlflowAuthorization({ MLFLOW_TRACKING_TOKEN: "t" })).toBe("Bearer t");
    expect(mlflowAuthorization({ MLFLOW_TRACKING_USERNAME: "u", MLFLOW_TRACKING_PASSWORD: "p", MLFLOW_TRACKING_TOKEN: "t" })).toBe(`Basic ${Buffer.from("u:p").toString("base64")}`);
    expect(mlflowAuthorization({ MLFLOW_TRACKING_USERNAME: "u" })).toBeUndefined();
  });
});

describe("--models", () => {
  it("matches * and ? and nothing else specially", () => {
    expect(matchesGlob("fraud-detector", "fraud-*")).toBe(true);
    expect(matchesGlob("fraud", "fraud-*")).toBe(false);
    expect(matchesGlob("m1", "m?")).toBe(true);
    expect(matchesGlob("m10", "m?")).toBe(false);
    expect(matchesGlob("a.b", "a.b")).toBe(true);
    expect(matchesGlob("axb", "a.b")).toBe(false);
    expect(matchesGlob("anything", undefined)).toBe(true);
  });
});

describe("MLflow's data within edgereg's bounds", () => {
  const warnings: string[] = [];
  const warn = (m: string) => warnings.push(m);

  it("takes each metric's latest value by step, then timestamp, and leaves out non-finite values", () => {
    const run = {
      data: {
        metrics: [
          { key: "acc", value: 0.5, step: 3, timestamp: 10 },
          { key: "acc", value: 0.7, step: 3, timestamp: 20 },
          { key: "acc", value: 0.9, step: 1, timestamp: 99 },
          { key: "loss", value: "NaN", step: 0 },
          { key: "inf", value: "Infinity" },
          { key: "steps", value: "12", step: "4", timestamp: "5" },
        ],
      },
    };
    expect(latestMetrics(run, warn, "m/1")).toEqual({ acc: 0.7, steps: 12 });
    expect(warnings.at(-1)).toContain("'loss', 'inf'");
  });

  it("produces a version body the registry's own schema accepts, whatever MLflow held", () => {
    const tags = [
      ...Array.from({ length: 120 }, (_, i) => ({ key: `t${i}`, value: "v" })),
      { key: "bad=key", value: "x" },
      { key: "ünïcode", value: "x" },
      { key: "long", value: "x".repeat(7000) },
    ];
    const meta = versionMetaFrom(
      TRACKING,
      { name: "m", version: "3", description: "d".repeat(12_000), source: `s3://${"p/".repeat(1500)}`, run_id: "r".repeat(300), tags },
      3,
      warn,
    );
    const params = paramsFrom({ data: { params: [{ key: "lr", value: "0.1" }, { key: "big", value: "y".repeat(6000) }, { key: "bad key!", value: "1" }] } }, warn, "m/3");
    const body = { ...meta, params, metrics: { acc: 0.9 } };
    expect(VersionCreate.safeParse(body).error?.issues).toBeUndefined();
    expect(meta).toMatchObject({ number: 3, semver: "0.0.0-mlflow.3", tags: { "mlflow.imported_from": `${TRACKING}#m/3` } });
    expect(Object.keys(meta.tags)).toHaveLength(99);
    expect(meta.run_id).toBeUndefined();
    expect(params).toEqual({ lr: "0.1", big: "y".repeat(5000) });
    expect(warnings.join("\n")).toMatch(/'bad=key'/);
    expect(tagsFrom([{ key: "ok", value: "1" }], 100, warn, "x")).toEqual({ ok: "1" });
  });
});

describe("uploads of the same bytes", () => {
  it("run one after the other, and other digests alongside", async () => {
    const shared = new SharedUploads();
    const order: string[] = [];
    const job = (name: string, ms: number) => async () => {
      order.push(`start ${name}`);
      await new Promise((resolve) => setTimeout(resolve, ms));
      order.push(`end ${name}`);
    };
    await Promise.all([shared.run(["a"], job("first", 20)), shared.run(["a", "b"], job("second", 1)), shared.run(["c"], job("other", 1))]);
    expect(order.indexOf("start second")).toBeGreaterThan(order.indexOf("end first"));
    expect(order.indexOf("start other")).toBeLessThan(order.indexOf("end first"));
  });
});

describe("the MLflow client against the fake server", () => {
  it("follows pages, streams downloads with their digest, cuts a stalled one and tries again", async () => {
    const fake = await new FakeMlflow().start();
    try {
      fake.pageCap = 1;
      for (const name of ["a", "b", "c"]) fake.createRegisteredModel(name);
      const run = fake.createRun();
      const bytes = Buffer.from("x".repeat(10_000));
      fake.logArtifact(run, "model/sub/w.bin", bytes);
      const client = new MlflowClient(fake.url, undefined, { retry: { firstDelayMs: 1 }, downloadIdleMs: 200 });
      const names: string[] = [];
      for await (const m of client.registeredModels()) names.push(m.name);
      expect(names).toEqual(["a", "b", "c"]);

      const root = (resolveArtifactUri(fake.runArtifactUri(run, "model"), fake.url) as { root: { endpoint: string; path: string } }).root;
      expect(await client.listFiles(root)).toEqual([{ path: "sub/w.bin", size: bytes.length }]);
      fake.stallNext("/api/2.0/mlflow-artifacts/artifacts/");
      const dest = join(mkdtempSync(join(tmpdir(), "edgereg-mlflow-")), "w.bin");
      let counted = 0;
      const got = await client.download(root, "sub/w.bin", dest, (n) => (counted += n));
      expect(got.size).toBe(bytes.length);
      expect(readFileSync(dest).equals(bytes)).toBe(true);
      expect(counted).toBe(bytes.length);
      expect(fake.requestsTo("/api/2.0/mlflow-artifacts/artifacts/")).toHaveLength(2);

      const missing = await client.run("nope").catch((error: unknown) => error);
      expect(missing).toBeInstanceOf(MlflowError);
      expect(missing).toMatchObject({ status: 404, code: "RESOURCE_DOES_NOT_EXIST" });
    } finally {
      await fake.stop();
    }
  });
});
