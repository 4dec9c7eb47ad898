/** The typed client against the real app inside workerd: typed answers, EdgeregError with the server's code. */
import { exports } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createClient, EdgeregError } from "./index";

const ADMIN = "test-admin-secret";
const client = (token?: string) => createClient({ url: "http://edgereg.test/", token, fetch: (request) => exports.default.fetch(request) });

let counter = 0;
const uniqueName = () => `client-${Date.now().toString(36)}-${counter++}`;

async function sha256(bytes: Uint8Array): Promise<string> {
  return [...new Uint8Array(await crypto.subtle.digest("SHA-256", bytes))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

describe("typed client", () => {
  it("answers success bodies as typed values and uploads and downloads artifact bytes", async () => {
    const edgereg = client(ADMIN);
    const name = uniqueName();
    const model = await edgereg.POST("/v1/models", { body: { name, tags: { team: "ops" } } });
    expect(model).toMatchObject({ name, tags: { team: "ops" }, latest_version: null });

    const bytes = new TextEncoder().encode(`weights of ${name}`);
    const path = "model dir/weights.bin";
    const version = await edgereg.POST("/v1/models/{name}/versions", {
      params: { path: { name } },
      body: { semver: "1.0.0", artifacts: [{ path, size: bytes.length, sha256: await sha256(bytes) }] },
    });
    expect(version.status).toBe("PENDING");
    expect(await edgereg.hasArtifact(name, version.number, path)).toBe(false);

    const uploaded = await edgereg.putArtifact(name, version.number, path, new Blob([bytes]).stream(), bytes.length);
    expect(uploaded).toMatchObject({ path, stored: true, version_status: "READY" });
    expect(await edgereg.hasArtifact(name, "1.0.0", path)).toBe(true);

    const whole = await edgereg.download(name, 1, path);
    expect(new Uint8Array(await whole.arrayBuffer())).toEqual(bytes);
    const rest = await edgereg.download(name, 1, path, { offset: 8, etag: uploaded.sha256 });
    expect(rest.status).toBe(206);
    expect(new TextDecoder().decode(await rest.arrayBuffer())).toBe(`weights of ${name}`.slice(8));

    const page = await edgereg.GET("/v1/models", { params: { query: { q: name, limit: 5 } } });
    expect(page.items.map((m) => m.name)).toEqual([name]);
  });

  it("throws EdgeregError with the server's status, code, message and details", async () => {
    const missing = await client(ADMIN)
      .GET("/v1/models/{name}", { params: { path: { name: "no-such-model" } } })
      .catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(EdgeregError);
    expect(missing).toMatchObject({ status: 404, code: "NOT_FOUND", message: "model 'no-such-model' does not exist", details: { model: "no-such-model" } });
    expect((missing as EdgeregError).requestId).toBeTruthy();

    const invalid = await client(ADMIN)
      .POST("/v1/models", { body: { name: "-bad" } })
      .catch((e: unknown) => e);
    expect(invalid).toMatchObject({ status: 400, code: "VALIDATION_FAILED" });

    const anonymous = await client()
      .GET("/v1/models", {})
      .catch((e: unknown) => e);
    expect(anonymous).toMatchObject({ status: 401, code: "UNAUTHENTICATED" });
  });
});
