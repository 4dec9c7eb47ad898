import { describe, expect, it } from "vitest";
import { auditOf, clockedRegistry, tokenFor, uniqueName } from "./helpers";

/** Each test gets its own registry clock, starting on a minute boundary so windows are predictable. */
function registry() {
  return clockedRegistry(Math.ceil(Date.now() / 60_000) * 60_000);
}

type Registry = ReturnType<typeof registry>;

async function modelWithVersions(r: Registry, count: number, policy?: Record<string, unknown>) {
  const name = uniqueName("obs");
  await r.callJson("POST", "/v1/models", 201, { body: { name } });
  for (let i = 0; i < count; i++) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: `1.${i}.0` } });
  if (policy) await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: policy });
  return name;
}

const report = (r: Registry, model: string, observations: unknown[], status = 200) =>
  r.callJson("POST", `/v1/models/${model}/observations`, status, { body: { observations } });

const RULE = { metric: "accuracy", direction: "higher", max_drop: 0.05, min_samples: 100, window_s: 600 };

describe("observations", () => {
  it("aggregates count, sum and sum of squares per version, metric and minute; batches in one window add up", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 2);
    const first = await report(r, name, [
      { version: 1, metrics: { correct: 1, latency_ms: 40 }, count: 3 },
      { version: "1.0.0", metrics: { correct: 0, latency_ms: 60 } },
      { version: 2, metrics: { latency_ms: 30 } },
    ]);
    expect(first).toEqual({ accepted: 3, window_start: new Date(r.clock.ms).toISOString(), versions: [1, 2], auto_rollback: [] });
    r.advance(30);
    await report(r, name, [{ version: 1, metrics: { correct: 1 }, count: 2 }]);
    r.advance(60);
    await report(r, name, [{ version: 1, metrics: { correct: 0 }, count: 5 }]);
    const series = await r.callJson("GET", `/v1/models/${name}/observations?metric=correct&version=1`, 200);
    expect(series.items).toEqual([
      { version: 1, metric: "correct", window_start: first.window_start, count: 6, sum: 5, sum_squares: 5, mean: 5 / 6 },
      { version: 1, metric: "correct", window_start: new Date(r.clock.ms - 30_000).toISOString(), count: 5, sum: 0, sum_squares: 0, mean: 0 },
    ]);
    const latency = await r.callJson("GET", `/v1/models/${name}/observations?metric=latency_ms`, 200);
    expect(latency.items.map((w: any) => [w.version, w.count, w.sum, w.sum_squares])).toEqual([
      [1, 4, 180, 3 * 1600 + 3600],
      [2, 1, 30, 900],
    ]);
  });

  it("pages through a series oldest first", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 1);
    for (let i = 0; i < 3; i++) {
      await report(r, name, [{ version: 1, metrics: { a: i, b: i } }]);
      r.advance(60);
    }
    const seen: string[] = [];
    let cursor: string | null = "";
    while (cursor !== null) {
      const page: any = await r.callJson("GET", `/v1/models/${name}/observations?limit=4${cursor ? `&cursor=${cursor}` : ""}`, 200);
      seen.push(...page.items.map((w: any) => `${w.metric}${w.sum}`));
      cursor = page.next_cursor;
    }
    expect(seen).toEqual(["a0", "b0", "a1", "b1", "a2", "b2"]);
  });

  it("resolves a ref to its version, and a ref with an arm to that arm of its rollout", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 2);
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    expect((await report(r, name, [{ ref: "production", metrics: { x: 1 } }])).versions).toEqual([1]);
    const noRollout = await report(r, name, [{ ref: "Production", arm: "candidate", metrics: { x: 1 } }], 409);
    expect(noRollout.error.message).toContain("has had no rollout");
    await r.callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/champion`, 201, { body: { candidate_version: 2, weight: 10 } });
    const ambiguous = await report(r, name, [{ ref: "champion", metrics: { x: 1 } }], 400);
    expect(ambiguous.error.details).toMatchObject({ field: "arm" });
    const armed = await report(r, name, [
      { ref: "champion", arm: "candidate", metrics: { x: 1 } },
      { ref: "champion", arm: "stable", metrics: { x: 1 } },
    ]);
    expect(armed.versions).toEqual([1, 2]);
  });

  it("refuses malformed batches with 400 and records nothing of them", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 1);
    const bad: unknown[][] = [
      [],
      [{ version: 1, ref: "Production", metrics: { x: 1 } }],
      [{ metrics: { x: 1 } }],
      [{ version: 1, arm: "stable", metrics: { x: 1 } }],
      [{ version: 1, metrics: {} }],
      [{ version: 1, metrics: { x: "1" } }],
      [{ version: 1, metrics: { x: 1 }, count: 0 }],
      [{ version: 1, metrics: { x: 1 }, count: 1.5 }],
      [{ version: 1, metrics: Object.fromEntries(Array.from({ length: 33 }, (_, i) => [`m${i}`, 1])) }],
      Array.from({ length: 1001 }, () => ({ version: 1, metrics: { x: 1 } })),
      [{ ref: "latest", metrics: { x: 1 } }],
    ];
    for (const batch of bad) await report(r, name, batch, 400);
    await report(r, name, [{ version: 9, metrics: { x: 1 } }], 404);
    expect((await r.callJson("GET", `/v1/models/${name}/observations`, 200)).items).toEqual([]);
  });
});

describe("auto-rollback of the Production ref", () => {
  /** v1 served Production with accuracy 0.9 (200 samples); then v2 was promoted. */
  async function promoted(policy: Record<string, unknown>) {
    const r = registry();
    const name = await modelWithVersions(r, 2, policy);
    for (const version of [1, 2]) await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.9 }, count: 200 }]);
    r.advance(120);
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 2, reason: "new features" } });
    r.advance(60);
    return { r, name };
  }

  it("does not trip on too few samples, then trips and moves Production back with the evidence audited", async () => {
    const { r, name } = await promoted({ auto_rollback: RULE });
    const early = await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.7 }, count: 60 }]);
    expect(early.auto_rollback).toEqual([
      expect.objectContaining({ ref: "Production", version: 2, baseline_version: 1, tripped: false, reason: "60 of 100 samples so far" }),
    ]);
    r.advance(60);
    const tripped = await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.7 }, count: 50 }]);
    expect(tripped.auto_rollback[0]).toMatchObject({ tripped: true, version: 2, baseline_version: 1 });
    expect(tripped.auto_rollback[0].reason).toContain("worse than the baseline 0.9 by 0.2 (max_drop 0.05)");
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
    const history = await r.callJson("GET", `/v1/models/${name}/refs/Production/history`, 200);
    expect(history.items[0]).toMatchObject({ action: "auto_rollback", from_version: 2, to_version: 1, actor: "edgereg:auto-rollback" });
    const event = (await auditOf(name)).find((e) => e.action === "ref.auto_rollback");
    expect(event).toMatchObject({ ref: "Production", version: 1, before: { version: 2 }, actor: "edgereg:auto-rollback" });
    expect(event.after).toMatchObject({
      trigger: "observations",
      judged_version: 2,
      baseline_version: 1,
      current: { count: 110, mean: 0.7 },
      baseline: { count: 200, mean: 0.9 },
      max_drop: 0.05,
      min_samples: 100,
    });
    expect(event.after.drop).toBeCloseTo(0.2, 12);
    expect(event.reason).toContain("auto-rollback:");
  });

  it("does not trip within the tolerance", async () => {
    const { r, name } = await promoted({ auto_rollback: RULE });
    const within = await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.86 }, count: 500 }]);
    expect(within.auto_rollback[0]).toMatchObject({ tripped: false, reason: "accuracy within limits over 500 samples" });
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(2);
  });

  it("trips on a floor without needing a baseline", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 2, { auto_rollback: { metric: "error_rate", direction: "lower", floor: 0.05, min_samples: 10, window_s: 300 } });
    for (const version of [1, 2]) await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 2 } });
    const out = await report(r, name, [
      { version: 2, metrics: { error_rate: 1 }, count: 2 },
      { version: 2, metrics: { error_rate: 0 }, count: 18 },
    ]);
    expect(out.auto_rollback[0]).toMatchObject({ tripped: true, baseline_version: 1 });
    expect(out.auto_rollback[0].reason).toContain("error_rate mean 0.1 is above the floor 0.05 over 20 samples");
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
  });

  it("judges only observations since the promotion and within the window", async () => {
    const { r, name } = await promoted({ auto_rollback: RULE });
    await report(r, name, [{ version: 2, metrics: { accuracy: 0.7 }, count: 99 }]);
    r.advance(700);
    const later = await report(r, name, [{ version: 2, metrics: { accuracy: 0.7 }, count: 99 }]);
    expect(later.auto_rollback[0]).toMatchObject({ tripped: false, reason: "99 of 100 samples so far" });
  });

  it("undoes only the promotion: after an auto-rollback the restored version is not rolled back further", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 3, { auto_rollback: { ...RULE, max_drop: undefined, floor: 0.8 } });
    for (const v of [1, 2, 3]) await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: v } });
    for (const v of [1, 2, 3]) await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: v } });
    expect((await report(r, name, [{ version: 3, metrics: { accuracy: 0.5 }, count: 100 }])).auto_rollback[0].tripped).toBe(true);
    const after = await report(r, name, [{ version: 2, metrics: { accuracy: 0.5 }, count: 100 }]);
    expect(after.auto_rollback).toEqual([]);
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(2);
  });

  it("is judged on the cron trigger too, against the rule in force now", async () => {
    const { r, name } = await promoted({});
    expect((await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.7 }, count: 150 }])).auto_rollback).toEqual([]);
    await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { auto_rollback: RULE } });
    await r.cron();
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
    const event = (await auditOf(name)).find((e) => e.action === "ref.auto_rollback");
    expect(event.after).toMatchObject({ trigger: "cron", current: { count: 150, mean: 0.7 }, baseline: { count: 200, mean: 0.9 } });
  });

  it("leaves the ref alone on the cron trigger once the window has passed", async () => {
    const { r, name } = await promoted({});
    await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.7 }, count: 150 }]);
    await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { auto_rollback: RULE } });
    r.advance(1200);
    await r.cron();
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(2);
  });
});

describe("who may report observations", () => {
  it("needs the reporter role: a reader gets 403 and records nothing, a reporter and a publisher are heard", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 1);
    const batch = { observations: [{ version: 1, metrics: { accuracy: 1 } }] };
    const refused = await r.callJson("POST", `/v1/models/${name}/observations`, 403, { token: await tokenFor("reader"), body: batch });
    expect(refused.error).toMatchObject({ code: "FORBIDDEN", details: { required: "reporter", role: "reader" } });
    await r.callJson("POST", `/v1/models/${name}/observations`, 403, { token: await tokenFor("reporter", "other-*"), body: batch });
    for (const role of ["reporter", "publisher"] as const) {
      const heard = await r.callJson("POST", `/v1/models/${name}/observations`, 200, { token: await tokenFor(role), body: batch });
      expect(heard).toMatchObject({ accepted: 1, versions: [1] });
    }
    const series = await r.callJson("GET", `/v1/models/${name}/observations`, 200, { token: await tokenFor("reader") });
    expect(series.items.map((w: any) => w.count)).toEqual([2]);
  });

  it("a reader's made-up observations cannot roll Production back; a reporter's trip the rule, carried out by the system actor", async () => {
    const r = registry();
    const name = await modelWithVersions(r, 2, { auto_rollback: RULE });
    for (const version of [1, 2]) await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await report(r, name, [{ ref: "Production", metrics: { accuracy: 0.9 }, count: 200 }]);
    r.advance(120);
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 2 } });
    r.advance(60);
    const madeUp = { observations: [{ ref: "Production", metrics: { accuracy: 0 }, count: 1000 }] };
    await r.callJson("POST", `/v1/models/${name}/observations`, 403, { token: await tokenFor("reader"), body: madeUp });
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(2);

    const reporter = await r.callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("serving"), role: "reporter" } });
    const tripped = await r.callJson("POST", `/v1/models/${name}/observations`, 200, { token: reporter.secret, body: madeUp });
    expect(tripped.auto_rollback[0]).toMatchObject({ tripped: true, version: 2, baseline_version: 1 });
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
    const event = (await auditOf(name)).find((e) => e.action === "ref.auto_rollback");
    expect(event).toMatchObject({ actor: "edgereg:auto-rollback", after: { trigger: "observations" } });
  });
});
