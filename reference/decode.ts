// Decoding a snapshot (SPEC.md section 4.1, feature `decode`): accept a byte string with its fields, or
// reject it with exactly one rule, the first of R-DECODE-1..8 that fails, in the order R-DECODE-9 fixes.
// The verdict comes with what could be read whatever it is (header fields, pairs, where each field lies), so
// that a port's verdict, the decode command and a failure report are one decoder's. Nothing is allocated
// from a declared length or count and nothing is kept per pair (R-DECODE-11): pairs and spans are views
// walked from the bytes when asked for, so a 40 MB snapshot of millions of pairs decodes in its own memory.
import { bytesToHex, invalidUtf8At } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { HEADER_SIZE, MAGIC, type Snapshot, type SnapshotPair } from "./snapshot.js";
import type { DecodedSnapshot as DecodedSnapshotJson } from "./types/protocol.gen.js";

const CRC_SIZE = 4;

export type DecodeRule = "R-DECODE-1" | "R-DECODE-2" | "R-DECODE-3" | "R-DECODE-4" | "R-DECODE-5" | "R-DECODE-6" | "R-DECODE-7" | "R-DECODE-8";

export interface Rejection {
  readonly rule: DecodeRule;
  /** The byte offset at which the check failed (for diagnosis; a port reports only the rule). */
  readonly offset: number;
  readonly message: string;
}

/** A named byte range of a snapshot, for diagnosis: "offset 37, in the key length of pair 2". */
export interface FieldSpan {
  readonly field: string;
  readonly start: number;
  readonly end: number;
  readonly rule: string;
}

/**
 * What the decoder read of B, whatever its verdict: the header fields B holds, its last 4 bytes as the CRC
 * (from 36 bytes on), and the pairs up to where the structure ends or breaks.
 */
export interface SnapshotRead {
  readonly bytes: Uint8Array;
  readonly magic?: Uint8Array;
  readonly currentTerm?: bigint;
  readonly lastIncludedIndex?: bigint;
  readonly lastIncludedTerm?: bigint;
  /** The pair count field, which the pairs read may fall short of. */
  readonly count?: number;
  readonly crc?: number;
  /** CRC-32C of every byte before the CRC. */
  readonly computedCrc?: number;
  /** Each pair read whole, in order, as views into `bytes`. */
  readonly pairs: Iterable<SnapshotPair>;
  /** The fields read of the pair the structure broke in (a bogus length shows there). */
  readonly partial: readonly FieldSpan[];
  /** Every field read, in order: header, pairs, `partial`, crc. */
  readonly spans: Iterable<FieldSpan>;
  /** Where reading stopped: the end of the last field read before the CRC. */
  readonly end: number;
  /** Why B is not section 4's layout (R-DECODE-1, -5 or -6) whatever its magic, CRC, header or keys; else null. */
  readonly broken: Rejection | null;
}

export type DecodeVerdict =
  | { readonly ok: true; readonly snapshot: SnapshotRead & Snapshot }
  | ({ readonly ok: false; readonly snapshot: SnapshotRead } & Rejection);

const HEADER_FIELDS = [
  ["magic", 4, "R-WIRE-1"],
  ["current_term", 8, "R-WIRE-2"],
  ["last_included_index", 8, "R-WIRE-3"],
  ["last_included_term", 8, "R-WIRE-4"],
  ["pair count", 4, "R-WIRE-5"],
] as const;

const PAIR_FIELDS = [
  ["key length", "R-WIRE-8"],
  ["key bytes", "R-WIRE-6"],
  ["value length", "R-WIRE-8"],
  ["value bytes", "R-WIRE-6"],
] as const;

/** SPEC.md 4.1: the checks in their order; the first that fails is the verdict. */
export function decodeVerdict(b: Uint8Array): DecodeVerdict {
  const s = readSnapshot(b);
  const reject = (rule: DecodeRule, offset: number, message: string): DecodeVerdict => ({ ok: false, rule, offset, message, snapshot: s });
  // R-DECODE-1, which readSnapshot found (it reads no CRC and no pair from fewer than 36 bytes).
  if (b.length < HEADER_SIZE + CRC_SIZE) return { ok: false, ...s.broken!, snapshot: s };
  // R-DECODE-2
  for (let i = 0; i < 4; i++) {
    if (b[i] !== MAGIC[i]) return reject("R-DECODE-2", i, `magic is not RKV1 (byte ${i} is 0x${b[i]!.toString(16).padStart(2, "0")})`);
  }
  // R-DECODE-3: over every byte before the CRC, whatever the structure says.
  const crcAt = b.length - CRC_SIZE;
  const crc = s.crc!;
  const computed = s.computedCrc!;
  if (crc !== computed) return reject("R-DECODE-3", crcAt, `crc is ${hex32(crc)}, CRC-32C of the ${crcAt} bytes before it is ${hex32(computed)}`);
  // R-DECODE-4, compared as u64 (R-DECODE-10).
  const currentTerm = s.currentTerm!;
  const lastIncludedIndex = s.lastIncludedIndex!;
  const lastIncludedTerm = s.lastIncludedTerm!;
  if (currentTerm === 0n) return reject("R-DECODE-4", 4, "current_term is 0");
  if (lastIncludedTerm > currentTerm) return reject("R-DECODE-4", 20, `last_included_term ${lastIncludedTerm} is above current_term ${currentTerm}`);
  if ((lastIncludedIndex === 0n) !== (lastIncludedTerm === 0n)) {
    return reject("R-DECODE-4", 12, `last_included_index ${lastIncludedIndex} with last_included_term ${lastIncludedTerm}; both or neither must be 0`);
  }
  // R-DECODE-5 and -6, which readSnapshot decided over the whole structure before any key (R-DECODE-9).
  if (s.broken !== null) return { ok: false, ...s.broken, snapshot: s };
  // R-DECODE-7 then R-DECODE-8, pair by pair, over the structure proven to be there.
  let previous: Uint8Array | undefined;
  let i = 0;
  for (const { keyBytes: key } of s.pairs) {
    const keyStart = key.byteOffset - b.byteOffset;
    const bad = invalidUtf8At(key);
    if (bad >= 0) return reject("R-DECODE-7", keyStart + bad, `key of pair ${i} is not UTF-8 at its byte ${bad}`);
    if (previous !== undefined && compareBytes(previous, key) >= 0) {
      return reject("R-DECODE-8", keyStart, `key of pair ${i} is not greater than the key of pair ${i - 1} (unsigned bytes)`);
    }
    previous = key;
    i++;
  }
  return { ok: true, snapshot: { ...s, currentTerm, lastIncludedIndex, lastIncludedTerm } };
}

/**
 * Section 4's layout of B, read without judging it (that is decodeVerdict's), each length checked against
 * what remains before the CRC before the next field is read (R-DECODE-11). A count of 2^32 - 1 over
 * millions of empty pairs costs no memory, and the walk ends where the bytes do.
 */
function readSnapshot(b: Uint8Array): SnapshotRead {
  const view = new DataView(b.buffer, b.byteOffset, b.byteLength);
  const has = (end: number) => end <= b.length;
  const header = {
    magic: has(4) ? b.subarray(0, 4) : undefined,
    currentTerm: has(12) ? view.getBigUint64(4) : undefined,
    lastIncludedIndex: has(20) ? view.getBigUint64(12) : undefined,
    lastIncludedTerm: has(28) ? view.getBigUint64(20) : undefined,
    count: has(HEADER_SIZE) ? view.getUint32(28) : undefined,
  };
  const headerSpans: FieldSpan[] = [];
  let at = 0;
  for (const [field, size, rule] of HEADER_FIELDS) {
    if (!has(at + size)) break;
    headerSpans.push({ field, start: at, end: at + size, rule });
    at += size;
  }
  // R-DECODE-1: magic, header, pair count and CRC need 36 bytes.
  if (b.length < HEADER_SIZE + CRC_SIZE) {
    const broken: Rejection = { rule: "R-DECODE-1", offset: b.length, message: `${b.length} bytes; a snapshot has at least 36` };
    return { bytes: b, ...header, pairs: [], partial: [], spans: headerSpans, end: at, broken };
  }
  const crcAt = b.length - CRC_SIZE;
  const count = header.count!;
  let pairsRead = 0;
  let partial: FieldSpan[] = [];
  let broken: Rejection | null = null;
  walk: for (; pairsRead < count; pairsRead++) {
    const pairStart = at;
    for (let f = 0; f < PAIR_FIELDS.length; f++) {
      const size = fieldSize(view, f, at);
      if (size > crcAt - at) {
        const message = `${PAIR_FIELDS[f]![0]} of pair ${pairsRead} (${size} bytes at offset ${at}) runs into the crc at offset ${crcAt}`;
        broken = { rule: "R-DECODE-5", offset: at, message };
        partial = pairSpans(view, pairsRead, pairStart, f);
        break walk;
      }
      at += size;
    }
  }
  if (broken === null && at !== crcAt) broken = { rule: "R-DECODE-6", offset: at, message: `${crcAt - at} bytes after pair count ${count} pairs, before the crc` };
  const pairs: Iterable<SnapshotPair> = { [Symbol.iterator]: () => walkPairs(b, view, pairsRead) };
  const crcSpan: FieldSpan = { field: "crc", start: crcAt, end: b.length, rule: "R-WIRE-7" };
  const spans: Iterable<FieldSpan> = { [Symbol.iterator]: () => allSpans(b, view, headerSpans, pairs, partial, crcSpan) };
  const crc = view.getUint32(crcAt);
  return { bytes: b, ...header, crc, computedCrc: crc32c(b, 0, crcAt), pairs, partial, spans, end: at, broken };
}

function readLength(view: DataView, at: number): number {
  return view.getUint32(at); // unsigned: 2^31 and above are never negative (R-DECODE-11)
}

/** The size of field `f` of a pair (PAIR_FIELDS) starting at `at`: a length, or the bytes the length before it says. */
function fieldSize(view: DataView, f: number, at: number): number {
  return f % 2 === 0 ? 4 : readLength(view, at - 4);
}

/** The first `n` pairs, which readSnapshot has walked. */
function* walkPairs(b: Uint8Array, view: DataView, n: number): Generator<SnapshotPair> {
  let at = HEADER_SIZE;
  for (let i = 0; i < n; i++) {
    const keyLength = readLength(view, at);
    const keyBytes = b.subarray(at + 4, at + 4 + keyLength);
    at += 4 + keyLength;
    const valueLength = readLength(view, at);
    const value = b.subarray(at + 4, at + 4 + valueLength);
    at += 4 + valueLength;
    yield { keyBytes, value };
  }
}

/** R-DECODE-10: unsigned bytes, a proper prefix first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return a[i]! - b[i]!;
  return a.length - b.length;
}

const hex32 = (n: number) => `0x${n.toString(16).padStart(8, "0")}`;

// ignoreBOM keeps a key that starts with EF BB BF whole (R-DECODE-12); keys are proven UTF-8 by then.
const keyText = new TextDecoder("utf-8", { fatal: true, ignoreBOM: true });

/** A key's text: its exact code points (R-DECODE-12). Only for keys decodeVerdict has proven UTF-8. */
export function keyString(key: Uint8Array): string {
  return keyText.decode(key);
}

/** An accepted snapshot as a `decoded` reply carries it (R-PROTO-13): exact decimals, keys as code points. */
export function decodedJson(s: Snapshot): DecodedSnapshotJson {
  return {
    current_term: s.currentTerm.toString(),
    last_included_index: s.lastIncludedIndex.toString(),
    last_included_term: s.lastIncludedTerm.toString(),
    pairs: Array.from(s.pairs, (p) => ({ key: keyString(p.keyBytes), value: bytesToHex(p.value) })),
  };
}

// Where each field lies, which only a display asks for (a port's verdict never does).
// Stryker disable all: diagnosis only: spans place a differing byte in a field for a failure report and `rsm decode`; no verdict reads them

/** The first `fields` fields of pair `pair`, which starts at `start`. */
function pairSpans(view: DataView, pair: number, start: number, fields: number): FieldSpan[] {
  const spans: FieldSpan[] = [];
  let at = start;
  for (let f = 0; f < fields; f++) {
    const size = fieldSize(view, f, at);
    spans.push({ field: `${PAIR_FIELDS[f]![0]} of pair ${pair}`, start: at, end: at + size, rule: PAIR_FIELDS[f]![1] });
    at += size;
  }
  return spans;
}

function* allSpans(b: Uint8Array, view: DataView, header: readonly FieldSpan[], pairs: Iterable<SnapshotPair>, partial: readonly FieldSpan[], crc: FieldSpan): Generator<FieldSpan> {
  yield* header;
  let i = 0;
  for (const p of pairs) yield* pairSpans(view, i++, p.keyBytes.byteOffset - b.byteOffset - 4, PAIR_FIELDS.length);
  yield* partial;
  yield crc;
}

/** The field a byte offset falls in, e.g. for the first byte at which two snapshots differ. */
export function fieldAt(spans: Iterable<FieldSpan>, offset: number): FieldSpan | undefined {
  for (const s of spans) if (offset >= s.start && offset < s.end) return s;
  return undefined;
}
// Stryker restore all
