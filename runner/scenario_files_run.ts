// --scenario PATH: authored scenario files run without goldens. Each is validated and its expected bytes
// computed by the reference in memory (corpus/golden.ts, as `npm run vectors` would), written as goldens to
// a temporary directory that the run then reads like any corpus; a porter trying a reproducer never touches
// vectors/golden/.
import { mkdtemp, rm, stat } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { formatProblem, nameProblem } from "../reference/index.js";
import { InvalidInput } from "../common/errors.js";
import { writeFileAtomic } from "../common/fs_atomic.js";
import { buildGolden, formatGolden } from "../corpus/golden.js";
import { listJson, readScenarioFile } from "../corpus/scenario_files.js";

/** The files a --scenario argument names, each with the scenario name it runs under. */
async function expand(arg: string): Promise<{ file: string; name: string }[]> {
  const info = await stat(arg).catch(() => null);
  if (info === null) throw new InvalidInput([`--scenario ${arg}: no such file or directory`]);
  if (!info.isDirectory()) return [{ file: arg, name: path.basename(arg).replace(/\.json$/, "") }];
  return (await listJson(arg)).map((rel) => ({ file: path.join(arg, rel), name: rel.replace(/\.json$/, "").split(path.sep).join("/") }));
}

/** Builds the goldens of the scenarios `paths` name; returns their directory and a function that removes it. */
export async function goldensOf(paths: readonly string[]): Promise<{ dir: string; remove: () => Promise<void> }> {
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-scenarios-"));
  const remove = () => rm(dir, { recursive: true, force: true });
  try {
    const problems: string[] = [];
    const seen = new Set<string>();
    for (const arg of paths) {
      for (const { file, name } of await expand(arg)) {
        if (seen.has(name)) {
          problems.push(`--scenario ${file}: a second scenario named ${JSON.stringify(name)}; expected names that differ`);
          continue;
        }
        seen.add(name);
        const shown = path.relative(process.cwd(), file) || file;
        // R-NAME-1, as validate and vectors check it: the scenario runs, and is reported, under this name.
        const badName = nameProblem(name);
        if (badName !== null) {
          problems.push(formatProblem(shown, { path: "", rule: "R-NAME-1", message: badName }));
          continue;
        }
        // Bounded and checked like every scenario file (a FIFO or /dev/zero is one line, not a hang).
        const read = await readScenarioFile(file, `--scenario ${shown}`);
        if (!read.ok) {
          problems.push(read.line);
          continue;
        }
        const built = buildGolden(name, shown, read.bytes);
        if (!built.ok) problems.push(...built.lines);
        else await writeFileAtomic(path.join(dir, `${name}.json`), formatGolden(built.golden));
      }
    }
    if (problems.length > 0) throw new InvalidInput(problems);
    if (seen.size === 0) throw new InvalidInput([`--scenario ${paths.join(" ")}: no scenario files (*.json) found`]);
    return { dir, remove };
  } catch (err) {
    await remove();
    throw err;
  }
}
