// Log entries (R-LOG-1). The log is never serialised, so an entry holds the normalized step as the
// scenario gave it: the log then costs no memory beyond the scenario itself, and each node decodes the
// operands when it applies the entry.
import { utf8Bytes } from "./bytes.js";
import type { AppendStep, CasStep, DeleteStep, IncrStep, PutStep } from "./types/normalized.gen.js";

export type Command = PutStep | DeleteStep | AppendStep | IncrStep | CasStep;

/** A key with its UTF-8 bytes, which order the store and are what a snapshot writes (R-STORE-1). */
export interface Key {
  readonly text: string;
  readonly bytes: Uint8Array;
  /**
   * The UTF-8 bytes as a string of code units 0..255. The engine's native string comparison orders UTF-16
   * code units, which for such a string is exactly unsigned byte order (R-STORE-1), and it is several times
   * faster than comparing byte arrays in a JavaScript loop.
   */
  readonly order: string;
}

export function keyOf(text: string): Key {
  const bytes = utf8Bytes(text);
  let order = "";
  for (let i = 0; i < bytes.length; i += 8192) order += String.fromCharCode(...bytes.subarray(i, i + 8192));
  return { text, bytes, order };
}

export interface LogEntry {
  readonly index: number;
  /** R-LOG-1, R-TERM-1: the term of the leader that appended it (always 1 without `elect`). */
  readonly term: number;
  /** null is a new leader's no-op (R-NOOP-1): applying it changes no store. */
  readonly command: Command | null;
}
