// Ctrl-C, SIGTERM or SIGHUP during a run, to the runner or to the npm that started it, or the loss of its
// parent: the runner kills every adapter process group and ends, leaving nothing behind.
import { spawn, spawnSync } from "node:child_process";
import { readFileSync, readdirSync } from "node:fs";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { REPO_ROOT, fakeExec, isAlive, recordedPids, survivors } from "./fixtures/harness.js";

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

/** Polls `check`; `ms` is about a hang, not speed (a CLI started through tsx takes seconds on a busy machine). */
async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** 128 + the signal's number, what a shell shows for a process the signal ended. */
const SHELL_CODE = { SIGHUP: 129, SIGINT: 130, SIGTERM: 143 } as const;

/**
 * The runner ends by the signal itself (common/signals.ts); a shell shows that as 128 + its number, which an
 * exit with that code would also give, so either is accepted.
 */
function endedBy(exit: { code: number | null; signal: NodeJS.Signals | null }, signal: keyof typeof SHELL_CODE): boolean {
  return exit.signal === signal || exit.code === SHELL_CODE[signal];
}

for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"] as const) {
  it(`${signal} mid-run kills the hanging adapter and its child, and ends the runner by ${signal} (a shell shows ${SHELL_CODE[signal]})`, async () => {
    const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-sig-"));
    const cli = spawn(
      process.execPath,
      ["--import", "tsx", "cli/cli.ts", "conformance", "--vectors", corpus.vectors, "--timeout", "60", "--exec", fakeExec(corpus, "--mode", "hang", "--pid-dir", pidDir)],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    cli.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => cli.once("exit", (code, sig) => resolve({ code, signal: sig })));
    // The adapter and the child it starts have both written their pid files: the run is under way.
    await waitFor(() => recordedPids(pidDir).length >= 2, 120_000);
    cli.kill(signal);
    expect(endedBy(await exited, signal)).toBe(true);
    expect(stderr).toContain(`interrupted by ${signal}`);
    expect(await survivors(pidDir)).toEqual([]);
  });
}

it("when its parent dies (npm killed by a CI cancel), the runner stops every adapter and exits", async () => {
  const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-orphan-"));
  // A parent that starts the runner and then is killed without passing anything on, as npm does.
  const argv = ["--import", "tsx", "cli/cli.ts", "conformance", "--vectors", corpus.vectors, "--timeout", "60", "--exec", fakeExec(corpus, "--mode", "hang", "--pid-dir", pidDir)];
  const parentScript = `const c = require("node:child_process").spawn(process.execPath, ${JSON.stringify(argv)}, { stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ["-e", parentScript], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const runnerPid = await new Promise<number>((resolve) => parent.stdout.once("data", (c: Buffer) => resolve(Number(c.toString().trim()))));
  await waitFor(() => recordedPids(pidDir).length >= 2, 120_000);
  parent.kill("SIGKILL");
  await waitFor(() => !isAlive(runnerPid), 60_000);
  expect(await survivors(pidDir)).toEqual([]);
});

/** The pids of the processes whose command line mentions `marker` (Linux: /proc), this test's own aside. */
function mentioning(marker: string): number[] {
  const pids: number[] = [];
  for (const pid of readdirSync("/proc")) {
    if (!/^\d+$/.test(pid) || Number(pid) === process.pid) continue;
    try {
      if (readFileSync(`/proc/${pid}/cmdline`, "utf8").includes(marker) && isAlive(Number(pid))) pids.push(Number(pid));
    } catch {
      // Gone meanwhile.
    }
  }
  return pids;
}

// npm runs a script through `sh -c`; the scripts `exec` the CLI so that npm is the runner's parent (see
// runner/adapter/children.ts): a SIGINT or SIGTERM npm passes on reaches the runner, and npm's death is seen.
describe.skipIf(process.platform !== "linux" || spawnSync("npm", ["--version"]).status !== 0)("under npm run conformance", () => {
  for (const signal of ["SIGINT", "SIGTERM", "SIGKILL"] as const) {
    it(`${signal} to npm alone ends the runner and every adapter`, async () => {
      const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-npm-"));
      const npm = spawn("npm", ["run", "--silent", "conformance", "--", "--vectors", corpus.vectors, "--timeout", "60", "--exec", fakeExec(corpus, "--mode", "hang", "--pid-dir", pidDir)], {
        cwd: REPO_ROOT,
        stdio: "ignore",
      });
      const npmExited = new Promise<void>((resolve) => npm.once("exit", () => resolve()));
      try {
        // The adapter and its child have started: the runner is mid-run.
        await waitFor(() => recordedPids(pidDir).length >= 2, 120_000);
        expect(mentioning(pidDir).length).toBeGreaterThan(2);
        npm.kill(signal);
        await Promise.race([npmExited, new Promise((resolve) => setTimeout(resolve, 60_000))]);
        // The runner's command line names pidDir (in --exec), as the adapters' do: none may be left.
        await waitFor(() => mentioning(pidDir).length === 0, 60_000);
        expect(await survivors(pidDir)).toEqual([]);
      } finally {
        // Should the runner have run on, this test's processes (npm, its shell, the runner, the adapters) go.
        for (const pid of [npm.pid!, ...mentioning(pidDir), ...recordedPids(pidDir)]) {
          try {
            process.kill(pid, "SIGKILL");
          } catch {
            // Gone already.
          }
        }
      }
    });
  }
});
