// The diagnosis and its rule mapping, on port bugs simulated by editing the reference's own snapshots.
import { describe, expect, it } from "vitest";
import { bytesToHex, decodeVerdict, encodeSnapshot, hexToBytes, runScenario, utf8Bytes, type GoldenVector, type NormalizedScenario, type Snapshot, type Step } from "../../reference/index.js";
import { crc32Ieee } from "./crc32_ieee.js";
import { diagnose, firstDifference } from "./diagnose.js";

function golden(scenario: NormalizedScenario): GoldenVector {
  const { snapshots } = runScenario(scenario);
  return { format: 1, name: "t/x", source: "vectors/scenarios/t/x.json", source_sha256: "0".repeat(64), description: "d", tags: [], rules: [], features: [], scenario, snapshots: snapshots as GoldenVector["snapshots"] };
}

/** The fields of a snapshot the decoder accepts. */
function decoded(b: Uint8Array): Snapshot {
  const v = decodeVerdict(b);
  if (!v.ok) throw new Error(v.message);
  return v.snapshot;
}

/** A snapshot re-encoded with some fields changed, as a buggy port would write it. */
function edit(hex: string, change: (s: Snapshot) => Snapshot): string {
  return bytesToHex(encodeSnapshot(change(decoded(hexToBytes(hex)))));
}

describe("diagnose", () => {
  it("an incr value wrong: field value bytes, incr rules first", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "incr", key: "n", delta: "18446744073709551615" }, { op: "incr", key: "n", delta: "2" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const actual = edit(expected.hex, (s) => ({ ...s, pairs: [{ keyBytes: utf8Bytes("n"), value: Uint8Array.of(255, 255, 255, 255, 255, 255, 255, 255) }] }));
    const d = diagnose(g, 0, expected, actual, "no trace in this test");
    expect(d.field).toBe("value bytes of pair 0");
    expect(d.rules.slice(0, 3)).toEqual(["R-INCR-1", "R-INCR-2", "R-INCR-3"]);
    expect(d.traceNote).toBe("no trace in this test");
    expect(d.crcSelfConsistent).toBe(true);
  });

  it("last_included_index wrong with an even cluster: R-WIRE-3 and the commit rules, R-CLUSTER-5 among them", () => {
    const g = golden({ cluster: { nodes: 4, leader: 1 }, steps: [{ op: "partition", nodes: [3, 4] }, { op: "put", key: "a", value: "01" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const actual = edit(expected.hex, (s) => ({ ...s, lastIncludedIndex: 1n, lastIncludedTerm: 1n, pairs: [{ keyBytes: utf8Bytes("a"), value: Uint8Array.of(1) }] }));
    const trace = runScenario(g.scenario, { trace: true }).trace!;
    const portTrace = trace.map((t, i) => (i >= 1 ? { ...t, states: [actual, ...t.states.slice(1)] } : t));
    const d = diagnose(g, 0, expected, actual, portTrace);
    expect(d.divergence).toEqual({ step: 1, op: { op: "put", key: "a", value: "01" }, nodes: [1] });
    expect(d.field).toBe("last_included_index");
    expect(d.rules).toEqual(expect.arrayContaining(["R-WIRE-3", "R-APPLY-1", "R-COMMIT-1", "R-CLUSTER-5"]));
  });

  it("a restarted node left empty: R-REJOIN-2 first", () => {
    const g = golden({ cluster: { nodes: 3, leader: 1 }, steps: [{ op: "put", key: "a", value: "01" }, { op: "crash", node: 2 }, { op: "restart", node: 2 }, { op: "snapshot", nodes: [2] }] });
    const expected = g.snapshots[0];
    const actual = edit(expected.hex, (s) => ({ ...s, lastIncludedIndex: 0n, lastIncludedTerm: 0n, pairs: [] }));
    const trace = runScenario(g.scenario, { trace: true }).trace!;
    const portTrace = trace.map((t, i) => (i >= 2 ? { ...t, states: [t.states[0]!, actual, t.states[2]!] } : t));
    const d = diagnose(g, 0, expected, actual, portTrace);
    expect(d.divergence).toMatchObject({ step: 2, op: { op: "restart", node: 2 }, nodes: [2] });
    expect(d.rules.slice(0, 3)).toEqual(["R-REJOIN-2", "R-RESTART-2", "R-WIRE-3"]);
  });

  it("bytes that do not decode, and a trace that agrees with the reference", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "a", value: "01" }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const d = diagnose(g, 0, expected, expected.hex.slice(0, 60), runScenario(g.scenario, { trace: true }).trace!);
    expect(d.crcSelfConsistent).toBeNull();
    expect(d.decodeError).toBe("R-DECODE-1 at byte 30: 30 bytes; a snapshot has at least 36");
    expect(d.offset).toBe(30);
    expect(d.traceNote).toMatch(/trace matches the reference at every step/);
  });

  it("a difference deep inside a long value, which the decoded lines cut, is shown as raw bytes", () => {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "v", value: "00".repeat(1000) }, { op: "snapshot", nodes: [1] }] });
    const expected = g.snapshots[0];
    const value = new Uint8Array(1000);
    value[500] = 1;
    const actual = edit(expected.hex, (s) => ({ ...s, pairs: [{ keyBytes: utf8Bytes("v"), value }] }));
    const d = diagnose(g, 0, expected, actual, "no trace");
    expect(d.offset).toBe(41 + 500);
    expect(d.diff.slice(-2)).toEqual([`- bytes 533..564: ${"00".repeat(32)}`, `+ bytes 533..564: ${"00".repeat(8)}01${"00".repeat(23)}`]);
  });
});

describe("helpers", () => {
  it("crc32Ieee is CRC-32/IEEE: the standard check value, and that of nothing", () => {
    expect(crc32Ieee(utf8Bytes("123456789"))).toBe(0xcbf43926);
    expect(crc32Ieee(new Uint8Array())).toBe(0);
    expect(crc32Ieee(utf8Bytes("x123456789y"), 1, 10)).toBe(0xcbf43926);
  });

  it("firstDifference treats a prefix as differing at its end", () => {
    expect(firstDifference(Uint8Array.of(1, 2, 3), Uint8Array.of(1, 2))).toBe(2);
    expect(firstDifference(Uint8Array.of(1, 2), Uint8Array.of(1, 3))).toBe(1);
  });
});

describe("diagnose on a snapshot of 120,000 pairs", () => {
  it("finds the one differing value, and the human report prints it, without overflowing the stack", async () => {
    const { diagnosisLines } = await import("../report/reporters/human.js");
    const pairs = Array.from({ length: 120_000 }, (_, i) => ({ keyBytes: utf8Bytes(`k${String(i).padStart(6, "0")}`), value: Uint8Array.of(i & 255) }));
    const fields = { currentTerm: 1n, lastIncludedIndex: 120_000n, lastIncludedTerm: 1n, pairs };
    const expectedHex = bytesToHex(encodeSnapshot(fields));
    const actualHex = bytesToHex(encodeSnapshot({ ...fields, pairs: pairs.map((p, i) => (i === 60_000 ? { ...p, value: Uint8Array.of(7) } : p)) }));
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "k", value: "01" }, { op: "snapshot", nodes: [1] }] });
    const d = diagnose(g, 0, { step: 1, node: 1, hex: expectedHex }, actualHex, "no trace in this test");
    expect(d.field).toBe("value bytes of pair 60000");
    expect(d.diff).toEqual([
      "  ...",
      '  [59998] "k059998" = 5e "^"',
      '  [59999] "k059999" = 5f "_"',
      '- [60000] "k060000" = 60 "`"',
      '+ [60000] "k060000" = 07 "."',
      '  [60001] "k060001" = 61 "a"',
      '  [60002] "k060002" = 62 "b"',
      "  ...",
      '  [119998] "k119998" = be "."',
      '  [119999] "k119999" = bf "."',
      expect.stringMatching(/^- crc /),
      expect.stringMatching(/^\+ crc /),
    ]);
    const plain = { red: (s: string) => s, green: (s: string) => s, dim: (s: string) => s, bold: (s: string) => s, yellow: (s: string) => s };
    expect(diagnosisLines(d, plain as never)).toContain('+ [60000] "k060000" = 07 "."');
  });
});

describe("hints, from real bytes, only when the evidence is unambiguous", () => {
  const put = (key: string, value = "01") => ({ op: "put" as const, key, value });
  const snap = { op: "snapshot" as const, nodes: [1] as [number] };
  /** The diagnosis of `actual` against the only snapshot of a one-node scenario of `steps`. */
  function hintsFor(steps: readonly Step[], actual: (expected: Uint8Array) => Uint8Array) {
    const g = golden({ cluster: { nodes: 1, leader: 1 }, steps: [steps[0] ?? snap, ...steps.slice(1), snap] });
    const expected = g.snapshots[0];
    return diagnose(g, 0, expected, bytesToHex(actual(hexToBytes(expected.hex))), "no trace in this test");
  }
  /** The snapshot re-encoded (a self-consistent CRC) with its pairs replaced, and perhaps header fields. */
  const withPairs = (pairs: [string, string][], header: Partial<Snapshot> = {}) => (b: Uint8Array) =>
    encodeSnapshot({ ...decoded(b), ...header, pairs: pairs.map(([k, v]) => ({ keyBytes: utf8Bytes(k), value: hexToBytes(v) })) });
  const setU32 = (at: number, n: number) => (b: Uint8Array) => {
    const c = b.slice();
    new DataView(c.buffer).setUint32(at, n);
    return c;
  };

  it("1. U+FFFD in an actual key that no scenario key has: stdin not read as UTF-8", () => {
    // "café" read as ASCII: each of the two bytes of "é" becomes U+FFFD.
    const d = hintsFor([put("caf\u00e9")], withPairs([["caf\ufffd\ufffd", "01"]]));
    expect(d.hints).toEqual([
      'actual key "caf\\ufffd\\ufffd" contains U+FFFD, which no key of the scenario does: the adapter does not read stdin as UTF-8 (R-PROTO-1; e.g. Java\'s default charset, or a locale of C/POSIX)',
    ]);
  });

  it("1. no stdin hint when the scenario itself has a U+FFFD key", () => {
    const d = hintsFor([put("\ufffd"), put("caf\u00e9")], withPairs([["caf\ufffd\ufffd", "01"], ["\ufffd", "01"]]));
    expect(d.hints).toEqual([]);
  });

  // "a" = 01, then the key at pair 1: its key length is at 32 + 4 + 1 + 4 + 1 = 42.
  it("2. a key length that is the key's UTF-16 length", () => {
    const d = hintsFor([put("a"), put("\u{1F600}", "02")], setU32(42, 2));
    expect(d.field).toBe("key length of pair 1");
    expect(d.hints).toEqual([
      'key length of pair 1 is 2, the length of "\\ud83d\\ude00" in UTF-16 code units, not its 4 UTF-8 bytes: lengths count UTF-8 bytes (R-WIRE-8; e.g. Java\'s String.length(), JavaScript\'s .length, C#\'s .Length)',
    ]);
  });

  it("2. a key length that is the key's count of characters or of code points", () => {
    expect(hintsFor([put("a"), put("\u00e9")], setU32(42, 1)).hints).toEqual([
      'key length of pair 1 is 1, the length of "\\u00e9" in characters, not its 2 UTF-8 bytes: lengths count UTF-8 bytes (R-WIRE-8; e.g. Java\'s String.length(), JavaScript\'s .length, Python\'s len())',
    ]);
    expect(hintsFor([put("a"), put("\u{1F600}")], setU32(42, 1)).hints).toEqual([
      'key length of pair 1 is 1, the length of "\\ud83d\\ude00" in code points, not its 4 UTF-8 bytes: lengths count UTF-8 bytes (R-WIRE-8; e.g. Python\'s len(), Rust\'s .chars().count())',
    ]);
  });

  it("2. no length hint for a length wrong some other way, or for an ASCII key, whose lengths all agree", () => {
    expect(hintsFor([put("a"), put("\u{1F600}")], setU32(42, 3)).hints).toEqual([]);
    expect(hintsFor([put("a"), put("bc")], setU32(42, 1)).hints).toEqual([]);
  });

  it("3. a CRC that is zlib's crc32 of the same bytes: the wrong polynomial", () => {
    const d = hintsFor([put("a")], (b) => setU32(b.length - 4, crc32Ieee(b, 0, b.length - 4))(b));
    expect(d.crcSelfConsistent).toBe(false);
    expect(d.hints).toHaveLength(1);
    expect(d.hints[0]).toMatch(
      /^actual crc [0-9a-f]{8} is the CRC-32\/IEEE of the bytes before it \(zlib's crc32, polynomial 0xEDB88320\), not their CRC-32C [0-9a-f]{8}: the snapshot CRC is Castagnoli's, reflected polynomial 0x82F63B78 \(R-WIRE-7\)$/,
    );
  });

  it("3. no CRC hint for a CRC wrong some other way", () => {
    const d = hintsFor([put("a")], (b) => setU32(b.length - 4, (crc32Ieee(b, 0, b.length - 4) ^ 1) >>> 0)(b));
    expect(d.crcSelfConsistent).toBe(false);
    expect(d.hints).toEqual([]);
  });

  const three = [put("a"), put("\u00e9"), put("z")];
  const store1 = "R-STORE-1";
  it("4. the expected pairs in another order: R-STORE-1, and the order they are sorted in", () => {
    const astral = hintsFor([put("a"), put("\ufffd"), put("\u{1F600}")], withPairs([["a", "01"], ["\u{1F600}", "01"], ["\ufffd", "01"]]));
    expect(astral.hints).toEqual([
      `actual snapshot has the expected pairs in another order, sorted by UTF-16 code units (JavaScript's default sort, Java's String.compareTo): keys are ordered by their UTF-8 bytes, unsigned (${store1}); nothing else differs`,
    ]);
    // Keys out of order are no snapshot a decoder accepts, and the diff ends saying so.
    expect(astral.diff).toContainEqual(expect.stringMatching(/^\+ rejected: R-DECODE-8 at byte \d+: key of pair 2 is not greater than the key of pair 1/));
    // UTF-8 order is a, z, é; signed bytes put é (c3 a9) first; a locale puts it between.
    expect(hintsFor(three, withPairs([["\u00e9", "01"], ["a", "01"], ["z", "01"]])).hints[0]).toMatch(/another order, sorted by signed bytes \(a signed char or Java byte compare\): .*; nothing else differs$/);
    expect(hintsFor(three, withPairs([["a", "01"], ["\u00e9", "01"], ["z", "01"]])).hints[0]).toMatch(/another order, sorted by locale collation \(localeCompare, Intl.Collator, strcoll\): /);
    // An order recognised as none of these is still named a wrong order, and a header that differs too is said.
    const other = hintsFor(three, withPairs([["z", "01"], ["\u00e9", "01"], ["a", "01"]], { lastIncludedIndex: 9n }));
    expect(other.hints).toEqual([`actual snapshot has the expected pairs in another order: keys are ordered by their UTF-8 bytes, unsigned (${store1})`]);
  });

  it("4. no order hint when a pair differs besides the order, or when only a value differs", () => {
    expect(hintsFor(three, withPairs([["a", "01"], ["\u00e9", "02"], ["z", "01"]])).hints).toEqual([]);
    expect(hintsFor(three, withPairs([["a", "01"], ["z", "01"], ["\u00e9", "02"]])).hints).toEqual([]);
    expect(hintsFor(three, withPairs([["a", "01"], ["a", "01"], ["z", "01"]])).hints).toEqual([]);
  });

  const MAX = "ffffffffffffffff";
  it("5. an incr that saturates instead of wrapping", () => {
    const d = hintsFor([{ op: "incr", key: "n", delta: "18446744073709551615" }, { op: "incr", key: "n", delta: "2" }, put("p")], withPairs([["n", MAX], ["p", "01"]]));
    expect(d.hints).toEqual(['value of "n" is 2^64-1 where 1 is expected: incr saturated instead of wrapping modulo 2^64 (R-INCR-2)']);
  });

  it("5. an incr rounded through a double", () => {
    // 2^53 + 1 is the first integer a double cannot hold; it rounds to 2^53.
    const d = hintsFor([{ op: "incr", key: "n", delta: "9007199254740993" }, { op: "incr", key: "m", delta: "9007199254740993" }], withPairs([["m", "0020000000000000"], ["n", "0020000000000000"]]));
    expect(d.hints).toEqual([
      'value of "m" is 9007199254740992, the expected 9007199254740993 rounded to a double (and 1 more value like it): delta and the sum are unsigned 64-bit integers, never floating point (R-INCR-1, R-INCR-2)',
    ]);
  });

  it("5. no incr hint when the key is not incremented, another pair differs too, or the value is just wrong", () => {
    const incr = [{ op: "incr" as const, key: "n", delta: "18446744073709551615" }, { op: "incr" as const, key: "n", delta: "2" }, put("p")];
    expect(hintsFor([put("n", "0000000000000001")], withPairs([["n", MAX]])).hints).toEqual([]);
    expect(hintsFor(incr, withPairs([["n", MAX], ["p", "02"]])).hints).toEqual([]);
    expect(hintsFor(incr, withPairs([["n", "0000000000000005"], ["p", "01"]])).hints).toEqual([]);
  });

  it("6. bytes that do not decode: the fields read, then the bytes around the point where decoding stopped", () => {
    const d = hintsFor([put("a"), put("\u{1F600}", "02")], setU32(42, 2));
    expect(d.decodeError).toBe("R-DECODE-5 at byte 52: value bytes of pair 1 (2558525440 bytes at offset 52) runs into the crc at offset 55");
    expect(d.diff).toEqual([
      "  ...",
      "  pair count 2",
      '  [0] "a" = 01 "."',
      '- [1] "\u{1F600}" = 02 "."',
      "- crc bb2c4db2 (correct)",
      "+ key length of pair 1: 2",
      '+ key bytes of pair 1: b"\\xf0\\x9f"',
      "+ value length of pair 1: 2558525440",
      "+ crc bb2c4db2 (WRONG: the bytes before it give 0b01b98e)",
      "+ rejected: R-DECODE-3 at byte 55: crc is 0xbb2c4db2, CRC-32C of the 55 bytes before it is 0x0b01b98e",
      expect.stringMatching(/^- bytes 36\.\.67: 61000000010100000004f09f98800000 \| 000102[0-9a-f]{8}$/),
      expect.stringMatching(/^\+ bytes 36\.\.67, decoding stopped at 52: 61000000010100000002f09f98800000 \| 000102[0-9a-f]{8}$/),
    ]);
    // Cut inside the header: only the header fields read.
    const cut = hintsFor([put("a")], (b) => b.subarray(0, 30));
    expect(cut.diff.filter((l) => l.startsWith("+"))).toEqual([
      "+ rejected: R-DECODE-1 at byte 30: 30 bytes; a snapshot has at least 36",
      "+ bytes 12..43, decoding stopped at 28: 00000000000000010000000000000001 | 0000",
    ]);
    expect(cut.diff).toContain("  last_included_term 1");
    expect(cut.hints).toEqual([]);
  });

  it("6. no decoding window for bytes that decode, and no hint at all for an ordinary wrong value", () => {
    const d = hintsFor([put("a")], withPairs([["a", "02"]]));
    expect(d.diff.some((l) => l.includes("decoding stopped"))).toBe(false);
    expect(d.hints).toEqual([]);
  });

  it("are printed one `hint:` line each, right after the likely rules", async () => {
    const { diagnosisLines } = await import("../report/reporters/human.js");
    const { PLAIN } = await import("../report/reporters/style.js");
    const lines = diagnosisLines(hintsFor([put("a"), put("\u{1F600}", "02")], setU32(42, 2)), PLAIN);
    const at = lines.findIndex((l) => l.startsWith("likely rules: "));
    expect(lines[at + 1]).toMatch(/^hint: key length of pair 1 is 2, the length of /);
    expect(lines[at + 2]).toMatch(/^actual snapshot does not decode: /);
  });
});
