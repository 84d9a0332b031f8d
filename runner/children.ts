// Every process the runner starts (adapters and builds) is tracked here, so that nothing outlives the run:
// not on success, not on a crash of the runner, not on Ctrl-C. Children are spawned detached, each the
// leader of its own process group, so killing the group also kills whatever an adapter started itself.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";

/** How to start an adapter or a build step. */
export interface Launch {
  /** Run without a shell. "node" means the Node running the runner, so PATH cannot pick another. */
  readonly argv: readonly string[];
  readonly cwd: string;
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
  const child = spawn(executable(program!, launch.cwd), args, { cwd: launch.cwd, detached: true, stdio: [stdin, "pipe", "pipe"] });
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

export function killAll(): void {
  for (const child of live) killGroup(child);
}

export function liveCount(): number {
  return live.size;
}

/**
 * Until the returned function is called, SIGINT and SIGTERM kill every child and exit 130 or 143 (128 + the
 * signal number, what a shell reports), and a runner exiting for any other reason still kills them.
 */
export function guardChildren(stderr: (text: string) => void): () => void {
  const onSignal = (signal: NodeJS.Signals) => {
    killAll();
    stderr(`rsm: interrupted by ${signal}; every adapter was stopped\n`);
    process.exit(signal === "SIGINT" ? 130 : 143);
  };
  const onExit = () => killAll();
  process.on("SIGINT", onSignal);
  process.on("SIGTERM", onSignal);
  process.on("exit", onExit);
  return () => {
    process.off("SIGINT", onSignal);
    process.off("SIGTERM", onSignal);
    process.off("exit", onExit);
  };
}
