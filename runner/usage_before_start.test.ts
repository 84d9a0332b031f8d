// Every usage error before any adapter starts, and no error path leaves one running (issue 21): with the
// registered Go adapter in the run, `--expected-failures MISSING` printed its error and then hung for good,
// because the list was read after the fleet had started, and the Go adapter (still checking whether its build
// was stale when the run ended) started after every process had been killed, holding the run open.
import { execFileSync, spawnSync } from "node:child_process";
import { existsSync } from "node:fs";
import { mkdir, mkdtemp, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { startFleet, planFleet } from "./adapter/fleet.js";
import { FAKE_ADAPTER, makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { REPO_ROOT, recordedPids, survivors } from "./fixtures/harness.js";

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

/**
 * A repository root whose registry holds one adapter like the Go one: a build whose staleness is checked
 * over many files (the Go adapter's `adapters/go/**\/*.go`), then a port that hangs. `built`: its output is
 * already there and newer than every input, so the run would go straight on to start it.
 */
async function rootWithHangingAdapter(pidDir: string, built: boolean): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "rsm-root-"));
  await mkdir(path.join(root, "adapters"), { recursive: true });
  await mkdir(path.join(root, "src", "deep"), { recursive: true });
  for (let i = 0; i < 2000; i++) await writeFile(path.join(root, "src", "deep", `f${i}.txt`), "source");
  const build = `require('fs').mkdirSync('out', { recursive: true }); require('fs').writeFileSync('out/port', 'built')`;
  const adapter = {
    name: "port",
    build: { cwd: ".", argv: ["node", "-e", build], inputs: ["src/**/*.txt"], output: "out/port" },
    run: { argv: ["node", FAKE_ADAPTER, "--replay", corpus.replay, "--mode", "hang", "--pid-dir", pidDir] },
  };
  await writeFile(path.join(root, "adapters", "registry.json"), JSON.stringify({ adapters: [adapter] }));
  if (built) {
    await mkdir(path.join(root, "out"));
    await writeFile(path.join(root, "out", "port"), "built");
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, "out", "port"), later, later);
  }
  return root;
}

/**
 * `rsm conformance ARGS` in `root`, in a child killed after a deadline (generous for a loaded machine: it only
 * keeps a regression from hanging the suite), and whatever it started killed after it.
 */
function conformanceIn(root: string, pidDir: string, args: string[]): { code: number | null; signal: NodeJS.Signals | null; stderr: string } {
  const script = `const { cli } = await import(${JSON.stringify(path.join(REPO_ROOT, "cli", "cli.ts"))}); await cli(process.argv.slice(1), ${JSON.stringify(root)});`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script, "conformance", ...args], { cwd: REPO_ROOT, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
  for (const pid of recordedPids(pidDir)) {
    try {
      process.kill(pid, "SIGKILL");
    } catch {
      // Gone.
    }
  }
  return { code: r.status, signal: r.signal, stderr: r.stderr };
}

describe("a usage error is found before any adapter starts", () => {
  for (const built of [true, false]) {
    it(`--expected-failures naming a missing file: exit 2 at once, the adapter (${built ? "built" : "stale"}) neither built nor started`, async () => {
      const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-pids-"));
      const root = await rootWithHangingAdapter(pidDir, built);
      const missing = path.join(root, "no-such-list.txt");
      const r = conformanceIn(root, pidDir, ["--vectors", corpus.vectors, "--expected-failures", missing]);
      expect(r.signal, "killed at the deadline: the run hung").toBeNull();
      expect(r.stderr).toBe(`--expected-failures ${missing}: cannot read: no such file or directory (ENOENT)\n`);
      expect(r.code).toBe(2);
      expect(recordedPids(pidDir)).toEqual([]);
      expect(existsSync(path.join(root, "out", "port"))).toBe(built);
    });
  }

  it("--expected-failures naming a FIFO: the same, and no wait for a writer", async () => {
    const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-pids-"));
    const root = await rootWithHangingAdapter(pidDir, true);
    const fifo = path.join(root, "list.txt");
    execFileSync("mkfifo", [fifo]);
    const r = conformanceIn(root, pidDir, ["--vectors", corpus.vectors, "--expected-failures", fifo]);
    expect(r.signal, "killed at the deadline: the run hung").toBeNull();
    expect(r.stderr).toBe(`--expected-failures ${fifo}: a FIFO (named pipe); expected a regular file\n`);
    expect(r.code).toBe(2);
    expect(recordedPids(pidDir)).toEqual([]);
  });

  it("a --filter that selects nothing, and an unknown --name: the same", async () => {
    const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-pids-"));
    const root = await rootWithHangingAdapter(pidDir, true);
    for (const args of [["--filter", "nothing-is-named-this"], ["--name", "a/frist"]]) {
      const r = conformanceIn(root, pidDir, ["--vectors", corpus.vectors, ...args]);
      expect(r.signal, "killed at the deadline: the run hung").toBeNull();
      expect(r.code, r.stderr).toBe(2);
    }
    expect(recordedPids(pidDir)).toEqual([]);
  });
});

describe("a fleet stopped before its adapters are ready", () => {
  for (const built of [false, true]) {
    it(`builds and starts nothing more, though the adapter (${built ? "built" : "stale"}) was still checking whether its build was stale`, async () => {
      const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-pids-"));
      const root = await rootWithHangingAdapter(pidDir, built);
      const targets = await planFleet(root, { adapters: [], execs: [] });
      const fleet = startFleet(root, targets, { adapters: [], execs: [], build: true, start: true, timeoutMs: 10_000, note: () => {} });
      // Stopped at once: the staleness check (file times, asynchronous) is under way.
      for (const a of fleet) a.stop();
      expect(await Promise.all(fleet.map((a) => a.ready))).toEqual([null]);
      expect(existsSync(path.join(root, "out", "port"))).toBe(built);
      expect(await survivors(pidDir)).toEqual([]);
      expect(recordedPids(pidDir)).toEqual([]);
    });
  }
});
