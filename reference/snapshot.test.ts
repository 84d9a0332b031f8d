import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { bytesToHex, hexToBytes, utf8Bytes } from "./bytes.js";
import { crc32c } from "./crc32c.js";
import { decodeSnapshot, encodeSnapshot, fieldAt, snapshotFields, SnapshotDecodeError } from "./snapshot.js";
import { keyOf } from "./log.js";
import { KeyTable, Store } from "./store.js";

// The worked examples of SPEC.md section 4, copied from the contract (not produced by this code).
const EMPTY = "524b563100000000000000010000000000000000000000000000000000000000045540e9";
const A_B = "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";

function encodeStore(store: Store, lastApplied: number): string {
  return bytesToHex(encodeSnapshot(snapshotFields(1, lastApplied, store.sorted())));
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

  it("decodes the worked example field by field", () => {
    const s = decodeSnapshot(hexToBytes(A_B));
    expect(s.currentTerm).toBe(1n);
    expect(s.lastIncludedIndex).toBe(2n);
    expect(s.lastIncludedTerm).toBe(1n);
    expect(s.pairs.map((p) => [bytesToHex(p.keyBytes), bytesToHex(p.value)])).toEqual([
      ["61", "31"],
      ["62", "00ff"],
    ]);
    expect(s.crcOk).toBe(true);
    expect(fieldAt(s.spans, 36)?.field).toBe("key bytes of pair 0");
    expect(fieldAt(s.spans, 32)?.field).toBe("key length of pair 0");
    expect(fieldAt(s.spans, 55)?.field).toBe("crc");
  });

  it("says where a truncated snapshot ends", () => {
    expect(() => decodeSnapshot(hexToBytes(A_B.slice(0, 70)))).toThrow(SnapshotDecodeError);
    expect(() => decodeSnapshot(hexToBytes(A_B.slice(0, 70)))).toThrow(/ends at byte 35 inside key length of pair 0/);
  });

  it("flags a wrong CRC without failing to decode", () => {
    const s = decodeSnapshot(hexToBytes(`${A_B.slice(0, -2)}5d`));
    expect(s.crcOk).toBe(false);
    expect(s.computedCrc).toBe(0x63c4d85c);
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
        const fields = snapshotFields(1, lastApplied, store.sorted());
        const decoded = decodeSnapshot(encodeSnapshot(fields));
        expect(decoded.crcOk).toBe(true);
        expect(decoded.lastIncludedIndex).toBe(BigInt(lastApplied));
        expect(decoded.lastIncludedTerm).toBe(lastApplied === 0 ? 0n : 1n);
        expect(decoded.pairs.map((p) => [bytesToHex(p.keyBytes), bytesToHex(p.value)])).toEqual(
          fields.pairs.map((p) => [bytesToHex(p.keyBytes), bytesToHex(p.value)]),
        );
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
