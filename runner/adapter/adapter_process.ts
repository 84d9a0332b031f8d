// One running adapter process, below the protocol: lines in and out, deadlines, and every way a process can
// fail (cannot start, exits, goes silent, talks out of turn) as a named error. It knows nothing of scenarios;
// runner/adapter/session.ts, its only user, turns its lines into checked protocol outcomes.
import type { ChildProcess } from "node:child_process";
import { AdapterExited, AdapterTimedOut, ProtocolError, RequestAborted } from "./errors.js";
import { groupRunning, killGroup, killEscapees, spawnTracked, type Launch } from "./children.js";
import { adapterEnvironment } from "./environment.js";
import { LineSplitter, MAX_LINE_CHARS } from "./line_splitter.js";
import { SHUTDOWN_LINE, cutLine } from "./protocol.js";
import { TailBuffer } from "./tail_buffer.js";

/**
 * The stderr that belongs to one request, as offsets into the stream: what was read after the event-loop
 * turn that read the previous reply, up to the end of the turn that read this one. An adapter writes its
 * stderr before the reply that follows it, so when the reply is readable that stderr is too, and is read in
 * the same turn: no wall-clock grace, which a loaded machine would stretch. Two pipes cannot tell the order
 * of bytes read in one turn, so replies read in the same turn share their stderr; a session therefore keeps
 * one request in flight while its adapter writes to stderr (Session.depth), and then each request's stderr
 * is its own.
 */
export interface StderrWindow {
  readonly from: Promise<number>;
  readonly to: Promise<number>;
}

/** A reply line; how long the adapter took over it, from when it was due (sent, and every earlier reply in) to its arrival; its stderr. */
export interface Reply {
  readonly line: string;
  readonly ms: number;
  readonly stderr: StderrWindow;
  /** Which reply this was, counting from the hello's (1): what "before" and "after" mean for other ids. */
  readonly number: number;
}

/** After a failure, how long stderr may still arrive (a crashing process's last words) before it is read. */
const STDERR_DRAIN_MS = 200;
/** stderr kept per adapter process, and shown per outcome at most. */
const STDERR_KEPT = 256 * 1024;
const STDERR_SHOWN = 4096;

interface Waiter {
  readonly label: string;
  readonly id: string | null;
  resolve(reply: Reply): void;
  reject(err: Error): void;
  readonly timeoutMs: number;
  /** Set only while the waiter is at the head of the queue: a reply's deadline starts when it is next due. */
  timer: NodeJS.Timeout | null;
  /** When it became due: sent, and every earlier request answered. */
  due: number;
  /** Set once its deadline was given again, because its reply had started to arrive when it passed. */
  extended?: boolean;
}

/** How many answered request ids to remember for recognising an extra reply. */
const PIPELINE_MEMORY = 64;
/** How long an adapter gets to exit after shutdown before it is killed. */
const SHUTDOWN_GRACE_MS = 1000;
/** After the process exits, how long to wait for its last stdout bytes before giving up on them. */
const DRAIN_MS = 200;
/**
 * While a reply is awaited, how often an empty write checks that the adapter still reads its stdin. The
 * runner's end of stdin is a socket (libuv makes a socketpair), and writing to it, even nothing, fails with
 * EPIPE once the adapter has closed its end: without this, a request it can no longer read waited for the
 * whole --timeout.
 */
const STDIN_PROBE_MS = 250;
/**
 * After a timeout, the line sent to see whether the answer was only waiting for more input: a hello, valid
 * whatever came before, padded with JSON whitespace to 1 MiB so that it also fills any block a port reads
 * stdin in (C's fread, a fixed-size read).
 */
const FURTHER_LINE = `{"type":"hello","protocol":1${" ".repeat(1 << 20)}}\n`;
/** How long each step of that diagnosis waits: the request's own deadline, within bounds about hangs, not speed. */
const diagnosisWaitMs = (timeoutMs: number) => Math.min(Math.max(timeoutMs, 250), 2000);
const NOTHING = Buffer.alloc(0);
function spawnProblem(program: string, err: NodeJS.ErrnoException): string {
  if (err.code === "ENOENT") return `cannot start ${JSON.stringify(program)}: no such command or file`;
  if (err.code === "EACCES") return `cannot start ${JSON.stringify(program)}: not executable (EACCES)`;
  return `cannot start ${JSON.stringify(program)}: ${err.message}`;
}

/** How a process ended: its exit code, or the signal that killed it. */
export interface ExitStatus {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
}

function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
}

export class AdapterProcess {
  private readonly stderr = new TailBuffer(STDERR_KEPT, STDERR_SHOWN);
  private readonly stderrClosed: Promise<void>;
  /** The stderr offset at the end of the last turn that read a reply. */
  private lastTurnEnd = 0;
  /** The turn reading replies now: where its stderr starts, and its end once the turn is over. */
  private turn: { readonly start: number; readonly end: Promise<number> } | null = null;
  /** Where the stderr of the turn that read the last reply started: a failure's stderr starts there. */
  private lastReplyFrom = 0;
  /** Replies read so far, the hello's included. */
  private replies = 0;
  /** The stderr window of the request that failed last, for failureStderr. */
  private failedWindow: StderrWindow = { from: Promise.resolve(0), to: Promise.resolve(0) };
  private readonly splitter: LineSplitter;
  /**
   * Requests in flight, oldest first. R-PROTO-3 lets the runner pipeline: replies come one per request, in
   * order, so the next line always answers the head. Sending ahead hides the round trip of every request.
   */
  private readonly waiters: Waiter[] = [];
  /** A line that came while nothing was asked; the next request fails with it, or else close() reports it. */
  private unsolicited: string | null = null;
  private unsolicitedReported = false;
  /** What the last request was about, to say after which reply an unasked-for line came. */
  private lastLabel = "hello";
  /** Ids of the last few answered requests: what they were about, and the number of the reply that answered them. */
  private readonly answered = new Map<string, { label: string; reply: number }>();
  private exit: string | null = null;
  /** How the process ended, once it has: what R-PROTO-9 judges. */
  private status: ExitStatus | null = null;
  private readonly exited: Promise<void>;
  private spawnError: NodeJS.ErrnoException | null = null;
  /** Set once the runner has sent shutdown: what the adapter does to its stdin after that is its own business. */
  private closing = false;
  /** The empty write of STDIN_PROBE_MS, while a reply is awaited. */
  private stdinProbe: NodeJS.Timeout | null = null;

  private constructor(
    private readonly child: ChildProcess,
    private readonly program: string,
  ) {
    this.splitter = new LineSplitter(
      (line) => this.onLine(line),
      () => {
        // R-PROTO-1 sets no limit, but the runner must have one: past it the adapter is stopped, not followed.
        this.kill();
        this.failAll(new ProtocolError(`adapter wrote a line longer than ${MAX_LINE_CHARS} characters, the runner's limit for one line; the adapter was killed`));
      },
    );
    child.stdout!.on("data", (chunk: Buffer) => {
      this.stdoutBytes += chunk.length;
      this.splitter.push(chunk);
    });
    child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk));
    this.stderrClosed = new Promise((resolve) => child.stderr!.once("close", resolve));
    // A write fails with EPIPE once the adapter has closed its stdin. An adapter that died did so too, and the
    // exit handler says how it died; one still running after the drain time closed its stdin itself, and can
    // read no more requests: it is stopped at once, not waited for until --timeout.
    child.stdin!.on("error", () => {
      if (this.closing) return;
      setTimeout(() => {
        if (this.exit !== null || this.closing) return;
        this.kill();
        this.failAll(new ProtocolError("adapter closed its stdin while still running, so it can read no more requests (R-PROTO-3); the adapter was killed"));
      }, DRAIN_MS).unref();
    });
    const stdoutEnded = new Promise<void>((resolve) => child.stdout!.once("close", resolve));
    void stdoutEnded.then(() => {
      // stdout closes just before a normal exit too; only an adapter still running after the drain time has
      // really closed it, and can answer nothing more.
      setTimeout(() => {
        if (this.exit !== null) return;
        this.kill();
        this.failAll(new ProtocolError("adapter closed its stdout while still running, so it can answer nothing more (R-PROTO-2); the adapter was killed"));
      }, DRAIN_MS).unref();
    });
    this.exited = new Promise<void>((resolve) => {
      child.once("error", (err: NodeJS.ErrnoException) => {
        this.spawnError = err;
        // start() words this from spawnError; the text here only has to say the process is unusable.
        this.exit = `could not be started (${err.code ?? err.message})`;
        this.failAll(new AdapterExited(`adapter ${this.exit}`));
        resolve();
      });
      child.once("exit", (code, signal) => {
        // Kill the group too: an adapter's own children must not outlive it.
        killGroup(child);
        this.exit = describeExit(code, signal);
        this.status = { code, signal };
        // The timer is cleared once stdout closes: left running, it would hold the runner's exit for DRAIN_MS.
        let timer: NodeJS.Timeout | undefined;
        const drained = new Promise<void>((r) => (timer = setTimeout(r, DRAIN_MS)));
        void Promise.race([stdoutEnded.then(() => true), drained.then(() => false)]).then((ended) => {
          clearTimeout(timer);
          // Still open after the process is gone: something it started outside its group (setsid) holds the
          // pipe. It is killed, and the pipes are let go, so that nothing keeps the runner from exiting.
          if (!ended) {
            killEscapees(child);
            child.stdout!.destroy();
            child.stderr!.destroy();
          }
          this.failAll(new AdapterExited(`adapter ${this.exit}`));
          resolve();
        });
      });
    });
  }

  /** Spawns the adapter; a failure to spawn shows as `spawnProblem` once the process has exited. */
  static spawn(launch: Launch): AdapterProcess {
    // A known environment, not the runner's: what a port's answers may not depend on (R-PROTO-11).
    const p = new AdapterProcess(spawnTracked(launch, "pipe", adapterEnvironment(process.env)), launch.argv[0] ?? "");
    p.chunked = launch.chunked === true;
    return p;
  }

  private chunked = false;

  /**
   * Writes a line as a reader must be ready for it to arrive: in pieces of 1, 2, 3, 5, 8, ... bytes at first,
   * then in 65,521-byte ones (a prime, so pieces never line up with a buffer size), each its own write.
   */
  private writeChunked(data: Buffer): void {
    let at = 0;
    let [a, b] = [1, 2];
    while (at < data.length) {
      const size = at < 4096 ? a : 65_521;
      this.child.stdin!.write(data.subarray(at, at + size));
      at += size;
      [a, b] = [b, a + b];
    }
  }

  /** Why the program could not be started at all (no such file, not executable), or null. */
  get spawnProblem(): string | null {
    return this.spawnError === null ? null : spawnProblem(this.program, this.spawnError);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  /** Resolves once the process has exited and its last output was read. */
  get done(): Promise<void> {
    return this.exited;
  }

  /** Ends stdin without a shutdown line: after a protocol version mismatch the runner sends nothing else (R-PROTO-5). */
  endInput(): void {
    this.child.stdin!.end();
  }

  /**
   * Sends one line and resolves with the adapter's reply to it; earlier requests still in flight are answered
   * first. Rejects when the reply is not there `timeoutMs` after it became due.
   */
  request(line: string | Buffer, timeoutMs: number, label = "hello", id: string | null = null): Promise<Reply> {
    if (this.unsolicited !== null) {
      const extra = this.unsolicited;
      this.unsolicitedReported = true;
      return Promise.reject(new ProtocolError(`adapter wrote a line nobody asked for, after its reply to ${this.lastLabel} (R-PROTO-3), line: ${cutLine(extra)}`));
    }
    if (this.exit !== null) return Promise.reject(new AdapterExited(`adapter ${this.exit}`));
    return new Promise<Reply>((resolve, reject) => {
      this.waiters.push({ label, id, resolve, reject, timeoutMs, timer: null, due: 0 });
      if (this.waiters.length === 1) this.armHead();
      this.stdinProbe ??= setInterval(() => {
        if (this.waiters.length > 0 && this.exit === null) this.child.stdin!.write(NOTHING);
        else this.stopProbe();
      }, STDIN_PROBE_MS).unref();
      const data = typeof line === "string" ? `${line}\n` : Buffer.concat([line, Buffer.from("\n")]);
      if (this.chunked) this.writeChunked(typeof data === "string" ? Buffer.from(data) : data);
      else this.child.stdin!.write(data);
    });
  }

  private stopProbe(): void {
    if (this.stdinProbe !== null) clearInterval(this.stdinProbe);
    this.stdinProbe = null;
  }

  private armHead(): void {
    const head = this.waiters[0];
    if (head === undefined || head.timer !== null) return;
    head.due = performance.now();
    // R-PROTO-3 asks for one reply per request; silence past the deadline means it is stuck or silent. Kill it,
    // once the diagnosis has said which.
    head.timer = setTimeout(() => void this.deadline(head), head.timeoutMs);
  }

  /** Bytes read from stdout so far. */
  private stdoutBytes = 0;

  /**
   * A deadline has passed on the runner's clock. Timers run before I/O is read in each turn of the event
   * loop, so when the runner itself was held up (a busy machine, a long computation of its own) the reply may
   * be waiting in the pipe already: it is read first, and a reply that has started to arrive gets the
   * deadline once more, instead of a timeout blamed on the adapter.
   */
  private async deadline(head: Waiter): Promise<void> {
    const read = this.stdoutBytes;
    await new Promise((resolve) => setImmediate(resolve));
    if (this.waiters[0] !== head || this.exit !== null) return;
    if (this.stdoutBytes > read && !head.extended) {
      head.extended = true;
      head.timer = setTimeout(() => void this.deadline(head), head.timeoutMs);
      return;
    }
    await this.timedOut(head.timeoutMs);
  }

  /** Lines that came while a timeout was diagnosed: evidence, not replies. Null when none is. */
  private late: string[] | null = null;
  private lateCame: (() => void) | null = null;

  private async timedOut(timeoutMs: number): Promise<void> {
    this.late = [];
    this.stopProbe();
    const finding = await this.whySilent(timeoutMs);
    this.kill();
    this.late = null;
    this.failAll(new AdapterTimedOut(`no answer within ${timeoutMs / 1000} s (--timeout)${finding === null ? "" : `; ${finding}`}; the adapter was killed`, finding));
  }

  /**
   * Why an adapter that is not computing gave no answer. Both a port that waits for more input than the line
   * (R-PROTO-3) and one that never flushes stdout (R-PROTO-2) look alike until the runner acts: one more line
   * brings the first's answer out, only the end of stdin (and the exit it leads to) the second's, and with
   * nothing at all written the two cannot be told apart. Null while some thread of it runs: it is computing,
   * and more input would show nothing.
   */
  private async whySilent(timeoutMs: number): Promise<string | null> {
    if (groupRunning(this.child) === true) return null;
    const waitMs = diagnosisWaitMs(timeoutMs);
    const came = () => new Promise<void>((resolve) => (this.lateCame = resolve));
    const within = (p: Promise<unknown>) => {
      let timer: NodeJS.Timeout | undefined;
      return Promise.race([p, new Promise<void>((r) => (timer = setTimeout(r, waitMs)))]).finally(() => clearTimeout(timer));
    };
    const sent = performance.now();
    this.child.stdin!.write(FURTHER_LINE);
    await within(came());
    if (this.late!.length > 0) {
      return `the answer came ${((performance.now() - sent) / 1000).toFixed(2)} s after one more line was sent: the adapter waits for more input than the line before answering it (R-PROTO-3)`;
    }
    this.closing = true;
    this.child.stdin!.end();
    await within(this.exited);
    if (this.late!.length > 0) return `the answer came only once its stdin was closed${this.exit === null ? "" : " and it exited"}: it does not flush stdout after each reply (R-PROTO-2), or it reads all of its input before answering (R-PROTO-3)`;
    return `nothing came after one more line and the end of its stdin either: it is stuck, or it wrote its answer into a stdout buffer it never flushes (R-PROTO-2)`;
  }

  private onLine(line: string): void {
    if (this.late !== null) {
      this.late.push(line);
      this.lateCame?.();
      return;
    }
    const w = this.waiters.shift();
    if (w === undefined) {
      this.unsolicited ??= line;
      return;
    }
    if (this.waiters.length === 0) this.stopProbe();
    if (w.timer !== null) clearTimeout(w.timer);
    this.lastLabel = w.label;
    if (w.id !== null) {
      this.answered.set(w.id, { label: w.label, reply: this.replies + 1 });
      if (this.answered.size > PIPELINE_MEMORY) this.answered.delete(this.answered.keys().next().value!);
    }
    const now = performance.now();
    this.armHead();
    this.replies++;
    w.resolve({ line, ms: now - w.due, stderr: this.stderrWindow(), number: this.replies });
  }

  /**
   * The request a reply's unexpected id belongs to, as things stood when that reply came (`number`): answered
   * before it (a second reply to it) or still waiting then (a reply that overtook the one due). Replies are
   * checked after later ones may have arrived, so "now" would mix the two up.
   */
  requestsAsOf(number: number): { answered(id: string): string | undefined; pending(id: string): string | undefined } {
    return {
      answered: (id) => {
        const a = this.answered.get(id);
        return a !== undefined && a.reply < number ? a.label : undefined;
      },
      pending: (id) => {
        const a = this.answered.get(id);
        if (a !== undefined) return a.reply > number ? a.label : undefined;
        return this.waiters.find((w) => w.id === id)?.label;
      },
    };
  }

  /** The head gets `err`; requests queued behind it were never answered, so they fail as aborted. */
  private failAll(err: Error): void {
    // While a timeout is diagnosed, its outcome is the diagnosis's to give (timedOut), whatever else happens.
    if (this.late !== null) return;
    this.stopProbe();
    const [head, ...rest] = this.waiters.splice(0);
    if (head === undefined) return;
    // A process that dies may still be writing its last words; they are read until stderr closes, briefly.
    const drained = Promise.race([this.stderrClosed, new Promise((r) => setTimeout(r, STDERR_DRAIN_MS).unref())]);
    this.failedWindow = { from: Promise.resolve(this.lastReplyFrom), to: drained.then(() => this.stderr.total) };
    for (const w of [head, ...rest]) if (w.timer !== null) clearTimeout(w.timer);
    const partial = this.splitter.partial;
    head.reject(partial === "" || !(err instanceof AdapterExited) ? err : new AdapterExited(`${err.message}, leaving an unfinished line: ${cutLine(partial)}`));
    for (const w of rest) w.reject(new RequestAborted("an earlier request in flight failed"));
  }

  /** The stderr window of a reply read now: that of the current turn. */
  private stderrWindow(): StderrWindow {
    this.turn ??= {
      start: this.lastTurnEnd,
      // setImmediate runs after every I/O callback of this turn, so the turn's stderr has been read by then.
      end: new Promise((resolve) =>
        setImmediate(() => {
          this.lastTurnEnd = this.stderr.total;
          this.turn = null;
          resolve(this.lastTurnEnd);
        }),
      ),
    };
    this.lastReplyFrom = this.turn.start;
    return { from: Promise.resolve(this.turn.start), to: this.turn.end };
  }

  /** Whether the adapter has answered anything besides the hello. */
  get answeredARequest(): boolean {
    return this.replies > 1;
  }

  async stderrOf(window: StderrWindow): Promise<string> {
    return this.stderr.text(await window.from, await window.to);
  }

  /** The stderr of the request that failed last (timed out, exited, broke the protocol). */
  failureStderr(): Promise<string> {
    return this.stderrOf(this.failedWindow);
  }

  /** Whether the process has written anything to stderr. */
  get wroteStderr(): boolean {
    return this.stderr.total > 0;
  }

  /** Everything still held: for a process that never got as far as a request. */
  stderrTail(): string {
    return this.stderr.text();
  }

  get alive(): boolean {
    return this.exit === null;
  }

  kill(): void {
    killGroup(this.child);
  }

  /**
   * R-PROTO-9, judged: ends the conversation by a shutdown line (stdin left open) or by closing stdin, and
   * returns how the process exited, or null when it was still running after `withinMs` (it is then killed).
   */
  async finish(how: "shutdown" | "eof", withinMs: number): Promise<ExitStatus | null> {
    this.closing = true;
    this.stopProbe();
    if (this.exit === null) {
      if (how === "shutdown") this.child.stdin!.write(`${SHUTDOWN_LINE}\n`);
      else this.child.stdin!.end();
      let timer: NodeJS.Timeout | undefined;
      await Promise.race([this.exited, new Promise<void>((r) => (timer = setTimeout(r, withinMs)))]);
      clearTimeout(timer);
    }
    const status = this.status;
    this.kill();
    this.child.stdin!.destroy();
    await this.exited;
    return status;
  }

  /**
   * R-PROTO-9: shutdown, then the process group is killed after a grace period whatever it does. Returns the
   * problem with a line the adapter wrote after its reply to the last request (before or after the
   * shutdown), which no later request is there to be failed by (R-PROTO-3); null when there was none, or when
   * the process was already gone.
   */
  async close(): Promise<string | null> {
    const wasRunning = this.exit === null;
    this.closing = true;
    this.stopProbe();
    if (wasRunning) {
      this.child.stdin!.write(`${SHUTDOWN_LINE}\n`);
      this.child.stdin!.end();
      const grace = new Promise<void>((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref());
      await Promise.race([this.exited, grace]);
    }
    this.kill();
    await this.exited;
    if (!wasRunning || this.unsolicited === null || this.unsolicitedReported) return null;
    return `adapter wrote a line nobody asked for, after its reply to ${this.lastLabel}, the last request it was sent (R-PROTO-3), line: ${cutLine(this.unsolicited)}`;
  }
}
