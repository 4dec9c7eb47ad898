/**
 * The canary's whole life, queryable (issue 16): point-in-time resolve replayed against a scripted history, ref
 * history entries for every rollout event, rollout history, and each version's part in it.
 */
import { describe, expect, it } from "vitest";
import { armFor } from "../src/domain/canary";
import { auditOf, clockedRegistry, uniqueName } from "./helpers";

type Registry = ReturnType<typeof clockedRegistry>;

/** What Production answered from an instant on, as the script says it should. */
interface Expected {
  ms: number;
  what: string;
  production: number | null;
  rollout: { id: string; salt: string; weight: number; stable: number; candidate: number } | null;
  /** the highest version created (all are READY at creation here) */
  latest: number;
}

const KEYS = Array.from({ length: 12 }, (_, i) => `user-${i}`);
const RULE = { metric: "accuracy", direction: "higher", max_drop: 0.05, min_samples: 100, window_s: 600 };
const START = Date.parse("2026-11-02T08:00:00.000Z");

const iso = (ms: number) => new Date(ms).toISOString();

/** Plays a history of moves and rollouts one minute apart and records what Production should answer after each. */
async function scriptedHistory(r: Registry) {
  const name = uniqueName("history");
  const timeline: Expected[] = [];
  let state: Omit<Expected, "ms" | "what"> = { production: null, rollout: null, latest: 0 };
  const record = (what: string, change: Partial<typeof state>) => {
    state = { ...state, ...change };
    timeline.push({ ms: r.clock.ms, what, ...state });
    r.advance(60);
  };
  const api = `/v1/models/${name}`;
  const version = async (semver: string, n: number) => {
    await r.callJson("POST", `${api}/versions`, 201, { body: { semver, metrics: { accuracy: 0.9 } } });
    record(`v${n} created`, { latest: n });
  };
  const start = async (candidate: number, weight: number, policy?: unknown) => {
    const body = { candidate_version: candidate, weight, reason: `canary of v${candidate}`, ...(policy ? { policy } : {}) };
    const started = await r.callJson("PUT", `${api}/rollouts/Production`, 201, { body });
    record(`rollout of v${candidate} at ${weight}%`, {
      rollout: { id: started.id, salt: started.salt, weight, stable: state.production!, candidate },
    });
  };

  await r.callJson("POST", "/v1/models", 201, { body: { name } });
  record("model created", {});
  await version("1.0.0", 1);
  await r.callJson("PUT", `${api}/refs/Staging`, 200, { body: { version: 1 } });
  await r.callJson("PUT", `${api}/refs/Production`, 200, { body: { version: 1, reason: "first release" } });
  record("Production → v1", { production: 1 });
  await version("1.1.0", 2);
  await r.callJson("PUT", `${api}/refs/Staging`, 200, { body: { version: 2 } });
  await start(2, 10);
  await r.callJson("PATCH", `${api}/rollouts/Production`, 200, { body: { weight: 50, reason: "flat error rate" } });
  record("widened to 50%", { rollout: { ...state.rollout!, weight: 50 } });
  await r.callJson("POST", `${api}/rollouts/Production/abort`, 200, { body: { reason: "latency" } });
  record("aborted", { rollout: null });
  await start(2, 20);
  await r.callJson("POST", `${api}/rollouts/Production/promote`, 200, { body: { reason: "all good" } });
  record("promoted", { production: 2, rollout: null });
  await r.callJson("POST", `${api}/refs/Production/rollback`, 200, { body: { reason: "regret" } });
  record("rolled back to v1", { production: 1 });
  await version("1.2.0", 3);
  await r.callJson("PUT", `${api}/refs/Staging`, 200, { body: { version: 3 } });
  await start(3, 25);
  await r.callJson("POST", `${api}/refs/Production/rollback`, 200, { body: { reason: "pager" } });
  record("rollout rolled back", { rollout: null });
  await start(3, 50, RULE);
  const tripped = await r.callJson("POST", `${api}/observations`, 200, {
    body: {
      observations: [
        { ref: "Production", arm: "stable", metrics: { accuracy: 0.9 }, count: 300 },
        { ref: "Production", arm: "candidate", metrics: { accuracy: 0.6 }, count: 150 },
      ],
    },
  });
  expect(tripped.auto_rollback[0]).toMatchObject({ tripped: true });
  record("auto-rolled back", { rollout: null });
  await r.callJson("PUT", `${api}/refs/Production`, 200, { body: { version: 3, reason: "fixed" } });
  record("Production → v3", { production: 3 });
  return { name, timeline };
}

async function resolveAt(r: Registry, reference: string, at: string, key = "k") {
  return r.call("GET", `/v1/resolve?ref=${encodeURIComponent(reference)}&at=${encodeURIComponent(at)}`, { headers: { "X-Routing-Key": key } });
}

describe("point-in-time resolve", () => {
  it("answers, at every instant between scripted events, what Production, a rollout's arms and latest answered then", async () => {
    const r = clockedRegistry(START);
    const { name, timeline } = await scriptedHistory(r);
    // Each event's own instant (its change included) and the middle of the quiet time after it.
    const instants = timeline.flatMap((e) => [{ ms: e.ms, e }, { ms: e.ms + 30_000, e }]);
    for (const { ms, e } of instants) {
      const at = iso(ms);
      const where = `${at} (after: ${e.what})`;
      for (const key of KEYS.slice(0, e.rollout ? KEYS.length : 1)) {
        const res = await resolveAt(r, `models:/${name}/Production`, at, key);
        const body: any = await res.json();
        if (e.production === null) {
          expect(res.status, where).toBe(404);
          expect(body.error.details, where).toMatchObject({ reason: "no_ref", at });
          continue;
        }
        expect(res.status, `${where} ${JSON.stringify(body)}`).toBe(200);
        expect(res.headers.get("X-Resolved-At"), where).toBe(at);
        expect(body.at, where).toBe(at);
        expect(body.ref_version, where).toBe(e.production);
        if (!e.rollout) {
          expect({ version: body.number, arm: body.arm, rollout: body.rollout }, where).toEqual({ version: e.production, arm: null, rollout: null });
          continue;
        }
        const arm = armFor({ salt: e.rollout.salt, weightBp: e.rollout.weight * 100 }, key);
        expect(body.rollout, where).toEqual({
          id: e.rollout.id,
          weight: e.rollout.weight,
          salt: e.rollout.salt,
          stable_version: e.rollout.stable,
          candidate_version: e.rollout.candidate,
        });
        expect({ version: body.number, arm: body.arm }, `${where} key ${key}`).toEqual({
          version: arm === "candidate" ? e.rollout.candidate : e.rollout.stable,
          arm,
        });
        expect(body.rollouts, where).toEqual([{ rollout_id: e.rollout.id, ref: "Production", arm, weight: e.rollout.weight }]);
      }
      const latest = await resolveAt(r, `models:/${name}/latest`, at);
      if (e.latest === 0) expect((await latest.json<any>()).error.details, where).toMatchObject({ reason: "no_version", at });
      else expect((await latest.json<any>()).number, where).toBe(e.latest);
      const range = await resolveAt(r, `models:/${name}/^1.1`, at);
      expect(range.status, where).toBe(e.latest >= 2 ? 200 : 404);
      const pinned = await resolveAt(r, `models:/${name}/3`, at);
      expect(pinned.status, where).toBe(e.latest >= 3 ? 200 : 404);
    }
  }, 60_000);

  it("answers 404 before the model existed and 400 for the future or a malformed time, naming at", async () => {
    const r = clockedRegistry(START);
    const { name, timeline } = await scriptedHistory(r);
    const before = await resolveAt(r, `models:/${name}/Production`, iso(timeline[0]!.ms - 1));
    expect(before.status).toBe(404);
    expect((await before.json<any>()).error.details).toMatchObject({ reason: "before_model", created_at: iso(timeline[0]!.ms) });
    const future = await resolveAt(r, `models:/${name}/Production`, iso(r.clock.ms + 1000));
    expect(future.status).toBe(400);
    expect((await future.json<any>()).error.details).toMatchObject({ field: "at" });
    const garbled = await resolveAt(r, `models:/${name}/Production`, "yesterday");
    expect(garbled.status).toBe(400);
    expect((await garbled.json<any>()).error.details.issues).toEqual([expect.objectContaining({ path: "at" })]);
    // An offset is accepted and answered in UTC (Production was not set yet then).
    const offset = await resolveAt(r, `models:/${name}/Production`, "2026-11-02T09:00:30+01:00");
    expect((await offset.json<any>()).error.details).toMatchObject({ reason: "no_ref", at: iso(START + 30_000) });
  });

  it("works on the one-hop route with ?at=", async () => {
    const r = clockedRegistry(START);
    const name = uniqueName("hop");
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    for (const [semver, text] of [
      ["1.0.0", "one"],
      ["2.0.0", "two"],
    ] as const) {
      const sha = [...new Uint8Array(await crypto.subtle.digest("SHA-256", new TextEncoder().encode(text)))].map((b) => b.toString(16).padStart(2, "0")).join("");
      const v = await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver, artifacts: [{ path: "m.txt", size: text.length, sha256: sha }] } });
      expect((await r.call("PUT", `/v1/models/${name}/versions/${v.number}/artifacts/m.txt`, { body: text })).status).toBe(201);
      await r.callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: v.number } });
      r.advance(60);
    }
    const then = await r.call("GET", `/v1/r/${name}/@champion/m.txt?at=${encodeURIComponent(iso(START + 30_000))}`);
    expect(then.status).toBe(200);
    expect(then.headers.get("X-Resolved-At")).toBe(iso(START + 30_000));
    expect(await then.text()).toBe("one");
    expect(await (await r.call("GET", `/v1/r/${name}/@champion/m.txt`)).text()).toBe("two");
    expect((await r.call("GET", `/v1/r/${name}/@champion/m.txt?at=tomorrow`)).status).toBe(400);
  });
});

describe("ref history tells the whole story", () => {
  it("records a rollout's start (both arms), abort, promote, rollback and automatic rollback", async () => {
    const r = clockedRegistry(START);
    const { name } = await scriptedHistory(r);
    const history = await r.callJson("GET", `/v1/models/${name}/refs/Production/history?limit=200`, 200);
    const story = history.items.reverse().map((h: any) => [h.action, h.from_version, h.to_version, h.rollout && [h.rollout.stable_version, h.rollout.candidate_version]]);
    expect(story).toEqual([
      ["move", null, 1, null],
      ["rollout_start", 1, 1, [1, 2]],
      ["rollout_abort", 1, 1, [1, 2]],
      ["rollout_start", 1, 1, [1, 2]],
      ["promote", 1, 2, [1, 2]],
      ["rollback", 2, 1, null],
      ["rollout_start", 1, 1, [1, 3]],
      ["rollout_rollback", 1, 1, [1, 3]],
      ["rollout_start", 1, 1, [1, 3]],
      ["rollout_auto_rollback", 1, 1, [1, 3]],
      ["move", 1, 3, null],
    ]);
    // Generations stay one per entry, and the ref's generation is the newest.
    expect(history.items.map((h: any) => h.generation)).toEqual(history.items.map((_: any, i: number) => i + 1));
    const refs = await r.callJson("GET", `/v1/models/${name}/refs`, 200);
    expect((refs.items ?? refs).find((x: any) => x.ref === "Production").generation).toBe(11);
  });

  it("rollback still undoes the newest real move: rollout entries are neither undone nor undo anything", async () => {
    const r = clockedRegistry(START);
    const { name } = await scriptedHistory(r);
    // Undoable moves: move(→1), promote(1→2) undone by rollback, move(1→3). Rolling back returns to 1, then nothing.
    expect(await r.callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "a" } })).toMatchObject({ version: 1 });
    const again = await r.call("POST", `/v1/models/${name}/refs/Production/rollback`, { body: { reason: "b" } });
    expect(again.status).toBe(409);
  });

  it("names the candidate in every rollout audit row, with both arms in before and after", async () => {
    const r = clockedRegistry(START);
    const { name } = await scriptedHistory(r);
    const rows = (await auditOf(name)).filter((e) => e.action.startsWith("rollout."));
    expect(rows.map((e) => e.action)).toEqual([
      "rollout.start",
      "rollout.weight",
      "rollout.abort",
      "rollout.start",
      "rollout.promote",
      "rollout.start",
      "rollout.rollback",
      "rollout.start",
      "rollout.auto_rollback",
    ]);
    for (const row of rows) {
      expect(row.version, row.action).toBe(row.after.candidate_version);
      expect(row.after, row.action).toMatchObject({ rollout_id: expect.any(String), stable_version: 1, candidate_version: expect.any(Number) });
    }
    for (const row of rows.filter((e) => !["rollout.start", "rollout.promote"].includes(e.action))) {
      expect(row.before, row.action).toMatchObject({ rollout_id: row.after.rollout_id, stable_version: 1, candidate_version: row.version });
    }
  });
});

describe("rollout history", () => {
  it("lists every rollout newest first with its weight changes, A/B result and how it ended, filtered by status", async () => {
    const r = clockedRegistry(START);
    const { name } = await scriptedHistory(r);
    const all = await r.callJson("GET", `/v1/models/${name}/rollouts`, 200);
    expect(all.items.map((x: any) => [x.candidate_version, x.status, x.outcome])).toEqual([
      [3, "rolled_back", "auto_rolled_back"],
      [3, "rolled_back", "rolled_back"],
      [2, "promoted", "promoted"],
      [2, "aborted", "aborted"],
    ]);
    const aborted = all.items[3];
    expect(aborted.history.map((e: any) => [e.action, e.weight_before, e.weight_after, e.reason])).toEqual([
      ["start", null, 10, "canary of v2"],
      ["weight", 10, 50, "flat error rate"],
      ["abort", 50, 50, "latency"],
    ]);
    expect(aborted.ending).toMatchObject({ action: "abort", actor: expect.any(String), reason: "latency", at: aborted.ended_at });
    const auto = all.items[0];
    expect(auto.ending).toMatchObject({ action: "auto_rollback", actor: "edgereg:auto-rollback" });
    expect(auto.ending.evidence).toMatchObject({ current: { count: 150, mean: 0.6 }, baseline: { count: 300, mean: 0.9 } });
    expect(auto.ab).toMatchObject({ metric: "accuracy", until: expect.any(String), stable: { version: 1, count: 300 }, candidate: { version: 3, count: 150 } });

    const page = await r.callJson("GET", `/v1/models/${name}/rollouts?status=rolled_back&limit=1`, 200);
    expect(page.items.map((x: any) => x.outcome)).toEqual(["auto_rolled_back"]);
    const next = await r.callJson("GET", `/v1/models/${name}/rollouts?status=rolled_back&limit=1&cursor=${page.next_cursor}`, 200);
    expect(next.items.map((x: any) => x.outcome)).toEqual(["rolled_back"]);
    expect(next.next_cursor).toBeNull();
    expect((await r.callJson("GET", `/v1/models/${name}/rollouts?status=bogus`, 400)).error.details.issues[0].path).toBe("status");
  });
});

describe("versions know their part in a canary", () => {
  it("a version answer names its arm and weight in running rollouts", async () => {
    const r = clockedRegistry(START);
    const name = uniqueName("part");
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    for (const semver of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 2 } });
    const rollout = await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 12.5 } });
    const candidate = await r.callJson("GET", `/v1/models/${name}/versions/2`, 200);
    expect(candidate).toMatchObject({ stage: "Staging", rollouts: [{ rollout_id: rollout.id, ref: "Production", arm: "candidate", weight: 12.5 }] });
    const stable = await r.callJson("GET", `/v1/models/${name}/versions/1`, 200);
    expect(stable.rollouts).toEqual([{ rollout_id: rollout.id, ref: "Production", arm: "stable", weight: 12.5 }]);
    const resolved = await r.callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}/2`)}`, 200);
    expect(resolved.rollouts).toEqual(candidate.rollouts);
    await r.callJson("POST", `/v1/models/${name}/rollouts/Production/abort`, 200);
    expect((await r.callJson("GET", `/v1/models/${name}/versions/2`, 200)).rollouts).toEqual([]);
  });

  it("a version's history lists every time it entered or left a ref, with reasons, newest first", async () => {
    const r = clockedRegistry(START);
    const { name } = await scriptedHistory(r);
    const v2 = await r.callJson("GET", `/v1/models/${name}/versions/2/history`, 200);
    expect(v2.items.map((h: any) => [h.ref, h.action, h.change, h.arm, h.reason])).toEqual([
      ["Staging", "move", "left", null, ""],
      ["Production", "rollback", "left", null, "regret"],
      ["Production", "promote", "entered", "candidate", "all good"],
      ["Production", "rollout_start", "rollout_started", "candidate", "canary of v2"],
      ["Production", "rollout_abort", "rollout_ended", "candidate", "latency"],
      ["Production", "rollout_start", "rollout_started", "candidate", "canary of v2"],
      ["Staging", "move", "entered", null, ""],
    ]);
    const v3 = await r.callJson("GET", `/v1/models/${name}/versions/3/history?limit=2`, 200);
    expect(v3.items.map((h: any) => [h.action, h.change])).toEqual([
      ["move", "entered"],
      ["rollout_auto_rollback", "rollout_ended"],
    ]);
    const rest = await r.callJson("GET", `/v1/models/${name}/versions/3/history?cursor=${v3.next_cursor}`, 200);
    expect(rest.items.map((h: any) => h.action)).toEqual(["rollout_start", "rollout_rollback", "rollout_start", "move"]);
    const v1 = await r.callJson("GET", `/v1/models/${name}/versions/1/history?limit=200`, 200);
    expect(v1.items.filter((h: any) => h.arm === "stable").length).toBe(8); // four starts, three endings and the promote that replaced it
    expect(v1.items[0]).toMatchObject({ action: "move", change: "left", from_version: 1, to_version: 3, reason: "fixed" });
    await r.callJson("GET", `/v1/models/${name}/versions/9/history`, 404);
  });
});

describe("every metric gets its difference", () => {
  it("answers each observed metric's difference between arms with its interval, and warns when a non-judged one got worse", async () => {
    const r = clockedRegistry(START);
    const name = uniqueName("diff");
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    for (const semver of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 2 } });
    const policy = { ...RULE, min_samples: 100000 };
    await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 50, policy } });
    // accuracy (judged) flat; latency_ms 90% higher on the candidate; error_rate a little lower.
    const observations = Array.from({ length: 40 }, (_, i) => [
      { ref: "Production", arm: "stable", metrics: { accuracy: 0.9 + (i % 5) / 100, latency_ms: 100 + (i % 7), error_rate: 0.02 + (i % 3) / 1000 } },
      { ref: "Production", arm: "candidate", metrics: { accuracy: 0.9 + (i % 4) / 100, latency_ms: 190 + (i % 9), error_rate: 0.019 + (i % 3) / 1000 } },
    ]).flat();
    await r.callJson("POST", `/v1/models/${name}/observations`, 200, { body: { observations } });
    const { differences } = await r.callJson("GET", `/v1/models/${name}/rollouts/Production`, 200);
    const byName = Object.fromEntries(differences.metrics.map((m: any) => [m.metric, m]));
    expect(Object.keys(byName)).toEqual(["accuracy", "error_rate", "latency_ms"]);
    expect(byName.accuracy).toMatchObject({ judged: true, direction: "higher", direction_source: "judged", stable: { count: 40 }, candidate: { count: 40 } });
    expect(byName.latency_ms).toMatchObject({ judged: false, direction: "lower", direction_source: "name", significantly_worse: true });
    expect(byName.latency_ms.welch.ci_low).toBeGreaterThan(80);
    expect(byName.error_rate).toMatchObject({ direction: "lower", significantly_worse: false });
    expect(differences.warnings.map((w: any) => w.metric)).toEqual(["latency_ms"]);
    expect(differences.warnings[0].message).toMatch(/latency_ms is significantly worse on the candidate \(v2\)/);

    // The policy overrides the name rule: a latency that should rise (say, more work per request) warns no more.
    const current = await r.callJson("GET", `/v1/models/${name}/policy`, 200);
    await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { ...current, metric_directions: { latency_ms: "higher" } } });
    const after = (await r.callJson("GET", `/v1/models/${name}/rollouts?status=active`, 200)).items[0].differences;
    expect(after.metrics.find((m: any) => m.metric === "latency_ms")).toMatchObject({ direction: "higher", direction_source: "policy", significantly_worse: false });
    expect(after.warnings).toEqual([]);
    await r.callJson("PUT", `/v1/models/${name}/policy`, 400, { body: { ...current, metric_directions: { latency_ms: "up" } } });
  });
});
