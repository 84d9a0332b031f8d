import path from "node:path";
import { describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import { parseOptions } from "./options.js";
import { splitCommandLine } from "./adapter/shell_words.js";

const parse = (...args: string[]) => parseOptions(args, "/repo");

describe("parseOptions", () => {
  it("has defaults and reads both --flag value and --flag=value", () => {
    const o = parse();
    expect(o).toMatchObject({ jobs: 1, timeoutMs: 10_000, reporter: "human", build: true, bail: false, strict: true, shard: null, out: null });
    expect(parse("--no-strict").strict).toBe(false);
    expect(o.vectors).toBe(path.join("/repo", "vectors", "golden"));
    expect(parse("--timeout", ".5").timeoutMs).toBe(500);
    expect(parse("--help").help).toBe(true);
    const p = parse("--timeout=0.5", "--jobs", "4", "--shard", "2/3", "--adapter", "ts", "--adapter=go", "--no-build", "--bail");
    expect(p).toMatchObject({ timeoutMs: 500, jobs: 4, shard: { index: 2, count: 3 }, adapters: ["ts", "go"], build: false, bail: true });
  });

  it("traces a sample on a run of the whole corpus and nothing on a narrowed one, unless --traces says", () => {
    expect(parse().traces).toBe("sample");
    expect(parse("--filter", "keys/").traces).toBe("off");
    expect(parse("--filter", "keys/", "--traces", "all").traces).toBe("all");
    expect(parse("--traces=off").traces).toBe("off");
  });

  const bad: [string[], string][] = [
    [["--bogus"], 'conformance: unknown flag "--bogus"; see rsm conformance --help'],
    [["stray"], 'conformance: unexpected argument "stray"; to choose scenarios use --filter'],
    [["--shard", "3/2"], '--shard: expected I/N with 1 <= I <= N (e.g. 2/4), got "3/2"'],
    [["--shard", "0/2"], '--shard: expected I/N with 1 <= I <= N (e.g. 2/4), got "0/2"'],
    [["--timeout", "abc"], '--timeout: expected a number of seconds from 0.001 to 86400 (e.g. 10 or 0.5), got "abc"'],
    [["--timeout", "0"], '--timeout: expected a number of seconds from 0.001 to 86400 (e.g. 10 or 0.5), got "0"'],
    [["--timeout", "0.0001"], '--timeout: expected a number of seconds from 0.001 to 86400 (e.g. 10 or 0.5), got "0.0001"'],
    [["--out", "--bail"], "--out: expected a value, got a flag; to pass a value that starts with a dash write --out=VALUE"],
    [["--reporter", "json", "--reporter", "junit"], "--reporter: given more than once; it takes one value"],
    [["--vectors", ""], "--vectors: expected a path, got an empty string"],
    [["--exec", "''"], "--exec: expected a command line, got one without a program"],
    [["--bail=yes"], "--bail: takes no value"],
    [["--jobs", "0"], '--jobs: expected an integer from 1 to 256, got "0"'],
    [["--traces", "some"], '--traces: expected off, sample, all, got "some"'],
    [["--reporter", "xml"], '--reporter: expected human, json, junit, markdown or html, got "xml"'],
    [["--reporter", "junit"], "--reporter junit: expected --out FILE, the JUnit XML file to write"],
    [["--reporter", "html"], "--reporter html: expected --out DIR, the directory for index.html and the badges"],
    [["--timeout"], "--timeout: expected a value after it"],
    [["--exec", "x", "--adapter", "ts"], "--exec runs a command instead of the registered adapters; it cannot be combined with --adapter"],
    [["--exec", "'unterminated"], `--exec: unterminated ' quote in "'unterminated"`],
  ];
  for (const [args, message] of bad) {
    it(`rejects ${args.join(" ")}`, () => {
      expect(() => parse(...args)).toThrow(UsageError);
      expect(() => parse(...args)).toThrow(message);
    });
  }
});

describe("splitCommandLine", () => {
  it("splits like a shell without running one", () => {
    expect(splitCommandLine(`./port --name "my port" 'a b' c\\ d "" $HOME`)).toEqual(["./port", "--name", "my port", "a b", "c d", "", "$HOME"]);
  });
});
