// The decode phase (runner/checks/decode.ts) after every adapter's corpus, so each consumer can decode what
// every producer wrote: its results are appended to each adapter's report. Cells are selected by name like
// any scenario, and only producers that produced something have one.
import type { SnapshotEntry } from "../../reference/index.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { Vector } from "../corpus.js";
import type { ExpectedFailures } from "../expected_failures.js";
import type { AdapterReport } from "../model.js";
import { PRODUCED_BY, REFERENCE_PRODUCER, addProduced, decodeResults, type DecodeVector, type Produced } from "./decode.js";

/** The decode matrix's producers: the reference (the goldens' snapshots) and every adapter, collected as results come in. */
export class Producers {
  private readonly reference: Produced = new Map();
  // Keyed by adapter, whose name is final only once it has said hello (and two --exec ports may share one).
  private readonly byAdapter = new Map<FleetAdapter, Produced>();

  /** The snapshots `adapter` answered for `v`, passing or not, and the golden's own for the reference. */
  add(adapter: FleetAdapter, v: Vector, snapshots: readonly SnapshotEntry[]): void {
    let produced = this.byAdapter.get(adapter);
    if (produced === undefined) this.byAdapter.set(adapter, (produced = new Map()));
    addProduced(produced, v.name, snapshots);
    addProduced(this.reference, v.name, v.golden.snapshots);
  }

  /** Every producer by the name its cells are reported under, the reference first, then the fleet's order. */
  named(fleet: readonly FleetAdapter[], names: readonly string[]): Map<string, Produced> {
    return new Map([[REFERENCE_PRODUCER, this.reference], ...fleet.map((a, i): [string, Produced] => [names[i]!, this.byAdapter.get(a) ?? new Map()])]);
  }
}

export interface DecodePhase {
  readonly vectors: readonly DecodeVector[];
  readonly producers: ReadonlyMap<string, Produced>;
  readonly byName: (name: string) => boolean;
  readonly requireDecode: boolean;
  readonly expected: ExpectedFailures;
}

/** Every adapter's report with its decode results appended (an adapter given up or never started has none). */
export async function withDecodeResults(fleet: readonly FleetAdapter[], adapters: readonly AdapterReport[], phase: DecodePhase): Promise<AdapterReport[]> {
  const cells = new Map([...phase.producers].filter(([p, produced]) => produced.size > 0 && phase.byName(`${PRODUCED_BY}${p}`)));
  if (phase.vectors.length === 0 && cells.size === 0) return [...adapters];
  return Promise.all(
    adapters.map(async (report, i) => {
      const a = fleet[i]!;
      if (report.fatal !== null || a.hello === null) return report;
      const t0 = performance.now();
      const more = await decodeResults(a, phase.vectors, cells, phase.requireDecode);
      return { ...report, results: [...report.results, ...more.map((r) => ({ ...r, expectedFailure: phase.expected.has(a.name, r.name) }))], durationMs: report.durationMs + (performance.now() - t0) };
    }),
  );
}
