import { describe, expect, it } from "vitest";
import fc from "fast-check";
import { deliveryBody, isDelivered, MAX_ATTEMPTS, nextAttemptAt, queueRetryDelay, RETRY_DELAYS_S, retryDelaysOf, signatureOf, subscribes } from "./webhooks";

describe("webhook deliveries", () => {
  it("signs with HMAC-SHA256 (RFC 4231 test case 2)", async () => {
    expect(await signatureOf("Jefe", "what do ya want for nothing?")).toBe(
      "sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843",
    );
  });

  it("matches listed events and the * wildcard", () => {
    expect(subscribes(["stage.changed"], "stage.changed")).toBe(true);
    expect(subscribes(["stage.changed"], "ref.moved")).toBe(false);
    expect(subscribes(["*"], "drift.detected")).toBe(true);
  });

  it("backs off 1 min, 5 min, 30 min, 2 h, then gives up", () => {
    const now = 1_000_000;
    expect([1, 2, 3, 4].map((n) => (nextAttemptAt(n, now)! - now) / 1000)).toEqual([60, 300, 1800, 7200]);
    expect(nextAttemptAt(MAX_ATTEMPTS, now)).toBeNull();
  });

  it("reads the queue's backoff from WEBHOOK_RETRY_DELAYS_S, falling back to the default on anything malformed", () => {
    expect(retryDelaysOf("1, 2,3")).toEqual([1, 2, 3]);
    for (const bad of [undefined, "", "x", "1,-1", "1.5", "60,50000"]) expect(retryDelaysOf(bad)).toBe(RETRY_DELAYS_S);
  });

  it("waits the delay of the failed attempt, the last one past the list", () => {
    expect([1, 2, 3, 4, 5, 9].map((n) => queueRetryDelay(n, RETRY_DELAYS_S))).toEqual([60, 300, 1800, 7200, 7200, 7200]);
    fc.assert(
      fc.property(fc.array(fc.nat(43_200), { minLength: 1, maxLength: 8 }), fc.integer({ min: -2, max: 200 }), (delays, attempt) => {
        const delay = queueRetryDelay(attempt, delays);
        expect(delays).toContain(delay);
        if (attempt >= 1 && attempt <= delays.length) expect(delay).toBe(delays[attempt - 1]);
      }),
    );
  });

  it("counts only 2xx answers as delivered", () => {
    expect([200, 204, 299].every(isDelivered)).toBe(true);
    expect([null, 199, 301, 410, 500].some(isDelivered)).toBe(false);
  });

  it("serialises the event the same way every time", () => {
    const event = { type: "ref.moved" as const, model: "m", data: { version: 2 } };
    expect(deliveryBody("e1", "2030-01-01T00:00:00.000Z", event)).toBe(
      '{"id":"e1","type":"ref.moved","at":"2030-01-01T00:00:00.000Z","model":"m","data":{"version":2}}',
    );
  });
});
