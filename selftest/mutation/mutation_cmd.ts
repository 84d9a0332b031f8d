// `rsm mutation`: run every variant of the reference over the goldens; exit 1 if any survives.
import { defineCommand, parseFlags, usage } from "../../common/args.js";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../../common/errors.js";
import { loadDecodeGoldens, loadGoldens, mutationTable, runMutation } from "./mutation.js";
import { VARIANTS } from "./variants.js";

export const MUTATION_SPEC = defineCommand({
  name: "mutation",
  synopsis: "[VARIANT...]",
  brief: "run buggy variants of the reference over the goldens; fails if one survives",
  summary: `Runs deliberately buggy variants of the reference over the golden vectors and prints which vectors kill
each. A variant that no vector kills is a hole in the corpus. Each variant's failures are then diagnosed and
ranked as a conformance run ranks a port's (runner/diagnosis/ranking.ts), and the rank of the rule the
variant breaks is printed beside it, with the share of variants whose rule is ranked first.`,
  positionals: [{ name: "VARIANT...", help: "the ids of the variants to run, from selftest/mutation/variants.ts (default: all); an unknown id is a usage error that lists them" }],
  flags: {},
  notes: ["exit codes: 0 every variant killed, 1 a variant survived, 2 usage error"],
});

export async function mutationCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const { values, positionals: only } = parseFlags(MUTATION_SPEC, args);
  if (values.help) {
    out(usage(MUTATION_SPEC));
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
