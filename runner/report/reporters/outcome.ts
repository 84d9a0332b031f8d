// One word per cell of the compatibility matrix, shared by the HTML report and `rsm report diff`.
import type { ScenarioResult } from "../../model.js";

/** The status, except a listed failure ("expected") and a listed scenario that passes ("unexpected-pass"). */
export function outcomeOf(r: ScenarioResult): string {
  if (r.expectedFailure && (r.status === "failed" || r.status === "error")) return "expected";
  if (r.expectedFailure && r.status === "passed") return "unexpected-pass";
  return r.status;
}

/** Whatever precedes a name's first "/" (the folder below vectors/scenarios), or the whole name. */
export const topicOf = (name: string) => (name.includes("/") ? name.slice(0, name.indexOf("/")) : name);
