// Finding and naming scenario and golden files. A scenario's name is its path below vectors/scenarios
// without ".json" (SPEC.md section 5).
import { readdir } from "node:fs/promises";
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
