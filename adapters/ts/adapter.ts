// The TypeScript adapter: protocol v1 (SPEC.md section 7) around the reference, and nothing else. It gets no
// shortcut into the runner; it reads lines and writes lines like every other port.
import type { Readable, Writable } from "node:stream";
import pkg from "../../package.json" with { type: "json" };
import { FEATURES, decodeVerdict, decodedJson, hexToBytes, runScenario, semanticProblems, validator, type AdapterMessage, type AuthoredScenario, type RunRequest } from "../../reference/index.js";

export const PROTOCOL = 1;

function errorReply(id: string | null, message: string): AdapterMessage {
  return { type: "error", id, message };
}

/** The fields of a run request this adapter knows; R-PROTO-4 says to ignore any others. */
function knownRunFields(m: Record<string, unknown>): Record<string, unknown> {
  return { type: m.type, id: m.id, name: m.name, trace: m.trace, scenario: m.scenario };
}

/** Why a message failed the schema, in one short phrase for the error reply. */
function schemaReason(): string {
  const e = validator("protocol.schema.json#/$defs/run").errors?.[0];
  return e ? `${e.instancePath || "(root)"} ${e.message ?? "is invalid"}` : "is invalid";
}

/**
 * One request line in, one reply line out; null means shutdown (R-PROTO-9: exit without replying).
 * Never throws: R-PROTO-8 says an adapter answers bad input with an error, it does not crash on it.
 */
export function handleLine(line: string): string | null {
  let message: unknown;
  try {
    message = JSON.parse(line);
  } catch {
    return JSON.stringify(errorReply(null, `not JSON: ${line.slice(0, 80)}`));
  }
  if (typeof message !== "object" || message === null || Array.isArray(message)) {
    return JSON.stringify(errorReply(null, "expected a JSON object"));
  }
  const m = message as Record<string, unknown>;
  const id = typeof m.id === "string" ? m.id : null;
  switch (m.type) {
    case "hello":
      // R-PROTO-5: answer with the version we speak, even when another was asked for.
      return JSON.stringify({ type: "hello", protocol: PROTOCOL, name: "ts", version: pkg.version ?? "0.1.0", features: [...FEATURES] });
    case "run": {
      const known = knownRunFields(m);
      if (!validator("protocol.schema.json#/$defs/run")(known)) return JSON.stringify(errorReply(id, `invalid run request: ${schemaReason()}`));
      const request = known as unknown as RunRequest;
      try {
        const result = runScenario(request.scenario, { trace: request.trace });
        return JSON.stringify({ type: "result", id: request.id, ...result });
      } catch (err) {
        // A scenario that is schema-valid but semantically invalid (crash of the leader) trips an invariant.
        // Checked only then, so a valid scenario is walked once: the refusal names the step's JSON path and
        // the rule, in the shape every port gives (adapters/README.md), e.g.
        // `steps[7].node: crash of node 1, the leader, is not allowed (R-CRASH-1)`.
        const problem = semanticProblems(request.scenario as unknown as AuthoredScenario)[0];
        return JSON.stringify(errorReply(request.id, problem === undefined ? `cannot run ${request.name}: ${(err as Error).message}` : `${problem.path}: ${problem.message} (${problem.rule})`));
      }
    }
    case "decode": {
      // R-PROTO-13: only the fields a decode request has; a hex that is no hex is not understood (R-PROTO-10).
      if (id === null) return JSON.stringify(errorReply(null, "a decode request needs a string id"));
      if (typeof m.hex !== "string" || m.hex.length % 2 !== 0 || !/^[0-9a-f]*$/.test(m.hex)) return JSON.stringify(errorReply(id, "invalid decode request: hex must be even-length lowercase hex"));
      const verdict = decodeVerdict(hexToBytes(m.hex));
      return JSON.stringify(verdict.ok ? { type: "decoded", id, snapshot: decodedJson(verdict.snapshot) } : { type: "rejected", id, rule: verdict.rule, message: verdict.message });
    }
    case "shutdown":
      return null;
    default:
      return JSON.stringify(errorReply(id, `unknown message type ${JSON.stringify(m.type)}`));
  }
}

/**
 * The lines of `input`: its bytes split on `\n` and each decoded as UTF-8, strictly, so that a line whose bytes
 * are not UTF-8 is refused whole (null) instead of read with U+FFFD in their place, which would make a request
 * with a broken id look valid (R-PROTO-1, R-PROTO-10). A stream that was given an encoding already yields text
 * (a test port that reads its stdin in another charset), which is split as it is.
 */
async function* requestLines(input: Readable): AsyncGenerator<string | null> {
  const strict = new TextDecoder("utf-8", { fatal: true });
  const decode = (bytes: Buffer): string | null => {
    try {
      return strict.decode(bytes);
    } catch {
      return null;
    }
  };
  // No line cap: R-PROTO-1 lines can be many megabytes. A line's pieces are joined once, when it ends.
  let pieces: Buffer[] = [];
  let text = "";
  for await (const chunk of input as AsyncIterable<Buffer | string>) {
    if (typeof chunk === "string") {
      const parts = (text + chunk).split("\n");
      text = parts.pop()!;
      yield* parts;
      continue;
    }
    let from = 0;
    for (let nl = chunk.indexOf(0x0a); nl !== -1; nl = chunk.indexOf(0x0a, from)) {
      pieces.push(chunk.subarray(from, nl));
      yield decode(Buffer.concat(pieces));
      pieces = [];
      from = nl + 1;
    }
    if (from < chunk.length) pieces.push(chunk.subarray(from));
  }
  if (text !== "") yield text;
  if (pieces.length > 0) yield decode(Buffer.concat(pieces));
}

/** Serves requests from input until shutdown or end of input. Streams are parameters so tests run it in memory. */
export async function serve(input: Readable, output: Writable): Promise<void> {
  for await (const line of requestLines(input)) {
    // R-PROTO-10: a blank line and bytes that are not UTF-8 are not messages, and are answered as lines not understood.
    const reply =
      line === null
        ? JSON.stringify(errorReply(null, "the line is not UTF-8, so it is not a message (R-PROTO-1)"))
        : line.trim() === ""
          ? JSON.stringify(errorReply(null, "a blank line is not a message"))
          : handleLine(line);
    if (reply === null) break;
    output.write(`${reply}\n`);
  }
}
