import { exports } from "cloudflare:workers";
import { expect, it } from "vitest";

it("pings", async () => {
  const res = await exports.default.fetch("http://x/v1/ping");
  expect(res.status).toBe(200);
  const h = await exports.default.fetch("http://x/v1/health");
  expect(await h.json()).toEqual({ ok: true, d1: "ok" });
});
