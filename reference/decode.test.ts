// The decoder's check order and bounds (SPEC.md 4.1). The decode vectors pin every verdict against every
// port; these pin what no vector can: memory on hostile inputs, and the worked examples from SPEC.md's text.
import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { hexToBytes } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { decodeVerdict, decodedJson } from "./decode.js";

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

  it("decides the structure over all pairs before any key (R-DECODE-9), and lengths from 2^31 up are unsigned", () => {
    const withCrc = (hex: string) => {
      const b = hexToBytes(`${hex}00000000`);
      new DataView(b.buffer).setUint32(b.length - 4, crc32c(b, 0, b.length - 4));
      return b;
    };
    const header = "524b5631" + "0000000000000001" + "0000000000000001" + "0000000000000001";
    // Pair 0's key is C0 80 (overlong), pair 1 is cut short: R-DECODE-5, not R-DECODE-7.
    expect(decodeVerdict(withCrc(`${header}00000002` + "00000002c080" + "00000000" + "00000001"))).toMatchObject({ ok: false, rule: "R-DECODE-5" });
    expect(decodeVerdict(withCrc(`${header}00000001` + "80000000"))).toMatchObject({ ok: false, rule: "R-DECODE-5", offset: 36 });
  });
});
