// Writing what a run produced (the report file, the .bin files) to the paths the user gave. A finished run's
// report is never lost: the human report is printed before any file is written, and a report file that
// cannot be written is printed instead, with one line saying which path failed and why.
import { lstat, stat, writeFile } from "node:fs/promises";
import { UsageError } from "./errors.js";
import { writeFileAtomic } from "./fs_atomic.js";
import { describeFsError } from "./read_file.js";

/**
 * Checks --out before the run, so a wrong path costs no run: the report file of json and junit must not be a
 * directory; the human reporter's --out is a directory for the .bin files, and html's one for the page, and
 * neither must be a file.
 */
export async function checkOut(out: string, reporter: string): Promise<void> {
  const info = await stat(out).catch(() => null);
  if (info === null) return;
  if (reporter === "human" && !info.isDirectory()) throw new UsageError(`--out ${out}: expected a directory for the .bin files (the human reporter), got an existing file`);
  if (reporter === "html" && !info.isDirectory()) throw new UsageError(`--out ${out}: expected a directory for the HTML report (index.html, badges/), got an existing file`);
  if (reporter !== "human" && reporter !== "html" && info.isDirectory()) throw new UsageError(`--out ${out}: expected the ${reporter} report file, got a directory`);
}

/**
 * Writes `data` to `file`: atomically (temporary file, then rename) when it is a regular file or nothing yet,
 * in place when it is a device, a pipe or a symbolic link, which a rename would replace with a regular file
 * (`--out /dev/stdout` must write to stdout, not replace the system's link).
 */
export async function writeOutput(file: string, data: string | Uint8Array): Promise<void> {
  const info = await lstat(file).catch(() => null);
  if (info !== null && !info.isFile()) await writeFile(file, data);
  else await writeFileAtomic(file, data);
}

/** "EACCES: permission denied, open '/x'" as "permission denied (EACCES)". */
export function describeWriteError(err: unknown): string {
  return describeFsError(err);
}
