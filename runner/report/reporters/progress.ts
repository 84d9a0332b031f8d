// The live progress line, on a TTY only: one line per run, rewritten in place at most ten times a second,
// erased before the report is printed.
import { consoleLine } from "../../../common/escape.js";
import type { TextStream } from "./style.js";

export class Progress {
  private readonly done = new Map<string, number>();
  private problems = 0;
  private last = 0;

  constructor(
    private readonly stream: TextStream,
    /** Scenarios per adapter as far as known: --tag can lower it while the corpus is still being read. */
    private readonly total: () => number,
  ) {}

  get enabled(): boolean {
    return this.stream.isTTY === true;
  }

  tick(adapter: string, problem: boolean): void {
    if (!this.enabled) return;
    this.done.set(adapter, (this.done.get(adapter) ?? 0) + 1);
    if (problem) this.problems++;
    const now = Date.now();
    if (now - this.last < 100) return;
    this.last = now;
    // An --exec adapter's name is its hello's: escaped like any text of a port's.
    const parts = [...this.done].map(([name, n]) => `${consoleLine(name)} ${n}/${this.total()}`);
    const line = `running: ${parts.join("  ")}${this.problems ? `  (${this.problems} failing)` : ""}`;
    this.stream.write(`\r\x1b[K${line.slice(0, (this.stream.columns ?? 80) - 1)}`);
  }

  clear(): void {
    if (this.enabled && this.last !== 0) this.stream.write("\r\x1b[K");
  }
}
