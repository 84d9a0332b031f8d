// The malformed-input check (R-PROTO-10): before the corpus, each adapter is sent lines that are not valid
// requests, each followed by a valid one. The corpus only ever sends valid requests, so without this an
// adapter that crashes on the first stray line, or answers it with silence, would pass. A failure is asked
// again in a fresh process before the line is blamed (probe_confirm.ts).
import { runScenario, type NormalizedScenario } from "../../reference/index.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ScenarioResult } from "../model.js";
import { scenarioJson } from "../adapter/protocol.js";
import type { ScenarioToRun, Session } from "../adapter/session.js";
import type { CheckKind } from "./check.js";
import type { Verdict } from "../diagnosis/answers.js";
import { confirmProbeFailure, type ProbeRun, type ProbeToConfirm } from "./probe_confirm.js";

interface Probe {
  /** The check's name in the report: protocol/NAME. */
  readonly name: string;
  readonly line: string | Buffer;
  /** The id the error reply must carry. */
  readonly id: string | null;
  /** What a port that answers it wrongly most likely does, when that is not plain from the line. */
  readonly hint?: string;
}

/** How deep the deep-nesting probe nests: far past a thread's stack for a parser that recurses per level. */
const NESTING = 100_000;

/** The lines SPEC.md's R-PROTO-10 lists, in its order. */
export const PROBES: readonly Probe[] = [
  { name: "blank-line", line: "", id: null },
  { name: "not-json", line: "this is not JSON", id: null },
  { name: "invalid-utf8", line: Buffer.from([0x7b, 0x22, 0xff, 0xfe, 0xc0, 0x80, 0x22, 0x7d]), id: null },
  // A request that is valid but for one byte of its id: a decoder that replaces what is not UTF-8 (Python's
  // errors="replace", Node's setEncoding, Go's json) reads the id as "m\ufffd" and answers the run.
  { name: "invalid-utf8-id", line: Buffer.concat([Buffer.from('{"type":"run","id":"m'), Buffer.from([0xff]), Buffer.from('","name":"x","trace":false,"scenario":{"cluster":{"nodes":1,"leader":1},"steps":[{"op":"put","key":"k","value":"76"},{"op":"snapshot","nodes":[1]}]}}')]), id: null, hint: "its id holds the byte ff, which is not UTF-8: read leniently, it becomes U+FFFD and the request looks valid; decode each line strictly (R-PROTO-1)" },
  { name: "not-an-object", line: '["run", "1"]', id: null },
  // JSON nested deeper than any recursive parser's stack: it must be refused, not overflow the stack.
  { name: "deep-nesting", line: `${"[".repeat(NESTING)}${"]".repeat(NESTING)}`, id: null },
  { name: "unknown-type", line: '{"type":"frobnicate","id":"m5"}', id: "m5" },
  { name: "run-without-scenario", line: '{"type":"run","id":"m6","name":"x","trace":false}', id: "m6" },
  { name: "trace-not-boolean", line: '{"type":"run","id":"m7","name":"x","trace":"yes","scenario":{"cluster":{"nodes":1,"leader":1},"steps":[]}}', id: "m7" },
  // An adapter without the decode feature answers it as an unknown type: an error with its id all the same.
  { name: "decode-without-hex", line: '{"type":"decode","id":"m9"}', id: "m9" },
  { name: "numeric-id", line: '{"type":"run","id":8,"name":"x","trace":false,"scenario":{"cluster":{"nodes":1,"leader":1},"steps":[]}}', id: null },
  { name: "10mb-garbage", line: "x".repeat(10 * 1024 * 1024), id: null },
];

/** The valid request sent after each probe: small, but through the whole stack (a put, a snapshot). */
export const FOLLOW_UP: NormalizedScenario = { cluster: { nodes: 3, leader: 1 }, steps: [{ op: "put", key: "k", value: "76" }, { op: "snapshot", nodes: [1, 2, 3] }] };

/** The follow-up as a request, with its expected snapshots: also the work the exit-status check asks for first. */
export function followUpRequest(): ScenarioToRun {
  return { name: "protocol/follow-up", scenario: FOLLOW_UP, scenarioText: scenarioJson(FOLLOW_UP), trace: false, expected: runScenario(FOLLOW_UP).snapshots };
}

function result(name: string, partial: Omit<ScenarioResult, "name" | "file" | "source" | "expectedFailure" | "restarted" | "diagnosis"> & { restarted?: boolean }): ScenarioResult {
  return { name: `protocol/${name}`, file: "SPEC.md", source: "SPEC.md R-PROTO-10", expectedFailure: false, restarted: false, diagnosis: null, ...partial };
}

/** The verdict on a line's answer and the answer to the valid request after it (R-PROTO-10). */
function judge(p: Probe, { answer, next }: ProbeRun, followUp: ScenarioToRun): Verdict {
  const quiet = { stderrTail: null, restarted: false, diagnosis: null };
  if (answer.kind === "broken" || answer.kind === "aborted") {
    const reason = answer.kind === "broken" ? answer.reason : "never answered";
    return { ...quiet, status: "error", reason: `the line ${p.name} broke the adapter: ${reason} (R-PROTO-10)`, stderrTail: answer.kind === "broken" ? answer.stderr || null : null, durationMs: answer.kind === "broken" ? answer.durationMs : 0, restarted: true };
  }
  if (answer.kind === "wrong") return { ...quiet, status: "failed", reason: `${p.name}: ${answer.reason}${p.hint === undefined ? "" : `; ${p.hint}`}`, stderrTail: answer.stderr || null, durationMs: answer.durationMs };
  if (next.kind !== "result" || next.snapshots.some((s, i) => s.hex !== followUp.expected![i]!.hex)) {
    const why = next.kind === "result" ? "with other bytes" : next.kind === "refused" ? `with an error: ${next.message}` : next.kind === "broken" ? `not at all: ${next.reason}` : "not at all";
    return { ...quiet, status: "failed", reason: `after the line ${p.name}, the valid request that followed was answered ${why} (R-PROTO-10: the adapter must go on serving)`, stderrTail: next.kind === "broken" || next.kind === "refused" ? next.stderr || null : null, durationMs: answer.durationMs, restarted: next.kind === "broken" };
  }
  return { ...quiet, status: "passed", reason: null, durationMs: answer.durationMs };
}

/**
 * Runs every probe on `session` (replaced by a new one when a probe breaks the adapter) and returns one
 * result per probe, with the session the corpus is to go on with (null when the adapter cannot be started
 * again: then `adapter.fatal` says why).
 */
export async function malformedChecks(adapter: FleetAdapter, first: Session | null, isExpected: (name: string) => boolean): Promise<{ results: ScenarioResult[]; session: Session | null }> {
  const results: ScenarioResult[] = [];
  const followUp = followUpRequest();
  let session: Session | null = first;
  for (const p of PROBES) {
    session ??= await adapter.open(`the check protocol/${p.name}`);
    if (session === null) break;
    const label = `the malformed line protocol/${p.name}`;
    const probe: ProbeToConfirm = {
      name: p.name,
      followUp,
      send: async (s) => {
        const [answer, next] = await Promise.all([s.probe(p.line, label, p.id), s.run(followUp)]);
        return { answer, next };
      },
      judge: (run) => judge(p, run, followUp),
    };
    const tried = await probe.send(session);
    const verdict = probe.judge(tried);
    // Only a failure that reproduces is the line's (probe_confirm.ts); the session goes on either way.
    const confirmed = verdict.status === "passed" ? verdict : await confirmProbeFailure(adapter, probe, tried, verdict);
    // The session is replaced when the first try broke it, whatever the second try concluded.
    let r = result(p.name, { ...confirmed, restarted: verdict.restarted });
    r = { ...r, expectedFailure: isExpected(r.name) };
    results.push(r);
    if (r.restarted || !session.alive) {
      session.kill();
      session = null;
    }
  }
  return { results, session };
}

export const MALFORMED_CHECK: CheckKind = {
  names: PROBES.map((p) => `protocol/${p.name}`),
  create: (s) => (s.malformed ? { title: "malformed input", when: "before", run: (i) => malformedChecks(i.adapter, i.session, i.isExpected) } : null),
};
