// The one worker loop of the runner: every stream of requests an adapter serves (the corpus's run requests,
// the decode phase's decode requests) goes through it. Up to `depth` requests are in flight per session
// (R-PROTO-3 allows pipelining), a request that an earlier one's failure left unanswered is sent again first,
// and a session that broke is replaced by a new one from the fleet. A worker that cannot start a session
// (after the fleet's retries) hands its items back and stops while another worker goes on; only the last
// worker gives the adapter up.
import type { AdapterStartFailed } from "./errors.js";
import type { FleetAdapter } from "./fleet.js";
import { Session } from "./session.js";

/**
 * Requests in flight per session. Waiting for each reply before sending the next costs a pipe round trip per
 * request, which for small scenarios is most of the time.
 */
export const PIPELINE_DEPTH = 16;

/**
 * What an answer means for the stream: `done` (the caller has recorded it), `resend` (never answered: an
 * earlier request broke the process), `restart` (recorded, but the session is gone: everything sent after
 * it went to a dead process and is sent again on a new one).
 */
export type Fate = "done" | "resend" | "restart";

/** A stream of `count` items for one adapter; the pipeline decides when each is sent and on which session. */
export interface Work<T, A> {
  readonly count: number;
  /** Item i, or null when there is nothing to send for it (the caller has recorded why, e.g. a skip). */
  item(i: number): Promise<T | null>;
  /** What a new session is opened for, should item `t` need one (for the fleet's messages). */
  label(t: T): string;
  send(session: Session, t: T): Promise<A>;
  /** Records the answer and says what it means for the session. */
  settle(i: number, t: T, answer: A): Fate;
  /** True once nothing more should be sent (--bail, a bad golden); items not sent are left out. */
  halted(): boolean;
}

export interface PipelineOptions {
  /** Sessions (adapter processes) working at once. */
  readonly jobs: number;
  /** A session already started (the one that said hello), given to the first worker. */
  readonly first?: Session | null;
}

/** Sends every item of `work` to `adapter` until all are settled, the adapter is given up, or the work halts. */
export async function runPipeline<T, A>(adapter: FleetAdapter, work: Work<T, A>, o: PipelineOptions): Promise<void> {
  let next = 0;
  const retry: number[] = [];
  const take = (): number | undefined => retry.shift() ?? (next < work.count ? next++ : undefined);
  // Each process gets at most its share in flight, so one worker cannot claim a small stream alone.
  const depth = Math.max(1, Math.min(PIPELINE_DEPTH, Math.ceil(work.count / o.jobs)));
  const sending = () => adapter.fatal === null && !work.halted();
  const workers = Math.min(o.jobs, Math.max(1, work.count));
  // Workers that may still take an item: one leaves this count at the moment it takes its last look at the
  // queue, so an item handed back while it is counted is always taken by someone.
  let taking = workers;
  // Workers starting a session with an item in hand, which they hand back if the start fails: a worker that
  // finds the queue empty waits for them (`settled`) rather than leave such an item to nobody.
  let starting = 0;
  let wake = () => {};
  let settled = new Promise<void>((resolve) => (wake = resolve));
  const startSettled = () => {
    starting--;
    wake();
    settled = new Promise<void>((resolve) => (wake = resolve));
  };

  const worker = async (initial: Session | null) => {
    let session = initial;
    // Set when this worker could not start a session: it takes nothing more, settles what it has in flight, and stops.
    let cannotStart: { before: string; failure: AdapterStartFailed } | null = null;
    const inflight: { i: number; t: T; answer: Promise<A> }[] = [];
    for (;;) {
      while (cannotStart === null && sending() && inflight.length < (session?.depth(depth) ?? depth)) {
        const i = take();
        if (i === undefined) break;
        const t = await work.item(i);
        if (t === null) continue;
        // Items are read while the stream goes on: a bad golden found meanwhile halts it.
        if (!sending()) break;
        if (session === null || !session.alive) {
          starting++;
          const started = await adapter.startSession();
          // Never sent: back to the queue, for another worker (or for nobody once the adapter is given up).
          if (!(started instanceof Session)) retry.unshift(i);
          startSettled();
          if (!(started instanceof Session)) {
            if (started !== null) cannotStart = { before: work.label(t), failure: started };
            break;
          }
          session = started;
        }
        inflight.push({ i, t, answer: work.send(session, t) });
      }
      const head = inflight.shift();
      if (head === undefined) {
        if (cannotStart === null && starting > 0 && sending()) {
          await settled;
          continue;
        }
        // The last worker that could take the items it handed back cannot start a session either.
        if (cannotStart !== null && taking === 1 && sending()) adapter.giveUpStarting(cannotStart.before, cannotStart.failure);
        taking--;
        break;
      }
      const fate = work.settle(head.i, head.t, await head.answer);
      if (fate === "resend") retry.unshift(head.i);
      else if (fate === "restart") {
        session?.kill();
        session = null;
        retry.unshift(...inflight.splice(0).map((r) => r.i));
      }
    }
    adapter.noteClosed((await session?.close()) ?? null);
  };

  await Promise.all(Array.from({ length: workers }, (_, k) => worker(k === 0 ? (o.first ?? null) : null)));
}
