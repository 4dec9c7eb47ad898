/**
 * Roles and gates as docs/roles-and-gates.md states them, through every door that can move a stage ref: /v1, the
 * UI's form posts and the MLflow facade. A publisher (CI) stages through the gate and never forces; Production,
 * emptying Staging and force are an admin's; forbid_force holds even an admin to the gate; moving back is never gated.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { auditOf, BASE, call, callJson, clockedRegistry, createModel, createVersion, moveRef, tableCounts, tokenFor, uiSessionOf, uniqueName } from "./helpers";

const GATED = { floors: { accuracy: 0.8 }, compare: { metric: "accuracy", direction: "higher", tolerance: 0.01 } };

let publisher: string;
let reporter: string;

beforeAll(async () => {
  publisher = await tokenFor("publisher");
  reporter = (await callJson("POST", "/v1/tokens", 201, { body: { name: uniqueName("serving"), role: "reporter" } })).secret;
});

const stage = (model: string, v: number, body: Record<string, unknown>, status: number, token?: string) =>
  callJson("POST", `/v1/models/${model}/versions/${v}/stage`, status, { body, token });

/** A model with versions 1.0.0, 1.1.0, … carrying the given accuracies, under `policy`. */
async function modelWith(accuracies: number[], policy: Record<string, unknown> = GATED) {
  const name = uniqueName("gates");
  await createModel(name);
  for (const [i, accuracy] of accuracies.entries()) await createVersion(name, `1.${i}.0`, { metrics: { accuracy } });
  await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: policy });
  return name;
}

/** v1 serves Production, v2 sits in Staging, v3 holds no stage ref. */
async function servingModel() {
  const name = await modelWith([0.9, 0.91, 0.92]);
  await stage(name, 1, { stage: "Staging" }, 200);
  await stage(name, 1, { stage: "Production" }, 200);
  await stage(name, 2, { stage: "Staging" }, 200);
  return name;
}

const refsOf = async (name: string) => (await callJson("GET", `/v1/models/${name}`, 200)).refs;

const API = "/api/2.0/mlflow";
async function mlflow(method: string, endpoint: string, body: Record<string, unknown>, token: string) {
  const res = await call(method, `${API}/${endpoint}`, { body, token });
  return { status: res.status, body: (await res.json()) as any };
}

const SESSION = "__Host-edgereg_session";
/** A UI form post from a signed-in page: the session cookie, the page's CSRF token, the browser's Origin. */
async function uiPost(token: string, path: string, form: Record<string, string>) {
  const cookie = `${SESSION}=${await uiSessionOf(token)}`;
  const page = await exports.default.fetch(new Request(`${BASE}/ui`, { headers: { Cookie: cookie } }));
  const csrf = /name="_csrf" value="([^"]+)"/.exec(await page.text())![1]!;
  return exports.default.fetch(
    new Request(`${BASE}${path}`, {
      method: "POST",
      headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" },
      body: new URLSearchParams({ ...form, _csrf: csrf }),
      redirect: "manual",
    }),
  );
}

describe("a publisher (CI)", () => {
  it("moves a version into Staging through the gate, and is held by the gate like anyone", async () => {
    const name = await modelWith([0.9, 0.7]);
    const staged = await stage(name, 1, { stage: "Staging", reason: "candidate from run 7" }, 200, publisher);
    expect(staged).toMatchObject({ stage: "Staging", previous_stage: "None", forced: false, failed_checks: [] });
    const refused = await stage(name, 2, { stage: "Staging" }, 422, publisher);
    expect(refused.error.details.checks).toEqual([{ name: "floor:accuracy", passed: false, value: 0.7, threshold: 0.8, detail: "accuracy 0.7 < floor 0.8" }]);
    const event = (await auditOf(name)).filter((e) => e.action === "version.stage").at(-1);
    expect(event).toMatchObject({ actor: expect.stringMatching(/^publisher-/), ref: "Staging", version: 1, after: { stage: "Staging", forced: false } });
    expect(await refsOf(name)).toEqual({ Staging: 1 });
  });

  it("never forces: force is refused with 403 before any check, with or without a reason", async () => {
    const name = await modelWith([0.7]);
    const before = await tableCounts();
    for (const body of [{ stage: "Staging", force: true, reason: "ship it" }, { stage: "Staging", force: true }]) {
      const res = await stage(name, 1, body, 403, publisher);
      expect(res.error).toMatchObject({ code: "FORBIDDEN", details: { field: "force", required: "admin", role: "publisher" } });
    }
    expect(await tableCounts()).toEqual(before);
  });

  it("cannot change Production or empty Staging through /v1, and may archive a version that holds no stage ref", async () => {
    const name = await servingModel();
    const before = await tableCounts();
    const refusals: [string, string, unknown][] = [
      ["POST", `/v1/models/${name}/versions/2/stage`, { stage: "Production", reason: "ready" }],
      ["POST", `/v1/models/${name}/versions/1/stage`, { stage: "Archived" }],
      ["POST", `/v1/models/${name}/versions/2/stage`, { stage: "Archived" }],
      ["POST", `/v1/models/${name}/versions/2/stage`, { stage: "None" }],
      ["PUT", `/v1/models/${name}/refs/Production`, { version: 2 }],
      ["PUT", `/v1/models/${name}/refs/Staging`, { version: 3 }],
      ["DELETE", `/v1/models/${name}/refs/Staging`, undefined],
      ["DELETE", `/v1/models/${name}/refs/Production?force=true`, undefined],
      ["POST", `/v1/models/${name}/refs/Production/rollback`, { reason: "no" }],
      ["POST", `/v1/models/${name}/refs/Staging/rollback`, { reason: "no" }],
    ];
    for (const [method, path, body] of refusals) {
      const res = await callJson(method, path, 403, { body, token: publisher });
      expect(res.error.code, `${method} ${path}`).toBe("FORBIDDEN");
    }
    expect(await tableCounts()).toEqual(before);
    expect(await refsOf(name)).toEqual({ Production: 1, Staging: 2 });
    expect(await stage(name, 3, { stage: "Archived", reason: "superseded" }, 200, publisher)).toMatchObject({ stage: "Archived", refs: [] });
    expect(await stage(name, 3, { stage: "None" }, 200, publisher)).toMatchObject({ stage: "None", previous_stage: "Archived" });
    // Replacing the candidate in Staging is a forward move, not emptying it.
    expect(await stage(name, 3, { stage: "Staging" }, 200, publisher)).toMatchObject({ refs: [{ ref: "Staging", version: 3, previous_version: 2 }] });
  });

  it("cannot roll back Production or Staging through the UI's form posts", async () => {
    const name = await servingModel();
    await moveRef(name, "Staging", 3);
    await uiSessionOf(publisher); // signing in writes a session and its audit event; the refused posts write nothing
    const before = await tableCounts();
    for (const ref of ["Production", "Staging"]) {
      const res = await uiPost(publisher, `/ui/models/${name}/refs/${ref}/rollback`, { reason: "undo" });
      expect(res.status, ref).toBe(403);
    }
    expect(await tableCounts()).toEqual(before);
    expect(await refsOf(name)).toEqual({ Production: 1, Staging: 3 });
    // The same form from an admin rolls Staging back, with the same audit event as /v1.
    expect((await uiPost(await tokenFor("admin"), `/ui/models/${name}/refs/Staging/rollback`, { reason: "undo" })).status).toBe(303);
    expect(await refsOf(name)).toEqual({ Production: 1, Staging: 2 });
  });

  it("through MLflow, stages a version but cannot touch Production or take a version out of Staging", async () => {
    const name = await servingModel();
    const before = await tableCounts();
    const refusals: [string, string, Record<string, unknown>][] = [
      ["POST", "model-versions/transition-stage", { name, version: "2", stage: "Production", archive_existing_versions: false }],
      ["POST", "model-versions/transition-stage", { name, version: "2", stage: "Archived", archive_existing_versions: false }],
      ["POST", "model-versions/transition-stage", { name, version: "2", stage: "None", archive_existing_versions: false }],
      ["POST", "model-versions/transition-stage", { name, version: "1", stage: "Archived", archive_existing_versions: false }],
      ["DELETE", "model-versions/delete", { name, version: "2" }],
      ["DELETE", "model-versions/delete", { name, version: "1" }],
      ["POST", "registered-models/alias", { name, alias: "champion", version: "2" }],
    ];
    for (const [method, endpoint, body] of refusals) {
      const res = await mlflow(method, endpoint, body, publisher);
      expect([res.status, res.body.error_code], `${endpoint} ${JSON.stringify(body)}`).toEqual([403, "PERMISSION_DENIED"]);
    }
    expect(await tableCounts()).toEqual(before);
    const staged = await mlflow("POST", "model-versions/transition-stage", { name, version: "3", stage: "Staging", archive_existing_versions: true }, publisher);
    expect(staged).toMatchObject({ status: 200, body: { model_version: { version: "3", current_stage: "Staging" } } });
    // archive_existing_versions archived v2, which had just left Staging.
    expect(await callJson("GET", `/v1/models/${name}/versions/2`, 200)).toMatchObject({ stage: "Archived", archived: true });
    expect(await refsOf(name)).toEqual({ Production: 1, Staging: 3 });
  });

  it("cannot empty Staging by deleting a registered model through MLflow; nothing is archived", async () => {
    const name = await modelWith([0.9, 0.91]);
    await stage(name, 2, { stage: "Staging" }, 200, publisher);
    const before = await tableCounts();
    const res = await mlflow("DELETE", "registered-models/delete", { name }, publisher);
    expect([res.status, res.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
    expect(await tableCounts()).toEqual(before);
    // Without a stage ref to empty, the publisher's delete archives and deletes every version.
    await stage(name, 2, { stage: "None" }, 200);
    expect((await mlflow("DELETE", "registered-models/delete", { name }, publisher)).status).toBe(200);
    const versions = (await callJson("GET", `/v1/models/${name}/versions?deleted=true`, 200)).items;
    expect(versions.map((v: any) => [v.stage, typeof v.deleted_at])).toEqual([["Archived", "string"], ["Archived", "string"]]);
  });
});

describe("roles below publisher", () => {
  it("a reader or a reporter may not stage, move or roll back anything", async () => {
    const name = await servingModel();
    const reader = await tokenFor("reader");
    for (const token of [reader, reporter]) {
      await stage(name, 3, { stage: "Staging" }, 403, token);
      await callJson("PUT", `/v1/models/${name}/refs/champion`, 403, { body: { version: 3 }, token });
      await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 403, { body: {}, token });
      await callJson("PUT", `/v1/models/${name}/policy`, 403, { body: {}, token });
      expect((await mlflow("POST", "model-versions/transition-stage", { name, version: "3", stage: "Staging" }, token)).status).toBe(403);
    }
    expect(await refsOf(name)).toEqual({ Production: 1, Staging: 2 });
  });
});

describe("forbid_force", () => {
  it("holds even an admin to the gate: PUT, /stage and a rollout start answer 422 with the checks; archived targets 409", async () => {
    const name = await modelWith([0.9, 0.7, 0.95], { ...GATED, forbid_force: true });
    await stage(name, 1, { stage: "Staging" }, 200);
    await stage(name, 1, { stage: "Production" }, 200);
    await stage(name, 3, { stage: "Archived" }, 200);
    const before = await tableCounts();
    const force = { force: true, reason: "hotfix" };
    const put = await callJson("PUT", `/v1/models/${name}/refs/Production`, 422, { body: { version: 2, ...force } });
    expect(put.error.message).toContain("forbids force");
    expect(put.error.details).toMatchObject({ stage: "Production", forbid_force: true });
    expect(put.error.details.checks.filter((c: any) => !c.passed).map((c: any) => c.name)).toEqual(["staged_first", "floor:accuracy", "compare:accuracy"]);
    const staged = await stage(name, 2, { stage: "Staging", ...force }, 422);
    expect(staged.error.details).toMatchObject({ stage: "Staging", forbid_force: true });
    await stage(name, 2, { stage: "Production", ...force }, 422);
    const rollout = await callJson("PUT", `/v1/models/${name}/rollouts/Production`, 422, { body: { candidate_version: 2, weight: 5, ...force } });
    expect(rollout.error.details.forbid_force).toBe(true);
    expect((await callJson("PUT", `/v1/models/${name}/refs/champion`, 409, { body: { version: 3, ...force } })).error.details).toMatchObject({ forbid_force: true });
    expect(await tableCounts()).toEqual(before);
    expect(await refsOf(name)).toEqual({ Production: 1, Staging: 1 });
  });
});

describe("gates on a rollout start", () => {
  it("gate a rollout on Staging with Staging's checks (the floors)", async () => {
    const name = await modelWith([0.9, 0.7]);
    await stage(name, 1, { stage: "Staging" }, 200);
    const refused = await callJson("PUT", `/v1/models/${name}/rollouts/Staging`, 422, { body: { candidate_version: 2, weight: 10 } });
    expect(refused.error.details).toMatchObject({ stage: "Staging", checks: [{ name: "floor:accuracy", passed: false }] });
  });
});

describe("moving back", () => {
  it("is never gated: a rollback goes through whatever the policy says now", async () => {
    const name = await modelWith([0.9, 0.95]);
    for (const v of [1, 2]) await stage(name, v, { stage: "Staging" }, 200);
    await stage(name, 1, { stage: "Production" }, 200);
    await stage(name, 2, { stage: "Production" }, 200);
    // Version 1 would fail every gate now, and nothing may be forced or PUT directly.
    await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { floors: { accuracy: 0.99 }, require_pipeline: true, forbid_force: true } });
    const back = await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "latency spike" } });
    expect(back).toMatchObject({ ref: "Production", version: 1, previous_version: 2 });
    expect((await callJson("POST", `/v1/models/${name}/refs/Staging/rollback`, 200, { body: {} })).version).toBe(1);
    const event = (await auditOf(name)).filter((e) => e.action === "ref.rollback").at(0);
    expect(event.after).not.toHaveProperty("checks");
  });
});

describe("every door, the same change", () => {
  it("staging through /v1 and through MLflow writes the same audit event and emits the same webhook events", async () => {
    const r = clockedRegistry();
    const outcomes = [];
    for (const door of ["v1", "mlflow"] as const) {
      const name = uniqueName(`parity-${door}`);
      const box = uniqueName("box").toLowerCase();
      await r.callJson("POST", "/v1/webhooks", 201, { body: { url: `https://${box}.hooks.test/edgereg`, events: ["*"], model: name } });
      await r.callJson("POST", "/v1/models", 201, { body: { name } });
      await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0", metrics: { accuracy: 0.9 } } });
      await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: GATED });
      const before = (await (await fetch(`https://${box}.hooks.test/__received`)).json()) as unknown[];
      if (door === "v1") await r.callJson("POST", `/v1/models/${name}/versions/1/stage`, 200, { body: { stage: "Staging" }, token: publisher });
      else await r.callJson("POST", `${API}/model-versions/transition-stage`, 200, { body: { name, version: "1", stage: "Staging" }, token: publisher });
      const received = ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as { body: string }[]).slice(before.length);
      const events = received.map((d) => JSON.parse(d.body)).map(({ type, data }) => ({ type, data }));
      const audit = (await auditOf(name)).filter((e) => e.action.startsWith("version.stage") || e.action.startsWith("ref."));
      outcomes.push({ events, audit: audit.map(({ action, actor, ref, version, before, after, reason }) => ({ action, actor, ref, version, before, after, reason })) });
    }
    expect(outcomes[0]!.events.map((e) => e.type)).toEqual(["stage.changed"]);
    expect(outcomes[0]!.audit).toHaveLength(1);
    expect(outcomes[1]).toEqual(outcomes[0]);
  });
});
