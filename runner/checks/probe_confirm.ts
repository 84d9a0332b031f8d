// Before the malformed-input check blames a line (R-PROTO-10), the failure must reproduce. A valid request
// that went wrong after the line is first run without it in a fresh process: wrong there too, and the same
// way, it is not the line's doing; differently, the port is nondeterministic. Then the line and its follow-up
// are sent again in a fresh process, with the longer deadline of a second try: right this time, the verdict
// is a pass with a note (the first only timed out: a busy machine) or nondeterministic (it answered wrong).
import type { FleetAdapter } from "../adapter/fleet.js";
import { inFreshProcess, secondTry, secondTryTimeoutMs } from "../adapter/second_try.js";
import type { ProbeOutcome, RunOutcome, ScenarioToRun, Session } from "../adapter/session.js";
import { nondeterministic, sameAnswer, type Verdict } from "../diagnosis/answers.js";

/** A malformed line's answer and the answer to the valid request sent after it. */
export interface ProbeRun {
  readonly answer: ProbeOutcome;
  readonly next: RunOutcome;
}

export interface ProbeToConfirm {
  /** The probe's name, as protocol/NAME says it. */
  readonly name: string;
  /** Sends the line and its follow-up on a session. */
  send(s: Session): Promise<ProbeRun>;
  /** The check's verdict on a run of the line. */
  judge(run: ProbeRun): Verdict;
  readonly followUp: ScenarioToRun;
}

const timedOut = (o: ProbeOutcome | RunOutcome) => o.kind === "aborted" || (o.kind === "broken" && o.timedOut);

/** `first` was judged `verdict`, not passed; the verdict to report once it has been asked again. */
export async function confirmProbeFailure(adapter: FleetAdapter, p: ProbeToConfirm, first: ProbeRun, verdict: Verdict): Promise<Verdict> {
  const before = `a second try of the check protocol/${p.name}`;
  const waited = `${secondTryTimeoutMs(adapter) / 1000} s`;
  const slow = timedOut(first.answer) || (first.answer.kind === "refused" && timedOut(first.next));
  const wrongAfter = first.answer.kind === "refused" && !slow;
  if (wrongAfter) {
    const without = await secondTry(adapter, p.followUp, { before });
    if (without !== null && p.judge({ answer: first.answer, next: without }).status !== "passed") {
      const same = sameAnswer(first.next, without);
      if (same === false) return nondeterministic(p.followUp.name, p.followUp.expected, first.next, without, [`after the line ${p.name}`, "without it, in a fresh process"]);
      if (same === true) return { ...verdict, reason: `after the line ${p.name}, the valid request that followed was answered wrong, and the same way without the line in a fresh process: not the line's doing (the corpus's failures say what is wrong)` };
    }
  }
  const again = await inFreshProcess(adapter, { before }, p.send);
  if (again === null) return verdict;
  const second = p.judge(again);
  if (second.status === "passed") {
    if (slow) return { ...second, note: `protocol/${p.name} answered only on a second try, in a fresh process with ${waited}: ${verdict.reason ?? ""}` };
    if (wrongAfter) return nondeterministic(p.followUp.name, p.followUp.expected, first.next, again.next, [`after the line ${p.name}`, "after it again, in a fresh process"]);
    return {
      ...verdict,
      kind: "nondeterministic",
      answers: [`first try: ${verdict.reason ?? ""}`, "second try, in a fresh process: an error reply with the right id, and the valid request after it answered right"],
      reason: `nondeterministic: the line ${p.name} and the valid request after it were answered differently when sent again (R-PROTO-11: the same request gives the same bytes)`,
      diagnosis: null,
    };
  }
  if (wrongAfter && again.answer.kind === "refused" && sameAnswer(first.next, again.next) === false) {
    return nondeterministic(p.followUp.name, p.followUp.expected, first.next, again.next, [`after the line ${p.name}`, "after it again, in a fresh process"]);
  }
  return { ...verdict, reason: `${verdict.reason ?? ""}; ${slow ? `and again on a second try in a fresh process with ${waited}` : "the same again in a fresh process"}` };
}
