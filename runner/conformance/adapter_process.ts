// One running adapter: a child process spoken to in protocol v1 over stdin and stdout (SPEC.md section 7).
// This module knows processes, lines and deadlines, not scenarios: it hands back the raw reply line and
// turns every way a process can fail (cannot start, exits, goes silent, talks out of turn) into a named error.
import { spawn, type ChildProcess } from "node:child_process";
import path from "node:path";
import type { HelloReply } from "../../reference/index.js";
import { killGroup, track } from "./children.js";
import { AdapterExited, AdapterStartFailed, AdapterTimedOut, ProtocolError, RequestAborted } from "./errors.js";
import { LineSplitter } from "./line_splitter.js";
import { HELLO_LINE, PROTOCOL_VERSION, SHUTDOWN_LINE, cutLine, parseAdapterLine } from "./protocol.js";
import { TailBuffer } from "./tail_buffer.js";

export interface Launch {
  /** Run without a shell. "node" means the Node running the runner, so PATH cannot pick another. */
  readonly argv: readonly string[];
  readonly cwd: string;
}

interface Waiter {
  readonly label: string;
  readonly id: string | null;
  resolve(line: string): void;
  reject(err: Error): void;
  readonly timeoutMs: number;
  /** Set only while the waiter is at the head of the queue: a reply's deadline starts when it is next due. */
  timer: NodeJS.Timeout | null;
}

/** How many answered request ids to remember for recognising an extra reply. */
const PIPELINE_MEMORY = 64;
/** How long an adapter gets to exit after shutdown before it is killed. */
const SHUTDOWN_GRACE_MS = 1000;
/** After the process exits, how long to wait for its last stdout bytes before giving up on them. */
const DRAIN_MS = 200;
/**
 * The hello gets at least this long whatever --timeout says: a JVM or a tsx-compiled adapter can take a few
 * seconds to start on a loaded CI machine, and a short --timeout is meant for stuck scenarios, not startup.
 */
export const MIN_HELLO_TIMEOUT_MS = 10_000;

function spawnProblem(program: string, err: NodeJS.ErrnoException): string {
  if (err.code === "ENOENT") return `cannot start ${JSON.stringify(program)}: no such command or file`;
  if (err.code === "EACCES") return `cannot start ${JSON.stringify(program)}: not executable (EACCES)`;
  return `cannot start ${JSON.stringify(program)}: ${err.message}`;
}

/**
 * The file to execute for argv[0] of a registry or --exec command: "node" is the Node running the runner (so
 * PATH cannot pick another), a path with "/" is relative to cwd, anything else is looked up on PATH.
 */
export function executable(program: string, cwd: string): string {
  return program === "node" ? process.execPath : program.includes("/") ? path.resolve(cwd, program) : program;
}

export function describeExit(code: number | null, signal: NodeJS.Signals | null): string {
  return signal ? `was killed by ${signal}` : `exited with code ${code}`;
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

export class AdapterProcess {
  private readonly stderr = new TailBuffer();
  private readonly splitter: LineSplitter;
  /**
   * Requests in flight, oldest first. R-PROTO-3 lets the runner pipeline: replies come one per request, in
   * order, so the next line always answers the head. Sending ahead hides the round trip of every request.
   */
  private readonly waiters: Waiter[] = [];
  /** A line that came while nothing was asked; the next request fails with it. */
  private unsolicited: string | null = null;
  /** What the last request was about, to say after which reply an unasked-for line came. */
  private lastLabel = "hello";
  /** Ids of the last few answered requests, with what they were about. */
  private readonly answered = new Map<string, string>();
  private exit: string | null = null;
  private readonly exited: Promise<void>;
  private spawnError: NodeJS.ErrnoException | null = null;

  private constructor(private readonly child: ChildProcess) {
    this.splitter = new LineSplitter((line) => this.onLine(line));
    child.stdout!.on("data", (chunk: Buffer) => this.splitter.push(chunk));
    child.stderr!.on("data", (chunk: Buffer) => this.stderr.push(chunk));
    // A write to an adapter that just died fails with EPIPE; the exit handler reports it, so swallow it here.
    child.stdin!.on("error", () => {});
    const stdoutEnded = new Promise<void>((resolve) => child.stdout!.once("close", resolve));
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
        // The timer is cleared once stdout closes: left running, it would hold the runner's exit for DRAIN_MS.
        let timer: NodeJS.Timeout | undefined;
        const drained = new Promise<void>((r) => (timer = setTimeout(r, DRAIN_MS)));
        void Promise.race([stdoutEnded, drained]).then(() => {
          clearTimeout(timer);
          this.failAll(new AdapterExited(`adapter ${this.exit}`));
          resolve();
        });
      });
    });
  }

  /** Spawns the adapter and completes the hello handshake; throws AdapterStartFailed, once, saying why. */
  static async start(launch: Launch, timeoutMs: number): Promise<{ process: AdapterProcess; hello: HelloReply }> {
    const [program, ...args] = launch.argv;
    if (program === undefined) throw new AdapterStartFailed("the adapter's argv is empty");
    const child = spawn(executable(program, launch.cwd), args, { cwd: launch.cwd, detached: true, stdio: ["pipe", "pipe", "pipe"] });
    track(child);
    const proc = new AdapterProcess(child);
    let line: string;
    const helloTimeoutMs = Math.max(timeoutMs, MIN_HELLO_TIMEOUT_MS);
    try {
      line = await proc.request(HELLO_LINE, helloTimeoutMs);
    } catch (err) {
      proc.kill();
      await proc.exited;
      const why =
        proc.spawnError !== null
          ? spawnProblem(program, proc.spawnError)
          : err instanceof AdapterTimedOut
            ? `no answer to hello within ${helloTimeoutMs / 1000} s (R-PROTO-5)`
            : err instanceof AdapterExited
              ? `${err.message.replace(/^adapter /, "")} before answering hello`
              : (err as Error).message;
      throw new AdapterStartFailed(why, proc.stderrTail());
    }
    // The version is checked before the schema: an adapter speaking another version may well send another shape.
    const version = peekProtocol(line);
    if (typeof version === "number" && version !== PROTOCOL_VERSION) {
      // R-PROTO-5: after a version mismatch the runner sends nothing else, so no shutdown either.
      proc.child.stdin!.end();
      proc.kill();
      await proc.exited;
      throw new AdapterStartFailed(`adapter speaks protocol ${version}, this runner speaks protocol ${PROTOCOL_VERSION} (R-PROTO-5)`, proc.stderrTail());
    }
    let hello: HelloReply;
    try {
      const message = parseAdapterLine(line);
      if (message.type !== "hello") throw new ProtocolError(`answered hello with a ${message.type} message, line: ${cutLine(line)}`);
      hello = message;
    } catch (err) {
      await proc.close();
      throw new AdapterStartFailed(`bad hello reply: ${(err as Error).message}`, proc.stderrTail());
    }
    return { process: proc, hello };
  }

  /**
   * Sends one line and resolves with the adapter's reply to it; earlier requests still in flight are answered
   * first. Rejects when the reply is not there `timeoutMs` after it became due.
   */
  request(line: string, timeoutMs: number, label = "hello", id: string | null = null): Promise<string> {
    if (this.unsolicited !== null) {
      const extra = this.unsolicited;
      return Promise.reject(new ProtocolError(`adapter wrote a line nobody asked for, after its reply to ${this.lastLabel} (R-PROTO-3), line: ${cutLine(extra)}`));
    }
    if (this.exit !== null) return Promise.reject(new AdapterExited(`adapter ${this.exit}`));
    return new Promise<string>((resolve, reject) => {
      this.waiters.push({ label, id, resolve, reject, timeoutMs, timer: null });
      if (this.waiters.length === 1) this.armHead();
      this.child.stdin!.write(`${line}\n`);
    });
  }

  /** In flight and not yet answered. */
  get pending(): number {
    return this.waiters.length;
  }

  private armHead(): void {
    const head = this.waiters[0];
    if (head === undefined || head.timer !== null) return;
    head.timer = setTimeout(() => {
      // R-PROTO-3 asks for one reply per request; silence past the deadline means it is stuck. Kill it.
      this.kill();
      this.failAll(new AdapterTimedOut(`no answer within ${head.timeoutMs / 1000} s (--timeout); the adapter was killed`));
    }, head.timeoutMs);
  }

  private onLine(line: string): void {
    const w = this.waiters.shift();
    if (w === undefined) {
      this.unsolicited ??= line;
      return;
    }
    if (w.timer !== null) clearTimeout(w.timer);
    this.lastLabel = w.label;
    if (w.id !== null) {
      this.answered.set(w.id, w.label);
      if (this.answered.size > PIPELINE_MEMORY) this.answered.delete(this.answered.keys().next().value!);
    }
    this.armHead();
    w.resolve(line);
  }

  /**
   * The request a recent reply id belongs to. A line that repeats an answered id is an extra line: with
   * requests pipelined it arrives where the next reply was due, and is worth naming as what it is.
   */
  answeredRequest(id: string): string | undefined {
    return this.answered.get(id);
  }

  /** The head gets `err`; requests queued behind it were never answered, so they fail as aborted. */
  private failAll(err: Error): void {
    const [head, ...rest] = this.waiters.splice(0);
    if (head === undefined) return;
    for (const w of [head, ...rest]) if (w.timer !== null) clearTimeout(w.timer);
    const partial = this.splitter.partial;
    head.reject(partial === "" || err instanceof AdapterTimedOut ? err : new AdapterExited(`${err.message}, leaving an unfinished line: ${cutLine(partial)}`));
    for (const w of rest) w.reject(new RequestAborted("an earlier request in flight failed"));
  }

  stderrTail(): string {
    return this.stderr.text();
  }

  get alive(): boolean {
    return this.exit === null;
  }

  kill(): void {
    killGroup(this.child);
  }

  /** R-PROTO-9: shutdown, then the process group is killed after a grace period whatever it does. */
  async close(): Promise<void> {
    if (this.exit === null) {
      this.child.stdin!.write(`${SHUTDOWN_LINE}\n`);
      this.child.stdin!.end();
      const grace = new Promise<void>((r) => setTimeout(r, SHUTDOWN_GRACE_MS).unref());
      await Promise.race([this.exited, grace]);
    }
    this.kill();
    await this.exited;
  }
}
