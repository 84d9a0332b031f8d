// Ports that pass every golden vector and still are not conformant fail the checks beyond the corpus, each
// with a message naming what is wrong (docs/porting.md, "Checks beyond the corpus"). The other two kinds, a port that
// crashes on a line that is not JSON and one whose trace has the wrong shape, are in fixtures.test.ts.
import { spawnSync } from "node:child_process";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mutantAdapter } from "../selftest/mutation/mutants.js";
import { makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";
import { LEADER_STATE_TRACE, QUADRATIC_REJOIN, SORTS_SMALL_STORES } from "./fixtures/ports/broken_ports.js";

const NAIVE_PYTHON = path.join("runner", "fixtures", "ports", "naive_python.py");
const noPython = spawnSync("python3", ["--version"]).status !== 0;

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

interface Report {
  adapters: {
    results: {
      name: string;
      status: string;
      reason: string | null;
      diagnosis: { rules: string[]; hints: string[]; diff: string[]; divergence: object | null; trace_note: string | null; expected_hex: string; actual_hex: string } | null;
    }[];
  }[];
}

const quoted = (argv: string[]) => argv.map((w) => `'${w}'`).join(" ");

async function run(args: string[]): Promise<{ code: number; results: Report["adapters"][0]["results"] }> {
  const r = await runConformance([...args, "--reporter", "json", "--no-build"]);
  return { code: r.code, results: (JSON.parse(r.stdout) as Report).adapters[0]!.results };
}

describe("ports that pass the corpus and are still not conformant", () => {
  it("a quadratic port (R-REJOIN-2 read literally) fails the scale check: not linear", async () => {
    const argv = await mutantAdapter(REPO_ROOT, QUADRATIC_REJOIN);
    const r = await run(["--vectors", corpus.vectors, "--scale", "quick", "--exec", quoted(argv)]);
    expect(r.code).toBe(1);
    expect(r.results.filter((x) => !x.name.startsWith("scale/")).every((x) => x.status === "passed")).toBe(true);
    // Its growth is judged twice, by CPU time, so a busy machine only makes this slower; the bound is about hangs.
    const growth = r.results.find((x) => x.name === "scale/growth-10000-100000");
    expect(growth).toMatchObject({ status: "failed", reason: expect.stringMatching(/^not linear: grows as (at least )?steps\^(1\.[5-9]|2\.)\d+\b.*twice measured; the band is at most steps\^1\.50 .*\(R-PROTO-12(; most likely R-REJOIN-2 read literally, .*)?\)$/) });
  });

  it("a port that sorts keys only in small stores fails the scale check at scale, diagnosed as a key order (R-STORE-1)", async () => {
    const argv = await mutantAdapter(REPO_ROOT, SORTS_SMALL_STORES);
    const r = await run(["--vectors", corpus.vectors, "--scale", "quick", "--exec", quoted(argv)]);
    expect(r.code).toBe(1);
    expect(r.results.filter((x) => !x.name.startsWith("scale/")).every((x) => x.status === "passed")).toBe(true);
    const small = r.results.find((x) => x.name === "scale/10000")!;
    // Diagnosed like a vector of the corpus: the field, the decoded diff, the likely rules and the hint, and
    // where the port diverged, bisected over the scenario's prefixes (its trace would pass the budget).
    expect(small).toMatchObject({ status: "failed", reason: expect.stringMatching(/^at scale: at 10000 steps over 2000 keys, the snapshot of step \d+ node 1 differs at byte \d+, in key (length|bytes) of pair \d+ \(reproduce: rsm trace scale\/10000 /) });
    expect(small.diagnosis!.rules[0]).toBe("R-STORE-1");
    expect(small.diagnosis!.hints).toContainEqual(expect.stringMatching(/the expected pairs in another order: .*\(R-STORE-1\)/));
    expect(small.diagnosis!.diff.some((l) => l.startsWith("- [0] "))).toBe(true);
    expect(small.diagnosis!.divergence).not.toBeNull();
    expect(small.diagnosis!.expected_hex).not.toBe(small.diagnosis!.actual_hex);
    // The store past 2^16 keys fails the same way; its bytes are diagnosed without re-running it.
    const big = r.results.find((x) => x.name === "scale/keys-70000")!;
    expect(big).toMatchObject({ status: "failed", reason: expect.stringMatching(/^at scale: in a store of 70000 live keys, the snapshot of step \d+ node 1 differs at byte \d+, in key /) });
    expect(big.diagnosis!.rules[0]).toBe("R-STORE-1");
    expect(big.diagnosis!.trace_note).toMatch(/^not re-run .*scale\/10000/);
  });

  it("a port whose trace shows the leader's state for every node fails the trace check where an isolated node departs", async () => {
    const argv = await mutantAdapter(REPO_ROOT, LEADER_STATE_TRACE);
    const r = await run(["--vectors", corpus.vectors, "--traces", "sample", "--exec", quoted(argv)]);
    expect(r.code).toBe(1);
    expect(r.results.filter((x) => !x.name.startsWith("trace/")).every((x) => x.status === "passed")).toBe(true);
    // b/third isolates node 3, then puts x: the leader's state has it, node 3's does not.
    expect(r.results.find((x) => x.name === "trace/b/third")).toMatchObject({
      status: "failed",
      reason: expect.stringMatching(/^after step 1 \{"op":"put","key":"x","value":"01"\} its trace departs from the reference's at node 3: node 3's state differs at byte \d+, in \S+ .*while its snapshots are the golden's: .*\(R-PROTO-7\)$/),
    });
  });

  it("a port that reads stdin in the locale's charset fails the environment check: environment-dependent", async () => {
    // Whatever locale the test runs under, the main pass gets the runner's UTF-8 one and the check LC_ALL=C.
    const exec = `node --import tsx ${path.join("runner", "fixtures", "ports", "default_charset.ts")}`;
    const r = await run(["--filter", "keys/", "--env", "all", "--exec", exec]);
    expect(r.code).toBe(1);
    expect(r.results.filter((x) => !x.name.startsWith("env/")).every((x) => x.status === "passed")).toBe(true);
    const bad = r.results.filter((x) => x.name.startsWith("env/"));
    expect(bad.length).toBeGreaterThan(0);
    expect(bad[0]!.reason).toMatch(/^environment-dependent: under LC_ALL=C, .*, keys\/\S+ differs in the snapshot of step \d+ node \d+, which the main pass got right \(R-PROTO-11\); the same again in a fresh process under it, and right in the normal environment$/);
  });

  it.skipIf(noPython)("a Python port that reads sys.stdin as text passes LC_ALL=C (UTF-8 mode) and fails the pass with PYTHONUTF8=0", async () => {
    const r = await run(["--filter", "keys/", "--env", "sample", "--exec", `python3 ${NAIVE_PYTHON}`]);
    expect(r.code).toBe(1);
    expect(r.results.filter((x) => !x.name.startsWith("env/")).every((x) => x.status === "passed")).toBe(true);
    const bad = r.results.filter((x) => x.name.startsWith("env/"));
    expect(bad.length).toBeGreaterThan(0);
    // Every difference is the second pass's: under LC_ALL=C alone, Python reads UTF-8 and the port passes.
    for (const x of bad) expect(x.reason).toMatch(/^environment-dependent: under LC_ALL=C with PYTHONUTF8=0 .*, keys\/\S+ (differs in the snapshot of step \d+ node \d+, which the main pass got right|answered with an error: .*) \(R-PROTO-11\); (the same again in a fresh process under it, and right in the normal environment|not asked again: the difference of keys\/\S+ reproduced)$/);
  });

  it.skipIf(noPython)("a Python port that never flushes stdout is diagnosed as R-PROTO-2, also when the runner inherited PYTHONUNBUFFERED=1", async () => {
    const saved = process.env.PYTHONUNBUFFERED;
    // Where the port passed before: the runner's own environment made Python's stdout unbuffered for it.
    process.env.PYTHONUNBUFFERED = "1";
    try {
      const r = await runConformance(["--filter", "keys/nine", "--exec", `python3 ${NAIVE_PYTHON} --unflushed`, "--reporter", "json", "--no-build"]);
      expect(r.code).toBe(1);
      const adapter = (JSON.parse(r.stdout) as { adapters: { fatal: { message: string } | null }[] }).adapters[0]!;
      expect(adapter.fatal?.message).toMatch(/^no answer to hello within \d+ s \(R-PROTO-5\); the answer came only once its stdin was closed and it exited: it does not flush stdout after each reply \(R-PROTO-2\)/);
    } finally {
      if (saved === undefined) delete process.env.PYTHONUNBUFFERED;
      else process.env.PYTHONUNBUFFERED = saved;
    }
  });
});
