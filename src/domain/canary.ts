/**
 * Canary bucketing (DESIGN §5): bucket = murmur3_x86_32(UTF-8 of `salt:key`, seed 0) mod 10000, and the candidate
 * answers when bucket < weight in basis points. One salt per rollout: raising the weight only adds keys, and two
 * rollouts split traffic independently. The salt is public so anyone can recompute a key's arm.
 */
import { badRequest } from "./errors";
import { murmur3_x86_32 } from "./murmur3";

export type Arm = "stable" | "candidate";

export interface RolloutSplit {
  salt: string;
  /** Share of buckets that go to the candidate, 0..10000. */
  weightBp: number;
}

export const BUCKETS = 10_000;

const utf8 = new TextEncoder();

/** The key's bucket in 0..9999 for one rollout's salt. */
export function bucketOf(salt: string, key: string): number {
  return murmur3_x86_32(utf8.encode(`${salt}:${key}`), 0) % BUCKETS;
}

/** Which arm answers `key`; the same key always gets the same arm while the salt and weight stay. */
export function armFor(rollout: RolloutSplit, key: string): Arm {
  return bucketOf(rollout.salt, key) < rollout.weightBp ? "candidate" : "stable";
}

/** A percent with at most two decimals (0..100) as integer basis points; throws badRequest otherwise. */
export function percentToBasisPoints(percent: number): number {
  if (typeof percent !== "number" || !Number.isFinite(percent) || percent < 0 || percent > 100) {
    throw badRequest(`weight must be a percent from 0 to 100; got ${String(percent)}`, {
      field: "weight",
      reason: "out_of_range",
    });
  }
  const bp = Math.round(percent * 100);
  // k / 100 is the nearest double to the decimal k/100, so this holds exactly when `percent` was written with ≤ 2 decimals.
  if (bp / 100 !== percent) {
    throw badRequest(`weight ${percent} has more than two decimals; the finest step is 0.01%`, {
      field: "weight",
      reason: "too_precise",
    });
  }
  return bp === 0 ? 0 : bp; // never -0
}

/** Basis points as the percent shown in the API (two decimals at most). */
export function basisPointsToPercent(bp: number): number {
  return bp / 100;
}

/** A fresh 16-hex-character salt for a new rollout. */
export function newSalt(): string {
  const bytes = crypto.getRandomValues(new Uint8Array(8));
  return Array.from(bytes, (b) => b.toString(16).padStart(2, "0")).join("");
}

export interface RoutingKeySources {
  header?: string | null;
  query?: string | null;
  clientAddress?: string | null;
}

/** The key a request is bucketed by: `X-Routing-Key`, else `?key=`, else the client address; empty values don't count. */
export function routingKey(input: RoutingKeySources): string {
  return input.header || input.query || input.clientAddress || "anonymous";
}
