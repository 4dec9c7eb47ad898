import { describe, expect, it } from "vitest";
import { callJson, createModel, createVersion, moveRef, tableCounts, uniqueName } from "./helpers";

const full = {
  description: "Retrained on November data to fix the holiday drift",
  run_id: "run-8f2a",
  git_commit: "3e5c0a1b2c3d4e5f60718293a4b5c6d7e8f90a1b",
  source: "s3://training/runs/8f2a",
  dataset: { name: "flights", version: "2026-11", digest: "sha256:abc" },
  metrics: { accuracy: 0.91, auc: 0.97 },
  params: { learning_rate: 0.05, max_depth: 8, early_stopping: true, objective: "reg" },
  signature: { inputs: [{ name: "distance_km", type: "double" }, { name: "carrier", type: "string", optional: true }], outputs: [{ name: "delay", type: "double" }] },
  tags: { trainer: "xgboost" },
};

describe("versions", () => {
  it("creates a version with every field and numbers versions 1, 2, 3 per model", async () => {
    const name = uniqueName();
    await createModel(name);
    const v1 = await createVersion(name, "1.0.0", full);
    expect(v1).toMatchObject({ model: name, number: 1, semver: "1.0.0", status: "READY", stage: "None", aliases: [], archived: false, artifacts: [], created_by: "admin", ...full });
    expect((await createVersion(name, "1.1.0")).number).toBe(2);
    expect((await createVersion(name, "0.9.0")).number).toBe(3);
    const other = uniqueName();
    await createModel(other);
    expect((await createVersion(other, "5.0.0")).number).toBe(1);
  });

  it("gets a version by number and by semver", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "2.1.0-rc.1");
    expect((await callJson("GET", `/v1/models/${name}/versions/1`, 200)).semver).toBe("2.1.0-rc.1");
    expect((await callJson("GET", `/v1/models/${name}/versions/2.1.0-rc.1`, 200)).number).toBe(1);
    await callJson("GET", `/v1/models/${name}/versions/2`, 404);
    await callJson("GET", `/v1/models/${name}/versions/9.9.9`, 404);
    expect((await callJson("GET", `/v1/models/${name}/versions/not-a-version`, 400)).error.details.field).toBe("version");
    await callJson("GET", `/v1/models/${name}/versions/0`, 400);
  });

  it.each([
    [{ semver: "1.0" }, "semver"],
    [{ semver: "v1.0.0" }, "semver"],
    [{ semver: "1.0.0+build.5" }, "semver"],
    [{ semver: "1.0.0", metrics: { acc: "high" } }, "metrics"],
    [{ semver: "1.0.0", git_commit: "not hex" }, "git_commit"],
    [{ semver: "1.0.0", signature: { inputs: [{ name: "a" }], outputs: [] } }, "signature"],
    [{ semver: "1.0.0", signature: { inputs: [{ name: "a", type: "int" }, { name: "a", type: "int" }], outputs: [] } }, "signature"],
    [{ semver: "1.0.0", unknown: 1 }, ""],
    [{ semver: "1.0.0", artifacts: [{ path: "../etc/passwd", size: 1, sha256: "a".repeat(64) }] }, "artifacts"],
    [{ semver: "1.0.0", artifacts: [{ path: "/abs", size: 1, sha256: "a".repeat(64) }] }, "artifacts"],
    [{ semver: "1.0.0", artifacts: [{ path: "ok", size: -1, sha256: "a".repeat(64) }] }, "artifacts"],
    [{ semver: "1.0.0", artifacts: [{ path: "ok", size: 1, sha256: "XYZ" }] }, "artifacts"],
  ])("refuses %j with 400 and stores nothing", async (body, field) => {
    const name = uniqueName();
    await createModel(name);
    const before = await tableCounts();
    const res = await callJson("POST", `/v1/models/${name}/versions`, 400, { body });
    expect(res.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(res.error.details)).toContain(field);
    expect(await tableCounts()).toEqual(before);
  });

  it("refuses a duplicate semver with 409 and keeps numbers contiguous", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "1.0.0");
    const res = await callJson("POST", `/v1/models/${name}/versions`, 409, { body: { semver: "1.0.0" } });
    expect(res.error.details.field).toBe("semver");
    expect((await createVersion(name, "1.0.1")).number).toBe(2);
  });

  it("lets exactly one of many concurrent creations of the same semver win; the rest get 409", async () => {
    const name = uniqueName();
    await createModel(name);
    const responses = await Promise.all(
      Array.from({ length: 8 }, () =>
        import("./helpers").then(({ call }) => call("POST", `/v1/models/${name}/versions`, { body: { semver: "3.0.0" } })),
      ),
    );
    const statuses = responses.map((r) => r.status).sort();
    expect(statuses).toEqual([201, 409, 409, 409, 409, 409, 409, 409]);
    const list = await callJson("GET", `/v1/models/${name}/versions`, 200);
    expect(list.items.map((v: any) => v.number)).toEqual([1]);
  });

  it("gives concurrent creations of different semvers contiguous numbers", async () => {
    const name = uniqueName();
    await createModel(name);
    const { call } = await import("./helpers");
    const responses = await Promise.all(Array.from({ length: 10 }, (_, i) => call("POST", `/v1/models/${name}/versions`, { body: { semver: `1.${i}.0` } })));
    expect(responses.every((r) => r.status === 201)).toBe(true);
    const numbers = (await Promise.all(responses.map((r) => r.json() as Promise<any>))).map((v) => v.number).sort((a, b) => a - b);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
  });

  it("lists newest first with pagination and filters by status, stage and archived", async () => {
    const name = uniqueName();
    await createModel(name);
    for (const s of ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]) await createVersion(name, s);
    await moveRef(name, "Staging", 3);
    await moveRef(name, "Production", 3);
    await moveRef(name, "Staging", 4);
    await callJson("PATCH", `/v1/models/${name}/versions/1`, 200, { body: { archived: true } });

    const first = await callJson("GET", `/v1/models/${name}/versions?limit=3`, 200);
    expect(first.items.map((v: any) => v.number)).toEqual([4, 3, 2]);
    const second = await callJson("GET", `/v1/models/${name}/versions?limit=3&cursor=${first.next_cursor}`, 200);
    expect(second).toMatchObject({ items: [{ number: 1 }], next_cursor: null });

    const stages = async (q: string) => (await callJson("GET", `/v1/models/${name}/versions?${q}`, 200)).items.map((v: any) => v.number);
    expect(await stages("stage=Production")).toEqual([3]);
    expect(await stages("stage=Staging")).toEqual([4]);
    expect(await stages("stage=Archived")).toEqual([1]);
    expect(await stages("stage=None")).toEqual([2]);
    expect(await stages("archived=true")).toEqual([1]);
    expect(await stages("status=READY")).toEqual([4, 3, 2, 1]);
    expect(await stages("status=PENDING")).toEqual([]);
    await callJson("GET", `/v1/models/${name}/versions?stage=Prod`, 400);
  });

  it("derives stage and aliases from the refs", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "1.0.0");
    await moveRef(name, "Staging", 1);
    await moveRef(name, "production", 1);
    await moveRef(name, "champion", 1);
    await moveRef(name, "blue", 1);
    expect(await callJson("GET", `/v1/models/${name}/versions/1`, 200)).toMatchObject({ stage: "Production", aliases: ["blue", "champion"] });
  });

  it("updates description and tags, appends metrics, but never changes a recorded metric", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "1.0.0", { metrics: { accuracy: 0.9 }, tags: { a: "1" } });
    const updated = await callJson("PATCH", `/v1/models/${name}/versions/1`, 200, {
      body: { description: "why", tags: { a: null, b: "2" }, metrics: { accuracy: 0.9, latency_p99_ms: 12 } },
    });
    expect(updated).toMatchObject({ description: "why", tags: { b: "2" }, metrics: { accuracy: 0.9, latency_p99_ms: 12 } });
    const refused = await callJson("PATCH", `/v1/models/${name}/versions/1`, 409, { body: { metrics: { accuracy: 0.95 } } });
    expect(refused.error.details.metrics).toEqual(["accuracy"]);
    await callJson("PATCH", `/v1/models/${name}/versions/1`, 400, { body: { semver: "2.0.0" } });
  });

  it("refuses to archive a version that serves a stage", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "1.0.0");
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Production", 1);
    const res = await callJson("PATCH", `/v1/models/${name}/versions/1`, 409, { body: { archived: true } });
    expect(res.error.details.field).toBe("archived");
  });

  it("creates a PENDING version when artifacts are declared", async () => {
    const name = uniqueName();
    await createModel(name);
    const v = await createVersion(name, "1.0.0", { artifacts: [{ path: "model/weights.bin", size: 3, sha256: "b".repeat(64) }] });
    expect(v.status).toBe("PENDING");
    expect(v.artifacts).toEqual([
      { path: "model/weights.bin", size: 3, sha256: "b".repeat(64), content_type: "application/octet-stream", url: `http://edgereg.test/v1/models/${name}/versions/1/artifacts/model/weights.bin` },
    ]);
    expect((await callJson("GET", `/v1/models/${name}`, 200)).latest_version).toBeNull();
  });

  it("answers 404 when the model does not exist", async () => {
    await callJson("POST", `/v1/models/${uniqueName()}/versions`, 404, { body: { semver: "1.0.0" } });
  });
});

describe("a version both stage refs name", () => {
  it("reads Production, in its view and in the stage filters", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "1.0.0");
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Production", 1);
    expect((await callJson("GET", `/v1/models/${name}/versions/1`, 200)).stage).toBe("Production");
    expect((await callJson("GET", `/v1/models/${name}/versions?stage=Production`, 200)).items.map((v: any) => v.number)).toEqual([1]);
    expect((await callJson("GET", `/v1/models/${name}/versions?stage=Staging`, 200)).items).toEqual([]);
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({ Production: 1, Staging: 1 });
  });
});
