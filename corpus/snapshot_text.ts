// Snapshots as text a person can read: header fields, then one line per pair with the key escaped and the
// value in hex and printable form, as far as the decoder could read them, and the rule that rejects them.
// `decode` prints it; failure reports, goldens and traces diff it line by line.
import { bytesToHex, type DecodeVerdict, type FieldSpan, type Rejection, type SnapshotPair, type SnapshotRead } from "../reference/index.js";
import { HIDDEN } from "./authored_format.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A key as a quoted string with control characters escaped; invalid UTF-8 falls back to \xNN escapes. */
export function escapeKey(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    const parts: string[] = [];
    for (const b of bytes) parts.push(b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`);
    return `b"${parts.join("")}"`;
  }
  return JSON.stringify(text).replace(HIDDEN, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
}

/** Printable ASCII as is, everything else as "."; the hex beside it is the truth. */
export function printable(bytes: Uint8Array): string {
  // One byte per character, built as bytes and decoded once: a --full line of a 40 MB value must not
  // become an array of 40 million one-character strings.
  const out = new Uint8Array(bytes.length);
  for (let i = 0; i < bytes.length; i++) out[i] = bytes[i]! >= 0x20 && bytes[i]! < 0x7f ? bytes[i]! : 0x2e;
  return ascii.decode(out);
}

const ascii = new TextDecoder("ascii");

function shown(bytes: Uint8Array, limit: number): { hex: string; text: string; more: string } {
  const cut = bytes.length > limit ? bytes.subarray(0, limit) : bytes;
  return {
    hex: bytesToHex(cut) || "(empty)",
    text: printable(cut),
    more: bytes.length > limit ? ` ... (${bytes.length} bytes)` : "",
  };
}

export interface TextOptions {
  /** Bytes of each key and value shown before "..."; Infinity shows everything. */
  readonly limit?: number;
}

/** The header fields the bytes hold, as `decode` and a diff show them. */
function* headerLines(s: SnapshotRead): Generator<string> {
  if (s.magic) yield `magic ${bytesToHex(s.magic)} ${JSON.stringify(printable(s.magic))}`;
  if (s.currentTerm !== undefined) yield `current_term ${s.currentTerm}`;
  if (s.lastIncludedIndex !== undefined) yield `last_included_index ${s.lastIncludedIndex}`;
  if (s.lastIncludedTerm !== undefined) yield `last_included_term ${s.lastIncludedTerm}`;
  if (s.count !== undefined) yield `pair count ${s.count}`;
}

export function pairLine(i: number, p: SnapshotPair, options: TextOptions = {}): string {
  const limit = options.limit ?? 48;
  const key = p.keyBytes.length > limit ? `${escapeKey(p.keyBytes.subarray(0, limit))} ... (${p.keyBytes.length} bytes)` : escapeKey(p.keyBytes);
  const v = shown(p.value, limit);
  return `[${i}] ${key} = ${v.hex} ${JSON.stringify(v.text)}${v.more}`;
}

/** A field of a pair read in part: a length as its number, key bytes as the key's start. */
function partialLine(bytes: Uint8Array, f: FieldSpan): string {
  if (!f.field.startsWith("key bytes")) return `${f.field}: ${new DataView(bytes.buffer, bytes.byteOffset).getUint32(f.start)}`;
  const cut = f.end - f.start > 48 ? ` ... (${f.end - f.start} bytes)` : "";
  return `${f.field}: ${escapeKey(bytes.subarray(f.start, Math.min(f.end, f.start + 48)))}${cut}`;
}

const hex32 = (n: number) => n.toString(16).padStart(8, "0");

/**
 * Every line of a snapshot as the decoder read it: the header fields, a line per pair, the fields of a pair
 * read in part, the crc. Lazily, one pair at a time, so `decode` can print a 40 MB snapshot in blocks.
 */
export function* snapshotLines(s: SnapshotRead, options: TextOptions = {}): Generator<string> {
  yield* headerLines(s);
  let i = 0;
  for (const p of s.pairs) yield pairLine(i++, p, options);
  for (const f of s.partial) yield partialLine(s.bytes, f);
  if (s.crc !== undefined) yield s.crc === s.computedCrc ? `crc ${hex32(s.crc)} (correct)` : `crc ${hex32(s.crc)} (WRONG: the bytes before it give ${hex32(s.computedCrc!)})`;
}

/** A decoder's rejection (SPEC.md 4.1): the rule, where its check failed, and why. */
export function rejectionText(r: Rejection): string {
  return `${r.rule} at byte ${r.offset}: ${r.message}`;
}

/** What `decode` ends with, and a rejected snapshot's decoded lines too. */
export function verdictLine(v: DecodeVerdict): string {
  return v.ok ? "accepted (SPEC.md 4.1)" : `rejected: ${rejectionText(v)}`;
}

/** The lines of a decoded snapshot, then the rule that rejects it, if one does. */
export function verdictLines(v: DecodeVerdict, options: TextOptions = {}): string[] {
  const lines = [...snapshotLines(v.snapshot, options)];
  if (!v.ok) lines.push(verdictLine(v));
  return lines;
}
