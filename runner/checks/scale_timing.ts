// The scale check's growth verdict (R-PROTO-12), from figures already measured: no clock is read here, so
// the tests feed it recorded numbers. The figures are the adapter's CPU time where the system gives it
// (runner/adapter/cpu_time.ts), which a busy machine barely moves, else wall time; each size's is the best
// of its runs. The growth is the slope of a least-squares line through log(time) against log(steps), over
// every size, so no single size measured in a lull or a burst decides it.

/** What the times were measured with. */
export type Clock = "cpu" | "wall";

/** One size, measured: the best of its runs. */
export interface SizeTime {
  readonly steps: number;
  /** The best run's time on the round's clock. */
  readonly ms: number;
  /** How many runs it is the best of. */
  readonly runs: number;
}

/** A size whose run was stopped at its limits (Limits), with how much CPU it had used by then (null: unknown). */
export interface DeadlineHit {
  readonly steps: number;
  readonly wallMs: number;
  readonly cpuMs: number | null;
}

/** One measurement of every size, in order of size, up to one that hit its deadline. */
export interface Round {
  readonly clock: Clock;
  readonly sizes: readonly SizeTime[];
  readonly hit: DeadlineHit | null;
}

/**
 * The steepest growth allowed: time as steps^1.5, 31.6x per 10x steps. A linear port fits about 1.0 (0.8 to
 * 1.26 here under load, lower where start-up costs weigh on the small size, higher where a big store leaves
 * the cache); a port that replays the log at each rejoin fits 1.68 to 2.02.
 */
export const MAX_EXPONENT = 1.5;
/**
 * From here on the growth is called quadratic, and R-REJOIN-2 read literally named as its likely cause: a
 * quadratic cost beside the linear one fits 1.68 to 2.02 over 10^4 to 10^5 steps (the quadratic port of the
 * load test, 30 runs), so "near 2" starts well below 2.
 */
export const QUADRATIC_EXPONENT = 1.65;
/**
 * Below this at the largest size a port is fast enough whatever its growth: start-up, clock-tick (10 ms of
 * CPU time) and scheduling noise dominate tiny times. Wall time, stretched by load, needs the higher floor.
 */
export const FLOOR_MS: Readonly<Record<Clock, number>> = { cpu: 500, wall: 2000 };
/** The least time of a size that the fit uses (runner/adapter/cpu_time.ts reads CPU time in 10 ms ticks). */
export const MIN_FIT_MS = 100;
/**
 * How much longer than the band allows a size may run in wall time before it is stopped: the band is in
 * the adapter's own time, and a machine 4x busier than the one that measured the smaller size stretches
 * wall time about 5x (ten runnable processes on two cores), bursts more.
 */
export const LOAD_ALLOWANCE = 8;

/** Growth per 10x steps of a fitted exponent. */
export const per10x = (exponent: number): number => 10 ** exponent;

/** The least-squares slope of log(ms) on log(steps): the exponent k of time ~ steps^k. Needs two sizes or more. */
export function fitExponent(sizes: readonly SizeTime[]): number {
  const pts = sizes.map((s) => ({ x: Math.log(s.steps), y: Math.log(Math.max(s.ms, 1)) }));
  const mx = pts.reduce((a, p) => a + p.x, 0) / pts.length;
  const my = pts.reduce((a, p) => a + p.y, 0) / pts.length;
  const sxx = pts.reduce((a, p) => a + (p.x - mx) ** 2, 0);
  const sxy = pts.reduce((a, p) => a + (p.x - mx) * (p.y - my), 0);
  return sxx === 0 ? 0 : sxy / sxx;
}

/** The size measured before: its steps and its best times (cpuMs null where the system gives none). */
export interface Previous {
  readonly steps: number;
  readonly wallMs: number;
  readonly cpuMs: number | null;
}

/** When the check stops a run of a size: a wall-clock deadline, and a CPU budget (null: none). */
export interface Limits {
  readonly wallMs: number;
  readonly cpuMs: number | null;
}

/**
 * The limits of a run of `steps`, after `previous`. The deadline is what the band allows, times the load
 * allowance, and never less than --timeout or the wall floor: a run that reaches it is stopped and judged
 * by the CPU it had used. The budget is quadratic growth from the size below's best: a run that passes it
 * has proved a growth of at least steps^2 without running to its end (a linear port's first run of a size,
 * even after a warm-up, used up to 1.5x its best here: 5x the size below's best for 3x the steps, against 9x).
 */
export function limits(previous: Previous, steps: number, timeoutMs: number): Limits {
  const ratio = steps / previous.steps;
  return {
    wallMs: Math.max(timeoutMs, FLOOR_MS.wall, previous.wallMs * ratio ** MAX_EXPONENT * LOAD_ALLOWANCE),
    cpuMs: previous.cpuMs === null ? null : Math.max(FLOOR_MS.cpu, previous.cpuMs * ratio ** 2),
  };
}

/**
 * The limits of the smallest size, which has no size below to scale from: --timeout of CPU, and that times
 * the load allowance of wall time. A bare --timeout of wall time failed the quadratic port's 10^4 steps
 * (0.25 s of CPU) as "no answer within 10 s" at a load average of 37 on 2 cores.
 */
export function firstLimits(timeoutMs: number): Limits {
  return { wallMs: timeoutMs * LOAD_ALLOWANCE, cpuMs: timeoutMs };
}

/** How far past the band a first run may be and still be a linear port's cold run: past it, no second run is needed to know. */
const COLD_RUN = 1.5;

/**
 * Whether a run of `steps` that took `ms` (on the clock of `previous.cpuMs`, else wall) is so far past the
 * band that running the size again, to find its best, cannot bring it back inside: a quadratic port's
 * largest size is then run once per round, not two or three times.
 */
export function pastBand(previous: Previous, steps: number, ms: number): boolean {
  return ms > (previous.cpuMs ?? previous.wallMs) * (steps / previous.steps) ** MAX_EXPONENT * COLD_RUN;
}

export type Verdict =
  /** Within the band, or too fast at the largest size to matter. */
  | { readonly kind: "linear"; readonly exponent: number | null; readonly fast: boolean }
  /** Past the band: fitted, or proved by the CPU a stopped run had already used (`atLeast`). */
  | { readonly kind: "not-linear"; readonly exponent: number; readonly atLeast: boolean }
  /** A run stopped at its deadline without having used the CPU that would prove anything. */
  | { readonly kind: "too-slow" }
  /** Fewer than two sizes measured (one broke): nothing to fit. */
  | { readonly kind: "none" };

/** The verdict of one round. */
export function judge(round: Round): Verdict {
  const { sizes, hit } = round;
  if (hit !== null) {
    const below = sizes.at(-1);
    // CPU time proves what wall time cannot: a run that had already used more of it than the band allows
    // would have taken at least that long on an idle machine.
    if (round.clock === "cpu" && below !== undefined && hit.cpuMs !== null && hit.cpuMs >= FLOOR_MS.cpu) {
      const atLeast = Math.log(hit.cpuMs / Math.max(below.ms, 1)) / Math.log(hit.steps / below.steps);
      if (atLeast > MAX_EXPONENT) return { kind: "not-linear", exponent: atLeast, atLeast: true };
    }
    return { kind: "too-slow" };
  }
  if (sizes.length < 2) return { kind: "none" };
  // Sizes of a few clock ticks are left out of the fit: 30 ms of CPU is 3 ticks, known to a third.
  const fitted = sizes.filter((s) => s.ms >= MIN_FIT_MS);
  const exponent = fitExponent(fitted.length >= 2 ? fitted : sizes);
  if (sizes.at(-1)!.ms < FLOOR_MS[round.clock] || fitted.length < 2) return { kind: "linear", exponent, fast: true };
  return exponent > MAX_EXPONENT ? { kind: "not-linear", exponent, atLeast: false } : { kind: "linear", exponent, fast: false };
}

/**
 * The verdict of a check that re-measures before it condemns: `second` is the round measured again when the
 * first was not linear (null when it was). A port is failed only when both rounds say it is not linear; one
 * linear round of two clears it, since load can only make a port look slower, never faster.
 */
export function confirm(first: Verdict, second: Verdict | null): Verdict {
  if (second === null || first.kind === "linear" || first.kind === "none") return first;
  if (second.kind === "linear" || second.kind === "none") return second;
  if (first.kind === "not-linear" && second.kind === "not-linear") return second.exponent <= first.exponent ? second : first;
  return { kind: "too-slow" };
}

const secs = (ms: number): string => `${(ms / 1000).toFixed(ms < 10_000 ? 2 : 1)} s`;
const exp = (k: number): string => `steps^${k.toFixed(2)}`;

/** The figures of a round, as the report shows them beside the band. */
export function describeRound(round: Round): string {
  const what = round.clock === "cpu" ? "CPU time of the adapter's processes" : "wall time (this system gives no per-process CPU time)";
  const runs = [...new Set(round.sizes.map((s) => s.runs))].sort();
  const sizes = round.sizes.map((s) => `${secs(s.ms)} at ${s.steps}`);
  if (round.hit !== null) sizes.push(`stopped after ${secs(round.hit.wallMs)} at ${round.hit.steps}${round.hit.cpuMs === null ? "" : `, having used ${secs(round.hit.cpuMs)} of CPU`}`);
  return `${what}, best of ${runs.join(" or ")} runs: ${sizes.join(", ")}`;
}

export const BAND = `the band is at most ${exp(MAX_EXPONENT)} (${per10x(MAX_EXPONENT).toFixed(1)}x per 10x steps)`;

/** The one-line reason of the growth result: the verdict, the measured growth beside the band, the figures. */
export function explain(verdict: Verdict, rounds: readonly Round[], literal: string): string {
  const last = rounds.at(-1)!;
  const figures = describeRound(last);
  const first = rounds.length > 1 ? judge(rounds[0]!) : null;
  const remeasured = first === null ? "" : `; re-measured, since a first measurement ${first.kind === "not-linear" ? `gave ${first.atLeast ? "at least " : ""}${exp(first.exponent)}` : "was stopped at its deadline"}`;
  switch (verdict.kind) {
    case "linear":
      return `grows as ${exp(verdict.exponent ?? 0)} (${per10x(verdict.exponent ?? 0).toFixed(1)}x per 10x steps)${verdict.fast ? `, under ${secs(FLOOR_MS[last.clock])} at the largest size so not judged` : ""}; ${BAND}; ${figures}${remeasured}`;
    case "not-linear": {
      // R-REJOIN-2 is named only for a growth near or past quadratic, the shape its literal reading has.
      const cause = verdict.exponent >= QUADRATIC_EXPONENT ? literal : "R-PROTO-12";
      const growth = verdict.atLeast ? `grows as at least ${exp(verdict.exponent)}, by the CPU it had used when stopped` : `grows as ${exp(verdict.exponent)} (${per10x(verdict.exponent).toFixed(1)}x per 10x steps)`;
      return `not linear: ${growth}, twice measured; ${BAND}; ${figures}${remeasured} (${cause})`;
    }
    case "too-slow":
      return `too slow to judge: a run was stopped at its deadline before its CPU time showed anything, so its growth is not known (a machine this busy, or a port much slower than linear); ${figures}${remeasured}; give more time with --timeout (R-PROTO-12)`;
    case "none":
      return "not judged: fewer than two sizes were measured";
  }
}
