// Snapshots as text a person can read: header fields, then one line per pair with the key escaped and the
// value in hex and printable form. `decode` prints it; failure reports diff it line by line.
import { bytesToHex, type DecodedSnapshot, type SnapshotWalk } from "../reference/index.js";
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

/** The header as `decode` and a diff show it; `count` is the pair count field. */
export function headerLines(s: Pick<SnapshotWalk, "magic" | "currentTerm" | "lastIncludedIndex" | "lastIncludedTerm" | "count">): string[] {
  return [
    `magic ${bytesToHex(s.magic)} ${JSON.stringify(printable(s.magic))}`,
    `current_term ${s.currentTerm}`,
    `last_included_index ${s.lastIncludedIndex}`,
    `last_included_term ${s.lastIncludedTerm}`,
    `pair count ${s.count}`,
  ];
}

export function pairLine(i: number, p: { keyBytes: Uint8Array; value: Uint8Array }, options: TextOptions = {}): string {
  const limit = options.limit ?? 48;
  const key = p.keyBytes.length > limit ? `${escapeKey(p.keyBytes.subarray(0, limit))} ... (${p.keyBytes.length} bytes)` : escapeKey(p.keyBytes);
  const v = shown(p.value, limit);
  return `[${i}] ${key} = ${v.hex} ${JSON.stringify(v.text)}${v.more}`;
}

export function crcLine(s: Pick<SnapshotWalk, "crc" | "computedCrc" | "crcOk">): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return s.crcOk ? `crc ${hex(s.crc)} (correct)` : `crc ${hex(s.crc)} (WRONG: the bytes before it give ${hex(s.computedCrc)})`;
}

/** Every line of a snapshot's text form. */
export function snapshotLines(s: DecodedSnapshot, options: TextOptions = {}): string[] {
  const lines = headerLines({ ...s, count: s.pairs.length });
  s.pairs.forEach((p, i) => lines.push(pairLine(i, p, options)));
  lines.push(crcLine(s));
  return lines;
}
