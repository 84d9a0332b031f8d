import { describe, expect, it } from "vitest";
import { LineSplitter } from "./line_splitter.js";
import { TailBuffer } from "./tail_buffer.js";

function split(chunks: Buffer[]): { lines: string[]; partial: string } {
  const lines: string[] = [];
  const s = new LineSplitter((l) => lines.push(l));
  for (const c of chunks) s.push(c);
  return { lines, partial: s.partial };
}

describe("LineSplitter", () => {
  it("splits several lines in one chunk and joins one line over many chunks", () => {
    expect(split([Buffer.from("a\nb\nc")])).toEqual({ lines: ["a", "b"], partial: "c" });
    expect(split([Buffer.from('{"a":'), Buffer.from("1"), Buffer.from("}\n")]).lines).toEqual(['{"a":1}']);
  });

  it("keeps a multi-byte character cut between chunks whole", () => {
    const bytes = Buffer.from("key \u{1F600}\n");
    expect(split([bytes.subarray(0, 6), bytes.subarray(6)]).lines).toEqual(["key \u{1F600}"]);
  });

  it("carries a multi-megabyte line (R-PROTO-1)", () => {
    const big = "ab".repeat(2 * 1024 * 1024);
    const chunks = [];
    for (let i = 0; i < big.length; i += 65536) chunks.push(Buffer.from(big.slice(i, i + 65536)));
    chunks.push(Buffer.from("\nnext\n"));
    const { lines } = split(chunks);
    expect(lines).toHaveLength(2);
    expect(lines[0]!.length).toBe(big.length);
    expect(lines[1]).toBe("next");
  });
});

describe("LineSplitter's cap", () => {
  it("reports a line past the cap once, whether or not its newline came, and drops the rest", () => {
    for (const input of ["ok\n0123456789abc\nlater\n", "ok\n0123456789abc"]) {
      const lines: string[] = [];
      const overflows: number[] = [];
      const s = new LineSplitter((l) => lines.push(l), (n) => overflows.push(n), 10);
      for (const ch of input) s.push(Buffer.from(ch));
      expect(lines).toEqual(["ok"]);
      expect(overflows).toEqual([11]);
      expect(s.partial).toBe("");
    }
  });
});

describe("TailBuffer", () => {
  it("keeps only the last bytes, cut at a line start", () => {
    const t = new TailBuffer(16);
    for (let i = 0; i < 10; i++) t.push(Buffer.from(`line ${i}\n`));
    expect(t.text()).toBe("...\nline 8\nline 9");
  });

  it("shows the part written between two offsets, as far as it is still held", () => {
    const t = new TailBuffer(64, 32);
    t.push(Buffer.from("first request\n"));
    const mark = t.total;
    t.push(Buffer.from("second request\n"));
    expect(t.text(0, mark)).toBe("first request");
    expect(t.text(mark)).toBe("second request");
    for (let i = 0; i < 10; i++) t.push(Buffer.from(`noise ${i}\n`));
    expect(t.text(0, mark)).toBe("");
    expect(t.text(mark)).toBe("...\nnoise 7\nnoise 8\nnoise 9");
  });
});
