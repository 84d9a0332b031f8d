// Every file the kit writes goes through here: a crash or Ctrl-C mid-write must never leave half a golden.
import { mkdir, rename, writeFile, rm } from "node:fs/promises";
import path from "node:path";

let counter = 0;

export async function writeFileAtomic(file: string, data: string | Uint8Array): Promise<void> {
  await mkdir(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.${counter++}.tmp`;
  try {
    await writeFile(tmp, data);
    await rename(tmp, file);
  } catch (err) {
    await rm(tmp, { force: true });
    throw err;
  }
}
