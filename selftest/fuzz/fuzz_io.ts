// Where a fuzz run writes: its own file, so that both fuzzers (scenarios and decoding) share it without
// importing each other.
export interface FuzzIo {
  out(line: string): void;
  /** Progress, overwritten in place on a terminal. */
  progress(line: string): void;
}
