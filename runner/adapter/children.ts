// Every process the runner starts (adapters and builds) is tracked here, so that nothing outlives the run:
// not on success, not on a crash of the runner, not on Ctrl-C. Children are spawned detached, each the
// leader of its own process group, so killing the group also kills whatever an adapter started itself.
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import path from "node:path";

/** How to start an adapter or a build step. */
export interface Launch {
  /** Run without a shell. "node" means the Node running the runner, so PATH cannot pick another. */
  readonly argv: readonly string[];
  readonly cwd: string;
  /** Variables set on top of the runner's environment (the environment check's). */
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

/** Starts a tracked child as the leader of its own process group, stdin piped or ignored, stdout and stderr piped. */
export function spawnTracked(launch: Launch, stdin: "pipe" | "ignore"): ChildProcess {
  const [program, ...args] = launch.argv;
  const cookie = `${process.pid}-${++spawned}-${Math.random().toString(36).slice(2)}`;
  const child = spawn(executable(program!, launch.cwd), args, { cwd: launch.cwd, detached: true, stdio: [stdin, "pipe", "pipe"], env: { ...process.env, ...launch.env, [COOKIE]: cookie } });
  cookies.set(child, cookie);
  track(child);
  return child;
}

const live = new Set<ChildProcess>();

export function track(child: ChildProcess): void {
  live.add(child);
  child.once("exit", () => live.delete(child));
  // A child that could not be spawned (ENOENT) emits "error" and never "exit".
  child.once("error", () => {
    if (child.pid === undefined) live.delete(child);
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

export function killAll(): void {
  for (const child of live) killGroup(child);
}

export function liveCount(): number {
  return live.size;
}

/** How often the runner checks that the process that started it is still there. */
const PARENT_POLL_MS = 500;

/**
 * Until the returned function is called, SIGINT and SIGTERM kill every child and exit 130 or 143 (128 + the
 * signal number, what a shell reports), and a runner exiting for any other reason still kills them. So does
 * losing the parent: a CI cancel sends SIGTERM to npm, which exits without passing it on, and the runner
 * would otherwise run on, orphaned, to the end.
 */
export function guardChildren(stderr: (text: string) => void): () => void {
  const stop = (why: string, code: number) => {
    killAll();
    stderr(`rsm: ${why}; every adapter was stopped\n`);
    process.exit(code);
  };
  const onSignal = (signal: NodeJS.Signals) => stop(`interrupted by ${signal}`, signal === "SIGINT" ? 130 : 143);
  const onExit = () => killAll();
  const parent = process.ppid;
  const watch = setInterval(() => {
    if (process.ppid !== parent) stop("the process that started the runner has gone", 143);
  }, PARENT_POLL_MS).unref();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", onExit);
  return () => {
    clearInterval(watch);
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", onExit);
  };
}
