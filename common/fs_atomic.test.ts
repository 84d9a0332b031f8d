import { spawnSync } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync, writeFileSync } from "node:fs";
import os from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { makeDirectories, removeStaleTemporaries, temporaryName, writeFileAtomic } from "./fs_atomic.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const TSX = path.join(ROOT, "node_modules", ".bin", "tsx");

describe("writeFileAtomic's temporaries", () => {
  it("carry the pid and a random part, so processes with the same pid cannot collide", () => {
    const a = temporaryName("/x/g.json");
    const b = temporaryName("/x/g.json");
    expect(a).toMatch(new RegExp(`^/x/g\\.json\\.${process.pid}\\.[0-9a-f]{12}\\.tmp$`));
    expect(a).not.toBe(b);
  });

  it("are removed when the process is interrupted mid-write (SIGTERM), which then exits 143", () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rsm-atomic-"));
    try {
      const script = path.join(dir, "child.ts");
      writeFileSync(
        script,
        `import { readdirSync } from "node:fs";
import { writeFileAtomic } from ${JSON.stringify(path.join(ROOT, "common", "fs_atomic.ts"))};
const out = ${JSON.stringify(path.join(dir, "out"))};
void writeFileAtomic(out + "/g.json", new Uint8Array(128 * 1024 * 1024));
// writeFileAtomic creates the directory first, asynchronously: until it exists there is nothing to see yet.
const entries = () => { try { return readdirSync(out, { withFileTypes: true }); } catch { return []; } };
const poll = () => (entries().some((e) => e.name.endsWith(".tmp")) ? process.kill(process.pid, "SIGTERM") : setImmediate(poll));
setImmediate(poll);
`,
      );
      const r = spawnSync(TSX, [script], { encoding: "utf8" });
      expect(r.stderr).toBe("");
      expect(r.status).toBe(143);
      expect(readdirSync(path.join(dir, "out"))).toEqual([]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("of a process that is gone are removed; a live process's are left alone", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rsm-atomic-"));
    try {
      const dead = spawnSync(process.execPath, ["-e", "process.stdout.write(String(process.pid))"], { encoding: "utf8" }).stdout;
      writeFileSync(path.join(dir, `g.json.${dead}.0.tmp`), "half");
      writeFileSync(path.join(dir, `h.json.${process.pid}.abc123.tmp`), "mine");
      writeFileSync(path.join(dir, "notes.tmp"), "not ours");
      expect(await removeStaleTemporaries(dir)).toEqual([`g.json.${dead}.0.tmp`]);
      expect(readdirSync(dir).sort()).toEqual([`h.json.${process.pid}.abc123.tmp`, "notes.tmp"]);
      await writeFileAtomic(path.join(dir, "h.json"), "x");
      expect(readdirSync(dir).sort()).toEqual(["h.json", `h.json.${process.pid}.abc123.tmp`, "notes.tmp"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

/**
 * Whether this machine lets a test mount a directory read-only in a mount namespace of its own (`unshare -rm`:
 * root, or unprivileged user namespaces). chmod cannot stand in for it: root writes through any mode.
 */
function canMountReadOnly(dir: string): boolean {
  const r = spawnSync("unshare", ["-rm", "sh", "-c", `mount --bind -o ro ${JSON.stringify(dir)} ${JSON.stringify(dir)} && ! touch ${JSON.stringify(path.join(dir, "probe"))} 2>/dev/null`], { timeout: 30_000 });
  return r.status === 0;
}

describe("errors name the real errno", () => {
  it("a directory that cannot be made below a read-only mount is EROFS, not ENOENT (Node's recursive mkdir says ENOENT)", (ctx) => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rsm-erofs-"));
    try {
      if (!canMountReadOnly(dir)) return ctx.skip("no read-only mount can be made here (unshare -rm is not allowed)");
      const script = `const { writeFileAtomic } = await import(${JSON.stringify(path.join(ROOT, "common", "fs_atomic.ts"))});
const { describeWriteError } = await import(${JSON.stringify(path.join(ROOT, "common", "output.ts"))});
for (const file of [${JSON.stringify(path.join(dir, "a", "b", "report.json"))}, ${JSON.stringify(path.join(dir, "report.json"))}]) {
  await writeFileAtomic(file, "{}").then(() => console.log("written"), (e) => console.log(describeWriteError(e)));
}`;
      const inner = `mount --bind -o ro ${JSON.stringify(dir)} ${JSON.stringify(dir)} && exec ${JSON.stringify(process.execPath)} --import tsx --input-type=module -e "$0"`;
      const r = spawnSync("unshare", ["-rm", "sh", "-c", inner, script], { cwd: ROOT, encoding: "utf8", timeout: 60_000, killSignal: "SIGKILL" });
      expect(r.stderr).toBe("");
      expect(r.stdout.trim().split("\n")).toEqual(["read-only file system (EROFS)", "read-only file system (EROFS)"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it("a file where a directory is needed is ENOTDIR", async () => {
    const dir = mkdtempSync(path.join(os.tmpdir(), "rsm-enotdir-"));
    try {
      writeFileSync(path.join(dir, "file"), "x");
      const err = await writeFileAtomic(path.join(dir, "file", "sub", "g.json"), "{}").catch((e: NodeJS.ErrnoException) => e);
      expect((err as NodeJS.ErrnoException).code).toBe("ENOTDIR");
      await makeDirectories(path.join(dir, "a", "b", "c"));
      await makeDirectories(path.join(dir, "a", "b", "c"));
      expect(readdirSync(path.join(dir, "a", "b"))).toEqual(["c"]);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
