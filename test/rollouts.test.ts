import { describe, expect, it } from "vitest";
import { armFor } from "../src/domain/canary";
import { auditOf, call, callJson, createModel, createVersion, moveRef, tableCounts, uniqueName } from "./helpers";

/**
 * A model with versions 1.0.0 … 1.(n-1).0 (numbers 1…n) and Production → 1. Its policy lets candidates into
 * Production without a stay in Staging, so these tests exercise rollouts; the gate has its own tests.
 */
async function modelWithVersions(count: number) {
  const name = uniqueName("canary");
  await createModel(name);
  await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { require_staging: false } });
  for (let i = 0; i < count; i++) await createVersion(name, `1.${i}.0`);
  await moveRef(name, "Production", 1);
  // Candidates here skip Staging; the promotion gate on Production rollouts is tested in pipeline-rollouts.test.ts.
  await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { require_staging: false } });
  return name;
}

const rolloutPath = (name: string, ref = "Production") => `/v1/models/${name}/rollouts/${ref}`;
const start = (name: string, body: object, status = 201) => callJson("PUT", rolloutPath(name), status, { body });
const patch = (name: string, body: object, status = 200) => callJson("PATCH", rolloutPath(name), status, { body });

/** What a serving client with this routing key gets for models:/NAME/Production. */
async function served(name: string, key: string, via: "header" | "query" = "header") {
  const ref = encodeURIComponent(`models:/${name}/Production`);
  const res =
    via === "header"
      ? await call("GET", `/v1/resolve?ref=${ref}`, { headers: { "X-Routing-Key": key } })
      : await call("GET", `/v1/resolve?ref=${ref}&key=${encodeURIComponent(key)}`);
  const body = (await res.json()) as any;
  expect(res.status, JSON.stringify(body)).toBe(200);
  expect(res.headers.get("X-Rollout-Arm")).toBe(body.arm);
  return { version: body.number as number, arm: body.arm as string | null, rolloutId: body.rollout_id as string | null };
}

const KEYS = Array.from({ length: 40 }, (_, i) => `user-${i}`);

async function candidatesOf(name: string) {
  const set = new Set<string>();
  for (const key of KEYS) if ((await served(name, key)).arm === "candidate") set.add(key);
  return set;
}

describe("rollout life cycle", () => {
  it("starts on the ref's version, splits by key, widens along its steps, and promotes", async () => {
    const name = await modelWithVersions(2);
    const rollout = await start(name, { candidate_version: "1.1.0", steps: [5, 50, 100], reason: "May data" });
    expect(rollout).toMatchObject({ ref: "Production", stable_version: 1, candidate_version: 2, weight: 5, status: "active", steps: [5, 50, 100] });
    expect(rollout.salt).toMatch(/^[0-9a-f]{16}$/);

    // Each key gets the arm the public salt says, and keeps it across requests and key sources.
    for (const key of KEYS.slice(0, 10)) {
      const arm = armFor({ salt: rollout.salt, weightBp: 500 }, key);
      const expected = { version: arm === "candidate" ? 2 : 1, arm, rolloutId: rollout.id };
      expect(await served(name, key)).toEqual(expected);
      expect(await served(name, key)).toEqual(expected);
      expect(await served(name, key, "query")).toEqual(expected);
    }

    const at5 = await candidatesOf(name);
    expect(await patch(name, { step: "next", reason: "error rate flat" })).toMatchObject({ weight: 50, stable_version: 1, candidate_version: 2 });
    const at50 = await candidatesOf(name);
    expect([...at5].filter((k) => !at50.has(k))).toEqual([]); // widening only adds keys
    expect(at50.size).toBeGreaterThan(at5.size);
    expect((await patch(name, { step: "next" })).weight).toBe(100);
    expect((await candidatesOf(name)).size).toBe(KEYS.length);
    expect((await patch(name, { step: "next" }, 409)).error.code).toBe("CONFLICT");

    const state = await callJson("GET", rolloutPath(name), 200);
    expect(state).toMatchObject({ id: rollout.id, stable_version: 1, candidate_version: 2, weight: 100, status: "active" });
    expect(state.history.map((e: any) => [e.seq, e.action, e.weight_before, e.weight_after])).toEqual([
      [1, "start", null, 5],
      [2, "weight", 5, 50],
      [3, "weight", 50, 100],
    ]);

    const promoted = await callJson("POST", `${rolloutPath(name)}/promote`, 200, { body: { reason: "all good" } });
    expect(promoted).toMatchObject({ status: "promoted", weight: 100 });
    expect(promoted.ended_at).not.toBeNull();
    expect(await served(name, "user-1")).toEqual({ version: 2, arm: null, rolloutId: null });

    const history = await callJson("GET", `/v1/models/${name}/refs/Production/history`, 200);
    expect(history.items.map((h: any) => [h.action, h.from_version, h.to_version])).toEqual([
      ["promote", 1, 2],
      ["rollout_start", 1, 1],
      ["move", null, 1],
    ]);
    const actions = (await auditOf(name)).map((e) => e.action).filter((a) => a.startsWith("rollout."));
    expect(actions).toEqual(["rollout.start", "rollout.weight", "rollout.weight", "rollout.promote"]);

    // Rolling the ref back after a promote returns to the stable version.
    await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "regret" } });
    expect((await served(name, "user-1")).version).toBe(1);
  });

  it("abort leaves the stable version, visible to the very next request; a new rollout gets a new salt", async () => {
    const name = await modelWithVersions(2);
    const first = await start(name, { candidate_version: 2, weight: 100 });
    expect(await served(name, "k")).toEqual({ version: 2, arm: "candidate", rolloutId: first.id });
    expect(await callJson("POST", `${rolloutPath(name)}/abort`, 200, { body: { reason: "latency" } })).toMatchObject({ status: "aborted" });
    expect(await served(name, "k")).toEqual({ version: 1, arm: null, rolloutId: null });
    const state = await callJson("GET", rolloutPath(name), 200);
    expect(state.history.map((e: any) => e.action)).toEqual(["start", "abort"]);
    const policy = { metric: "error_rate", direction: "lower", floor: 0.05, min_samples: 100, window_s: 300 };
    const second = await start(name, { candidate_version: 2, weight: 0.01, policy });
    expect(second.salt).not.toBe(first.salt);
    expect(second).toMatchObject({ weight: 0.01, policy });
    expect((await callJson("GET", rolloutPath(name), 200)).id).toBe(second.id); // the active one wins over the latest ended
  });

  it("a rollback of the ref during a rollout ends it and keeps the stable version", async () => {
    const name = await modelWithVersions(2);
    const rollout = await start(name, { candidate_version: 2, weight: 100 });
    const back = await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "alerts" } });
    expect(back).toMatchObject({ ref: "Production", version: 1, rollout_id: rollout.id });
    expect(await served(name, "k")).toEqual({ version: 1, arm: null, rolloutId: null });
    const state = await callJson("GET", rolloutPath(name), 200);
    expect(state.status).toBe("rolled_back");
    expect(state.history.map((e: any) => [e.seq, e.action])).toEqual([
      [1, "start"],
      [2, "rollback"],
    ]);
    expect((await auditOf(name)).filter((e) => e.action === "rollout.rollback")).toHaveLength(1);
  });

  it("lists a model's rollouts newest first, a page at a time", async () => {
    const name = await modelWithVersions(2);
    await start(name, { candidate_version: 2, weight: 1 });
    await callJson("POST", `${rolloutPath(name)}/abort`, 200);
    const second = await start(name, { candidate_version: 2, weight: 2 });
    const page1 = await callJson("GET", `/v1/models/${name}/rollouts?limit=1`, 200);
    expect(page1.items.map((r: any) => r.id)).toEqual([second.id]);
    const page2 = await callJson("GET", `/v1/models/${name}/rollouts?limit=1&cursor=${page1.next_cursor}`, 200);
    expect(page2.items.map((r: any) => r.status)).toEqual(["aborted"]);
    expect(page2.next_cursor).toBeNull();
    expect((await callJson("GET", `/v1/models/${name}/rollouts?status=active`, 200)).items).toHaveLength(1);
  });
});

describe("rollout input and state checks", () => {
  it("refuses bad input with 400, 404 and 409, changing nothing", async () => {
    const name = await modelWithVersions(4);
    await createVersion(name, "2.0.0", { artifacts: [{ path: "w.bin", size: 1, sha256: "1".repeat(64) }] }); // 5, PENDING
    await callJson("PATCH", `/v1/models/${name}/versions/4`, 200, { body: { archived: true } });
    const before = await tableCounts();
    const codeOf = async (method: string, path: string, status: number, body?: object) =>
      (await callJson(method, path, status, { body })).error.details;

    await codeOf("PUT", rolloutPath(name, "Staging"), 409, { candidate_version: 2, weight: 5 }); // ref not set
    await codeOf("PUT", rolloutPath(name, "latest"), 400, { candidate_version: 2, weight: 5 });
    await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2, weight: 101 });
    await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2, weight: -1 });
    expect(await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2, weight: 5.555 })).toMatchObject({ reason: "too_precise" });
    await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2 });
    await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2, weight: 5, steps: [5, 50] });
    await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2, steps: [50, 5] });
    await codeOf("PUT", rolloutPath(name), 400, { candidate_version: 2, weight: 5, policy: { metric: "mae" } });
    expect(await codeOf("PUT", rolloutPath(name), 409, { candidate_version: 5, weight: 5 })).toMatchObject({ status: "PENDING" });
    await codeOf("PUT", rolloutPath(name), 409, { candidate_version: 4, weight: 5 }); // archived
    await codeOf("PUT", rolloutPath(name), 409, { candidate_version: 1, weight: 5 }); // already the stable version
    await codeOf("PUT", rolloutPath(name), 404, { candidate_version: 99, weight: 5 });
    await codeOf("PUT", `/v1/models/no-such-model/rollouts/Production`, 404, { candidate_version: 2, weight: 5 });
    await codeOf("GET", rolloutPath(name), 404);
    await codeOf("PATCH", rolloutPath(name), 404, { weight: 10 });
    await codeOf("POST", `${rolloutPath(name)}/promote`, 404, {});
    await codeOf("POST", `${rolloutPath(name)}/abort`, 404, {});
    expect(await tableCounts()).toEqual(before);

    await start(name, { candidate_version: 2, weight: 5 });
    const during = await tableCounts();
    expect(await codeOf("PUT", rolloutPath(name), 409, { candidate_version: 3, weight: 5 })).toMatchObject({ ref: "Production" });
    await codeOf("PUT", `/v1/models/${name}/refs/Production`, 409, { version: 3 }); // no manual move while a rollout runs
    await callJson("DELETE", `/v1/models/${name}/refs/Production?force=true`, 409);
    await codeOf("PATCH", rolloutPath(name), 400, { weight: 12.345 });
    await codeOf("PATCH", rolloutPath(name), 400, { weight: 10, step: "next" });
    await codeOf("PATCH", rolloutPath(name), 400, {});
    await codeOf("PATCH", rolloutPath(name), 409, { step: "next" }); // no planned steps
    expect(await tableCounts()).toEqual(during);
    expect(await patch(name, { weight: 5 })).toMatchObject({ weight: 5 }); // the same weight: nothing to record
    expect(await tableCounts()).toEqual(during);
  });
});

describe("rollout concurrency", () => {
  it("concurrent weight changes each commit once and audit once; the final weight is the last event's", async () => {
    const name = await modelWithVersions(2);
    await start(name, { candidate_version: 2, weight: 1 });
    const weights = [10, 20, 30, 40, 50, 60];
    const responses = await Promise.all(weights.map((weight) => call("PATCH", rolloutPath(name), { body: { weight } })));
    const statuses = responses.map((r) => r.status);
    expect(statuses.every((s) => s === 200 || s === 409), String(statuses)).toBe(true);
    const succeeded = responses.filter((r) => r.status === 200).map((r) => r.headers.get("X-Request-Id"));
    const failed = responses.filter((r) => r.status !== 200).map((r) => r.headers.get("X-Request-Id"));
    expect(succeeded.length).toBeGreaterThan(0);

    const audit = (await auditOf(name)).filter((e) => e.action === "rollout.weight");
    for (const id of succeeded) expect(audit.filter((e) => e.request_id === id)).toHaveLength(1);
    for (const id of failed) expect(audit.filter((e) => e.request_id === id)).toHaveLength(0);

    const state = await callJson("GET", rolloutPath(name), 200);
    expect(state.history.map((e: any) => e.seq)).toEqual(Array.from({ length: succeeded.length + 1 }, (_, i) => i + 1));
    const last = state.history[state.history.length - 1];
    expect(state.weight).toBe(last.weight_after);
    // Each event starts where the previous one ended: no lost update.
    for (let i = 1; i < state.history.length; i++) expect(state.history[i].weight_before).toBe(state.history[i - 1].weight_after);
  });

  it("of concurrent starts on one ref exactly one wins", async () => {
    const name = await modelWithVersions(4);
    const responses = await Promise.all([2, 3, 4].map((v) => call("PUT", rolloutPath(name), { body: { candidate_version: v, weight: 5 } })));
    expect(responses.map((r) => r.status).sort()).toEqual([201, 409, 409]);
    expect((await callJson("GET", `/v1/models/${name}/rollouts`, 200)).items).toHaveLength(1);
  });

  it("a manual move racing a start: the rollout's stable arm is wherever the ref ended up", async () => {
    const name = await modelWithVersions(3);
    const [moved, started] = await Promise.all([
      call("PUT", `/v1/models/${name}/refs/Production`, { body: { version: 3 } }),
      call("PUT", rolloutPath(name), { body: { candidate_version: 2, weight: 5 } }),
    ]);
    expect(started.status).toBe(201);
    const rollout = (await started.json()) as any;
    if (moved.status === 200) expect(rollout.stable_version).toBe(3);
    else {
      expect(moved.status).toBe(409);
      expect(rollout.stable_version).toBe(1);
    }
    expect((await callJson("GET", `/v1/models/${name}/refs/Production`, 200)).version).toBe(rollout.stable_version);
  });
});
