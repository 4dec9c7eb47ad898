import { describe, expect, it } from "vitest";
import { EdgeregError } from "../src/client";
import { isTransient, withRetry } from "./retry";
import { NetworkError } from "./transport";

describe("retries", () => {
  it("retries the network, 5xx and 429, never a refusal", () => {
    expect(isTransient(new NetworkError("ECONNREFUSED: …", "ECONNREFUSED"))).toBe(true);
    expect(isTransient(Object.assign(new Error("aborted"), { code: "ECONNRESET" }))).toBe(true);
    expect(isTransient(new EdgeregError(503, "HTTP_503", "unavailable"))).toBe(true);
    expect(isTransient(new EdgeregError(429, "RATE_LIMITED", "slow down"))).toBe(true);
    expect(isTransient(new EdgeregError(422, "UNPROCESSABLE", "sha256 mismatch"))).toBe(false);
    expect(isTransient(new EdgeregError(404, "NOT_FOUND", "gone"))).toBe(false);
  });

  it("waits as long as Retry-After asks, and gives up after the last attempt", async () => {
    const delays: number[] = [];
    let calls = 0;
    const answer = await withRetry(
      async () => {
        calls++;
        if (calls === 1) throw new EdgeregError(429, "RATE_LIMITED", "slow down", undefined, undefined, 0.02);
        if (calls === 2) throw new EdgeregError(502, "HTTP_502", "bad gateway");
        return "done";
      },
      { attempts: 3, firstDelayMs: 1, onRetry: (_e, _a, delay) => delays.push(delay) },
    );
    expect(answer).toBe("done");
    expect(delays).toEqual([20, 2]);

    let tries = 0;
    const refused = new EdgeregError(500, "INTERNAL", "boom");
    await expect(withRetry(async () => { tries++; throw refused; }, { attempts: 2, firstDelayMs: 1 })).rejects.toBe(refused);
    expect(tries).toBe(2);
  });
});
