// Synthetic load: busy processes started and stopped at random while something runs, so that whatever the
// kit judges by time can be tried on a machine several times busier than this one (DEVELOPERS.md: "the same
// verdict on a machine 4x busier"). Bursty on purpose: a shared CI runner is not uniformly slow, it is idle
// one second and saturated the next, and a check that measures one size in a lull and the next in a burst is
// exactly what goes wrong.
//
//   npx tsx bench/synthetic_load.ts [--processes N] [--seed S] -- COMMAND [ARGS...]
//
// runs COMMAND under the load and exits with its status (the load stops with it). Tests and scripts import
// `startSyntheticLoad` instead.
import { spawn, type ChildProcess } from "node:child_process";
import { availableParallelism } from "node:os";
import { onTermination } from "../common/signals.js";

export interface LoadOptions {
  /** Busy slots; each is on (one process spinning) or off at any moment. Default 4x the cores. */
  readonly processes?: number;
  /** Mean length of a burst and of a lull, in ms (each drawn uniformly from 0.2x to 1.8x of it). */
  readonly meanOnMs?: number;
  readonly meanOffMs?: number;
  /** For repeatable patterns; default a random one. */
  readonly seed?: number;
}

export interface SyntheticLoad {
  /** Processes spinning right now. */
  readonly running: () => number;
  /** Stops every slot and waits until its process has exited. */
  readonly stop: () => Promise<void>;
}

// A small deterministic generator (mulberry32), so that a seed names a load pattern.
function generator(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

// A shell loop, not node: starting one costs a millisecond, so bursts can be short and many.
const SPIN = ["sh", ["-c", "while :; do :; done"]] as const;

export function startSyntheticLoad(options: LoadOptions = {}): SyntheticLoad {
  const slots = options.processes ?? 4 * availableParallelism();
  const meanOn = options.meanOnMs ?? 1500;
  const meanOff = options.meanOffMs ?? 500;
  const random = generator(options.seed ?? Math.floor(Math.random() * 2 ** 32));
  const jitter = (mean: number) => mean * (0.2 + 1.6 * random());
  const children = new Set<ChildProcess>();
  const timers = new Set<NodeJS.Timeout>();
  let stopped = false;

  const later = (ms: number, f: () => void) => {
    const t = setTimeout(() => {
      timers.delete(t);
      f();
    }, ms);
    timers.add(t);
  };
  const on = () => {
    if (stopped) return;
    // Detached, each in a session of its own: with the kernel's autogroup scheduling (Linux's default on
    // desktops and many CI images) CPU is shared between sessions first, and the runner starts every adapter
    // in a session of its own, so spinners sharing the measured command's session slowed the command and
    // hardly touched its adapters (a TypeScript adapter's hello: 1.4 s idle, 1.7 s under that load, 2.8 s
    // with the spinners detached). Jobs of other users of a CI machine come in sessions of their own too.
    const child = spawn(SPIN[0], SPIN[1], { stdio: "ignore", detached: true });
    children.add(child);
    child.on("exit", () => children.delete(child));
    child.on("error", () => children.delete(child));
    later(jitter(meanOn), () => {
      child.kill("SIGKILL");
      later(jitter(meanOff), on);
    });
  };
  // The spinners are in sessions of their own, so Ctrl-C at the terminal does not reach them: killed here on
  // any terminating signal, or they would spin on after the command.
  const forget = onTermination(() => {
    for (const c of children) c.kill("SIGKILL");
  });
  // Staggered starts, so the slots do not burst in step.
  for (let i = 0; i < slots; i++) later(random() * meanOff, on);

  return {
    running: () => children.size,
    stop: async () => {
      stopped = true;
      forget();
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const exits = [...children].map((c) => new Promise<void>((resolve) => (c.exitCode !== null || c.signalCode !== null ? resolve() : c.once("exit", () => resolve()))));
      for (const c of children) c.kill("SIGKILL");
      await Promise.all(exits);
    },
  };
}

async function main(argv: readonly string[]): Promise<number> {
  const dash = argv.indexOf("--");
  const own = dash === -1 ? argv : argv.slice(0, dash);
  const command = dash === -1 ? [] : argv.slice(dash + 1);
  const flag = (name: string): number | undefined => {
    const i = own.indexOf(`--${name}`);
    if (i === -1) return undefined;
    const v = Number(own[i + 1]);
    if (!Number.isInteger(v) || v < 0) throw new Error(`--${name}: expected a whole number, got ${JSON.stringify(own[i + 1] ?? "")}`);
    return v;
  };
  if (command.length === 0) {
    process.stderr.write("usage: npx tsx bench/synthetic_load.ts [--processes N] [--seed S] -- COMMAND [ARGS...]\n");
    return 2;
  }
  const load = startSyntheticLoad({ processes: flag("processes"), seed: flag("seed") });
  const child = spawn(command[0]!, command.slice(1), { stdio: "inherit" });
  const code = await new Promise<number>((resolve) => {
    child.on("error", (err) => {
      process.stderr.write(`synthetic_load: cannot start ${command[0]}: ${err.message}\n`);
      resolve(2);
    });
    child.on("exit", (c, signal) => resolve(c ?? (signal === null ? 1 : 128)));
  });
  await load.stop();
  return code;
}

if (import.meta.url === `file://${process.argv[1]}`) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: Error) => {
      process.stderr.write(`synthetic_load: ${err.message}\n`);
      process.exit(2);
    },
  );
}
