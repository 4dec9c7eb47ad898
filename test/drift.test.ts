import { describe, expect, it } from "vitest";
import { auditOf, callJson, clockedRegistry, createModel, createVersion, moveRef, tokenFor, uniqueName } from "./helpers";

const linspace = (start: number, stop: number, num: number) => Array.from({ length: num }, (_, i) => start + (i * (stop - start)) / (num - 1));
const repeat = (pairs: Array<[number, number]>) => pairs.flatMap(([value, times]) => Array<number>(times).fill(value));

// scipy/stats/tests/test_stats.py, TestKSTwoSamples.test100_110 and testRepeatedValues.
const X100 = linspace(1, 100, 100);
const X110_20_P1 = linspace(1, 100, 110).map((x) => x + 20 + 0.1);
const X2233 = repeat([[2, 3], [3, 4], [5, 5], [6, 4]]);
const X3344 = X2233.map((x) => x + 1);
const X2356 = repeat([[2, 3], [3, 4], [5, 10], [6, 4]]);
const X3467 = repeat([[3, 10], [4, 2], [6, 10], [7, 4]]);

async function modelWithReference(features: Record<string, number[] | string[]>, policy?: Record<string, unknown>) {
  const name = uniqueName("drift");
  await createModel(name);
  await createVersion(name, "1.0.0");
  await callJson("PUT", `/v1/models/${name}/versions/1/reference-data`, 200, { body: { features } });
  if (policy) await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: policy });
  return name;
}

const check = (name: string, body: Record<string, unknown>, status = 201) => callJson("POST", `/v1/models/${name}/drift`, status, { body });

describe("reference data", () => {
  it("stores a version's reference sample (publisher), answers a summary, and audits it", async () => {
    const name = uniqueName("drift");
    await createModel(name);
    await createVersion(name, "1.0.0");
    const publisher = await tokenFor("publisher");
    const features = { distance_km: [812, 1204, 95.5], carrier: ["AA", "DL", "AA"] };
    const summary = await callJson("PUT", `/v1/models/${name}/versions/1.0.0/reference-data`, 200, { token: publisher, body: { features } });
    expect(summary).toMatchObject({
      model: name,
      version: 1,
      features: { distance_km: { kind: "numbers", rows: 3 }, carrier: { kind: "strings", rows: 3 } },
    });
    expect(await callJson("GET", `/v1/models/${name}/versions/1/reference-data`, 200)).toMatchObject({ features, updated_by: summary.updated_by });
    expect((await auditOf(name)).at(-1)).toMatchObject({ action: "version.reference_data", version: 1, after: { features: summary.features } });
  });

  it("bounds and validates samples", async () => {
    const name = uniqueName("drift");
    await createModel(name);
    await createVersion(name, "1.0.0");
    for (const features of [
      {},
      { x: [] },
      { x: [1, "a"] },
      { x: Array.from({ length: 10_001 }, (_, i) => i) },
      Object.fromEntries(Array.from({ length: 101 }, (_, i) => [`f${i}`, [1]])),
      { "bad name!": [1] },
    ]) {
      await callJson("PUT", `/v1/models/${name}/versions/1/reference-data`, 400, { body: { features } });
    }
    await callJson("GET", `/v1/models/${name}/versions/1/reference-data`, 404);
    await check(name, { version: 1, features: { x: [1, 2] } }, 409);
  });
});

describe("drift checks", () => {
  it("matches scipy's published two-sample KS values and flags drift at p ≤ 0.05", async () => {
    const name = await modelWithReference({ shifted: X100, repeated: X2233, mixed: X2356 });
    const report = await check(name, { version: 1, features: { shifted: X110_20_P1, repeated: X3344, mixed: X3467 } });
    const { shifted, repeated, mixed } = report.features;
    expect(shifted).toMatchObject({ kind: "numerical", test: "ks", drift: true });
    expect(shifted.statistic).toBeCloseTo(232 / 1100, 14);
    expect(shifted.p_value).toBeCloseTo(0.015739183865607353, 12);
    expect(repeated).toMatchObject({ kind: "numerical", test: "ks", drift: false });
    expect(repeated.statistic).toBeCloseTo(5 / 16, 14);
    expect(repeated.p_value).toBeCloseTo(0.4262934613454952, 12);
    expect(mixed.statistic).toBeCloseTo(190 / 21 / 26, 14);
    expect(mixed.p_value).toBeCloseTo(0.0919245790168125, 12);
    for (const f of [shifted, repeated, mixed]) {
      expect(f.ks_statistic).toBe(f.statistic);
      expect(f.ks_p_value).toBe(f.p_value);
      expect(f.psi).toBeGreaterThanOrEqual(0);
    }
    expect(report).toMatchObject({ model: name, version: 1, drift_share: 1 / 3, dataset_drift: false, current_rows: 110 });
  });

  it("reports scipy's Wasserstein distances for every numeric feature, and null for an infinite chi-square", async () => {
    const name = await modelWithReference({ shift: [1, 2, 3, 4, 5], few: [0, 1, 2], city: ["Oslo", "Rome", "Rome"] });
    const report = await check(name, { version: 1, features: { shift: [11, 12, 13, 14, 15], few: [1, 2, 3], city: ["Oslo", "Oslo", "Rome"] } });
    // TestWassersteinDistance.test_shift and test_simple.
    expect(report.features.shift).toMatchObject({ kind: "numerical", wasserstein: 10 });
    expect(report.features.shift.wasserstein_norm).toBeCloseTo(10 / Math.sqrt(2), 12);
    // Four distinct values are categories: chi-square, and 3 is a category the reference never saw.
    expect(report.features.few).toMatchObject({ kind: "categorical", test: "chisquare", statistic: null, p_value: 0, drift: true, wasserstein: 1 });
    expect(report.features.city).toMatchObject({ kind: "categorical", test: "z", ks_statistic: null, wasserstein: null, psi: null });
    expect(report.dataset_drift).toBe(true);
  });

  it("judges a reference above 1000 rows by normalised Wasserstein", async () => {
    const name = await modelWithReference({ x: linspace(0, 1, 1001) });
    const report = await check(name, { version: 1, features: { x: linspace(0.05, 1.05, 500) } });
    expect(report.features.x).toMatchObject({ kind: "numerical", test: "wasserstein", p_value: null, drift: true });
    expect(report.features.x.statistic).toBe(report.features.x.wasserstein_norm);
  });

  it("follows the policy's drift thresholds", async () => {
    const name = await modelWithReference({ repeated: X2233 }, { drift: { stattest_threshold: 0.5, drift_share: 1 } });
    expect((await check(name, { version: 1, features: { repeated: X3344 } })).features.repeated.drift).toBe(true);
  });

  it("checks the version a ref points to, and refuses mismatched features", async () => {
    const name = await modelWithReference({ x: [1, 2, 3, 4, 5, 6] });
    await createVersion(name, "1.1.0");
    await check(name, { ref: "Production", features: { x: [1] } }, 404);
    await moveRef(name, "Staging", 2);
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Production", 1);
    expect((await check(name, { ref: "production", features: { x: [1, 2, 3, 4, 5, 6] } })).version).toBe(1);
    await moveRef(name, "Production", 2);
    await check(name, { ref: "Production", features: { x: [1] } }, 409);
    const missing = await check(name, { version: 1, features: { y: [1] } }, 400);
    expect(missing.error.details).toEqual({ missing_from_current: ["x"], missing_from_reference: ["y"] });
    await check(name, { version: 1, ref: "Production", features: { x: [1] } }, 400);
    await check(name, { version: 1, features: { x: ["a"] } }, 400);
  });

  it("stores reports and lists them newest first, by version and verdict, a reader being enough", async () => {
    const name = await modelWithReference({ x: X100 });
    const r = clockedRegistry();
    const reader = await tokenFor("reader");
    const calm = await r.callJson("POST", `/v1/models/${name}/drift`, 201, { token: reader, body: { version: 1, features: { x: X100 } } });
    r.advance(1);
    const drifted = await r.callJson("POST", `/v1/models/${name}/drift`, 201, { token: reader, body: { version: 1, features: { x: X110_20_P1 } } });
    const all = await r.callJson("GET", `/v1/models/${name}/drift?limit=1`, 200, { token: reader });
    expect(all.items.map((r: any) => r.id)).toEqual([drifted.id]);
    const next = await r.callJson("GET", `/v1/models/${name}/drift?limit=1&cursor=${all.next_cursor}`, 200, { token: reader });
    expect(next).toMatchObject({ items: [{ id: calm.id, dataset_drift: false }], next_cursor: null });
    expect((await r.callJson("GET", `/v1/models/${name}/drift?drifted=true`, 200)).items.map((r: any) => r.id)).toEqual([drifted.id]);
    expect((await r.callJson("GET", `/v1/models/${name}/drift?version=2`, 200)).items).toEqual([]);
    expect(await r.callJson("GET", `/v1/models/${name}/drift/${drifted.id}`, 200)).toEqual(drifted);
    await r.callJson("GET", `/v1/models/${name}/drift/${crypto.randomUUID()}`, 404);
  });
});
