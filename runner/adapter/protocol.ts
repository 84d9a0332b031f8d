// Protocol v1 as the runner speaks it (SPEC.md section 7): the lines it sends, and every check an adapter
// line goes through before anything trusts it (runner/adapter/session.ts is their one caller). One JSON.parse and one
// precompiled ajv validation per line, unless the line is character for character the canonical passing
// result (isCanonicalPass).
import type { ErrorObject } from "ajv";
import { decodeVerdict, hexToBytes, requiredFeatures, type AdapterMessage, type DecodedSnapshotJson, type NormalizedScenario, type SnapshotEntry, type TraceEntry } from "../../reference/index.js";
import { shown } from "../../reference/display.js";
import { formatPath, pointerSegments } from "../../reference/json_path.js";
import { ProtocolError } from "./errors.js";
import { rejectionText } from "../../corpus/snapshot_text.js";
import { validateAdapterMessage } from "./validators.js";

export const PROTOCOL_VERSION = 1;

export const HELLO_LINE = JSON.stringify({ type: "hello", protocol: PROTOCOL_VERSION });
export const SHUTDOWN_LINE = JSON.stringify({ type: "shutdown" });

/** The scenario is serialized once per vector, so a run request costs one string concatenation. */
export function scenarioJson(scenario: NormalizedScenario): string {
  return JSON.stringify(scenario);
}

export function runLine(id: string, name: string, trace: boolean, scenarioText: string): string {
  return `{"type":"run","id":${JSON.stringify(id)},"name":${JSON.stringify(name)},"trace":${trace},"scenario":${scenarioText}}`;
}

/**
 * Whether `line` is, character for character, what JSON.stringify writes for a result to request `id` with
 * exactly these snapshots. Such a line parses to a valid result that passes, so the runner can skip parsing
 * and validating it: for a passing port that writes compact JSON in the schema's key order, as the four in
 * adapters/ do, that was most of the runner's work per reply. Any other line takes the full path.
 */
export function isCanonicalPass(line: string, id: string, snapshots: readonly SnapshotEntry[]): boolean {
  let at = 0;
  // slice and === rather than startsWith at an offset: V8 compares equal strings with memcmp, several times faster.
  const next = (piece: string) => line.slice(at, (at += piece.length)) === piece;
  if (!next(`{"type":"result","id":${JSON.stringify(id)},"snapshots":[`)) return false;
  for (let i = 0; i < snapshots.length; i++) {
    const s = snapshots[i]!;
    if (!next(`${i === 0 ? "" : ","}{"step":${s.step},"node":${s.node},"hex":"`) || !next(s.hex) || !next(`"}`)) return false;
  }
  return next("]}") && at === line.length;
}

/** A line as shown in a report: recognisable, never a megabyte of hex, never raw control characters. */
export const cutLine = (line: string, max = 200): string => shown(line, max);

/** "/snapshots/2/hex" as SPEC.md writes paths: snapshots[2].hex. */
const jsonPath = (pointer: string): string => formatPath(pointerSegments(pointer));

/** The one schema error worth showing: the deepest, since ajv also reports every failing oneOf branch. */
function worstError(errors: readonly ErrorObject[]): ErrorObject | undefined {
  return [...errors].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
}

function describeSchemaError(e: ErrorObject | undefined): string {
  if (!e) return "it does not match schema/protocol.schema.json";
  const where = jsonPath(e.instancePath);
  if (e.schemaPath.includes("snapshotHex")) {
    return `malformed hex at ${where}: a snapshot is lowercase hex with an even number of digits, at least 72`;
  }
  if (e.keyword === "additionalProperties") return `${where} has unknown property ${JSON.stringify(e.params.additionalProperty)}`;
  if (e.keyword === "required") return `${where} lacks required property ${JSON.stringify(e.params.missingProperty)}`;
  if (e.keyword === "discriminator" || (e.keyword === "const" && e.instancePath === "/type")) {
    return `unknown message type; expected "hello", "result", "decoded", "rejected" or "error"`;
  }
  return `${where} ${e.message ?? "is invalid"}`;
}

/** Parses and validates one adapter line (R-PROTO-1, R-PROTO-4); throws ProtocolError quoting the line. */
export function parseAdapterLine(line: string): AdapterMessage {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    throw new ProtocolError(`adapter wrote a line that is not JSON (R-PROTO-1, R-PROTO-2), line: ${cutLine(line)}`);
  }
  if (!validateAdapterMessage(message)) {
    throw new ProtocolError(`adapter wrote a line that is not a protocol message: ${describeSchemaError(worstError(validateAdapterMessage.errors ?? []))} (R-PROTO-4), line: ${cutLine(line)}`);
  }
  return message as AdapterMessage;
}

/** Which snapshots a scenario emits, in the order R-PROTO-6 fixes: step order, then listed-node order. */
export function emittedSnapshots(scenario: NormalizedScenario): { step: number; node: number }[] {
  const out: { step: number; node: number }[] = [];
  scenario.steps.forEach((s, step) => {
    if (s.op === "snapshot") for (const node of s.nodes) out.push({ step, node });
  });
  return out;
}

const where = (e: { step: number; node: number }) => `step ${e.step} node ${e.node}`;

const cutList = (list: string): string => shown(list, 160);

/** R-PROTO-6: one snapshot per snapshot emitted, in step order, then listed-node order. */
function snapshotListProblem(expected: readonly { step: number; node: number }[], actual: readonly SnapshotEntry[]): string | null {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i];
    const a = actual[i];
    if (e !== undefined && a !== undefined && e.step === a.step && e.node === a.node) continue;
    const expectedList = expected.map(where).join(", ");
    const got = actual.length === 0 ? "none" : actual.map(where).join(", ");
    const count = expected.length === actual.length ? "" : `expected ${expected.length} snapshots, got ${actual.length}; `;
    return `${count}snapshot ${i} is ${a ? where(a) : "missing"}, expected ${e ? where(e) : "no more"} (R-PROTO-6: one per snapshot emitted, in step order, then listed-node order); expected [${cutList(expectedList)}], got [${cutList(got)}]`;
  }
  return null;
}

/**
 * R-PROTO-7 checks the schema cannot make: one entry per step, in order, one state per node; null exactly
 * while a node is down, which the scenario alone decides; every other state a well-formed snapshot with a
 * correct CRC. A trace that lies would otherwise move the "first divergence" somewhere misleading.
 */
export function traceProblem(trace: readonly TraceEntry[], scenario: NormalizedScenario): string | null {
  const steps = scenario.steps.length;
  const nodes = scenario.cluster.nodes;
  if (trace.length !== steps) return `the trace has ${trace.length} entries for ${steps} steps (R-PROTO-7)`;
  const down = new Array<boolean>(nodes + 1).fill(false);
  // R-TRACE-1: raft states exactly for a scenario that needs `elect`, null exactly where the state is.
  const elect = requiredFeatures(scenario).includes("elect");
  for (let i = 0; i < trace.length; i++) {
    const t = trace[i]!;
    const step = scenario.steps[i]!;
    if (step.op === "crash") down[step.node] = true;
    else if (step.op === "restart") down[step.node] = false;
    else if (step.op === "heal") down.fill(false);
    if (t.step !== i) return `trace entry ${i} is for step ${t.step} (R-PROTO-7: one entry per step, in step order)`;
    if (t.states.length !== nodes) return `trace entry ${i} has ${t.states.length} states for ${nodes} nodes (R-PROTO-7)`;
    if (!elect && t.raft !== undefined) return `trace entry ${i} has raft states, but the scenario does not need elect (R-TRACE-1)`;
    if (elect && t.raft?.length !== nodes) return `trace entry ${i} has ${t.raft === undefined ? "no raft states" : `${t.raft.length} raft states`} for ${nodes} nodes of a scenario that needs elect (R-TRACE-1)`;
    const nullRaft = t.raft?.findIndex((r, k) => (r === null) !== (t.states[k] === null)) ?? -1;
    if (nullRaft >= 0) return `trace entry ${i}, node ${nullRaft + 1}: its raft state is ${t.raft![nullRaft] === null ? "null" : "given"} where its state is ${t.states[nullRaft] === null ? "null" : "given"} (R-TRACE-1: null exactly while down)`;
    for (let k = 0; k < nodes; k++) {
      const state = t.states[k];
      const node = k + 1;
      if (down[node] && state !== null) return `trace entry ${i} has a state for node ${node}, which is down after step ${i} (R-PROTO-7: null while a node is down)`;
      if (!down[node] && state === null) return `trace entry ${i} has null for node ${node}, which is up after step ${i} (R-PROTO-7: null only while a node is down)`;
      if (state === null || state === undefined) continue;
      const problem = snapshotProblem(state);
      if (problem !== null) return `trace entry ${i}, node ${node}: not a well-formed snapshot: ${problem} (R-PROTO-7)`;
    }
  }
  return null;
}

/**
 * Why hex is not section 4's layout with a right CRC, or null. Only that: a state with a wrong header or
 * keys out of order is a port's bug for the diagnosis to explain, not a malformed trace.
 */
function snapshotProblem(hex: string): string | null {
  const s = decodeVerdict(hexToBytes(hex)).snapshot;
  if (s.broken !== null) return rejectionText(s.broken);
  return s.crc === s.computedCrc ? null : "its CRC-32C does not match its bytes (R-WIRE-7)";
}

/** The other requests of the conversation, by id: answered ones and ones still waiting, each with what it was about. */
export interface RequestLookup {
  answered(id: string): string | undefined;
  pending(id: string): string | undefined;
}

/** What a run request asked, as far as checking its reply needs. */
export interface RunAsked {
  readonly id: string;
  /** What it is about, for messages: the scenario's name. */
  readonly name: string;
  readonly trace: boolean;
  readonly scenario: NormalizedScenario;
  /** The snapshots the reply must list, when the caller knows them (a golden's); else computed from the scenario. */
  readonly expected?: readonly SnapshotEntry[];
}

export type CheckedRunReply = { type: "result"; snapshots: SnapshotEntry[]; trace?: TraceEntry[] } | { type: "error"; message: string };

/**
 * Every check a reply to a run request goes through, in one place: JSON and the schema (R-PROTO-1, R-PROTO-4),
 * the type and id (R-PROTO-3), which snapshots in which order (R-PROTO-6), and the trace's presence and shape
 * (R-PROTO-7). `requests` names the request an unexpected id belongs to, so a second reply to an earlier
 * request, or a reply that overtook the one due, is called what it is. Throws ProtocolError quoting the line.
 */
export function checkRunReply(line: string, asked: RunAsked, requests: RequestLookup): CheckedRunReply {
  const message = checkReplyTo("run", line, asked, requests, ["result", "error"]);
  if (message.type === "error") return { type: "error", message: message.message };
  if (message.type !== "result") throw new Error("unreachable: checkReplyTo let another type through");
  if (!asked.trace && message.trace !== undefined) throw new ProtocolError(`result has a "trace" key, but no trace was requested (R-PROTO-7)`);
  if (asked.trace && message.trace === undefined) throw new ProtocolError(`result has no "trace" key, but a trace was requested (R-PROTO-7)`);
  const listProblem = snapshotListProblem(asked.expected ?? emittedSnapshots(asked.scenario), message.snapshots);
  if (listProblem !== null) throw new ProtocolError(listProblem);
  if (message.trace !== undefined) {
    const problem = traceProblem(message.trace, asked.scenario);
    if (problem !== null) throw new ProtocolError(`the trace is malformed: ${problem}`);
  }
  return message.trace === undefined ? { type: "result", snapshots: message.snapshots } : { type: "result", snapshots: message.snapshots, trace: message.trace };
}

export function decodeLine(id: string, hex: string): string {
  return `{"type":"decode","id":${JSON.stringify(id)},"hex":"${hex}"}`;
}

export type CheckedDecodeReply = { type: "decoded"; snapshot: DecodedSnapshotJson } | { type: "rejected"; rule: string; message: string } | { type: "error"; message: string };

/** Every check a reply to a decode request goes through (R-PROTO-13, with R-PROTO-1, -3, -4 as for a run). */
export function checkDecodeReply(line: string, asked: { id: string; name: string }, requests: RequestLookup): CheckedDecodeReply {
  const message = checkReplyTo("decode", line, asked, requests, ["decoded", "rejected", "error"]);
  if (message.type === "decoded") return { type: "decoded", snapshot: message.snapshot };
  if (message.type === "rejected") return { type: "rejected", rule: message.rule, message: message.message };
  if (message.type === "error") return { type: "error", message: message.message };
  throw new Error("unreachable: checkReplyTo let another type through");
}

/**
 * The checks every reply shares: JSON and the schema, a type that answers this kind of request, and the id
 * (R-PROTO-3). `requests` names the request an unexpected id belongs to, so a second reply to an earlier
 * request, or a reply that overtook the one due, is called what it is.
 */
function checkReplyTo(kind: string, line: string, asked: { id: string; name: string }, requests: RequestLookup, types: readonly string[]): Exclude<AdapterMessage, { type: "hello" }> {
  const message = parseAdapterLine(line);
  const id = asked.id;
  if (message.type === "hello" || !types.includes(message.type)) {
    throw new ProtocolError(`answered ${kind} request ${JSON.stringify(id)} with a ${message.type} message; expected ${types.join(" or ")} (R-PROTO-3), line: ${cutLine(line)}`);
  }
  const repeated = message.id !== id && message.id !== null ? requests.answered(message.id) : undefined;
  if (repeated !== undefined) {
    throw new ProtocolError(`adapter wrote a line nobody asked for, after its reply to ${repeated} (R-PROTO-3): a second reply to it, line: ${cutLine(line)}`);
  }
  const early = message.id !== id && message.id !== null ? requests.pending(message.id) : undefined;
  if (early !== undefined) {
    throw new ProtocolError(`replies out of order: the reply to request ${JSON.stringify(message.id)} (${early}) came while the reply to request ${JSON.stringify(id)} (${asked.name}) was due (R-PROTO-3), line: ${cutLine(line)}`);
  }
  if (message.id !== id) {
    throw new ProtocolError(`reply id ${JSON.stringify(message.id)} does not match request id ${JSON.stringify(id)} (R-PROTO-3), line: ${cutLine(line)}`);
  }
  return message;
}
