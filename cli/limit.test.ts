import { describe, expect, it } from "vitest";
import { limiter, settleAll } from "./limit";

const tick = () => new Promise((resolve) => setTimeout(resolve, 1));

describe("limiter", () => {
  it("never runs more than its concurrency at once", async () => {
    const run = limiter(3);
    let running = 0;
    let most = 0;
    const results = await settleAll(
      Array.from({ length: 20 }, (_, i) =>
        run(async () => {
          most = Math.max(most, ++running);
          await tick();
          running--;
          return i;
        }),
      ),
    );
    expect(most).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it("starts no job after one failed, and reports that failure once all have settled", async () => {
    const run = limiter(1);
    const started: number[] = [];
    const failure = new Error("part 2 refused");
    const jobs = [1, 2, 3, 4].map((n) =>
      run(async () => {
        started.push(n);
        await tick();
        if (n === 2) throw failure;
        return n;
      }),
    );
    await expect(settleAll(jobs)).rejects.toBe(failure);
    expect(started).toEqual([1, 2]);
  });

  it("keeps running the other jobs after a failure when told to", async () => {
    const run = limiter(1, { stopOnFailure: false });
    const results = await Promise.allSettled([1, 2, 3].map((n) => run(async () => (n === 2 ? Promise.reject(new Error("one")) : n))));
    expect(results.map((r) => r.status)).toEqual(["fulfilled", "rejected", "fulfilled"]);
  });
});
