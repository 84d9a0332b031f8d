// The measurements behind bench/bench.ts. Each drives real processes and checks what they answer, so a
// fast wrong answer can never pass for a fast right one.
import { spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import type { GoldenVector } from "../reference/index.js";
import { executable } from "../runner/conformance/adapter_process.js";
import { HELLO_LINE, SHUTDOWN_LINE, runLine, scenarioJson } from "../runner/conformance/protocol.js";
import type { ConformanceReport } from "../reference/types/report.gen.js";
import { scalingScenario } from "../runner/scaling.js";

export interface Launch {
  readonly argv: readonly string[];
  readonly cwd: string;
}

function start(launch: Launch): ChildProcess {
  const [program, ...args] = launch.argv;
  return spawn(executable(program!, launch.cwd), args, { cwd: launch.cwd, stdio: ["pipe", "pipe", "inherit"] });
}

/** Reads a child's stdout as lines without ever holding a line twice. */
function lineReader(child: ChildProcess): () => Promise<string> {
  const chunks: Buffer[] = [];
  const ready: string[] = [];
  let waiting: ((line: string) => void) | null = null;
  let failed: Error | null = null;
  child.stdout!.on("data", (chunk: Buffer) => {
    let at = 0;
    for (let nl = chunk.indexOf(10, at); nl !== -1; nl = chunk.indexOf(10, at)) {
      chunks.push(chunk.subarray(at, nl));
      ready.push(Buffer.concat(chunks).toString("utf8"));
      chunks.length = 0;
      at = nl + 1;
    }
    if (at < chunk.length) chunks.push(chunk.subarray(at));
    while (waiting !== null && ready.length > 0) {
      const w = waiting;
      waiting = null;
      w(ready.shift()!);
    }
  });
  // stdout closes after its last byte is read; a process can exit before that, so exit is not the end.
  const closed = new Promise<void>((resolve) =>
    child.stdout!.once("close", () => {
      failed = new Error(`adapter closed its stdout (exit code ${child.exitCode}) before answering`);
      resolve();
    }),
  );
  return () =>
    new Promise<string>((resolve, reject) => {
      if (ready.length > 0) return resolve(ready.shift()!);
      if (failed) return reject(failed);
      waiting = resolve;
      void closed.then(() => failed && reject(failed));
    });
}

const exited = (child: ChildProcess) => new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));

function sameSnapshots(line: string, golden: GoldenVector): boolean {
  const reply = JSON.parse(line) as { snapshots?: { hex: string }[] };
  return reply.snapshots?.length === golden.snapshots.length && reply.snapshots.every((s, i) => s.hex === golden.snapshots[i]!.hex);
}

/** The corpus the way a shell loop would run it: a new process for every scenario. Returns ms. */
export async function oneProcessPerScenario(launch: Launch, goldens: readonly GoldenVector[]): Promise<number> {
  const t0 = performance.now();
  for (const g of goldens) {
    const child = start(launch);
    const next = lineReader(child);
    child.stdin!.end(`${HELLO_LINE}\n${runLine("1", g.name, false, scenarioJson(g.scenario))}\n${SHUTDOWN_LINE}\n`);
    await next(); // hello
    const reply = await next();
    if (!sameSnapshots(reply, g)) throw new Error(`${launch.argv.join(" ")} got ${g.name} wrong in one-process-per-scenario mode`);
    await exited(child);
  }
  return performance.now() - t0;
}

/** Hello, a run request for every golden (ids "0", "1", ...), shutdown: a persistent adapter's whole input. */
function wholeCorpusInput(goldens: readonly GoldenVector[]): string {
  return [HELLO_LINE, ...goldens.map((g, i) => runLine(String(i), g.name, false, scenarioJson(g.scenario))), SHUTDOWN_LINE, ""].join("\n");
}

/** An adapter alone: the whole corpus piped in at once, every reply read and checked. Returns ms. */
export async function adapterOwnTime(launch: Launch, goldens: readonly GoldenVector[]): Promise<number> {
  const input = wholeCorpusInput(goldens);
  const t0 = performance.now();
  const child = start(launch);
  const next = lineReader(child);
  child.stdin!.end(input);
  await next();
  for (const g of goldens) {
    if (!sameSnapshots(await next(), g)) throw new Error(`${launch.argv.join(" ")} got ${g.name} wrong`);
  }
  await exited(child);
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
      const child = start(launch);
      child.stdout!.resume();
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
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "runner", "cli.ts"), "conformance", ...args, "--reporter", "json", "--out", out], {
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
export async function scaleThroughReference(root: string, steps: number, runs: number): Promise<ScaleRun> {
  const results: ScaleRun[] = [];
  for (let i = 0; i < runs; i++) {
    const child = spawn(process.execPath, ["--import", "tsx", path.join(root, "bench", "scale_ref.ts"), String(steps)], { cwd: root, stdio: ["ignore", "pipe", "inherit"] });
    const line = await lineReader(child)();
    await exited(child);
    results.push(JSON.parse(line) as ScaleRun);
  }
  return { ms: median(results.map((r) => r.ms)), peakMb: median(results.map((r) => r.peakMb)), digest: results[0]!.digest };
}

/** VmHWM, read between the reply and the shutdown, while the process is certainly alive. */
function peakRssMb(pid: number): number {
  const m = /VmHWM:\s+(\d+) kB/.exec(readFileSync(`/proc/${pid}/status`, "utf8"));
  return m ? Math.round(Number(m[1]) / 1024) : -1;
}

/** One scaling scenario through an adapter: time from the run request to its result, and the peak RSS. */
export async function scaleThroughAdapter(root: string, launch: Launch, steps: number, runs: number, digest: string): Promise<{ ms: number; peakMb: number }> {
  const line = runLine("scale", `scale/${steps}`, false, scenarioJson(scalingScenario(steps)));
  const times: number[] = [];
  const peaks: number[] = [];
  for (let i = 0; i < runs; i++) {
    const child = start({ argv: launch.argv, cwd: launch.cwd === "." ? root : launch.cwd });
    const next = lineReader(child);
    child.stdin!.write(`${HELLO_LINE}\n`);
    await next();
    const t0 = performance.now();
    child.stdin!.write(`${line}\n`);
    const reply = await next();
    times.push(performance.now() - t0);
    peaks.push(peakRssMb(child.pid!));
    child.stdin!.end(`${SHUTDOWN_LINE}\n`);
    await exited(child);
    const got = createHash("sha256");
    for (const s of (JSON.parse(reply) as { snapshots: { step: number; node: number; hex: string }[] }).snapshots) got.update(`${s.step} ${s.node} ${s.hex}\n`);
    if (got.digest("hex") !== digest) throw new Error(`${launch.argv.join(" ")} disagrees with the reference on the ${steps}-step scaling scenario`);
  }
  return { ms: median(times), peakMb: median(peaks) };
}
