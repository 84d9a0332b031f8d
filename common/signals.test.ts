// A terminating signal ends the process after its cleanups, whatever its threads are doing: a thread of
// Node's pool blocked in open() of a FIFO kept a process that exited with process.exit() alive for good.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("terminate on a signal", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
    it(`${signal}: the cleanups run, then the process ends by ${signal}, though a read blocks a thread of the pool`, () => {
      const dir = mkdtempSync(path.join(os.tmpdir(), "rsm-signals-"));
      try {
        const fifo = path.join(dir, "fifo");
        execFileSync("mkfifo", [fifo]);
        const marker = path.join(dir, "cleaned");
        // Opening the FIFO (no writer ever comes) blocks a thread of the pool; the signal comes once the
        // open is under way.
        const script = `import { readFile } from "node:fs/promises";
import { writeFileSync } from "node:fs";
const { onTermination } = await import(${JSON.stringify(path.join(ROOT, "common", "signals.ts"))});
onTermination(() => writeFileSync(${JSON.stringify(marker)}, "done"));
void readFile(${JSON.stringify(fifo)});
setTimeout(() => process.kill(process.pid, ${JSON.stringify(signal)}), 200);
setInterval(() => {}, 1000);`;
        // The deadline only keeps a regression from hanging the suite; it is generous for a loaded machine.
        const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
        expect(r.stderr).toBe("");
        expect(r.signal).toBe(signal);
        expect(existsSync(marker)).toBe(true);
      } finally {
        rmSync(dir, { recursive: true, force: true });
      }
    });
  }
});
