// A second try in a fresh process: the one way the runner asks an adapter the same thing again before it
// gives a verdict that only holds if the answer reproduces (R-PROTO-11: the same request gives the same
// bytes). The corpus, the environment check and the malformed-input check all call it, so "was it the port,
// or was it this once?" is asked the same way everywhere (runner/diagnosis/answers.ts compares the answers).
import type { Launch } from "./children.js";
import type { FleetAdapter } from "./fleet.js";
import { Session, type RunOutcome, type ScenarioToRun } from "./session.js";

/**
 * How much longer than --timeout a second try waits. A reply that missed its deadline on a busy machine (a
 * correct port, at load 15 on 2 cores, missed 10 s) gets three times as long once, in a process of its own.
 * Both tries' timeouts count toward the fleet's budget of MAX_TIMEOUTS (3), so a port that hangs for good
 * is given up after a timeout, a second try that times out and one more timeout: 5 x --timeout per
 * worker in the worst case (50 s at the default 10 s), where it was 3 x before second tries.
 */
export const SECOND_TRY_FACTOR = 3;

/** The deadline of a second try, in ms. */
export function secondTryTimeoutMs(adapter: FleetAdapter): number {
  return adapter.timeoutMs * SECOND_TRY_FACTOR;
}

/**
 * Fresh processes started for second tries, per adapter. A port that fails hundreds of vectors the same way
 * would otherwise pay a process start for each (a second for a JVM); a nondeterministic one shows itself
 * long before this many, and past it a failure is judged on its first answer, as before second tries.
 */
export const SECOND_TRIES = 32;
const spent = new WeakMap<FleetAdapter, number>();

export interface SecondTryOptions {
  /** What it is for, in messages. */
  readonly before: string;
  /** The environment check's variant of the launch; the normal environment without it. */
  readonly variant?: Pick<Launch, "env" | "chunked">;
}

/**
 * Runs `use` on a fresh session of `adapter` with the longer deadline, then shuts that session down. Null when
 * the adapter's SECOND_TRIES are spent, or no process could be started: a start that fails on a loaded machine is not the port's fault, so the adapter
 * is not given up for it (unless its hello changed), and the verdict rests on the first answer.
 */
export async function inFreshProcess<T>(adapter: FleetAdapter, o: SecondTryOptions, use: (s: Session) => Promise<T>): Promise<T | null> {
  const used = spent.get(adapter) ?? 0;
  if (used >= SECOND_TRIES) return null;
  spent.set(adapter, used + 1);
  const session = await adapter.startSession(secondTryTimeoutMs(adapter), o.variant ?? {});
  if (!(session instanceof Session)) return null;
  try {
    return await use(session);
  } finally {
    adapter.noteClosed(await session.close());
  }
}

/** Whether a run's answer is the one expected of it (without `expected`, any result is). */
function asExpected(o: RunOutcome, expected: ScenarioToRun["expected"]): boolean {
  return o.kind === "result" && (expected === undefined || (o.snapshots.length === expected.length && o.snapshots.every((s, i) => s.hex === expected[i]!.hex)));
}

/**
 * `req` run up to `rounds` times in one fresh process (the environment check runs each vector twice): the
 * first answer that is not the expected one, or the last. A second try that timed out counts
 * toward the adapter's timeout budget like any other, so a port that hangs for good is still given up.
 */
export async function secondTry(adapter: FleetAdapter, req: ScenarioToRun, o: SecondTryOptions & { readonly rounds?: number }): Promise<RunOutcome | null> {
  const outcome = await inFreshProcess(adapter, o, async (s) => {
    let last: RunOutcome = { kind: "aborted" };
    for (let round = 0; round < (o.rounds ?? 1); round++) {
      last = await s.run(req);
      if (!asExpected(last, req.expected)) break;
    }
    return last;
  });
  if (outcome !== null) adapter.record(outcome);
  return outcome;
}
