// Every file the kit reads as input comes through here: scenarios, goldens, decode inputs, reports, expected-
// failure lists, the adapter registry. Each is checked to be a regular file before it is opened, and read
// with a size limit, so that no input can hang the kit or exhaust its memory:
// - a FIFO blocks open() until a writer comes, in a thread the process then cannot exit past (Node joins its
//   thread pool on exit: `rsm conformance --expected-failures FIFO` ignored SIGTERM), and a synchronous read
//   blocks the main thread, where no signal handler runs;
// - a device such as /dev/zero never ends (validate read 8.8 GB of it in 37 s);
// - a regular file past V8's largest string (2^29 - 24 characters) ended as "internal error: Invalid string
//   length", or a 600 MB scenario as "not UTF-8 at byte -1".
// Standard input is read only where a command means it, as the explicit argument `-`.
import { closeSync, constants, fstatSync, lstatSync, openSync, readSync, statSync, type Stats } from "node:fs";
import { open, stat, type FileHandle } from "node:fs/promises";
import { InvalidInput } from "./errors.js";

const MiB = 1024 * 1024;

/** How much of one kind of input the kit reads, and what it calls that kind in a message. */
export interface FileLimit {
  readonly bytes: number;
  /** "a scenario file": the message says "over the limit of N bytes (M MiB) for a scenario file". */
  readonly what: string;
}

// The limits, each in this one place with its reason; docs/porting.md, docs/corpus.md and docs/ci.md state
// them. Every file read whole is below V8's largest string, 512 MiB less 24 characters, by a margin for
// what parsing it then costs.

/**
 * Authored scenarios (validate, vectors, --scenario, trace) and the scenario files annotations point into.
 * The kit's largest, the 10^6-step scaling scenario, is 47 MB of JSON; the corpus's largest is under 1 MB.
 */
export const SCENARIO_FILE: FileLimit = { bytes: 256 * MiB, what: "a scenario file" };

/**
 * Golden vectors, of scenarios and of decode (the runner's corpus, vectors --check, golden-text, the corpus
 * hash): a golden is its normalized scenario plus every snapshot in hex, so it gets more room than a
 * scenario. The kit's largest, the linear-time guard's 10^6 steps, is 90 MB.
 */
export const GOLDEN_FILE: FileLimit = { bytes: 384 * MiB, what: "a golden vector" };

/** rsm decode's file: the hex of a 128 MiB snapshot, or 256 MiB raw. */
export const DECODE_FILE: FileLimit = { bytes: 256 * MiB, what: "a file rsm decode reads" };

/**
 * JSON reports read back (report merge, html, diff). A report carries the expected and actual hex of each
 * failure's first differing snapshot: every adapter failing every vector of today's corpus is about 13 MB
 * per adapter.
 */
export const REPORT_FILE: FileLimit = { bytes: 256 * MiB, what: "a JSON report" };

/**
 * --expected-failures and --update-expected-failures lists: hand-edited text, a line per known failure.
 * Every vector of the corpus for each of a hundred adapters is under 3 MB.
 */
export const LIST_FILE: FileLimit = { bytes: 16 * MiB, what: "an expected-failures list" };

/** The kit's own configuration (adapters/registry.json, vectors/tags.json, .gitattributes): a few KB each. */
export const CONFIG_FILE: FileLimit = { bytes: 1 * MiB, what: "a configuration file" };

/** "EACCES: permission denied, open '/x'" as "permission denied (EACCES)": the errno always named. */
export function describeFsError(err: unknown): string {
  const e = err as NodeJS.ErrnoException;
  const why = e?.message?.replace(/^[A-Z]+: /, "").replace(/, \w+ '.*'$/, "") ?? String(err);
  return e?.code ? `${why} (${e.code})` : why;
}

/**
 * A file that cannot be read as input: one line, `LABEL: REASON`, exit 2 like any invalid input. `code` is
 * the errno when the system refused it, else ENOTREG (not a regular file) or EFBIG (over its limit).
 */
export class FileRefused extends InvalidInput {
  constructor(
    readonly file: string,
    readonly reason: string,
    readonly code: string,
    label: string = file,
  ) {
    super([`${label}: ${reason}`]);
  }
}

/** What a file is when it is not a regular one: "a FIFO (named pipe)"; null for a regular file. */
function kindOf(info: Stats): string | null {
  if (info.isFile()) return null;
  if (info.isDirectory()) return "a directory";
  if (info.isFIFO()) return "a FIFO (named pipe)";
  if (info.isCharacterDevice()) return "a character device";
  if (info.isBlockDevice()) return "a block device";
  if (info.isSocket()) return "a socket";
  return "not a regular file";
}

function refuseKind(file: string, info: Stats, label: string): void {
  const kind = kindOf(info);
  if (kind !== null) throw new FileRefused(file, `${kind}; expected a regular file`, "ENOTREG", label);
}

function mib(bytes: number): string {
  return `${+(bytes / MiB).toFixed(3)} MiB`;
}

function overLimit(file: string, size: string, limit: FileLimit, label: string): FileRefused {
  return new FileRefused(file, `${size} bytes, over the limit of ${limit.bytes} bytes (${mib(limit.bytes)}) for ${limit.what}`, "EFBIG", label);
}

function refused(file: string, err: unknown, label: string): FileRefused {
  if (err instanceof FileRefused) return err;
  const code = (err as NodeJS.ErrnoException)?.code ?? "EIO";
  return new FileRefused(file, `cannot read: ${describeFsError(err)}`, code, label);
}

export interface ReadOptions {
  /** What the message names the file by (default the path): `--expected-failures x.txt`, `decode: "x"`. */
  readonly label?: string;
  /** `-` means standard input (only where a command documents it). */
  readonly stdin?: boolean;
}

// O_NONBLOCK: should the file turn into a FIFO between the stat and the open, opening it does not wait for a
// writer; the fstat after it then refuses it. It changes nothing for a regular file. O_NOCTTY: a terminal
// named as input never becomes the controlling one.
const OPEN_FLAGS = constants.O_RDONLY | (constants.O_NONBLOCK ?? 0) | (constants.O_NOCTTY ?? 0);

/** The buffer the read starts with: the size fstat gives, plus one byte to see the end (or growth) at once. */
function firstBuffer(size: number, limit: FileLimit): Buffer {
  return Buffer.allocUnsafe(Math.min(size, limit.bytes) + 1);
}

/** A buffer twice as large, at most the limit plus the one byte that shows a file over it. */
function grown(buf: Buffer, limit: FileLimit): Buffer {
  const next = Buffer.allocUnsafe(Math.min(Math.max(buf.length * 2, 64 * 1024), limit.bytes + 1));
  buf.copy(next);
  return next;
}

/**
 * The bytes of a regular file of at most `limit.bytes`; FileRefused (one line naming the file) when it is
 * missing or unreadable (the errno named), not a regular file (refused before it is opened), or larger
 * (refused before it is read when its size says so, or as soon as a growing file passes the limit).
 */
export async function readInputFile(file: string, limit: FileLimit, options: ReadOptions = {}): Promise<Buffer> {
  const label = options.label ?? file;
  if (file === "-" && options.stdin) return readStdin(limit, label);
  let handle: FileHandle | null = null;
  try {
    refuseKind(file, await stat(file), label);
    handle = await open(file, OPEN_FLAGS);
    const info = await handle.stat();
    refuseKind(file, info, label);
    if (info.size > limit.bytes) throw overLimit(file, String(info.size), limit, label);
    let buf = firstBuffer(info.size, limit);
    let n = 0;
    for (;;) {
      buf = roomFor(buf, n, file, limit, label);
      const { bytesRead } = await handle.read(buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > limit.bytes) throw overLimit(file, `more than ${limit.bytes}`, limit, label);
    return buf.subarray(0, n);
  } catch (err) {
    throw refused(file, err, label);
  } finally {
    await handle?.close().catch(() => {});
  }
}

/**
 * The buffer the next bytes are read into: `buf` while it has room, else a larger one. A file can grow while
 * it is read, so the limit is checked here too, not only against the size stat gave.
 */
function roomFor(buf: Buffer, n: number, file: string, limit: FileLimit, label: string): Buffer {
  if (n < buf.length) return buf;
  if (n > limit.bytes) throw overLimit(file, `more than ${limit.bytes}`, limit, label);
  return grown(buf, limit);
}

/** readInputFile as UTF-8 text (a malformed sequence becomes U+FFFD, as readFile(file, "utf8") did). */
export async function readInputText(file: string, limit: FileLimit, options: ReadOptions = {}): Promise<string> {
  return (await readInputFile(file, limit, options)).toString("utf8");
}

/**
 * readInputFile, synchronously, for the callers that read many small files where asynchronous reads cost
 * more than they read (the corpus's goldens). Safe on the main thread for the same reason: nothing that can
 * block is ever opened.
 */
export function readInputFileSync(file: string, limit: FileLimit, options: Omit<ReadOptions, "stdin"> = {}): Buffer {
  const label = options.label ?? file;
  let fd: number | null = null;
  try {
    refuseKind(file, statSync(file), label);
    fd = openSync(file, OPEN_FLAGS);
    const info = fstatSync(fd);
    refuseKind(file, info, label);
    if (info.size > limit.bytes) throw overLimit(file, String(info.size), limit, label);
    let buf = firstBuffer(info.size, limit);
    let n = 0;
    for (;;) {
      buf = roomFor(buf, n, file, limit, label);
      const bytesRead = readSync(fd, buf, n, buf.length - n, n);
      if (bytesRead === 0) break;
      n += bytesRead;
    }
    if (n > limit.bytes) throw overLimit(file, `more than ${limit.bytes}`, limit, label);
    return buf.subarray(0, n);
  } catch (err) {
    throw refused(file, err, label);
  } finally {
    if (fd !== null) closeSync(fd);
  }
}

export function readInputTextSync(file: string, limit: FileLimit, options: Omit<ReadOptions, "stdin"> = {}): string {
  return readInputFileSync(file, limit, options).toString("utf8");
}

/**
 * Standard input, up to the limit. Read as a stream on the event loop, never by a blocking read, so a pipe
 * that stays open and silent still lets SIGINT and SIGTERM end the command.
 */
async function readStdin(limit: FileLimit, label: string): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let n = 0;
  const stdin = process.stdin;
  try {
    for await (const chunk of stdin) {
      const b = typeof chunk === "string" ? Buffer.from(chunk) : (chunk as Buffer);
      n += b.length;
      if (n > limit.bytes) throw overLimit("-", `more than ${limit.bytes}`, limit, label);
      chunks.push(b);
    }
  } catch (err) {
    throw refused("-", err, label);
  }
  return Buffer.concat(chunks, n);
}

/**
 * Whether `file` itself (a symbolic link not followed) is a regular file: a default output path is derived
 * only from such a one, so that `/dev/stdin` (a link to the terminal, a pipe, or whatever stdin is) never has
 * a folder made beside it in /dev.
 */
export function isPlainFile(file: string): boolean {
  try {
    return lstatSync(file, { throwIfNoEntry: false })?.isFile() ?? false;
  } catch {
    return false;
  }
}
