// `rsm decode <hex | file>`: a snapshot's fields and pairs, readably, as far as they can be read, and the
// decoder's verdict (SPEC.md 4.1): accepted, or the rule that rejects it. Lines are printed as the snapshot is
// walked, from views into its bytes: a 40 MB snapshot of millions of pairs is decoded in about the memory of
// its bytes, never an object per pair.
import { stat } from "node:fs/promises";
import { bytesToHex, decodeVerdict } from "../reference/index.js";
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { EXIT_FAILED, EXIT_OK, UsageError } from "../common/errors.js";
import { DECODE_FILE, readInputFile } from "../common/read_file.js";
import { rejectionText, snapshotLines, verdictLine } from "./snapshot_text.js";

/** The largest file decode reads (docs/porting.md, "Decoding a snapshot"; common/read_file.ts's DECODE_FILE). */
export const MAX_DECODE_FILE_BYTES = DECODE_FILE.bytes;

export interface DecodeOptions {
  /** MAX_DECODE_FILE_BYTES unless a test says otherwise. */
  readonly maxFileBytes?: number;
  /**
   * Resolves when the output can take more. A pipe to a slow reader is not written synchronously, and
   * without waiting the lines of a 40 MB snapshot piled up in memory (860 MB through `| cat`).
   */
  readonly drain?: () => Promise<void>;
}

/** Lines are handed to `out` in blocks of about this many characters. */
const BLOCK = 1 << 16;

const NIBBLE = new Int8Array(256).fill(-1);
for (const [i, c] of [..."0123456789abcdef"].entries()) {
  NIBBLE[c.charCodeAt(0)] = i;
  NIBBLE[c.toUpperCase().charCodeAt(0)] = i;
}

/**
 * Even-length, non-empty hex of either case, decoded; null when it is not. A loop, not a regex: V8 runs
 * ^(?:[0-9a-fA-F]{2})+$ recursively and overflowed on a large hex file.
 */
function hexOrNull(at: (i: number) => number, start: number, end: number): Uint8Array | null {
  const n = end - start;
  if (n === 0 || n % 2 !== 0) return null;
  const out = new Uint8Array(n / 2);
  for (let i = 0; i < out.length; i++) {
    const hi = NIBBLE[at(start + 2 * i)] ?? -1;
    const lo = NIBBLE[at(start + 2 * i + 1)] ?? -1;
    if (hi < 0 || lo < 0) return null;
    out[i] = (hi << 4) | lo;
  }
  return out;
}

const isSpace = (c: number) => c === 0x20 || (c >= 0x09 && c <= 0x0d);

/** A hex argument, a file holding raw snapshot bytes or hex text (surrounding whitespace ignored), or `-`: standard input, holding either. */
async function readInput(arg: string, maxFileBytes: number): Promise<Uint8Array> {
  const fromArg = hexOrNull((i) => arg.charCodeAt(i), 0, arg.length);
  if (fromArg) return fromArg;
  const shown = arg === "-" ? "standard input" : JSON.stringify(arg.slice(0, 60));
  if (arg !== "-" && !(await stat(arg).catch(() => null))) throw new UsageError(`decode: ${shown} is neither even-length hex nor a readable file`);
  // A regular file or standard input, bounded (common/read_file.ts): a FIFO, /dev/zero or a directory is one line.
  const data = await readInputFile(arg, maxFileBytes === DECODE_FILE.bytes ? DECODE_FILE : { ...DECODE_FILE, bytes: maxFileBytes }, { label: `decode: ${shown}`, stdin: true });
  let start = 0;
  let end = data.length;
  while (start < end && isSpace(data[start]!)) start++;
  while (end > start && isSpace(data[end - 1]!)) end--;
  return hexOrNull((i) => data[i]!, start, end) ?? data;
}

export const DECODE_SPEC = defineCommand({
  name: "decode",
  synopsis: "[--full] HEX-OR-FILE",
  brief: "print what a snapshot holds and SPEC.md 4.1's verdict on it: accepted, or the rule it breaks",
  summary:
    'Prints a snapshot\'s header fields, pairs (keys escaped, values in hex and printable form) and CRC-32C as far as they can be read, then the verdict of SPEC.md 4.1: "accepted", or "rejected:" with the rule (R-DECODE-1..8) whose check fails first and the byte offset where it fails.',
  positionals: [{ name: "HEX-OR-FILE", help: `the snapshot as hex, or a file holding its raw bytes or its hex (at most ${MAX_DECODE_FILE_BYTES / 1024 / 1024} MiB; - reads standard input)` }],
  flags: {
    full: { type: "boolean", help: "show long keys and values uncut (they are cut at 48 bytes otherwise)" },
  },
  notes: ["exit codes: 0 accepted, 1 rejected, 2 not hex nor a readable regular file (a FIFO or a device is refused), or a usage error"],
});

export async function decodeCommand(args: string[], out: (line: string) => void, options: DecodeOptions = {}): Promise<number> {
  const { values, positionals } = parseFlags(DECODE_SPEC, args);
  if (values.help) {
    out(usage(DECODE_SPEC));
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError("decode: expected exactly one argument, a snapshot as hex or a file (and optionally --full)");
  const limit = values.full === true ? Infinity : 48;
  const bytes = await readInput(positionals[0]!, options.maxFileBytes ?? MAX_DECODE_FILE_BYTES);
  const verdict = decodeVerdict(bytes);
  const s = verdict.snapshot;
  let block: string[] = [];
  let size = 0;
  for (const line of snapshotLines(s, { limit })) {
    block.push(line);
    size += line.length;
    if (size < BLOCK) continue;
    out(block.join("\n"));
    block = [];
    size = 0;
    await options.drain?.();
  }
  if (block.length > 0) out(block.join("\n"));
  if (s.broken !== null) {
    // Bytes that are not section 4's layout: the bytes around where reading stopped show a bogus length at a glance.
    const from = Math.max(0, s.end - 16);
    const to = Math.min(bytes.length, s.end + 16);
    out(`bytes ${from}..${to - 1}, decoding stopped at ${s.end}: ${bytesToHex(bytes.subarray(from, s.end)) || "(nothing)"} | ${bytesToHex(bytes.subarray(s.end, to)) || "(nothing)"}`);
    // An earlier check decides the verdict, but why reading stopped is what shows where the bytes went wrong.
    if (!verdict.ok && verdict.rule !== s.broken.rule) out(`not section 4's layout either: ${rejectionText(s.broken)}`);
  }
  out(verdictLine(verdict));
  return verdict.ok ? EXIT_OK : EXIT_FAILED;
}
