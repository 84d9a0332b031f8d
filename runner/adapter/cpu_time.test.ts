// The CPU time of an adapter's process tree: parsed from recorded /proc lines, and read from a real tree of
// processes that use a known least amount of CPU (so nothing here depends on how fast the machine is).
import { spawn } from "node:child_process";
import { describe, expect, it } from "vitest";
import { CPU_TIME_AVAILABLE, cpuTimeMs, parseStat, treeTicks } from "./cpu_time.js";

// A recorded line, its command name holding a space and a parenthesis, as a program may name itself.
const LINE = "4242 (my (odd) name) S 4000 4242 31374 0 -1 4194304 100 0 0 0 150 25 7 3 20 0 1 0 1135041 3133440 383 18446744073709551615";

describe("parseStat", () => {
  it("counts fields from the last parenthesis, whatever the command name holds", () => {
    expect(parseStat(LINE)).toEqual({ pid: 4242, ppid: 4000, ticks: 150 + 25 + 7 + 3 });
  });
  it("refuses a line that is not one", () => {
    expect(parseStat("")).toBeNull();
    expect(parseStat("4242 (cut")).toBeNull();
  });
});

describe("treeTicks", () => {
  const stats = [
    { pid: 1, ppid: 0, ticks: 1000 },
    { pid: 10, ppid: 1, ticks: 5 },
    { pid: 11, ppid: 10, ticks: 7 },
    { pid: 12, ppid: 11, ticks: 11 },
    { pid: 20, ppid: 1, ticks: 100 },
  ];
  it("sums a process and all its descendants, and nothing else", () => {
    expect(treeTicks(10, stats)).toBe(5 + 7 + 11);
    expect(treeTicks(12, stats)).toBe(11);
  });
  it("gives null for a process that is gone", () => {
    expect(treeTicks(99, stats)).toBeNull();
  });
});

describe.runIf(CPU_TIME_AVAILABLE)("cpuTimeMs on a live process tree", () => {
  // A grandchild that spins until it has used 300 ms of CPU, says so, and lives on idle; its parent, a shell,
  // waits for it. Its time counts while it lives (a descendant) and after (reaped: the shell's cutime).
  const SPIN = "const t=process.cpuUsage();while(process.cpuUsage(t).user<300000);console.log('spun');setTimeout(()=>{},1500)";
  it("counts the CPU of descendants, live and reaped", async () => {
    const child = spawn("sh", ["-c", `"${process.execPath}" -e "${SPIN}"; sleep 30`], { stdio: ["ignore", "pipe", "ignore"] });
    try {
      await new Promise<void>((resolve) => child.stdout.on("data", (d: Buffer) => d.toString().includes("spun") && resolve()));
      expect(cpuTimeMs(child.pid!)).toBeGreaterThanOrEqual(280);
      // Once the grandchild has exited, its time is in the shell's count of reaped children.
      await new Promise((r) => setTimeout(r, 2500));
      expect(cpuTimeMs(child.pid!)).toBeGreaterThanOrEqual(280);
    } finally {
      child.kill("SIGKILL");
    }
  }, 60_000);

  it("gives null for a pid that is not running", () => {
    expect(cpuTimeMs(2 ** 22 + 1)).toBeNull();
  });
});
