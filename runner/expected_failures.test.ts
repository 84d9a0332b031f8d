import { describe, expect, it } from "vitest";
import { parseExpectedFailures } from "./expected_failures.js";

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
    expect(() => parseExpectedFailures("a b c\n", "x.txt", known)).toThrow('--expected-failures x.txt line 1: expected "SCENARIO" or "ADAPTER SCENARIO", got "a b c"');
  });
});
