import { describe, expect, it } from "vitest";
import bundleJs from "swagger-ui-dist/swagger-ui-bundle.js?raw";
import pkg from "../package.json";
import { SWAGGER_UI_VERSION } from "../src/http/docs";
import { call, callJson } from "./helpers";

describe("documented API", () => {
  it("serves the OpenAPI 3.1 spec generated from the route schemas", async () => {
    const spec = await callJson("GET", "/openapi.json", 200, { token: null });
    expect(spec.openapi).toBe("3.1.0");
    expect(spec.paths["/v1/models/{name}/refs/{ref}"].put.requestBody.content["application/json"].schema.$ref).toBe("#/components/schemas/RefMove");
    expect(spec.components.schemas.Error).toBeDefined();
    expect(spec.components.securitySchemes.bearer).toMatchObject({ type: "http", scheme: "bearer" });
  });

  it("serves an interactive reference page whose assets come from the Worker itself, under a same-origin CSP", async () => {
    const res = await call("GET", "/docs", { token: null });
    expect(res.status).toBe(200);
    expect(res.headers.get("Content-Type")).toContain("text/html");
    const csp = res.headers.get("Content-Security-Policy")!;
    expect(csp).toContain("default-src 'none'");
    for (const directive of csp.split(";")) {
      // Every source a directive allows is this origin, 'none' or data: (images Swagger UI inlines); nothing else.
      for (const source of directive.trim().split(/\s+/).slice(1)) expect(["'self'", "'none'", "data:"], directive).toContain(source);
    }
    const html = await res.text();
    // No external origin anywhere on the page: every URL is a path on this origin.
    expect(html).not.toMatch(/(https?:)?\/\/[^"' ]/);
    const urls = [...html.matchAll(/(?:src|href)="([^"]+)"/g)].map((m) => m[1]!);
    expect(urls.length).toBeGreaterThanOrEqual(3);
    const expected: Record<string, RegExp> = { ".js": /^text\/javascript/, ".css": /^text\/css/ };
    for (const url of urls) {
      expect(url).toMatch(new RegExp(`^/docs/assets/${SWAGGER_UI_VERSION.replace(/\./g, "\\.")}/`));
      const asset = await call("GET", url, { token: null });
      expect(asset.status, url).toBe(200);
      expect(asset.headers.get("Content-Type"), url).toMatch(expected[url.slice(url.lastIndexOf("."))]!);
      expect(asset.headers.get("Cache-Control"), url).toContain("immutable");
      const body = await asset.text();
      expect(body.length, url).toBeGreaterThan(50);
      expect(body, url).not.toMatch(/^\s*<!doctype/i);
    }
    // The files themselves, byte for byte as the pinned package ships them.
    const served = async (name: string) => (await call("GET", `/docs/assets/${SWAGGER_UI_VERSION}/${name}`, { token: null })).text();
    expect(await served("swagger-ui-bundle.js")).toBe(bundleJs);
    const css = await served("swagger-ui.css");
    expect(css.startsWith(".swagger-ui{")).toBe(true);
    expect(css.length).toBeGreaterThan(100_000);
    const init = await (await call("GET", urls.find((u) => u.endsWith("init.js"))!, { token: null })).text();
    expect(init).toContain("/openapi.json");
    expect((await call("GET", `/docs/assets/${SWAGGER_UI_VERSION}/nothing.js`, { token: null })).status).toBe(404);
  });

  it("pins the reference page's package in package.json", () => {
    expect(pkg.dependencies["swagger-ui-dist"]).toBe(SWAGGER_UI_VERSION);
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
