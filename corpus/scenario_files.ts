// Finding and naming scenario and golden files. A scenario's name is its path below vectors/scenarios
// without ".json" (SPEC.md section 5).
import { readdir, readlink, realpath, stat } from "node:fs/promises";
import path from "node:path";
import { InvalidInput } from "../common/errors.js";
import { FileRefused, SCENARIO_FILE, readInputFile } from "../common/read_file.js";

export const SCENARIOS_DIR = path.join("vectors", "scenarios");
export const GOLDEN_DIR = path.join("vectors", "golden");
/** Decode vectors, authored (SPEC.md section 8); their goldens are GOLDEN_DIR/decode. */
export const DECODE_DIR = path.join("vectors", "decode");

/**
 * Every *.json below dir, as paths relative to dir with "/" separators, sorted for a stable order. Symbolic
 * links are followed, to files and to directories (a scenario may live elsewhere and be linked in); its
 * name is the link's path. A link that dangles, loops, or leads back to a directory it is inside is one
 * line naming it (InvalidInput), never silently skipped. Temporaries (*.tmp) are not *.json, so never listed.
 */
export async function listJson(dir: string): Promise<string[]> {
  const shown = (p: string) => path.relative(process.cwd(), p) || p;
  const found: string[] = [];
  const problems: string[] = [];
  const rootReal = await realpath(dir).catch((err: NodeJS.ErrnoException) => {
    if (err.code === "ENOENT") return null;
    throw err;
  });
  if (rootReal === null) return [];
  // Depth first, iteratively; each directory carries the real paths of the directories it is inside.
  const pending: { rel: string; ancestors: readonly string[] }[] = [{ rel: "", ancestors: [rootReal] }];
  while (pending.length > 0) {
    const { rel, ancestors } = pending.pop()!;
    const entries = await readdir(path.join(dir, rel), { withFileTypes: true }).catch((err: NodeJS.ErrnoException) => {
      problems.push(`${shown(path.join(dir, rel))}: cannot list: ${err.code ?? err.message}`);
      return [];
    });
    for (const e of entries) {
      const childRel = rel === "" ? e.name : `${rel}/${e.name}`;
      const full = path.join(dir, childRel);
      if (e.isDirectory()) {
        pending.push({ rel: childRel, ancestors: [...ancestors, path.join(ancestors.at(-1)!, e.name)] });
        continue;
      }
      if (e.isFile()) {
        if (e.name.endsWith(".json")) found.push(childRel);
        continue;
      }
      if (!e.isSymbolicLink()) {
        // A FIFO, socket or device named *.json: never opened (common/read_file.ts), and never silently skipped.
        if (e.name.endsWith(".json")) problems.push(`${shown(full)}: ${e.isFIFO() ? "a FIFO (named pipe)" : e.isSocket() ? "a socket" : "a device"}; expected a regular file`);
        continue;
      }
      const target = await stat(full).catch((err: NodeJS.ErrnoException) => err);
      if (target instanceof Error) {
        const to = await readlink(full).catch(() => "?");
        if (target.code === "ENOENT") problems.push(`${shown(full)}: a symbolic link to ${to}, which does not exist; expected a link to a file or directory`);
        else if (target.code === "ELOOP") problems.push(`${shown(full)}: a symbolic link loop (${to} leads back to itself); expected a link to a file or directory`);
        else problems.push(`${shown(full)}: cannot follow the symbolic link to ${to}: ${target.code ?? target.message}`);
        continue;
      }
      if (target.isFile()) {
        if (e.name.endsWith(".json")) found.push(childRel);
      } else if (!target.isDirectory()) {
        if (e.name.endsWith(".json")) problems.push(`${shown(full)}: a symbolic link to ${await readlink(full).catch(() => "?")}, which is not a regular file; expected a link to a file or directory`);
      } else {
        const real = await realpath(full);
        if (ancestors.includes(real)) problems.push(`${shown(full)}: a symbolic link to ${shown(real)}, a directory it is inside, which would be listed forever; expected a link that leads elsewhere`);
        else pending.push({ rel: childRel, ancestors: [...ancestors, real] });
      }
    }
  }
  if (problems.length > 0) throw new InvalidInput(problems.sort());
  return found.sort();
}

export function nameOf(relativeJson: string): string {
  return relativeJson.replace(/\.json$/, "");
}

/**
 * Names of the authored scenarios under root's vectors/scenarios that have no golden under vectors/golden
 * (a found scenario before `npm run vectors`, say), sorted. The runner reads goldens only, so without this
 * such a scenario would be left out of every run without a word.
 */
export async function scenariosWithoutGolden(root: string): Promise<string[]> {
  const [scenarios, goldens] = await Promise.all([listJson(path.join(root, SCENARIOS_DIR)), listJson(path.join(root, GOLDEN_DIR))]);
  const golden = new Set(goldens.map(nameOf));
  return scenarios.map(nameOf).filter((name) => !golden.has(name));
}

export function goldenPath(root: string, name: string): string {
  return path.join(root, GOLDEN_DIR, `${name}.json`);
}

export function scenarioPath(root: string, name: string): string {
  return path.join(root, SCENARIOS_DIR, `${name}.json`);
}

/**
 * The largest scenario file the kit reads (common/read_file.ts's SCENARIO_FILE, where its reason is). Checked
 * before reading: a 600 MB file made a string longer than V8 allows and ended in "internal error".
 */
export const MAX_SCENARIO_BYTES = SCENARIO_FILE.bytes;

export interface ReadOptions {
  /** MAX_SCENARIO_BYTES unless a test says otherwise. */
  readonly maxScenarioBytes?: number;
}

/**
 * A scenario file's bytes, or the one line saying why they cannot be had (common/read_file.ts: not a regular
 * file, over the limit, or the errno); `shown` names the file.
 */
export async function readScenarioFile(file: string, shown: string, options: ReadOptions = {}): Promise<{ ok: true; bytes: Uint8Array } | { ok: false; line: string }> {
  const limit = options.maxScenarioBytes === undefined ? SCENARIO_FILE : { ...SCENARIO_FILE, bytes: options.maxScenarioBytes };
  try {
    return { ok: true, bytes: await readInputFile(file, limit, { label: shown }) };
  } catch (err) {
    if (err instanceof FileRefused) return { ok: false, line: err.message };
    throw err;
  }
}
