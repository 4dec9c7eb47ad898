/**
 * Deletes and renames as MLflow users expect them, without losing anything (docs/mlflow.md, docs/models.md): a delete
 * hides a version or model from every MLflow read and from non-admins, keeps it archived and marked deleted for
 * admins, and an admin restores it; a rename keeps the model's versions, refs, history and audit, and the old name
 * keeps resolving for serving until an admin removes the redirect.
 */
import { exports } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { ADMIN, auditOf, BASE, call, clockedRegistry, callJson, createModel, createVersion, moveRef, passThroughStaging, putArtifact, sha256Hex, tokenFor, uiSessionOf, uniqueName } from "./helpers";

const API = "/api/2.0/mlflow";
async function mlflow(method: string, endpoint: string, params: Record<string, string>, token?: string) {
  const path = method === "GET" ? `${API}/${endpoint}?${new URLSearchParams(params)}` : `${API}/${endpoint}`;
  const res = await call(method, path, { body: method === "GET" ? undefined : params, token });
  return { status: res.status, body: (await res.json()) as any };
}

let reader: string;
let publisher: string;
beforeAll(async () => {
  reader = await tokenFor("reader");
  publisher = await tokenFor("publisher");
});

/** A model with versions 1.0.0, 1.1.0, 1.2.0; v1 in Production, v2 in Staging, alias champion on v2. */
async function servingModel() {
  const name = uniqueName("del");
  await createModel(name);
  for (const semver of ["1.0.0", "1.1.0", "1.2.0"]) await createVersion(name, semver);
  await passThroughStaging(name, 1);
  await moveRef(name, "Production", 1);
  await moveRef(name, "Staging", 2);
  await moveRef(name, "champion", 2);
  return name;
}

describe("deleting a version", () => {
  it("removes its stage refs and aliases as recorded ref changes, so a rollback can undo them once restored", async () => {
    const name = await servingModel();
    const deleted = await callJson("DELETE", `/v1/models/${name}/versions/2?reason=bad+data`, 200);
    expect(deleted.cleared_refs.sort()).toEqual(["Staging", "champion"]);
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({ Production: 1 });
    const history = await callJson("GET", `/v1/models/${name}/refs/Staging/history`, 200);
    expect(history.items[0]).toMatchObject({ action: "delete", from_version: 2, to_version: null, reason: "bad data" });
    const audit = (await auditOf(name)).map((e) => e.action);
    expect(audit.slice(-3).sort()).toEqual(["ref.delete", "ref.delete", "version.delete"]);
    // Rolling Staging back would point it at a deleted version: refused, saying how to restore it.
    const refused = await callJson("POST", `/v1/models/${name}/refs/Staging/rollback`, 409, { body: {} });
    expect(refused.error.message).toContain(`/v1/models/${name}/versions/2/restore`);
    await callJson("POST", `/v1/models/${name}/versions/2/restore`, 200);
    expect((await callJson("POST", `/v1/models/${name}/refs/Staging/rollback`, 200, { body: {} })).version).toBe(2);
  });

  it("hides it from readers and lists, shows it to admins, and refuses every change until restored", async () => {
    const name = await servingModel();
    await callJson("DELETE", `/v1/models/${name}/versions/3`, 200, { token: publisher });
    const missing = await callJson("GET", `/v1/models/${name}/versions/3`, 404, { token: reader });
    expect(missing.error.details.reason).toBe("deleted");
    expect((await callJson("GET", `/v1/models/${name}/versions`, 200, { token: reader })).items.map((v: any) => v.number)).toEqual([2, 1]);
    expect(await callJson("GET", `/v1/models/${name}/versions/3`, 200)).toMatchObject({ archived: true, deleted_at: expect.any(String) });
    expect((await callJson("GET", `/v1/models/${name}/versions?deleted=true`, 200)).items.map((v: any) => v.number)).toEqual([3]);
    await callJson("GET", `/v1/models/${name}/versions?deleted=true`, 403, { token: reader });
    await callJson("GET", `/v1/resolve?ref=models:/${name}/3`, 404);
    await callJson("GET", `/v1/resolve?ref=models:/${name}/1.2.0`, 404);
    await callJson("PUT", `/v1/models/${name}/refs/champion`, 404, { body: { version: 3, force: true, reason: "x" } });
    await callJson("PATCH", `/v1/models/${name}/versions/3`, 404, { body: { description: "x" } });
    await callJson("POST", `/v1/models/${name}/versions/3/restore`, 403, { token: publisher });
    const restored = await callJson("POST", `/v1/models/${name}/versions/3/restore?reason=mistake`, 200);
    expect(restored).toMatchObject({ number: 3, archived: true });
    expect(restored.deleted_at).toBeUndefined();
    await callJson("POST", `/v1/models/${name}/versions/3/restore`, 409);
    expect((await auditOf(name)).at(-1)).toMatchObject({ action: "version.restore", version: 3, reason: "mistake" });
  });

  it("is a publisher's only for a version holding no ref; its stage refs and aliases are an admin's", async () => {
    const name = await servingModel();
    for (const v of [1, 2]) {
      const refused = await callJson("DELETE", `/v1/models/${name}/versions/${v}`, 403, { token: publisher });
      expect(refused.error.message).toMatch(/admin/);
    }
    expect((await callJson("GET", `/v1/models/${name}`, 200)).refs).toEqual({ Production: 1, Staging: 2, champion: 2 });
  });

  it("through MLflow leaves it out of every MLflow read, and keeps numbering after it", async () => {
    const name = uniqueName("del");
    const create = () => mlflow("POST", "model-versions/create", { name, source: "s3://b/m" });
    await mlflow("POST", "registered-models/create", { name });
    await create();
    await create();
    expect((await mlflow("DELETE", "model-versions/delete", { name, version: "2" })).status).toBe(200);
    for (const [method, endpoint, params] of [
      ["GET", "model-versions/get", { name, version: "2" }],
      ["GET", "model-versions/get-download-uri", { name, version: "2" }],
      ["POST", "model-versions/set-tag", { name, version: "2", key: "k", value: "v" }],
      ["POST", "model-versions/transition-stage", { name, version: "2", stage: "Staging", archive_existing_versions: "false" }],
    ] as const) {
      const res = await mlflow(method, endpoint, params as Record<string, string>);
      expect([endpoint, res.status, res.body.error_code]).toEqual([endpoint, 404, "RESOURCE_DOES_NOT_EXIST"]);
    }
    const search = await mlflow("GET", "model-versions/search", { filter: `name = '${name}'` });
    expect(search.body.model_versions.map((v: any) => v.version)).toEqual(["1"]);
    const latest = await mlflow("GET", "registered-models/get-latest-versions", { name });
    expect(latest.body.model_versions.map((v: any) => v.version)).toEqual(["1"]);
    expect((await create()).body.model_version.version).toBe("3");
  });
});

describe("deleting a model", () => {
  it("is refused while Production is set, with how to retire it", async () => {
    const name = await servingModel();
    const refused = await callJson("DELETE", `/v1/models/${name}`, 409);
    expect(refused.error.message).toMatch(/Production/);
    expect(refused.error.message).toContain(`DELETE /v1/models/${name}/refs/Production`);
    const viaMlflow = await mlflow("DELETE", "registered-models/delete", { name });
    expect([viaMlflow.status, viaMlflow.body.error_code]).toEqual([409, "RESOURCE_CONFLICT"]);
  });

  it("deletes every version, hides the model from readers and MLflow, keeps it for admins, and an admin restores it", async () => {
    const name = await servingModel();
    await callJson("DELETE", `/v1/models/${name}/refs/Production?force=true&reason=retire`, 200);
    const deleted = await callJson("DELETE", `/v1/models/${name}?reason=obsolete`, 200);
    expect(deleted.versions).toEqual([1, 2, 3]);
    expect((await callJson("GET", `/v1/models/${name}`, 404, { token: reader })).error.details.reason).toBe("deleted");
    expect((await mlflow("GET", "registered-models/get", { name })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    const search = await mlflow("GET", "registered-models/search", { filter: `name = '${name}'` });
    expect(search.body.registered_models).toBeUndefined();
    expect((await callJson("GET", `/v1/models?q=${name}`, 200)).items).toEqual([]);
    expect((await callJson("GET", `/v1/models?q=${name}&deleted=true`, 200)).items.map((m: any) => m.name)).toEqual([name]);
    await callJson("GET", `/v1/models?deleted=true`, 403, { token: reader });
    await callJson("GET", `/v1/resolve?ref=models:/${name}/latest`, 404);
    await callJson("POST", `/v1/models/${name}/versions`, 404, { body: { semver: "2.0.0" } });
    expect((await callJson("GET", `/v1/models/${name}`, 200)).deleted_at).toEqual(expect.any(String));

    const restored = await callJson("POST", `/v1/models/${name}/restore?reason=still+needed`, 200);
    expect(restored.deleted_at).toBeUndefined();
    const versions = (await callJson("GET", `/v1/models/${name}/versions`, 200, { token: reader })).items;
    expect(versions.map((v: any) => [v.number, v.archived])).toEqual([[3, true], [2, true], [1, true]]);
    expect((await auditOf(name)).map((e) => e.action)).toEqual(expect.arrayContaining(["model.delete", "model.restore"]));
  });

  it("deletes a model of many versions in a bounded number of statements, auditing each version", async () => {
    const name = uniqueName("del");
    await createModel(name);
    const count = 120;
    await Promise.all(Array.from({ length: count }, (_, i) => createVersion(name, `1.${i}.0`)));
    await moveRef(name, "champion", 7);
    const deleted = await callJson("DELETE", `/v1/models/${name}`, 200);
    expect(deleted.versions).toHaveLength(count);
    const audit = await callJson("GET", `/v1/audit?model=${name}&action=version.delete&limit=200`, 200);
    expect(audit.items.map((e: any) => e.version).sort((a: number, b: number) => a - b)).toEqual(Array.from({ length: count }, (_, i) => i + 1));
    expect(audit.items.find((e: any) => e.version === 7).after.cleared_refs).toEqual(["champion"]);
    expect(audit.items.find((e: any) => e.version === 8)).toMatchObject({ before: { archived: false }, after: { archived: true, deleted: true } });
    const restored = await callJson("POST", `/v1/models/${name}/restore`, 200);
    expect(restored.latest_version).toBeNull();
    expect((await callJson("GET", `/v1/models/${name}/versions?limit=200`, 200)).items).toHaveLength(count);
  });

  it("registering the name again brings the model back; its old versions stay deleted and numbering continues", async () => {
    const name = uniqueName("del");
    await mlflow("POST", "registered-models/create", { name, description: "first" });
    await mlflow("POST", "model-versions/create", { name, source: "s3://b/m" });
    await mlflow("POST", "model-versions/create", { name, source: "s3://b/m" });
    expect((await mlflow("DELETE", "registered-models/delete", { name })).status).toBe(200);
    const again = await mlflow("POST", "registered-models/create", { name, description: "second" });
    expect(again.status, JSON.stringify(again.body)).toBe(200);
    expect(again.body.registered_model).toMatchObject({ name, description: "second" });
    expect(again.body.registered_model.latest_versions).toBeUndefined();
    const created = await mlflow("POST", "model-versions/create", { name, source: "s3://b/m" });
    expect(created.body.model_version.version).toBe("3");
    expect((await mlflow("POST", "registered-models/create", { name })).body.error_code).toBe("RESOURCE_ALREADY_EXISTS");
    // The /v1 door does the same.
    await callJson("DELETE", `/v1/models/${name}/versions/3`, 200);
    await callJson("DELETE", `/v1/models/${name}`, 200);
    expect((await createModel(name, { description: "third" })).description).toBe("third");
  });
});

describe("renaming a model", () => {
  it("keeps versions, refs, history and audit; the old name resolves with X-Model-Renamed-To until the redirect is removed", async () => {
    const name = await servingModel();
    await createVersion(name, "1.3.0", { artifacts: [{ path: "model.bin", size: 7, sha256: await sha256Hex("weights") }] });
    await putArtifact(name, 4, "model.bin", "weights");
    await moveRef(name, "champion", 4);
    const renamed = await callJson("PATCH", `/v1/models/${name}`, 200, { body: { name: `${name}-v2`, reason: "team naming" } });
    expect(renamed).toMatchObject({ name: `${name}-v2`, refs: { Production: 1, Staging: 2, champion: 4 }, former_names: [name] });
    const history = await callJson("GET", `/v1/models/${name}-v2/refs/Production/history`, 200);
    expect(history.items.length).toBeGreaterThan(0);
    const audit = await auditOf(`${name}-v2`);
    expect(audit[0].action).toBe("model.create");
    expect(audit.at(-1)).toMatchObject({ action: "model.rename", before: { name }, after: { name: `${name}-v2` }, reason: "team naming" });

    const viaOld = await call("GET", `/v1/resolve?ref=models:/${name}/Production`);
    expect(viaOld.status).toBe(200);
    expect(viaOld.headers.get("X-Model-Renamed-To")).toBe(`${name}-v2`);
    expect(((await viaOld.json()) as any).model).toBe(`${name}-v2`);
    const oneHop = await call("GET", `/v1/r/${name}/@champion/model.bin`);
    expect([oneHop.status, oneHop.headers.get("X-Model-Renamed-To"), await oneHop.text()]).toEqual([200, `${name}-v2`, "weights"]);
    const viaNew = await call("GET", `/v1/resolve?ref=models:/${name}-v2/Production`);
    expect(viaNew.headers.get("X-Model-Renamed-To")).toBeNull();

    // Everything but serving answers 404 for the old name, as MLflow does.
    expect((await callJson("GET", `/v1/models/${name}`, 404)).error.details).toMatchObject({ reason: "renamed", renamed_to: `${name}-v2` });
    expect((await mlflow("GET", "registered-models/get", { name })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    // The old name is taken while it redirects.
    expect((await callJson("POST", "/v1/models", 409, { body: { name } })).error.message).toContain(`former-names/${name}`);

    await callJson("DELETE", `/v1/models/${name}-v2/former-names/${name}`, 403, { token: publisher });
    await call("DELETE", `/v1/models/${name}-v2/former-names/${name}?reason=clients+moved`);
    await callJson("GET", `/v1/resolve?ref=models:/${name}/Production`, 404);
    expect((await callJson("GET", `/v1/models/${name}-v2`, 200)).former_names).toBeUndefined();
    await createModel(name);
  });

  it("is an admin's through both doors, applies token scopes to the current name, and refuses taken names", async () => {
    const name = uniqueName("ren");
    const other = uniqueName("ren");
    await createModel(name);
    await createModel(other);
    await callJson("PATCH", `/v1/models/${name}`, 403, { body: { name: `${name}-x` }, token: publisher });
    const mlflowRefused = await mlflow("POST", "registered-models/rename", { name, new_name: `${name}-x` }, publisher);
    expect([mlflowRefused.status, mlflowRefused.body.error_code]).toEqual([403, "PERMISSION_DENIED"]);
    expect((await callJson("PATCH", `/v1/models/${name}`, 409, { body: { name: other } })).error.details.field).toBe("name");
    expect((await mlflow("POST", "registered-models/rename", { name, new_name: other })).body.error_code).toBe("RESOURCE_ALREADY_EXISTS");

    // A token scoped to the old name's prefix loses the model once it is renamed out of its scope.
    const prefix = name.split("-")[0]!;
    const scoped = await tokenFor("reader", `${name}*`);
    await createVersion(name, "1.0.0");
    await callJson("GET", `/v1/resolve?ref=models:/${name}/1`, 200, { token: scoped });
    await callJson("PATCH", `/v1/models/${name}`, 200, { body: { name: `moved-${name}` } });
    await callJson("GET", `/v1/resolve?ref=models:/${name}/1`, 403, { token: scoped });
    expect(prefix).toBe("ren");

    // Renaming back to the former name drops its redirect.
    const back = await callJson("PATCH", `/v1/models/moved-${name}`, 200, { body: { name } });
    expect(back.former_names).toEqual([`moved-${name}`]);
    expect((await call("GET", `/v1/resolve?ref=models:/${name}/1`)).headers.get("X-Model-Renamed-To")).toBeNull();
  });

  it("through MLflow: the model answers under its new name with its versions", async () => {
    const name = uniqueName("ren");
    await mlflow("POST", "registered-models/create", { name });
    await mlflow("POST", "model-versions/create", { name, source: "s3://b/m" });
    const renamed = await mlflow("POST", "registered-models/rename", { name, new_name: `${name}-new` });
    expect(renamed.body.registered_model.name).toBe(`${name}-new`);
    expect((await mlflow("GET", "model-versions/get", { name: `${name}-new`, version: "1" })).body.model_version.name).toBe(`${name}-new`);
    expect((await mlflow("GET", "model-versions/get", { name, version: "1" })).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });
});

describe("MLflow 3's deployment_job_id", () => {
  it("is kept on create and update and returned on the RegisteredModel", async () => {
    const name = uniqueName("mlf3");
    const created = await mlflow("POST", "registered-models/create", { name, deployment_job_id: "1234567890" });
    expect(created.body.registered_model.deployment_job_id).toBe("1234567890");
    await mlflow("PATCH", "registered-models/update", { name, description: "d", deployment_job_id: "42" });
    expect((await mlflow("GET", "registered-models/get", { name })).body.registered_model).toMatchObject({ description: "d", deployment_job_id: "42" });
    await mlflow("PATCH", "registered-models/update", { name, description: "e" });
    expect((await mlflow("GET", "registered-models/get", { name })).body.registered_model.deployment_job_id).toBe("42");
    const tooLong = await mlflow("POST", "registered-models/create", { name: uniqueName("mlf3"), deployment_job_id: "x".repeat(300) });
    expect([tooLong.status, tooLong.body.error_code]).toEqual([400, "INVALID_PARAMETER_VALUE"]);
  });
});

describe("the admin UI", () => {
  const SESSION = "__Host-edgereg_session";
  const get = async (token: string, path: string) => {
    const cookie = `${SESSION}=${await uiSessionOf(token)}`;
    const res = await exports.default.fetch(new Request(`${BASE}${path}`, { headers: { Cookie: cookie } }));
    return { cookie, status: res.status, html: await res.text() };
  };
  const post = async (token: string, path: string) => {
    const { cookie, html } = await get(token, "/ui");
    const csrf = /name="_csrf" value="([^"]+)"/.exec(html)![1]!;
    return exports.default.fetch(
      new Request(`${BASE}${path}`, {
        method: "POST",
        headers: { Cookie: cookie, Origin: BASE, "Content-Type": "application/x-www-form-urlencoded" },
        body: new URLSearchParams({ _csrf: csrf }),
        redirect: "manual",
      }),
    );
  };

  it("shows an admin the deleted versions and models, and restores them; readers see neither", async () => {
    const name = uniqueName("uidel");
    await createModel(name);
    await createVersion(name, "1.0.0");
    await createVersion(name, "1.1.0");
    await callJson("DELETE", `/v1/models/${name}/versions/2`, 200);
    const adminPage = await get(ADMIN, `/ui/models/${name}`);
    expect(adminPage.html).toContain("Deleted versions");
    expect(adminPage.html).toContain("Restore v2");
    expect((await get(reader, `/ui/models/${name}`)).html).not.toContain("Deleted versions");
    expect((await post(reader, `/ui/models/${name}/versions/2/restore`)).status).toBe(403);
    const restored = await post(ADMIN, `/ui/models/${name}/versions/2/restore`);
    expect([restored.status, restored.headers.get("Location")]).toEqual([303, `/ui/models/${name}?done=restore`]);
    expect((await callJson("GET", `/v1/models/${name}/versions/2`, 200, { token: reader })).archived).toBe(true);

    await callJson("DELETE", `/v1/models/${name}`, 200);
    expect((await get(ADMIN, `/ui?deleted=1`)).html).toContain(`Restore ${name}`);
    expect((await get(reader, `/ui?deleted=1`)).status).toBe(403);
    expect((await get(reader, "/ui")).html).not.toContain(name);
    expect((await post(ADMIN, `/ui/models/${name}/restore`)).status).toBe(303);
    expect((await get(reader, "/ui")).html).toContain(name);
  });
});

describe("webhook events", () => {
  it("announce deletes, restores and renames; later events follow the new name", async () => {
    const r = clockedRegistry();
    const name = uniqueName("hook");
    const box = uniqueName("box").toLowerCase();
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0" } });
    await r.callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 1 } });
    await r.callJson("POST", "/v1/webhooks", 201, { body: { url: `https://${box}.hooks.test/`, events: ["*"] } });
    await r.callJson("DELETE", `/v1/models/${name}/versions/1?reason=bad`, 200);
    await r.callJson("POST", `/v1/models/${name}/versions/1/restore`, 200);
    await r.callJson("PATCH", `/v1/models/${name}`, 200, { body: { name: `${name}-b` } });
    await r.callJson("DELETE", `/v1/models/${name}-b`, 200);
    await r.callJson("POST", `/v1/models/${name}-b/restore`, 200);
    const received = ((await (await fetch(`https://${box}.hooks.test/__received`)).json()) as { body: string }[]).map((d) => JSON.parse(d.body));
    // An unordered webhook: deliveries may arrive in any order.
    expect(received.map((e) => [e.type, e.model]).sort()).toEqual([
      ["model.deleted", `${name}-b`],
      ["model.renamed", `${name}-b`],
      ["model.restored", `${name}-b`],
      ["ref.moved", name],
      ["version.deleted", name],
      ["version.restored", name],
    ]);
    const of = (type: string) => received.find((e) => e.type === type).data;
    expect(of("version.deleted")).toEqual({ version: 1, cleared_refs: ["champion"], reason: "bad" });
    expect(of("model.renamed")).toMatchObject({ previous_name: name, name: `${name}-b` });
    expect(of("model.deleted").versions).toEqual([1]);
  });
});
