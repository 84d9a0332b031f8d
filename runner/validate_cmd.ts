// `rsm validate [paths]`: check authored scenarios, reporting every problem of every bad file.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { formatProblem, loadScenario } from "../reference/index.js";
import { EXIT_OK, InvalidInput, UsageError } from "./errors.js";
import { SCENARIOS_DIR, listJson } from "./scenario_files.js";

async function expand(p: string): Promise<string[]> {
  const info = await stat(p).catch(() => null);
  if (info === null) throw new UsageError(`validate: ${p}: no such file or directory`);
  if (!info.isDirectory()) return [p];
  return (await listJson(p)).map((rel) => path.join(p, rel));
}

export async function validateCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const flags = args.filter((a) => a.startsWith("-"));
  if (flags.length > 0) throw new UsageError(`validate: unknown flag ${flags[0]}; expected file or directory paths`);
  const targets = args.length > 0 ? args : [path.join(root, SCENARIOS_DIR)];
  const files = (await Promise.all(targets.map(expand))).flat();
  const problems: string[] = [];
  for (const file of files) {
    const shown = path.relative(process.cwd(), file) || file;
    const result = loadScenario(await readFile(file, "utf8"));
    if (!result.ok) problems.push(...result.problems.map((p) => formatProblem(shown, p)));
  }
  if (problems.length > 0) throw new InvalidInput([...problems, `${files.length} file(s) checked, invalid scenarios found`]);
  out(`${files.length} scenario(s) valid`);
  return EXIT_OK;
}
