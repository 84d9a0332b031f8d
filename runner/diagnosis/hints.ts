// Hints: one line each naming the likely cause of a byte mismatch and its rule, for the commonest port
// mistakes. A hint is given only when the bytes leave no doubt (a U+FFFD no key of the scenario has, a key
// length equal to the key's UTF-16 length, a CRC that is zlib's crc32, ...); otherwise there is none, and the
// rest of the diagnosis has to do. Every check is linear in the snapshot or less: a snapshot can be megabytes.
import type { FieldSpan, NormalizedScenario, SnapshotPair, SnapshotRead } from "../../reference/index.js";
import { escapeKey } from "../../corpus/snapshot_text.js";
import { crc32Ieee } from "./crc32_ieee.js";

/** A snapshot as the decoder read it, its pairs walked once into an array for the hints and rules to index. */
export type SnapshotWithPairs = SnapshotRead & { readonly pairs: readonly SnapshotPair[] };

export interface HintClues {
  readonly scenario: NormalizedScenario;
  readonly expected: SnapshotWithPairs;
  readonly actualBytes: Uint8Array;
  /** Null when the actual bytes are not section 4's layout. */
  readonly actual: SnapshotWithPairs | null;
  /** When they are not: the pairs read before decoding stopped. */
  readonly pairsRead: readonly SnapshotPair[];
  /** The field of the expected snapshot the first differing byte falls in. */
  readonly span: FieldSpan | undefined;
}

const U64_MAX = (1n << 64n) - 1n;
/** Keys are cut to this many characters in a hint. */
const KEY_SHOWN = 40;
/** Past this many pairs the (slow) locale collation is not tried when naming an order. */
const COLLATED_MAX = 50_000;
/** Past this many pairs no order hint is tried: its map of every key would cost more than the hint is worth. */
const ORDER_MAX = 1_000_000;

const utf8 = new TextDecoder("utf-8");
const strictUtf8 = new TextDecoder("utf-8", { fatal: true });

/**
 * A key as a JSON string with everything but printable ASCII escaped (so U+FFFD shows as \ufffd), cut; bytes
 * that are not UTF-8 as the decoded lines show them (b"\xf0\x9f").
 */
export function keyText(bytes: Uint8Array): string {
  let text: string;
  try {
    // 4 bytes per character at most, so the first KEY_SHOWN characters are whole; the cut is moved back to the
    // start of the character it falls in, so that it is not taken for bad UTF-8.
    let cut = Math.min(bytes.length, KEY_SHOWN * 4);
    while (cut < bytes.length && cut > 0 && (bytes[cut]! & 0xc0) === 0x80) cut--;
    text = strictUtf8.decode(bytes.subarray(0, cut));
  } catch {
    return escapeKey(bytes.subarray(0, KEY_SHOWN)) + (bytes.length > KEY_SHOWN ? `... (${bytes.length} bytes)` : "");
  }
  const cut = text.length > KEY_SHOWN ? text.slice(0, KEY_SHOWN) : text;
  const json = JSON.stringify(cut).replace(/[^\x20-\x7e]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, "0")}`);
  return cut.length < text.length || bytes.length > KEY_SHOWN * 4 ? `${json}... (${bytes.length} bytes)` : json;
}

// Buffer.compare takes Uint8Arrays as they are; a Buffer view made per pair would cost more than the compare.
const same = (a: Uint8Array, b: Uint8Array) => a.length === b.length && Buffer.compare(a, b) === 0;

/** Bytes as a string of one character per byte, to key a Map. */
function byteString(b: Uint8Array): string {
  if (b.length <= 4096) return String.fromCharCode.apply(null, b as unknown as number[]);
  return Buffer.from(b.buffer, b.byteOffset, b.byteLength).toString("latin1");
}

function hasReplacementChar(b: Uint8Array): boolean {
  for (let i = 0; i + 2 < b.length; i++) if (b[i] === 0xef && b[i + 1] === 0xbf && b[i + 2] === 0xbd) return true;
  return false;
}

/** 1. U+FFFD in an actual key though no key of the scenario has one: stdin decoded as something else. */
function replacementHint(c: HintClues): string | null {
  if (c.scenario.steps.some((s) => "key" in s && s.key.includes("\ufffd"))) return null;
  const hit = (c.actual?.pairs ?? c.pairsRead).find((p) => hasReplacementChar(p.keyBytes));
  if (hit === undefined) return null;
  return (
    `actual key ${keyText(hit.keyBytes)} contains U+FFFD, which no key of the scenario does: the adapter does not read stdin as UTF-8 ` +
    "(R-PROTO-1; e.g. Java's default charset, or a locale of C/POSIX)"
  );
}

/** 2. The first difference is a key length, and the port wrote the key's UTF-16 length (or character count). */
function keyLengthHint(c: HintClues): string | null {
  const f = c.span;
  const m = f && /^key length of pair (\d+)$/.exec(f.field);
  if (!f || !m || f.end > c.actualBytes.length) return null;
  const i = Number(m[1]);
  const key = c.expected.pairs[i]?.keyBytes;
  if (key === undefined) return null;
  const written = new DataView(c.actualBytes.buffer, c.actualBytes.byteOffset, c.actualBytes.byteLength).getUint32(f.start);
  const text = utf8.decode(key);
  let codePoints = 0;
  for (let k = 0; k < text.length; k++) {
    const u = text.charCodeAt(k);
    if (u < 0xdc00 || u > 0xdfff) codePoints++;
  }
  const head = `key length of pair ${i} is ${written}, the length of ${keyText(key)} in`;
  const tail = `not its ${key.length} UTF-8 bytes: lengths count UTF-8 bytes (R-WIRE-8;`;
  if (written === key.length) return null;
  if (written === text.length && written === codePoints) return `${head} characters, ${tail} e.g. Java's String.length(), JavaScript's .length, Python's len())`;
  if (written === text.length) return `${head} UTF-16 code units, ${tail} e.g. Java's String.length(), JavaScript's .length, C#'s .Length)`;
  if (written === codePoints) return `${head} code points, ${tail} e.g. Python's len(), Rust's .chars().count())`;
  return null;
}

const hex32 = (n: number) => n.toString(16).padStart(8, "0");

/** 3. The CRC is wrong and is exactly zlib's crc32 of the same bytes: the wrong polynomial. */
function crcHint(c: HintClues): string | null {
  const a = c.actual;
  if (a === null || a.crc === a.computedCrc) return null;
  if (a.crc !== crc32Ieee(c.actualBytes, 0, c.actualBytes.length - 4)) return null;
  return (
    `actual crc ${hex32(a.crc)} is the CRC-32/IEEE of the bytes before it (zlib's crc32, polynomial 0xEDB88320), not their CRC-32C ${hex32(a.computedCrc!)}: ` +
    "the snapshot CRC is Castagnoli's, reflected polynomial 0x82F63B78 (R-WIRE-7)"
  );
}

const headerSame = (a: SnapshotRead, b: SnapshotRead) =>
  same(a.bytes.subarray(0, 4), b.bytes.subarray(0, 4)) && a.currentTerm === b.currentTerm && a.lastIncludedIndex === b.lastIncludedIndex && a.lastIncludedTerm === b.lastIncludedTerm;

function signedCompare(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) if (a[i] !== b[i]) return ((a[i]! << 24) >> 24) - ((b[i]! << 24) >> 24);
  return a.length - b.length;
}

/** The orders a port's keys are recognisably sorted in, when they are not in UTF-8 byte order. */
function orderNames(keys: readonly Uint8Array[]): string[] {
  const texts = keys.map((k) => utf8.decode(k));
  const ascending = (less: (i: number) => boolean) => {
    for (let i = 1; i < keys.length; i++) if (!less(i)) return false;
    return true;
  };
  const names: string[] = [];
  if (ascending((i) => texts[i - 1]! < texts[i]!)) names.push("UTF-16 code units (JavaScript's default sort, Java's String.compareTo)");
  if (ascending((i) => signedCompare(keys[i - 1]!, keys[i]!) < 0)) names.push("signed bytes (a signed char or Java byte compare)");
  if (keys.length <= COLLATED_MAX) {
    const collator = new Intl.Collator("en");
    if (ascending((i) => collator.compare(texts[i - 1]!, texts[i]!) < 0)) names.push("locale collation (localeCompare, Intl.Collator, strcoll)");
  }
  return names;
}

/** 4. Exactly the expected pairs, in another order: R-STORE-1. */
function orderHint(c: HintClues): string | null {
  const a = c.actual;
  const e = c.expected;
  if (a === null || a.pairs.length !== e.pairs.length || a.pairs.length < 2 || a.pairs.length > ORDER_MAX) return null;
  // Expected keys are distinct; each actual pair must take one of them with the same value, once.
  const byKey = new Map<string, Uint8Array>();
  for (const p of e.pairs) byKey.set(byteString(p.keyBytes), p.value);
  let moved = false;
  for (let i = 0; i < a.pairs.length; i++) {
    const p = a.pairs[i]!;
    const k = byteString(p.keyBytes);
    const value = byKey.get(k);
    if (value === undefined || !same(value, p.value)) return null;
    byKey.delete(k);
    if (!moved && !same(p.keyBytes, e.pairs[i]!.keyBytes)) moved = true;
  }
  if (!moved) return null;
  const names = orderNames(a.pairs.map((p) => p.keyBytes));
  const sorted = names.length > 0 ? `, sorted by ${names.join(" or by ")}` : "";
  const alone = headerSame(a, e) && a.crc === a.computedCrc ? "; nothing else differs" : "";
  return `actual snapshot has the expected pairs in another order${sorted}: keys are ordered by their UTF-8 bytes, unsigned (R-STORE-1)${alone}`;
}

const u64 = (b: Uint8Array) => new DataView(b.buffer, b.byteOffset, 8).getBigUint64(0);

/** The u64 as a float64 and back, or null when the double is past the u64 range. */
function throughDouble(n: bigint): bigint | null {
  const d = Number(n);
  return d >= 2 ** 64 ? null : BigInt(d);
}

/**
 * 5. Everything equal but values of keys the scenario increments, each of them 2^64-1 where the sum wrapped
 * (saturating arithmetic) or the expected value rounded through a double.
 */
function incrHints(c: HintClues): string[] {
  const a = c.actual;
  const e = c.expected;
  if (a === null || a.pairs.length !== e.pairs.length || !headerSame(a, e)) return [];
  const incremented = new Set<string>();
  for (const s of c.scenario.steps) if (s.op === "incr") incremented.add(s.key);
  if (incremented.size === 0) return [];
  const saturated: { key: Uint8Array; expected: bigint }[] = [];
  const rounded: { key: Uint8Array; expected: bigint; actual: bigint }[] = [];
  for (let i = 0; i < e.pairs.length; i++) {
    const ep = e.pairs[i]!;
    const ap = a.pairs[i]!;
    if (!same(ep.keyBytes, ap.keyBytes)) return [];
    if (same(ep.value, ap.value)) continue;
    // Any other difference makes the evidence ambiguous: say nothing.
    if (ep.value.length !== 8 || ap.value.length !== 8 || !incremented.has(utf8.decode(ep.keyBytes))) return [];
    const want = u64(ep.value);
    const got = u64(ap.value);
    if (got === U64_MAX) saturated.push({ key: ep.keyBytes, expected: want });
    else if (got === throughDouble(want)) rounded.push({ key: ep.keyBytes, expected: want, actual: got });
    else return [];
  }
  const more = (n: number) => (n > 1 ? ` (and ${n - 1} more value${n > 2 ? "s" : ""} like it)` : "");
  const hints: string[] = [];
  const s = saturated[0];
  if (s) hints.push(`value of ${keyText(s.key)} is 2^64-1 where ${s.expected} is expected${more(saturated.length)}: incr saturated instead of wrapping modulo 2^64 (R-INCR-2)`);
  const r = rounded[0];
  if (r) {
    hints.push(
      `value of ${keyText(r.key)} is ${r.actual}, the expected ${r.expected} rounded to a double${more(rounded.length)}: ` +
        "delta and the sum are unsigned 64-bit integers, never floating point (R-INCR-1, R-INCR-2)",
    );
  }
  return hints;
}

/** Every hint whose evidence is unambiguous, in a fixed order. */
export function diagnosisHints(c: HintClues): string[] {
  return [replacementHint(c), keyLengthHint(c), crcHint(c), orderHint(c), ...incrHints(c)].filter((h): h is string => h !== null);
}
