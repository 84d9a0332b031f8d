// The decoder's check order and bounds (SPEC.md 4.1). The decode vectors pin every verdict against every
// port; these pin what no vector can: memory on hostile inputs and on big snapshots, the worked examples from
// SPEC.md's text, and what the decoder gives besides its verdict for a display to show.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hexToBytes } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { decodeVerdict, decodedJson, type SnapshotRead } from "./decode.js";

const SPEC = readFileSync(path.resolve(import.meta.dirname, "..", "SPEC.md"), "utf8");

/** A 100 MB input: a header, then `fill` from offset 32 on, with a correct CRC so the structure is reached. */
function hostile(fill: (view: DataView) => void): Uint8Array {
  const b = new Uint8Array(100 * 1024 * 1024);
  b.set([0x52, 0x4b, 0x56, 0x31]);
  const view = new DataView(b.buffer);
  view.setBigUint64(4, 1n);
  fill(view);
  view.setUint32(b.length - 4, crc32c(b, 0, b.length - 4));
  return b;
}

/** `hex` and 4 more bytes, its CRC-32C. */
function withCrc(hex: string): Uint8Array {
  const b = hexToBytes(`${hex}00000000`);
  new DataView(b.buffer).setUint32(b.length - 4, crc32c(b, 0, b.length - 4));
  return b;
}

const header = "524b5631" + "0000000000000001" + "0000000000000001" + "0000000000000001";

function rssGrowthMb(f: () => void): number {
  globalThis.gc?.();
  const before = process.memoryUsage().rss;
  f();
  return (process.memoryUsage().rss - before) / 1024 / 1024;
}

describe("decodeVerdict", () => {
  it("accepts SPEC.md's two worked examples with their fields", () => {
    const [empty, two] = [...SPEC.matchAll(/`(524b5631[0-9a-f]+)`/g)].map((m) => m[1]!);
    const e = decodeVerdict(hexToBytes(empty!));
    expect(e.ok && decodedJson(e.snapshot)).toEqual({ current_term: "1", last_included_index: "0", last_included_term: "0", pairs: [] });
    const t = decodeVerdict(hexToBytes(two!));
    expect(t.ok && decodedJson(t.snapshot)).toEqual({ current_term: "1", last_included_index: "2", last_included_term: "1", pairs: [{ key: "a", value: "31" }, { key: "b", value: "00ff" }] });
  });

  it("rejects a 100 MB snapshot with a key length of 2^32 - 1, or a count of 2^32 - 1 over empty pairs, in no more memory than the snapshot", () => {
    const longKey = hostile((v) => {
      v.setUint32(28, 0xffffffff);
      v.setUint32(32, 0xffffffff);
    });
    let verdict: ReturnType<typeof decodeVerdict> | undefined;
    expect(rssGrowthMb(() => (verdict = decodeVerdict(longKey)))).toBeLessThan(100);
    expect(verdict).toMatchObject({ ok: false, rule: "R-DECODE-5", offset: 36 });
    // Every pair is an empty key and an empty value (8 zero bytes): 13 million of them fit, then one does not.
    const manyPairs = hostile((v) => v.setUint32(28, 0xffffffff));
    expect(rssGrowthMb(() => (verdict = decodeVerdict(manyPairs)))).toBeLessThan(100);
    expect(verdict).toMatchObject({ ok: false, rule: "R-DECODE-5" });
  });

  it("accepts a 40 MB snapshot of 2.5 million pairs keeping nothing per pair", () => {
    // Keys "00000000", "00000001", ...: 4 + 8 + 4 bytes a pair, values empty.
    const n = 2_500_000;
    const b = new Uint8Array(32 + 16 * n + 4);
    b.set([0x52, 0x4b, 0x56, 0x31]);
    const view = new DataView(b.buffer);
    view.setBigUint64(4, 1n);
    view.setBigUint64(12, 1n);
    view.setBigUint64(20, 1n);
    view.setUint32(28, n);
    for (let i = 0; i < n; i++) {
      view.setUint32(32 + 16 * i, 8);
      const digits = String(i).padStart(8, "0");
      for (let k = 0; k < 8; k++) b[36 + 16 * i + k] = digits.charCodeAt(k);
    }
    view.setUint32(b.length - 4, crc32c(b, 0, b.length - 4));
    let verdict: ReturnType<typeof decodeVerdict> | undefined;
    expect(rssGrowthMb(() => (verdict = decodeVerdict(b)))).toBeLessThan(100);
    expect(verdict?.ok).toBe(true);
  });

  it("decides the structure over all pairs before any key (R-DECODE-9), and lengths from 2^31 up are unsigned", () => {
    // Pair 0's key is C0 80 (overlong), pair 1 is cut short: R-DECODE-5, not R-DECODE-7.
    expect(decodeVerdict(withCrc(`${header}00000002` + "00000002c080" + "00000000" + "00000001"))).toMatchObject({ ok: false, rule: "R-DECODE-5" });
    expect(decodeVerdict(withCrc(`${header}00000001` + "80000000"))).toMatchObject({ ok: false, rule: "R-DECODE-5", offset: 36 });
  });
});

describe("what decodeVerdict read, whatever its verdict", () => {
  const fields = (s: SnapshotRead) => [...s.spans].map((f) => `${f.field} ${f.start}..${f.end}`);
  const pairs = (s: SnapshotRead) => Array.from(s.pairs, (p) => `${Buffer.from(p.keyBytes).toString()}=${Buffer.from(p.value).toString("hex")}`);

  it("every pair of a snapshot rejected for its keys (R-DECODE-8)", () => {
    const v = decodeVerdict(withCrc(`${header}00000002` + "0000000161000000013100000001610000000132"));
    expect(v).toMatchObject({ ok: false, rule: "R-DECODE-8", offset: 46 });
    expect(pairs(v.snapshot)).toEqual(["a=31", "a=32"]);
    expect(v.snapshot.broken).toBeNull();
    expect(v.snapshot.crc).toBe(v.snapshot.computedCrc);
  });

  it("the pairs before a bogus length, and the fields of its pair read before it (R-DECODE-5)", () => {
    const v = decodeVerdict(withCrc(`${header}00000002` + "000000016100000001ff" + "0000000162" + "80000000" + "00"));
    expect(v).toMatchObject({ ok: false, rule: "R-DECODE-5", offset: 51 });
    expect(pairs(v.snapshot)).toEqual(["a=ff"]);
    expect(v.snapshot.partial.map((f) => f.field)).toEqual(["key length of pair 1", "key bytes of pair 1", "value length of pair 1"]);
    expect(v.snapshot.end).toBe(51);
    expect(fields(v.snapshot).slice(5)).toEqual([
      "key length of pair 0 32..36",
      "key bytes of pair 0 36..37",
      "value length of pair 0 37..41",
      "value bytes of pair 0 41..42",
      "key length of pair 1 42..46",
      "key bytes of pair 1 46..47",
      "value length of pair 1 47..51",
      "crc 52..56",
    ]);
  });

  it("every pair before bytes left over (R-DECODE-6), and the header a short input holds (R-DECODE-1)", () => {
    const trailing = decodeVerdict(withCrc(`${header}00000001` + "000000016100000001ff" + "abcd"));
    expect(trailing).toMatchObject({ ok: false, rule: "R-DECODE-6", offset: 42 });
    expect(pairs(trailing.snapshot)).toEqual(["a=ff"]);
    expect(trailing.snapshot.end).toBe(42);
    const short = decodeVerdict(hexToBytes(`${header}0000`));
    expect(short).toMatchObject({ ok: false, rule: "R-DECODE-1", offset: 30 });
    expect(fields(short.snapshot)).toEqual(["magic 0..4", "current_term 4..12", "last_included_index 12..20", "last_included_term 20..28"]);
    expect([short.snapshot.count, short.snapshot.crc, short.snapshot.end]).toEqual([undefined, undefined, 28]);
  });

  it("the whole layout, whatever the magic and the CRC say (R-DECODE-2, -3)", () => {
    const b = withCrc(`${header}00000001` + "000000016100000001ff");
    b[0] = 0x51;
    const v = decodeVerdict(b);
    expect(v).toMatchObject({ ok: false, rule: "R-DECODE-2", offset: 0 });
    expect(v.snapshot.broken).toBeNull();
    expect(pairs(v.snapshot)).toEqual(["a=ff"]);
    expect(v.snapshot.crc).not.toBe(v.snapshot.computedCrc);
  });
});
