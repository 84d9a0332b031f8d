// Decode inputs for `rsm fuzz --mode decode`: valid snapshots of random stores, then damaged the way real
// bytes are (bit flips, truncation, a length or count set to an extreme, bytes appended), with the CRC
// recomputed or not, so the damage reaches the checks after R-DECODE-3 as often as it stops there.
import fc from "fast-check";
import { compareBytes, crc32c, encodeSnapshot, utf8Bytes } from "../reference/index.js";
import { EDGE_KEYS } from "./arbitraries.js";

const EXTREMES = [0, 1, 2, 0x7fffffff, 0x80000000, 0xfffffffe, 0xffffffff] as const;

type Damage =
  | { kind: "flip"; at: number; bit: number }
  | { kind: "truncate"; keep: number }
  | { kind: "u32"; field: number; value: number }
  | { kind: "u64"; field: 0 | 1 | 2; value: bigint }
  | { kind: "append"; bytes: Uint8Array }
  | { kind: "key-byte"; at: number; byte: number };

const damage: fc.Arbitrary<Damage> = fc.oneof(
  fc.record({ kind: fc.constant("flip" as const), at: fc.nat(), bit: fc.nat({ max: 7 }) }),
  fc.record({ kind: fc.constant("truncate" as const), keep: fc.nat() }),
  // field 0 is the pair count, field k > 0 the k-th length after it (key and value lengths, in order).
  fc.record({ kind: fc.constant("u32" as const), field: fc.nat({ max: 8 }), value: fc.oneof(fc.constantFrom(...EXTREMES), fc.nat({ max: 64 })) }),
  fc.record({ kind: fc.constant("u64" as const), field: fc.constantFrom(0 as const, 1 as const, 2 as const), value: fc.oneof(fc.constantFrom(0n, 1n, 2n, 7n, 1n << 63n, (1n << 64n) - 1n), fc.bigInt({ min: 0n, max: (1n << 64n) - 1n })) }),
  fc.record({ kind: fc.constant("append" as const), bytes: fc.uint8Array({ maxLength: 6 }) }),
  // Bytes that make UTF-8 wrong in interesting ways: continuation, overlong lead, surrogate lead, above U+10FFFF.
  fc.record({ kind: fc.constant("key-byte" as const), at: fc.nat(), byte: fc.constantFrom(0x80, 0xbf, 0xc0, 0xc1, 0xed, 0xf4, 0xf5, 0xff, 0x00) }),
);

/** The byte offsets of the pair count and every length field of a well-formed snapshot, in order. */
function lengthOffsets(b: Uint8Array): number[] {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  if (b.length < 36) return [];
  const out = [28];
  let at = 32;
  for (let i = 0; i < view.getUint32(28) && at + 4 <= b.length - 4; i++) {
    out.push(at);
    at += 4 + view.getUint32(at);
    if (at + 4 > b.length - 4) break;
    out.push(at);
    at += 4 + view.getUint32(at);
  }
  return out;
}

function apply(b: Uint8Array, d: Damage): Uint8Array {
  const out = Uint8Array.from(b);
  const view = new DataView(out.buffer);
  switch (d.kind) {
    case "flip":
      if (out.length > 0) out[d.at % out.length]! ^= 1 << d.bit;
      return out;
    case "truncate":
      return out.slice(0, d.keep % (out.length + 1));
    case "u32": {
      const offsets = lengthOffsets(out);
      if (offsets.length > 0) view.setUint32(offsets[d.field % offsets.length]!, d.value);
      return out;
    }
    case "u64":
      if (out.length >= 28) view.setBigUint64(4 + 8 * d.field, d.value);
      return out;
    case "append": {
      const longer = new Uint8Array(out.length + d.bytes.length);
      longer.set(out);
      longer.set(d.bytes, out.length);
      return longer;
    }
    case "key-byte":
      if (out.length > 40) out[32 + (d.at % (out.length - 36))] = d.byte;
      return out;
  }
}

/** A snapshot of a random store (keys from the edge list and random text, values of edge and random hex). */
const validSnapshot: fc.Arbitrary<Uint8Array> = fc
  .tuple(
    fc.uniqueArray(fc.tuple(fc.oneof(fc.constantFrom(...EDGE_KEYS), fc.string({ unit: "grapheme", maxLength: 5 })), fc.uint8Array({ maxLength: 12 })), { maxLength: 6, selector: ([k]) => k }),
    fc.bigInt({ min: 0n, max: (1n << 64n) - 1n }),
    // Mostly in order; sometimes reversed or with the last pair repeated, for R-DECODE-8.
    fc.constantFrom("sorted", "sorted", "sorted", "reversed", "repeated"),
  )
  .map(([pairs, index, order]) => {
    const sorted = pairs.map(([k, v]) => ({ keyBytes: utf8Bytes(k), value: v })).sort((a, b) => compareBytes(a.keyBytes, b.keyBytes));
    const written = order === "reversed" ? sorted.reverse() : order === "repeated" && sorted.length > 0 ? [...sorted, sorted.at(-1)!] : sorted;
    return encodeSnapshot({ currentTerm: 1n, lastIncludedIndex: index, lastIncludedTerm: index === 0n ? 0n : 1n, pairs: written });
  });

/** A decode input: a valid snapshot with up to three kinds of damage, its CRC then recomputed or not. */
export const decodeInputArbitrary: fc.Arbitrary<Uint8Array> = fc
  .tuple(validSnapshot, fc.array(damage, { maxLength: 3 }), fc.boolean())
  .map(([valid, damages, fixCrc]) => {
    let b = valid;
    for (const d of damages) b = apply(b, d);
    if (fixCrc && b.length >= 4) new DataView(b.buffer, b.byteOffset).setUint32(b.length - 4, crc32c(b, 0, b.length - 4));
    return b;
  });

