import { describe, expect, it } from "vitest";
import { StalenessCache } from "./staleness-cache";

function counter() {
  let loads = 0;
  const load = async () => ++loads;
  return { load, loads: () => loads };
}

const BOUND = 1000;

describe("StalenessCache", () => {
  it("answers from memory within the bound and reloads once it has passed", async () => {
    const cache = new StalenessCache<string, number>();
    const { load, loads } = counter();
    expect(await cache.get("k", 0, BOUND, load)).toEqual({ value: 1, ageMs: 0, cached: false });
    expect(await cache.get("k", 999, BOUND, load)).toEqual({ value: 1, ageMs: 999, cached: true });
    expect(await cache.get("k", 1000, BOUND, load)).toEqual({ value: 2, ageMs: 0, cached: false });
    expect(loads()).toBe(2);
  });

  it("never answers older than the bound, whatever the request pattern", async () => {
    const cache = new StalenessCache<string, number>();
    const { load } = counter();
    for (let now = 0; now < 5000; now += 37) {
      const { ageMs } = await cache.get("k", now, 250, load);
      expect(ageMs).toBeLessThan(250);
    }
  });

  it("shares one load among concurrent misses for the same key", async () => {
    const cache = new StalenessCache<string, number>();
    let release!: () => void;
    let loads = 0;
    const load = () => new Promise<number>((resolve) => (release = () => resolve(++loads)));
    const answers = Array.from({ length: 50 }, () => cache.get("k", 0, BOUND, load));
    release();
    const values = await Promise.all(answers);
    expect(loads).toBe(1);
    expect(values.every((v) => v.value === 1)).toBe(true);
    // One call read the source; the others joined its load.
    expect(values.filter((v) => !v.cached)).toHaveLength(1);
  });

  it("keeps keys apart", async () => {
    const cache = new StalenessCache<string, string>();
    expect((await cache.get("a", 0, BOUND, async () => "A")).value).toBe("A");
    expect((await cache.get("b", 0, BOUND, async () => "B")).value).toBe("B");
    expect((await cache.get("a", 1, BOUND, async () => "x")).value).toBe("A");
  });

  it("clear() drops entries, and a load begun before it does not repopulate the cache", async () => {
    const cache = new StalenessCache<string, number>();
    let release!: (v: number) => void;
    const slow = cache.get("k", 0, BOUND, () => new Promise<number>((resolve) => (release = resolve)));
    cache.clear();
    release(1);
    await slow;
    expect(cache.size).toBe(0);
    expect((await cache.get("k", 1, BOUND, async () => 2)).value).toBe(2);
  });

  it("does not keep failed loads", async () => {
    const cache = new StalenessCache<string, number>();
    await expect(cache.get("k", 0, BOUND, async () => Promise.reject(new Error("D1 down")))).rejects.toThrow("D1 down");
    expect((await cache.get("k", 1, BOUND, async () => 7)).value).toBe(7);
  });

  it("evicts the oldest entry beyond its capacity", async () => {
    const cache = new StalenessCache<number, number>(3);
    for (let k = 0; k < 5; k++) await cache.get(k, 0, BOUND, async () => k);
    expect(cache.size).toBe(3);
    expect((await cache.get(0, 1, BOUND, async () => -1)).value).toBe(-1);
  });
});
