/**
 * What MLflow 3.x clients send and read beyond 2.x: `model_id` on CreateModelVersion with a `models:/m-…` source
 * (mlflow/store/model_registry/rest_store.py create_model_version; model_registry.proto ModelVersion.model_id), and the
 * LoggedModel reads (service.proto GetLoggedModel: GET /mlflow/logged-models/{model_id}; SearchLoggedModels: POST
 * /mlflow/logged-models/search), answered for the logged models edgereg knows of.
 */
import { describe, expect, it } from "vitest";
import { call, tokenFor, uniqueName } from "./helpers";

const API = "/api/2.0/mlflow";

async function rpc(method: string, endpoint: string, body?: unknown, token?: string) {
  const res = await call(method, `${API}/${endpoint}`, { body, token });
  return { status: res.status, body: (await res.json()) as any };
}

const loggedModelId = () => `m-${crypto.randomUUID().replace(/-/g, "")}`;

async function registeredFrom(id: string, name = uniqueName("mlf3")) {
  expect((await rpc("POST", "registered-models/create", { name })).status).toBe(200);
  // As the 3.x client sends it after mlflow.register_model("models:/m-…", name).
  const created = await rpc("POST", "model-versions/create", { name, source: `models:/${id}`, model_id: id, run_id: "3db9851cb0b64f1e8987cc009d3d49ab" });
  expect(created.status, JSON.stringify(created.body)).toBe(200);
  return { name, version: created.body.model_version };
}

describe("model_id on versions", () => {
  it("stores the model_id a 3.x client sends and returns it with the models:/m-… source, on create, get and search", async () => {
    const id = loggedModelId();
    const { name, version } = await registeredFrom(id);
    expect(version).toMatchObject({ name, version: "1", source: `models:/${id}`, model_id: id, status: "READY" });
    const got = await rpc("GET", `model-versions/get?name=${name}&version=1`);
    expect(got.body.model_version.model_id).toBe(id);
    const found = await rpc("GET", `model-versions/search?filter=${encodeURIComponent(`name = '${name}'`)}`);
    expect(found.body.model_versions.map((v: any) => v.model_id)).toEqual([id]);
  });

  it("takes the model_id from a models:/m-… source when the client leaves it out", async () => {
    const id = loggedModelId();
    const name = uniqueName("mlf3");
    await rpc("POST", "registered-models/create", { name });
    const created = await rpc("POST", "model-versions/create", { name, source: `models:/${id}` });
    expect(created.body.model_version.model_id).toBe(id);
  });

  it("leaves model_id out for 2.x-style sources", async () => {
    const name = uniqueName("mlf3");
    await rpc("POST", "registered-models/create", { name });
    const created = await rpc("POST", "model-versions/create", { name, source: "runs:/3db9851cb0b64f1e8987cc009d3d49ab/model" });
    expect(created.body.model_version).not.toHaveProperty("model_id");
  });

  it("refuses a model_id that is no LoggedModel id, as INVALID_PARAMETER_VALUE", async () => {
    const name = uniqueName("mlf3");
    await rpc("POST", "registered-models/create", { name });
    const res = await rpc("POST", "model-versions/create", { name, source: "s3://b/m", model_id: "../etc" });
    expect(res.status).toBe(400);
    expect(res.body).toEqual({ error_code: "INVALID_PARAMETER_VALUE", message: expect.stringContaining("model_id") });
  });
});

describe("logged-models", () => {
  it("answers GET logged-models/{id} for a logged model registered here, with its registrations", async () => {
    const id = loggedModelId();
    const { name } = await registeredFrom(id);
    const res = await rpc("GET", `logged-models/${id}`);
    expect(res.status, JSON.stringify(res.body)).toBe(200);
    expect(res.body.model).toEqual({
      info: {
        model_id: id,
        name,
        creation_timestamp_ms: expect.any(Number),
        last_updated_timestamp_ms: expect.any(Number),
        status: "LOGGED_MODEL_READY",
        source_run_id: "3db9851cb0b64f1e8987cc009d3d49ab",
        registrations: [{ name, version: "1" }],
      },
      data: { params: [], metrics: [] },
    });
  });

  it("answers RESOURCE_DOES_NOT_EXIST, not ENDPOINT_NOT_FOUND, for a logged model edgereg does not know", async () => {
    const res = await rpc("GET", `logged-models/${loggedModelId()}`);
    expect(res.status).toBe(404);
    expect(res.body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });

  it("hides a logged model whose registrations are all outside a scoped token's models", async () => {
    const id = loggedModelId();
    await registeredFrom(id, uniqueName("mlf3hidden"));
    const scoped = await tokenFor("reader", "other-*");
    expect((await rpc("GET", `logged-models/${id}`, undefined, scoped)).body.error_code).toBe("RESOURCE_DOES_NOT_EXIST");
  });

  it("lists known logged models through POST logged-models/search, page by page, and refuses filters it cannot evaluate", async () => {
    const ids = [loggedModelId(), loggedModelId()];
    for (const id of ids) await registeredFrom(id);
    const seen: string[] = [];
    let token: string | undefined;
    do {
      const page = await rpc("POST", "logged-models/search", { experiment_ids: ["0"], max_results: 1, ...(token ? { page_token: token } : {}) });
      expect(page.status, JSON.stringify(page.body)).toBe(200);
      seen.push(...page.body.models.map((m: any) => m.info.model_id));
      token = page.body.next_page_token;
    } while (token);
    expect(seen).toEqual(expect.arrayContaining(ids));
    const filtered = await rpc("POST", "logged-models/search", { filter: "name = 'x'" });
    expect(filtered.status).toBe(400);
    expect(filtered.body.error_code).toBe("INVALID_PARAMETER_VALUE");
  });
});
