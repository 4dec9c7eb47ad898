import { describe, expect, it } from "vitest";
import { auditOf, call, callJson, createModel, createVersion, moveRef, uniqueName } from "./helpers";

describe("audit log", () => {
  it("records exactly one event per mutation, with actor, request id, before, after and reason", async () => {
    const name = uniqueName();
    await createModel(name, { description: "d" });
    await callJson("PATCH", `/v1/models/${name}`, 200, { body: { description: "d2" } });
    await createVersion(name, "1.0.0", { description: "baseline" });
    await createVersion(name, "1.1.0");
    await callJson("PATCH", `/v1/models/${name}/versions/1`, 200, { body: { tags: { k: "v" } } });
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Staging", 2);
    await moveRef(name, "Production", 1, { reason: "launch" });
    await moveRef(name, "Production", 2, { reason: "better" });
    await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "regression" } });
    await moveRef(name, "champion", 2);
    await callJson("DELETE", `/v1/models/${name}/refs/champion?reason=done`, 200);
    // Refused requests write nothing.
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 412, { body: { version: 2, expected_version: 2 } });
    await callJson("POST", `/v1/models/${name}/versions`, 409, { body: { semver: "1.0.0" } });

    const events = await auditOf(name);
    expect(events.map((e) => [e.action, e.version, e.ref])).toEqual([
      ["model.create", null, null],
      ["model.update", null, null],
      ["version.create", 1, null],
      ["version.create", 2, null],
      ["version.update", 1, null],
      ["ref.move", 1, "Staging"],
      ["ref.move", 2, "Staging"],
      ["ref.move", 1, "Production"],
      ["ref.move", 2, "Production"],
      ["ref.rollback", 1, "Production"],
      ["ref.move", 2, "champion"],
      ["ref.delete", null, "champion"],
    ]);
    expect(new Set(events.map((e) => e.request_id)).size).toBe(events.length);
    expect(events.every((e) => e.actor === "admin" && /^\d{4}-\d\d-\d\dT/.test(e.at))).toBe(true);
    expect(events[8]).toMatchObject({ before: { version: 1 }, after: { version: 2 }, reason: "better" });
    expect(events[9]).toMatchObject({ before: { version: 2 }, after: { version: 1 }, reason: "regression" });
    expect(events[1]).toMatchObject({ before: { description: "d" }, after: { description: "d2" } });
  });

  it("filters by model, actor, action family and time, newest first, with pagination", async () => {
    const name = uniqueName();
    const start = new Date().toISOString();
    await createModel(name);
    await createVersion(name, "1.0.0");
    await moveRef(name, "Staging", 1);
    await moveRef(name, "champion", 1);
    const refs = await callJson("GET", `/v1/audit?model=${name}&action=ref.*`, 200);
    expect(refs.items.map((e: any) => e.ref)).toEqual(["champion", "Staging"]);
    const exact = await callJson("GET", `/v1/audit?model=${name}&action=version.create&actor=admin&since=${start}`, 200);
    expect(exact.items).toHaveLength(1);
    expect((await callJson("GET", `/v1/audit?model=${name}&until=2000-01-01T00:00:00Z`, 200)).items).toEqual([]);
    const page1 = await callJson("GET", `/v1/audit?model=${name}&limit=3`, 200);
    const page2 = await callJson("GET", `/v1/audit?model=${name}&limit=3&cursor=${page1.next_cursor}`, 200);
    expect([...page1.items, ...page2.items].map((e: any) => e.action)).toEqual(["ref.move", "ref.move", "version.create", "model.create"]);
    expect(page2.next_cursor).toBeNull();
    await callJson("GET", `/v1/audit?since=yesterday`, 400);
  });

  it("offers no way to edit or delete events", async () => {
    for (const method of ["DELETE", "PUT", "PATCH", "POST"]) {
      const res = await call(method, "/v1/audit", { body: {} });
      expect([404, 405]).toContain(res.status);
    }
  });
});
