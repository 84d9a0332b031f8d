// The one reader of input files: a regular file within its limit is read whole; anything else is one line
// naming it, and nothing that could block (a FIFO, a device) is ever opened.
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtempSync, rmSync, symlinkSync, truncateSync, writeFileSync } from "node:fs";
import { appendFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { FileRefused, isPlainFile, readInputFile, readInputFileSync, readInputText, type FileLimit } from "./read_file.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const SMALL: FileLimit = { bytes: 100, what: "a test file" };

let dir: string;
beforeAll(() => {
  dir = mkdtempSync(path.join(os.tmpdir(), "rsm-read-"));
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/**
 * Runs `body` (with `m`, this module) in a child process and returns the lines it prints. A deadline, generous
 * for a loaded machine, kills the child should a regression make it hang; the lines then say so.
 */
function inChild(body: string, input = ""): string[] {
  const script = `const m = await import(${JSON.stringify(path.join(ROOT, "common", "read_file.ts"))});\n${body}`;
  const r = spawnSync(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], { cwd: ROOT, input, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
  return r.signal === "SIGKILL" ? [`killed after 60 s: ${r.stdout}`] : r.stdout.trim().split("\n");
}

/** The one line a refusal says, or "read N bytes". */
async function outcome(read: () => Promise<Buffer> | Buffer): Promise<string> {
  try {
    return `read ${(await read()).length} bytes`;
  } catch (err) {
    expect(err).toBeInstanceOf(FileRefused);
    return (err as FileRefused).message;
  }
}

describe("readInputFile and readInputFileSync", () => {
  it("read a regular file whole, within the limit, the limit itself included", async () => {
    const file = path.join(dir, "ok.json");
    writeFileSync(file, "x".repeat(100));
    expect(await readInputText(file, SMALL)).toBe("x".repeat(100));
    expect(readInputFileSync(file, SMALL).toString()).toBe("x".repeat(100));
  });

  it("refuse a file over the limit before reading it, with its size and the limit", async () => {
    const file = path.join(dir, "big.json");
    writeFileSync(file, "x".repeat(101));
    const line = `${file}: 101 bytes, over the limit of 100 bytes (0 MiB) for a test file`;
    expect(await outcome(() => readInputFile(file, SMALL))).toBe(line);
    expect(await outcome(() => readInputFileSync(file, SMALL))).toBe(line);
    // A sparse file far past it costs nothing to refuse.
    const huge = path.join(dir, "huge.json");
    writeFileSync(huge, "");
    truncateSync(huge, 600 * 1024 * 1024);
    expect(await outcome(() => readInputFile(huge, { bytes: 256 * 1024 * 1024, what: "a scenario file" }))).toBe(
      `${huge}: 629145600 bytes, over the limit of 268435456 bytes (256 MiB) for a scenario file`,
    );
  });

  it("stop a file that grows past the limit while it is read (a file whose size says nothing: /proc)", async () => {
    // /proc/self/status has size 0 in stat, and some 1.5 KB of text.
    expect(await outcome(() => readInputFile("/proc/self/status", { bytes: 64, what: "a test file" }))).toBe(
      "/proc/self/status: more than 64 bytes, over the limit of 64 bytes (0 MiB) for a test file",
    );
    expect((await readInputText("/proc/self/status", { bytes: 1 << 20, what: "a test file" })).startsWith("Name:")).toBe(true);
  });

  it("refuse a FIFO, a device, a directory and a link to a FIFO without opening them, naming what each is", () => {
    const fifo = path.join(dir, "pipe.json");
    execFileSync("mkfifo", [fifo]);
    const link = path.join(dir, "link.json");
    symlinkSync(fifo, link);
    const cases: [string, string][] = [
      [fifo, "a FIFO (named pipe)"],
      [link, "a FIFO (named pipe)"],
      ["/dev/zero", "a character device"],
      [dir, "a directory"],
    ];
    // In a child that is killed if it hangs: opened, a FIFO would block for good (the synchronous read, the
    // whole test worker with it), and /dev/zero would never end.
    const lines = inChild(`for (const file of ${JSON.stringify(cases.map((c) => c[0]))}) {
  for (const read of [() => m.readInputFile(file, { bytes: 100, what: "a test file" }), async () => m.readInputFileSync(file, { bytes: 100, what: "a test file" })]) {
    await read().then((b) => console.log("read " + b.length), (e) => console.log(e.message));
  }
}`);
    expect(lines).toEqual(cases.flatMap(([file, kind]) => [`${file}: ${kind}; expected a regular file`, `${file}: ${kind}; expected a regular file`]));
  });

  it("name the errno of a file that cannot be read, and the label the caller gives", async () => {
    const missing = path.join(dir, "nope.json");
    const err = await readInputFile(missing, SMALL, { label: `--expected-failures ${missing}` }).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(FileRefused);
    expect((err as FileRefused).code).toBe("ENOENT");
    expect((err as FileRefused).lines).toEqual([`--expected-failures ${missing}: cannot read: no such file or directory (ENOENT)`]);
  });

  it("read `-` as standard input only where the caller means it, bounded", () => {
    const run = (limit: number, stdin: boolean) =>
      inChild(`await m.readInputFile("-", { bytes: ${limit}, what: "stdin" }, { stdin: ${stdin} }).then((b) => console.log("read " + b.length), (e) => console.log(e.message));`, "x".repeat(5000));
    expect(run(10_000, true)).toEqual(["read 5000"]);
    expect(run(100, true)[0]).toMatch(/^-: more than 100 bytes, over the limit of 100 bytes/);
    // Without the caller's consent `-` is a file name like any other.
    expect(run(10_000, false)).toEqual(["-: cannot read: no such file or directory (ENOENT)"]);
  });

  it("a file appended to meanwhile is read as far as it goes, within the limit", async () => {
    const file = path.join(dir, "grow.json");
    writeFileSync(file, "abc");
    await appendFile(file, "def");
    expect(await readInputText(file, SMALL)).toBe("abcdef");
  });
});

describe("isPlainFile", () => {
  it("is true only for a regular file itself: not a link to one (/dev/stdin), a device or nothing", () => {
    const file = path.join(dir, "plain.json");
    writeFileSync(file, "{}");
    const link = path.join(dir, "plain-link.json");
    symlinkSync(file, link);
    expect([file, link, "/dev/null", path.join(dir, "none.json"), dir].map(isPlainFile)).toEqual([true, false, false, false, false]);
  });
});
