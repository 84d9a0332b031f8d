import { describe, expect, it } from "vitest";
import { utf8Bytes } from "../reference/index.js";
import { escapeKey, pairLine } from "./snapshot_text.js";

describe("snapshot text for failure diffs", () => {
  it("escapes keys a terminal would hide or merge, and keeps ordinary text readable", () => {
    const shown = (k: string) => escapeKey(utf8Bytes(k));
    expect(shown("\uffff")).toBe('"\\uffff"');
    expect(shown("\ue000")).toBe('"\\ue000"');
    expect(shown("e\u0301")).toBe('"e\\u0301"');
    expect(shown("a\u0000b")).toBe('"a\\u0000b"');
    expect(shown("\u{f0000}")).toBe('"\\u{f0000}"');
    expect(shown("\u00e9 \u{1f600}")).toBe('"\u00e9 \u{1f600}"');
    expect(escapeKey(Uint8Array.of(0x61, 0xff))).toBe('b"a\\xff"');
  });

  it("cuts long keys and values but says how long they are", () => {
    const line = pairLine(0, { keyBytes: utf8Bytes("k".repeat(300)), value: new Uint8Array(70_000) });
    expect(line).toMatch(/^\[0\] "k{48}" \.\.\. \(300 bytes\) = (00){48} "\.{48}" \.\.\. \(70000 bytes\)$/);
  });
});
