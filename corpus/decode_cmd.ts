// `rsm decode <hex | file>`: a snapshot's fields and pairs, readably, and whether its CRC is right.
import { readFile } from "node:fs/promises";
import { SnapshotDecodeError, decodeSnapshot, fieldAt, hexToBytes } from "../reference/index.js";
import { parseFlags } from "../cli/args.js";
import { EXIT_FAILED, EXIT_OK, InvalidInput, UsageError } from "../cli/errors.js";
import { snapshotLines } from "./snapshot_text.js";

const HEX = /^(?:[0-9a-fA-F]{2})+$/;

/** A hex argument, or a file holding raw snapshot bytes or hex text. */
async function readInput(arg: string): Promise<Uint8Array> {
  if (HEX.test(arg)) return hexToBytes(arg);
  const data = await readFile(arg).catch(() => {
    throw new UsageError(`decode: ${JSON.stringify(arg.slice(0, 60))} is neither even-length hex nor a readable file`);
  });
  const text = data.toString("latin1").trim();
  return HEX.test(text) ? hexToBytes(text) : new Uint8Array(data);
}

export const DECODE_USAGE = `usage: rsm decode [--full] HEX-OR-FILE

Prints a snapshot's header fields and pairs (keys escaped, values in hex and printable form) and whether its
CRC-32C is right. The argument is the snapshot as hex, or a file holding its raw bytes or its hex.

  --full    show long keys and values uncut (they are cut at 48 bytes otherwise)

exit codes: 0 a snapshot with a correct CRC, 1 a wrong CRC, 2 not a snapshot or a usage error
`;

export async function decodeCommand(args: string[], out: (line: string) => void): Promise<number> {
  const { values, positionals } = parseFlags("decode", args, { full: { type: "boolean" } }, true);
  if (values.help) {
    out(DECODE_USAGE.trimEnd());
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError("decode: expected exactly one argument, a snapshot as hex or a file (and optionally --full)");
  const full = values.full === true;
  const bytes = await readInput(positionals[0]!);
  try {
    const s = decodeSnapshot(bytes);
    for (const line of snapshotLines(s, { limit: full ? Infinity : 48 })) out(line);
    return s.crcOk ? EXIT_OK : EXIT_FAILED;
  } catch (err) {
    if (!(err instanceof SnapshotDecodeError)) throw err;
    const where = fieldAt(err.spans, err.offset);
    throw new InvalidInput([`decode: not a snapshot: ${err.message}${where ? `, in ${where.field} (${where.rule})` : ""}`]);
  }
}
