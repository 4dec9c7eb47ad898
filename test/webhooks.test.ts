import { env } from "cloudflare:workers";
import { describe, expect, it } from "vitest";
import { auditOf, clockedRegistry, sha256Hex, uniqueName } from "./helpers";

type Registry = ReturnType<typeof clockedRegistry>;

/** A receiver of its own per test (see test/webhook-receiver.ts); `failFirst` deliveries get 503. */
function receiver(failFirst = 0) {
  const box = uniqueName("box").toLowerCase();
  return {
    url: `https://${box}.hooks.test${failFirst ? `/fail/${failFirst}` : ""}/edgereg`,
    received: async (): Promise<Array<{ headers: Record<string, string>; body: string; answered: number }>> =>
      (await fetch(`https://${box}.hooks.test/__received`)).json(),
  };
}

async function hmacHex(secret: string, body: string): Promise<string> {
  const key = await crypto.subtle.importKey("raw", new TextEncoder().encode(secret), { name: "HMAC", hash: "SHA-256" }, false, ["sign"]);
  return [...new Uint8Array(await crypto.subtle.sign("HMAC", key, new TextEncoder().encode(body)))].map((b) => b.toString(16).padStart(2, "0")).join("");
}

async function subscribe(r: Registry, body: Record<string, unknown>) {
  return r.callJson("POST", "/v1/webhooks", 201, { body });
}

const deliveries = async (r: Registry, id: string) => (await r.callJson("GET", `/v1/webhooks/${id}/deliveries`, 200)).items;

describe("webhooks", () => {
  it("shows the signing secret once and never lists it; creation and deletion are audited", async () => {
    const r = clockedRegistry();
    const hook = await subscribe(r, { url: "https://example.com/hook", events: ["stage.changed"], model: "fraud-*", description: "ops channel" });
    expect(hook.secret).toMatch(/^whsec_[A-Za-z0-9_-]{43}$/);
    expect(hook).toMatchObject({ url: "https://example.com/hook", events: ["stage.changed"], model: "fraud-*", deleted_at: null, created_by: "admin" });
    const listed = await r.callJson("GET", "/v1/webhooks?limit=200", 200);
    expect(listed.items.find((h: any) => h.id === hook.id)).toBeDefined();
    expect(JSON.stringify(listed)).not.toContain(hook.secret);
    expect(JSON.stringify(await r.callJson("GET", `/v1/webhooks/${hook.id}`, 200))).not.toContain(hook.secret);
    const deleted = await r.callJson("DELETE", `/v1/webhooks/${hook.id}`, 200);
    expect(deleted.deleted_at).not.toBeNull();
    expect((await r.callJson("GET", "/v1/webhooks?limit=200", 200)).items.find((h: any) => h.id === hook.id)).toBeUndefined();
    expect((await r.callJson("GET", "/v1/webhooks?limit=200&include_deleted=true", 200)).items.find((h: any) => h.id === hook.id)).toBeDefined();
    const audit = await r.callJson("GET", "/v1/audit?action=webhook.*&limit=200", 200);
    const mine = audit.items.filter((e: any) => (e.after ?? e.before)?.id === hook.id).map((e: any) => e.action);
    expect(mine).toEqual(["webhook.delete", "webhook.create"]);
    expect(JSON.stringify(audit)).not.toContain(hook.secret);
  });

  it("refuses bad subscriptions", async () => {
    const r = clockedRegistry();
    for (const body of [
      { url: "ftp://example.com/x", events: ["*"] },
      { url: "not a url", events: ["*"] },
      { url: "https://example.com/x", events: [] },
      { url: "https://example.com/x", events: ["version.vanished"] },
      { url: "https://example.com/x", events: ["*"], model: "bad name!" },
    ]) {
      await r.callJson("POST", "/v1/webhooks", 400, { body });
    }
    await r.callJson("GET", `/v1/webhooks/${crypto.randomUUID()}/deliveries`, 404);
  });

  it("signs each delivery with HMAC-SHA256 of the body and sends it after the response", async () => {
    const r = clockedRegistry();
    const model = uniqueName("hooked");
    const box = receiver();
    const hook = await subscribe(r, { url: box.url, events: ["version.created", "version.ready"], model });
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0" } });
    const got = await box.received();
    expect(got.map((d) => d.headers["x-edgereg-event"])).toEqual(["version.created", "version.ready"]);
    for (const d of got) {
      expect(d.headers["content-type"]).toBe("application/json");
      expect(d.headers["x-edgereg-signature"]).toBe(`sha256=${await hmacHex(hook.secret, d.body)}`);
      expect(d.headers["x-edgereg-delivery"]).toMatch(/^[0-9a-f-]{36}$/);
    }
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "version.created", model, data: { version: 1, semver: "1.0.0", status: "READY" } });
    expect(await hmacHex("another secret", got[0]!.body)).not.toBe(got[0]!.headers["x-edgereg-signature"]!.slice(7));
    const log = await deliveries(r, hook.id);
    expect(log.map((d: any) => [d.event, d.status, d.attempts.length, d.attempts[0].status, d.next_attempt_at]).sort()).toEqual([
      ["version.created", "delivered", 1, 200, null],
      ["version.ready", "delivered", 1, 200, null],
    ]);
  });

  it("announces version.ready when the upload of the last artifact verifies it", async () => {
    const r = clockedRegistry();
    const model = uniqueName("hooked");
    const box = receiver();
    await subscribe(r, { url: box.url, events: ["version.created", "version.ready"], model });
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    const bytes = "weights";
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, {
      body: { semver: "1.0.0", artifacts: [{ path: "model.bin", size: bytes.length, sha256: await sha256Hex(bytes) }] },
    });
    expect((await box.received()).map((d) => d.headers["x-edgereg-event"])).toEqual(["version.created"]);
    await r.callJson("PUT", `/v1/models/${model}/versions/1/artifacts/model.bin`, 201, { body: bytes });
    await r.callJson("PUT", `/v1/models/${model}/versions/1/artifacts/model.bin`, 409, { body: bytes });
    const got = await box.received();
    expect(got.map((d) => d.headers["x-edgereg-event"])).toEqual(["version.created", "version.ready"]);
    expect(JSON.parse(got[1]!.body).data).toEqual({ version: 1, status: "READY" });
  });

  it("announces version.ready when a multipart start finds the bytes already stored and so verifies the last artifact", async () => {
    const r = clockedRegistry();
    const model = uniqueName("hooked");
    const box = receiver();
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    const bytes = "shared weights";
    const artifacts = [{ path: "model.bin", size: bytes.length, sha256: await sha256Hex(bytes) }];
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0", artifacts } });
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.1", artifacts } });
    await r.callJson("PUT", `/v1/models/${model}/versions/1/artifacts/model.bin`, 201, { body: bytes });
    await subscribe(r, { url: box.url, events: ["version.ready"], model });
    const session = await r.callJson("POST", `/v1/models/${model}/versions/2/uploads`, 200, { body: { path: "model.bin" } });
    expect(session).toMatchObject({ status: "completed", version_status: "READY" });
    const got = await box.received();
    expect(got.map((d) => JSON.parse(d.body))).toMatchObject([{ type: "version.ready", model, data: { version: 2, status: "READY" } }]);
  });

  it("announces the same version events whichever door creates the version (/v1 or MLflow)", async () => {
    const r = clockedRegistry();
    const model = uniqueName("hooked");
    const box = receiver();
    await subscribe(r, { url: box.url, events: ["version.created", "version.ready"], model });
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0" } });
    await r.callJson("POST", "/api/2.0/mlflow/model-versions/create", 200, { body: { name: model, source: "s3://b/m" } });
    const got = (await box.received()).map((d) => JSON.parse(d.body));
    expect(got.map((e) => [e.type, e.data])).toEqual([
      ["version.created", { version: 1, semver: "1.0.0", status: "READY" }],
      ["version.ready", { version: 1, semver: "1.0.0", status: "READY" }],
      ["version.created", { version: 2, semver: "0.0.0-mlflow.2", status: "READY" }],
      ["version.ready", { version: 2, semver: "0.0.0-mlflow.2", status: "READY" }],
    ]);
  });

  it("delivers only the subscribed events of matching models", async () => {
    const r = clockedRegistry();
    const prefix = uniqueName("team");
    const box = receiver();
    await subscribe(r, { url: box.url, events: ["version.created"], model: `${prefix}-*` });
    for (const name of [`${prefix}-a`, `other-${prefix}`]) {
      await r.callJson("POST", "/v1/models", 201, { body: { name } });
      await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0" } });
      await r.callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: 1 } });
    }
    const got = await box.received();
    expect(got.map((d) => [d.headers["x-edgereg-event"], JSON.parse(d.body).model])).toEqual([["version.created", `${prefix}-a`]]);
  });

  it("retries a failing receiver on the cron trigger with backoff, the same signed body each time", async () => {
    const r = clockedRegistry();
    const model = uniqueName("retry");
    const box = receiver(2);
    const hook = await subscribe(r, { url: box.url, events: ["ref.moved"], model });
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0" } });
    await r.callJson("POST", `/v1/models/${model}/versions/1/stage`, 200, { body: { stage: "Staging" } });
    const moved = r.clock.ms;
    await r.callJson("PUT", `/v1/models/${model}/refs/Production`, 200, { body: { version: 1, reason: "first release" } });
    let [delivery] = await deliveries(r, hook.id);
    expect(delivery).toMatchObject({ status: "pending", next_attempt_at: new Date(moved + 60_000).toISOString() });
    expect(delivery.attempts).toEqual([{ at: new Date(moved).toISOString(), status: 503, error: "the receiver answered 503" }]);
    r.advance(30);
    await r.cron();
    expect((await box.received()).length).toBe(1);
    r.advance(31);
    await r.cron();
    [delivery] = await deliveries(r, hook.id);
    expect(delivery).toMatchObject({ status: "pending", next_attempt_at: new Date(r.clock.ms + 300_000).toISOString() });
    r.advance(300);
    await r.cron();
    [delivery] = await deliveries(r, hook.id);
    expect(delivery.status).toBe("delivered");
    expect(delivery.attempts.map((a: any) => a.status)).toEqual([503, 503, 200]);
    const got = await box.received();
    expect(got.map((d) => d.answered)).toEqual([503, 503, 200]);
    expect(new Set(got.map((d) => d.body)).size).toBe(1);
    expect(new Set(got.map((d) => d.headers["x-edgereg-signature"])).size).toBe(1);
    expect(JSON.parse(got[0]!.body)).toMatchObject({ type: "ref.moved", data: { ref: "Production", version: 1, previous_version: null, action: "move", reason: "first release" } });
  });

  it("gives up after the last retry and stops at once when the webhook is deleted", async () => {
    const r = clockedRegistry();
    const model = uniqueName("giveup");
    const box = receiver(99);
    const hook = await subscribe(r, { url: box.url, events: ["*"], model });
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: "1.0.0" } });
    for (const wait of [60, 300, 1800, 7200, 7200]) {
      r.advance(wait);
      await r.cron();
    }
    const log = await deliveries(r, hook.id);
    expect(log.map((d: any) => [d.status, d.attempts.length, d.next_attempt_at])).toEqual([
      ["failed", 5, null],
      ["failed", 5, null],
    ]);
    await r.callJson("PUT", `/v1/models/${model}/refs/champion`, 200, { body: { version: 1 } });
    expect((await deliveries(r, hook.id))[0]).toMatchObject({ event: "ref.moved", status: "pending" });
    await r.callJson("DELETE", `/v1/webhooks/${hook.id}`, 200);
    const before = (await box.received()).length;
    r.advance(7200);
    await r.cron();
    expect((await box.received()).length).toBe(before);
    expect((await deliveries(r, hook.id))[0]).toMatchObject({ event: "ref.moved", status: "failed" });
  });

  it("reports the pipeline's events: stage changes, auto-rollbacks and drift", async () => {
    const r = clockedRegistry(Math.ceil(Date.now() / 60_000) * 60_000);
    const model = uniqueName("events");
    const box = receiver();
    await subscribe(r, { url: box.url, events: ["stage.changed", "auto_rollback", "drift.detected"], model });
    await r.callJson("POST", "/v1/models", 201, { body: { name: model } });
    for (const v of ["1.0.0", "1.1.0"]) await r.callJson("POST", `/v1/models/${model}/versions`, 201, { body: { semver: v } });
    await r.callJson("PUT", `/v1/models/${model}/policy`, 200, {
      body: { require_staging: false, auto_rollback: { metric: "accuracy", direction: "higher", floor: 0.8, min_samples: 10, window_s: 300 } },
    });
    await r.callJson("POST", `/v1/models/${model}/versions/1/stage`, 200, { body: { stage: "Production" } });
    await r.callJson("POST", `/v1/models/${model}/versions/2/stage`, 200, { body: { stage: "Production" } });
    await r.callJson("POST", `/v1/models/${model}/observations`, 200, { body: { observations: [{ version: 2, metrics: { accuracy: 0.5 }, count: 10 }] } });
    await r.callJson("PUT", `/v1/models/${model}/versions/1/reference-data`, 200, { body: { features: { x: [1, 2, 3, 4, 5, 6, 7, 8] } } });
    await r.callJson("POST", `/v1/models/${model}/drift`, 201, { body: { version: 1, features: { x: [11, 12, 13, 14, 15, 16, 17, 18] } } });
    const got = (await box.received()).map((d) => JSON.parse(d.body));
    expect(got.map((e) => e.type)).toEqual(["stage.changed", "stage.changed", "auto_rollback", "drift.detected"]);
    expect(got[1].data).toMatchObject({ version: 2, stage: "Production", previous_stage: "None", refs: [{ ref: "Production", version: 2, previous_version: 1 }] });
    expect(got[2].data).toMatchObject({ ref: "Production", version: 2, baseline_version: 1, tripped: true });
    expect(got[3].data).toMatchObject({ version: 1, drift_share: 1, drifted_features: ["x"] });
    expect((await auditOf(model)).some((e) => e.action === "ref.auto_rollback")).toBe(true);
  });

  it("keeps the secret in storage, since every delivery is signed with it", async () => {
    const r = clockedRegistry();
    const hook = await subscribe(r, { url: "https://example.com/hook", events: ["*"], model: uniqueName("none") });
    const row = await env.DB.prepare("SELECT secret FROM webhooks WHERE id = ?").bind(hook.id).first<{ secret: string }>();
    expect(row?.secret).toBe(hook.secret);
  });
});
