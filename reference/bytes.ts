// Byte helpers shared by the reference. Values are Uint8Array; hex on the wire is lowercase (R-NORM-2).

const utf8 = new TextEncoder();
const HEX = "0123456789abcdef";

/** UTF-8 bytes of a well-formed string (callers have rejected lone surrogates, R-KEY-1). */
export function utf8Bytes(s: string): Uint8Array {
  return utf8.encode(s);
}

export function bytesToHex(b: Uint8Array): string {
  let out = "";
  for (const x of b) out += HEX[x >> 4]! + HEX[x & 15]!;
  return out;
}

/** Decodes even-length hex of either case; throws on anything else. */
export function hexToBytes(hex: string): Uint8Array {
  if (hex.length % 2 !== 0 || !/^[0-9a-fA-F]*$/.test(hex)) {
    throw new RangeError(`not an even-length hex string: ${JSON.stringify(hex.slice(0, 40))}`);
  }
  const out = new Uint8Array(hex.length / 2);
  for (let i = 0; i < out.length; i++) out[i] = parseInt(hex.slice(2 * i, 2 * i + 2), 16);
  return out;
}

/** R-STORE-1: unsigned lexicographic byte order, a proper prefix first. */
export function compareBytes(a: Uint8Array, b: Uint8Array): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const d = a[i]! - b[i]!;
    if (d !== 0) return d;
  }
  return a.length - b.length;
}

export function bytesEqual(a: Uint8Array, b: Uint8Array): boolean {
  return a.length === b.length && compareBytes(a, b) === 0;
}

export function concatBytes(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.length + b.length);
  out.set(a, 0);
  out.set(b, a.length);
  return out;
}
