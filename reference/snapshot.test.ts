import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8Bytes } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { decodeVerdict, fieldAt } from "./decode.js";
import { encodeSnapshot, snapshotFields, type Snapshot } from "./snapshot.js";
import { KeyTable, Store } from "./store.js";

// The worked examples of SPEC.md section 4, copied from the contract (not produced by this code).
const EMPTY = "524b563100000000000000010000000000000000000000000000000000000000045540e9";
const A_B = "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";

function encodeStore(store: Store, lastApplied: number): string {
  return bytesToHex(encodeSnapshot(snapshotFields(1, lastApplied, lastApplied === 0 ? 0 : 1, store.sorted())));
}

describe("SPEC.md section 4 worked examples", () => {
  it("CRC-32C check value (R-WIRE-7)", () => {
    expect(crc32c(utf8Bytes("123456789"))).toBe(0xe3069283);
  });

  it("empty store after no writes", () => {
    expect(encodeStore(new Store(new KeyTable()), 0)).toBe(EMPTY);
  });

  it('store {"a": 31, "b": 00ff} at last_applied 2, inserted in either order', () => {
    const ab = new Store(new KeyTable());
    ab.set("a", "31");
    ab.set("b", "00ff");
    const ba = new Store(new KeyTable());
    ba.set("b", "00ff");
    ba.set("a", "31");
    expect(encodeStore(ab, 2)).toBe(A_B);
    expect(encodeStore(ba, 2)).toBe(A_B);
  });

  it("decodes the worked example field by field, with the span of every field", () => {
    const v = decodeVerdict(hexToBytes(A_B));
    expect(v.ok).toBe(true);
    const s = v.snapshot;
    expect([s.currentTerm, s.lastIncludedIndex, s.lastIncludedTerm, s.count]).toEqual([1n, 2n, 1n, 2]);
    expect(Array.from(s.pairs, (p) => [bytesToHex(p.keyBytes), bytesToHex(p.value)])).toEqual([
      ["61", "31"],
      ["62", "00ff"],
    ]);
    expect(s.crc).toBe(s.computedCrc);
    expect(fieldAt(s.spans, 36)?.field).toBe("key bytes of pair 0");
    expect(fieldAt(s.spans, 32)?.field).toBe("key length of pair 0");
    expect(fieldAt(s.spans, 55)?.field).toBe("crc");
    expect([...s.spans].map((f) => f.end - f.start)).toEqual([4, 8, 8, 8, 4, 4, 1, 4, 1, 4, 1, 4, 2, 4]);
  });
});

describe("R-STORE-1: keys ordered by UTF-8 bytes", () => {
  it("orders U+FFFD after U+1F600's surrogates would, i.e. by code point", () => {
    const store = new Store(new KeyTable());
    for (const k of ["\u{1f600}", "\ufffd", "b", "10", "2", "", "a\u0000", "__proto__"]) store.set(k, "");
    expect(store.sorted().map((p) => p.key.text)).toEqual(["", "10", "2", "__proto__", "a\u0000", "b", "\ufffd", "\u{1f600}"]);
  });
});

const pairsArb = fc.uniqueArray(fc.tuple(fc.string({ unit: "grapheme-composite", maxLength: 6 }), fc.uint8Array({ maxLength: 12 })), {
  selector: ([k]) => k,
  maxLength: 20,
});

describe("snapshot properties", () => {
  it("decode(encode(s)) = s", () => {
    fc.assert(
      fc.property(pairsArb, fc.nat(1_000_000), (pairs, lastApplied) => {
        const store = new Store(new KeyTable());
        for (const [k, v] of pairs) store.set(k, bytesToHex(v));
        const fields = snapshotFields(1, lastApplied, lastApplied === 0 ? 0 : 1, store.sorted());
        const decoded = decodeVerdict(encodeSnapshot(fields));
        expect(decoded.ok).toBe(true);
        expect(decoded.snapshot.lastIncludedIndex).toBe(BigInt(lastApplied));
        expect(decoded.snapshot.lastIncludedTerm).toBe(lastApplied === 0 ? 0n : 1n);
        const hexPairs = (s: Pick<Snapshot, "pairs">) => Array.from(s.pairs, (p) => [bytesToHex(p.keyBytes), bytesToHex(p.value)]);
        expect(hexPairs(decoded.snapshot)).toEqual(hexPairs(fields));
      }),
    );
  });

  it("snapshot bytes never depend on insertion order", () => {
    fc.assert(
      fc.property(pairsArb.chain((pairs) => fc.tuple(fc.constant(pairs), fc.shuffledSubarray(pairs, { minLength: pairs.length }))), ([pairs, shuffled]) => {
        const a = new Store(new KeyTable());
        const b = new Store(new KeyTable());
        for (const [k, v] of pairs) a.set(k, bytesToHex(v));
        for (const [k, v] of shuffled) b.set(k, bytesToHex(v));
        expect(encodeStore(b, 7)).toBe(encodeStore(a, 7));
      }),
    );
  });
});
