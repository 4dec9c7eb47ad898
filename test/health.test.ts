import { expect, it } from "vitest";
import { callJson } from "./helpers";

it("ping answers without storage and health checks D1, both without a token", async () => {
  expect(await callJson("GET", "/v1/ping", 200, { token: null })).toEqual({ ok: true });
  expect(await callJson("GET", "/v1/health", 200, { token: null })).toEqual({ ok: true, d1: "ok" });
});
