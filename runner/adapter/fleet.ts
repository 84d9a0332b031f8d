// The adapters of one command, from plan to shutdown: which ones (the registry, --adapter, --exec), built
// when stale, started, restarted after they break, and given up when they keep timing out. Conformance,
// fuzzing, the benchmark and `rsm build` all get their adapters here, so a port that cannot be built or
// started is reported the same way by every command: NOT RUN with its reason when its toolchain or a
// library is missing and it was not asked for by name, an adapter problem otherwise.
import { shown, type HelloReply } from "../../reference/index.js";
import { AdapterStartFailed } from "./errors.js";
import type { AdapterFatal } from "../model.js";
import type { Launch } from "./children.js";
import { loadRegistry } from "./registry.js";
import { Session, type DecodeOutcome, type RunOutcome, type ScenarioToRun } from "./session.js";
import { buildIfStale, planTargets, type PlannedTarget } from "./targets.js";

/**
 * Timeouts after which an adapter is given up, in all (not only in a row: an adapter that answers once and
 * then hangs, every time it is started, would otherwise never reach a streak). Each costs a whole --timeout,
 * so a run against a stuck adapter ends within three of them.
 */
export const MAX_TIMEOUTS = 3;

/**
 * Starts tried per session a --jobs worker opens (runner/adapter/pipeline.ts) before that worker stops. A start
 * can fail for the machine's sake, not the port's: 256 processes starting at once on two cores let one miss
 * its hello deadline, and that one slow start gave the whole adapter up.
 */
export const START_ATTEMPTS = 3;

export interface FleetOptions {
  /** Registered adapters by name (empty: all), or instead these --exec command lines. */
  readonly adapters: readonly string[];
  readonly execs: readonly (readonly string[])[];
  /** Build stale registered adapters first. */
  readonly build: boolean;
  /** Start each adapter once built; `rsm build` only builds. */
  readonly start: boolean;
  readonly timeoutMs: number;
  /** Progress of builds, one line each. */
  note(line: string): void;
}

/** One adapter of a fleet. */
export class FleetAdapter {
  /** The registered name, or for --exec the name its hello gives. */
  name: string;
  hello: HelloReply | null = null;
  /** Why it runs no more scenarios; set once, by the first problem that stops it. */
  fatal: AdapterFatal | null = null;
  built = false;
  /** Built (when asked) and, when asked, its first session started: null when `fatal` says why not. */
  readonly ready: Promise<Session | null>;
  private timeouts = 0;
  /** How long the first session took to answer hello: later starts are given time by it (session.ts, helloTimeoutFor). */
  private firstHelloMs: number | null = null;
  /** The session `run` uses; --jobs workers open more with `open`. */
  private current: Session | null = null;
  /** Set by stop(): nothing more is built or started, whatever is still on its way. */
  private stopped = false;
  /** The first line a session wrote after its reply to the last request (R-PROTO-3), found at its close. */
  private lateLine: string | null = null;
  private lateLineTaken = false;

  constructor(
    readonly target: PlannedTarget,
    private readonly root: string,
    private readonly o: FleetOptions,
  ) {
    this.name = target.name;
    this.ready = this.prepare();
  }

  get command(): string {
    return this.target.command;
  }

  /** The run's deadline for each reply (--timeout); a second try (second_try.ts) waits longer. */
  get timeoutMs(): number {
    return this.o.timeoutMs;
  }

  get features(): ReadonlySet<string> {
    return new Set(this.hello?.features ?? []);
  }

  /**
   * Builds and starts nothing more from now on. A run that ends early (a usage error found once the fleet had
   * started, a bad golden) kills every process it has (children.ts's killAll); an adapter still checking
   * whether its build is stale would otherwise start after that, and hold the run open with nobody to end it.
   */
  stop(): void {
    this.stopped = true;
  }

  private async prepare(): Promise<Session | null> {
    if (this.o.build) {
      const b = await buildIfStale(this.root, this.target, this.o.note, () => this.stopped);
      this.built = b.built;
      if (b.fatal) {
        this.fatal = b.fatal;
        return null;
      }
    }
    if (!this.o.start || this.stopped) return null;
    try {
      const session = await Session.start(this.target.launch, this.o.timeoutMs);
      this.hello = session.hello;
      this.firstHelloMs = session.helloMs;
      // An --exec adapter goes by the name in its hello; that is also what its expected-failure lines say.
      // Shown escaped and cut: it is the adapter's own text, and may hold anything (R-PROTO-5 fixes no form).
      if (this.target.fromExec) this.name = shown(session.hello.name, 64);
      this.current = session;
      return session;
    } catch (err) {
      if (!(err instanceof AdapterStartFailed)) throw err;
      this.fatal = { kind: "start", message: err.message, output: err.stderrTail || null, optional: false };
      return null;
    }
  }

  /**
   * Another session, after one broke or for another --jobs process; null, with `fatal` set, when the adapter
   * cannot be started again. `before` names what it was needed for.
   */
  async open(before: string, timeoutMs = this.o.timeoutMs, variant: Pick<Launch, "env" | "chunked"> = {}): Promise<Session | null> {
    if (this.fatal !== null || this.stopped) return null;
    try {
      return this.admit(await Session.start({ ...this.target.launch, ...variant }, timeoutMs, this.firstHelloMs));
    } catch (err) {
      if (!(err instanceof AdapterStartFailed)) throw err;
      this.fatal ??= { kind: "restart", message: `could not start the adapter again, before ${before}: ${err.message}`, output: err.stderrTail || null, optional: false };
      return null;
    }
  }

  /**
   * A later session, if its hello is the first one's: every process of an adapter says the same hello
   * (R-PROTO-5, R-PROTO-11), since what the runner concluded from the first (features, and for --exec the
   * adapter's name) holds for all its processes. One that differs is a protocol error that gives the adapter
   * up: the session is killed and null returned.
   */
  private admit(session: Session): Session | null {
    const first = this.hello;
    if (first === null) return session;
    const h = session.hello;
    const features = (f: readonly string[]) => JSON.stringify([...f].sort());
    const changed =
      h.name !== first.name
        ? `name ${JSON.stringify(shown(first.name, 64))}, then ${JSON.stringify(shown(h.name, 64))}`
        : h.version !== first.version
          ? `version ${JSON.stringify(shown(first.version, 64))}, then ${JSON.stringify(shown(h.version, 64))}`
          : features(h.features) !== features(first.features)
            ? `features [${shown(first.features.join(", "), 200)}], then [${shown(h.features.join(", "), 200)}]`
            : null;
    if (changed === null) return session;
    session.kill();
    this.fatal ??= {
      kind: "restart",
      message: `a later process of the adapter said another hello than the first: ${changed} (R-PROTO-5, R-PROTO-11: every process of an adapter gives the same hello); the adapter was given up`,
      output: null,
      optional: false,
    };
    return null;
  }

  /** What a closed session said about a line written after its last reply (Session.close), kept once per adapter. */
  noteClosed(problem: string | null): void {
    if (problem !== null) this.lateLine ??= problem;
  }

  /** That line's problem, the first time it is asked for: it is reported once per adapter. */
  takeLateLine(): string | null {
    if (this.lateLine === null || this.lateLineTaken) return null;
    this.lateLineTaken = true;
    return this.lateLine;
  }

  /**
   * A session for a --jobs worker or a second try (second_try.ts), tried up to START_ATTEMPTS times: the session, or the last start failure
   * (the adapter is not given up: the worker decides, knowing whether other sessions work), or null once the
   * adapter has been given up meanwhile.
   */
  async startSession(timeoutMs = this.o.timeoutMs, variant: Pick<Launch, "env" | "chunked"> = {}): Promise<Session | AdapterStartFailed | null> {
    let failure: AdapterStartFailed | null = null;
    for (let attempt = 0; attempt < START_ATTEMPTS && this.fatal === null; attempt++) {
      try {
        // A hello that changed gives the adapter up (admit): null, like any other reason it was given up.
        return this.admit(await Session.start({ ...this.target.launch, ...variant }, timeoutMs, this.firstHelloMs));
      } catch (err) {
        if (!(err instanceof AdapterStartFailed)) throw err;
        failure = err;
      }
    }
    return this.fatal === null ? failure : null;
  }

  /** Gives the adapter up when no session can be started for it: `failure` after START_ATTEMPTS tries, before `before`. */
  giveUpStarting(before: string, failure: AdapterStartFailed): void {
    this.fatal ??= {
      kind: "restart",
      message: `could not start the adapter again, before ${before} (${START_ATTEMPTS} attempts): ${failure.message}`,
      output: failure.stderrTail || null,
      optional: false,
    };
  }

  /** Counts timeouts; after MAX_TIMEOUTS the adapter is given up. */
  record(outcome: RunOutcome | DecodeOutcome): void {
    if (outcome.kind !== "broken" || !outcome.timedOut) return;
    if (++this.timeouts >= MAX_TIMEOUTS) {
      this.fatal ??= {
        kind: "timeouts",
        message: `gave up after ${this.timeouts} timeouts (the budget is ${MAX_TIMEOUTS} per adapter, each costing --timeout); the remaining scenarios were not run`,
        output: null,
        optional: false,
      };
    }
  }

  /**
   * One request on the adapter's own session, started again when the last one broke: for callers that send
   * one request at a time (fuzzing, the benchmark). Null once the adapter is given up.
   */
  run(req: ScenarioToRun): Promise<RunOutcome | null> {
    return this.one(req.name, (s) => s.run(req));
  }

  /**
   * Kills the adapter's own session, so that the next `run` starts a fresh process: the fuzzer's next
   * scenario must not be blamed for what a failed one left behind (a second reply, a line after its reply).
   */
  discard(): void {
    this.current?.kill();
    this.current = null;
  }

  /** One decode request (R-PROTO-13) on the adapter's own session, as `run`. */
  decode(name: string, hex: string): Promise<DecodeOutcome | null> {
    return this.one(name, (s) => s.decode(name, hex));
  }

  private async one<T extends RunOutcome | DecodeOutcome>(name: string, send: (s: Session) => Promise<T>): Promise<T | null> {
    await this.ready;
    for (;;) {
      if (this.current === null || !this.current.alive) this.current = await this.open(name);
      if (this.current === null) return null;
      const outcome = await send(this.current);
      this.record(outcome);
      // A session that broke has been killed, but its exit is seen only later: until then it still looks
      // alive, and the next request sent to it failed on what it wrote before it died.
      if (outcome.kind === "broken") this.current = null;
      if (outcome.kind !== "aborted") return outcome;
    }
  }

  /** Shuts down the adapter's own session (sessions from `open` are their opener's to close). */
  async close(): Promise<void> {
    await this.ready;
    this.noteClosed((await this.current?.close()) ?? null);
    this.current = null;
  }
}

/**
 * The adapters a command line names, nothing started yet: the registry read, --adapter checked. Usage errors
 * (an unknown --adapter, a malformed registry) throw here, so a command can check all its other input after
 * it and still before any adapter starts.
 */
export async function planFleet(root: string, o: Pick<FleetOptions, "adapters" | "execs">): Promise<PlannedTarget[]> {
  const registry = o.execs.length > 0 ? [] : await loadRegistry(root);
  return planTargets(root, registry, o.adapters, o.execs);
}

/** Starts building and starting every planned adapter at once; each adapter's `ready` says when it can be used. */
export function startFleet(root: string, targets: readonly PlannedTarget[], o: FleetOptions): FleetAdapter[] {
  return targets.map((t) => new FleetAdapter(t, root, o));
}

/** planFleet, then startFleet. */
export async function openFleet(root: string, o: FleetOptions): Promise<FleetAdapter[]> {
  return startFleet(root, await planFleet(root, o), o);
}

/** Whether an adapter that cannot run fails the command: not when only its toolchain or a library is missing. */
export function failsTheRun(fatal: AdapterFatal | null): boolean {
  return fatal !== null && !fatal.optional;
}
