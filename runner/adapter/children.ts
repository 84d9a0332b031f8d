// Every process the runner starts (adapters and builds) is tracked here, so that nothing outlives the run:
// not on success, not on a crash of the runner, not on Ctrl-C. Children are spawned detached, each the
// leader of its own process group, so killing the group also kills whatever an adapter started itself.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";
import { onTermination, terminate } from "../../common/signals.js";

/** How to start an adapter or a build step. */
export interface Launch {
  /** Run without a shell. "node" means the Node running the runner, so PATH cannot pick another. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Variables set on top of the process's environment (the environment check's). */
  readonly env?: Readonly<Record<string, string>>;
  /** Write each request to stdin in odd-sized pieces (the environment check's). */
  readonly chunked?: boolean;
}

/**
 * The file to execute for argv[0] of a registry or --exec command: "node" is the Node running the runner (so
 * PATH cannot pick another), a path with "/" is relative to cwd, anything else is looked up on PATH.
 */
export function executable(program: string, cwd: string): string {
  return program === "node" ? process.execPath : program.includes("/") ? path.resolve(cwd, program) : program;
}

/**
 * Starts a tracked child as the leader of its own process group, stdin piped or ignored, stdout and stderr
 * piped, under `base` (an adapter's is runner/adapter/environment.ts's) with `launch.env` on top.
 */
export function spawnTracked(launch: Launch, stdin: "pipe" | "ignore", base: NodeJS.ProcessEnv = process.env): ChildProcess {
  const [program, ...args] = launch.argv;
  const cookie = `${process.pid}-${++spawned}-${Math.random().toString(36).slice(2)}`;
  const child = spawn(executable(program!, launch.cwd), args, { cwd: launch.cwd, detached: true, stdio: [stdin, "pipe", "pipe"], env: { ...base, ...launch.env, [COOKIE]: cookie } });
  cookies.set(child, cookie);
  track(child);
  return child;
}

const live = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  live.add(child);
  updateGuard();
  const gone = () => {
    live.delete(child);
    updateGuard();
  };
  child.once("exit", gone);
  // A child that could not be spawned (ENOENT) emits "error" and never "exit".
  child.once("error", () => {
    if (child.pid === undefined) gone();
  });
}

/** SIGKILL to the child's whole process group; harmless when it is already gone. */
export function killGroup(child: ChildProcess): void {
  if (child.pid === undefined) return;
  try {
    process.kill(-child.pid, "SIGKILL");
  } catch {
    // ESRCH: the group is gone already. EPERM cannot happen for our own children.
  }
}

/**
 * The environment variable that marks every process a child starts, whatever it does with its process
 * group: Jenkins' ProcessTreeKiller finds a build's escaped daemons the same way.
 */
const COOKIE = "RSM_PROCESS_COOKIE";
const cookies = new WeakMap<ChildProcess, string>();
let spawned = 0;

/**
 * SIGKILL to every process that carries the child's cookie in its environment: a daemon it started in a
 * session of its own (setsid) escapes the process group, and holding the child's stdout it would keep the
 * runner from exiting. Linux only (it reads /proc); elsewhere a no-op. A process that cleared its
 * environment is out of reach.
 */
export function killEscapees(child: ChildProcess): void {
  const cookie = cookies.get(child);
  if (process.platform !== "linux" || cookie === undefined) return;
  const mark = Buffer.from(`${COOKIE}=${cookie}\0`);
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/environ`).includes(mark)) process.kill(Number(pid), "SIGKILL");
    } catch {
      // Gone meanwhile, or not ours to read.
    }
  }
}

/**
 * Whether some thread of the child's process group is running or waiting for a CPU (state R in /proc): a
 * port that is computing, as against one blocked on a read or a lock. Null where there is no /proc.
 */
export function groupRunning(child: ChildProcess): boolean | null {
  if (process.platform !== "linux" || child.pid === undefined) return null;
  const state = (stat: string) => stat.slice(stat.lastIndexOf(")") + 2).split(" ");
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid)) continue;
    try {
      // The fields after the name: state, ppid, pgrp, ...
      if (Number(state(readFileSync(`/proc/${pid}/stat`, "utf8"))[2]) !== child.pid) continue;
      for (const task of readdirSync(`/proc/${pid}/task`)) if (state(readFileSync(`/proc/${pid}/task/${task}/stat`, "utf8"))[0] === "R") return true;
    } catch {
      // Gone meanwhile.
    }
  }
  return false;
}

export function killAll(): void {
  for (const child of live) killGroup(child);
}

export function liveCount(): number {
  return live.size;
}

/** How often the runner checks that the process that started it is still there. */
const PARENT_POLL_MS = 500;

/** Where the line saying why every adapter was stopped goes: the guarding command's stderr, else the process's. */
let say: (text: string) => void = (text) => process.stderr.write(text);
let guards = 0;
let lostParent = false;
/** Undoes the guard below; null while it is off. */
let unguard: (() => void) | null = null;

/**
 * The guard is on while a child lives or a command asked for it (guardChildren): a terminating signal
 * (SIGINT, SIGTERM, SIGHUP) kills every child's process group, says so, and ends the runner by that signal
 * (common/signals.ts); a runner exiting for any other reason still kills them; and so does losing the parent.
 *
 * The parent: a process learns nothing when its parent dies except that it is adopted (its ppid changes), so
 * that is polled. Linux could signal a child when its parent dies (prctl PR_SET_PDEATHSIG), but Node offers
 * no way to ask for it. A signal the parent receives and does not pass on is invisible to the child: npm runs
 * a script through `sh -c`, and dash neither passes npm's SIGINT on nor execs the command, so the runner's
 * parent was a shell that outlived npm. The npm scripts therefore `exec` the CLI: npm is then the runner's
 * parent, passes SIGINT and SIGTERM on itself, and its death (a SIGKILL, or a SIGTERM it does not pass on)
 * changes the runner's ppid, which the poll sees within PARENT_POLL_MS.
 */
function updateGuard(): void {
  const wanted = live.size > 0 || guards > 0;
  if (wanted && unguard === null) {
    const off = onTermination((signal) => {
      killAll();
      say(lostParent ? "rsm: the process that started the runner has gone; every adapter was stopped\n" : `rsm: interrupted by ${signal}; every adapter was stopped\n`);
    });
    const parent = process.ppid;
    const watch = setInterval(() => {
      if (process.ppid === parent) return;
      lostParent = true;
      terminate("SIGTERM");
    }, PARENT_POLL_MS).unref();
    process.on("exit", killAll);
    unguard = () => {
      off();
      clearInterval(watch);
      process.off("exit", killAll);
    };
  } else if (!wanted && unguard !== null) {
    unguard();
    unguard = null;
  }
}

/**
 * Holds the guard (updateGuard) on for a whole command, children or not yet, until the returned function is
 * called; the line saying why the adapters were stopped goes to `stderr`.
 */
export function guardChildren(stderr: (text: string) => void): () => void {
  const before = say;
  say = stderr;
  guards++;
  updateGuard();
  let released = false;
  return () => {
    if (released) return;
    released = true;
    guards--;
    say = before;
    updateGuard();
  };
}
