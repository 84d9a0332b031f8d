// Decoding a snapshot (SPEC.md section 4.1, feature `decode`): accept a byte string with its fields, or
// reject it with exactly one rule, the first of R-DECODE-1..8 that fails, in the order R-DECODE-9 fixes.
// Nothing is allocated from a declared length or count (R-DECODE-11): pairs are views into the input.
import { bytesToHex, invalidUtf8At } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { MAGIC, snapshotPairs } from "./snapshot.js";

const HEADER_SIZE = 32;
const CRC_SIZE = 4;

export type DecodeRule = "R-DECODE-1" | "R-DECODE-2" | "R-DECODE-3" | "R-DECODE-4" | "R-DECODE-5" | "R-DECODE-6" | "R-DECODE-7" | "R-DECODE-8";

export interface AcceptedSnapshot {
  readonly currentTerm: bigint;
  readonly lastIncludedIndex: bigint;
  readonly lastIncludedTerm: bigint;
  /** In the order they appear in the input, as views into it. */
  readonly pairs: readonly { readonly key: Uint8Array; readonly value: Uint8Array }[];
}

export type DecodeVerdict =
  | { readonly ok: true; readonly snapshot: AcceptedSnapshot }
  | {
      readonly ok: false;
      readonly rule: DecodeRule;
      /** The byte offset at which the check failed (for diagnosis; a port reports only the rule). */
      readonly offset: number;
      readonly message: string;
    };

const reject = (rule: DecodeRule, offset: number, message: string): DecodeVerdict => ({ ok: false, rule, offset, message });

/** SPEC.md 4.1: the checks in their order; the first that fails is the verdict. */
export function decodeVerdict(b: Uint8Array): DecodeVerdict {
  // R-DECODE-1: magic, header, pair count and CRC need 36 bytes.
  if (b.length < HEADER_SIZE + CRC_SIZE) return reject("R-DECODE-1", b.length, `${b.length} bytes; a snapshot has at least 36`);
  // R-DECODE-2
  for (let i = 0; i < 4; i++) {
    if (b[i] !== MAGIC[i]) return reject("R-DECODE-2", i, `magic is not RKV1 (byte ${i} is 0x${b[i]!.toString(16).padStart(2, "0")})`);
  }
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const crcAt = b.length - CRC_SIZE;
  // R-DECODE-3: over every byte before the CRC, whatever the structure says.
  const crc = view.getUint32(crcAt);
  const computed = crc32c(b, 0, crcAt);
  if (crc !== computed) return reject("R-DECODE-3", crcAt, `crc is ${hex32(crc)}, CRC-32C of the ${crcAt} bytes before it is ${hex32(computed)}`);
  // R-DECODE-4, compared as u64 (R-DECODE-10).
  const currentTerm = view.getBigUint64(4);
  const lastIncludedIndex = view.getBigUint64(12);
  const lastIncludedTerm = view.getBigUint64(20);
  if (currentTerm === 0n) return reject("R-DECODE-4", 4, "current_term is 0");
  if (lastIncludedTerm > currentTerm) return reject("R-DECODE-4", 20, `last_included_term ${lastIncludedTerm} is above current_term ${currentTerm}`);
  if ((lastIncludedIndex === 0n) !== (lastIncludedTerm === 0n)) {
    return reject("R-DECODE-4", 12, `last_included_index ${lastIncludedIndex} with last_included_term ${lastIncludedTerm}; both or neither must be 0`);
  }
  // R-DECODE-5 and -6 over the whole structure before any key (R-DECODE-9). Every length is checked against
  // what remains before the CRC before the next field is read (R-DECODE-11), and nothing is kept: a count of
  // 2^32 - 1 over millions of empty pairs costs no memory, and the pass ends where the bytes do.
  const count = view.getUint32(28);
  let at = HEADER_SIZE;
  const field = (size: number, what: string, pair: number): DecodeVerdict | null =>
    size > crcAt - at ? reject("R-DECODE-5", at, `${what} of pair ${pair} (${size} bytes at offset ${at}) runs into the crc at offset ${crcAt}`) : null;
  for (let i = 0; i < count; i++) {
    const keyLengthFits = field(4, "key length", i);
    if (keyLengthFits) return keyLengthFits;
    const keyLength = readLength(view, at);
    at += 4;
    const keyFits = field(keyLength, "key bytes", i);
    if (keyFits) return keyFits;
    at += keyLength;
    const valueLengthFits = field(4, "value length", i);
    if (valueLengthFits) return valueLengthFits;
    const valueLength = readLength(view, at);
    at += 4;
    const valueFits = field(valueLength, "value bytes", i);
    if (valueFits) return valueFits;
    at += valueLength;
  }
  if (at !== crcAt) return reject("R-DECODE-6", at, `${crcAt - at} bytes after pair count ${count} pairs, before the crc`);
  // R-DECODE-7 then R-DECODE-8, pair by pair, over the structure the first pass proved is there.
  const pairs: { key: Uint8Array; value: Uint8Array }[] = [];
  let previous: Uint8Array | undefined;
  for (const [i, key, value] of snapshotPairs(b)) {
    const keyStart = key.byteOffset - b.byteOffset;
    const bad = invalidUtf8At(key);
    if (bad >= 0) return reject("R-DECODE-7", keyStart + bad, `key of pair ${i} is not UTF-8 at its byte ${bad}`);
    if (previous !== undefined && compareBytes(previous, key) >= 0) {
      return reject("R-DECODE-8", keyStart, `key of pair ${i} is not greater than the key of pair ${i - 1} (unsigned bytes)`);
    }
    pairs.push({ key, value });
    previous = key;
  }
  return { ok: true, snapshot: { currentTerm, lastIncludedIndex, lastIncludedTerm, pairs } };
}

function readLength(view: DataView, at: number): number {
  return view.getUint32(at); // unsigned: 2^31 and above are never negative (R-DECODE-11)
}

/** R-DECODE-10: unsigned bytes, a proper prefix first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const hex32 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

/** An accepted snapshot as a `decoded` reply carries it (R-PROTO-13): exact decimals, keys as code points. */
export interface DecodedJson {
  readonly current_term: string;
  readonly last_included_index: string;
  readonly last_included_term: string;
  readonly pairs: { readonly key: string; readonly value: string }[];
}

// ignoreBOM keeps a key that starts with EF BB BF whole (R-DECODE-12); keys are proven UTF-8 by then.
const keyText = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A key's text: its exact code points (R-DECODE-12). Only for keys decodeVerdict has proven UTF-8. */
export function keyString(key: Uint8Array): string {
  return keyText.decode(key);
}

export function decodedJson(s: AcceptedSnapshot): DecodedJson {
  return {
    current_term: s.currentTerm.toString(),
    last_included_index: s.lastIncludedIndex.toString(),
    last_included_term: s.lastIncludedTerm.toString(),
    pairs: s.pairs.map((p) => ({ key: keyString(p.key), value: bytesToHex(p.value) })),
  };
}
