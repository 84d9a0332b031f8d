// The decoding half of the wire (SPEC.md 4.1, R-PROTO-13), checked after the corpus: every adapter that lists
// `decode` decodes the decode vectors (reported as decode/<name>) and, as a producer x consumer matrix, the
// snapshots every adapter produced for the corpus (reported under the consumer as decode/produced-by/<producer>,
// the reference's own being the goldens' snapshots). Each consumer decodes each distinct input once, on one
// session, and each answer is compared with the reference's verdict on the same bytes.
import path from "node:path";
import { formatPath, hexToBytes, nameProblem, pointerSegments, type DecodedSnapshotJson, type SnapshotEntry } from "../../reference/index.js";
import type { DecodeGolden } from "../../reference/types/decode_golden.gen.js";
import { InvalidInput } from "../../common/errors.js";
import { FileRefused, GOLDEN_FILE, readInputTextSync } from "../../common/read_file.js";
import { listJson, nameOf } from "../../corpus/scenario_files.js";
import { DECODE_TOPIC, expectedVerdict } from "../../corpus/decode_vectors.js";
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ScenarioResult } from "../model.js";
import { runPipeline } from "../adapter/pipeline.js";
import type { DecodeOutcome } from "../adapter/session.js";
import { ruleSummary } from "../../common/spec_rules.js";
import { lateLineResult } from "./late_line.js";
import { vectorFacts } from "../diagnosis/vector_outcome.js";
import { decodeEvidence } from "../diagnosis/evidence.js";
import { validateDecodeGolden } from "../adapter/validators.js";

export interface DecodeVector {
  readonly name: string;
  readonly file: string;
  readonly golden: DecodeGolden;
}

/** Where a produced snapshot came from, for messages: the vector, step and node. */
export interface Origin {
  readonly vector: string;
  readonly step: number;
  readonly node: number;
}

/** A producer's snapshots: each distinct hex with the first place it was produced. */
export type Produced = Map<string, Origin>;

export const PRODUCED_BY = `${DECODE_TOPIC}/produced-by/`;
export const REFERENCE_PRODUCER = "reference";

const shownPath = (file: string) => path.relative(process.cwd(), file) || file;

/** Every decode golden below `<vectorsDir>/decode`, sorted by name; InvalidInput listing every bad file. */
export async function loadDecodeVectors(vectorsDir: string): Promise<DecodeVector[]> {
  const dir = path.join(vectorsDir, DECODE_TOPIC);
  const vectors: DecodeVector[] = [];
  const problems: string[] = [];
  for (const rel of await listJson(dir)) {
    const name = `${DECODE_TOPIC}/${nameOf(rel)}`;
    const file = shownPath(path.join(dir, rel));
    // R-NAME-1 first, by the one rule every command applies: the schema below would say it less plainly.
    const badName = nameProblem(name);
    if (badName !== null) {
      problems.push(`${file}: ${badName} (R-NAME-1)`);
      continue;
    }
    let document: unknown;
    try {
      document = JSON.parse(readInputTextSync(path.join(dir, rel), GOLDEN_FILE, { label: file }));
    } catch (err) {
      problems.push(err instanceof FileRefused ? err.message : `${file}: not JSON: ${(err as Error).message}`);
      continue;
    }
    if (!validateDecodeGolden(document)) {
      const e = [...(validateDecodeGolden.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
      problems.push(`${file}: not a valid decode golden (schema/decode_golden.schema.json): ${e ? `${formatPath(pointerSegments(e.instancePath))} ${e.message}` : "invalid"}`);
      continue;
    }
    const golden = document as DecodeGolden;
    if (golden.name !== name) {
      problems.push(`${file}: golden name ${JSON.stringify(golden.name)} does not match its path; expected ${JSON.stringify(name)}`);
      continue;
    }
    // A hand-edited or stale verdict is the corpus's fault, whatever an adapter answers.
    const problem = verdictProblem(golden.expected, referenceVerdict(golden.hex));
    if (problem !== null) {
      problems.push(`${file}: its expected verdict is not what the reference decides for its hex (${problem}): the golden was edited by hand or is stale (npm run vectors -- --check)`);
      continue;
    }
    vectors.push({ name, file, golden });
  }
  if (problems.length > 0) throw new InvalidInput(problems);
  return vectors;
}

/** An answer to a decode request, reduced to what is compared (R-PROTO-13: the message is free text). */
type Answer = { type: "decoded"; snapshot: DecodedSnapshotJson } | { type: "rejected"; rule: string; message: string };

/** A verdict an adapter gave, as verdictProblem compares it. */
export function answerOf(o: Extract<DecodeOutcome, { kind: "decoded" | "rejected" }>): Answer {
  return o.kind === "decoded" ? { type: "decoded", snapshot: o.snapshot } : { type: "rejected", rule: o.rule, message: o.message };
}

/** The reference's verdict on the bytes of `hex`, as a decode golden records it. */
export function referenceVerdict(hex: string): DecodeGolden["expected"] {
  return expectedVerdict(hexToBytes(hex));
}

const rule = (id: string) => {
  const summary = ruleSummary(id);
  return summary === undefined ? id : `${id} (${summary})`;
};

/**
 * Null when `actual` is the expected verdict; else one line: the expected and actual verdict, the first
 * differing field of a decoded snapshot, and for a wrong rule the offset where the reference's check failed.
 */
export function verdictProblem(expected: DecodeGolden["expected"], actual: Answer): string | null {
  if (expected.type === "rejected") {
    const where = `the reference's check failed at byte ${expected.offset}: ${expected.message}`;
    if (actual.type === "decoded") return `accepted, but the reference rejects it with ${rule(expected.rule)}; ${where}`;
    if (actual.rule !== expected.rule) return `rejected with ${actual.rule}, expected ${rule(expected.rule)}; ${where}`;
    return null;
  }
  if (actual.type === "rejected") return `rejected with ${rule(actual.rule)} ("${actual.message.slice(0, 120)}"), but the reference accepts it`;
  return snapshotDifference(expected.snapshot, actual.snapshot);
}

const short = (v: unknown) => {
  const s = JSON.stringify(v);
  return s.length > 80 ? `${s.slice(0, 77)}...` : s;
};

/** The first field in which two decoded snapshots differ, or null. */
export function snapshotDifference(e: DecodedSnapshotJson, a: DecodedSnapshotJson): string | null {
  for (const f of ["current_term", "last_included_index", "last_included_term"] as const) {
    if (e[f] !== a[f]) return `decoded ${f} is ${short(a[f])}, expected ${short(e[f])} (R-DECODE-12)`;
  }
  const n = Math.min(e.pairs.length, a.pairs.length);
  for (let i = 0; i < n; i++) {
    if (e.pairs[i]!.key !== a.pairs[i]!.key) return `decoded pairs[${i}].key is ${short(a.pairs[i]!.key)}, expected ${short(e.pairs[i]!.key)} (R-DECODE-12: keys are their exact code points)`;
    if (e.pairs[i]!.value !== a.pairs[i]!.value) return `decoded pairs[${i}].value is ${short(a.pairs[i]!.value)}, expected ${short(e.pairs[i]!.value)} (R-DECODE-12)`;
  }
  if (e.pairs.length !== a.pairs.length) return `decoded ${a.pairs.length} pairs, expected ${e.pairs.length} (R-DECODE-12: the pairs in the order they appear)`;
  return null;
}

/** What the consumer answered for one input, or why it could not. */
type Got = { ok: true; answer: Answer; durationMs: number } | { ok: false; status: "error"; reason: string; stderr: string; durationMs: number };

/**
 * Has `adapter` decode every input, each once, through the runner's one pipeline (a new session after a
 * request broke the last). Inputs not answered because the adapter was given up are missing from the map.
 */
async function decodeAll(adapter: FleetAdapter, inputs: readonly { label: string; hex: string }[]): Promise<Map<string, Got>> {
  const got = new Map<string, Got>();
  await runPipeline<{ label: string; hex: string }, DecodeOutcome>(
    adapter,
    {
      count: inputs.length,
      item: async (i) => inputs[i]!,
      label: (input) => input.label,
      send: (session, input) => session.decode(input.label, input.hex),
      settle: (_i, input, o) => {
        adapter.record(o);
        switch (o.kind) {
          case "aborted":
            return "resend";
          case "broken":
            got.set(input.hex, { ok: false, status: "error", reason: o.reason, stderr: o.stderr, durationMs: o.durationMs });
            return "restart";
          case "refused":
            got.set(input.hex, { ok: false, status: "error", reason: `the adapter answered with an error (R-PROTO-8): ${o.message}`, stderr: o.stderr, durationMs: o.durationMs });
            return "done";
          default:
            got.set(input.hex, { ok: true, answer: answerOf(o), durationMs: o.durationMs });
            return "done";
        }
      },
      halted: () => false,
    },
    // One session: each input is small, and the fleet decodes for every consumer at once.
    { jobs: 1 },
  );
  return got;
}

/** A decode result before it is checked against the expected-failures list. */
export type DecodeResult = Omit<ScenarioResult, "expectedFailure">;

/** What the run's ranking needs of a decode vector. */
const facts = (golden: DecodeGolden) => {
  const { rules, features } = vectorFacts(golden);
  return features === undefined ? { rules } : { rules, features };
};

const base = { stderrTail: null, restarted: false, diagnosis: null, durationMs: 0 } as const;

/**
 * The decode results of one consumer: one per decode vector, then one cell per producer. A consumer that does
 * not list `decode` skips the decode vectors (fails them under --require-features) and has no cells.
 */
export async function decodeResults(
  consumer: FleetAdapter,
  vectors: readonly DecodeVector[],
  producers: ReadonlyMap<string, Produced>,
  requireDecode: boolean,
): Promise<DecodeResult[]> {
  if (!consumer.features.has("decode")) {
    const reason = `needs feature decode, which the adapter does not list in its hello${requireDecode ? "; --require-features asks for decode" : ""}`;
    const status = requireDecode ? ("failed" as const) : ("skipped" as const);
    // The matrix has no column for a consumer that cannot decode: its skips are the decode vectors'.
    return vectors.map((v) => ({ ...base, name: v.name, file: v.file, source: v.golden.source, vector: facts(v.golden), status, reason }));
  }
  // Each distinct input once: the vectors' inputs, then every produced snapshot.
  const inputs = new Map<string, string>();
  for (const v of vectors) if (!inputs.has(v.golden.hex)) inputs.set(v.golden.hex, v.name);
  for (const [producer, produced] of producers) {
    for (const [hex, o] of produced) if (!inputs.has(hex)) inputs.set(hex, `the snapshot ${producer} produced at step ${o.step} node ${o.node} of ${o.vector}`);
  }
  const got = await decodeAll(consumer, [...inputs].map(([hex, label]) => ({ hex, label })));
  const lateLine = consumer.takeLateLine();
  const notAnswered = (g: Got | undefined) => (g === undefined ? `not run: ${consumer.fatal?.message ?? "the adapter was given up"}` : null);

  const results: DecodeResult[] = [];
  for (const v of vectors) {
    const g = got.get(v.golden.hex);
    const head = { name: v.name, file: v.file, source: v.golden.source, vector: facts(v.golden) };
    const missing = notAnswered(g);
    if (missing !== null || g === undefined) results.push({ ...base, ...head, status: "error", reason: missing });
    else if (!g.ok) results.push({ ...base, ...head, status: "error", reason: g.reason, stderrTail: g.stderr || null, durationMs: g.durationMs });
    else {
      const problem = verdictProblem(v.golden.expected, g.answer);
      // The rules the run's ranking weighs for this failure, read as the mutation benchmark reads it.
      const e = v.golden.expected;
      const evidence = problem === null ? {} : { evidence: decodeEvidence(e, g.answer, e.type === "rejected" ? { hex: v.golden.hex, offset: e.offset } : undefined) };
      results.push({ ...base, ...head, status: problem === null ? "passed" : "failed", reason: problem, durationMs: g.durationMs, ...evidence });
    }
  }
  // One cell per producer: the consumer agrees with the reference on every snapshot the producer wrote.
  const verdicts = new Map<string, DecodeGolden["expected"]>();
  for (const [producer, produced] of producers) {
    const head = { name: `${PRODUCED_BY}${producer}`, file: "SPEC.md", source: "SPEC.md 4.1" };
    let problem: string | null = null;
    let status: "failed" | "error" = "failed";
    let durationMs = 0;
    for (const [hex, o] of produced) {
      const g = got.get(hex);
      const where = `the snapshot ${producer} produced at step ${o.step} node ${o.node} of ${o.vector}`;
      const missing = notAnswered(g);
      if (missing !== null || g === undefined) {
        [problem, status] = [`${where}: ${missing}`, "error"];
        break;
      }
      durationMs += g.durationMs;
      if (!g.ok) {
        [problem, status] = [`${where}: ${g.reason}`, "error"];
        break;
      }
      let expected = verdicts.get(hex);
      if (expected === undefined) verdicts.set(hex, (expected = referenceVerdict(hex)));
      const p = verdictProblem(expected, g.answer);
      if (p !== null) {
        problem = `${where}: ${p}`;
        break;
      }
    }
    results.push({ ...base, ...head, status: problem === null ? "passed" : status, reason: problem ?? null, durationMs });
  }
  if (lateLine !== null) {
    const { expectedFailure: _, ...r } = lateLineResult(lateLine, () => false);
    results.push(r);
  }
  return results;
}

/** A producer's snapshots, collected as its results come in. */
export function addProduced(produced: Produced, vector: string, snapshots: readonly SnapshotEntry[]): void {
  for (const s of snapshots) if (!produced.has(s.hex)) produced.set(s.hex, { vector, step: s.step, node: s.node });
}
