// The stage runner of `npm test`, driven with fake stages (small node one-liners), never the real slow ones.
import { spawn, spawnSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { isAlive } from "../runner/fixtures/harness.js";
import { duration, STAGES, type Stage } from "./test_stages.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const node = (code: string): string[] => [process.execPath, "-e", code];

/** The script of a child process that runs `stages` through the runner's main, as `npm test` does. */
function script(stages: readonly Stage[]): string {
  return `const { main } = await import(${JSON.stringify(path.join(ROOT, "scripts", "test_stages.ts"))});
await main(${JSON.stringify(stages)});`;
}

const argv = (stages: readonly Stage[]) => ["--import", "tsx", "--input-type=module", "-e", script(stages)];

/** Runs the stages in a child; the deadline only keeps a regression from hanging the suite. */
function runStages(stages: readonly Stage[]) {
  return spawnSync(process.execPath, argv(stages), { cwd: ROOT, encoding: "utf8", timeout: 120_000, killSignal: "SIGKILL" });
}

describe("npm test's stages", () => {
  it("runs every stage in order, streams each one's output between its start and end lines, and exits 0 when all pass", () => {
    const r = runStages([
      { name: "one", argv: node("console.log('output of one')") },
      { name: "two", argv: node("console.error('stderr of two'); console.log('output of two')"), needs: ["one"] },
    ]);
    expect(r.stderr).toBe("stderr of two\n");
    const lines = r.stdout.split("\n");
    const at = (re: RegExp) => lines.findIndex((l) => re.test(l));
    expect(at(/^== one: .* -e /)).toBe(0);
    expect(lines[1]).toBe("output of one");
    expect(lines[2]).toMatch(/^== one: passed in \d+\.\d s$/);
    expect(at(/^output of two$/)).toBeGreaterThan(at(/^== two: /));
    expect(r.stdout).toMatch(/\nnpm test OK: 2 passed, 0 FAILED, 0 skipped in [\d.]+ s\n {2}passed {3}one {2}\d+\.\d s\n {2}passed {3}two {2}\d+\.\d s\n$/);
    expect(r.status).toBe(0);
  });

  it("goes on after a failure, skips only the stages that need the failed one (and theirs), names why, and exits 1", () => {
    const r = runStages([
      { name: "lint", argv: node("process.exit(3)") },
      { name: "build", argv: node("process.kill(process.pid, 'SIGKILL')") },
      { name: "test:a", argv: node("console.log('a ran')") },
      { name: "test:b", argv: node("console.log('b ran')"), needs: ["build"] },
      { name: "conformance", argv: node(""), needs: ["test:b"] },
      { name: "missing", argv: ["/nonexistent/rsm-no-such-tool"] },
    ]);
    expect(r.stdout).toContain("== lint: FAILED (exit 3) in ");
    expect(r.stdout).toContain("== build: FAILED (ended by SIGKILL) in ");
    expect(r.stdout).toContain("a ran");
    expect(r.stdout).not.toContain("b ran");
    const summary = r.stdout.slice(r.stdout.indexOf("\nnpm test "));
    expect(summary.split("\n").slice(1, -1).map((l) => l.replace(/\d+\.\d s/, "T"))).toEqual([
      "npm test FAILED: 1 passed, 3 FAILED, 2 skipped in T",
      "  FAILED   lint         T (exit 3)",
      "  FAILED   build        T (ended by SIGKILL)",
      "  passed   test:a       T",
      "  skipped  test:b       needs build, which failed",
      "  skipped  conformance  needs test:b, which was skipped",
      "  FAILED   missing      T (could not start /nonexistent/rsm-no-such-tool: spawn /nonexistent/rsm-no-such-tool ENOENT)",
    ]);
    expect(r.status).toBe(1);
  });

  describe("on a signal", () => {
    let dir: string;
    beforeEach(() => void (dir = mkdtempSync(path.join(os.tmpdir(), "rsm-stages-"))));
    afterEach(() => rmSync(dir, { recursive: true, force: true }));

    for (const signal of ["SIGINT", "SIGTERM"] as const) {
      it(`${signal} stops the stage under way (its child too), runs no other, prints the summary and ends by ${signal}`, async () => {
        const pids = path.join(dir, "pids");
        // The stage starts a child of its own and both wait forever: the signal must reach the whole group.
        const forever = `const { spawn } = require("node:child_process"); const fs = require("node:fs");
const c = spawn(process.execPath, ["-e", "setInterval(() => {}, 1000)"], { stdio: "ignore" });
fs.writeFileSync(${JSON.stringify(pids)}, process.pid + " " + c.pid); setInterval(() => {}, 1000);`;
        const stages: Stage[] = [
          { name: "first", argv: node("") },
          { name: "stuck", argv: node(forever) },
          { name: "after", argv: node("console.log('after ran')") },
        ];
        const child = spawn(process.execPath, argv(stages), { cwd: ROOT, stdio: ["ignore", "pipe", "pipe"] });
        let stdout = "";
        child.stdout.on("data", (d: Buffer) => (stdout += d.toString()));
        const ended = new Promise<NodeJS.Signals | number | null>((resolve) => child.once("exit", (code, sig) => resolve(sig ?? code)));
        try {
          // Generous waits, for a loaded machine: they only keep a regression from hanging the suite.
          const deadline = Date.now() + 60_000;
          while (!existsSync(pids) || readFileSync(pids, "utf8").split(" ").length < 2) {
            if (Date.now() > deadline) throw new Error("the stuck stage never started");
            await new Promise((r) => setTimeout(r, 50));
          }
          child.kill(signal);
          expect(await ended).toBe(signal);
          const stagePids = readFileSync(pids, "utf8").split(" ").map(Number);
          await expect.poll(() => stagePids.filter(isAlive), { timeout: 30_000 }).toEqual([]);
          expect(stdout).not.toContain("after ran");
          expect(stdout).toMatch(new RegExp(`== stuck: stopped \\(ended by ${signal}\\) in `));
          expect(stdout).toContain(`== after: skipped (the run was stopped by ${signal})`);
          expect(stdout).toMatch(new RegExp(`\\nnpm test stopped by ${signal}: 1 passed, 0 FAILED, 1 skipped, 1 stopped in `));
        } finally {
          child.kill("SIGKILL");
          if (existsSync(pids)) for (const pid of readFileSync(pids, "utf8").split(" ").map(Number)) if (isAlive(pid)) process.kill(pid, "SIGKILL");
        }
      });
    }
  });

  it("names npm scripts that exist, in the order the old && chain ran them, and is what npm test runs", () => {
    const pkg = JSON.parse(readFileSync(path.join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> };
    expect(STAGES.map((s) => s.name)).toEqual(["lint", "build-adapters", "test:ts", "test:rust", "test:go", "test:cpp", "test:cpp-asan", "conformance"]);
    for (const s of STAGES) {
      expect(s.argv).toEqual(["npm", "run", s.name]);
      expect(pkg.scripts[s.name], s.name).toBeDefined();
      for (const n of s.needs ?? []) expect(STAGES.findIndex((t) => t.name === n)).toBeLessThan(STAGES.indexOf(s));
    }
    expect(pkg.scripts.test).toBe("exec node --import tsx scripts/test_stages.ts");
  });

  it("says durations as a person reads them", () => {
    expect([duration(0), duration(8249), duration(59_949), duration(60_000), duration(1_183_000)]).toEqual(["0.0 s", "8.2 s", "59.9 s", "1 min 00 s", "19 min 43 s"]);
  });
});
