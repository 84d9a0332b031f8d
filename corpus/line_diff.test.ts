import { describe, expect, it } from "vitest";
import { lineDiff } from "./line_diff.js";

describe("lineDiff", () => {
  it("keeps changes with two lines of context", () => {
    const a = ["h1", "h2", "h3", "h4", "h5", "p0", "crc"];
    const b = ["h1", "h2", "h3", "h4", "h5", "p1", "crc2"];
    expect(lineDiff(a, b)).toEqual(["  ...", "  h4", "  h5", "- p0", "- crc", "+ p1", "+ crc2"]);
  });

  it("trims what the lists share and caps a middle too long to diff", () => {
    const a = Array.from({ length: 200_000 }, (_, i) => `a${i}`);
    const b = Array.from({ length: 150_000 }, (_, i) => `b${i}`);
    const d = lineDiff(["h", ...a, "t"], ["h", ...b, "t"]);
    expect(d.length).toBeLessThan(100);
    expect(d).toContain("- a0");
    expect(d).toContain("+ b0");
    expect(d.some((l) => /199\d+ more/.test(l))).toBe(true);
    expect(lineDiff(["x", "y"], ["x", "y"])).toEqual(["  ..."]);
  });
});
