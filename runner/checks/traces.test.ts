// The trace check (runner/checks/traces.ts) against the fake adapter: a port whose snapshots are all right
// and whose trace lies fails it, at the step, node and field where the lie starts; an honest one passes.
import { mkdtemp, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { NAMES, makeCorpus, writeCorpus, type TestCorpus } from "../fixtures/corpus.js";
import { fakeExec, runConformance } from "../fixtures/harness.js";

interface Result {
  name: string;
  status: string;
  reason: string | null;
}

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

async function run(c: TestCorpus, extra: string[], ...fake: string[]): Promise<{ code: number; results: Result[] }> {
  const r = await runConformance(["--vectors", c.vectors, "--reporter", "json", "--timeout", "10", ...extra, "--exec", fakeExec(c, ...fake)]);
  return { code: r.code, results: (JSON.parse(r.stdout) as { adapters: { results: Result[] }[] }).adapters[0]!.results };
}

const traced = (results: Result[]) => results.filter((r) => r.name.startsWith("trace/"));

describe("the trace check (R-PROTO-7)", () => {
  it("fails a port whose trace runs one step behind while every snapshot is right, naming the step, nodes and field", async () => {
    const { code, results } = await run(corpus, ["--traces", "sample"], "--mode", "stale-trace", "--on", "b/third");
    expect(code).toBe(1);
    // The corpus cannot see it: every vector passed.
    expect(results.filter((r) => !r.name.startsWith("trace/")).map((r) => r.status)).toEqual(NAMES.map(() => "passed"));
    // The sample: the first vector of each topic.
    expect(traced(results).map((r) => r.name)).toEqual(["trace/a/first", "trace/b/third", "trace/c/crash", "trace/d/keys-utf16", "trace/e/last"]);
    const lie = results.find((r) => r.name === "trace/b/third")!;
    expect(lie.status).toBe("failed");
    // b/third: step 0 isolates node 3, step 1 puts x on the majority; a trace one step behind still shows
    // nodes 1 and 2 without it.
    expect(lie.reason).toMatch(/^after step 1 \{"op":"put","key":"x","value":"01"\} its trace departs from the reference's at nodes 1, 2: node 1's state differs at byte \d+, in \S+ \(R-[A-Z]+-\d+\); - .+ \/ \+ .+, while its snapshots are the golden's: the trace does not show the states the port computes \(R-PROTO-7\)$/);
    expect(traced(results).filter((r) => r.name !== "trace/b/third").map((r) => r.status)).toEqual(["passed", "passed", "passed", "passed"]);
  }, 60_000);

  it("passes an honest port on every vector with --traces all, and is off on a narrowed run unless asked", async () => {
    const all = await run(corpus, ["--traces", "all"], "--mode", "ok");
    expect(all.code).toBe(0);
    expect(traced(all.results).map((r) => [r.name, r.status])).toEqual(NAMES.map((n) => [`trace/${n}`, "passed"]));
    const narrowed = await run(corpus, [], "--mode", "stale-trace");
    expect(narrowed.code).toBe(0);
    expect(traced(narrowed.results)).toEqual([]);
  }, 60_000);

  it("reports a trace that gives a down node a state as the adapter's error, and traces the rest in a new process", async () => {
    // fake_adapter.mjs's lying-trace also flips a byte of key "x", so here no vector holds one: its snapshots are right.
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-traces-"));
    const c = await writeCorpus(dir, {
      "a/crash": { description: "a follower down while a key is put", tags: ["crash"], steps: [{ op: "crash", node: 2 }, { op: "put", key: "y", value: { hex: "03" } }, { op: "restart", node: 2 }, { op: "snapshot", nodes: "all" }] },
      "b/after": { description: "one put", tags: ["basic"], steps: [{ op: "put", key: "y", value: { hex: "01" } }, { op: "snapshot", nodes: "all" }] },
    });
    const { code, results } = await run(c, ["--traces", "sample"], "--mode", "lying-trace", "--on", "a/crash");
    expect(code).toBe(1);
    expect(results.find((r) => r.name === "a/crash")!.status).toBe("passed");
    const lie = results.find((r) => r.name === "trace/a/crash")!;
    expect(lie.status).toBe("error");
    expect(lie.reason).toContain("the trace is malformed: trace entry 0 has a state for node 2, which is down after step 0 (R-PROTO-7: null while a node is down)");
    expect(results.find((r) => r.name === "trace/b/after")!.status).toBe("passed");
  }, 60_000);

  it("accepts trace/NAME in an expected-failures list", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-traces-xf-"));
    const list = path.join(dir, "expected.txt");
    await writeFile(list, "fake trace/b/third\n");
    const { code, results } = await run(corpus, ["--traces", "sample", "--expected-failures", list], "--mode", "stale-trace", "--on", "b/third");
    expect(results.find((r) => r.name === "trace/b/third")!.status).toBe("failed");
    expect(code).toBe(0);
  }, 60_000);
});
