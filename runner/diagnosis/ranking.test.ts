import { describe, expect, it } from "vitest";
import { decodeEvidence, snapshotEvidence } from "./evidence.js";
import { orderByRanking, rankRules, type VectorOutcome } from "./ranking.js";

/** `n` vectors named prefix-0.. declaring `rules`, each failing or not, with optional extras. */
function vectors(n: number, prefix: string, rules: string[], failed: boolean, extra: Partial<VectorOutcome> = {}): VectorOutcome[] {
  return Array.from({ length: n }, (_, i) => ({ name: `${prefix}-${i}`, rules, failed, ...extra }));
}

const ids = (outcomes: VectorOutcome[]) => rankRules(outcomes).ranking.map((r) => r.id);

describe("rankRules", () => {
  it("puts first the rule whose vectors all fail while every other passes, with its counts in one line", () => {
    const outcomes = [...vectors(7, "install", ["R-INSTALL-1", "R-SAVED-3"], true), ...vectors(250, "put", ["R-PUT-1"], false), ...vectors(3, "saved", ["R-SAVED-3"], false)];
    const { ranking } = rankRules(outcomes);
    expect(ranking[0]!.id).toBe("R-INSTALL-1");
    expect(ranking[0]!.line).toBe("R-INSTALL-1: 7 of 7 vectors declaring it fail, 0 of 253 others");
    expect(ranking[0]).toMatchObject({ failing: 7, declaring: 7, failingOthers: 0, others: 253 });
    // R-SAVED-3 is declared by the failing vectors too, but its own vectors pass.
    expect(ranking.map((r) => r.id)).toEqual(["R-INSTALL-1", "R-SAVED-3"]);
    expect(ranking[1]!.score).toBeLessThan(ranking[0]!.score);
  });

  it("leaves out rules that nothing in the run points at", () => {
    const outcomes = [...vectors(2, "a", ["R-APPEND-1"], true), ...vectors(5, "p", ["R-PUT-1"], false)];
    expect(ids(outcomes)).toEqual(["R-APPEND-1"]);
    expect(rankRules(vectors(5, "p", ["R-PUT-1"], false)).ranking).toEqual([]);
  });

  it("does not let a symptom's rule, whose own vectors pass, outrank the cause the failing vectors declare", () => {
    // A compaction off by one shows at a later restart: every diagnosis names R-RESTART-2 first.
    const outcomes = [
      ...vectors(4, "compact", ["R-COMPACT-2"], true, { evidence: ["R-RESTART-2", "R-REJOIN-2"] }),
      ...vectors(6, "compact-ok", ["R-COMPACT-2"], false),
      ...vectors(10, "restart", ["R-RESTART-2"], false),
      ...vectors(40, "put", ["R-PUT-1"], false),
    ];
    const ranking = rankRules(outcomes).ranking;
    expect(ranking[0]!.id).toBe("R-COMPACT-2");
    expect(ranking.find((r) => r.id === "R-RESTART-2")!.line).toBe("R-RESTART-2: 0 of 10 vectors declaring it fail, 4 of 50 others; the first likely rule of 4 of 4 failures");
  });

  it("does not weigh down a rule every failure's diagnosis names first, however many of its vectors pass", () => {
    // An encoder's CRC is wrong in every snapshot, so vectors of every rule fail; the decode vectors that also
    // declare R-WIRE-7 pass.
    const crc = ["R-WIRE-7", "R-WIRE-6"];
    const rules = ["R-STORE-1", "R-PUT-1", "R-APPEND-1", "R-DELETE-1"];
    const outcomes = [
      ...rules.flatMap((r) => [...vectors(3, `${r}-fails`, [r], true, { evidence: crc }), ...vectors(3, `${r}-passes`, [r], false)]),
      ...vectors(12, "decode-crc", ["R-DECODE-3", "R-WIRE-7"], false),
    ];
    expect(ids(outcomes)[0]).toBe("R-WIRE-7");
    // One failure naming another rule first is no consensus: its passing vectors weigh it down again.
    const split = [...outcomes.slice(1), { name: "store-x", rules: ["R-STORE-1"], failed: true, evidence: ["R-STORE-1"] }];
    expect(ids(split)[0]).not.toBe("R-WIRE-7");
  });

  it("lets the diagnoses decide between rules the same vectors declare", () => {
    // R-CAS-1 is the main rule of every failing vector, but every diagnosis names R-CAS-2.
    const outcomes = [...vectors(6, "cas", ["R-CAS-1", "R-CAS-2"], true, { evidence: ["R-CAS-2"] }), ...vectors(20, "put", ["R-PUT-1"], false)];
    const { ranking } = rankRules(outcomes);
    expect(ranking.map((r) => r.id).slice(0, 2)).toEqual(["R-CAS-2", "R-CAS-1"]);
  });

  it("weighs a vector's main rule above the others it declares", () => {
    const outcomes = [...vectors(3, "a", ["R-DELETE-1", "R-PUT-1"], true), ...vectors(10, "b", ["R-APPEND-1"], false)];
    expect(ids(outcomes)).toEqual(["R-DELETE-1", "R-PUT-1"]);
  });

  it("shares a vector's weight among its rules, so a vector pinning one rule says more of it than one pinning three", () => {
    const broad = vectors(2, "random", ["R-CLUSTER-2", "R-COMMIT-1", "R-REJOIN-2"], true);
    const focused = vectors(2, "key-length", ["R-WIRE-8"], true);
    expect(ids([...broad, ...focused, ...vectors(10, "x", ["R-APPEND-1"], false)])[0]).toBe("R-WIRE-8");
  });

  it("breaks ties by SPEC.md's rule index order, whatever order the outcomes come in", () => {
    const a = vectors(2, "d", ["R-DELETE-1"], true);
    const b = vectors(2, "p", ["R-PUT-1"], true);
    const rest = vectors(10, "x", ["R-APPEND-1"], false);
    expect(ids([...a, ...b, ...rest])).toEqual(["R-PUT-1", "R-DELETE-1"]);
    expect(ids([...rest, ...b, ...a])).toEqual(["R-PUT-1", "R-DELETE-1"]);
  });

  it("ranks a rule that only the diagnoses name, after a rule failing vectors declare", () => {
    const outcomes = [...vectors(2, "w", ["R-WIRE-6"], true, { evidence: ["R-WIRE-8"] }), ...vectors(10, "x", ["R-PUT-1"], false)];
    const { ranking } = rankRules(outcomes);
    expect(ranking.map((r) => r.id)).toEqual(["R-WIRE-6", "R-WIRE-8"]);
    expect(ranking[1]!.line).toBe("R-WIRE-8: 0 of 0 vectors declaring it fail, 2 of 12 others; the first likely rule of 2 of 2 failures");
  });
});

describe("run findings", () => {
  const compact = (n: number, failed: boolean, evidence?: string[]) =>
    vectors(n, `compact-${failed}`, ["R-INSTALL-1"], failed, { features: ["compact"], ...(evidence && { evidence }) });
  const plain = (n: number) => vectors(n, "plain", ["R-PUT-1"], false, { features: [] });
  const inert = ["R-COMPACT-2", "R-RESTART-2"];

  it("says compact is listed but not implemented when every failure needs it, its diagnosis names R-COMPACT-2 first, and most compact vectors fail", () => {
    const { ranking, findings } = rankRules([...compact(8, true, inert), ...compact(2, false), ...plain(50)]);
    expect(findings).toEqual([
      {
        rule: "R-COMPACT-2",
        line: "every failing vector needs feature compact and its diagnosis names R-COMPACT-2 first (8 of the 10 that need it fail, 0 of 50 others): is compact listed in the hello but not implemented?",
      },
    ]);
    // No vector declares R-COMPACT-2 here, yet the finding puts it first.
    expect(ranking[0]!.id).toBe("R-COMPACT-2");
  });

  it("says nothing of the feature when few of its vectors fail, a vector without it fails, or a diagnosis names another rule first", () => {
    expect(rankRules([...compact(2, true, inert), ...compact(8, false), ...plain(50)]).findings).toEqual([]);
    const other = vectors(1, "put-fails", ["R-PUT-1"], true, { features: [], evidence: inert });
    expect(rankRules([...compact(8, true, inert), ...other, ...plain(50)]).findings).toEqual([]);
    expect(rankRules([...compact(7, true, inert), ...compact(1, true, ["R-RESTART-2"]), ...plain(50)]).findings).toEqual([]);
  });

  const ordering = (n: number, keys: number, failed: boolean, evidence?: string[]) =>
    vectors(n, `order-${keys}-${failed}`, ["R-STORE-1"], failed, { keys, ...(evidence && { evidence }) });

  it("says the key order breaks only past a size when only big vectors fail, on the order, and small ordering vectors pass", () => {
    const bigWire = vectors(2, "big-wire", ["R-WIRE-8"], true, { keys: 5000, evidence: ["R-STORE-1", "R-WIRE-6"] });
    const { ranking, findings } = rankRules([...ordering(5, 12, false), ...ordering(2, 1200, true, ["R-STORE-1"]), ...bigWire, ...plain(30)]);
    expect(findings).toEqual([
      {
        rule: "R-STORE-1",
        line:
          "every failing vector has 1,200 keys or more and the diagnosis sees the key order, while the 5 ordering vectors with at most 12 keys pass: " +
          "the key order breaks only past a size (R-STORE-1; e.g. a sort that switches method for big inputs, or a map whose iteration order changes as it grows)",
      },
    ]);
    expect(ranking[0]!.id).toBe("R-STORE-1");
  });

  it("says nothing of a size when a small ordering vector fails, a small vector fails, or the diagnoses do not see the order", () => {
    expect(rankRules([...ordering(4, 12, false), ...ordering(1, 12, true, ["R-STORE-1"]), ...ordering(2, 1200, true, ["R-STORE-1"])]).findings).toEqual([]);
    expect(rankRules([...ordering(5, 12, false), ...ordering(2, 1200, true, ["R-STORE-1"]), ...vectors(1, "small", ["R-PUT-1"], true, { keys: 3, evidence: ["R-PUT-1"] })]).findings).toEqual([]);
    expect(rankRules([...ordering(5, 12, false), ...ordering(2, 1200, true, ["R-WIRE-5"])]).findings).toEqual([]);
  });
});

describe("orderByRanking", () => {
  it("orders the rules the ranking has by their rank, then the rest as they came, without repeats", () => {
    const { ranking } = rankRules([...vectors(3, "i", ["R-INSTALL-1"], true), ...vectors(1, "r", ["R-RESTART-2"], true), ...vectors(5, "p", ["R-PUT-1"], false)]);
    expect(ranking.map((r) => r.id)).toEqual(["R-INSTALL-1", "R-RESTART-2"]);
    expect(orderByRanking(["R-WIRE-3", "R-RESTART-2", "R-APPLY-1", "R-INSTALL-1", "R-WIRE-3"], ranking)).toEqual(["R-INSTALL-1", "R-RESTART-2", "R-WIRE-3", "R-APPLY-1"]);
    expect(orderByRanking(["R-WIRE-3"], [])).toEqual(["R-WIRE-3"]);
  });
});

describe("decodeEvidence", () => {
  it("names the rule that should have rejected first, then the one that did", () => {
    expect(decodeEvidence({ type: "rejected", rule: "R-DECODE-3" }, { type: "decoded" })).toEqual(["R-DECODE-3"]);
    expect(decodeEvidence({ type: "rejected", rule: "R-DECODE-3" }, { type: "rejected", rule: "R-DECODE-5" })).toEqual(["R-DECODE-3", "R-DECODE-5", "R-DECODE-9"]);
    expect(decodeEvidence({ type: "decoded" }, { type: "rejected", rule: "R-DECODE-7" })).toEqual(["R-DECODE-7", "R-DECODE-12"]);
    expect(decodeEvidence({ type: "decoded" }, { type: "decoded" })).toEqual(["R-DECODE-12"]);
    // A length of 2^31 where R-DECODE-5 was due: the signed-length misreading of R-DECODE-11 leads.
    const header = "524b5631" + "0000000000000001".repeat(3) + "00000001";
    const rejected = { type: "rejected", rule: "R-DECODE-5" } as const;
    expect(decodeEvidence(rejected, { type: "decoded" }, { hex: `${header}80000000610000000131ff6a4049`, offset: 36 })).toEqual(["R-DECODE-11", "R-DECODE-5"]);
    expect(decodeEvidence(rejected, { type: "decoded" }, { hex: `${header}7fffffff610000000131ff6a4049`, offset: 36 })).toEqual(["R-DECODE-5"]);
    expect(decodeEvidence({ type: "rejected", rule: "R-DECODE-6" }, { type: "decoded" }, { hex: `${header}80000000610000000131ff6a4049`, offset: 36 })).toEqual(["R-DECODE-6"]);
  });
});

describe("snapshotEvidence", () => {
  it("lists the hints' rules, then the trace note's, then the diagnosis's likely rules, without repeats", () => {
    const hints = ["key length of pair 0 is 2, the length of \"\u00e9\" in characters, not its 2 UTF-8 bytes (R-WIRE-8; e.g. Java's String.length())"];
    expect(snapshotEvidence({ hints, traceNote: null, rules: ["R-WIRE-6", "R-WIRE-8", "R-PUT-1"] })).toEqual(["R-WIRE-8", "R-WIRE-6", "R-PUT-1"]);
    expect(snapshotEvidence({ hints: [], traceNote: "the port's trace matches the reference at every step (R-SNAP-3)", rules: ["R-WIRE-5"] })).toEqual(["R-SNAP-3", "R-WIRE-5"]);
  });
});
