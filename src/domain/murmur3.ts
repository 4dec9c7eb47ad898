/** MurmurHash3 x86_32 (Austin Appleby, public domain): the hash that places request keys in canary buckets. */

const C1 = 0xcc9e2d51;
const C2 = 0x1b873593;

/** The 32-bit MurmurHash3 of `data`, as an unsigned integer (matches the reference C++ and Python's mmh3 unsigned). */
export function murmur3_x86_32(data: Uint8Array, seed = 0): number {
  const view = new DataView(data.buffer, data.byteOffset, data.byteLength);
  const blocks = data.byteLength & ~3;
  let h = seed | 0;

  for (let i = 0; i < blocks; i += 4) {
    h ^= scramble(view.getUint32(i, true));
    h = rotl(h, 13);
    h = (Math.imul(h, 5) + 0xe6546b64) | 0;
  }

  // The tail: up to three bytes, little-endian, mixed without the rotate-multiply-add step.
  let k = 0;
  switch (data.byteLength & 3) {
    case 3:
      k ^= view.getUint8(blocks + 2) << 16;
    // falls through
    case 2:
      k ^= view.getUint8(blocks + 1) << 8;
    // falls through
    case 1:
      k ^= view.getUint8(blocks);
      h ^= scramble(k);
  }

  h ^= data.byteLength;
  return fmix32(h) >>> 0;
}

function scramble(k: number): number {
  return Math.imul(rotl(Math.imul(k, C1), 15), C2);
}

function rotl(x: number, r: number): number {
  return (x << r) | (x >>> (32 - r));
}

// The finaliser avalanches every input bit over the whole word.
function fmix32(h: number): number {
  h ^= h >>> 16;
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  h ^= h >>> 16;
  return h;
}
