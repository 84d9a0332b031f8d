import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { ScenarioResult } from "./model.js";
import { parseExpectedFailures, quoteAdapter, updatedList } from "./expected_failures.js";

const known = new Set(["keys/utf16-trap", "wire/crc"]);

describe("parseExpectedFailures", () => {
  it("reads names, per-adapter names and comments", () => {
    const list = parseExpectedFailures("# go's known bugs\nkeys/utf16-trap  # UTF-16 sort\n\ngo wire/crc\n", "xfail.txt", known);
    expect(list.size).toBe(2);
    expect(list.has("rust", "keys/utf16-trap")).toBe(true);
    expect(list.has("go", "wire/crc")).toBe(true);
    expect(list.has("rust", "wire/crc")).toBe(false);
  });

  it("rejects unknown scenarios and malformed lines, naming file and line", () => {
    expect(() => parseExpectedFailures("wire/crc\nno/such\n", "x.txt", known)).toThrow('--expected-failures x.txt line 2: no scenario named "no/such" in the corpus');
    expect(() => parseExpectedFailures("a b c\n", "x.txt", known)).toThrow('--expected-failures x.txt line 1: expected "SCENARIO" or "ADAPTER SCENARIO" (an adapter name with a space, # or " in it written as a JSON string), got "a b c": too many words');
    expect(() => parseExpectedFailures('"my port wire/crc\n', "x.txt", known)).toThrow(/line 1: .*: a quoted adapter name without its closing quote$/);
    expect(() => parseExpectedFailures('"my port"wire/crc\n', "x.txt", known)).toThrow(/line 1: .*: no space after the quoted adapter name$/);
  });
});

describe("lists the kit writes read back as the same entries, whatever the adapters are called", () => {
  const failed = (name: string, rule: string | null): ScenarioResult => ({
    name,
    file: `${name}.json`,
    source: `${name}.json`,
    status: "failed",
    expectedFailure: false,
    durationMs: 1,
    reason: rule === null ? "differs" : `differs (${rule})`,
    stderrTail: null,
    restarted: false,
    diagnosis: null,
  });

  it("quotes a name with a space, a # or a quote, and leaves a plain word as it is", () => {
    expect(quoteAdapter("go")).toBe("go");
    expect(quoteAdapter("my port")).toBe('"my port"');
    expect(quoteAdapter("a#b")).toBe('"a#b"');
    const { text } = updatedList("", [
      { name: "my port", results: [failed("keys/utf16-trap", "R-STORE-1")] },
      { name: "go", results: [failed("wire/crc", null)] },
    ]);
    expect(text.split("\n").slice(2)).toEqual(['"my port" keys/utf16-trap  # R-STORE-1', "go wire/crc", ""]);
    const list = parseExpectedFailures(text, "x.txt", known);
    expect(list.has("my port", "keys/utf16-trap")).toBe(true);
    expect(list.rule("my port", "keys/utf16-trap")).toBe("R-STORE-1");
    expect(list.has("my", "keys/utf16-trap")).toBe(false);
    // Names only quoting keeps apart: spaces JavaScript's \s knows, a lone surrogate, nothing at all.
    const odd = ["\ud800", "a\u2028b", "\ufeffx", "\u00a0", "", "tab\there", 'q"uote', "back\\slash", "#", "R-STORE-1"];
    const written = updatedList("", odd.map((name) => ({ name, results: [failed("wire/crc", null)] }))).text;
    const read = parseExpectedFailures(written, "x.txt", known);
    expect(read.size).toBe(odd.length);
    for (const name of odd) expect(read.has(name, "wire/crc"), JSON.stringify(name)).toBe(true);
  });

  it("for any adapter names (fast-check): each failure is listed for its adapter, with its rule, and rewriting the list changes nothing", () => {
    const scenarios = ["keys/utf16-trap", "wire/crc", "a/b-c", "x0"];
    const names = fc.uniqueArray(fc.string({ unit: "binary", maxLength: 12 }), { minLength: 2, maxLength: 4 });
    const rules = fc.constantFrom(null, "R-STORE-1", "R-WIRE-7");
    fc.assert(
      fc.property(names, fc.array(fc.tuple(fc.nat(3), fc.nat(3), rules), { maxLength: 8 }), (adapterNames, failures) => {
        const adapters = adapterNames.map((name) => ({ name, results: [] as ScenarioResult[] }));
        const listed = new Map<string, string | null>();
        for (const [a, s, rule] of failures) {
          const adapter = adapters[a % adapters.length]!;
          const scenario = scenarios[s]!;
          if (adapter.results.some((r) => r.name === scenario)) continue;
          adapter.results.push(failed(scenario, rule));
          listed.set(JSON.stringify([adapter.name, scenario]), rule);
        }
        const { text } = updatedList("", adapters);
        const list = parseExpectedFailures(text, "x.txt", new Set(scenarios));
        expect(list.size).toBe(listed.size);
        for (const { name } of adapters) {
          for (const scenario of scenarios) {
            const key = JSON.stringify([name, scenario]);
            expect(list.has(name, scenario)).toBe(listed.has(key));
            if (listed.has(key)) expect(list.rule(name, scenario)).toBe(listed.get(key));
          }
        }
        // Read back as the previous list: the same text, nothing added or removed.
        const again = updatedList(text, adapters);
        expect(again).toEqual({ text, added: [], removed: [] });
      }),
      { numRuns: 300 },
    );
  });
});
