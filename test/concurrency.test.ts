/**
 * Concurrency: bursts of ref moves, rollbacks, rollout changes and version creations on one model, all in flight at
 * once, keep the registry's invariants: one Production, one active rollout per ref, contiguous version numbers,
 * every change audited exactly once (by the request that made it), and ref history that replays to the final state.
 */
import { describe, expect, it, vi } from "vitest";
import { call, callJson, createModel, createVersion, moveRef, uniqueName } from "./helpers";

// Bursts of up to 40 writers retry with backoff; on a loaded 2-core machine they take seconds. These tests assert
// correctness under contention, not speed (bench/soak.mjs measures that), so they get room to finish.
vi.setConfig({ testTimeout: 30_000 });

interface Answer {
  route: string;
  status: number;
  body: any;
  requestId: string;
}

/** Sends every request at once and waits for all of them. */
async function burst(requests: [method: string, path: string, body?: unknown][]): Promise<Answer[]> {
  return Promise.all(
    requests.map(async ([method, path, body]) => {
      const res = await call(method, path, { body });
      const text = await res.text();
      return { route: `${method} ${path}`, status: res.status, body: text ? JSON.parse(text) : null, requestId: res.headers.get("X-Request-Id")! };
    }),
  );
}

/** No request of a burst may fail with 5xx; each answers one of the statuses its race allows. */
function expectStatuses(answers: Answer[], allowed: number[]) {
  for (const a of answers) expect(allowed, `${a.route} → ${a.status} ${JSON.stringify(a.body)}`).toContain(a.status);
}

async function pages(path: string): Promise<any[]> {
  const items: any[] = [];
  let cursor: string | null = null;
  do {
    const sep = path.includes("?") ? "&" : "?";
    const page: any = await callJson("GET", `${path}${sep}limit=200${cursor ? `&cursor=${encodeURIComponent(cursor)}` : ""}`, 200);
    items.push(...page.items);
    cursor = page.next_cursor;
  } while (cursor);
  return items;
}

const historyOf = async (model: string, ref: string) => (await pages(`/v1/models/${model}/refs/${ref}/history`)).reverse();
const auditOf = async (model: string) => (await pages(`/v1/audit?model=${model}`)).reverse();

/** A model with versions 1…n, READY, whose policy lets rollouts onto Production without a stay in Staging. */
async function modelWithVersions(n: number) {
  const name = uniqueName("race");
  await createModel(name);
  await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { require_staging: false } });
  for (let i = 1; i <= n; i++) await createVersion(name, `1.${i}.0`);
  return name;
}

/**
 * Ref history replays to the ref's state: generations 1…G without gaps, each entry starting where the previous one
 * ended, the last ending where the ref points, and exactly one audit event per entry naming its generation.
 */
async function expectConsistentRef(model: string, ref: string) {
  const history = await historyOf(model, ref);
  expect(history.map((h) => h.generation)).toEqual(history.map((_, i) => i + 1));
  for (let i = 1; i < history.length; i++) expect(history[i].from_version, `generation ${i + 1}`).toBe(history[i - 1].to_version);
  const refs = await callJson("GET", `/v1/models/${model}/refs`, 200);
  const state = refs.items.find((r: any) => r.ref === ref);
  expect(state?.version ?? null).toBe(history.at(-1)?.to_version ?? null);
  if (state) expect(state.generation).toBe(history.length);
  const events = (await auditOf(model)).filter((e) => e.ref === ref && typeof e.after?.generation === "number");
  expect(events.map((e) => e.after.generation).sort((a, b) => a - b)).toEqual(history.map((h) => h.generation));
  return history;
}

/** Each answer's request wrote exactly `per` audit events, and no other request of the burst wrote any. */
async function expectAuditedOnce(model: string, writes: Answer[], others: Answer[], per = 1) {
  const byRequest = new Map<string, number>();
  for (const e of await auditOf(model)) byRequest.set(e.request_id, (byRequest.get(e.request_id) ?? 0) + 1);
  for (const a of writes) expect(byRequest.get(a.requestId) ?? 0, `${a.route} ${JSON.stringify(a.body)}`).toBe(per);
  for (const a of others) expect(byRequest.get(a.requestId) ?? 0, `${a.route} ${a.status}`).toBe(0);
}

/**
 * Each stage ref names at most one version, and a version's derived stage agrees with the refs. When Production and
 * Staging name the same version (a promoted candidate), that version reads Production (DESIGN §2: Production first).
 */
async function expectOneVersionPerStage(model: string) {
  const versions = await pages(`/v1/models/${model}/versions`);
  const refs = (await callJson("GET", `/v1/models/${model}`, 200)).refs;
  const derived = (stage: string) => versions.filter((v) => v.stage === stage).map((v) => v.number);
  expect(derived("Production"), "Production").toEqual(refs.Production === undefined ? [] : [refs.Production]);
  const staging = refs.Staging === undefined || refs.Staging === refs.Production ? [] : [refs.Staging];
  expect(derived("Staging"), "Staging").toEqual(staging);
  for (const stage of ["Production", "Staging"]) {
    const listed = (await callJson("GET", `/v1/models/${model}/versions?stage=${stage}`, 200)).items.map((v: any) => v.number);
    expect(listed, `?stage=${stage}`).toEqual(derived(stage));
  }
}

describe("concurrent ref moves and rollbacks", () => {
  it("40 moves and rollbacks of Production at once: each change commits once, history replays to the final state", async () => {
    const model = await modelWithVersions(8);
    await moveRef(model, "Production", 1);
    await moveRef(model, "Production", 2);
    const requests: [string, string, unknown][] = Array.from({ length: 40 }, (_, i) =>
      i % 4 === 3
        ? ["POST", `/v1/models/${model}/refs/Production/rollback`, { reason: `rollback ${i}` }]
        : ["PUT", `/v1/models/${model}/refs/Production`, { version: 1 + ((i * 5) % 8), reason: `move ${i}` }],
    );
    const answers = await burst(requests);
    // 409: the retries lost to heavy contention, or a rollback found nothing left to undo.
    expectStatuses(answers, [200, 409]);
    const writes = answers.filter((a) => a.status === 200 && (a.route.endsWith("/rollback") || a.body.previous_version !== a.body.version));
    expect(writes.length).toBeGreaterThan(10);

    const history = await expectConsistentRef(model, "Production");
    expect(history).toHaveLength(2 + writes.length);
    expect(new Set(writes.map((a) => a.body.generation)).size).toBe(writes.length);
    for (const a of writes) expect(history[a.body.generation - 1]).toMatchObject({ from_version: a.body.previous_version, to_version: a.body.version });
    await expectAuditedOnce(model, writes, answers.filter((a) => !writes.includes(a)));
    await expectOneVersionPerStage(model);
  });

  it("compare-and-set moves that all expect the same version: exactly one wins, the others get 412", async () => {
    const model = await modelWithVersions(6);
    await moveRef(model, "Production", 1);
    const answers = await burst(
      [2, 3, 4, 5, 6, 2, 3, 4, 5, 6].map((v) => ["PUT", `/v1/models/${model}/refs/Production`, { version: v, expected_version: 1 }]),
    );
    expectStatuses(answers, [200, 412]);
    const winners = answers.filter((a) => a.status === 200);
    expect(winners).toHaveLength(1);
    const history = await expectConsistentRef(model, "Production");
    expect(history.at(-1)).toMatchObject({ from_version: 1, to_version: winners[0]!.body.version });
    await expectAuditedOnce(model, winners, answers.filter((a) => a.status !== 200));
  });

  it("moves of Production and Staging racing each other keep one version per stage", async () => {
    const model = await modelWithVersions(5);
    const answers = await burst(
      Array.from({ length: 20 }, (_, i) => ["PUT", `/v1/models/${model}/refs/${i % 2 ? "Staging" : "Production"}`, { version: 1 + (i % 5) }]),
    );
    expectStatuses(answers, [200, 409]);
    await expectConsistentRef(model, "Production");
    await expectConsistentRef(model, "Staging");
    await expectOneVersionPerStage(model);
  });
});

describe("concurrent version creations", () => {
  it("25 at once get the contiguous numbers 1…25, each audited once", async () => {
    const model = uniqueName("numbers");
    await createModel(model);
    const answers = await burst(Array.from({ length: 25 }, (_, i) => ["POST", `/v1/models/${model}/versions`, { semver: `2.0.${i}` }]));
    expectStatuses(answers, [201]);
    expect(answers.map((a) => a.body.number).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
    const versions = await pages(`/v1/models/${model}/versions`);
    expect(versions.map((v) => [v.number, v.semver]).sort((a, b) => a[0] - b[0])).toEqual(
      answers.map((a) => [a.body.number, a.body.semver]).sort((a, b) => a[0] - b[0]),
    );
    await expectAuditedOnce(model, answers, []);
    const created = (await auditOf(model)).filter((e) => e.action === "version.create");
    expect(created.map((e) => e.version).sort((a, b) => a - b)).toEqual(Array.from({ length: 25 }, (_, i) => i + 1));
  });

  it("the same semver 8 times at once: one version, seven 409s, no gap in the numbers after", async () => {
    const model = uniqueName("dup");
    await createModel(model);
    await createVersion(model, "1.0.0");
    const answers = await burst(Array.from({ length: 8 }, () => ["POST", `/v1/models/${model}/versions`, { semver: "1.1.0" }]));
    expectStatuses(answers, [201, 409]);
    expect(answers.filter((a) => a.status === 201)).toHaveLength(1);
    expect((await createVersion(model, "1.2.0")).number).toBe(3);
    await expectAuditedOnce(model, answers.filter((a) => a.status === 201), answers.filter((a) => a.status === 409));
  });

  it("metrics appended to one version by 12 evaluators at once are all kept, each append audited once", async () => {
    const model = uniqueName("metrics");
    await createModel(model);
    await createVersion(model, "1.0.0", { metrics: { accuracy: 0.9 } });
    const answers = await burst(Array.from({ length: 12 }, (_, i) => ["PATCH", `/v1/models/${model}/versions/1`, { metrics: { [`eval_${i}`]: i / 10 } }]));
    expectStatuses(answers, [200]);
    const { metrics } = await callJson("GET", `/v1/models/${model}/versions/1`, 200);
    expect(metrics).toEqual({ accuracy: 0.9, ...Object.fromEntries(Array.from({ length: 12 }, (_, i) => [`eval_${i}`, i / 10])) });
    await expectAuditedOnce(model, answers, []);
  });
});

describe("concurrent rollout changes", () => {
  const rollout = (model: string) => `/v1/models/${model}/rollouts/Production`;
  const activeRollouts = async (model: string) => (await pages(`/v1/models/${model}/rollouts?status=active`)).filter((r) => r.ref === "Production");

  it("8 starts at once: one rollout starts, the others get 409", async () => {
    const model = await modelWithVersions(9);
    await moveRef(model, "Production", 1);
    const answers = await burst(Array.from({ length: 8 }, (_, i) => ["PUT", rollout(model), { candidate_version: 2 + i, weight: 5 }]));
    expectStatuses(answers, [201, 409]);
    const started = answers.filter((a) => a.status === 201);
    expect(started).toHaveLength(1);
    expect((await activeRollouts(model)).map((r) => r.id)).toEqual([started[0]!.body.id]);
    await expectConsistentRef(model, "Production");
    await expectAuditedOnce(model, started, answers.filter((a) => a.status !== 201));
  });

  it("20 weight changes at once: every committed change is one event and one audit entry, chained in order", async () => {
    const model = await modelWithVersions(2);
    await moveRef(model, "Production", 1);
    await callJson("PUT", rollout(model), 201, { body: { candidate_version: 2, weight: 1 } });
    const weights = Array.from({ length: 20 }, (_, i) => [5, 10, 25, 50, 75][i % 5]!);
    const answers = await burst(weights.map((weight, i) => ["PATCH", rollout(model), { weight, reason: `step ${i}` }]));
    expectStatuses(answers, [200, 409]);

    const { history, weight } = await callJson("GET", rollout(model), 200);
    expect(history.map((e: any) => e.seq)).toEqual(history.map((_: unknown, i: number) => i + 1));
    const changes = history.filter((e: any) => e.action === "weight");
    for (let i = 1; i < history.length; i++) expect(history[i].weight_before).toBe(history[i - 1].weight_after);
    expect(weight).toBe(history.at(-1).weight_after);
    const audited = (await auditOf(model)).filter((e) => e.action === "rollout.weight");
    expect(audited.map((e) => e.after.seq)).toEqual(changes.map((e: any) => e.seq));
    // A 200 either committed its change (audited once, by that request) or found the weight already set.
    const committed = answers.filter((a) => audited.some((e) => e.request_id === a.requestId));
    expect(committed).toHaveLength(changes.length);
    await expectAuditedOnce(model, committed, answers.filter((a) => a.status !== 200));
  });

  it("promote, abort, rollback and weight changes at once: exactly one ends the rollout, the ref agrees with it", async () => {
    const model = await modelWithVersions(2);
    await moveRef(model, "Production", 1);
    const started = await callJson("PUT", rollout(model), 201, { body: { candidate_version: 2, weight: 10 } });
    const answers = await burst([
      ["POST", `${rollout(model)}/promote`, { reason: "promote" }],
      ["POST", `${rollout(model)}/abort`, { reason: "abort" }],
      ["POST", `/v1/models/${model}/refs/Production/rollback`, { reason: "rollback" }],
      ["PATCH", rollout(model), { weight: 30 }],
      ["PATCH", rollout(model), { weight: 60 }],
      ["PUT", `/v1/models/${model}/refs/Production`, { version: 2, reason: "manual move during a rollout" }],
    ]);
    expectStatuses(answers, [200, 404, 409]);
    // A rollback that ran after the rollout ended rolls back the ref instead; only one naming the rollout closed it.
    const closers = answers.filter((a, i) => a.status === 200 && (i < 2 || (i === 2 && a.body.rollout_id)));
    expect(closers).toHaveLength(1);
    expect(await activeRollouts(model)).toEqual([]);
    const final = await callJson("GET", rollout(model), 200);
    expect(final.id).toBe(started.id);
    const closer = closers[0]!.route;
    const expectedStatus = closer.endsWith("/promote") ? "promoted" : closer.endsWith("/abort") ? "aborted" : "rolled_back";
    expect(final.status).toBe(expectedStatus);
    expect(final.history.filter((e: any) => ["promote", "abort", "rollback"].includes(e.action))).toHaveLength(1);

    // Whatever order the rest ran in (the manual move only after the rollout ended), history replays to the ref.
    const history = await expectConsistentRef(model, "Production");
    expect(history.filter((h) => h.action === "promote")).toHaveLength(expectedStatus === "promoted" ? 1 : 0);
    await expectOneVersionPerStage(model);
  });

  it("a rollout start racing manual moves: either it starts on the version the ref then points to, or the moves win", async () => {
    const model = await modelWithVersions(4);
    await moveRef(model, "Production", 1);
    const answers = await burst([
      ["PUT", `/v1/models/${model}/refs/Production`, { version: 2 }],
      ["PUT", rollout(model), { candidate_version: 4, weight: 20 }],
      ["PUT", `/v1/models/${model}/refs/Production`, { version: 3 }],
      ["POST", `/v1/models/${model}/refs/Production/rollback`, {}],
    ]);
    expectStatuses(answers, [200, 201, 409]);
    await expectConsistentRef(model, "Production");
    const active = await activeRollouts(model);
    expect(active.length).toBeLessThanOrEqual(1);
    const production = (await callJson("GET", `/v1/models/${model}`, 200)).refs.Production;
    if (active.length === 1) expect(active[0].stable_version).toBe(production);
    expect(active.length).toBe(answers[1]!.status === 201 && !answers[3]!.body?.rollout_id ? 1 : 0);
  });
});

describe("archiving races a ref move", () => {
  it("never leaves a stage on an archived version: one of the two wins, the other gets 409", async () => {
    for (let round = 0; round < 6; round++) {
      const name = uniqueName("archrace");
      await createModel(name);
      await createVersion(name, "1.0.0");
      await createVersion(name, "1.1.0");
      // Both versions pass through Staging (the gate to Production), which ends on version 1.
      await moveRef(name, "Staging", 2);
      await moveRef(name, "Staging", 1);
      await moveRef(name, "Production", 1);
      const [archive, move] = await Promise.all([
        call("PATCH", `/v1/models/${name}/versions/2`, { body: { archived: true } }),
        call("PUT", `/v1/models/${name}/refs/Production`, { body: { version: 2 } }),
      ]);
      expect([archive.status, move.status].sort()).toEqual([200, 409]);
      const v2 = await callJson("GET", `/v1/models/${name}/versions/2`, 200);
      expect(v2.archived && v2.stage === "Production").toBe(false);
      // The first move to version 1, then whichever of the two won: the loser left no event.
      const events = (await callJson("GET", `/v1/audit?model=${name}&limit=50`, 200)).items;
      expect(events.filter((e: any) => e.action === "version.archive" || (e.action === "ref.move" && e.ref === "Production"))).toHaveLength(2);
    }
  });
});

describe("the write-time guard", () => {
  it("refuses a move whose target is archived between the route's read and its batch, writing nothing", async () => {
    const { env } = await import("cloudflare:workers");
    const { proxyD1, registryWith, tableCounts } = await import("./helpers");
    const name = uniqueName("guard");
    await createModel(name);
    await createVersion(name, "1.0.0");
    await createVersion(name, "1.1.0");
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Staging", 2);
    await moveRef(name, "Production", 1);
    // A D1 that archives version 2 just before the move's batch runs, as a concurrent request would.
    const racing = proxyD1(env.DB, {
      get(target, property) {
        if (property === "batch") {
          return async (statements: D1PreparedStatement[]) => {
            await target.prepare("UPDATE versions SET archived = 1 WHERE number = 2 AND model_id = (SELECT id FROM models WHERE name = ?)").bind(name).run();
            return target.batch(statements);
          };
        }
        const value = Reflect.get(target, property, target);
        return typeof value === "function" ? value.bind(target) : value;
      },
    });
    const registry = registryWith({ env: { DB: racing } });
    const before = await tableCounts();
    const res = await registry.callJson("PUT", `/v1/models/${name}/refs/Production`, 409, { body: { version: 2 } });
    expect(res.error.message).toContain("archived meanwhile");
    expect(await tableCounts()).toEqual(before);
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
  });
});
