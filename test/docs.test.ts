import { describe, expect, it } from "vitest";
import { call, callJson } from "./helpers";

describe("documented API", () => {
  it("serves the OpenAPI 3.1 spec generated from the route schemas", async () => {
    const spec = await callJson("GET", "/openapi.json", 200, { token: null });
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.paths["/v1/models/{name}/refs/{ref}"].put.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/RefMove");
    expect(spec.components.schemas.Error).toBeDefined();
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves an interactive reference page", async () => {
    const res = await call("GET", "/docs", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    expect(await res.text()).toContain("/openapi.json");
  });

  it("answers unknown routes with the JSON error shape", async () => {
    const res = await callJson("GET", "/v1/nope", 404, { token: null });
    expect(res.error.code).toBe("NOT_FOUND");
  });

  it("marks responses nosniff and echoes a request id", async () => {
    const res = await call("GET", "/v1/ping", { token: null });
    expect(res.headers.get("X-Content-Type-Options")).toBe("nosniff");
    expect(res.headers.get("X-Request-Id")).toBeTruthy();
  });
});
