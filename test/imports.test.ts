/**
 * What `edgereg import` needs from the API: a version may keep the source registry's number, and a stage or alias
 * assignment copied from it is recorded as an import rather than re-judged by the gate. Both are an admin's.
 */
import { describe, expect, it } from "vitest";
import { auditOf, callJson, createModel, createVersion, tokenFor, uniqueName } from "./helpers";

describe("a version created with an explicit number (admin)", () => {
  it("takes that number, and the next plain creation continues after the highest", async () => {
    const name = uniqueName("import");
    await createModel(name);
    expect((await createVersion(name, "0.0.0-mlflow.3", { number: 3 })).number).toBe(3);
    expect((await createVersion(name, "0.0.0-mlflow.7", { number: 7 })).number).toBe(7);
    expect((await createVersion(name, "1.0.0")).number).toBe(8);
    expect((await createVersion(name, "0.0.0-mlflow.5", { number: 5 })).number).toBe(5);
  });

  it("answers 409 naming the field when the number is taken, and 403 for a publisher", async () => {
    const name = uniqueName("import");
    await createModel(name);
    await createVersion(name, "1.0.0", { number: 2 });
    const taken = await callJson("POST", `/v1/models/${name}/versions`, 409, { body: { semver: "1.1.0", number: 2 } });
    expect(taken.error.details.field).toBe("number");
    expect(taken.error.message).toContain("version 2");
    const publisher = await tokenFor("publisher");
    const refused = await callJson("POST", `/v1/models/${name}/versions`, 403, { body: { semver: "1.2.0", number: 9 }, token: publisher });
    expect(refused.error.code).toBe("FORBIDDEN");
    await callJson("POST", `/v1/models/${name}/versions`, 400, { body: { semver: "1.2.0", number: 0 } });
  });
});

describe("a ref move imported from another registry", () => {
  it("skips the gate, is recorded as an import, and rolls back like any move", async () => {
    const name = uniqueName("import");
    await createModel(name);
    await createVersion(name, "1.0.0");
    await createVersion(name, "1.1.0");
    await callJson("PUT", `/v1/models/${name}/policy`, 200, { body: { require_staging: true, floors: { accuracy: 0.9 } } });
    // The gate refuses a plain move: never in Staging, no accuracy.
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 422, { body: { version: 1 } });
    const source = "https://mlflow.example.com";
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 1, imported_from: source } });
    await callJson("PUT", `/v1/models/${name}/refs/Production`, 200, { body: { version: 2, imported_from: source } });
    const history = await callJson("GET", `/v1/models/${name}/refs/Production/history`, 200);
    expect(history.items.map((e: any) => [e.action, e.to_version, e.reason])).toEqual([
      ["import", 2, `imported from ${source}`],
      ["import", 1, `imported from ${source}`],
    ]);
    const audit = (await auditOf(name)).filter((e) => e.action === "ref.import");
    expect(audit).toHaveLength(2);
    expect(JSON.stringify(audit[0])).toContain(source);
    const back = await callJson("POST", `/v1/models/${name}/refs/Production/rollback`, 200, { body: { reason: "check" } });
    expect(back.version).toBe(1);
  });

  it("is an admin's, and refuses an archived target", async () => {
    const name = uniqueName("import");
    await createModel(name);
    await createVersion(name, "1.0.0");
    const publisher = await tokenFor("publisher");
    await callJson("PUT", `/v1/models/${name}/refs/Staging`, 403, { body: { version: 1, imported_from: "https://x" }, token: publisher });
    await callJson("PATCH", `/v1/models/${name}/versions/1`, 200, { body: { archived: true } });
    const archived = await callJson("PUT", `/v1/models/${name}/refs/champion`, 409, { body: { version: 1, imported_from: "https://x" } });
    expect(archived.error.message).toContain("archived");
  });
});
