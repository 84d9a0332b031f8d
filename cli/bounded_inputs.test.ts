// Bounded inputs (issue 21): every file a command reads is a regular file within its limit, or one line
// naming it and exit 2. A FIFO hung `validate`, `--scenario`, `report` and `--expected-failures` (and SIGTERM
// with them); /dev/zero was read without end; a 600 MB scenario was "not UTF-8 at byte -1". Each command runs
// in a child process killed after a deadline, so that a regression fails the test instead of hanging it; the
// deadline is generous for a loaded machine and says nothing about speed.
import { execFileSync, spawn, spawnSync } from "node:child_process";
import { closeSync, existsSync, mkdtempSync, openSync, readFileSync, readdirSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { makeCorpus, type TestCorpus } from "../runner/fixtures/corpus.js";
import { fakeExec } from "../runner/fixtures/harness.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const DEADLINE_MS = 60_000;

interface Ran {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** One process: node with tsx, not the tsx wrapper, so the deadline's SIGKILL leaves no child of its own. */
function rsm(args: string[], options: { input?: string; stdin?: number } = {}): Ran {
  const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "cli.ts"), ...args], {
    cwd: ROOT,
    encoding: "utf8",
    timeout: DEADLINE_MS,
    killSignal: "SIGKILL",
    env: { ...process.env, GITHUB_STEP_SUMMARY: "", GITHUB_ACTIONS: "" },
    ...(options.stdin !== undefined ? { stdio: [options.stdin, "pipe", "pipe"] } : { input: options.input ?? "" }),
  });
  return { code: r.status, signal: r.signal, stdout: r.stdout, stderr: r.stderr };
}

/** Exit 2 and exactly one line on stderr: the refusal. */
function refused(r: Ran): string {
  expect(r.signal, `killed after ${DEADLINE_MS / 1000} s: it hung`).toBeNull();
  expect(r.code, r.stderr).toBe(2);
  expect(r.stderr).not.toMatch(/\n\s+at /);
  return r.stderr.trim();
}

let dir: string;
let fifo: string;
let corpus: TestCorpus;
beforeAll(async () => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rsm-inputs-"));
  fifo = path.join(dir, "fifo.json");
  execFileSync("mkfifo", [fifo]);
  corpus = await makeCorpus();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a device is refused, never read", () => {
  it("/dev/zero to validate, decode, --scenario, trace, golden-text and report", () => {
    expect(refused(rsm(["validate", "/dev/zero"])).split("\n")[0]).toMatch(/dev\/zero: a character device; expected a regular file$/);
    expect(refused(rsm(["decode", "/dev/zero"]))).toBe('decode: "/dev/zero": a character device; expected a regular file');
    expect(refused(rsm(["conformance", "--scenario", "/dev/zero", "--exec", fakeExec(corpus)]))).toMatch(/^--scenario .*dev\/zero: a character device; expected a regular file$/);
    expect(refused(rsm(["trace", "/dev/zero"]))).toBe("/dev/zero: a character device; expected a regular file");
    expect(refused(rsm(["golden-text", "/dev/zero"]))).toBe('golden-text: "/dev/zero": a character device; expected a regular file');
    expect(refused(rsm(["report", "merge", "/dev/zero"]))).toBe("/dev/zero: a character device; expected a regular file");
  });
});

describe("a FIFO is refused at once, never opened", () => {
  it("as a scenario: validate (the file, or in a folder), --scenario, trace", () => {
    expect(refused(rsm(["validate", fifo])).split("\n")[0]).toMatch(/fifo\.json: a FIFO \(named pipe\); expected a regular file$/);
    expect(refused(rsm(["validate", dir]))).toMatch(/fifo\.json: a FIFO \(named pipe\); expected a regular file$/);
    expect(refused(rsm(["conformance", "--scenario", fifo, "--exec", fakeExec(corpus)]))).toMatch(/^--scenario .*fifo\.json: a FIFO \(named pipe\); expected a regular file$/);
    expect(refused(rsm(["trace", fifo]))).toBe(`${fifo}: a FIFO (named pipe); expected a regular file`);
  });

  it("as a report: report merge, html and diff", () => {
    expect(refused(rsm(["report", "merge", fifo]))).toBe(`${fifo}: a FIFO (named pipe); expected a regular file`);
    expect(refused(rsm(["report", "html", fifo, "--out", path.join(dir, "html")]))).toBe(`${fifo}: a FIFO (named pipe); expected a regular file`);
    expect(refused(rsm(["report", "diff", fifo, fifo]))).toBe(`${fifo}: a FIFO (named pipe); expected a regular file`);
  });

  it("as --expected-failures and --update-expected-failures, before any adapter starts", () => {
    expect(refused(rsm(["conformance", "--vectors", corpus.vectors, "--expected-failures", fifo, "--exec", fakeExec(corpus)]))).toBe(
      `--expected-failures ${fifo}: a FIFO (named pipe); expected a regular file`,
    );
    expect(refused(rsm(["conformance", "--vectors", corpus.vectors, "--update-expected-failures", fifo, "--exec", fakeExec(corpus)]))).toBe(
      `--update-expected-failures ${fifo}: a FIFO (named pipe); expected a regular file`,
    );
  });

  it("as decode's file", () => {
    expect(refused(rsm(["decode", fifo]))).toBe(`decode: ${JSON.stringify(fifo)}: a FIFO (named pipe); expected a regular file`);
  });
});

describe("a file over its limit is refused with its size and the limit, before it is read", () => {
  it("--scenario of 600 MB (sparse: valid UTF-8, all NUL bytes) is over the limit, not 'not UTF-8 at byte -1'", () => {
    const big = path.join(dir, "big.json");
    writeFileSync(big, "");
    truncateSync(big, 600 * 1024 * 1024);
    try {
      expect(refused(rsm(["conformance", "--scenario", big, "--exec", fakeExec(corpus)]))).toMatch(
        /^--scenario .*big\.json: 629145600 bytes, over the limit of 268435456 bytes \(256 MiB\) for a scenario file$/,
      );
      expect(refused(rsm(["validate", big])).split("\n")[0]).toMatch(/big\.json: 629145600 bytes, over the limit of 268435456 bytes \(256 MiB\) for a scenario file$/);
    } finally {
      rmSync(big, { force: true });
    }
  });
});

describe("standard input, where a command means it (`-`)", () => {
  it("decode - reads it; a silent pipe still lets SIGTERM end the command at once", async () => {
    expect(rsm(["decode", "-"], { input: "524b5631\n" }).stdout).toContain('magic 524b5631 "RKV1"');
    // A pipe whose writer never writes nor closes: the read waits on the event loop, where SIGTERM is heard.
    const child = spawn(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "cli.ts"), "decode", "-"], { cwd: ROOT, stdio: ["pipe", "pipe", "pipe"] });
    const exited = new Promise<{ code: number | null; signal: NodeJS.Signals | null }>((resolve) => child.once("exit", (code, signal) => resolve({ code, signal })));
    let out = "";
    child.stdout.on("data", (c: Buffer) => (out += c.toString()));
    // Give it time to reach the read (it prints nothing before); the signal then ends it wherever it is.
    await new Promise((r) => setTimeout(r, 2000));
    child.kill("SIGTERM");
    const guard = setTimeout(() => child.kill("SIGKILL"), DEADLINE_MS);
    const exit = await exited;
    clearTimeout(guard);
    expect(exit.signal === "SIGTERM" || exit.code === 143, `ended by ${exit.signal ?? exit.code}`).toBe(true);
    expect(out).toBe("");
  });

  it("report html - needs --out; /dev/stdin, a link, is refused a default folder beside it", () => {
    const report = path.join(dir, "report.json");
    const r = rsm(["conformance", "--vectors", corpus.vectors, "--exec", fakeExec(corpus), "--reporter", "json", "--out", report]);
    expect(r.code, r.stderr).toBe(0);
    expect(refused(rsm(["report", "html", "-"], { input: "{}" }))).toBe("rsm: report html -: expected --out DIR; a report read from standard input has no folder to put the page beside");
    const out = path.join(dir, "from-stdin");
    expect(rsm(["report", "html", "-", "--out", out], { input: readFileSync(report, "utf8") }).code).toBe(0);
    expect(readdirSync(out)).toContain("index.html");
    // /dev/stdin is a link to whatever stdin is, here a regular file: read, but no /dev/stdin-html is made.
    const hadBefore = existsSync("/dev/stdin-html");
    const fd = openSync(report, "r");
    try {
      expect(refused(rsm(["report", "html", "/dev/stdin"], { stdin: fd }))).toMatch(/^rsm: report html \/dev\/stdin: expected --out DIR; \/dev\/stdin is not a regular file/);
    } finally {
      closeSync(fd);
      if (!hadBefore) rmSync("/dev/stdin-html", { recursive: true, force: true });
    }
    expect(hadBefore || !existsSync("/dev/stdin-html")).toBe(true);
    // The same for a link of our own, where a regression would write beside it.
    const link = path.join(dir, "link.json");
    symlinkSync(report, link);
    expect(refused(rsm(["report", "html", link]))).toMatch(/expected --out DIR/);
    expect(existsSync(path.join(dir, "link-html"))).toBe(false);
  });
});

describe("default output paths never land beside a device", () => {
  it("--reporter json --out to a link to /dev/null writes no .bin files beside it, and says so", () => {
    const link = path.join(dir, "null.json");
    symlinkSync("/dev/null", link);
    const r = rsm(["conformance", "--vectors", corpus.vectors, "--exec", fakeExec(corpus, "--mode", "wrong-byte", "--on", "b/third"), "--reporter", "json", "--out", link]);
    expect(r.code, r.stderr).toBe(1);
    expect(r.stderr).toContain(`rsm: no .bin files written: --out ${link} is not a regular file`);
    expect(existsSync(path.join(dir, "null.bins"))).toBe(false);
  });
});
