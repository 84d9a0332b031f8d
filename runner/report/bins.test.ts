// The .bin files of --out: one folder per adapter, never shared, never outside --out, and no file of an
// earlier run left beside this run's.
import fc from "fast-check";
import { mkdirSync, mkdtempSync, readdirSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { DIAGNOSIS, adapter, result } from "../fixtures/reports.js";
import { pathSegment, writeBins } from "./bins.js";

const files = (dir: string) =>
  readdirSync(dir, { recursive: true, withFileTypes: true })
    .filter((e) => e.isFile())
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)))
    .sort();

/** Any name a hello can give: lone surrogates too (JSON escapes carry them), and often the characters escaped. */
const name = fc.array(fc.oneof(fc.constantFrom("_", ".", "/", "a", "\ud800", "\udc00", "\ufffd", "5f", "~"), fc.integer({ min: 0, max: 0x10ffff }).map((cp) => String.fromCodePoint(cp))), { maxLength: 60 }).map((cs) => cs.join(""));

describe("pathSegment", () => {
  it("is one file name, never . or .., and one to one: two names never share a folder or a badge", () => {
    fc.assert(
      fc.property(name, name, (a, b) => {
        const s = pathSegment(a);
        expect(s).toMatch(/^[\w.+#~-]+$/);
        expect(s).not.toMatch(/^\.\.?$/);
        expect(s.length).toBeLessThanOrEqual(81);
        if (a !== b) expect(pathSegment(b)).not.toBe(s);
      }),
    );
    expect(pathSegment("a/b")).not.toBe(pathSegment("a_b"));
    expect(pathSegment("\ud800")).not.toBe(pathSegment("\ud801"));
    expect(pathSegment("go")).toBe("go");
    expect(pathSegment("rsm go#2")).toBe("rsm_20go#2");
  });
});

describe("writeBins", () => {
  const failed = (name: string) => result(name, "failed", { diagnosis: { ...DIAGNOSIS } });

  it("writes the kit's folder whole: a scenario that passes now leaves no .bin of its earlier failure", async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), "rsm-bins-")), "report.bins");
    await writeBins(dir, [adapter("go", [failed("keys/a"), failed("keys/b")]), adapter("a/b", [failed("keys/a")])], true);
    expect(files(dir)).toEqual([
      "a_2fb/keys/a/step2-node1.actual.bin",
      "a_2fb/keys/a/step2-node1.expected.bin",
      "go/keys/a/step2-node1.actual.bin",
      "go/keys/a/step2-node1.expected.bin",
      "go/keys/b/step2-node1.actual.bin",
      "go/keys/b/step2-node1.expected.bin",
    ]);
    const again = [adapter("go", [failed("keys/b")])];
    await writeBins(dir, again, true);
    expect(files(dir)).toEqual(["go/keys/b/step2-node1.actual.bin", "go/keys/b/step2-node1.expected.bin"]);
    expect(again[0]!.results[0]!.bins!.actual).toMatch(/report\.bins\/go\/keys\/b\/step2-node1\.actual\.bin$/);
    // Nothing fails any more: no folder at all.
    await writeBins(dir, [adapter("go", [result("keys/b", "passed")])], true);
    expect(readdirSync(path.dirname(dir))).toEqual([]);
  });

  it("in the user's own --out (the human reporter) replaces only each adapter's folder", async () => {
    const dir = mkdtempSync(path.join(tmpdir(), "rsm-bins-human-"));
    writeFileSync(path.join(dir, "mine.txt"), "the user's");
    mkdirSync(path.join(dir, "go", "keys", "old"), { recursive: true });
    writeFileSync(path.join(dir, "go", "keys", "old", "step1-node1.actual.bin"), "");
    await writeBins(dir, [adapter("go", [failed("keys/a")])]);
    expect(files(dir)).toEqual(["go/keys/a/step2-node1.actual.bin", "go/keys/a/step2-node1.expected.bin", "mine.txt"]);
  });
});
