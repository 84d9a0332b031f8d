import ts from "typescript";
import { describe, expect, test } from "vitest";
import { enclosingName, keyText, survivorsOf, tsKey } from "./check_ts.js";
import { missedOf, rustKey } from "./check_rust.js";
import { ENTRIES_HEADING, JSON_STRING, compare, parseEntries } from "./reviewed.js";

const SOURCE = `const TABLE = (() => {
  const t = [1, 2];
  return t;
})();
for (let i = 0; i < 16; i++) TABLE[i] = i;

export class Cluster {
  readonly name = "Cluster";
  restart(id: number): void {
    const check = (n: number) => n > 0;
    if (!check(id)) throw new Error(\`node \${id}\`);
  }
}

export function decode(b: number[]): number {
  const field = (size: number) => size - 1;
  return b.map((x) => field(x)).length;
}
`;

const sf = ts.createSourceFile("x.ts", SOURCE, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
const at = (code: string) => {
  const start = SOURCE.indexOf(code);
  if (start < 0) throw new Error(code);
  return enclosingName(sf, start, start + code.length);
};

describe("the enclosing name of a StrykerJS mutant", () => {
  test("is the chain of named declarations around it", () => {
    expect(at("[1, 2]")).toBe("TABLE");
    expect(at("i < 16")).toBe("(module)");
    expect(at('"Cluster"')).toBe("Cluster.name");
    expect(at("n > 0")).toBe("Cluster.restart.check");
    expect(at("!check(id)")).toBe("Cluster.restart");
    expect(at("size - 1")).toBe("decode.field");
    expect(at("(x) => field(x)")).toBe("decode");
  });

  test("does not move when lines are added above", () => {
    const moved = `// a comment\n\n${SOURCE}`;
    const sf2 = ts.createSourceFile("x.ts", moved, ts.ScriptTarget.Latest, true, ts.ScriptKind.TS);
    const start = moved.indexOf("size - 1");
    expect(enclosingName(sf2, start, start + 8)).toBe(at("size - 1"));
  });
});

describe("key text", () => {
  test("is one line, and long code is cut with a hash of the whole", () => {
    expect(keyText("{\n  a;\n  b;\n}")).toBe("{ a; b; }");
    const long = "x".repeat(100);
    expect(keyText(long)).toMatch(/^x{64}…#[0-9a-f]{8}$/);
    expect(keyText(long)).not.toBe(keyText(`${long}y`));
  });
});

/** A one-file Stryker report of SOURCE with a mutant on each given code, all with the given status. */
function report(mutants: { code: string; status: string; mutatorName?: string; replacement?: string }[], source = SOURCE) {
  const lineStarts = ts.createSourceFile("x.ts", source, ts.ScriptTarget.Latest, true).getLineStarts();
  const pos = (offset: number) => {
    let line = 0;
    while (line + 1 < lineStarts.length && lineStarts[line + 1]! <= offset) line++;
    return { line: line + 1, column: offset - lineStarts[line]! + 1 };
  };
  return {
    files: {
      "reference/x.ts": {
        source,
        mutants: mutants.map((m) => {
          const start = source.indexOf(m.code);
          return {
            mutatorName: m.mutatorName ?? "EqualityOperator",
            replacement: m.replacement ?? "true",
            status: m.status,
            location: { start: pos(start), end: pos(start + m.code.length) },
          };
        }),
      },
    },
  };
}

const KEY = `(\\S+) (\\S+) (\\w+) (${JSON_STRING}) -> (${JSON_STRING})`;
const canon = (m: RegExpExecArray) => `${m[1]} ${m[2]} ${m[3]} ${JSON.stringify(JSON.parse(m[4]!))} -> ${JSON.stringify(JSON.parse(m[5]!))}`;
const list = (...lines: string[]) => parseEntries(["# x", "", "- not an entry before the heading", ENTRIES_HEADING, "", ...lines].join("\n"), KEY, canon);

describe("the check", () => {
  const survivors = survivorsOf(report([{ code: "n > 0", status: "Survived" }, { code: "size - 1", status: "Killed" }]), () => undefined).survivors;
  const checkKey = tsKey("reference/x.ts", "Cluster.restart.check", "EqualityOperator", "n > 0", "true");

  test("keys a survivor by file, function, mutator and text", () => {
    expect(survivors).toEqual([{ key: checkKey, where: "reference/x.ts:10:34 Survived" }]);
  });

  test("passes when every survivor is reviewed and every entry survives", () => {
    const { entries, problems } = list(`- ${checkKey}: a reason: with colons`);
    expect(problems).toEqual([]);
    expect(entries[0]?.reason).toBe("a reason: with colons");
    expect(compare(survivors, entries, "L")).toEqual([]);
  });

  test("fails on a survivor with no entry, and prints the entry to paste", () => {
    const problems = compare(survivors, list().entries, "L");
    expect(problems).toEqual([`unreviewed survivor (reference/x.ts:10:34 Survived): kill it with a vector, or add to L: - ${checkKey}: REASON`]);
  });

  test("fails on an entry no survivor matches any more", () => {
    const killed = tsKey("reference/x.ts", "decode.field", "EqualityOperator", "size - 1", "true");
    const problems = compare(survivors, list(`- ${checkKey}: r`, `- ${killed}: gone`).entries, "L");
    expect(problems).toEqual([`stale reason: no survivor has this key any more: remove line 7 of L: - ${killed}: gone`]);
  });

  test("holds a shared key to its count both ways", () => {
    const two = [survivors[0]!, { key: checkKey, where: "elsewhere" }];
    expect(compare(two, list(`- ${checkKey}: r`).entries, "L")[0]).toMatch(/^unreviewed survivor: 2 survive .* says 1: make it - .* x2: r$/);
    expect(compare(two, list(`- ${checkKey} x2: r`).entries, "L")).toEqual([]);
    expect(compare(survivors, list(`- ${checkKey} x2: r`).entries, "L")[0]).toMatch(/^stale count: 1 survive/);
  });

  test("rejects lines it cannot read and repeated keys", () => {
    expect(list("- reference/x.ts nope").problems).toEqual(['line 6 is not "- KEY[ xN]: REASON": - reference/x.ts nope']);
    expect(list(`- ${checkKey}: a`, `- ${checkKey}: b`).problems[0]).toMatch(/^line 7 repeats the key of line 6/);
  });

  test("fails when the report was made from another source", () => {
    expect(survivorsOf(report([]), () => `${SOURCE}\n`).problems[0]).toMatch(/another reference\/x.ts/);
  });

  test("reads cargo-mutants' outcomes without line and column", () => {
    const mutant = (line: number, summary: string) => ({
      scenario: { Mutant: { name: `src/snapshot.rs:${line}:25: replace + with - in decode_snapshot`, file: "src/snapshot.rs", span: { start: { line, column: 25 } } } },
      summary,
    });
    const { survivors: missed, problems } = missedOf({
      outcomes: [{ scenario: "Baseline", summary: "Success" }, mutant(185, "MissedMutant"), mutant(194, "MissedMutant"), mutant(200, "CaughtMutant")],
      total_mutants: 3,
      missed: 2,
      caught: 1,
      timeout: 0,
      unviable: 0,
      start_time: "",
      end_time: "",
      cargo_mutants_version: "27.1.0",
    });
    expect(problems).toEqual([]);
    const key = rustKey("src/snapshot.rs", "replace + with - in decode_snapshot");
    expect(missed.map((s) => s.key)).toEqual([key, key]);
    expect(compare(missed, [{ key, count: 2, reason: "offset only", line: 1 }], "L")).toEqual([]);
  });
});
