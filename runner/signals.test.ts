// Ctrl-C during a run: the runner kills every adapter process group and exits 130, leaving nothing behind.
import { spawn } from "node:child_process";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, expect, it } from "vitest";
import { makeCorpus, type TestCorpus } from "./fixtures/corpus.js";
import { REPO_ROOT, fakeExec, recordedPids, survivors } from "./fixtures/harness.js";

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

async function waitFor(check: () => boolean, ms: number): Promise<void> {
  const deadline = Date.now() + ms;
  while (!check()) {
    if (Date.now() > deadline) throw new Error("timed out waiting");
    await new Promise((r) => setTimeout(r, 50));
  }
}

for (const [signal, code] of [["SIGINT", 130], ["SIGTERM", 143]] as const) {
  it(`${signal} mid-run kills the hanging adapter and its child, exit ${code}`, async () => {
    const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-sig-"));
    const cli = spawn(
      process.execPath,
      ["--import", "tsx", "cli/cli.ts", "conformance", "--vectors", corpus.vectors, "--timeout", "60", "--exec", fakeExec(corpus, "--mode", "hang", "--pid-dir", pidDir)],
      { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "pipe"] },
    );
    let stderr = "";
    cli.stderr.on("data", (c: Buffer) => (stderr += c.toString()));
    const exited = new Promise<number | null>((resolve) => cli.once("exit", (c) => resolve(c)));
    // The adapter and the child it starts have both written their pid files: the run is under way.
    await waitFor(() => recordedPids(pidDir).length === 2, 15_000);
    cli.kill(signal);
    expect(await exited).toBe(code);
    expect(stderr).toContain(`interrupted by ${signal}`);
    expect(await survivors(pidDir)).toEqual([]);
  }, 30_000);
}

it("when its parent dies (npm killed by a CI cancel), the runner stops every adapter and exits", async () => {
  const pidDir = await mkdtemp(path.join(tmpdir(), "rsm-orphan-"));
  // A parent that starts the runner and then is killed without passing anything on, as npm does.
  const argv = ["--import", "tsx", "cli/cli.ts", "conformance", "--vectors", corpus.vectors, "--timeout", "60", "--exec", fakeExec(corpus, "--mode", "hang", "--pid-dir", pidDir)];
  const parentScript = `const c = require("node:child_process").spawn(process.execPath, ${JSON.stringify(argv)}, { stdio: "ignore" }); console.log(c.pid); setInterval(() => {}, 1000);`;
  const parent = spawn(process.execPath, ["-e", parentScript], { cwd: REPO_ROOT, stdio: ["ignore", "pipe", "inherit"] });
  const runnerPid = await new Promise<number>((resolve) => parent.stdout.once("data", (c: Buffer) => resolve(Number(c.toString().trim()))));
  await waitFor(() => recordedPids(pidDir).length === 2, 15_000);
  parent.kill("SIGKILL");
  const alive = (pid: number) => {
    try {
      process.kill(pid, 0);
      return true;
    } catch {
      return false;
    }
  };
  await waitFor(() => !alive(runnerPid), 10_000);
  expect(await survivors(pidDir)).toEqual([]);
}, 30_000);
