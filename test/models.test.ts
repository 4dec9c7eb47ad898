import { describe, expect, it } from "vitest";
import { call, callJson, createModel, createVersion, moveRef, tableCounts, uniqueName } from "./helpers";

describe("registered models", () => {
  it("creates a model and reads it back with its refs and latest version", async () => {
    const name = uniqueName("fraud");
    const created = await createModel(name, { description: "Flags card fraud", tags: { team: "risk" } });
    expect(created).toMatchObject({ name, description: "Flags card fraud", tags: { team: "risk" }, refs: {}, latest_version: null, created_by: "admin" });
    await createVersion(name, "1.0.0");
    await createVersion(name, "1.1.0");
    await moveRef(name, "Staging", 1);
    await moveRef(name, "Production", 1);
    await moveRef(name, "champion", 2);
    const model = await callJson("GET", `/v1/models/${name}`, 200);
    expect(model.refs).toEqual({ Production: 1, Staging: 1, champion: 2 });
    expect(model.latest_version).toBe(2);
  });

  it("refuses a duplicate name with 409 and changes nothing", async () => {
    const name = uniqueName();
    await createModel(name);
    const before = await tableCounts();
    const res = await callJson("POST", "/v1/models", 409, { body: { name } });
    expect(res.error).toMatchObject({ code: "CONFLICT", details: { field: "name" } });
    expect(await tableCounts()).toEqual(before);
  });

  it.each([
    ["-starts-with-dash"],
    ["has space"],
    ["has/slash"],
    ["a".repeat(129)],
    [""],
    ["ünïcode"],
  ])("refuses the invalid name %j with 400 naming the field", async (name) => {
    const before = await tableCounts();
    const res = await callJson("POST", "/v1/models", 400, { body: { name } });
    expect(res.error.code).toBe("VALIDATION_FAILED");
    expect(JSON.stringify(res.error.details)).toContain("name");
    expect(await tableCounts()).toEqual(before);
  });

  it("accepts names with dots, dashes and underscores up to 128 characters", async () => {
    await createModel(`a.b-c_${uniqueName()}`);
    await createModel(`Z${"x".repeat(127 - 20)}${uniqueName().slice(0, 20)}`.slice(0, 128));
  });

  it("lists with cursor pagination, a name filter and a tag filter", async () => {
    const prefix = uniqueName("page");
    for (let i = 0; i < 5; i++) await createModel(`${prefix}-${i}`, { tags: { team: i % 2 ? "odd" : "even", tier: "gold" } });
    const seen: string[] = [];
    let cursor: string | null = null;
    do {
      const page: any = await callJson("GET", `/v1/models?q=${prefix}&limit=2${cursor ? `&cursor=${cursor}` : ""}`, 200);
      expect(page.items.length).toBeLessThanOrEqual(2);
      seen.push(...page.items.map((m: any) => m.name));
      cursor = page.next_cursor;
    } while (cursor);
    expect(seen).toEqual([0, 1, 2, 3, 4].map((i) => `${prefix}-${i}`));

    const odd = await callJson("GET", `/v1/models?q=${prefix}&tag=team%3Dodd&tag=tier%3Dgold`, 200);
    expect(odd.items.map((m: any) => m.name)).toEqual([`${prefix}-1`, `${prefix}-3`]);
  });

  it("matches q case-insensitively and treats % and _ literally", async () => {
    const prefix = uniqueName("Case");
    await createModel(`${prefix}_x`);
    await createModel(`${prefix}ax`);
    const found = await callJson("GET", `/v1/models?q=${prefix.toLowerCase()}_`, 200);
    expect(found.items.map((m: any) => m.name)).toEqual([`${prefix}_x`]);
  });

  it("rejects a forged cursor and a bad tag filter with 400", async () => {
    expect((await callJson("GET", "/v1/models?cursor=not-a-cursor", 400)).error.details.field).toBe("cursor");
    expect((await callJson("GET", "/v1/models?tag=novalue", 400)).error.details.field).toBe("tag");
    expect((await callJson("GET", "/v1/models?limit=0", 400)).error.code).toBe("VALIDATION_FAILED");
    expect((await callJson("GET", "/v1/models?limit=201", 400)).error.code).toBe("VALIDATION_FAILED");
  });

  it("updates description and tags; null removes a tag", async () => {
    const name = uniqueName();
    await createModel(name, { tags: { a: "1", b: "2" } });
    const updated = await callJson("PATCH", `/v1/models/${name}`, 200, { body: { description: "new", tags: { a: null, c: "3" } } });
    expect(updated).toMatchObject({ description: "new", tags: { b: "2", c: "3" } });
  });

  it("answers 404 for an unknown model and refuses unknown fields", async () => {
    expect((await callJson("GET", `/v1/models/${uniqueName()}`, 404)).error.code).toBe("NOT_FOUND");
    const name = uniqueName();
    await createModel(name);
    expect((await callJson("PATCH", `/v1/models/${name}`, 400, { body: { nickname: "renamed" } })).error.code).toBe("VALIDATION_FAILED");
  });

  it("answers 400 for malformed JSON and 413 for an oversized body", async () => {
    const malformed = await call("POST", "/v1/models", { body: "{not json", headers: { "Content-Type": "application/json" } });
    expect(malformed.status).toBe(400);
    expect(((await malformed.json()) as any).error.code).toBe("BAD_REQUEST");
    const big = await call("POST", "/v1/models", { body: { name: uniqueName(), description: "x".repeat(1_100_000) } });
    expect(big.status).toBe(413);
    expect(((await big.json()) as any).error.code).toBe("PAYLOAD_TOO_LARGE");
  });
});

describe("latest_version", () => {
  it("is the highest READY, non-archived number, as models:/NAME/latest resolves", async () => {
    const name = uniqueName();
    await createModel(name);
    await createVersion(name, "1.0.0");
    await createVersion(name, "1.1.0");
    await callJson("PATCH", `/v1/models/${name}/versions/2`, 200, { body: { archived: true } });
    expect((await callJson("GET", `/v1/models/${name}`, 200)).latest_version).toBe(1);
    const resolved = await callJson("GET", `/v1/resolve?ref=${encodeURIComponent(`models:/${name}/latest`)}`, 200);
    expect(resolved.number).toBe(1);
  });
});
