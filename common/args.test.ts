import { describe, expect, it } from "vitest";
import { UsageError } from "./errors.js";
import { defineCommand, paragraphs, parseFlags, usage } from "./args.js";

const SPEC = defineCommand({
  name: "demo",
  synopsis: "[options] FILE",
  brief: "a demo",
  summary: `First paragraph, written over
two lines.

  demo --run "x"

Last paragraph.`,
  positionals: [{ name: "FILE", help: "the file" }],
  flags: {
    fast: { type: "boolean", help: "go fast" },
    name: { type: "string", multiple: true, value: "NAME", group: "selection", help: "this one (repeatable)" },
    "a-rather-long-flag-name": { type: "string", value: "on|off", group: "selection", help: "a long label, whose text follows it on its line" },
    out: { type: "string", value: "PATH", group: "reporting", help: `${"word ".repeat(40)}end` },
  },
  notes: ["exit codes: 0 fine"],
});

describe("parseFlags takes the spec", () => {
  it("types values by the flags' types and allows positionals when the spec describes some", () => {
    const { values, positionals } = parseFlags(SPEC, ["--fast", "--name", "a", "--name=b", "f", "--out", "o"]);
    const names: string[] | undefined = values.name;
    const out: string | undefined = values.out;
    const fast: boolean | undefined = values.fast;
    expect({ names, out, fast, help: values.help, positionals }).toEqual({ names: ["a", "b"], out: "o", fast: true, help: false, positionals: ["f"] });
    expect(parseFlags(SPEC, ["-h"]).values.help).toBe(true);
  });

  it("refuses positionals with the spec's words when it describes none, and names unknown and repeated flags", () => {
    const none = defineCommand({ name: "x", synopsis: "", brief: "b", summary: "s", positionals: { none: "it takes no arguments" }, flags: { n: { type: "string", value: "N", help: "n" } } });
    expect(() => parseFlags(none, ["y"])).toThrow(new UsageError('x: unexpected argument "y"; it takes no arguments'));
    expect(() => parseFlags(none, ["--m"])).toThrow(new UsageError('x: unknown flag "--m"; see rsm x --help'));
    expect(() => parseFlags(none, ["--n", "1", "--n", "2"])).toThrow(new UsageError("--n: given more than once; it takes one value"));
  });

  it("makes a flag without help a type error", () => {
    defineCommand({
      name: "x",
      synopsis: "",
      brief: "b",
      summary: "s",
      positionals: { none: "none" },
      // @ts-expect-error: a flag must say what it does
      flags: { undocumented: { type: "boolean" } },
    });
    defineCommand({
      name: "x",
      synopsis: "",
      brief: "b",
      summary: "s",
      positionals: { none: "none" },
      // @ts-expect-error: a flag that takes a value must name it
      flags: { n: { type: "string", help: "n" } },
    });
  });
});

describe("usage", () => {
  it("renders the usage line, the summary's paragraphs, arguments and flags by group in one column, and the notes", () => {
    const lines = usage(SPEC).split("\n");
    expect(lines.slice(0, 8)).toEqual(["usage: rsm demo [options] FILE", "", "First paragraph, written over two lines.", "", '  demo --run "x"', "", "Last paragraph.", ""]);
    expect(lines).toContain(`${"  FILE".padEnd(29)}the file`);
    expect(lines).toContain(`${"  --fast".padEnd(29)}go fast`);
    expect(lines.indexOf("selection")).toBeLessThan(lines.indexOf(`${"  --name NAME".padEnd(29)}this one (repeatable)`));
    expect(lines).toContain("  --a-rather-long-flag-name on|off   a long label, whose text follows it on its line");
    expect(lines.indexOf("reporting")).toBeGreaterThan(lines.indexOf("selection"));
    expect(lines.at(-1)).toBe("exit codes: 0 fine");
    expect(Math.max(...lines.map((l) => l.length))).toBeLessThanOrEqual(110);
    // A wrapped text goes on at its column.
    const out = lines.findIndex((l) => l.startsWith("  --out PATH"));
    expect(lines[out + 1]).toMatch(/^ {29}word/);
  });

  it("keeps a run of spaces inside a text", () => {
    const spec = defineCommand({ name: "x", synopsis: "", brief: "b", summary: "s", positionals: { none: "n" }, flags: { a: { type: "boolean", help: '"  " a node that agrees' } } });
    expect(usage(spec)).toContain('--a  "  " a node that agrees');
  });

  it("splits paragraphs at blank lines and keeps an indented one as written", () => {
    expect(paragraphs("a\nb\n\n  c\n  d\n\ne")).toEqual([
      { pre: false, text: "a b" },
      { pre: true, text: "  c\n  d" },
      { pre: false, text: "e" },
    ]);
  });
});
