// The measurements behind bench/bench.ts. Each drives real processes and checks what they answer, so a
// fast wrong answer can never pass for a fast right one.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GoldenVector } from "../reference/index.js";
import type { ConformanceReport } from "../reference/types/report.gen.js";
import { spawnTracked, type Launch } from "../runner/adapter/children.js";
import { HELLO_LINE, SHUTDOWN_LINE, runLine, scenarioJson } from "../runner/adapter/protocol.js";
import { Session, type ScenarioToRun } from "../runner/adapter/session.js";
import { BENCH_COMPACT_EVERY, scalingScenario } from "../corpus/scaling.js";

export type { Launch };

/** The benchmark's deadline for any one reply: far above any figure it measures, only there to end a hang. */
const TIMEOUT_MS = 600_000;

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

function requestOf(g: GoldenVector): ScenarioToRun {
  return { name: g.name, scenario: g.scenario, scenarioText: scenarioJson(g.scenario), trace: false, expected: g.snapshots };
}

/** Sends every golden at once (R-PROTO-3 pipelining) and checks every answer's bytes. */
async function runAll(session: Session, goldens: readonly GoldenVector[], what: string): Promise<void> {
  const outcomes = await Promise.all(goldens.map((g) => session.run(requestOf(g))));
  outcomes.forEach((o, i) => {
    const g = goldens[i]!;
    if (o.kind !== "result" || o.snapshots.some((s, k) => s.hex !== g.snapshots[k]!.hex)) throw new Error(`${what} got ${g.name} wrong`);
  });
}

/** The corpus the way a shell loop would run it: a new process for every scenario. Returns ms. */
export async function oneProcessPerScenario(launch: Launch, goldens: readonly GoldenVector[]): Promise<number> {
  const t0 = performance.now();
  for (const g of goldens) {
    const session = await Session.start(launch, TIMEOUT_MS);
    await runAll(session, [g], `${launch.argv.join(" ")} in one-process-per-scenario mode`);
    await session.close();
  }
  return performance.now() - t0;
}

/** Hello, a run request for every golden (ids "0", "1", ...), shutdown: a persistent adapter's whole input. */
function wholeCorpusInput(goldens: readonly GoldenVector[]): string {
  return [HELLO_LINE, ...goldens.map((g, i) => runLine(String(i), g.name, false, scenarioJson(g.scenario))), SHUTDOWN_LINE, ""].join("\n");
}

/** An adapter alone: the whole corpus sent at once, every reply read and checked. Returns ms. */
export async function adapterOwnTime(launch: Launch, goldens: readonly GoldenVector[]): Promise<number> {
  const t0 = performance.now();
  const session = await Session.start(launch, TIMEOUT_MS);
  await runAll(session, goldens, launch.argv.join(" "));
  await session.close();
  return performance.now() - t0;
}

/**
 * Several adapters at once, each piped the whole corpus, replies drained but not read: what running them side
 * by side costs without any runner, the floor under the runner's wall time. Returns ms until the last exits.
 */
export async function adaptersAtOnce(launches: readonly Launch[], goldens: readonly GoldenVector[]): Promise<number> {
  const input = wholeCorpusInput(goldens);
  const t0 = performance.now();
  await Promise.all(
    launches.map((launch) => {
      const child = spawnTracked(launch, "pipe");
      child.stdout!.resume();
      child.stderr!.resume();
      child.stdin!.end(input);
      return new Promise<void>((resolve) => child.stdout!.once("close", resolve));
    }),
  );
  return performance.now() - t0;
}

/** `rsm conformance ARGS --reporter json`: the report, and the whole command's wall time. */
export async function runnerReport(root: string, args: readonly string[]): Promise<ConformanceReport & { commandMs: number }> {
  const dir = await mkdtemp(path.join(os.tmpdir(), "rsm-bench-report-"));
  try {
    const out = path.join(dir, "report.json");
    const t0 = performance.now();
    // The corpus alone: the checks beyond it (malformed input, environment, scale) and the decode vectors and
    // matrix, which run after it, are measured by their own figures, and would make the corpus's time
    // incomparable with the adapters' own time for it and with earlier results.
    const checks = ["--malformed", "off", "--env", "off", "--scale", "off", "--skip", "decode/*"];
    const child = spawn(process.execPath, [path.join(root, "cli", "launch.mjs"), "conformance", ...args, ...checks, "--reporter", "json", "--out", out], {
      cwd: root,
      stdio: ["ignore", "ignore", "inherit"],
    });
    const code = await exited(child);
    const commandMs = performance.now() - t0;
    if (code !== 0) throw new Error(`rsm conformance ${args.join(" ")} exited with ${code}`);
    return { ...(JSON.parse(await readFile(out, "utf8")) as ConformanceReport), commandMs };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

export function median(xs: readonly number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const mid = Math.floor(s.length / 2);
  return s.length % 2 ? s[mid]! : (s[mid - 1]! + s[mid]!) / 2;
}

export interface ScaleRun {
  ms: number;
  peakMb: number;
  digest: string;
}

/** The reference in-process, in a child process of its own so its peak RSS is its own. */
export async function scaleThroughReference(root: string, steps: number, runs: number, electEvery = 0): Promise<ScaleRun> {
  const results: ScaleRun[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench", "scale_ref.ts"), String(steps), String(electEvery)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    let text = "";
    child.stdout!.setEncoding("utf8").on("data", (chunk: string) => (text += chunk));
    await new Promise((resolve) => child.stdout!.once("close", resolve));
    results.push(JSON.parse(text) as ScaleRun);
  }
  return { ms: median(results.map((r) => r.ms)), peakMb: median(results.map((r) => r.peakMb)), digest: results[0]!.digest };
}

/** VmHWM, read between the reply and the shutdown, while the process is certainly alive. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

/** One scaling scenario through an adapter: the adapter's own time for the request, and its peak RSS. */
export async function scaleThroughAdapter(root: string, launch: Launch, steps: number, runs: number, digest: string, electEvery = 0): Promise<{ ms: number; peakMb: number }> {
  const scenario = scalingScenario(steps, 1, 1000, 10_000, BENCH_COMPACT_EVERY, electEvery);
  const req: ScenarioToRun = { name: `scale/${steps}`, scenario, scenarioText: scenarioJson(scenario), trace: false };
  const times: number[] = [];
  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) {
    const session = await Session.start({ argv: launch.argv, cwd: launch.cwd === "." ? root : launch.cwd }, TIMEOUT_MS);
    const o = await session.run(req);
    if (o.kind !== "result") throw new Error(`${launch.argv.join(" ")} did not answer the ${steps}-step scaling scenario: ${o.kind === "aborted" ? "aborted" : o.kind === "refused" ? o.message : o.reason}`);
    times.push(o.durationMs);
    peaks.push(peakRssMb(session.pid));
    await session.close();
    const got = createHash("sha256");
    for (const s of o.snapshots) got.update(`${s.step} ${s.node} ${s.hex}\n`);
    if (got.digest("hex") !== digest) throw new Error(`${launch.argv.join(" ")} disagrees with the reference on the ${steps}-step scaling scenario`);
  }
  return { ms: median(times), peakMb: median(peaks) };
}
