// Conversions between text, bytes and lowercase hex (R-NORM-2): UTF-8 key bytes, and hex values decoded when a
// snapshot is encoded and snapshots written back as hex.

const utf8 = new TextEncoder();
const HEX = "0123456789abcdef";

/** UTF-8 bytes of a well-formed string (callers have rejected lone surrogates, R-KEY-1). */
export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}

/**
 * The number of bytes utf8Bytes(s) would give, without making them: a lone surrogate counts as U+FFFD's 3, as
 * TextEncoder writes it. For sizes checked against a limit before anything that large is built (R-SIZE-1).
 */
export function utf8Length(s: string): number {
  let n = s.length;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 0x80) continue;
    if (c < 0x800) n += 1;
    else if (c >= 0xd800 && c <= 0xdbff && i + 1 < s.length && (s.charCodeAt(i + 1) & 0xfc00) === 0xdc00) {
      // A pair: two code units, four bytes.
      n += 2;
      i++;
    } else n += 2;
  }
  return n;
}

const HEX_CODES = new TextEncoder().encode(HEX);
const ascii = new TextDecoder("latin1");

/**
 * Builds the digits as bytes and decodes them once: appending to a string character by character would
 * leave a rope of a million cells behind every large snapshot until something happened to flatten it.
 */
export function bytesToHex(b: Uint8Array): string {
  const out = new Uint8Array(b.length * 2);
  for (let i = 0; i < b.length; i++) {
    out[2 * i] = HEX_CODES[b[i]! >> 4]!;
    out[2 * i + 1] = HEX_CODES[b[i]! & 15]!;
  }
  return ascii.decode(out);
}

const NIBBLE = new Int8Array(128).fill(-1);
for (let i = 0; i < 16; i++) {
  NIBBLE[HEX.charCodeAt(i)] = i;
  NIBBLE[HEX.toUpperCase().charCodeAt(i)] = i;
}

/** Decodes even-length hex of either case; throws on anything else. */
export function hexToBytes(hex: string): Uint8Array {
  const out = new Uint8Array(hex.length >> 1);
  let bad = hex.length % 2 !== 0;
  for (let i = 0; i < out.length && !bad; i++) {
    const hi = NIBBLE[hex.charCodeAt(2 * i)] ?? -1;
    const lo = NIBBLE[hex.charCodeAt(2 * i + 1)] ?? -1;
    bad = hi < 0 || lo < 0;
    out[i] = (hi << 4) | lo;
  }
  if (bad) throw new RangeError(`not an even-length hex string: ${JSON.stringify(hex.slice(0, 40))}`);
  return out;
}


/**
 * The offset of the first byte that does not begin a well-formed UTF-8 sequence (Unicode Table 3-7: no
 * overlong forms, no surrogates, nothing above U+10FFFF), or -1 when all of `b` is UTF-8.
 */
export function invalidUtf8At(b: Uint8Array): number {
  const n = b.length;
  let i = 0;
  while (i < n) {
    const c = b[i]!;
    if (c < 0x80) {
      i++;
      continue;
    }
    let need: number;
    let lo = 0x80;
    let hi = 0xbf;
    if (c >= 0xc2 && c <= 0xdf) need = 1;
    else if (c >= 0xe0 && c <= 0xef) {
      need = 2;
      if (c === 0xe0) lo = 0xa0;
      else if (c === 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
      need = 3;
      if (c === 0xf0) lo = 0x90;
      else if (c === 0xf4) hi = 0x8f;
    } else return i;
    for (let k = 1; k <= need; k++) {
      const d = b[i + k];
      if (d === undefined || d < (k === 1 ? lo : 0x80) || d > (k === 1 ? hi : 0xbf)) return i;
    }
    i += need + 1;
  }
  return -1;
}
