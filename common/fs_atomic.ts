// Every file the kit writes goes through here: a crash or Ctrl-C mid-write must never leave half a golden,
// nor a temporary behind.
import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { mkdir, readdir, rename, rm, stat, writeFile } from "node:fs/promises";
import path from "node:path";
import { onTermination } from "./signals.js";

/** Temporaries being written now, removed if the process is interrupted or exits meanwhile. */
const live = new Set<string>();

/**
 * `FILE.PID.RANDOM.tmp`: the pid says whose it is (see removeStaleTemporaries), and the random part keeps
 * two processes apart even when they have the same pid (each in its own container, sharing the tree),
 * where `FILE.PID.N.tmp` collided and one run's rename failed with ENOENT.
 */
export function temporaryName(file: string): string {
  return `${file}.${process.pid}.${randomBytes(6).toString("hex")}.tmp`;
}

const TEMPORARY = /\.(\d+)\.[0-9a-z]+\.tmp$/;

function removeLive(): void {
  for (const tmp of live) rmSync(tmp, { force: true, recursive: true });
  live.clear();
}

/** Undoes the registration with common/signals.ts while no temporary is being written. */
let unregister: (() => void) | null = null;

function track(tmp: string): void {
  if (live.size === 0) {
    // A signal removes the temporaries, then ends the process as the signal would have (common/signals.ts).
    unregister = onTermination(removeLive);
    process.on("exit", removeLive);
  }
  live.add(tmp);
}

function untrack(tmp: string): void {
  live.delete(tmp);
  if (live.size === 0) {
    unregister?.();
    unregister = null;
    process.off("exit", removeLive);
  }
}

/**
 * `mkdir -p`, one directory at a time. Node's recursive mkdir reports ENOENT for a directory it cannot make on
 * a read-only file system (it stats the path after the EROFS and reports that instead), so "no such file or
 * directory" was all a full report path on a read-only mount said; made one level at a time, each failure
 * is the real errno (EROFS, EACCES, ENOTDIR). It also never spins: Node's loops forever below /proc.
 */
export async function makeDirectories(dir: string): Promise<void> {
  const missing: string[] = [];
  for (let d = path.resolve(dir); ; d = path.dirname(d)) {
    const info = await stat(d).catch((err: NodeJS.ErrnoException) => {
      if (err.code === "ENOENT") return null;
      throw err;
    });
    if (info !== null) {
      // An existing file where a directory is needed: mkdir of the next level says ENOTDIR, as it should.
      break;
    }
    missing.push(d);
    if (path.dirname(d) === d) break;
  }
  for (const d of missing.reverse()) {
    await mkdir(d).catch((err: NodeJS.ErrnoException) => {
      // Made meanwhile by another writer: what we wanted.
      if (err.code !== "EEXIST") throw err;
    });
  }
}

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await makeDirectories(path.dirname(file));
  const tmp = temporaryName(file);
  track(tmp);
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  } finally {
    untrack(tmp);
  }
}

/**
 * Writes a directory whole: `fill` writes every file into a new directory beside it (DIR.PID.RANDOM.tmp), which
 * then takes DIR's place, so no file of an earlier write is left in it (a badge of an adapter no longer in the
 * report, the bytes of a scenario that passes now). When `fill` writes nothing, DIR is removed.
 */
export async function replaceDirectory(dir: string, fill: (staging: string) => Promise<void>): Promise<void> {
  const staging = temporaryName(dir);
  const old = temporaryName(dir);
  track(staging);
  track(old);
  try {
    await mkdir(staging, { recursive: true });
    await fill(staging);
    const empty = (await readdir(staging)).length === 0;
    await rename(dir, old).catch((err: NodeJS.ErrnoException) => {
      if (err.code !== "ENOENT") throw err;
    });
    if (!empty) await rename(staging, dir);
  } finally {
    await rm(staging, { force: true, recursive: true });
    await rm(old, { force: true, recursive: true });
    untrack(staging);
    untrack(old);
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}

/**
 * Removes the temporaries below dir left by a process that is gone (killed mid-write: SIGKILL, a power
 * cut); a live process's are its own business. Returns them, relative to dir.
 */
export async function removeStaleTemporaries(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch(() => []);
  const removed: string[] = [];
  for (const e of entries) {
    const pid = TEMPORARY.exec(e.name)?.[1];
    if (!e.isFile() || pid === undefined || alive(Number(pid))) continue;
    const file = path.join(e.parentPath, e.name);
    await rm(file, { force: true });
    removed.push(path.relative(dir, file).split(path.sep).join("/"));
  }
  return removed.sort();
}
