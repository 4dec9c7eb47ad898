import { createExecutionContext, waitOnExecutionContext } from "cloudflare:test";
import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { createApp } from "../src/app";
import { ADMIN, BASE, clockedRegistry, tableCounts, uniqueName } from "./helpers";

describe("webhook targets (WEBHOOK_ALLOW_PRIVATE_TARGETS off, as in wrangler.toml)", () => {
  it("is off in the test configuration, as by default", () => {
    expect(env.WEBHOOK_ALLOW_PRIVATE_TARGETS).toBe("false");
  });

  it.each([
    "http://127.0.0.1/hook",
    "http://localhost:8080/hook",
    "http://[::1]/hook",
    "http://169.254.169.254/latest/meta-data/",
    "http://10.1.2.3/",
    "http://172.16.5.4/",
    "http://192.168.0.10/",
    "http://0.0.0.0/",
    "http://2130706433/",
    "http://0x7f000001/",
    "http://[::ffff:127.0.0.1]/",
    "http://[fd12::1]/",
    "http://[fe80::1]/",
  ])("refuses a webhook to %s with a 400 naming url, and stores nothing", async (url) => {
    const r = clockedRegistry();
    const before = await tableCounts();
    const res = await r.callJson("POST", "/v1/webhooks", 400, { body: { url, events: ["*"] } });
    expect(res.error.details).toMatchObject({ field: "url" });
    expect(res.error.message).toContain("WEBHOOK_ALLOW_PRIVATE_TARGETS=true");
    expect(await tableCounts()).toEqual(before);
  });

  it("checks the target again at delivery: a private target stored meanwhile gets no request", async () => {
    // A registry whose variable allowed the target when it was created; the deployment now refuses it.
    const allowing = createApp();
    const ctx = createExecutionContext();
    const created = await allowing.fetch(
      new Request(`${BASE}/v1/webhooks`, {
        method: "POST",
        headers: { Authorization: `Bearer ${ADMIN}`, "Content-Type": "application/json" },
        body: JSON.stringify({ url: "http://127.0.0.1:9/hook", events: ["version.created"], model: "inward-*" }),
      }),
      { ...env, WEBHOOK_ALLOW_PRIVATE_TARGETS: "true" },
      ctx,
    );
    await waitOnExecutionContext(ctx);
    expect(created.status).toBe(201);
    const hook = (await created.json()) as { id: string };

    const r = clockedRegistry();
    const model = uniqueName("inward");
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0" } });
    const [delivery] = (await r.callJson("GET", `/v1/webhooks/${hook.id}/deliveries`, 200)).items;
    expect(delivery.status).toBe("pending");
    expect(delivery.attempts).toHaveLength(1);
    expect(delivery.attempts[0]).toMatchObject({ status: null, error: expect.stringContaining("loopback") });
  });
});
