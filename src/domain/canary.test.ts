import { describe, expect, it } from "vitest";
import { DomainError } from "./errors";
import { murmur3_x86_32 } from "./murmur3";
import {
  armFor,
  basisPointsToPercent,
  BUCKETS,
  bucketOf,
  newSalt,
  percentToBasisPoints,
  routingKey,
} from "./canary";

const KEYS = Array.from({ length: 100_000 }, (_, i) => `user-${i}`);
const bucketsFor = (salt: string) => KEYS.map((key) => bucketOf(salt, key));
const share = (buckets: number[], weightBp: number) => buckets.filter((b) => b < weightBp).length / buckets.length;

const SALTS = ["3f9c1a7be2d04456", "a0b1c2d3e4f50617", "rollout-2"];
const BUCKETS_BY_SALT = new Map(SALTS.map((salt) => [salt, bucketsFor(salt)]));
const bucketsOf = (salt: string) => BUCKETS_BY_SALT.get(salt) ?? [];

describe("bucketOf", () => {
  it("hashes the UTF-8 of salt:key with seed 0, modulo 10000", () => {
    const hash = murmur3_x86_32(new TextEncoder().encode("s1:alice"), 0);
    expect(bucketOf("s1", "alice")).toBe(hash % 10_000);
  });

  it.each([
    ["s", "k"],
    ["", ""],
    ["3f9c1a7be2d04456", "user-1"],
    ["salt", "日本語-ключ-🚀"],
  ])("salt %j key %j lands in 0..9999 and is stable", (salt, key) => {
    const bucket = bucketOf(salt, key);
    expect(Number.isInteger(bucket) && bucket >= 0 && bucket < BUCKETS).toBe(true);
    expect(bucketOf(salt, key)).toBe(bucket);
  });

  it("depends on the salt as well as the key", () => {
    const a = bucketsOf(SALTS[0]!);
    const b = bucketsOf(SALTS[1]!);
    expect(a.filter((bucket, i) => bucket === b[i]).length).toBeLessThan(100);
  });

  it("spreads keys evenly over ten bands of buckets", () => {
    const counts = new Array<number>(10).fill(0);
    for (const bucket of bucketsOf(SALTS[0]!)) counts[Math.floor(bucket / 1000)]!++;
    for (const count of counts) expect(Math.abs(count - 10_000)).toBeLessThan(500);
  });
});

describe("armFor", () => {
  it.each(SALTS.flatMap((salt) => [1, 5, 50].map((percent) => [salt, percent] as const)))(
    "salt %s at %d%% sends that share of 100,000 keys to the candidate (±0.5 pp)",
    (salt, percent) => {
      const weightBp = percent * 100;
      const candidates = KEYS.filter((key) => armFor({ salt, weightBp }, key) === "candidate").length;
      expect(Math.abs(candidates / KEYS.length - percent / 100)).toBeLessThanOrEqual(0.005);
      expect(candidates / KEYS.length).toBe(share(bucketsOf(salt), weightBp));
    },
  );

  it.each([
    [0, 0],
    [10_000, 1],
  ])("weight %d bp sends share %d", (weightBp, expected) => {
    expect(share(bucketsOf(SALTS[0]!), weightBp)).toBe(expected);
    expect(armFor({ salt: "x", weightBp }, "any")).toBe(expected === 1 ? "candidate" : "stable");
  });

  it("widening only adds keys: every candidate at 1% and 5% is still a candidate at 5% and 50%", () => {
    const salt = SALTS[0]!;
    const steps = [100, 500, 2500, 5000, 10_000];
    for (let i = 1; i < steps.length; i++) {
      for (const key of KEYS.slice(0, 20_000)) {
        if (armFor({ salt, weightBp: steps[i - 1]! }, key) === "candidate") {
          expect(armFor({ salt, weightBp: steps[i]! }, key)).toBe("candidate");
        }
      }
    }
  });

  it.each([
    [5000, 5000],
    [1000, 2000],
    [500, 5000],
  ])("two salts split independently (%d bp × %d bp ≈ product, ±0.5 pp)", (weightA, weightB) => {
    const a = bucketsOf(SALTS[0]!);
    const b = bucketsOf(SALTS[1]!);
    const both = a.filter((bucket, i) => bucket < weightA && b[i]! < weightB).length / KEYS.length;
    expect(Math.abs(both - (weightA / BUCKETS) * (weightB / BUCKETS))).toBeLessThanOrEqual(0.005);
  });

  it("is sticky: the same key gets the same arm on every call", () => {
    const rollout = { salt: SALTS[2]!, weightBp: 3333 };
    for (const key of KEYS.slice(0, 1000)) expect(armFor(rollout, key)).toBe(armFor({ ...rollout }, key));
  });

  it("answers candidate exactly when the bucket is below the weight", () => {
    const salt = "edge";
    const key = "k-17";
    const bucket = bucketOf(salt, key);
    expect(armFor({ salt, weightBp: bucket }, key)).toBe("stable");
    expect(armFor({ salt, weightBp: bucket + 1 }, key)).toBe("candidate");
  });
});

describe("percentToBasisPoints", () => {
  it.each([
    [0, 0],
    [100, 10_000],
    [1, 100],
    [5, 500],
    [50, 5000],
    [0.01, 1],
    [0.1, 10],
    [0.29, 29],
    [0.57, 57],
    [1.15, 115],
    [4.35, 435],
    [33.33, 3333],
    [99.99, 9999],
    [-0, 0],
  ])("%d%% → %d bp", (percent, bp) => {
    expect(Object.is(percentToBasisPoints(percent), bp)).toBe(true);
  });

  it("turns every 0.01 step from 0 to 100 into its basis points, and back", () => {
    for (let bp = 0; bp <= 10_000; bp++) {
      const written = Number((bp / 100).toFixed(2)); // as a JSON body would carry it
      expect(percentToBasisPoints(written)).toBe(bp);
      expect(basisPointsToPercent(bp)).toBe(written);
    }
  });

  it.each([
    [-0.01, "out_of_range"],
    [-1, "out_of_range"],
    [100.01, "out_of_range"],
    [1000, "out_of_range"],
    [Number.NaN, "out_of_range"],
    [Number.POSITIVE_INFINITY, "out_of_range"],
    ["5" as unknown as number, "out_of_range"],
    [0.001, "too_precise"],
    [0.295, "too_precise"],
    [12.345, "too_precise"],
    [0.1 + 0.2, "too_precise"],
    [99.999, "too_precise"],
  ])("refuses %d (%s)", (percent, reason) => {
    const error = catchError(() => percentToBasisPoints(percent));
    expect(error).toBeInstanceOf(DomainError);
    expect(error.code).toBe("BAD_REQUEST");
    expect(error.details).toEqual({ field: "weight", reason });
  });
});

describe("newSalt", () => {
  it("is 16 lowercase hex characters and differs each time", () => {
    const salts = new Set(Array.from({ length: 200 }, () => newSalt()));
    expect(salts.size).toBe(200);
    for (const salt of salts) expect(salt).toMatch(/^[0-9a-f]{16}$/);
  });
});

describe("routingKey", () => {
  it.each([
    [{ header: "h", query: "q", clientAddress: "203.0.113.9" }, "h"],
    [{ header: null, query: "q", clientAddress: "203.0.113.9" }, "q"],
    [{ header: "", query: "q", clientAddress: "203.0.113.9" }, "q"],
    [{ query: "", clientAddress: "2001:db8::1" }, "2001:db8::1"],
    [{ header: undefined, query: null, clientAddress: "203.0.113.9" }, "203.0.113.9"],
    [{ clientAddress: "" }, "anonymous"],
    [{}, "anonymous"],
    [{ header: " spaced " }, " spaced "],
  ])("%j → %j", (input, expected) => {
    expect(routingKey(input)).toBe(expected);
  });
});

function catchError(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error("expected an error");
}
