import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { ADMIN, auditOf, BASE, clockedRegistry, uiSessionOf, uniqueName } from "./helpers";

/** R's `sleep` data set (extra hours of sleep under two drugs); R's t.test(extra ~ group) is the known answer. */
const SLEEP_1 = [0.7, -1.6, -0.2, -1.2, -0.1, 3.4, 3.7, 0.8, 0.0, 2.0];
const SLEEP_2 = [1.9, 0.8, 1.1, 0.1, -0.1, 4.4, 5.5, 1.6, 4.6, 3.4];

type Registry = ReturnType<typeof clockedRegistry>;

/** Production → 1, candidate 2 staged, and a rollout of 2 on Production at 10%. */
async function canary(r: Registry, rollout: Record<string, unknown> = {}, policy?: Record<string, unknown>) {
  const name = uniqueName("canary");
  await r.callJson("POST", "/v1/models", 201, { body: { name } });
  for (const v of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: v, metrics: { accuracy: 0.9 } } });
  if (policy) await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: policy });
  await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
  await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
  await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 2 } });
  await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 10, ...rollout } });
  return name;
}

const report = (r: Registry, model: string, observations: unknown[]) =>
  r.callJson("POST", `/v1/models/${model}/observations`, 200, { body: { observations } });

const each = (arm: string, metric: string, values: number[]) => values.map((v) => ({ ref: "Production", arm, metrics: { [metric]: v } }));

const RULE = { metric: "accuracy", direction: "higher", max_drop: 0.05, min_samples: 100, window_s: 600 };

function expectRelative(actual: number, expected: number, tolerance = 1e-9) {
  expect(Math.abs(actual - expected)).toBeLessThanOrEqual(tolerance * Math.abs(expected));
}

describe("A/B view of a rollout", () => {
  it("answers per-arm count, mean, variance and Welch's t-test of candidate minus stable (R's sleep data)", async () => {
    const r = clockedRegistry();
    const name = await canary(r, { policy: { metric: "extra", direction: "higher", floor: -100, min_samples: 1000, window_s: 3600 } });
    await report(r, name, [...each("stable", "extra", SLEEP_1), ...each("candidate", "extra", SLEEP_2)]);
    const { ab } = await r.callJson("GET", `/v1/models/${name}/rollouts/Production`, 200);
    expect(ab).toMatchObject({ metric: "extra", direction: "higher", until: null, stable: { version: 1, count: 10 }, candidate: { version: 2, count: 10 } });
    expectRelative(ab.stable.mean, 0.75, 1e-12);
    expectRelative(ab.candidate.mean, 2.33, 1e-12);
    expectRelative(ab.stable.variance, 3.2005555555555554, 1e-12);
    expectRelative(ab.welch.difference, 1.58, 1e-12);
    expectRelative(ab.welch.t, 1.8608134674868526);
    expectRelative(ab.welch.df, 17.776473516178488);
    expectRelative(ab.welch.p_value, 0.0793941401873583);
    expectRelative(ab.welch.ci_low, -0.20548323071171137);
    expectRelative(ab.welch.ci_high, 3.3654832307117104);
  });

  it("compares on the policy's metric when the rollout has no rule, and answers null when nothing names one", async () => {
    const r = clockedRegistry();
    const plain = await canary(r);
    expect((await r.callJson("GET", `/v1/models/${plain}/rollouts/Production`, 200)).ab).toBeNull();
    const compared = await canary(r, {}, { require_staging: false, compare: { metric: "accuracy", direction: "higher" } });
    await report(r, compared, [...each("stable", "accuracy", [1]), ...each("candidate", "accuracy", [0, 1])]);
    const { ab } = await r.callJson("GET", `/v1/models/${compared}/rollouts/Production`, 200);
    expect(ab).toMatchObject({ metric: "accuracy", stable: { count: 1, mean: 1, variance: 0 }, candidate: { count: 2, mean: 0.5, variance: 0.5 }, welch: null });
  });
});

describe("auto-rollback of a rollout", () => {
  it("ends the rollout (rolled_back) when the candidate arm is worse than the stable one, with the evidence audited", async () => {
    const r = clockedRegistry();
    const name = await canary(r, { policy: RULE });
    const early = await report(r, name, [
      { ref: "Production", arm: "stable", metrics: { accuracy: 0.9 }, count: 300 },
      { ref: "Production", arm: "candidate", metrics: { accuracy: 0.7 }, count: 99 },
    ]);
    expect(early.auto_rollback).toEqual([expect.objectContaining({ ref: "Production", version: 2, baseline_version: 1, tripped: false })]);
    const tripped = await report(r, name, [{ ref: "Production", arm: "candidate", metrics: { accuracy: 0.7 } }]);
    expect(tripped.auto_rollback[0]).toMatchObject({ tripped: true, rollout_id: expect.any(String) });
    const state = await r.callJson("GET", `/v1/models/${name}/rollouts/Production`, 200);
    expect(state.status).toBe("rolled_back");
    expect(state.history.at(-1)).toMatchObject({ action: "auto_rollback", actor: "edgereg:auto-rollback" });
    expect(state.history.at(-1).evidence).toMatchObject({ current: { count: 100, mean: 0.7 }, baseline: { count: 300, mean: 0.9 }, trigger: "observations" });
    expect(state.ab).toMatchObject({ until: expect.any(String), candidate: { count: 100 } });
    expect((await r.callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
    const event = (await auditOf(name)).find((e) => e.action === "rollout.auto_rollback");
    // Every rollout.* audit row names the candidate (issue 16.5); before/after name both arms.
    expect(event).toMatchObject({
      ref: "Production",
      version: 2,
      after: { status: "rolled_back", stable_version: 1, candidate_version: 2, judged_version: 2, baseline_version: 1, max_drop: 0.05 },
    });
  });

  it("does not trip while the stable arm is too thin to compare with", async () => {
    const r = clockedRegistry();
    const name = await canary(r, { policy: RULE });
    const out = await report(r, name, [
      { ref: "Production", arm: "stable", metrics: { accuracy: 0.9 }, count: 50 },
      { ref: "Production", arm: "candidate", metrics: { accuracy: 0.7 }, count: 500 },
    ]);
    expect(out.auto_rollback[0]).toMatchObject({ tripped: false, reason: "accuracy within limits over 500 samples; no baseline with enough samples to compare with" });
    expect((await r.callJson("GET", `/v1/models/${name}/rollouts/Production`, 200)).status).toBe("active");
  });

  it("uses the model's rule for a rollout without its own, on the cron trigger", async () => {
    const r = clockedRegistry();
    const name = await canary(r);
    await report(r, name, [
      { ref: "Production", arm: "stable", metrics: { accuracy: 0.9 }, count: 200 },
      { ref: "Production", arm: "candidate", metrics: { accuracy: 0.8 }, count: 200 },
    ]);
    expect((await r.callJson("GET", `/v1/models/${name}/rollouts/Production`, 200)).status).toBe("active");
    await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { auto_rollback: RULE } });
    r.advance(60);
    await r.cron();
    const state = await r.callJson("GET", `/v1/models/${name}/rollouts/Production`, 200);
    expect(state).toMatchObject({ status: "rolled_back" });
    expect(state.history.at(-1).evidence).toMatchObject({ trigger: "cron", current: { count: 200 }, baseline: { count: 200 } });
  });

  it("announces rollout changes and the auto-rollback to webhooks", async () => {
    const r = clockedRegistry();
    const box = uniqueName("box").toLowerCase();
    const name = uniqueName("canary");
    await r.callJson("POST", "/v1/webhooks", 201, { body: { url: `https://${box}.hooks.test/`, events: ["*"], model: name } });
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    for (const v of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: v } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 2 } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, steps: [5, 50], policy: { ...RULE, min_samples: 10 } } });
    await r.callJson("PATCH", `/v1/models/${name}/rollouts/Production`, 200, { body: { step: "next" } });
    await report(r, name, [
      { ref: "Production", arm: "stable", metrics: { accuracy: 0.9 }, count: 10 },
      { ref: "Production", arm: "candidate", metrics: { accuracy: 0.5 }, count: 10 },
    ]);
    const got = ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as any[]).map((d) => JSON.parse(d.body));
    expect(got.map((e) => e.type)).toEqual([
      "version.created",
      "version.ready",
      "version.created",
      "version.ready",
      "ref.moved",
      "ref.moved",
      "ref.moved",
      "rollout.started",
      "rollout.changed",
      "auto_rollback",
    ]);
    expect(got[8].data).toMatchObject({ ref: "Production", weight: 50, stable_version: 1, candidate_version: 2, status: "active" });
    expect(got[9].data).toMatchObject({ ref: "Production", version: 2, baseline_version: 1, tripped: true });
  });
});

/** A form post from the admin UI's model page, signed in with the bootstrap admin token (session cookie + CSRF token). */
async function uiPost(r: Registry, path: string, form: Record<string, string>) {
  const cookie = `__Host-edgereg_session=${await uiSessionOf(ADMIN)}`;
  const html = await (await r.call("GET", "/ui", { token: null, headers: { Cookie: cookie } })).text();
  const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
  const body = new URLSearchParams({ ...form, _csrf: csrf }).toString();
  const headers = { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" };
  return r.call("POST", path, { token: null, headers, body });
}

describe("rollout.changed, whatever the door", () => {
  /** Types of the events delivered to a webhook subscribed to everything of the model. */
  async function eventsOf(box: string): Promise<string[]> {
    return ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as any[]).map((d) => JSON.parse(d.body).type);
  }

  it("is announced only when the weight changed, through the API and through the UI's weight form", async () => {
    const r = clockedRegistry();
    const box = uniqueName("box").toLowerCase();
    const name = uniqueName("canary");
    await r.callJson("POST", "/v1/webhooks", 201, { body: { url: `https://${box}.hooks.test/`, events: ["rollout.started", "rollout.changed"], model: name } });
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    for (const v of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: v } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 2 } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, steps: [5, 50, 100] } });
    const weight = `/ui/models/${name}/rollouts/Production/weight`;

    // The same weight again, through each door: answered as usual, nothing written, nothing announced.
    expect((await r.callJson("PATCH", `/v1/models/${name}/rollouts/Production`, 200, { body: { weight: 5 } })).weight).toBe(5);
    const sameByForm = await uiPost(r, weight, { weight: "5", reason: "" });
    expect(sameByForm.status).toBe(303);
    expect(sameByForm.headers.get("Location")).toContain("done=weight");
    expect(await eventsOf(box)).toEqual(["rollout.started"]);

    // A real change, through each door: announced once each, with the new weight.
    await uiPost(r, weight, { weight: "20", reason: "looks fine" });
    await r.callJson("PATCH", `/v1/models/${name}/rollouts/Production`, 200, { body: { step: "next" } });
    expect(await eventsOf(box)).toEqual(["rollout.started", "rollout.changed", "rollout.changed"]);
    const received = ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as any[]).map((d) => JSON.parse(d.body));
    expect(received.slice(1).map((e) => e.data.weight)).toEqual([20, 50]);
    const weights = (await auditOf(name)).filter((e) => e.action === "rollout.weight").map((e) => [e.actor, e.before.weight, e.after.weight]);
    expect(weights).toEqual([
      ["admin", 5, 20],
      ["admin", 20, 50],
    ]);
  });
});

describe("rollout.changed, any sequence of weights through either door", () => {
  it("announces and audits exactly the steps that changed the weight", async () => {
    const r = clockedRegistry();
    const step = fc.record({ door: fc.constantFrom("api" as const, "ui" as const), weight: fc.constantFrom(0, 5, 12.5, 50, 100) });
    await fc.assert(
      fc.asyncProperty(fc.array(step, { minLength: 1, maxLength: 5 }), async (steps) => {
        const box = uniqueName("box").toLowerCase();
        const name = uniqueName("weights");
        await r.callJson("POST", "/v1/webhooks", 201, { body: { url: `https://${box}.hooks.test/`, events: ["rollout.changed"], model: name } });
        await r.callJson("POST", "/v1/models", 201, { body: { name } });
        for (const v of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: v } });
        await r.callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 1 } });
        await r.callJson("PUT", `/v1/models/${name}/rollouts/champion`, 201, { body: { candidate_version: 2, weight: 5 } });
        const changedTo: number[] = [];
        let current = 5;
        for (const { door, weight } of steps) {
          if (door === "api") await r.callJson("PATCH", `/v1/models/${name}/rollouts/champion`, 200, { body: { weight } });
          else expect((await uiPost(r, `/ui/models/${name}/rollouts/champion/weight`, { weight: String(weight), reason: "" })).status).toBe(303);
          if (weight !== current) changedTo.push(weight);
          current = weight;
        }
        const received = ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as any[]).map((d) => JSON.parse(d.body).data.weight);
        expect(received).toEqual(changedTo);
        expect((await auditOf(name)).filter((e) => e.action === "rollout.weight").map((e) => e.after.weight)).toEqual(changedTo);
      }),
      // Each case is a dozen requests: a few sequences cover repeats, returns and both doors.
      { numRuns: 6, endOnFailure: true },
    );
  }, 60_000);
});

describe("the promotion gate on a Production rollout", () => {
  it("refuses a candidate that has not been in Staging, lets a forced start through and audits the failed checks", async () => {
    const r = clockedRegistry();
    const name = uniqueName("gated");
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    for (const [v, accuracy] of [["1.0.0", 0.9], ["1.1.0", 0.92]] as const) {
      await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: v, metrics: { accuracy } } });
    }
    await r.callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { floors: { accuracy: 0.8 } } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1 } });
    const refused = await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 422, { body: { candidate_version: 2, weight: 5 } });
    expect(refused.error.details.checks.map((c: any) => [c.name, c.passed])).toEqual([
      ["staged_first", false],
      ["floor:accuracy", true],
    ]);
    // Other refs are not a way into Production: an alias's canary is not gated.
    await r.callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 1 } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/champion`, 201, { body: { candidate_version: 2, weight: 5 } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 400, { body: { candidate_version: 2, weight: 5, force: true } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 5, force: true, reason: "urgent fix" } });
    const event = (await auditOf(name)).find((e) => e.action === "rollout.start" && e.ref === "Production");
    expect(event.after).toMatchObject({ candidate_version: 2, forced: true, failed_checks: ["staged_first"] });
    await r.callJson("POST", `/v1/models/${name}/rollouts/Production/abort`, 200, { body: {} });
    await r.callJson("PUT", `/v1/models/${name}/refs/Staging`, 200, { body: { version: 2 } });
    await r.callJson("PUT", `/v1/models/${name}/rollouts/Production`, 201, { body: { candidate_version: 2, weight: 5 } });
  });
});
