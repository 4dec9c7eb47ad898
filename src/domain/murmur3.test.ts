import { describe, expect, it } from "vitest";
import { murmur3_x86_32 } from "./murmur3";

const utf8 = (s: string) => new TextEncoder().encode(s);
const bytes = (...b: number[]) => new Uint8Array(b);

// Published vectors (SMHasher's verification set as listed by several ports, and mmh3's documentation).
const vectors: Array<[string, Uint8Array, number, number]> = [
  ["empty, seed 0", bytes(), 0, 0x00000000],
  ["empty, seed 1", bytes(), 1, 0x514e28b7],
  ["empty, seed 0xffffffff", bytes(), 0xffffffff, 0x81f16f39],
  ["ff ff ff ff", bytes(0xff, 0xff, 0xff, 0xff), 0, 0x76293b50],
  ["21 43 65 87", bytes(0x21, 0x43, 0x65, 0x87), 0, 0xf55b516b],
  ["21 43 65 87, seed 0x5082edee", bytes(0x21, 0x43, 0x65, 0x87), 0x5082edee, 0x2362f9de],
  ["21 43 65", bytes(0x21, 0x43, 0x65), 0, 0x7e4a8634],
  ["21 43", bytes(0x21, 0x43), 0, 0xa0f7b07a],
  ["21", bytes(0x21), 0, 0x72661cf4],
  ["00 00 00 00", bytes(0, 0, 0, 0), 0, 0x2362f9de],
  ["00 00 00", bytes(0, 0, 0), 0, 0x85f0b427],
  ["00 00", bytes(0, 0), 0, 0x30f4c306],
  ["00", bytes(0), 0, 0x514e28b7],
  ['"aaaa"', utf8("aaaa"), 0x9747b28c, 0x5a97808a],
  ['"aaa"', utf8("aaa"), 0x9747b28c, 0x283e0130],
  ['"aa"', utf8("aa"), 0x9747b28c, 0x5d211726],
  ['"a"', utf8("a"), 0x9747b28c, 0x7fa09ea6],
  ['"abcd"', utf8("abcd"), 0x9747b28c, 0xf0478627],
  ['"abc"', utf8("abc"), 0x9747b28c, 0xc84a62dd],
  ['"ab"', utf8("ab"), 0x9747b28c, 0x74875592],
  ['"abc", seed 0', utf8("abc"), 0, 0xb3dd93fa],
  ['"Hello, world!"', utf8("Hello, world!"), 0x9747b28c, 0x24884cba],
  ['"Hello, world!", seed 1234', utf8("Hello, world!"), 1234, 0xfaf6cdb3],
  ['"ππππππππ" (UTF-8)', utf8("ππππππππ"), 0x9747b28c, 0xd58063c1],
  ['"a" × 256', utf8("a".repeat(256)), 0x9747b28c, 0x37405bdc],
  ["quick brown fox, seed 0", utf8("The quick brown fox jumps over the lazy dog"), 0, 0x2e4ff723],
  ["quick brown fox", utf8("The quick brown fox jumps over the lazy dog"), 0x9747b28c, 0x2fa826cd],
  ["abcdbcde…", utf8("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"), 0, 0xee925b90],
];

/** An independent, slow transcription of the reference algorithm in BigInt arithmetic. */
function referenceMurmur(data: Uint8Array, seed: number): number {
  const M = 0xffffffffn;
  const mul = (a: bigint, b: bigint) => (a * b) & M;
  const rotl = (x: bigint, r: bigint) => ((x << r) | (x >> (32n - r))) & M;
  const mixK = (k: bigint) => mul(rotl(mul(k, 0xcc9e2d51n), 15n), 0x1b873593n);
  let h = BigInt(seed >>> 0);
  const whole = Math.floor(data.length / 4) * 4;
  for (let i = 0; i < whole; i += 4) {
    let k = 0n;
    for (let j = 3; j >= 0; j--) k = (k << 8n) | BigInt(data[i + j] ?? 0);
    h = rotl(h ^ mixK(k), 13n);
    h = (h * 5n + 0xe6546b64n) & M;
  }
  if (data.length > whole) {
    let k = 0n;
    for (let j = data.length - 1; j >= whole; j--) k = (k << 8n) | BigInt(data[j] ?? 0);
    h ^= mixK(k);
  }
  h ^= BigInt(data.length);
  h ^= h >> 16n;
  h = mul(h, 0x85ebca6bn);
  h ^= h >> 13n;
  h = mul(h, 0xc2b2ae35n);
  h ^= h >> 16n;
  return Number(h);
}

// A small deterministic generator (mulberry32) so failures reproduce.
function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

describe("murmur3_x86_32", () => {
  it.each(vectors)("%s", (_label, data, seed, expected) => {
    expect(murmur3_x86_32(data, seed)).toBe(expected);
  });

  it.each(vectors)("reference transcription agrees: %s", (_label, data, seed, expected) => {
    expect(referenceMurmur(data, seed)).toBe(expected);
  });

  it("seed defaults to 0", () => {
    expect(murmur3_x86_32(utf8("abc"))).toBe(0xb3dd93fa);
  });

  it("returns an unsigned 32-bit integer", () => {
    const random = prng(7);
    for (let i = 0; i < 500; i++) {
      const h = murmur3_x86_32(utf8(`key-${random()}`), (random() * 2 ** 32) >>> 0);
      expect(Number.isInteger(h) && h >= 0 && h <= 0xffffffff).toBe(true);
    }
  });

  it("agrees with the BigInt transcription on random inputs of every tail length", () => {
    const random = prng(42);
    for (let length = 0; length <= 67; length++) {
      for (let round = 0; round < 8; round++) {
        const data = Uint8Array.from({ length }, () => Math.floor(random() * 256));
        const seed = Math.floor(random() * 2 ** 32);
        expect(murmur3_x86_32(data, seed), `length ${length} seed ${seed}`).toBe(referenceMurmur(data, seed));
      }
    }
  });

  it("hashes only the viewed bytes of a subarray", () => {
    const backing = utf8("xxabcdyy");
    expect(murmur3_x86_32(backing.subarray(2, 6), 0x9747b28c)).toBe(0xf0478627);
  });

  it.each([
    ["é", [0xc3, 0xa9]],
    ["日本語", [0xe6, 0x97, 0xa5, 0xe6, 0x9c, 0xac, 0xe8, 0xaa, 0x9e]],
    ["🚀", [0xf0, 0x9f, 0x9a, 0x80]],
  ])("hashes the UTF-8 bytes of non-ASCII %s", (text, encoded) => {
    expect(Array.from(utf8(text))).toEqual(encoded);
    expect(murmur3_x86_32(utf8(text), 0)).toBe(referenceMurmur(Uint8Array.from(encoded), 0));
  });
});
