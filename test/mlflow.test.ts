/**
 * The MLflow facade, replayed the way MLflow's Python client calls it (mlflow/store/model_registry/rest_store.py):
 * GET with query strings (repeated keys for lists), other methods with JSON bodies (DELETE too), answers shaped as
 * model_registry.proto's messages, errors as {error_code, message} with MLflow's statuses.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { auditOf, call, callJson, tokenFor, uniqueName } from "./helpers";

const API = "/api/2.0/mlflow";

interface Options {
  token?: string | null;
  /** Sent raw, as a body. */
  raw?: string;
}

/** One MLflow RPC: `params` become the query string for GET (arrays as repeated keys), the JSON body otherwise. */
async function rpc(method: string, endpoint: string, params: Record<string, unknown> = {}, options: Options = {}) {
  let path = `${API}/${endpoint}`;
  let body: unknown = options.raw ?? params;
  if (method === "GET") {
    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) for (const v of [value].flat()) query.append(key, String(v));
    path += `?${query}`;
    body = undefined;
  }
  const res = await call(method, path, { body, token: options.token });
  return { status: res.status, headers: res.headers, body: (await res.json()) as any };
}

async function ok(method: string, endpoint: string, params: Record<string, unknown> = {}, options: Options = {}) {
  const res = await rpc(method, endpoint, params, options);
  expect(res.status, `${method} ${endpoint} → ${JSON.stringify(res.body)}`).toBe(200);
  return res.body;
}

/** An MLflow error: the status MLflow maps the code to, and exactly {error_code, message}. */
async function refused(status: number, code: string, method: string, endpoint: string, params: Record<string, unknown> = {}, options: Options = {}) {
  const res = await rpc(method, endpoint, params, options);
  expect(res.status, `${method} ${endpoint} → ${JSON.stringify(res.body)}`).toBe(status);
  expect(Object.keys(res.body).sort()).toEqual(["error_code", "message"]);
  expect(res.body.error_code).toBe(code);
  return res.body.message as string;
}

const registerModel = (name = uniqueName("mlf"), extra: Record<string, unknown> = {}) =>
  ok("POST", "registered-models/create", { name, ...extra }).then((b) => b.registered_model);
const createVersion = (name: string, extra: Record<string, unknown> = {}) =>
  ok("POST", "model-versions/create", { name, source: "s3://bucket/path/model", ...extra }).then((b) => b.model_version);
const transition = (name: string, version: string, stage: string, archive = false) =>
  ok("POST", "model-versions/transition-stage", { name, version, stage, archive_existing_versions: archive }).then((b) => b.model_version);

describe("registered models", () => {
  it("create answers a RegisteredModel: epoch-ms timestamps, tags as [{key, value}], empty lists left out", async () => {
    const name = uniqueName("mlf");
    const model = await registerModel(name, { tags: [{ key: "team", value: "risk" }], description: "Fraud scores" });
    expect(model).toEqual({
      name,
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      user_id: "admin",
      description: "Fraud scores",
      tags: [{ key: "team", value: "risk" }],
    });
    expect(model.creation_timestamp).toBeGreaterThan(1_600_000_000_000);
    expect(await ok("GET", "registered-models/get", { name })).toEqual({ registered_model: model });
    // The same model edgereg's own API sees, created and audited once.
    expect(await callJson("GET", `/v1/models/${name}`, 200)).toMatchObject({ name, description: "Fraud scores", tags: { team: "risk" } });
    expect((await auditOf(name)).map((e) => e.action)).toEqual(["model.create"]);
  });

  it("refuses a duplicate with RESOURCE_ALREADY_EXISTS (400) and bad input with INVALID_PARAMETER_VALUE", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    expect(await refused(400, "RESOURCE_ALREADY_EXISTS", "POST", "registered-models/create", { name })).toBe(
      `Registered Model (name=${name}) already exists.`,
    );
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/create", {})).toBe(
      "Missing value for required parameter 'name'. See the API docs for more information about request parameters.",
    );
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/create", { name: 42 })).toMatch(
      /^Invalid value 42 for parameter 'name' supplied/,
    );
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/create", { name: "has space" })).toMatch(/^name: model names/);
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/create", {}, { raw: "{not json" })).toMatch(/not valid JSON/);
  });

  it("reads a double-encoded JSON body, as MLflow's server does for old clients", async () => {
    const name = uniqueName("mlf");
    await ok("POST", "registered-models/create", {}, { raw: JSON.stringify(JSON.stringify({ name })) });
    await ok("GET", "registered-models/get", { name });
  });

  it("get of an unknown model is RESOURCE_DOES_NOT_EXIST (404)", async () => {
    const name = uniqueName("missing");
    expect(await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "registered-models/get", { name })).toBe(`Registered Model with name=${name} not found`);
  });

  it("update sets the description (and clears it when absent, as MLflow does)", async () => {
    const name = uniqueName("mlf");
    await registerModel(name, { description: "old" });
    const updated = (await ok("PATCH", "registered-models/update", { name, description: "new" })).registered_model;
    expect(updated.description).toBe("new");
    expect((await ok("PATCH", "registered-models/update", { name })).registered_model.description).toBe("");
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "PATCH", "registered-models/update", { name: uniqueName("missing"), description: "x" });
  });

  it("rename answers the RegisteredModel under its new name; the old name is gone for MLflow reads", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    const renamed = (await ok("POST", "registered-models/rename", { name, new_name: `${name}-2` })).registered_model;
    expect(renamed.name).toBe(`${name}-2`);
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "registered-models/get", { name });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "registered-models/rename", { name: uniqueName("missing"), new_name: "x" });
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/rename", { name: `${name}-2` });
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/rename", { name: `${name}-2`, new_name: "bad name" });
    await ok("GET", "registered-models/get", { name: `${name}-2` });
  });

  it("set-tag and delete-tag (DELETE with a JSON body); deleting an absent tag is a no-op", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    expect(await ok("POST", "registered-models/set-tag", { name, key: "owner", value: "ops" })).toEqual({});
    await ok("POST", "registered-models/set-tag", { name, key: "owner", value: "risk" });
    expect((await ok("GET", "registered-models/get", { name })).registered_model.tags).toEqual([{ key: "owner", value: "risk" }]);
    expect(await ok("DELETE", "registered-models/delete-tag", { name, key: "owner" })).toEqual({});
    await ok("DELETE", "registered-models/delete-tag", { name, key: "never-set" });
    expect((await ok("GET", "registered-models/get", { name })).registered_model.tags).toBeUndefined();
    expect((await auditOf(name)).map((e) => e.action)).toEqual(["model.create", "model.update", "model.update", "model.update"]);
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/set-tag", { name, key: "bad=key", value: "x" });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "DELETE", "registered-models/delete-tag", { name: uniqueName("missing"), key: "k" });
  });

  it("delete hides the model and its versions from MLflow and keeps them for admins; refused while Production serves one", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    await createVersion(name);
    await transition(name, "2", "Staging");
    await transition(name, "2", "Production");
    expect(await refused(409, "RESOURCE_CONFLICT", "DELETE", "registered-models/delete", { name })).toMatch(/still serves version 2 in Production/);
    await callJson("DELETE", `/v1/models/${name}/refs/Production?force=true&reason=retired`, 200);
    expect(await ok("DELETE", "registered-models/delete", { name })).toEqual({});
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "registered-models/get", { name });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "registered-models/get-latest-versions", { name });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "model-versions/get", { name, version: "1" });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "DELETE", "registered-models/delete", { name });
    const kept = await callJson("GET", `/v1/models/${name}`, 200);
    expect(kept.refs).toEqual({});
    expect(kept.deleted_at).toEqual(expect.any(String));
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "DELETE", "registered-models/delete", { name: uniqueName("missing") });
  });
});

describe("search registered models", () => {
  it("filters by name with =, LIKE (case-sensitive), ILIKE, and by tags", async () => {
    const prefix = uniqueName("Srch");
    await registerModel(`${prefix}-a`, { tags: [{ key: "team", value: "risk" }] });
    await registerModel(`${prefix}-b`, { tags: [{ key: "team", value: "ops" }] });
    await registerModel(`${prefix}-c`);
    const names = async (params: Record<string, unknown>) =>
      ((await ok("GET", "registered-models/search", params)).registered_models ?? []).map((m: any) => m.name);
    expect(await names({ filter: `name = '${prefix}-b'` })).toEqual([`${prefix}-b`]);
    expect(await names({ filter: `name LIKE '${prefix}-%'` })).toEqual([`${prefix}-a`, `${prefix}-b`, `${prefix}-c`]);
    expect(await names({ filter: `name LIKE '${prefix.toLowerCase()}-%'` })).toEqual([]);
    expect(await names({ filter: `name ILIKE '${prefix.toLowerCase()}-%'` })).toHaveLength(3);
    expect(await names({ filter: `name LIKE '${prefix}-%' AND tags.team = 'risk'` })).toEqual([`${prefix}-a`]);
    expect(await names({ filter: `name LIKE '${prefix}-%' AND tags.team != 'risk'` })).toEqual([`${prefix}-b`]);
    expect(await names({ filter: `name LIKE '${prefix}-%'`, order_by: ["name DESC"] })).toEqual([`${prefix}-c`, `${prefix}-b`, `${prefix}-a`]);
    expect(await ok("GET", "registered-models/search", { filter: `name = '${prefix}-none'` })).toEqual({});
  });

  it("pages with max_results and next_page_token until the last page, which has no token", async () => {
    const prefix = uniqueName("page");
    for (const suffix of ["a", "b", "c", "d", "e"]) await registerModel(`${prefix}-${suffix}`);
    const seen: string[] = [];
    let token: string | undefined;
    let pages = 0;
    do {
      const page = await ok("GET", "registered-models/search", { filter: `name LIKE '${prefix}-%'`, max_results: 2, ...(token ? { page_token: token } : {}) });
      seen.push(...page.registered_models.map((m: any) => m.name));
      token = page.next_page_token;
      pages++;
    } while (token);
    expect(pages).toBe(3);
    expect(seen).toEqual(["a", "b", "c", "d", "e"].map((s) => `${prefix}-${s}`));
  });

  it("refuses bad filters, orderings, page sizes and tokens with INVALID_PARAMETER_VALUE", async () => {
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/search", { filter: "name = 'a' OR name = 'b'" });
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/search", { order_by: ["version_number"] });
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/search", { max_results: 1001 })).toBe(
      "Invalid value for request parameter max_results. It must be at most 1000, but got value 1001",
    );
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/search", { max_results: "ten" });
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/search", { page_token: "%%%" });
  });

  it("a token scoped to a model glob finds only its models", async () => {
    const prefix = uniqueName("scope");
    await registerModel(`${prefix}-mine`);
    await registerModel(`other-${prefix}`);
    const scoped = await tokenFor("reader", `${prefix}-*`);
    const found = await ok("GET", "registered-models/search", { filter: `name LIKE '%${prefix}%'` }, { token: scoped });
    expect(found.registered_models.map((m: any) => m.name)).toEqual([`${prefix}-mine`]);
  });
});

describe("model versions", () => {
  it("create answers a ModelVersion with version as a string; edgereg assigns the semver 0.0.0-mlflow.N", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    const created = await createVersion(name, {
      run_id: "3db9851cb0b64f1e8987cc009d3d49ab",
      tags: [{ key: "trainer", value: "xgboost" }],
      description: "baseline",
    });
    expect(created).toEqual({
      name,
      version: "1",
      creation_timestamp: expect.any(Number),
      last_updated_timestamp: expect.any(Number),
      user_id: "admin",
      current_stage: "None",
      description: "baseline",
      source: "s3://bucket/path/model",
      run_id: "3db9851cb0b64f1e8987cc009d3d49ab",
      status: "READY",
      tags: [{ key: "trainer", value: "xgboost" }],
    });
    expect((await createVersion(name)).version).toBe("2");
    expect(await callJson("GET", `/v1/models/${name}/versions/1`, 200)).toMatchObject({
      semver: "0.0.0-mlflow.1",
      source: "s3://bucket/path/model",
      run_id: "3db9851cb0b64f1e8987cc009d3d49ab",
    });
    expect((await callJson("GET", `/v1/models/${name}/versions/2`, 200)).semver).toBe("0.0.0-mlflow.2");
    expect((await auditOf(name)).filter((e) => e.action === "version.create")).toHaveLength(2);
  });

  it("numbers concurrent creates without a semver atomically: 8 parallel creates give versions 1–8, each 0.0.0-mlflow.N, no conflict", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    const answers = await Promise.all(Array.from({ length: 8 }, (_, i) => rpc("POST", "model-versions/create", { name, source: `s3://b/run-${i}` })));
    expect(answers.map((a) => a.status)).toEqual(Array(8).fill(200));
    const numbers = answers.map((a) => Number(a.body.model_version.version)).sort((x, y) => x - y);
    expect(numbers).toEqual([1, 2, 3, 4, 5, 6, 7, 8]);
    // Each version's semver carries its own number, and each answer names the version its request created.
    const listed = await callJson("GET", `/v1/models/${name}/versions?limit=50`, 200);
    expect(listed.items.map((v: any) => [v.number, v.semver])).toEqual(numbers.reverse().map((n) => [n, `0.0.0-mlflow.${n}`]));
    for (const a of answers) {
      const version = listed.items.find((v: any) => String(v.number) === a.body.model_version.version);
      expect(version.source).toBe(a.body.model_version.source);
    }
    const created = (await auditOf(name)).filter((e) => e.action === "version.create");
    expect(created.map((e) => [e.version, e.after.semver]).sort((x, y) => x[0] - y[0])).toEqual(
      [1, 2, 3, 4, 5, 6, 7, 8].map((n) => [n, `0.0.0-mlflow.${n}`]),
    );
  });

  it("takes a semver from the edgereg.semver tag, once per model", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    const created = await createVersion(name, { tags: [{ key: "edgereg.semver", value: "2.1.0" }, { key: "k", value: "v" }] });
    expect(created.tags).toEqual([{ key: "k", value: "v" }]);
    expect((await callJson("GET", `/v1/models/${name}/versions/${created.version}`, 200)).semver).toBe("2.1.0");
    await refused(400, "RESOURCE_ALREADY_EXISTS", "POST", "model-versions/create", { name, source: "s3://x", tags: [{ key: "edgereg.semver", value: "2.1.0" }] });
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "model-versions/create", { name, source: "s3://x", tags: [{ key: "edgereg.semver", value: "v2" }] });
  });

  it("refuses a version without source, or of an unknown model", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "model-versions/create", { name })).toMatch(/required parameter 'source'/);
    expect(await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "model-versions/create", { name: `${name}-x`, source: "s3://x" })).toBe(
      `Registered Model with name=${name}-x not found`,
    );
  });

  it("get, update and the errors for unknown or malformed versions", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name, { description: "first" });
    expect((await ok("GET", "model-versions/get", { name, version: "1" })).model_version.description).toBe("first");
    const updated = (await ok("PATCH", "model-versions/update", { name, version: "1", description: "second" })).model_version;
    expect(updated).toMatchObject({ version: "1", description: "second" });
    expect(await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "model-versions/get", { name, version: "9" })).toBe(
      `Model Version (name=${name}, version=9) not found`,
    );
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "GET", "model-versions/get", { name, version: "one" })).toBe(
      "Parameter 'version' must be an integer, got 'one'.",
    );
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "model-versions/get", { name });
  });

  it("delete hides the version from MLflow (taking it out of its stage); admins still see it archived; in Production only an admin's", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    await createVersion(name);
    await createVersion(name);
    expect(await ok("DELETE", "model-versions/delete", { name, version: "1" })).toEqual({});
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "DELETE", "model-versions/delete", { name, version: "1" });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "model-versions/get", { name, version: "1" });
    expect(await callJson("GET", `/v1/models/${name}/versions/1`, 200)).toMatchObject({ archived: true, deleted_at: expect.any(String) });
    await transition(name, "2", "Staging");
    await ok("DELETE", "model-versions/delete", { name, version: "2" });
    await callJson("GET", `/v1/models/${name}/refs/Staging`, 404);
    await transition(name, "3", "Staging");
    await transition(name, "3", "Production");
    // As in MLflow, the Production version may be deleted, which empties Production: an admin's decision.
    const publisher = await tokenFor("publisher");
    await refused(403, "PERMISSION_DENIED", "DELETE", "model-versions/delete", { name, version: "3" }, { token: publisher });
    await ok("DELETE", "model-versions/delete", { name, version: "3" });
    await callJson("GET", `/v1/models/${name}/refs/Production`, 404);
  });

  it("set-tag and delete-tag on versions", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    await ok("POST", "model-versions/set-tag", { name, version: "1", key: "validated", value: "yes" });
    expect((await ok("GET", "model-versions/get", { name, version: "1" })).model_version.tags).toEqual([{ key: "validated", value: "yes" }]);
    await ok("DELETE", "model-versions/delete-tag", { name, version: "1", key: "validated" });
    await ok("DELETE", "model-versions/delete-tag", { name, version: "1", key: "absent" });
    expect((await ok("GET", "model-versions/get", { name, version: "1" })).model_version.tags).toBeUndefined();
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "model-versions/set-tag", { name, version: "5", key: "k", value: "v" });
  });

  it("search filters by name, run_id IN, version_number and tags; pages; newest change first by default", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name, { run_id: "run-a" });
    await createVersion(name, { run_id: "run-b", tags: [{ key: "candidate", value: "true" }] });
    await createVersion(name, { run_id: "run-c" });
    const versions = async (params: Record<string, unknown>) =>
      ((await ok("GET", "model-versions/search", params)).model_versions ?? []).map((v: any) => v.version);
    expect(await versions({ filter: `name='${name}'`, order_by: ["version_number DESC"] })).toEqual(["3", "2", "1"]);
    expect(await versions({ filter: `name='${name}' AND run_id IN ('run-a', 'run-c')`, order_by: ["version_number"] })).toEqual(["1", "3"]);
    expect(await versions({ filter: `name='${name}' AND version_number > 1`, order_by: ["version_number ASC"] })).toEqual(["2", "3"]);
    expect(await versions({ filter: `name='${name}' AND tags.candidate = 'true'` })).toEqual(["2"]);
    expect(await versions({ filter: `name='${name}' AND source_path LIKE 's3://bucket/%'` })).toHaveLength(3);
    const first = await ok("GET", "model-versions/search", { filter: `name='${name}'`, max_results: 2, order_by: ["version_number"] });
    expect(first.model_versions.map((v: any) => v.version)).toEqual(["1", "2"]);
    const second = await ok("GET", "model-versions/search", { filter: `name='${name}'`, max_results: 2, order_by: ["version_number"], page_token: first.next_page_token });
    expect(second).toEqual({ model_versions: [expect.objectContaining({ version: "3" })] });
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "model-versions/search", { filter: "stage = 'Production'" });
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "model-versions/search", { max_results: 200_001 });
  });
});

describe("stages", () => {
  it("transition-stage moves edgereg's stage refs through the gate", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    const staged = await transition(name, "1", "staging");
    expect(staged).toMatchObject({ version: "1", current_stage: "Staging" });
    expect(await callJson("GET", `/v1/models/${name}/refs/Staging`, 200)).toMatchObject({ version: 1 });
    expect((await transition(name, "1", "Production")).current_stage).toBe("Production");
    expect(await callJson("GET", `/v1/models/${name}/refs/Production`, 200)).toMatchObject({ version: 1 });
    expect((await auditOf(name)).filter((e) => e.action === "version.stage")).toHaveLength(2);
  });

  it("a refused transition answers INVALID_PARAMETER_VALUE naming the failed checks, and moves nothing", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    const message = await refused(400, "INVALID_PARAMETER_VALUE", "POST", "model-versions/transition-stage", {
      name,
      version: "1",
      stage: "Production",
      archive_existing_versions: false,
    });
    expect(message).toBe("Transition of version 1 to Production refused by the model's policy: staged_first (version 1 must be in Staging before Production).");
    await callJson("GET", `/v1/models/${name}/refs/Production`, 404);
  });

  it("the previous holder leaves the stage; archive_existing_versions also archives it", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    for (let i = 0; i < 3; i++) await createVersion(name);
    await transition(name, "1", "Staging");
    await transition(name, "2", "Staging");
    expect((await ok("GET", "model-versions/get", { name, version: "1" })).model_version.current_stage).toBe("None");
    await transition(name, "3", "Staging", true);
    expect((await ok("GET", "model-versions/get", { name, version: "2" })).model_version.current_stage).toBe("Archived");
    const message = await refused(400, "INVALID_PARAMETER_VALUE", "POST", "model-versions/transition-stage", {
      name,
      version: "1",
      stage: "None",
      archive_existing_versions: true,
    });
    expect(message).toMatch(/'None' is not an Active stage/);
  });

  it("Archived and None set the archived flag; Archived → Staging → Production goes through the gate and un-archives", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    await createVersion(name);
    expect((await transition(name, "1", "Archived")).current_stage).toBe("Archived");
    expect((await transition(name, "1", "None")).current_stage).toBe("None");
    await transition(name, "2", "Staging");
    await transition(name, "2", "Production");
    // A version archive_existing_versions archived comes back, as with MLflow's server (issue 15).
    await transition(name, "1", "Staging");
    expect((await transition(name, "1", "Production", true)).current_stage).toBe("Production");
    expect((await ok("GET", "model-versions/get", { name, version: "2" })).model_version.current_stage).toBe("Archived");
    await transition(name, "2", "Staging");
    expect((await transition(name, "2", "Production", true)).current_stage).toBe("Production");
    expect(await callJson("GET", `/v1/models/${name}/versions/2`, 200)).toMatchObject({ archived: false, stage: "Production" });
    const unarchived = (await auditOf(name)).filter((e) => e.action === "version.stage" && e.after?.unarchived);
    expect(unarchived.map((e) => [e.version, e.after.stage])).toEqual([[2, "Staging"]]);
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "model-versions/transition-stage", { name, version: "2", stage: "Prod" });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "model-versions/transition-stage", { name, version: "7", stage: "Staging" });
  });

  it("an admin's transition of the Production version to Archived or None empties Production; a publisher's is refused", async () => {
    for (const stage of ["Archived", "None"]) {
      const name = uniqueName("mlf");
      await registerModel(name);
      await createVersion(name);
      await transition(name, "1", "Staging");
      await transition(name, "1", "Production");
      const publisher = await tokenFor("publisher");
      await refused(403, "PERMISSION_DENIED", "POST", "model-versions/transition-stage", { name, version: "1", stage }, { token: publisher });
      expect((await ok("GET", "model-versions/get", { name, version: "1" })).model_version.current_stage).toBe("Production");
      expect((await transition(name, "1", stage)).current_stage).toBe(stage);
      expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({});
      const latest = await ok("GET", "registered-models/get-latest-versions", { name, stages: "Production" });
      expect(latest).toEqual({});
      const event = (await auditOf(name)).at(-1);
      expect(event).toMatchObject({ action: "version.stage", before: { stage: "Production" }, after: { stage } });
      expect([...event.after.cleared_refs].sort()).toEqual(["Production", "Staging"]);
    }
  });

  it("get-latest-versions (GET with repeated stages, and POST) answers one version per stage", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    for (let i = 0; i < 4; i++) await createVersion(name);
    await transition(name, "1", "Staging");
    await transition(name, "1", "Production");
    await transition(name, "2", "Staging");
    await transition(name, "3", "Archived");
    const stagesOf = (list: any[] | undefined) => (list ?? []).map((v) => [v.version, v.current_stage]);
    expect(stagesOf((await ok("GET", "registered-models/get-latest-versions", { name })).model_versions)).toEqual([
      ["4", "None"],
      ["2", "Staging"],
      ["1", "Production"],
      ["3", "Archived"],
    ]);
    expect(stagesOf((await ok("GET", "registered-models/get-latest-versions", { name, stages: ["Production", "staging"] })).model_versions)).toEqual([
      ["1", "Production"],
      ["2", "Staging"],
    ]);
    expect(stagesOf((await ok("POST", "registered-models/get-latest-versions", { name, stages: ["None"] })).model_versions)).toEqual([["4", "None"]]);
    const model = (await ok("GET", "registered-models/get", { name })).registered_model;
    expect(stagesOf(model.latest_versions)).toEqual([
      ["4", "None"],
      ["2", "Staging"],
      ["1", "Production"],
      ["3", "Archived"],
    ]);
    await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/get-latest-versions", { name, stages: ["Prod"] });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "registered-models/get-latest-versions", { name: uniqueName("missing") });
  });
});

describe("aliases", () => {
  it("set, get by alias and delete; the alias is edgereg's ref, shown on the model and the version", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    await createVersion(name);
    expect(await ok("POST", "registered-models/alias", { name, alias: "champion", version: "2" })).toEqual({});
    expect(await callJson("GET", `/v1/models/${name}/refs/champion`, 200)).toMatchObject({ ref: "champion", version: 2 });
    const byAlias = (await ok("GET", "registered-models/alias", { name, alias: "champion" })).model_version;
    expect(byAlias).toMatchObject({ name, version: "2", aliases: ["champion"] });
    expect((await ok("GET", "registered-models/get", { name })).registered_model.aliases).toEqual([{ alias: "champion", version: "2" }]);
    const moved = (await auditOf(name)).find((e) => e.action === "ref.move");
    expect(moved).toMatchObject({ ref: "champion", after: { version: 2 } });
    expect(await ok("DELETE", "registered-models/alias", { name, alias: "champion" })).toEqual({});
    await ok("DELETE", "registered-models/alias", { name, alias: "champion" });
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "GET", "registered-models/alias", { name, alias: "champion" })).toBe(
      "Registered model alias champion not found.",
    );
  });

  it("refuses stage names, reserved words, unknown versions and archived targets", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name);
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/alias", { name, alias: "Production", version: "1" })).toMatch(
      /Production stage in edgereg, not an alias/,
    );
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/alias", { name, alias: "latest", version: "1" });
    await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/alias", { name, alias: "v2", version: "1" });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "registered-models/alias", { name, alias: "champion", version: "4" });
    await transition(name, "1", "Archived");
    expect(await refused(400, "INVALID_PARAMETER_VALUE", "POST", "registered-models/alias", { name, alias: "champion", version: "1" })).toMatch(/archived/);
    await ok("DELETE", "model-versions/delete", { name, version: "1" });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "POST", "registered-models/alias", { name, alias: "champion", version: "1" });
  });
});

describe("get-download-uri", () => {
  it("returns the source an MLflow client registered, unchanged", async () => {
    const name = uniqueName("mlf");
    await registerModel(name);
    await createVersion(name, { source: "runs:/3db9851cb0b64f1e8987cc009d3d49ab/model" });
    expect(await ok("GET", "model-versions/get-download-uri", { name, version: "1" })).toEqual({
      artifact_uri: "runs:/3db9851cb0b64f1e8987cc009d3d49ab/model",
    });
  });

  it("answers RESOURCE_DOES_NOT_EXIST for a version with neither artifacts nor source", async () => {
    const name = uniqueName("mlf");
    await callJson("POST", "/v1/models", 201, { body: { name } });
    await callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0" } });
    await refused(404, "RESOURCE_DOES_NOT_EXIST", "GET", "model-versions/get-download-uri", { name, version: "1" });
  });
});

describe("protocol", () => {
  it("answers unknown MLflow endpoints with ENDPOINT_NOT_FOUND (404)", async () => {
    expect(await refused(404, "ENDPOINT_NOT_FOUND", "GET", "experiments/get-by-name", { experiment_name: "x" })).toMatch(/does not serve/);
    await refused(404, "ENDPOINT_NOT_FOUND", "GET", "registered-models/create");
  });
});

/** Every MLflow route and the role it needs; the role matrix of /openapi.json does not cover these routes. */
const ROUTES: [method: string, endpoint: string, need: "reader" | "publisher" | "admin", params: (name: string) => Record<string, unknown>][] = [
  ["POST", "registered-models/create", "publisher", (n) => ({ name: `${n}-${crypto.randomUUID().slice(0, 8)}` })],
  ["GET", "registered-models/get", "reader", (n) => ({ name: n })],
  ["PATCH", "registered-models/update", "publisher", (n) => ({ name: n, description: "d" })],
  ["POST", "registered-models/rename", "admin", (n) => ({ name: n, new_name: `${n}-renamed` })],
  ["DELETE", "registered-models/delete", "publisher", (n) => ({ name: `${n}-absent` })],
  ["GET", "registered-models/search", "reader", (n) => ({ filter: `name = '${n}'` })],
  ["GET", "registered-models/get-latest-versions", "reader", (n) => ({ name: n })],
  ["POST", "registered-models/get-latest-versions", "reader", (n) => ({ name: n })],
  ["POST", "registered-models/set-tag", "publisher", (n) => ({ name: n, key: "k", value: "v" })],
  ["DELETE", "registered-models/delete-tag", "publisher", (n) => ({ name: n, key: "k" })],
  ["POST", "registered-models/alias", "admin", (n) => ({ name: n, alias: "champion", version: "1" })],
  ["DELETE", "registered-models/alias", "admin", (n) => ({ name: n, alias: "other" })],
  ["GET", "registered-models/alias", "reader", (n) => ({ name: n, alias: "champion" })],
  ["POST", "model-versions/create", "publisher", (n) => ({ name: n, source: "s3://x" })],
  ["GET", "model-versions/get", "reader", (n) => ({ name: n, version: "1" })],
  ["PATCH", "model-versions/update", "publisher", (n) => ({ name: n, version: "1", description: "d" })],
  ["DELETE", "model-versions/delete", "publisher", (n) => ({ name: n, version: "99" })],
  ["GET", "model-versions/search", "reader", (n) => ({ filter: `name = '${n}'` })],
  // A publisher may stage a version through the gate (Production, force and emptying Staging need an admin).
  ["POST", "model-versions/transition-stage", "publisher", (n) => ({ name: n, version: "1", stage: "Staging", archive_existing_versions: false })],
  ["GET", "model-versions/get-download-uri", "reader", (n) => ({ name: n, version: "1" })],
  ["POST", "model-versions/set-tag", "publisher", (n) => ({ name: n, version: "1", key: "k", value: "v" })],
  ["DELETE", "model-versions/delete-tag", "publisher", (n) => ({ name: n, version: "1", key: "k" })],
  // GET logged-models/{id} names no model: a scoped token finds nothing there (test/mlflow3.test.ts), it is not refused.
  ["POST", "logged-models/search", "reader", () => ({})],
];

describe("roles (Bearer tokens, as MLFLOW_TRACKING_TOKEN sends them)", () => {
  const RANK = { reader: 0, publisher: 1, admin: 2 } as const;
  const tokens: Record<string, string> = {};
  beforeAll(async () => {
    for (const role of ["reader", "publisher", "admin"] as const) tokens[role] = await tokenFor(role);
    tokens.scoped = await tokenFor("admin", "other-*");
  });

  it.each(ROUTES)("%s %s needs %s", async (method, endpoint, need, params) => {
    const name = uniqueName("roles");
    await registerModel(name);
    await createVersion(name);
    await ok("POST", "registered-models/alias", { name, alias: "champion", version: "1" });

    const anonymous = await rpc(method, endpoint, params(name), { token: null });
    expect(anonymous.status).toBe(401);
    expect(anonymous.body).toEqual({ error_code: "UNAUTHENTICATED", message: expect.any(String) });
    expect(anonymous.headers.get("WWW-Authenticate")).toContain("Bearer");
    expect((await rpc(method, endpoint, params(name), { token: "er_not-a-real-token" })).body.error_code).toBe("UNAUTHENTICATED");

    for (const role of ["reader", "publisher", "admin"] as const) {
      const res = await rpc(method, endpoint, params(name), { token: tokens[role] });
      if (RANK[role] < RANK[need]) {
        expect(res.status, `${role}: ${JSON.stringify(res.body)}`).toBe(403);
        expect(res.body.error_code).toBe("PERMISSION_DENIED");
      } else {
        expect([401, 403], `${role}: ${JSON.stringify(res.body)}`).not.toContain(res.status);
      }
    }
    // A token scoped to other models may not touch this one (searches only narrow to the scope).
    const scoped = await rpc(method, endpoint, params(name), { token: tokens.scoped });
    if (endpoint.endsWith("/search")) expect(scoped.status).toBe(200);
    else expect(scoped.body.error_code, JSON.stringify(scoped.body)).toBe("PERMISSION_DENIED");
  });
});
