// The rules a vector declares it was written to pin (`rules` in a scenario or decode vector file): each one
// an id of SPEC.md's rule index, so a run's ranking (which rules separate the failing vectors from the
// passing ones) never names a rule the contract does not have. validate and vectors both check it, as they
// check tags, so neither accepts what the other refuses.
import { specRuleSummaries } from "../common/spec_rules.js";

/** One line per declared rule that SPEC.md's rule index does not define. */
export function declaredRuleProblems(file: string, rules: readonly string[] | undefined): string[] {
  const index = specRuleSummaries();
  return (rules ?? []).flatMap((r, i) => (index.has(r) ? [] : [`${file} rules[${i}]: unknown rule ${JSON.stringify(r)}; expected an id of SPEC.md's rule index (section 9)`]));
}
