import { describe, expect, it } from "vitest";
import { auditOf, call, callJson, createModel, createVersion, moveRef, passThroughStaging, tableCounts, uniqueName } from "./helpers";

async function modelWithVersions(count: number) {
  const name = uniqueName();
  await createModel(name);
  for (let i = 1; i <= count; i++) await createVersion(name, `1.${i}.0`);
  return name;
}

const refOf = async (name: string, ref: string) => (await callJson("GET", `/v1/models/${name}`, 200)).refs[ref];

describe("refs", () => {
  it("moves a stage ref and answers where it pointed before", async () => {
    const name = await modelWithVersions(2);
    await passThroughStaging(name, 1, 2);
    expect(await moveRef(name, "Production", 1, { reason: "first release" })).toEqual({ ref: "Production", version: 1, previous_version: null, generation: 1 });
    expect(await moveRef(name, "production", "1.2.0")).toEqual({ ref: "Production", version: 2, previous_version: 1, generation: 2 });
    expect(await refOf(name, "Production")).toBe(2);
    expect(await callJson("GET", `/v1/models/${name}/refs/Production`, 200)).toMatchObject({ ref: "Production", version: 2, generation: 2, updated_by: "admin" });
  });

  it("keeps one version per stage: moving Production takes it off the previous version", async () => {
    const name = await modelWithVersions(2);
    await passThroughStaging(name, 1, 2);
    await moveRef(name, "Production", 1);
    await moveRef(name, "Production", 2);
    const versions = (await callJson("GET", `/v1/models/${name}/versions`, 200)).items;
    expect(versions.filter((v: any) => v.stage === "Production").map((v: any) => v.number)).toEqual([2]);
  });

  it("compare-and-set: a stale expected_version gets 412 and changes nothing", async () => {
    const name = await modelWithVersions(3);
    await moveRef(name, "champion", 1);
    await moveRef(name, "champion", 2, { expected_version: 1 });
    const before = await tableCounts();
    const res = await callJson("PUT", `/v1/models/${name}/refs/champion`, 412, { body: { version: 3, expected_version: 1 } });
    expect(res.error).toMatchObject({ code: "PRECONDITION_FAILED", details: { field: "expected_version", expected: 1, actual: 2 } });
    expect(await tableCounts()).toEqual(before);
    await callJson("PUT", `/v1/models/${name}/refs/fresh`, 412, { body: { version: 3, expected_version: 1 } });
    await callJson("PUT", `/v1/models/${name}/refs/fresh`, 200, { body: { version: 3, expected_version: null } });
    await callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 3, expected_version: "1.2.0" } });
  });

  it("lets exactly one of N concurrent moves with the same expected_version win; the others get 412", async () => {
    const name = await modelWithVersions(9);
    await passThroughStaging(name, 1, 2, 3, 4, 5, 6, 7, 8, 9);
    await moveRef(name, "Production", 1);
    const responses = await Promise.all(
      [2, 3, 4, 5, 6, 7, 8, 9].map((version) => call("PUT", `/v1/models/${name}/refs/Production`, { body: { version, expected_version: 1 } })),
    );
    const statuses = responses.map((r) => r.status);
    expect(statuses.filter((s) => s === 200)).toHaveLength(1);
    expect(statuses.filter((s) => s === 412)).toHaveLength(7);
    const winner = (await responses[statuses.indexOf(200)]!.json()) as any;
    expect(await refOf(name, "Production")).toBe(winner.version);
    const moves = (await auditOf(name)).filter((e) => e.action === "ref.move" && e.ref === "Production");
    expect(moves.map((e) => e.version)).toEqual([1, winner.version]);
  });

  it("serialises concurrent moves without expected_version: all succeed, history matches the final state", async () => {
    const name = await modelWithVersions(6);
    const responses = await Promise.all([1, 2, 3, 4, 5, 6].map((version) => call("PUT", `/v1/models/${name}/refs/blue`, { body: { version } })));
    expect(responses.map((r) => r.status)).toEqual([200, 200, 200, 200, 200, 200]);
    const history = (await callJson("GET", `/v1/models/${name}/refs/blue/history`, 200)).items;
    expect(history.map((h: any) => h.generation)).toEqual([6, 5, 4, 3, 2, 1]);
    for (let i = 0; i < history.length - 1; i++) expect(history[i].from_version).toBe(history[i + 1].to_version);
    expect(await refOf(name, "blue")).toBe(history[0].to_version);
  });

  it("rolls back after several moves, walking back one move per rollback", async () => {
    const name = await modelWithVersions(3);
    await passThroughStaging(name, 1, 2, 3);
    await moveRef(name, "Production", 1);
    await moveRef(name, "Production", 2);
    await moveRef(name, "Production", 3);
    const first = await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "latency spike" } });
    expect(first).toEqual({ ref: "Production", version: 2, previous_version: 3, generation: 4 });
    expect(await refOf(name, "Production")).toBe(2);
    expect((await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: {} })).version).toBe(1);
    const none = await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 409, { body: {} });
    expect(none.error.message).toContain("no version before");
    const history = (await callJson("GET", `/v1/models/${name}/refs/Production/history`, 200)).items;
    expect(history.map((h: any) => [h.action, h.from_version, h.to_version])).toEqual([
      ["rollback", 2, 1],
      ["rollback", 3, 2],
      ["move", 2, 3],
      ["move", 1, 2],
      ["move", null, 1],
    ]);
    expect(history[1].reason).toBe("latency spike");
  });

  it("a move after a rollback becomes the next thing to roll back", async () => {
    const name = await modelWithVersions(3);
    await passThroughStaging(name, 1, 2, 3);
    await moveRef(name, "Production", 1);
    await moveRef(name, "Production", 2);
    await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: {} });
    await moveRef(name, "Production", 3);
    expect((await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: {} })).version).toBe(1);
  });

  it("removes an alias, records it, and a rollback restores it", async () => {
    const name = await modelWithVersions(1);
    await moveRef(name, "champion", 1);
    expect(await callJson("DELETE", `/v1/models/${name}/refs/champion?reason=retired`, 200)).toMatchObject({ version: null, previous_version: 1 });
    expect(await refOf(name, "champion")).toBeUndefined();
    await callJson("GET", `/v1/models/${name}/refs/champion`, 404);
    await callJson("DELETE", `/v1/models/${name}/refs/champion`, 404);
    expect((await callJson("POST", `/v1/models/${name}/refs/champion/rollback`, 200, { body: {} })).version).toBe(1);
  });

  it("empties Production only with force", async () => {
    const name = await modelWithVersions(1);
    await passThroughStaging(name, 1);
    await moveRef(name, "Production", 1);
    expect((await callJson("DELETE", `/v1/models/${name}/refs/Production`, 409)).error.details.field).toBe("force");
    await callJson("DELETE", `/v1/models/${name}/refs/Production?force=true&reason=incident`, 200);
  });

  it("targets only READY versions, and archived ones only with force and a reason", async () => {
    const name = await modelWithVersions(2);
    await callJson("PATCH", `/v1/models/${name}/versions/1`, 200, { body: { archived: true } });
    expect((await callJson("PUT", `/v1/models/${name}/refs/Production`, 409, { body: { version: 1 } })).error.details.field).toBe("force");
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 409, { body: { version: 1, force: true } });
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1, force: true, reason: "hotfix needs the old model" } });
    await createVersion(name, "9.0.0", { artifacts: [{ path: "m.bin", size: 1, sha256: "c".repeat(64) }] });
    expect((await callJson("PUT", `/v1/models/${name}/refs/Staging`, 409, { body: { version: 3 } })).error.details.status).toBe("PENDING");
  });

  it.each(["latest", "LATEST", "v3", "None", "archived", "1abc", "-x", "a".repeat(65)])("refuses the ref name %j with 400", async (ref) => {
    const name = await modelWithVersions(1);
    const res = await callJson("PUT", `/v1/models/${name}/refs/${ref}`, 400, { body: { version: 1 } });
    expect(JSON.stringify(res.error)).toMatch(/ref/);
  });

  it("answers 404 for an unknown version or model and 400 for a malformed body", async () => {
    const name = await modelWithVersions(1);
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 404, { body: { version: 7 } });
    await callJson("PUT", `/v1/models/${uniqueName()}/refs/Production`, 404, { body: { version: 1 } });
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 400, { body: { version: "one" } });
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 400, { body: {} });
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 400, { body: { version: 1, expected_version: true } });
  });

  it("lists refs and pages through history", async () => {
    const name = await modelWithVersions(3);
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Staging", 2);
    await moveRef(name, "Staging", 3);
    await moveRef(name, "Production", 1);
    expect((await callJson("GET", `/v1/models/${name}/refs`, 200)).items.map((r: any) => [r.ref, r.version])).toEqual([
      ["Production", 1],
      ["Staging", 3],
    ]);
    const page1 = await callJson("GET", `/v1/models/${name}/refs/Staging/history?limit=2`, 200);
    const page2 = await callJson("GET", `/v1/models/${name}/refs/Staging/history?limit=2&cursor=${page1.next_cursor}`, 200);
    expect([...page1.items, ...page2.items].map((h: any) => h.to_version)).toEqual([3, 2, 1]);
    expect(page2.next_cursor).toBeNull();
  });

  it("treats a move to the current version as a no-op that writes nothing", async () => {
    const name = await modelWithVersions(1);
    await passThroughStaging(name, 1);
    await moveRef(name, "Production", 1);
    const before = await tableCounts();
    expect(await moveRef(name, "Production", 1)).toMatchObject({ version: 1, previous_version: 1, generation: 1 });
    expect(await tableCounts()).toEqual(before);
  });
});
