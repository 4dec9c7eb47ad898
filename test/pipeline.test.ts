import { describe, expect, it } from "vitest";
import { auditOf, callJson, createModel, createVersion, moveRef, tableCounts, tokenFor, uniqueName } from "./helpers";

const stage = (model: string, v: number | string, body: Record<string, unknown>, status = 200) =>
  callJson("POST", `/v1/models/${model}/versions/${v}/stage`, status, { body });

const putPolicy = (model: string, policy: Record<string, unknown>) => callJson("PUT", `/v1/models/${model}/policy`, 200, { body: policy });

const checkNamed = (checks: any[], name: string) => checks.find((c) => c.name === name);

/** A model with versions 1.0.0, 1.1.0, … carrying the given accuracies. */
async function modelWith(accuracies: number[], policy?: Record<string, unknown>) {
  const name = uniqueName("pipe");
  await createModel(name);
  for (const [i, accuracy] of accuracies.entries()) await createVersion(name, `1.${i}.0`, { metrics: { accuracy } });
  if (policy) await putPolicy(name, policy);
  return name;
}

const GATED = { floors: { accuracy: 0.8 }, compare: { metric: "accuracy", direction: "higher", tolerance: 0.01 } };

describe("policy", () => {
  it("answers the default until set, validates and audits a replacement", async () => {
    const name = await modelWith([0.9]);
    expect(await callJson("GET", `/v1/models/${name}/policy`, 200)).toEqual({ require_staging: true, require_pipeline: false, forbid_force: false, floors: {} });
    const bad = await callJson("PUT", `/v1/models/${name}/policy`, 400, {
      body: { auto_rollback: { metric: "accuracy", direction: "higher", min_samples: 10, window_s: 60 } },
    });
    expect(bad.error.message).toContain("max_drop or floor");
    await callJson("PUT", `/v1/models/${name}/policy`, 400, { body: { floors: { accuracy: "high" } } });
    await callJson("PUT", `/v1/models/${name}/policy`, 400, { body: { compare: { metric: "accuracy", direction: "up" } } });
    const stored = await putPolicy(name, GATED);
    expect(stored).toEqual({ require_staging: true, require_pipeline: false, forbid_force: false, ...GATED });
    expect(await callJson("GET", `/v1/models/${name}/policy`, 200)).toEqual(stored);
    const event = (await auditOf(name)).find((e) => e.action === "policy.update");
    expect(event).toMatchObject({ actor: "admin", before: { floors: {} }, after: GATED });
  });
});

describe("gated stage transitions", () => {
  it("walks a version from None to Staging to Production, answering the checks it passed", async () => {
    const name = await modelWith([0.9], GATED);
    const staged = await stage(name, 1, { stage: "Staging", reason: "candidate from the May run" });
    expect(staged).toMatchObject({ version: 1, stage: "Staging", previous_stage: "None", forced: false, failed_checks: [] });
    expect(staged.checks).toEqual([{ name: "floor:accuracy", passed: true, value: 0.9, threshold: 0.8, detail: "accuracy 0.9 ≥ floor 0.8" }]);
    const live = await stage(name, 1, { stage: "Production", reason: "passed shadow traffic" });
    expect(live).toMatchObject({ version: 1, stage: "Production", previous_stage: "Staging" });
    expect(live.checks.map((c: any) => [c.name, c.passed])).toEqual([
      ["staged_first", true],
      ["floor:accuracy", true],
      ["compare:accuracy", true],
    ]);
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({ Production: 1, Staging: 1 });
    const events = (await auditOf(name)).filter((e) => e.action === "version.stage");
    expect(events.map((e) => [e.ref, e.version, e.after.stage])).toEqual([
      ["Staging", 1, "Staging"],
      ["Production", 1, "Production"],
    ]);
  });

  it("refuses a version under a floor with 422 listing the check, and changes nothing", async () => {
    const name = await modelWith([0.7], GATED);
    const before = await tableCounts();
    const res = await stage(name, 1, { stage: "Staging" }, 422);
    expect(res.error.code).toBe("UNPROCESSABLE");
    expect(res.error.details.checks).toEqual([
      { name: "floor:accuracy", passed: false, value: 0.7, threshold: 0.8, detail: "accuracy 0.7 < floor 0.8" },
    ]);
    expect(await tableCounts()).toEqual(before);
  });

  it("lists every check of Production at once: not staged, under the floor, worse than the champion", async () => {
    const name = await modelWith([0.9, 0.78], GATED);
    await stage(name, 1, { stage: "Staging" });
    await stage(name, 1, { stage: "Production" });
    const res = await stage(name, 2, { stage: "Production" }, 422);
    const checks = res.error.details.checks;
    expect(checks.map((c: any) => [c.name, c.passed])).toEqual([
      ["staged_first", false],
      ["floor:accuracy", false],
      ["compare:accuracy", false],
    ]);
    expect(checkNamed(checks, "compare:accuracy")).toMatchObject({ value: 0.78, threshold: 0.89 });
    expect(res.error.message).toContain("must be in Staging before Production");
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs.Production).toBe(1);
  });

  it("lets a challenger within the tolerance through, and stops one that is worse by more", async () => {
    const name = await modelWith([0.9, 0.895, 0.88], GATED);
    for (const v of [1, 2, 3]) await moveRef(name, "Staging", v);
    await stage(name, 1, { stage: "Production" });
    const within = await stage(name, 2, { stage: "Production" });
    expect(checkNamed(within.checks, "compare:accuracy")).toMatchObject({ passed: true, value: 0.895, threshold: 0.89 });
    const worse = await stage(name, 3, { stage: "Production" }, 422);
    expect(checkNamed(worse.error.details.checks, "compare:accuracy")).toMatchObject({ passed: false, value: 0.88 });
    expect(checkNamed(worse.error.details.checks, "compare:accuracy").detail).toContain("worse by 0.015");
  });

  it("counts a version as staged if it was ever in Staging, and skips that check when the policy allows", async () => {
    const name = await modelWith([0.9, 0.91, 0.92], GATED);
    await stage(name, 1, { stage: "Staging" });
    await stage(name, 2, { stage: "Staging" });
    await stage(name, 1, { stage: "Production" });
    await stage(name, 3, { stage: "Production" }, 422);
    await putPolicy(name, { ...GATED, require_staging: false });
    const direct = await stage(name, 3, { stage: "Production" });
    expect(direct.checks.map((c: any) => c.name)).toEqual(["floor:accuracy", "compare:accuracy"]);
  });

  it("lets an admin force with a reason; the audit event keeps the failed checks", async () => {
    const name = await modelWith([0.9, 0.7], GATED);
    await stage(name, 1, { stage: "Staging" });
    await stage(name, 1, { stage: "Production" });
    const noReason = await stage(name, 2, { stage: "Production", force: true }, 400);
    expect(noReason.error.details).toEqual({ field: "reason" });
    const forced = await stage(name, 2, { stage: "Production", force: true, reason: "hotfix for the holiday schema" });
    expect(forced).toMatchObject({ stage: "Production", forced: true, failed_checks: ["staged_first", "floor:accuracy", "compare:accuracy"] });
    const event = (await auditOf(name)).filter((e) => e.action === "version.stage").at(-1);
    expect(event).toMatchObject({
      ref: "Production",
      version: 2,
      reason: "hotfix for the holiday schema",
      before: { version: 1 },
      after: { stage: "Production", forced: true, failed_checks: ["staged_first", "floor:accuracy", "compare:accuracy"] },
    });
    expect(event.after.checks).toHaveLength(3);
  });

  it("refuses versions that are not READY", async () => {
    const name = await modelWith([0.9]);
    await createVersion(name, "1.1.0", { artifacts: [{ path: "model.bin", size: 3, sha256: "a".repeat(64) }] });
    expect((await stage(name, 2, { stage: "Staging" }, 409)).error.message).toContain("PENDING");
  });

  // Issue 15 changed this: Archived is a stage, as in MLflow, so leaving it takes the gate instead of force.
  it("brings an archived version back through the gate, un-archived in the same audited change", async () => {
    const name = await modelWith([0.9, 0.5], GATED);
    await stage(name, 1, { stage: "Archived" });
    await stage(name, 2, { stage: "Archived" });
    expect(await stage(name, 1, { stage: "Staging", reason: "bring back for comparison" })).toMatchObject({ stage: "Staging", previous_stage: "Archived" });
    expect(await callJson("GET", `/v1/models/${name}/versions/1`, 200)).toMatchObject({ stage: "Staging", archived: false });
    const event = (await auditOf(name)).at(-1);
    expect(event).toMatchObject({ action: "version.stage", after: { stage: "Staging", previous_stage: "Archived", unarchived: true } });
    // The gate still holds: version 2 misses the floor and stays archived.
    const before = await tableCounts();
    expect((await stage(name, 2, { stage: "Staging" }, 422)).error.details.checks).toEqual([expect.objectContaining({ name: "floor:accuracy", passed: false })]);
    expect(await tableCounts()).toEqual(before);
    expect((await callJson("GET", `/v1/models/${name}/versions/2`, 200)).archived).toBe(true);
  });
});

describe("Archived and None", () => {
  it("archiving the version in Staging clears Staging in the same change, recorded and undoable", async () => {
    const name = await modelWith([0.9]);
    await stage(name, 1, { stage: "Staging" });
    const archived = await stage(name, 1, { stage: "Archived", reason: "superseded" });
    expect(archived).toMatchObject({ stage: "Archived", previous_stage: "Staging", refs: [{ ref: "Staging", version: null, previous_version: 1 }] });
    const version = await callJson("GET", `/v1/models/${name}/versions/1`, 200);
    expect(version).toMatchObject({ stage: "Archived", archived: true });
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({});
    const history = await callJson("GET", `/v1/models/${name}/refs/Staging/history`, 200);
    expect(history.items[0]).toMatchObject({ action: "delete", from_version: 1, to_version: null, reason: "superseded" });
    const actions = (await auditOf(name)).map((e) => e.action);
    expect(actions.slice(-2)).toEqual(["ref.delete", "version.stage"]);
  });

  // Issue 15 changed this (MLflow's semantics): an admin may retire the Production version, which empties Production.
  it("an admin's Archived or None of the Production version empties Production, audited and undoable; a publisher's is refused", async () => {
    for (const target of ["Archived", "None"]) {
      const name = await modelWith([0.9]);
      await stage(name, 1, { stage: "Staging" });
      await stage(name, 1, { stage: "Production" });
      const publisher = await tokenFor("publisher");
      await callJson("POST", `/v1/models/${name}/versions/1/stage`, 403, { body: { stage: target }, token: publisher });
      expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({ Production: 1, Staging: 1 });
      const retired = await stage(name, 1, { stage: target, reason: "retired" });
      expect(retired).toMatchObject({ stage: target, previous_stage: "Production" });
      expect(retired.refs.map((r: any) => [r.ref, r.version, r.previous_version]).sort()).toEqual([
        ["Production", null, 1],
        ["Staging", null, 1],
      ]);
      expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({});
      expect(await callJson("GET", `/v1/models/${name}/versions/1`, 200)).toMatchObject({ stage: target, archived: target === "Archived" });
      const event = (await auditOf(name)).at(-1);
      expect(event).toMatchObject({ action: "version.stage", reason: "retired", before: { stage: "Production" }, after: { stage: target } });
      expect([...event.after.cleared_refs].sort()).toEqual(["Production", "Staging"]);
      const history = await callJson("GET", `/v1/models/${name}/refs/Production/history`, 200);
      expect(history.items[0]).toMatchObject({ action: "delete", from_version: 1, to_version: null, reason: "retired" });
    }
  });

  it("None takes a version out of Staging and un-archives it; repeating it changes nothing", async () => {
    const name = await modelWith([0.9, 0.91]);
    await stage(name, 2, { stage: "Archived" });
    expect(await stage(name, 2, { stage: "None" })).toMatchObject({ stage: "None", previous_stage: "Archived", refs: [] });
    expect((await callJson("GET", `/v1/models/${name}/versions/2`, 200)).archived).toBe(false);
    await stage(name, 1, { stage: "Staging" });
    expect(await stage(name, 1, { stage: "None" })).toMatchObject({ previous_stage: "Staging", refs: [{ ref: "Staging", version: null }] });
    const audited = (await auditOf(name)).length;
    expect(await stage(name, 1, { stage: "None" })).toMatchObject({ previous_stage: "None", refs: [] });
    expect((await auditOf(name)).length).toBe(audited);
  });
});

describe("the direct PUT of a stage ref", () => {
  it("passes the gate: 422 listing every check, and the same PUT forced with a reason succeeds, audited with the failed checks", async () => {
    const name = await modelWith([0.9, 0.5], GATED);
    await stage(name, 1, { stage: "Staging" });
    await stage(name, 1, { stage: "Production" });
    const before = await tableCounts();
    const refused = await callJson("PUT", `/v1/models/${name}/refs/Production`, 422, { body: { version: 2, reason: "manual" } });
    expect(refused.error.code).toBe("UNPROCESSABLE");
    expect(refused.error.details.checks.map((c: any) => [c.name, c.passed])).toEqual([
      ["staged_first", false],
      ["floor:accuracy", false],
      ["compare:accuracy", false],
    ]);
    expect(await tableCounts()).toEqual(before);
    // Staging is gated too (its floors), and force needs a reason.
    expect((await callJson("PUT", `/v1/models/${name}/refs/Staging`, 422, { body: { version: 2 } })).error.details.checks).toHaveLength(1);
    expect((await callJson("PUT", `/v1/models/${name}/refs/Production`, 400, { body: { version: 2, force: true } })).error.details).toEqual({ field: "reason" });
    const forced = await moveRef(name, "Production", 2, { force: true, reason: "hotfix: the old model breaks on the new schema" });
    expect(forced).toMatchObject({ ref: "Production", version: 2, previous_version: 1 });
    const event = (await auditOf(name)).filter((e) => e.action === "ref.move" && e.ref === "Production").at(-1);
    expect(event).toMatchObject({
      version: 2,
      reason: "hotfix: the old model breaks on the new schema",
      before: { version: 1 },
      after: { version: 2, forced: true, failed_checks: ["staged_first", "floor:accuracy", "compare:accuracy"] },
    });
    expect(event.after.checks).toHaveLength(3);
  });

  it("goes through unforced once the version passes, recording the checks it passed; aliases stay ungated", async () => {
    const name = await modelWith([0.5, 0.9], GATED);
    await moveRef(name, "champion", 1);
    await moveRef(name, "Staging", 2);
    expect(await moveRef(name, "Production", 2)).toMatchObject({ version: 2, previous_version: null });
    const event = (await auditOf(name)).filter((e) => e.action === "ref.move" && e.ref === "Production").at(-1);
    expect(event.after).toMatchObject({ forced: false, failed_checks: [] });
    expect(event.after.checks.map((c: any) => c.name)).toEqual(["staged_first", "floor:accuracy", "compare:accuracy"]);
  });
});

describe("require_pipeline", () => {
  it("refuses the direct PUT of a stage ref, even forced, pointing at /stage; aliases and rollbacks stay free", async () => {
    const name = await modelWith([0.9, 0.95], { ...GATED, require_pipeline: true });
    await stage(name, 1, { stage: "Staging" });
    await stage(name, 1, { stage: "Production" });
    const before = await tableCounts();
    for (const body of [{ version: 2 }, { version: 2, force: true, reason: "skip the pipeline" }]) {
      const refused = await callJson("PUT", `/v1/models/${name}/refs/Production`, 409, { body });
      expect(refused.error.message).toContain(`/v1/models/${name}/versions/2/stage`);
      expect(refused.error.details).toMatchObject({ field: "ref", require_pipeline: true });
    }
    await callJson("PUT", `/v1/models/${name}/refs/staging`, 409, { body: { version: 2 } });
    expect(await tableCounts()).toEqual(before);
    await stage(name, 2, { stage: "Staging" });
    expect(await stage(name, 2, { stage: "Production" })).toMatchObject({ stage: "Production", previous_stage: "Staging" });
    await moveRef(name, "champion", 1);
    // A rollback is never gated.
    expect(await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "undo" } })).toMatchObject({ version: 1 });
  });
});

const SIG = (inputs: Array<[string, string, boolean?]>, outputs: Array<[string, string]> = [["delay_min", "double"]]) => ({
  inputs: inputs.map(([name, type, optional]) => (optional ? { name, type, optional } : { name, type })),
  outputs: outputs.map(([name, type]) => ({ name, type })),
});
const BASE_INPUTS: Array<[string, string, boolean?]> = [
  ["distance_km", "double"],
  ["carrier", "string"],
];

describe("semantic versioning from the signature", () => {
  async function weatherModel() {
    const name = uniqueName("weather");
    await createModel(name);
    for (const v of ["1.0.0", "1.1.0", "1.2.0", "1.3.0"]) await createVersion(name, v, { signature: SIG(BASE_INPUTS) });
    return name;
  }

  it("the weather example: a new required input after 1.3.0 makes 1.4.0 refused and 2.0.0 accepted", async () => {
    const name = await weatherModel();
    const withWeather = SIG([...BASE_INPUTS, ["weather", "string"]]);
    const before = await tableCounts();
    const refused = await callJson("POST", `/v1/models/${name}/versions`, 422, { body: { semver: "1.4.0", signature: withWeather } });
    expect(refused.error.code).toBe("UNPROCESSABLE");
    expect(refused.error.message).toContain("requires a major bump after 1.3.0: 2.0.0 or later, not 1.4.0");
    expect(refused.error.details).toEqual({
      required_bump: "major",
      suggested_version: "2.0.0",
      previous_version: "1.3.0",
      changes: [{ kind: "new_required_input", severity: "major", input: "weather", detail: "new required input weather (string)" }],
    });
    expect(await tableCounts()).toEqual(before);
    await callJson("POST", `/v1/models/${name}/versions`, 422, { body: { semver: "1.3.1", signature: withWeather } });
    expect((await createVersion(name, "2.0.0", { signature: withWeather })).semver).toBe("2.0.0");
  });

  it("the plan answers the bump, the suggested number and the changes", async () => {
    const name = await weatherModel();
    const plan = await callJson("POST", `/v1/models/${name}/versions/plan`, 200, { body: { signature: SIG([...BASE_INPUTS, ["weather", "string"]]) } });
    expect(plan).toMatchObject({ required_bump: "major", suggested_version: "2.0.0", previous_version: "1.3.0" });
    expect(plan.changes.map((c: any) => c.kind)).toEqual(["new_required_input"]);
    const same = await callJson("POST", `/v1/models/${name}/versions/plan`, 200, { body: { signature: SIG(BASE_INPUTS) } });
    expect(same).toEqual({ required_bump: "patch", suggested_version: "1.3.1", previous_version: "1.3.0", changes: [] });
    const fresh = uniqueName();
    await createModel(fresh);
    expect(await callJson("POST", `/v1/models/${fresh}/versions/plan`, 200, { body: { signature: null } })).toEqual({
      required_bump: "patch",
      suggested_version: "1.0.0",
      previous_version: null,
      changes: [],
    });
  });

  it("mirror cases: an optional input needs a minor bump, removing or retyping an input or changing an output a major one", async () => {
    const name = await weatherModel();
    const optional = SIG([...BASE_INPUTS, ["weather", "string", true]]);
    const minor = await callJson("POST", `/v1/models/${name}/versions`, 422, { body: { semver: "1.3.1", signature: optional } });
    expect(minor.error.details).toMatchObject({ required_bump: "minor", suggested_version: "1.4.0" });
    await createVersion(name, "1.4.0", { signature: optional });
    const cases: Array<[string, ReturnType<typeof SIG>]> = [
      ["removed_input", SIG([["distance_km", "double"], ["weather", "string", true]])],
      ["retyped_input", SIG([["distance_km", "float"], ["carrier", "string"], ["weather", "string", true]])],
      ["input_became_required", SIG([...BASE_INPUTS, ["weather", "string"]])],
      ["retyped_output", SIG([...BASE_INPUTS, ["weather", "string", true]], [["delay_min", "int"]])],
      ["new_output", SIG([...BASE_INPUTS, ["weather", "string", true]], [["delay_min", "double"], ["p90", "double"]])],
    ];
    for (const [kind, signature] of cases) {
      const res = await callJson("POST", `/v1/models/${name}/versions`, 422, { body: { semver: "1.5.0", signature } });
      expect(res.error.details.changes.map((c: any) => c.kind), kind).toContain(kind);
      expect(res.error.details.required_bump).toBe("major");
    }
    expect((await createVersion(name, "1.4.1", { signature: optional })).semver).toBe("1.4.1");
  });

  it("judges a maintenance release against its own line, not the highest version", async () => {
    const name = await weatherModel();
    await createVersion(name, "2.0.0", { signature: SIG([...BASE_INPUTS, ["weather", "string"]]) });
    expect((await createVersion(name, "1.3.1", { signature: SIG(BASE_INPUTS) })).semver).toBe("1.3.1");
    await callJson("POST", `/v1/models/${name}/versions`, 422, { body: { semver: "1.3.2", signature: SIG([["distance_km", "double"]]) } });
  });

  it("has nothing to compare when a side has no signature", async () => {
    const name = await weatherModel();
    expect((await createVersion(name, "1.3.1")).semver).toBe("1.3.1");
    expect((await createVersion(name, "1.3.2", { signature: SIG([["x", "int"]]) })).semver).toBe("1.3.2");
  });
});
