import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { callJson, uniqueName } from "./helpers";

function receiver(behaviour = "") {
  const box = uniqueName("qbox").toLowerCase();
  const origin = `https://${box}.hooks.test`;
  return {
    url: `${origin}${behaviour}/edgereg`,
    received: async (): Promise<Array<{ headers: Record<string, string>; body: string; answered: number }>> => (await fetch(`${origin}/__received`)).json(),
  };
}

describe("webhook queue smoke", () => {
  it("delivers", async () => {
    const model = uniqueName("q");
    const box = receiver();
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["*"], model } });
    await callJson("POST", "/v1/models", 201, { body: { name: model } });
    await callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0" } });
    const t0 = Date.now();
    for (;;) {
      const got = await box.received();
      if (got.length >= 2 || Date.now() - t0 > 15000) break;
      await new Promise((r) => setTimeout(r, 200));
    }
    console.log(Date.now() - t0, JSON.stringify(await box.received()).slice(0, 500));
    console.log(JSON.stringify(await callJson("GET", `/v1/webhooks/${hook.id}/deliveries`, 200)));
    void env;
  }, 30000);
});
