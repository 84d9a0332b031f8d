// Log entries (R-LOG-1). The log is never serialised, so an entry holds the normalized command as is.
import type { AppendStep, CasStep, DeleteStep, IncrStep, PutStep } from "./types/normalized.gen.js";

export type Command = PutStep | DeleteStep | AppendStep | IncrStep | CasStep;

export interface LogEntry {
  readonly index: number;
  /** R-LOG-1: every entry has term 1; there are no elections. */
  readonly term: 1;
  readonly command: Command;
}
