// `rsm trace`: the reference's states step by step, windowed, and a broken port's beside them.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { UsageError } from "../common/errors.js";
import { mutantAdapter } from "../selftest/mutation/mutants.js";
import { VARIANTS } from "../selftest/mutation/variants.js";
import { loadTraceTarget, statusesAfter, traceCommand } from "./trace_cmd.js";

const ROOT = path.resolve(import.meta.dirname, "..");

async function trace(args: string[], options = {}): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await traceCommand(args, ROOT, (l) => lines.push(...l.split("\n")), options);
  return { code, lines };
}

describe("rsm trace, the reference alone", () => {
  it("shows each node's role, term, vote and log in a scenario with elections (R-TRACE-1)", async () => {
    // SPEC.md 3.4 by hand: a (entry 1) on all; 1 crashes; 2 stands for term 2, 3 grants; 2 leads with its
    // no-op at 2 (term 2), held by 2 and 3: committed and applied.
    const { code, lines } = await trace(["elect/leader-crash-new-election", "--steps", "2"]);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith("  node "))).toEqual([
      "  node 1: down",
      "  node 2: up, leader of term 2, voted for 2, log 2 (last term 2), commit_index 2, last_applied 2",
      "  node 3: up, follower of term 2, voted for 2, log 2 (last term 2), commit_index 2, last_applied 2",
    ]);
  });

  it("prints each step as JSON, then each node's status, indices and decoded pairs", async () => {
    const { code, lines } = await trace(["keys/nine-vs-ten"]);
    expect(code).toBe(0);
    expect(lines[0]).toBe("trace of keys/nine-vs-ten: 3 node(s), leader 1, 3 step(s), the reference's states");
    expect(lines[1]).toBe('step 0: {"op":"put","key":"9","value":"30"}');
    expect(lines[2]).toBe("  node 1: up, commit_index 1, last_applied 1");
    expect(lines).toContain('step 1: {"op":"put","key":"10","value":"31"}');
    const step1 = lines.indexOf('step 1: {"op":"put","key":"10","value":"31"}');
    // Byte order: "10" before "9".
    expect(lines.slice(step1 + 1, step1 + 10)).toEqual([
      "  node 1: up, commit_index 2, last_applied 2",
      '    magic 524b5631 "RKV1"',
      "    current_term 1",
      "    last_included_index 2",
      "    last_included_term 1",
      "    pair count 2",
      '    [0] "10" = 31 "1"',
      '    [1] "9" = 30 "0"',
      "    crc cd509e9f (correct)",
    ]);
    expect(lines.filter((l) => l.startsWith("step "))).toHaveLength(3);
  });

  it("shows isolated and down nodes, with commit_index from the reference's cluster", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-trace-"));
    const file = path.join(dir, "s.json");
    await writeFile(
      file,
      JSON.stringify({
        description: "a partition and a crash",
        cluster: { nodes: 3, leader: 1 },
        steps: [
          { op: "put", key: "a", value: { utf8: "1" } },
          { op: "partition", nodes: [3] },
          { op: "crash", node: 2 },
          { op: "put", key: "b", value: { utf8: "2" } },
          { op: "snapshot", nodes: [1, 3] },
        ],
      }),
    );
    const { code, lines } = await trace([file, "--steps", "3", "--node", "2", "--node", "3"]);
    expect(code).toBe(0);
    expect(lines.slice(1, 3)).toEqual(['step 3: {"op":"put","key":"b","value":"32"}', "  node 2: down"]);
    expect(lines[3]).toBe("  node 3: isolated, commit_index 1, last_applied 1");
    expect(lines.some((l) => l.startsWith("  node 1"))).toBe(false);
    const loaded = await loadTraceTarget(file, ROOT);
    expect(statusesAfter(loaded.scenario).map((s) => s.join(" "))).toEqual(["up up up", "up up isolated", "up down isolated", "up down isolated", "up down isolated"]);
  });

  it("windows: --steps A..B shows only those steps, --node only those nodes", async () => {
    const { code, lines } = await trace(["keys/utf16-trap-mix", "--steps", "3..5", "--node", "2"]);
    expect(code).toBe(0);
    expect(lines.filter((l) => l.startsWith("step ")).map((l) => l.split(":")[0])).toEqual(["step 3", "step 4", "step 5"]);
    expect(lines.filter((l) => l.startsWith("  node ")).map((l) => l.split(":")[0])).toEqual(["  node 2", "  node 2", "  node 2"]);
    expect(lines).toContain("  node 2: up, commit_index 5, last_applied 5");
  });

  it("usage errors name the flag or the argument", async () => {
    await expect(trace(["keys/nine-vs-ten", "--steps", "1..9"])).rejects.toThrow(new UsageError("--steps: 1..9 goes past the scenario's last step, 2"));
    await expect(trace(["keys/nine-vs-ten", "--steps", "x"])).rejects.toThrow(/^--steps: expected A\.\.B or N/);
    await expect(trace(["keys/nine-vs-ten", "--node", "4"])).rejects.toThrow('--node: expected a node id in 1..3, got "4"');
    await expect(trace(["no/such-scenario"])).rejects.toThrow(/^trace: "no\/such-scenario" is neither a scenario file nor a corpus name/);
    // R-NAME-1 by the one rule: what is no name is never looked up as a path below vectors/golden.
    await expect(trace(["../golden/keys/nine-vs-ten"])).rejects.toThrow(/^trace: "\.\.\/golden\/keys\/nine-vs-ten" is neither a scenario file nor a corpus name: the name .* is not a scenario name; .* \(R-NAME-1\)$/);
    await expect(trace(["keys/Nine-Vs-Ten"])).rejects.toThrow(/\(R-NAME-1\)$/);
    await expect(trace(["keys/nine-vs-ten", "--all"])).rejects.toThrow("--all: only means something with --exec");
  });
});

describe("rsm trace --exec, against a port that sorts keys as UTF-16 strings", () => {
  let exec = "";
  beforeAll(async () => {
    // An id of its own: the fuzzer's tests build the variant under its own id, possibly at the same time.
    const variant = { ...VARIANTS.find((v) => v.id === "utf16-key-order")!, id: "trace-utf16-key-order" };
    exec = (await mutantAdapter(ROOT, variant)).map((w) => `'${w}'`).join(" ");
  });

  /** The first put after which the keys in the store sort differently as UTF-16 strings and as UTF-8 bytes. */
  async function firstMisorderedStep(): Promise<number> {
    const { scenario } = await loadTraceTarget("keys/utf16-trap-mix", ROOT);
    const keys: string[] = [];
    const utf8 = (a: string, b: string) => Buffer.compare(Buffer.from(a), Buffer.from(b));
    const utf16 = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);
    for (const [i, s] of scenario.steps.entries()) {
      if (s.op === "put") keys.push(s.key);
      if ([...keys].sort(utf8).join("\0") !== [...keys].sort(utf16).join("\0")) return i;
    }
    throw new Error("no such step");
  }

  it("marks the first step where the states differ, diffs the differing nodes, and stops there", async () => {
    const k = await firstMisorderedStep();
    const { code, lines } = await trace(["keys/utf16-trap-mix", "--exec", exec]);
    expect(code).toBe(1);
    const marked = lines.filter((l) => l.startsWith("! step "));
    expect(marked).toHaveLength(1);
    expect(marked[0]).toMatch(new RegExp(`^! step ${k}: .*  <- differs at nodes 1, 2, 3$`));
    expect(lines.filter((l) => l.startsWith("  step ")).map((l) => Number(/step (\d+)/.exec(l)![1]))).toEqual([...Array(k).keys()]);
    expect(lines).toContain(`  - node 1: up, commit_index ${k + 1}, last_applied ${k + 1}`);
    expect(lines).toContain(`  + node 1: up, last_applied ${k + 1}`);
    // The reference's byte order against the port's UTF-16 order of the same two pairs.
    const minus = lines.filter((l) => l.startsWith("    - ["));
    const plus = lines.filter((l) => l.startsWith("    + ["));
    expect(minus.length).toBeGreaterThan(0);
    expect(plus.map((l) => l.slice(9)).sort()).toEqual(minus.map((l) => l.slice(9)).sort());
    expect(lines.at(-1)).toBe(`first divergence: after step ${k}, nodes 1, 2, 3`);
  });

  it("--all goes on past the first divergence; --steps before it shows agreement, asks about those steps only, and exits 0", async () => {
    const k = await firstMisorderedStep();
    const all = await trace(["keys/utf16-trap-mix", "--exec", exec, "--all"]);
    expect(all.code).toBe(1);
    expect(all.lines.filter((l) => /^[ !] step /.test(l))).toHaveLength(11);
    const before = await trace(["keys/utf16-trap-mix", "--exec", exec, "--steps", `0..${k - 1}`]);
    expect(before.code).toBe(0);
    expect(before.lines.some((l) => l.startsWith("! "))).toBe(false);
    // The port was asked about steps 0..k-1 only (a prefix ending in a snapshot), so nothing later is known.
    expect(before.lines.at(-1)).toBe(`the port's trace agrees with the reference at every step up to ${k - 1}`);
  });

  it("a scenario too big to trace is bisected, and the window around the divergence shown", async () => {
    const k = await firstMisorderedStep();
    const { code, lines } = await trace(["keys/utf16-trap-mix", "--exec", exec], { maxTraceChars: 0 });
    expect(code).toBe(1);
    expect(lines).toContain("(the whole trace would be too big: bisecting for the first divergence over prefixes of the scenario)");
    const shownSteps = lines.filter((l) => /^[ !] step /.test(l)).map((l) => /^([ !]) step (\d+)/.exec(l)!.slice(1).join(""));
    const window = [];
    for (let i = Math.max(0, k - 2); i <= k; i++) window.push(`${i === k ? "!" : " "}${i}`);
    expect(shownSteps).toEqual(window);
    expect(lines.at(-1)).toBe(`first divergence: after step ${k}, nodes 1, 2, 3`);
  });
});

describe("rsm trace --exec, against a port that passes", () => {
  // A port that answers with the reference and records the length of every scenario it is asked to run.
  let exec = "";
  let log = "";
  beforeAll(async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-trace-recorder-"));
    log = path.join(dir, "runs.log");
    // .mts: an ES module wherever it lies, for its top-level await.
    const port = path.join(dir, "recorder.mts");
    await writeFile(
      port,
      `import { appendFileSync } from "node:fs";
import { createInterface } from "node:readline";
import { runScenario } from ${JSON.stringify(path.join(ROOT, "reference", "index.ts"))};
for await (const line of createInterface({ input: process.stdin })) {
  const m = JSON.parse(line);
  if (m.type === "hello") console.log(JSON.stringify({ type: "hello", protocol: 1, name: "recorder", version: "0", features: ["append", "incr", "cas", "crash", "compact"] }));
  else if (m.type === "run") {
    appendFileSync(${JSON.stringify(log)}, m.scenario.steps.length + (m.trace ? " trace" : "") + "\\n");
    console.log(JSON.stringify({ type: "result", id: m.id, ...runScenario(m.scenario, { trace: m.trace }) }));
  } else break;
}
`,
    );
    exec = `node --import tsx '${port}'`;
  });
  const runs = async () => (await readFile(log, "utf8").catch(() => "")).trim().split("\n").filter(Boolean);
  const LONG = "random/mix-seed-4-n7-leader7"; // 5,001 steps

  it("past the trace budget, a port whose snapshots and final states agree is told so, never blamed (R-SNAP-3)", async () => {
    await writeFile(log, "");
    const { code, lines } = await trace([LONG, "--exec", exec], { maxTraceChars: 0 });
    expect(code).toBe(0);
    expect(lines.join("\n")).not.toMatch(/R-SNAP-3|disagrees/);
    expect(lines.at(-1)).toMatch(/^no divergence found: every snapshot the port emits and every up node's state after the last step agree with the reference/);
    // The whole scenario once, then all of it again ending in a snapshot of every up node: no bisection.
    expect(await runs()).toEqual(["5001", "5002"]);
  });

  it("--steps A..B asks the port about steps 0..B only, traced or, past the budget, step by step", async () => {
    await writeFile(log, "");
    const traced = await trace([LONG, "--exec", exec, "--steps", "2..3"]);
    expect(traced.code).toBe(0);
    expect(traced.lines.at(-1)).toBe("the port's trace agrees with the reference at every step up to 3");
    // Steps 0..3 and the snapshot that ends the prefix.
    expect(await runs()).toEqual(["5 trace"]);
    await writeFile(log, "");
    const windowed = await trace([LONG, "--exec", exec, "--steps", "2..3"], { maxTraceChars: 0 });
    expect(windowed.code).toBe(0);
    expect(windowed.lines.filter((l) => /^[ !] step /.test(l)).map((l) => l.split(":")[0])).toEqual(["  step 2", "  step 3"]);
    expect(windowed.lines.at(-1)).toBe("no divergence in steps 2..3");
    expect(await runs()).toEqual(["4", "5"]);
  });
});
