// The corpus as the run reads it: golden files are read one at a time while the adapters already run the
// ones before, so loading the corpus (70 ms or more for 5 MB of goldens in a fresh process) is not a delay
// before the first request but work done beside the adapters' own.
import type { CorpusEntry, Vector } from "./corpus.js";
import { readVector } from "./corpus.js";

/** Decides what runs: --filter and --shard go by name, so they are known before a file is read; --tag is not. */
export interface StreamSelection {
  byName(name: string): boolean;
  /** --tag: a vector (scenario or decode) whose golden carries one of the tags. */
  byContent(v: { readonly golden: { readonly tags: readonly string[] } }): boolean;
}

/**
 * Reading gives way to the event loop, where replies are checked and requests sent, once every file the
 * adapters have asked for is read, and otherwise every TURN_MS: a turn after each file cost a third of the
 * time of a corpus of 20,000 one-step goldens.
 */
const TURN_MS = 2;
const turn = () => new Promise<number>((resolve) => setImmediate(() => resolve(performance.now())));

export class CorpusStream {
  /** The entries --filter and --shard select, in name order: slot i of every adapter's results is candidate i. */
  readonly candidates: readonly CorpusEntry[];
  /** Where in the corpus each candidate is, and every other entry: read after the candidates. */
  private readonly candidateAt: readonly number[];
  private readonly restAt: readonly number[];
  /** Bad goldens as they are found: their place in the corpus and the line that says what is wrong. */
  private readonly bad: { at: number; line: string }[] = [];
  /** Resolves when every file of the corpus has been read. */
  readonly finished: Promise<void>;
  private readonly slots: Promise<Vector | null>[];
  private readonly settle: ((v: Vector | null) => void)[] = [];
  private readonly loaded: (Vector | null)[];
  private valid = 0;
  /** The highest slot an adapter has asked for: once it is read, reading gives way to the event loop. */
  private wanted = -1;
  private deselected = 0;

  /** `onProblem` hears of the first bad golden as soon as it is read, so the run can stop sending work. */
  constructor(
    private readonly entries: readonly CorpusEntry[],
    private readonly selection: StreamSelection,
    private readonly onProblem: () => void,
  ) {
    const chosen = entries.map((e) => selection.byName(e.name));
    this.candidateAt = entries.flatMap((_, at) => (chosen[at] ? [at] : []));
    this.restAt = entries.flatMap((_, at) => (chosen[at] ? [] : [at]));
    this.candidates = this.candidateAt.map((at) => entries[at]!);
    this.loaded = new Array<Vector | null>(this.candidates.length).fill(null);
    this.slots = this.candidates.map(() => new Promise<Vector | null>((resolve) => this.settle.push(resolve)));
    this.finished = this.load();
    // Awaited only later: a bug in reading must surface there, not as an unhandled rejection before it.
    this.finished.catch(() => {});
  }

  /** Candidate i once read: null when --tag leaves it out or its golden is bad. */
  at(i: number): Promise<Vector | null> {
    this.wanted = Math.max(this.wanted, i);
    return this.slots[i]!;
  }

  /** Valid goldens in the whole corpus, selected or not. */
  get corpusSize(): number {
    return this.valid;
  }

  /** Candidates not yet known to be left out: the run's total as far as it is known. */
  get expectedCount(): number {
    return this.candidates.length - this.deselected;
  }

  /** The vectors that run, in name order; complete once `finished` has resolved. */
  selected(): Vector[] {
    return this.loaded.filter((v): v is Vector => v !== null);
  }

  /** One line per bad golden, in name order; complete once `finished` has resolved. */
  get problems(): string[] {
    return [...this.bad].sort((a, b) => a.at - b.at).map((p) => p.line);
  }

  /**
   * A golden found bad only while it ran: its snapshots are not what the reference computes for its own
   * scenario (edited by hand, or stale). Reported with the other bad goldens, and the run stops.
   */
  reportBad(name: string, line: string): void {
    this.bad.push({ at: this.entries.findIndex((e) => e.name === name), line });
    if (this.bad.length === 1) this.onProblem();
  }

  private read(at: number): Vector | null {
    const v = readVector(this.entries[at]!);
    if (typeof v !== "string") {
      this.valid++;
      return v;
    }
    this.bad.push({ at, line: v });
    if (this.bad.length === 1) this.onProblem();
    return null;
  }

  // Candidates first, so the adapters get work as early as possible; the rest of the corpus is still read,
  // so a bad golden anywhere is reported whatever the selection.
  private async load(): Promise<void> {
    try {
      await this.readAll();
    } catch (err) {
      // Only a bug gets here; no adapter may be left waiting for a slot that will never be read.
      for (const settle of this.settle) settle(null);
      throw err;
    }
  }

  private async readAll(): Promise<void> {
    let lastTurn = performance.now();
    for (const [slot, at] of this.candidateAt.entries()) {
      const v = this.read(at);
      const chosen = v !== null && this.selection.byContent(v) ? v : null;
      if (chosen === null) this.deselected++;
      this.loaded[slot] = chosen;
      this.settle[slot]!(chosen);
      // Every file asked for so far is read: let the adapters have them.
      if (slot === this.wanted || performance.now() - lastTurn >= TURN_MS) lastTurn = await turn();
    }
    for (const at of this.restAt) {
      this.read(at);
      if (performance.now() - lastTurn >= TURN_MS) lastTurn = await turn();
    }
  }
}
