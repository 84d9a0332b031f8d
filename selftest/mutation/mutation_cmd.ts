// `rsm mutation`: run every variant of the reference over the goldens; exit 1 if any survives.
import { parseFlags } from "../../common/args.js";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../../common/errors.js";
import { loadDecodeGoldens, loadGoldens, mutationTable, runMutation } from "./mutation.js";
import { VARIANTS } from "./variants.js";

export const MUTATION_USAGE = `usage: rsm mutation [VARIANT...]

Runs deliberately buggy variants of the reference (selftest/mutation/variants.ts; all, or those named) over
the golden vectors and prints which vectors kill each. A variant that no vector kills is a hole in the corpus.

exit codes: 0 every variant killed, 1 a variant survived, 2 usage error
`;

export async function mutationCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const { values, positionals: only } = parseFlags("mutation", args, {}, true);
  if (values.help) {
    out(MUTATION_USAGE.trimEnd());
    return EXIT_OK;
  }
  const unknown = only.filter((id) => !VARIANTS.some((v) => v.id === id));
  if (unknown.length > 0) throw new UsageError(`mutation: unknown variant ${JSON.stringify(unknown[0])}; expected one of ${VARIANTS.map((v) => v.id).join(", ")}`);
  const variants = only.length > 0 ? VARIANTS.filter((v) => only.includes(v.id)) : VARIANTS;
  const goldens = await loadGoldens(root);
  const decodeGoldens = await loadDecodeGoldens(root);
  const outcomes = await runMutation(root, variants, goldens, decodeGoldens);
  for (const line of mutationTable(outcomes, goldens.length + decodeGoldens.length)) out(line);
  return outcomes.every((o) => o.caughtBy.length > 0) ? EXIT_OK : EXIT_FAILED;
}
