// A hint from the election states of a trace (R-TRACE-1): the first step at which a port's role, term, vote or
// log differs from the reference's names the election rule it broke more exactly than the snapshot bytes can,
// which show a wrong vote or a missing no-op only steps later, as a commit index or a store that moved.
import type { NormalizedScenario, Step, TraceEntry } from "../../reference/index.js";
import type { RaftState } from "../../reference/types/protocol.gen.js";

/** What a node is, as far as elections go, after a step: its term (from its snapshot) and its raft state. */
interface Seen {
  readonly term: bigint;
  readonly lastApplied: bigint;
  readonly raft: RaftState;
}

const u64At = (hex: string, byte: number): bigint => BigInt(`0x${hex.slice(2 * byte, 2 * byte + 16) || "0"}`);

function seen(entry: TraceEntry | undefined, node: number): Seen | null {
  const hex = entry?.states[node - 1];
  const raft = entry?.raft?.[node - 1];
  if (typeof hex !== "string" || raft === undefined || raft === null) return null;
  // Section 4: magic, then current_term and last_included_index, each a u64.
  return { term: u64At(hex, 4), lastApplied: u64At(hex, 12), raft };
}

/** Every node's state before step `i`: the trace's entry for step i - 1, or the initial state (R-TERM-1). */
function before(scenario: NormalizedScenario, trace: readonly TraceEntry[], i: number, node: number): Seen {
  const prior = i > 0 ? seen(trace[i - 1], node) : null;
  if (prior !== null) return prior;
  const role = i === 0 && node === scenario.cluster.leader ? "leader" : "follower";
  return { term: 1n, lastApplied: 0n, raft: { role, voted_for: null, log_length: 0, last_log_term: 0 } };
}

/** R-VOTE-2: a's log is at least as up-to-date as b's. */
const upToDate = (a: RaftState, b: RaftState) => a.last_log_term > b.last_log_term || (a.last_log_term === b.last_log_term && a.log_length >= b.log_length);

const stepText = (i: number, step: Step) => `step ${i} (${step.op}${"node" in step ? ` ${step.node}` : ""})`;

/** The node came up at this step (its restart, or a heal while it was down): its persistent state shows. */
const cameUp = (step: Step, node: number, trace: readonly TraceEntry[], i: number) =>
  (step.op === "restart" && step.node === node) || (step.op === "heal" && i > 0 && trace[i - 1]?.states[node - 1] === null);

/**
 * One line naming the first election state that differs and the rule it breaks, or null when the traces'
 * election states agree up to the snapshot's divergence (or the scenario has none). `expected` is the
 * reference's trace, `actual` the port's.
 */
export function raftHint(scenario: NormalizedScenario, expected: readonly TraceEntry[], actual: readonly TraceEntry[]): string | null {
  for (let i = 0; i < scenario.steps.length; i++) {
    const step = scenario.steps[i]!;
    const candidate = step.op === "elect" ? step.node : null;
    const found: { priority: number; line: string }[] = [];
    for (let node = 1; node <= scenario.cluster.nodes; node++) {
      const e = seen(expected[i], node);
      const a = seen(actual[i], node);
      if (e === null || a === null) continue;
      const at = `node ${node} after ${stepText(i, step)}`;
      const was = before(scenario, expected, i, node);
      const up = cameUp(step, node, expected, i);
      if (e.term !== a.term && up) found.push({ priority: 0, line: `${at}: current_term ${e.term} expected, ${a.term} here: current_term is persistent and survives a crash (R-TERM-1)` });
      if (e.raft.voted_for !== a.raft.voted_for) {
        const shown = `voted_for ${e.raft.voted_for ?? "none"} expected, ${a.raft.voted_for ?? "none"} here`;
        if (up) found.push({ priority: 1, line: `${at}: ${shown}: voted_for is persistent and survives a crash (R-TERM-1)` });
        else if (candidate !== null && node !== candidate && a.raft.voted_for === candidate) {
          const c = before(scenario, expected, i, candidate).raft;
          const votedOther = was.raft.voted_for !== null && was.raft.voted_for !== candidate && was.term === e.term;
          if (!votedOther && !upToDate(c, was.raft)) found.push({ priority: 1, line: `${at}: ${shown}: it voted for candidate ${candidate}, whose log (last term ${c.last_log_term}, length ${c.log_length}) is less up-to-date than its own (last term ${was.raft.last_log_term}, length ${was.raft.log_length}) (R-VOTE-2)` });
          else found.push({ priority: 1, line: `${at}: ${shown}: a second vote in term ${e.term}; a node grants at most one vote per term (R-VOTE-1)` });
        } else found.push({ priority: 1, line: `${at}: ${shown} (R-VOTE-1)` });
      }
      if (e.raft.role !== a.raft.role && node !== candidate) {
        const shown = `${e.raft.role} expected, ${a.raft.role} here`;
        if (candidate !== null) found.push({ priority: 2, line: `${at}: ${shown}: a node that sees a higher term in a vote request steps down (R-VOTE-1)` });
        else if (up) found.push({ priority: 2, line: `${at}: ${shown}: a node comes up as a follower (R-CRASH-4)` });
        else found.push({ priority: 2, line: `${at}: ${shown}: a leader that meets a higher term on its side in a round steps down (R-ROUND-2)` });
      }
      if (node === candidate && e.raft.log_length !== a.raft.log_length && e.raft.role === "leader") {
        const missing = e.raft.log_length - a.raft.log_length;
        // Without the no-op, a winner that still applied everything it holds committed an earlier term's entry by counting.
        const counted = missing === 1 && a.lastApplied === BigInt(a.raft.log_length) && a.raft.last_log_term < Number(e.term) && a.lastApplied > was.lastApplied;
        if (counted) found.push({ priority: 3, line: `${at}: no no-op appended, yet entries up to ${a.lastApplied}, of an earlier term, committed: a leader counts only entries of its own term (R-COMMIT-4, Raft Figure 8) and commits earlier ones with its no-op (R-NOOP-1)` });
        // The last entry is of the new term, so the no-op is there: entries before it went missing.
        else if (missing === 1 && a.raft.last_log_term !== Number(e.term)) found.push({ priority: 3, line: `${at}: log length ${e.raft.log_length} expected, ${a.raft.log_length} here: the new leader appends one no-op entry of its term at once (R-NOOP-1)` });
        else found.push({ priority: 3, line: `${at}: log length ${e.raft.log_length} expected, ${a.raft.log_length} here: the new leader keeps its whole log; only a follower's conflicting, uncommitted entries are ever truncated (R-TRUNC-1)` });
      }
      if (node !== candidate && (e.raft.log_length !== a.raft.log_length || e.raft.last_log_term !== a.raft.last_log_term)) {
        found.push({ priority: 4, line: `${at}: log length ${e.raft.log_length} (last term ${e.raft.last_log_term}) expected, ${a.raft.log_length} (last term ${a.raft.last_log_term}) here: a follower's log becomes its leader's, conflicting uncommitted entries truncated (R-TRUNC-1)` });
      }
      if (node === candidate && e.raft.role !== a.raft.role) found.push({ priority: 5, line: `${at}: ${e.raft.role} expected, ${a.raft.role} here: the election's outcome (R-ELECT-4)` });
      if (e.term !== a.term && !up) found.push({ priority: 6, line: `${at}: current_term ${e.term} expected, ${a.term} here (${candidate !== null ? "R-VOTE-1" : "R-ROUND-2"})` });
      const raftAgrees = JSON.stringify(e.raft) === JSON.stringify(a.raft) && e.term === a.term;
      if (raftAgrees && e.lastApplied !== a.lastApplied && e.raft.role === "leader") {
        found.push({ priority: 7, line: `${at}: the leader's last_applied is ${a.lastApplied} here, ${e.lastApplied} expected, with the same log: a leader commits index n only when a majority holds its entry at n of the leader's term (R-COMMIT-4)` });
      }
    }
    if (found.length > 0) return found.sort((x, y) => x.priority - y.priority)[0]!.line;
    // A node whose snapshot differs while every election state agrees: the bytes' own diagnosis says more.
    if (expected[i]?.states.some((s, k) => s !== actual[i]?.states[k])) return null;
  }
  return null;
}
