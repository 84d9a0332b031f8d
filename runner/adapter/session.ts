// The conversation with one adapter process (SPEC.md section 7), and the only way any part of the kit talks
// to an adapter: conformance, fuzzing and the benchmark all send their requests here. Each request returns
// one typed outcome: a result, a refusal (the adapter's own `error` reply, after which it keeps serving), a
// broken adapter (timeout, exit, a line that is not JSON or not a protocol message, a wrong id or shape;
// the process is then killed), or an abort (queued behind a request that broke it: never answered, so it
// is to be sent again). Every reply line goes through runner/adapter/protocol.ts's checks here and nowhere else.
import type { AdapterMessage, DecodedSnapshotJson, HelloReply, NormalizedScenario, SnapshotEntry, TraceEntry } from "../../reference/index.js";
import { AdapterExited, AdapterStartFailed, AdapterTimedOut, ProtocolError, RequestAborted } from "./errors.js";
import { AdapterProcess, type ExitStatus, type StderrWindow } from "./adapter_process.js";
import { cpuTimeMs } from "./cpu_time.js";
import type { Launch } from "./children.js";
import { HELLO_LINE, PROTOCOL_VERSION, checkDecodeReply, checkRunReply, cutLine, decodeLine, isCanonicalPass, parseAdapterLine, runLine } from "./protocol.js";

/**
 * The hello gets at least this long whatever --timeout says: a short --timeout is meant for stuck scenarios,
 * not startup. The deadline is about an adapter that never answers, not a slow start: a tsx-compiled adapter
 * that answers in 1.4 s on an idle 2-core machine took more than 11 s at load 14, and a JVM starts slower
 * still. Later starts of the same adapter get more when its first start was slow (helloTimeoutFor).
 */
export const MIN_HELLO_TIMEOUT_MS = 20_000;

/**
 * How many times its first hello's time a later start of the same adapter is given: a machine that made the
 * first start slow may be busier still at the next (a bursty CI runner), and a start missed there is a whole
 * adapter given up for the machine's sake.
 */
export const HELLO_GROWTH_ALLOWED = 10;

/** The hello deadline of a start: the floor, --timeout, and for a later start, its first start's time scaled. */
export function helloTimeoutFor(timeoutMs: number, firstHelloMs: number | null): number {
  return Math.max(timeoutMs, MIN_HELLO_TIMEOUT_MS, firstHelloMs === null ? 0 : Math.ceil(HELLO_GROWTH_ALLOWED * firstHelloMs));
}

/** What the runner asks a session to run: the run request's fields (schema/protocol.schema.json's RunRequest is the wire form), with the scenario's text made once and the snapshots expected back. */
export interface ScenarioToRun {
  /** The scenario's name, sent to the adapter and used in messages. */
  readonly name: string;
  readonly scenario: NormalizedScenario;
  /** JSON.stringify(scenario), made once per scenario however often it is sent. */
  readonly scenarioText: string;
  readonly trace: boolean;
  /**
   * The expected snapshots, when known: a reply that is exactly the canonical passing result is then taken
   * without parsing (isCanonicalPass), which for a passing port is most of the runner's work per reply.
   */
  readonly expected?: readonly SnapshotEntry[];
  /** Read the adapter's CPU time around the request (the scale check's measure): a result then has `cpuMs`. */
  readonly measureCpu?: boolean;
}

interface Timing {
  /** The adapter's own time for the request: from when it was due (sent, earlier replies in) to its reply. */
  readonly durationMs: number;
  /** The adapter's stderr to show beside this outcome. */
  readonly stderr: string;
  /**
   * The CPU time (user + system) the adapter's process tree spent on the request, when it was asked for
   * (ScenarioToRun.measureCpu) and the system offers it (runner/adapter/cpu_time.ts).
   */
  readonly cpuMs?: number;
}

/** A request that broke the adapter (it is killed), or one queued behind such a request (to be sent again). */
type Broken = ({ kind: "broken"; reason: string; timedOut: boolean } & Timing) | { kind: "aborted" };

/** How an adapter answered a line that is not a valid request: `refused` is the right answer (R-PROTO-10). */
export type ProbeOutcome = ({ kind: "refused"; message: string } & Timing) | ({ kind: "wrong"; reason: string } & Timing) | Broken;

/** How an adapter answered a decode request (R-PROTO-13): a verdict, a refusal, or a broken adapter. */
export type DecodeOutcome =
  | ({ kind: "decoded"; snapshot: DecodedSnapshotJson } & Timing)
  | ({ kind: "rejected"; rule: string; message: string } & Timing)
  | ({ kind: "refused"; message: string } & Timing)
  | Broken;

export type RunOutcome = ({ kind: "result"; snapshots: readonly SnapshotEntry[]; trace?: TraceEntry[] } & Timing) | ({ kind: "refused"; message: string } & Timing) | Broken;

let requestCounter = 0;
/** Unique per request across the whole process, so a reply can never be mistaken for another's. */
function nextId(): string {
  return String(++requestCounter);
}

/** The protocol number of a hello reply, read without trusting the rest of its shape. */
function peekProtocol(line: string): unknown {
  try {
    const m = JSON.parse(line) as { type?: unknown; protocol?: unknown } | null;
    return m !== null && typeof m === "object" && m.type === "hello" ? m.protocol : undefined;
  } catch {
    return undefined;
  }
}

export class Session {
  private constructor(
    private readonly proc: AdapterProcess,
    readonly hello: HelloReply,
    private readonly timeoutMs: number,
    /** From spawn to the hello's reply: what later starts of the adapter are given time by (helloTimeoutFor). */
    readonly helloMs: number,
  ) {}

  /**
   * Spawns the adapter and completes the hello handshake (R-PROTO-5); throws AdapterStartFailed saying why.
   * `firstHelloMs`, the time of the adapter's first hello when this is a later start, lengthens the deadline.
   */
  static async start(launch: Launch, timeoutMs: number, firstHelloMs: number | null = null): Promise<Session> {
    if (launch.argv.length === 0 || launch.argv[0] === "") throw new AdapterStartFailed("the adapter's command is empty");
    const started = performance.now();
    const proc = AdapterProcess.spawn(launch);
    const helloTimeoutMs = helloTimeoutFor(timeoutMs, firstHelloMs);
    let line: string;
    try {
      line = (await proc.request(HELLO_LINE, helloTimeoutMs)).line;
    } catch (err) {
      proc.kill();
      await proc.done;
      const why =
        proc.spawnProblem ??
        (err instanceof AdapterTimedOut
          ? `no answer to hello within ${helloTimeoutMs / 1000} s (R-PROTO-5)${err.finding === null ? "" : `; ${err.finding}`}`
          : err instanceof AdapterExited
            ? `${err.message.replace(/^adapter /, "")} before answering hello`
            : (err as Error).message);
      throw new AdapterStartFailed(why, proc.stderrTail());
    }
    // The version is checked before the schema: an adapter speaking another version may well send another shape.
    const version = peekProtocol(line);
    if (typeof version === "number" && version !== PROTOCOL_VERSION) {
      // R-PROTO-5: after a version mismatch the runner sends nothing else, so no shutdown either.
      proc.endInput();
      proc.kill();
      await proc.done;
      throw new AdapterStartFailed(`adapter speaks protocol ${version}, this runner speaks protocol ${PROTOCOL_VERSION} (R-PROTO-5)`, proc.stderrTail());
    }
    try {
      const message = parseAdapterLine(line);
      if (message.type !== "hello") throw new ProtocolError(`answered hello with a ${message.type} message, line: ${cutLine(line)}`);
      return new Session(proc, message, timeoutMs, performance.now() - started);
    } catch (err) {
      await proc.close();
      throw new AdapterStartFailed(`bad hello reply: ${(err as Error).message}`, proc.stderrTail());
    }
  }

  /** Runs one scenario. Never throws for anything the adapter does. */
  async run(req: ScenarioToRun): Promise<RunOutcome> {
    const id = nextId();
    const label = req.trace ? `${req.name} (with trace)` : req.name;
    let reply;
    const cpuBefore = req.measureCpu === true ? this.cpuTimeMs() : null;
    const sent = performance.now();
    try {
      reply = await this.proc.request(runLine(id, req.name, req.trace, req.scenarioText), this.timeoutMs, label, id);
    } catch (err) {
      return this.broken(err, performance.now() - sent);
    }
    const cpuAfter = cpuBefore === null ? null : this.cpuTimeMs();
    const cpu = cpuBefore !== null && cpuAfter !== null ? { cpuMs: cpuAfter - cpuBefore } : {};
    // A passing reply's stderr is nobody's concern, and waiting for the end of its turn would slow every pass.
    if (req.expected !== undefined && !req.trace && isCanonicalPass(reply.line, id, req.expected)) return { kind: "result", snapshots: req.expected, durationMs: reply.ms, stderr: "", ...cpu };
    try {
      const checked = checkRunReply(reply.line, { id, name: label, trace: req.trace, scenario: req.scenario, expected: req.expected }, this.proc.requestsAsOf(reply.number));
      const timing = { durationMs: reply.ms, stderr: await this.proc.stderrOf(reply.stderr), ...cpu };
      // R-PROTO-8: a well-formed refusal; the adapter is fine and keeps running.
      if (checked.type === "error") return { kind: "refused", message: checked.message, ...timing };
      return { kind: "result", snapshots: checked.snapshots, ...(checked.trace ? { trace: checked.trace } : {}), ...timing };
    } catch (err) {
      return this.broken(err, reply.ms, reply.stderr);
    }
  }

  /** Asks the adapter to decode `hex` (R-PROTO-13); `name` says what it is, in messages. Never throws for anything the adapter does. */
  async decode(name: string, hex: string): Promise<DecodeOutcome> {
    const id = nextId();
    const sent = performance.now();
    let reply;
    try {
      reply = await this.proc.request(decodeLine(id, hex), this.timeoutMs, name, id);
    } catch (err) {
      return this.broken(err, performance.now() - sent);
    }
    try {
      const checked = checkDecodeReply(reply.line, { id, name }, this.proc.requestsAsOf(reply.number));
      const timing = { durationMs: reply.ms, stderr: checked.type === "error" ? await this.proc.stderrOf(reply.stderr) : "" };
      if (checked.type === "error") return { kind: "refused", message: checked.message, ...timing };
      if (checked.type === "rejected") return { kind: "rejected", rule: checked.rule, message: checked.message, ...timing };
      return { kind: "decoded", snapshot: checked.snapshot, ...timing };
    } catch (err) {
      return this.broken(err, reply.ms, reply.stderr);
    }
  }

  /**
   * Sends a line that is not a valid request (R-PROTO-10) and checks that the one reply is an `error` with
   * the id `expectedId`. Never throws for anything the adapter does.
   */
  async probe(line: string | Buffer, label: string, expectedId: string | null): Promise<ProbeOutcome> {
    const sent = performance.now();
    let reply;
    try {
      reply = await this.proc.request(line, this.timeoutMs, label, expectedId);
    } catch (err) {
      return this.broken(err, performance.now() - sent);
    }
    const timing = { durationMs: reply.ms, stderr: await this.proc.stderrOf(reply.stderr) };
    let message: AdapterMessage;
    try {
      message = parseAdapterLine(reply.line);
    } catch (err) {
      return this.broken(err, reply.ms, reply.stderr);
    }
    if (message.type !== "error") return { kind: "wrong", reason: `answered with a ${message.type} message instead of an error (R-PROTO-10), line: ${cutLine(reply.line)}`, ...timing };
    if (message.id !== expectedId) return { kind: "wrong", reason: `answered with an error whose id is ${JSON.stringify(message.id)}, expected ${JSON.stringify(expectedId)} (R-PROTO-10)`, ...timing };
    return { kind: "refused", message: message.message, ...timing };
  }

  /** A request that broke the adapter: the process is killed, so the owner starts another for what comes next. */
  private async broken(err: unknown, durationMs = 0, window?: StderrWindow): Promise<Broken> {
    if (err instanceof RequestAborted) return { kind: "aborted" };
    if (!(err instanceof AdapterTimedOut || err instanceof AdapterExited || err instanceof ProtocolError)) throw err;
    this.proc.kill();
    const reason = err instanceof AdapterExited ? `${err.message} mid-scenario (R-PROTO-8: an adapter must not crash)` : err.message;
    const stderr = await (window === undefined ? this.proc.failureStderr() : this.proc.stderrOf(window));
    return { kind: "broken", reason, timedOut: err instanceof AdapterTimedOut, durationMs, stderr };
  }

  /**
   * How many requests to keep in flight, at most `wanted`: one until the first has been answered, and one
   * while the adapter writes to stderr, so that each outcome's stderr is its request's own (StderrWindow); an
   * adapter that writes nothing there keeps the pipeline that hides a round trip per request.
   */
  depth(wanted: number): number {
    return this.proc.wroteStderr || !this.proc.answeredARequest ? 1 : wanted;
  }

  get alive(): boolean {
    return this.proc.alive;
  }

  /**
   * The CPU time the adapter's process tree has used so far, in ms, or null where the system does not say
   * (runner/adapter/cpu_time.ts): for a caller that must read it while a request is still running.
   */
  cpuTimeMs(): number | null {
    return this.proc.alive ? cpuTimeMs(this.proc.pid) : null;
  }

  /** The process id, for measuring it (the benchmark reads its peak memory). */
  get pid(): number {
    return this.proc.pid;
  }

  kill(): void {
    this.proc.kill();
  }

  /** Ends the session by a shutdown line (stdin left open) or by closing stdin, and says how the process exited (R-PROTO-9); null: it did not within `withinMs`. */
  finish(how: "shutdown" | "eof", withinMs: number): Promise<ExitStatus | null> {
    return this.proc.finish(how, withinMs);
  }

  /**
   * R-PROTO-9: shutdown, then the process group is killed after a grace period whatever it does. Returns the
   * protocol error of a line written after the reply to the last request (R-PROTO-3), which no later request
   * is there to be failed by, or null.
   */
  close(): Promise<string | null> {
    return this.proc.close();
  }
}
