/**
 * Downloading the MLflow way: get-download-uri hands out edgereg's own `https://HOST/api/2.0/mlflow-artifacts/artifacts/
 * models/NAME/versions/N` (so a client whose tracking server is elsewhere still downloads from edgereg), and the
 * artifact proxy (mlflow_artifacts.proto) lists and streams the verified artifacts edgereg keeps in R2. The last
 * test replays what `mlflow.artifacts.download_artifacts("models:/NAME@alias")` does (ModelsArtifactRepository,
 * then HttpArtifactRepository): resolve the alias, ask for the download URI, list recursively, fetch each file.
 */
import { beforeAll, describe, expect, it } from "vitest";
import { BASE, call, callJson, sha256Hex, tokenFor, uniqueName } from "./helpers";

const API = "/api/2.0/mlflow";
const ARTIFACTS = "/api/2.0/mlflow-artifacts/artifacts";

const FILES: Record<string, string> = {
  MLmodel: "artifact_path: model\nflavors:\n  python_function: {}\n",
  "model/model.pkl": "pretend-pickle-bytes",
  "model/conda env/requirements.txt": "scikit-learn==1.5.2\n",
};

async function json(method: string, path: string, status: number, token?: string | null) {
  const res = await call(method, path, { token });
  const body = (await res.json()) as any;
  expect(res.status, `${method} ${path} → ${JSON.stringify(body)}`).toBe(status);
  return body;
}

const query = (params: Record<string, string>) => new URLSearchParams(params).toString();

/** A version registered through edgereg's API, its artifacts declared with their sha256 and uploaded. */
async function publishedModel(files: Record<string, string>, upload = Object.keys(files)) {
  const name = uniqueName("mlart");
  await callJson("POST", "/v1/models", 201, { body: { name } });
  const artifacts = await Promise.all(
    Object.entries(files).map(async ([path, text]) => ({ path, size: new TextEncoder().encode(text).length, sha256: await sha256Hex(text) })),
  );
  const created = await callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0", artifacts } });
  // Bytes another version already stored are verified at once (content-addressed): nothing left to upload then.
  if (created.status === "READY") return name;
  for (const path of upload) {
    const encoded = path.split("/").map(encodeURIComponent).join("/");
    const res = await call("PUT", `/v1/models/${name}/versions/1/artifacts/${encoded}`, { body: files[path]! });
    expect(res.status, await res.clone().text()).toBeLessThan(300);
  }
  return name;
}

describe("get-download-uri for versions with artifacts in edgereg", () => {
  it("answers the version's artifact URL on edgereg's own host; the source stays the host-less mlflow-artifacts URI", async () => {
    const name = await publishedModel(FILES);
    expect(await json("GET", `${API}/model-versions/get-download-uri?${query({ name, version: "1" })}`, 200)).toEqual({
      artifact_uri: `${BASE}/api/2.0/mlflow-artifacts/artifacts/models/${name}/versions/1`,
    });
    const version = (await json("GET", `${API}/model-versions/get?${query({ name, version: "1" })}`, 200)).model_version;
    expect(version).toMatchObject({ source: `mlflow-artifacts:/models/${name}/versions/1`, status: "READY" });
  });
});

describe("the artifact proxy", () => {
  let name: string;
  beforeAll(async () => {
    name = await publishedModel(FILES);
  });

  it("lists one level at a time: base names, is_dir, file_size for files only", async () => {
    expect(await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1` })}`, 200)).toEqual({
      files: [
        { path: "MLmodel", is_dir: false, file_size: FILES.MLmodel!.length },
        { path: "model", is_dir: true },
      ],
    });
    expect(await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1/model` })}`, 200)).toEqual({
      files: [
        { path: "conda env", is_dir: true },
        { path: "model.pkl", is_dir: false, file_size: FILES["model/model.pkl"]!.length },
      ],
    });
  });

  it("lists nothing for a file, an absent directory, or a path above the versions", async () => {
    expect(await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1/MLmodel` })}`, 200)).toEqual({});
    expect(await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1/nothing` })}`, 200)).toEqual({});
    expect(await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}` })}`, 200)).toEqual({});
    expect(await json("GET", ARTIFACTS, 200)).toEqual({});
  });

  it("streams a file as an attachment, with its sha256 as ETag", async () => {
    const res = await call("GET", `${ARTIFACTS}/models/${name}/versions/1/model/conda%20env/requirements.txt`);
    expect(res.status).toBe(200);
    expect(await res.text()).toBe(FILES["model/conda env/requirements.txt"]);
    expect(res.headers.get("ETag")).toBe(`"${await sha256Hex(FILES["model/conda env/requirements.txt"]!)}"`);
    expect(res.headers.get("Content-Disposition")).toBe('attachment; filename="requirements.txt"');
  });

  it("answers RESOURCE_DOES_NOT_EXIST for unknown models, versions and paths", async () => {
    for (const path of [`models/${name}/versions/1/absent.bin`, `models/${name}/versions/7/MLmodel`, `models/${name}-x/versions/1/MLmodel`, `models/${name}`]) {
      expect(await json("GET", `${ARTIFACTS}/${path}`, 404)).toEqual({ error_code: "RESOURCE_DOES_NOT_EXIST", message: expect.any(String) });
    }
    expect((await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/7` })}`, 404)).error_code).toBe("RESOURCE_DOES_NOT_EXIST");
    expect((await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1/../2` })}`, 400)).error_code).toBe("INVALID_PARAMETER_VALUE");
  });

  it("serves only verified bytes: a declared artifact not yet uploaded is neither listed nor served", async () => {
    const pending = await publishedModel({ "a.txt": "uploaded", "b.txt": "not yet" }, ["a.txt"]);
    expect(await json("GET", `${ARTIFACTS}?${query({ path: `models/${pending}/versions/1` })}`, 200)).toEqual({
      files: [{ path: "a.txt", is_dir: false, file_size: 8 }],
    });
    await json("GET", `${ARTIFACTS}/models/${pending}/versions/1/b.txt`, 404);
    const version = (await json("GET", `${API}/model-versions/get?${query({ name: pending, version: "1" })}`, 200)).model_version;
    expect(version).toMatchObject({ status: "PENDING_REGISTRATION", status_message: expect.any(String) });
  });

  it("is read-only: uploads and deletes answer NOT_IMPLEMENTED (501)", async () => {
    for (const [method, path] of [
      ["PUT", `${ARTIFACTS}/models/${name}/versions/1/new.txt`],
      ["DELETE", `${ARTIFACTS}/models/${name}/versions/1/MLmodel`],
      ["POST", `/api/2.0/mlflow-artifacts/mpu/create/models/${name}/versions/1/big.bin`],
    ] as const) {
      expect((await json(method, path, 501)).error_code).toBe("NOT_IMPLEMENTED");
    }
  });

  it("checks the caller: 401 without a token, 403 for a token scoped to other models", async () => {
    const unauthenticated = await json("GET", `${ARTIFACTS}/models/${name}/versions/1/MLmodel`, 401, null);
    expect(unauthenticated.error_code).toBe("UNAUTHENTICATED");
    await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1` })}`, 401, null);
    const scoped = await tokenFor("reader", "other-*");
    expect((await json("GET", `${ARTIFACTS}/models/${name}/versions/1/MLmodel`, 403, scoped)).error_code).toBe("PERMISSION_DENIED");
    expect((await json("GET", `${ARTIFACTS}?${query({ path: `models/${name}/versions/1` })}`, 403, scoped)).error_code).toBe("PERMISSION_DENIED");
    const reader = await tokenFor("reader", `${name}*`);
    expect((await call("GET", `${ARTIFACTS}/models/${name}/versions/1/MLmodel`, { token: reader })).status).toBe(200);
    expect((await json("PUT", `${ARTIFACTS}/models/${name}/versions/1/x`, 403, reader)).error_code).toBe("PERMISSION_DENIED");
  });
});

describe("mlflow.artifacts.download_artifacts('models:/NAME@champion'), step by step", () => {
  it("resolves the alias, takes the download URI, lists recursively and downloads every file", async () => {
    const name = await publishedModel(FILES);
    const reader = await tokenFor("reader");
    await callJson("POST", `${API}/registered-models/alias`, 200, { body: { name, alias: "champion", version: "1" } });

    // ModelsArtifactRepository: alias → version → download URI.
    const version = (await json("GET", `${API}/registered-models/alias?${query({ name, alias: "champion" })}`, 200, reader)).model_version.version;
    const uri = (await json("GET", `${API}/model-versions/get-download-uri?${query({ name, version })}`, 200, reader)).artifact_uri as string;
    // An http(s) URI goes to HttpArtifactRepository on that host (edgereg), whatever the tracking URI is. It splits the
    // URI at /mlflow-artifacts/artifacts: the tail is the root it lists, the URI itself the base it downloads from.
    const [origin, tail] = uri.split("/api/2.0/mlflow-artifacts/artifacts/");
    expect(origin).toBe(BASE);
    const root = tail!;

    // HttpArtifactRepository.download_artifacts: list, recurse into directories, GET each file.
    const downloaded: Record<string, string> = {};
    const walk = async (dir: string) => {
      const listing = await json("GET", `${ARTIFACTS}?${query({ path: dir ? `${root}/${dir}` : root })}`, 200, reader);
      for (const entry of listing.files ?? []) {
        const path = dir ? `${dir}/${entry.path}` : entry.path;
        if (entry.is_dir) await walk(path);
        else {
          const res = await call("GET", `${ARTIFACTS}/${root}/${path.split("/").map(encodeURIComponent).join("/")}`, { token: reader });
          expect(res.status).toBe(200);
          downloaded[path] = await res.text();
        }
      }
    };
    await walk("");
    expect(downloaded).toEqual(FILES);
  });
});
