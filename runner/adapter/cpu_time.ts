// The CPU time an adapter has used, user + system, over its whole process tree: what the scale check
// (R-PROTO-12) judges growth by, since unlike wall time it does not stretch when other work shares the
// machine. Read from /proc (Linux); elsewhere there is none, and the caller falls back to wall time.
import { execFileSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";

/** One process's line of /proc/PID/stat, the fields this module needs. */
export interface ProcStat {
  readonly pid: number;
  readonly ppid: number;
  /** utime + stime + cutime + cstime, in clock ticks: its own time and that of the children it has reaped. */
  readonly ticks: number;
}

/**
 * Parses /proc/PID/stat (proc(5)). The command name (field 2) is in parentheses and may itself hold spaces
 * and parentheses, so the fields are counted from the last ")".
 */
export function parseStat(text: string): ProcStat | null {
  const close = text.lastIndexOf(")");
  const pid = Number.parseInt(text, 10);
  if (close === -1 || !Number.isInteger(pid)) return null;
  // After ")": state (field 3), ppid (4), ... utime (14), stime (15), cutime (16), cstime (17).
  const f = text.slice(close + 1).trim().split(/\s+/);
  const field = (n: number) => Number(f[n - 3]);
  const ticks = field(14) + field(15) + field(16) + field(17);
  if (!Number.isFinite(ticks) || !Number.isInteger(field(4))) return null;
  return { pid, ppid: field(4), ticks };
}

/**
 * The tree's ticks: the root and every live descendant, each with the children it has reaped (so a child
 * that exits between two readings moves from its own count to its parent's, and the sum stays whole). A
 * descendant orphaned to init is out of the tree and its time lost: the price of not tracing every fork.
 */
export function treeTicks(root: number, stats: readonly ProcStat[]): number | null {
  const byParent = new Map<number, ProcStat[]>();
  let top: ProcStat | undefined;
  for (const s of stats) {
    if (s.pid === root) top = s;
    const siblings = byParent.get(s.ppid);
    if (siblings === undefined) byParent.set(s.ppid, [s]);
    else siblings.push(s);
  }
  if (top === undefined) return null;
  let ticks = 0;
  const todo = [top];
  const seen = new Set<number>();
  for (let s = todo.pop(); s !== undefined; s = todo.pop()) {
    if (seen.has(s.pid)) continue; // pid reuse between reads could make a loop
    seen.add(s.pid);
    ticks += s.ticks;
    todo.push(...(byParent.get(s.pid) ?? []));
  }
  return ticks;
}

let tickMs: number | null = null;
/** Milliseconds per clock tick (USER_HZ, 100 on every Linux in use; asked once in case one differs). */
function msPerTick(): number {
  if (tickMs === null) {
    let hz = 100;
    try {
      const asked = Number(execFileSync("getconf", ["CLK_TCK"], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim());
      if (Number.isInteger(asked) && asked > 0) hz = asked;
    } catch {
      // No getconf: the Linux value.
    }
    tickMs = 1000 / hz;
  }
  return tickMs;
}

function readStats(): ProcStat[] {
  const stats: ProcStat[] = [];
  for (const name of readdirSync("/proc")) {
    if (!/^\d+$/.test(name)) continue;
    try {
      const s = parseStat(readFileSync(`/proc/${name}/stat`, "latin1"));
      if (s !== null) stats.push(s);
    } catch {
      // Gone between the listing and the read.
    }
  }
  return stats;
}

/** Whether this system offers per-process CPU times (Linux's /proc). */
export const CPU_TIME_AVAILABLE: boolean = (() => {
  try {
    return parseStat(readFileSync(`/proc/${process.pid}/stat`, "latin1")) !== null;
  } catch {
    return false;
  }
})();

/**
 * CPU time in ms used so far by `pid` and its descendants, or null: no /proc, or the process is gone. The
 * difference of two readings around a request is that request's cost to the adapter, as long as it does
 * nothing between requests.
 */
export function cpuTimeMs(pid: number): number | null {
  if (!CPU_TIME_AVAILABLE || pid <= 0) return null;
  const ticks = treeTicks(pid, readStats());
  return ticks === null ? null : ticks * msPerTick();
}
