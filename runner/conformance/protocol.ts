// Protocol v1 as the runner speaks it (SPEC.md section 7): the lines it sends, and the checks every adapter
// line goes through before anything trusts it. One JSON.parse and one precompiled ajv validation per line,
// unless the line is character for character the canonical passing result (isCanonicalPass).
import type { ErrorObject } from "ajv";
import type { AdapterMessage, NormalizedScenario, SnapshotEntry } from "../../reference/index.js";
import { ProtocolError } from "./errors.js";
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

/**
 * A line as shown in a report: long enough to recognise, never a megabyte of hex. Control characters are
 * escaped so a binary-spewing adapter cannot scramble the terminal.
 */
export function cutLine(line: string, max = 200): string {
  const head = line.length > max ? line.slice(0, max) : line;
  const shown = head.replace(/[\u0000-\u001f\u007f-\u009f]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, "0")}`);
  return line.length > max ? `${shown}... (${line.length} characters)` : shown;
}

/** "/snapshots/2/hex" as SPEC.md writes paths: snapshots[2].hex. */
function jsonPath(pointer: string): string {
  if (pointer === "") return "(root)";
  return pointer
    .slice(1)
    .split("/")
    .map((s, i) => (/^\d+$/.test(s) ? `[${s}]` : i === 0 ? s : `.${s}`))
    .join("");
}

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
    return `unknown message type; expected "hello", "result" or "error"`;
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
