// The scale check's verdicts under load (issue 22): a linear port and a quadratic one through the real
// runner's scale check, again and again, while bench/synthetic_load.ts keeps the machine bursty-busy (4x the
// cores by default). Prints the tallies: a linear port failed is a false verdict, a quadratic port not
// failed is a miss; "too slow to judge" is counted apart (no verdict, but a red run all the same). Not a
// test: a benchmark whose figures go into docs/developing.md.
//
//   npm run bench:scale-load [-- --runs 20] [-- --jobs N] [-- --processes N] [-- --seed S]
import { spawn } from "node:child_process";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { fileURLToPath } from "node:url";
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { UsageError } from "../common/errors.js";
import { consoleLine } from "../common/escape.js";
import { startSyntheticLoad } from "./synthetic_load.js";
import { scalePorts, type ScalePort } from "./fixtures/scale_ports.js";

const ROOT = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

const SPEC = defineCommand({
  name: "bench:scale-load",
  invocation: "npm run bench:scale-load",
  synopsis: "[-- --runs N] [-- --jobs N] [-- --processes N] [-- --seed S] [-- --no-load]",
  brief: "the scale check's verdicts on a linear and a quadratic port under synthetic load",
  summary: `Runs the scale check (--scale quick) on a linear port and on a quadratic one, alternately, --runs times
each, under bursty synthetic load, and prints how often each got which verdict.`,
  positionals: { none: "see npm run bench:scale-load -- --help" },
  flags: {
    runs: { type: "string", value: "N", help: "runs of each port (default 20)" },
    jobs: { type: "string", value: "N", help: "runs at once (default 1): each is load on the others, besides the synthetic load" },
    processes: { type: "string", value: "N", help: "busy slots of the synthetic load (default 4x the cores)" },
    seed: { type: "string", value: "S", help: "the load pattern's seed (default random)" },
    "no-load": { type: "boolean", help: "no synthetic load: the machine as it is" },
  },
  notes: ["Not a test: nothing here asserts a speed."],
});

function whole(flag: string, text: string | undefined, min: number): number | undefined {
  if (text === undefined) return undefined;
  if (!/^\d+$/.test(text) || Number(text) < min) throw new UsageError(`--${flag}: expected a whole number of at least ${min}, got ${JSON.stringify(text)}`);
  return Number(text);
}

interface Outcome {
  /** The growth result's status, or "none" when the run gave none. */
  readonly status: string;
  readonly reason: string;
  readonly seconds: number;
}

const quoted = (argv: readonly string[]) => argv.map((w) => `'${w}'`).join(" ");

/** One run of the real runner's scale check on `port`, through the CLI as a user runs it. */
async function scaleRun(port: ScalePort, out: string): Promise<Outcome> {
  const args = [path.join(ROOT, "cli", "launch.mjs"), "conformance", "--exec", quoted(port.argv), "--filter", "keys/empty-key", "--scale", "quick", "--reporter", "json", "--out", out];
  const start = performance.now();
  // Asynchronously, so that the load's timers go on starting and stopping its processes meanwhile.
  const stderr = await new Promise<string>((resolve, reject) => {
    const child = spawn(process.execPath, args, { cwd: ROOT, stdio: ["ignore", "ignore", "pipe"] });
    let text = "";
    child.stderr.on("data", (d: Buffer) => (text += d.toString("utf8")));
    child.on("error", reject);
    child.on("exit", () => resolve(text));
  });
  const seconds = (performance.now() - start) / 1000;
  let report: { adapters: { results: { name: string; status: string; reason: string | null }[] }[] };
  try {
    report = JSON.parse(await readFile(out, "utf8")) as typeof report;
  } catch {
    return { status: "none", reason: `no report: ${stderr.trim().split("\n").at(-1) ?? ""}`, seconds };
  }
  const results = report.adapters[0]?.results ?? [];
  const growth = results.find((r) => r.name.startsWith("scale/growth-"));
  const other = results.find((r) => r.name.startsWith("scale/") && r.status !== "passed" && r !== growth);
  if (growth === undefined) return { status: "none", reason: other?.reason ?? "no growth result", seconds };
  return { status: growth.status, reason: growth.reason ?? "", seconds };
}

/** The fitted (or proved) exponent a growth reason gives, for the tally. */
const exponentOf = (reason: string): string => /steps\^(\d+\.\d+)/.exec(reason)?.[1] ?? "?";

async function main(): Promise<number> {
  const { values: v } = parseFlags(SPEC, process.argv.slice(2));
  if (v.help) {
    process.stdout.write(`${usage(SPEC)}\n`);
    return 0;
  }
  const runs = whole("runs", v.runs, 1) ?? 20;
  const jobs = whole("jobs", v.jobs, 1) ?? 1;
  const processes = whole("processes", v.processes, 1) ?? 4 * os.availableParallelism();
  const seed = whole("seed", v.seed, 0);
  const ports = await scalePorts(ROOT);
  const dir = await mkdtemp(path.join(os.tmpdir(), "rsm-scale-load-"));
  const loads: number[] = [];
  const spinning: number[] = [];
  const load = v["no-load"] ? null : startSyntheticLoad({ processes, ...(seed === undefined ? {} : { seed }) });
  const sampler = setInterval(() => {
    loads.push(os.loadavg()[0]!);
    if (load !== null) spinning.push(load.running());
  }, 5000);
  const tally = new Map<string, Map<string, number>>(ports.map((p) => [p.name, new Map()]));
  const exponents = new Map<string, string[]>(ports.map((p) => [p.name, []]));
  const started = performance.now();
  const say = (line: string) => process.stdout.write(`${consoleLine(line)}\n`);
  say(`${runs} runs of each port, ${jobs} at once, ${load === null ? "no synthetic load" : `synthetic load of ${processes} bursty slots on ${os.availableParallelism()} cores`}`);
  try {
    // Alternately one port and the other, so that both meet the same load.
    const queue = Array.from({ length: runs }, (_, k) => ports.map((port) => ({ i: k + 1, port }))).flat();
    const worker = async () => {
      for (let task = queue.shift(); task !== undefined; task = queue.shift()) {
        const { i, port } = task;
        const o = await scaleRun(port, path.join(dir, `${i}-${port.quadratic ? "q" : "l"}.json`));
        const right = port.quadratic ? o.status === "failed" : o.status === "passed";
        const kind = right ? "right" : o.status === "error" ? "too slow to judge" : port.quadratic ? "missed" : o.status === "failed" ? "false verdict" : `other (${o.status})`;
        tally.get(port.name)!.set(kind, (tally.get(port.name)!.get(kind) ?? 0) + 1);
        exponents.get(port.name)!.push(exponentOf(o.reason));
        say(`run ${i}/${runs} ${port.name}: ${kind}, ${o.status} in ${o.seconds.toFixed(1)} s, load ${os.loadavg()[0]!.toFixed(1)}: ${o.reason}`);
      }
    };
    await Promise.all(Array.from({ length: jobs }, worker));
  } finally {
    clearInterval(sampler);
    await load?.stop();
    await rm(dir, { recursive: true, force: true });
  }
  const minutes = (performance.now() - started) / 60_000;
  const sorted = [...loads].sort((a, b) => a - b);
  say("");
  for (const port of ports) {
    const t = [...tally.get(port.name)!].map(([k, n]) => `${k} ${n}`).join(", ");
    say(`${port.name}: ${t}; exponents ${exponents.get(port.name)!.join(" ")}`);
  }
  if (sorted.length > 0) say(`load average (1 min) seen: ${sorted[0]!.toFixed(1)} to ${sorted.at(-1)!.toFixed(1)}, median ${sorted[sorted.length >> 1]!.toFixed(1)}`);
  if (spinning.length > 0) say(`synthetic processes spinning: mean ${(spinning.reduce((a, b) => a + b, 0) / spinning.length).toFixed(1)} of ${processes}`);
  say(`time taken: ${minutes.toFixed(1)} min`);
  const falseVerdicts = tally.get(ports[0]!.name)!.get("false verdict") ?? 0;
  const misses = runs - (tally.get(ports[1]!.name)!.get("right") ?? 0);
  return falseVerdicts === 0 && misses === 0 ? 0 : 1;
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    const usageError = err instanceof UsageError;
    process.stderr.write(`bench:scale-load: ${consoleLine(usageError ? err.message : (err.stack ?? err.message))}\n`);
    process.exit(usageError ? 2 : 1);
  },
);
