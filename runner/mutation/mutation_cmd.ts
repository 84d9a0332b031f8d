// `rsm mutation`: run every variant of the reference over the goldens; exit 1 if any survives.
import { EXIT_FAILED, EXIT_OK, UsageError } from "../errors.js";
import { loadGoldens, mutationTable, runMutation } from "./mutation.js";
import { VARIANTS } from "./variants.js";

export async function mutationCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const only = args.filter((a) => !a.startsWith("-"));
  const flags = args.filter((a) => a.startsWith("-"));
  if (flags.length > 0) throw new UsageError(`mutation: unknown flag ${flags[0]}; expected variant ids or nothing`);
  const unknown = only.filter((id) => !VARIANTS.some((v) => v.id === id));
  if (unknown.length > 0) throw new UsageError(`mutation: unknown variant ${JSON.stringify(unknown[0])}; expected one of ${VARIANTS.map((v) => v.id).join(", ")}`);
  const variants = only.length > 0 ? VARIANTS.filter((v) => only.includes(v.id)) : VARIANTS;
  const goldens = await loadGoldens(root);
  const outcomes = await runMutation(root, variants, goldens);
  for (const line of mutationTable(outcomes, goldens.length)) out(line);
  return outcomes.every((o) => o.caughtBy.length > 0) ? EXIT_OK : EXIT_FAILED;
}
