// What a fuzz run sent an adapter and what came back, written beside the scenario it keeps (NAME.traffic.txt):
// the failure as it was seen, which is all there is when it does not come back on a re-run.
import { runLine, scenarioJson } from "../../runner/adapter/protocol.js";
import type { Divergence } from "./judge.js";

export function trafficText(d: Divergence, seed: number): string {
  const answer = d.answer;
  const what =
    d.mismatch !== null
      ? `a result whose snapshot of step ${d.mismatch.expected.step} node ${d.mismatch.expected.node} differs from the reference's:\n  expected ${d.mismatch.expected.hex}\n  got      ${d.mismatch.actualHex || "(no such snapshot)"}`
      : (d.error ?? "");
  const stderr = answer !== null && answer.kind !== "aborted" ? answer.stderr.trim() : "";
  return [
    `rsm fuzz, seed ${seed}: what adapter ${d.adapter.name} was sent, and what it answered.`,
    "",
    'sent, one line (the runner numbers its ids; shown here as "ID"):',
    runLine("ID", "fuzz", false, scenarioJson(d.scenario)),
    "",
    "answer:",
    what,
    "",
    "its stderr while it answered:",
    stderr === "" ? "(nothing)" : stderr,
    "",
  ].join("\n");
}
