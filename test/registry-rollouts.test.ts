/**
 * The rollout, observation and drift commands called directly, as any door would: the role and scope rules and the
 * emitted events are the command's own, whichever door (API, UI, cron) builds the context.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import type { Principal, Role } from "../src/auth/principal";
import { isoAt } from "../src/domain/clock";
import type { RegistryEvent } from "../src/domain/webhooks";
import type { CommandContext } from "../src/registry/context";
import { checkDrift, storeReferenceData } from "../src/registry/drift";
import { reportObservations } from "../src/registry/observations";
import { abortRollout, changeRolloutWeight, promoteRollout, startRollout } from "../src/registry/rollouts";
import { database } from "../src/store/db";
import { createModel, createVersion, moveRef, tableCounts, uniqueName } from "./helpers";

/** A context for `role` (scoped to `glob`) that keeps what the command emitted. */
function contextAs(role: Role, glob = "*"): CommandContext & { emitted: RegistryEvent[] } {
  const principal: Principal = { id: `test-${role}`, name: `test-${role}`, role, modelGlob: glob };
  const emitted: RegistryEvent[] = [];
  const now = Date.now();
  return {
    db: database(env.DB),
    clock: { now: () => now },
    principal,
    actor: principal.name,
    requestId: crypto.randomUUID(),
    now: isoAt(now),
    baseUrl: "http://edgereg.test",
    deliveryPolicy: { allowPrivateTargets: false },
    emit: (...events) => void emitted.push(...events),
    emitted,
  };
}

/** A model with versions 1 and 2 (READY) and its alias champion → 1. */
async function modelWithChampion() {
  const name = uniqueName("cmd");
  await createModel(name);
  await createVersion(name, "1.0.0");
  await createVersion(name, "1.1.0");
  await moveRef(name, "champion", 1);
  return name;
}

const forbidden = { code: "FORBIDDEN" };

describe("rollout commands", () => {
  it("are the admin's, within the token's scope; a refused command writes and emits nothing", async () => {
    const name = await modelWithChampion();
    const start = { candidate: { number: 2 }, weight: 5 };
    const before = await tableCounts();
    for (const ctx of [contextAs("publisher"), contextAs("reporter"), contextAs("admin", "other-*")]) {
      await expect(startRollout(ctx, name, "champion", start)).rejects.toMatchObject(forbidden);
      await expect(changeRolloutWeight(ctx, name, "champion", { weight: 10 })).rejects.toMatchObject(forbidden);
      await expect(promoteRollout(ctx, name, "champion")).rejects.toMatchObject(forbidden);
      await expect(abortRollout(ctx, name, "champion")).rejects.toMatchObject(forbidden);
      expect(ctx.emitted).toEqual([]);
    }
    expect(await tableCounts()).toEqual(before);
    const admin = contextAs("admin", "cmd-*");
    const started = await startRollout(admin, name, "champion", start);
    expect(started).toMatchObject({ ref: "champion", weight: 5, stable_version: 1, candidate_version: 2, created_by: "test-admin" });
    expect(admin.emitted.map((e) => e.type)).toEqual(["rollout.started"]);
  });

  it("announce a weight change only when the weight changed", async () => {
    const name = await modelWithChampion();
    const admin = contextAs("admin");
    await startRollout(admin, name, "champion", { candidate: { number: 2 }, steps: [5, 50] });
    expect(await changeRolloutWeight(admin, name, "champion", { weight: 5 })).toMatchObject({ changed: false, rollout: { weight: 5 } });
    expect(await changeRolloutWeight(admin, name, "champion", { step: "next" })).toMatchObject({ changed: true, rollout: { weight: 50 } });
    expect(await changeRolloutWeight(admin, name, "champion", { weight: 50 })).toMatchObject({ changed: false });
    expect(admin.emitted.map((e) => [e.type, e.data.weight])).toEqual([
      ["rollout.started", 5],
      ["rollout.changed", 50],
    ]);
    await expect(changeRolloutWeight(admin, name, "champion", { weight: 12.345 })).rejects.toMatchObject({ code: "BAD_REQUEST" });
  });
});

describe("reporting observations", () => {
  it("needs the reporter role and the model in scope", async () => {
    const name = await modelWithChampion();
    const batch = [{ version: 1, metrics: { accuracy: 1 } }];
    await expect(reportObservations(contextAs("reader"), name, batch)).rejects.toMatchObject(forbidden);
    await expect(reportObservations(contextAs("reporter", "other-*"), name, batch)).rejects.toMatchObject(forbidden);
    expect(await reportObservations(contextAs("reporter", "cmd-*"), name, batch)).toMatchObject({ accepted: 1, versions: [1], auto_rollback: [] });
  });
});

describe("drift commands", () => {
  it("store reference data as a publisher and check drift as a reader, within scope", async () => {
    const name = await modelWithChampion();
    const features = { x: [1, 2, 3, 4, 5, 6, 7, 8] };
    await expect(storeReferenceData(contextAs("reporter"), env.ARTIFACTS, name, { number: 1 }, features)).rejects.toMatchObject(forbidden);
    await expect(storeReferenceData(contextAs("publisher", "other-*"), env.ARTIFACTS, name, { number: 1 }, features)).rejects.toMatchObject(forbidden);
    expect(await storeReferenceData(contextAs("publisher"), env.ARTIFACTS, name, { number: 1 }, features)).toMatchObject({ version: 1, features: { x: { kind: "numbers", rows: 8 } } });

    await expect(checkDrift(contextAs("reader", "other-*"), env.ARTIFACTS, name, { ref: "champion" }, features)).rejects.toMatchObject(forbidden);
    const reader = contextAs("reader");
    const calm = await checkDrift(reader, env.ARTIFACTS, name, { ref: "champion" }, features);
    expect(calm).toMatchObject({ version: 1, dataset_drift: false, created_by: "test-reader" });
    const drifted = await checkDrift(reader, env.ARTIFACTS, name, { version: { number: 1 } }, { x: [101, 102, 103, 104, 105, 106, 107, 108] });
    expect(drifted.dataset_drift).toBe(true);
    expect(reader.emitted).toEqual([
      { type: "drift.detected", model: name, data: { report_id: drifted.id, version: 1, drift_share: 1, drifted_features: ["x"] } },
    ]);
  });
});
