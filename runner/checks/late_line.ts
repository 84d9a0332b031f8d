// A line an adapter writes after its reply to the last request a session sent it (R-PROTO-3): no later
// request is there to be failed by it, as one mid-run is, so it is a result of its own, once per adapter,
// found when the session is closed (runner/adapter/adapter_process.ts).
import type { ScenarioResult } from "../model.js";

export const LATE_LINE_NAME = "protocol/line-after-last-reply";

export function lateLineResult(problem: string, isExpected: (name: string) => boolean): ScenarioResult {
  return {
    name: LATE_LINE_NAME,
    file: "SPEC.md",
    source: "SPEC.md R-PROTO-3",
    status: "error",
    expectedFailure: isExpected(LATE_LINE_NAME),
    reason: problem,
    stderrTail: null,
    restarted: false,
    diagnosis: null,
    durationMs: 0,
  };
}
