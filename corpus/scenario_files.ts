// Finding and naming scenario and golden files. A scenario's name is its path below vectors/scenarios
// without ".json" (SPEC.md section 5).
import { readFile, readdir, stat } from "node:fs/promises";
import path from "node:path";

export const SCENARIOS_DIR = path.join("vectors", "scenarios");
export const GOLDEN_DIR = path.join("vectors", "golden");

/** Every *.json below dir, as paths relative to dir with "/" separators, sorted for a stable order. */
export async function listJson(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return [];
    throw err;
  });
  return entries
    .filter((e) => e.isFile() && e.name.endsWith(".json"))
    .map((e) => path.relative(dir, path.join(e.parentPath, e.name)).split(path.sep).join("/"))
    .sort();
}

export function nameOf(relativeJson: string): string {
  return relativeJson.replace(/\.json$/, "");
}

export function goldenPath(root: string, name: string): string {
  return path.join(root, GOLDEN_DIR, `${name}.json`);
}

export function scenarioPath(root: string, name: string): string {
  return path.join(root, SCENARIOS_DIR, `${name}.json`);
}

/**
 * The largest scenario file `validate` and `vectors` read (README "Limits"). Checked before reading: a
 * 600 MB file made a string longer than V8 allows and ended in "internal error".
 */
export const MAX_SCENARIO_BYTES = 256 * 1024 * 1024;

export interface ReadOptions {
  /** MAX_SCENARIO_BYTES unless a test says otherwise. */
  readonly maxScenarioBytes?: number;
}

/** A scenario file's bytes, or the one line saying why they cannot be had; `shown` names the file. */
export async function readScenarioFile(file: string, shown: string, options: ReadOptions = {}): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; line: string }> {
  const max = options.maxScenarioBytes ?? MAX_SCENARIO_BYTES;
  try {
    const info = await stat(file);
    if (info.size > max) return { ok: false, line: `${shown}: ${info.size} bytes; expected a scenario file of at most ${max} bytes (${+(max / 1024 / 1024).toFixed(3)} MiB)` };
    return { ok: true, bytes: await readFile(file) };
  } catch (err) {
    const e = err as NodeJS.ErrnoException;
    return { ok: false, line: `${shown}: cannot read: ${e.code ?? e.message}` };
  }
}
