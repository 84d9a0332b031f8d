// Ports that pass every golden vector and still are not conformant fail the checks beyond the corpus, each
// with a message naming what is wrong (docs/porting.md, "Checks beyond the corpus"). The other two kinds, a port that
// crashes on a line that is not JSON and one whose trace lies, are in fixtures.test.ts.
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { mutantAdapter } from "../selftest/mutation/mutants.js";
import { makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { REPO_ROOT, runConformance } from "./fixtures/harness.js";
import { QUADRATIC_REJOIN, SORTS_SMALL_STORES } from "./fixtures/ports/broken_ports.js";

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

interface Report {
  adapters: { results: { name: string; status: string; reason: string | null }[] }[];
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
  }, 600_000);

  it("a port that sorts keys only in small stores fails the scale check: at scale", async () => {
    const argv = await mutantAdapter(REPO_ROOT, SORTS_SMALL_STORES);
    const r = await run(["--vectors", corpus.vectors, "--scale", "quick", "--exec", quoted(argv)]);
    expect(r.code).toBe(1);
    expect(r.results.find((x) => x.name === "scale/10000")).toMatchObject({ status: "failed", reason: expect.stringMatching(/^at scale: at 10000 steps over 2000 keys, the snapshot of step \d+ node 1 differs/) });
  }, 60_000);

  it("a port that reads stdin in the locale's charset fails the environment check: environment-dependent", async () => {
    const saved = { LC_ALL: process.env.LC_ALL, LANG: process.env.LANG };
    // The main pass under a UTF-8 locale, as on this machine; the check runs it under LC_ALL=C.
    delete process.env.LC_ALL;
    process.env.LANG = "C.UTF-8";
    try {
      const exec = `node --import tsx ${path.join("runner", "fixtures", "ports", "default_charset.ts")}`;
      const r = await run(["--filter", "keys/", "--env", "all", "--exec", exec]);
      expect(r.code).toBe(1);
      expect(r.results.filter((x) => !x.name.startsWith("env/")).every((x) => x.status === "passed")).toBe(true);
      const bad = r.results.filter((x) => x.name.startsWith("env/"));
      expect(bad.length).toBeGreaterThan(0);
      expect(bad[0]!.reason).toMatch(/^environment-dependent: under LC_ALL=C, .*, keys\/\S+ differs in the snapshot of step \d+ node \d+, which the main pass got right \(R-PROTO-11\)$/);
    } finally {
      for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  }, 60_000);
});
