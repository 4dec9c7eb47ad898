/**
 * Webhook delivery through the queue, as deployed: the worker's own fetch handler enqueues, Miniflare's queue calls
 * the worker's `queue` handler (retries after WEBHOOK_RETRY_DELAYS_S = 1 s here, dead letters after max_retries 4,
 * both from wrangler.toml), and test/webhook-receiver.ts plays receivers that fail, go down, and dedup.
 */
import { env } from "cloudflare:workers";
import { describe, expect, it, vi } from "vitest";
import { auditOf, callJson, registryWith, uniqueName } from "./helpers";

interface Received {
  headers: Record<string, string>;
  body: string;
  answered: number;
}

function receiver(behaviour = "") {
  const box = uniqueName("qbox").toLowerCase();
  const origin = `https://${box}.hooks.test`;
  return {
    url: `${origin}${behaviour}/edgereg`,
    received: async (): Promise<Received[]> => (await fetch(`${origin}/__received`)).json(),
    down: () => fetch(`${origin}/__down`, { method: "PUT" }),
    up: () => fetch(`${origin}/__up`, { method: "PUT" }),
  };
}

/** What a receiver that dedups on X-Edgereg-Delivery processed: each key's body, once, in the order it accepted them. */
function processed(received: Received[]): Map<string, Received> {
  const seen = new Map<string, Received>();
  for (const r of received) if (r.answered === 200 && !seen.has(r.headers["x-edgereg-delivery"]!)) seen.set(r.headers["x-edgereg-delivery"]!, r);
  return seen;
}

const deliveries = async (hook: string): Promise<any[]> => (await callJson("GET", `/v1/webhooks/${hook}/deliveries?limit=200`, 200)).items;

/** Waits (real time: the queue runs on its own) until every delivery of the webhook is settled as `status`. */
async function settled(hook: string, count: number, status: "delivered" | "failed" = "delivered", timeout = 40_000) {
  return vi.waitFor(
    async () => {
      const log = await deliveries(hook);
      expect(log.length).toBe(count);
      expect(log.map((d) => d.status)).toEqual(Array(count).fill(status));
      return log;
    },
    { timeout, interval: 250 },
  );
}

async function model(name = uniqueName("q"), versions = 1) {
  await callJson("POST", "/v1/models", 201, { body: { name } });
  for (let v = 1; v <= versions; v++) await callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: `${v}.0.0` } });
  return name;
}

/** n ref moves of one model, each its own request: ref.moved events in a known order. */
async function moves(name: string, n: number) {
  for (let i = 0; i < n; i++) await callJson("PUT", `/v1/models/${name}/refs/champion`, 200, { body: { version: (i % 2) + 1, reason: `move ${i}` } });
}

describe("webhook delivery through the queue", () => {
  it("signs and delivers each event once, with a stable idempotency key and the model's sequence", async () => {
    const name = uniqueName("q");
    const box = receiver();
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["*"], model: name } });
    await model(name);
    const log = await settled(hook.id, 2);
    const got = await box.received();
    expect(got.map((r) => r.headers["x-edgereg-event"]).sort()).toEqual(["version.created", "version.ready"]);
    expect(new Set(got.map((r) => r.headers["x-edgereg-delivery"]))).toEqual(new Set(log.map((d) => d.id)));
    expect(log.map((d) => d.sequence).sort()).toEqual([1, 2]);
    for (const d of log) expect(d.attempts).toEqual([{ at: expect.any(String), status: 200, error: null }]);
  }, 60_000);

  it("a receiver failing a fixed share of requests processes every event exactly once, and the log has every attempt", async () => {
    const name = await model(uniqueName("share"), 2);
    const box = receiver("/share/40");
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["ref.moved"], model: name } });
    await moves(name, 8);
    const log = await settled(hook.id, 8);
    const got = await box.received();
    expect(got.filter((r) => r.answered === 503).length).toBeGreaterThan(0);
    // Each key was accepted exactly once: the receiver never saw a delivered event again.
    const accepted = got.filter((r) => r.answered === 200).map((r) => r.headers["x-edgereg-delivery"]);
    expect(accepted.length).toBe(8);
    expect(new Set(accepted).size).toBe(8);
    expect(new Set(accepted)).toEqual(new Set(log.map((d) => d.id)));
    // Every request the receiver saw is an attempt in the log, with the answer it got.
    expect(log.flatMap((d) => d.attempts).length).toBe(got.length);
    for (const d of log) {
      const mine = got.filter((r) => r.headers["x-edgereg-delivery"] === d.id);
      expect(d.attempts.map((a: any) => a.status)).toEqual(mine.map((r) => r.answered));
      expect(new Set(mine.map((r) => r.body)).size).toBe(1);
    }
  }, 90_000);

  it("a receiver that is down for a while gets everything once it is back", async () => {
    const name = await model(uniqueName("down"), 2);
    const box = receiver("/down/3");
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["ref.moved"], model: name } });
    await moves(name, 4);
    const log = await settled(hook.id, 4);
    const got = await box.received();
    expect(got.some((r) => r.answered === 503)).toBe(true);
    expect(processed(got).size).toBe(4);
    expect(log.every((d) => d.attempts.at(-1).status === 200)).toBe(true);
  }, 90_000);

  it("keeps per-model order for an ordered webhook: one delivery at a time, in event order, through failures", async () => {
    const prefix = uniqueName("ord");
    const [a, b] = [await model(`${prefix}-a`, 2), await model(`${prefix}-b`, 2)];
    // Each delivery is refused once first: every event of both streams goes through a retry.
    const box = receiver("/first/1");
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["ref.moved"], model: `${prefix}-*`, ordered: true } });
    expect(hook.ordered).toBe(true);
    // The same events to a webhook that did not ask for order: its retries overtake (so the assertions below can fail).
    const loose = receiver("/first/1");
    const unordered = await callJson("POST", "/v1/webhooks", 201, { body: { url: loose.url, events: ["ref.moved"], model: `${prefix}-*` } });
    await Promise.all([moves(a, 5), moves(b, 5)]);
    await settled(hook.id, 10, "delivered", 90_000);
    await settled(unordered.id, 10);
    const looseSequence = (await loose.received()).filter((r) => JSON.parse(r.body).model === a).map((r) => Number(r.headers["x-edgereg-sequence"]));
    expect(looseSequence).not.toEqual([...looseSequence].sort((x, y) => x - y));
    const got = await box.received();
    expect(got.map((r) => r.answered).filter((s) => s === 503).length).toBe(10);
    for (const name of [a, b]) {
      const stream = got.filter((r) => JSON.parse(r.body).model === name);
      const sequence = stream.map((r) => Number(r.headers["x-edgereg-sequence"]));
      // Every request for event k came before any request for event k+1, failures and retries included.
      expect(sequence).toEqual([...sequence].sort((x, y) => x - y));
      const reasons = [...processed(stream).values()].map((r) => JSON.parse(r.body).data.reason);
      expect(reasons).toEqual([0, 1, 2, 3, 4].map((i) => `move ${i}`));
    }
  }, 120_000);

  it("sends a delivery that failed every attempt to the dead-letter queue, marked failed; redeliver and replay bring it back, audited", async () => {
    const name = await model(uniqueName("dlq"), 2);
    const box = receiver();
    await box.down();
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["ref.moved"], model: name } });
    const before = new Date().toISOString();
    await moves(name, 3);
    const dead = await settled(hook.id, 3, "failed", 60_000);
    // 1 attempt + max_retries (4) from wrangler.toml, then the dead-letter queue's consumer marked it.
    for (const d of dead) expect(d.attempts.map((a: any) => a.status)).toEqual([503, 503, 503, 503, 503]);
    await box.up();

    const [first, ...rest] = dead.sort((x, y) => x.sequence - y.sequence);
    const again = await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/${first.id}/redeliver`, 200);
    expect(again).toMatchObject({ id: first.id, status: "pending", sequence: first.sequence });
    await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/${first.id}/redeliver`, 409);
    await vi.waitFor(async () => expect((await deliveries(hook.id)).find((d) => d.id === first.id).status).toBe("delivered"), { timeout: 20_000, interval: 250 });

    const replay = await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/replay`, 200, { body: { since: before, until: new Date(Date.now() + 1000).toISOString() } });
    expect(replay).toMatchObject({ replayed: 2, more: false });
    expect(replay.deliveries.sort()).toEqual(rest.map((d) => d.id).sort());
    const log = await settled(hook.id, 3);
    for (const d of log) expect(d.attempts.map((a: any) => a.status)).toEqual([503, 503, 503, 503, 503, 200]);
    // The receiver processed each event once, with the key it had been refused under.
    const accepted = processed(await box.received());
    expect([...accepted.keys()].sort()).toEqual(dead.map((d) => d.id).sort());

    const audit = (await auditOf(name)).filter((e) => e.action === "webhook.redeliver");
    expect(audit).toEqual([expect.objectContaining({ actor: "admin", before: { status: "failed" }, after: expect.objectContaining({ delivery: first.id }) })]);
    const replays = (await callJson("GET", "/v1/audit?action=webhook.replay&limit=200", 200)).items.filter((e: any) => e.after.webhook_id === hook.id);
    expect(replays).toEqual([expect.objectContaining({ actor: "admin", after: expect.objectContaining({ since: before }) })]);
    expect(replays[0].after.deliveries.sort()).toEqual(rest.map((d) => d.id).sort());
    // Nothing left to replay in that range.
    expect(await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/replay`, 200, { body: { since: before, until: new Date().toISOString() } })).toEqual({ replayed: 0, deliveries: [], more: false });
  }, 120_000);

  it("a duplicate or stale queue message sends nothing", async () => {
    const name = uniqueName("dup");
    const box = receiver();
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["version.created"], model: name } });
    await model(name);
    const [delivery] = await settled(hook.id, 1);
    const ticket = { delivery: delivery.id, generation: 0, webhook: hook.id, model: name };
    // The queue delivers at least once: the same message again, twice at once, and an older generation after a redelivery.
    await env.WEBHOOK_QUEUE!.sendBatch([{ body: ticket }, { body: ticket }]);
    await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/${delivery.id}/redeliver`, 200);
    await env.WEBHOOK_QUEUE!.send(ticket);
    await settled(hook.id, 1);
    await new Promise((resolve) => setTimeout(resolve, 2500));
    const got = await box.received();
    // The first delivery and the admin's redelivery; the duplicates and the stale ticket sent nothing.
    expect(got.map((r) => r.headers["x-edgereg-delivery"])).toEqual([delivery.id, delivery.id]);
    expect((await deliveries(hook.id))[0].attempts.length).toBe(2);
  }, 60_000);

  it("the cron trigger re-enqueues a delivery whose message was lost", async () => {
    const name = uniqueName("lost");
    const box = receiver();
    // An enqueue that vanishes (a queue outage, a local server stopped with messages in memory).
    const lostQueue = { send: async () => {}, sendBatch: async () => {} } as unknown as Queue;
    const r = registryWith({ env: { WEBHOOK_QUEUE: lostQueue as never } });
    const hook = await r.callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["version.created"], model: name } });
    await r.callJson("POST", "/v1/models", 201, { body: { name } });
    await r.callJson("POST", `/v1/models/${name}/versions`, 201, { body: { semver: "1.0.0" } });
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect((await deliveries(hook.id)).map((d) => d.status)).toEqual(["pending"]);
    expect(await box.received()).toEqual([]);
    r.setEnv({ WEBHOOK_QUEUE: env.WEBHOOK_QUEUE });
    r.advance(299);
    await r.cron();
    await new Promise((resolve) => setTimeout(resolve, 1500));
    expect(await box.received()).toEqual([]);
    r.advance(2);
    await r.cron();
    await settled(hook.id, 1);
    expect((await box.received()).length).toBe(1);
  }, 60_000);

  it("refuses what cannot be redelivered or replayed", async () => {
    const name = uniqueName("refuse");
    const box = receiver();
    await box.down();
    const hook = await callJson("POST", "/v1/webhooks", 201, { body: { url: box.url, events: ["version.created"], model: name } });
    await model(name);
    const [pending] = await deliveries(hook.id);
    const res = await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/${pending.id}/redeliver`, 409);
    expect(res.error.code).toBe("CONFLICT");
    await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/${crypto.randomUUID()}/redeliver`, 404);
    await callJson("POST", `/v1/webhooks/${crypto.randomUUID()}/deliveries/${pending.id}/redeliver`, 404);
    await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/not-a-uuid/redeliver`, 400);
    const backwards = await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/replay`, 400, { body: { since: "2026-01-02T00:00:00Z", until: "2026-01-01T00:00:00Z" } });
    expect(backwards.error.details.field).toBe("until");
    const notTime = await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/replay`, 400, { body: { since: "yesterday", until: "2026-01-01T00:00:00Z" } });
    expect(notTime.error.details.issues[0].path).toBe("since");
    await callJson("DELETE", `/v1/webhooks/${hook.id}`, 200);
    await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/${pending.id}/redeliver`, 409);
    await callJson("POST", `/v1/webhooks/${hook.id}/deliveries/replay`, 409, { body: { since: "2026-01-01T00:00:00Z", until: "2030-01-01T00:00:00Z" } });
  }, 30_000);
});
