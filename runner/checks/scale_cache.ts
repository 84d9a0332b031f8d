// The expected snapshots of the scale check's generated scenarios, computed by the reference once and cached
// under .build/scale/ (not committed: they are derived, and computed again whenever the reference or a
// generator changes). Its 10^6-step and 70,000-key scenarios take the reference seconds each.
import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import path from "node:path";
import { runScenario, type NormalizedScenario, type SnapshotEntry } from "../../reference/index.js";
import { writeFileAtomic } from "../../common/fs_atomic.js";
import { GOLDEN_FILE, readInputTextSync } from "../../common/read_file.js";

/** Every file whose change can change the expected bytes: the reference and the generators. */
function newestSource(root: string): number {
  let newest = 0;
  for (const dir of ["reference", "corpus"]) {
    // A root that is not the kit's own (a test's) has neither: then only an absent cache is computed.
    const entries = existsSync(path.join(root, dir)) ? readdirSync(path.join(root, dir), { recursive: true, withFileTypes: true }) : [];
    for (const e of entries) {
      if (e.isFile() && e.name.endsWith(".ts")) newest = Math.max(newest, statSync(path.join(e.parentPath, e.name)).mtimeMs);
    }
  }
  return newest;
}

/**
 * The reference's snapshots of `scenario`, read from .build/scale/`key`.json when that is newer than every
 * source; `key` names everything that shapes the scenario, so a change of parameters never reads a stale answer.
 */
export async function cachedSnapshots(root: string, key: string, scenario: NormalizedScenario): Promise<SnapshotEntry[]> {
  const dir = path.join(root, ".build", "scale");
  mkdirSync(dir, { recursive: true });
  const file = path.join(dir, `${key}.json`);
  if ((statSync(file, { throwIfNoEntry: false })?.mtimeMs ?? 0) > newestSource(root)) {
    try {
      return JSON.parse(readInputTextSync(file, GOLDEN_FILE)) as SnapshotEntry[];
    } catch {
      // A damaged cache is computed again.
    }
  }
  const snapshots = runScenario(scenario).snapshots as SnapshotEntry[];
  await writeFileAtomic(file, JSON.stringify(snapshots));
  return snapshots;
}
