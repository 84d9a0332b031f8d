// Snapshots as text a person can read: header fields, then one line per pair with the key escaped and the
// value in hex and printable form. `decode` prints it; failure reports diff it line by line.
import { bytesToHex, type DecodedSnapshot } from "../reference/index.js";
import { HIDDEN } from "./authored_format.js";

const utf8 = new TextDecoder("utf-8", { fatal: true });

/** A key as a quoted string with control characters escaped; invalid UTF-8 falls back to \xNN escapes. */
export function escapeKey(bytes: Uint8Array): string {
  let text: string;
  try {
    text = utf8.decode(bytes);
  } catch {
    return `b"${[...bytes].map((b) => (b >= 0x20 && b < 0x7f && b !== 0x22 && b !== 0x5c ? String.fromCharCode(b) : `\\x${b.toString(16).padStart(2, "0")}`)).join("")}"`;
  }
  return JSON.stringify(text).replace(HIDDEN, (c) => {
    const cp = c.codePointAt(0)!;
    return cp > 0xffff ? `\\u{${cp.toString(16)}}` : `\\u${cp.toString(16).padStart(4, "0")}`;
  });
}

/** Printable ASCII as is, everything else as "."; the hex beside it is the truth. */
export function printable(bytes: Uint8Array): string {
  return [...bytes].map((b) => (b >= 0x20 && b < 0x7f ? String.fromCharCode(b) : ".")).join("");
}

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

export function headerLines(s: DecodedSnapshot): string[] {
  return [
    `magic ${bytesToHex(s.magic)} ${JSON.stringify(printable(s.magic))}`,
    `current_term ${s.currentTerm}`,
    `last_included_index ${s.lastIncludedIndex}`,
    `last_included_term ${s.lastIncludedTerm}`,
    `pair count ${s.pairs.length}`,
  ];
}

export function pairLine(i: number, p: { keyBytes: Uint8Array; value: Uint8Array }, options: TextOptions = {}): string {
  const limit = options.limit ?? 48;
  const key = p.keyBytes.length > limit ? `${escapeKey(p.keyBytes.subarray(0, limit))} ... (${p.keyBytes.length} bytes)` : escapeKey(p.keyBytes);
  const v = shown(p.value, limit);
  return `[${i}] ${key} = ${v.hex} ${JSON.stringify(v.text)}${v.more}`;
}

export function crcLine(s: DecodedSnapshot): string {
  const hex = (n: number) => n.toString(16).padStart(8, "0");
  return s.crcOk ? `crc ${hex(s.crc)} (correct)` : `crc ${hex(s.crc)} (WRONG: the bytes before it give ${hex(s.computedCrc)})`;
}

/** Every line of a snapshot's text form. */
export function snapshotLines(s: DecodedSnapshot, options: TextOptions = {}): string[] {
  return [...headerLines(s), ...s.pairs.map((p, i) => pairLine(i, p, options)), crcLine(s)];
}
