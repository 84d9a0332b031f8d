// CRC-32/IEEE (zlib's crc32, Ethernet, PNG): reflected polynomial 0xEDB88320, init and final XOR 0xFFFFFFFF.
// Not the snapshot's CRC (that is CRC-32C, R-WIRE-7): the diagnosis computes it only to recognise a port that
// used its language's stock crc32, the commonest way to get R-WIRE-7 wrong. Local because node:zlib has
// crc32 only from Node 22. Check value: crc32Ieee("123456789") = 0xCBF43926.

const TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? (c >>> 1) ^ 0xedb88320 : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

export function crc32Ieee(bytes: Uint8Array, start = 0, end = bytes.length): number {
  let crc = 0xffffffff;
  for (let i = start; i < end; i++) crc = TABLE[(crc ^ bytes[i]!) & 0xff]! ^ (crc >>> 8);
  return (crc ^ 0xffffffff) >>> 0;
}
