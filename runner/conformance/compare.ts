// Checking a validated result against its golden: first the shape the protocol fixes (which snapshots, in
// which order, R-PROTO-6), then the bytes. A wrong shape is a protocol error; wrong bytes are a failure.
import type { AdapterMessage, ResultMessage, SnapshotEntry } from "../../reference/index.js";
import { ProtocolError } from "./errors.js";
import { cutLine } from "./protocol.js";

export type Outcome =
  | { kind: "pass" }
  | { kind: "adapter-error"; message: string }
  | { kind: "mismatch"; index: number; expected: SnapshotEntry; actualHex: string };

const where = (e: SnapshotEntry) => `step ${e.step} node ${e.node}`;

/** A reply to run request `id`: the right type and id, and a trace only when one was asked for (R-PROTO-7). */
export function checkReply(
  message: AdapterMessage,
  id: string,
  trace: boolean,
  line: string,
  answeredRequest: (id: string) => string | undefined = () => undefined,
): ResultMessage | { type: "error"; message: string } {
  if (message.type === "hello") throw new ProtocolError(`answered run request ${JSON.stringify(id)} with a hello message (R-PROTO-3), line: ${cutLine(line)}`);
  const repeated = message.id !== id && message.id !== null ? answeredRequest(message.id) : undefined;
  if (repeated !== undefined) {
    throw new ProtocolError(`adapter wrote a line nobody asked for, after its reply to ${repeated} (R-PROTO-3): a second reply to it, line: ${cutLine(line)}`);
  }
  if (message.id !== id) {
    throw new ProtocolError(`reply id ${JSON.stringify(message.id)} does not match request id ${JSON.stringify(id)} (R-PROTO-3, R-PROTO-6), line: ${cutLine(line)}`);
  }
  if (message.type === "error") return { type: "error", message: message.message };
  if (!trace && message.trace !== undefined) throw new ProtocolError(`result has a "trace" key, but no trace was requested (R-PROTO-7)`);
  if (trace && message.trace === undefined) throw new ProtocolError(`result has no "trace" key, but a trace was requested (R-PROTO-7)`);
  return message;
}

/** Same snapshots in the same order, then byte for byte; the first differing snapshot is the one reported. */
export function compareSnapshots(expected: readonly SnapshotEntry[], actual: readonly SnapshotEntry[]): Outcome {
  for (let i = 0; i < Math.max(expected.length, actual.length); i++) {
    const e = expected[i];
    const a = actual[i];
    if (e === undefined || a === undefined || e.step !== a.step || e.node !== a.node) {
      const expectedList = expected.map(where).join(", ");
      const got = actual.length === 0 ? "none" : actual.map(where).join(", ");
      const count = expected.length === actual.length ? "" : `expected ${expected.length} snapshots, got ${actual.length}; `;
      throw new ProtocolError(
        `${count}snapshot ${i} is ${a ? where(a) : "missing"}, expected ${e ? where(e) : "no more"} (R-PROTO-6: one per snapshot emitted, in step order, then listed-node order); expected [${cut(expectedList)}], got [${cut(got)}]`,
      );
    }
    if (e.hex !== a.hex) return { kind: "mismatch", index: i, expected: e, actualHex: a.hex };
  }
  return { kind: "pass" };
}

function cut(list: string): string {
  return list.length > 160 ? `${list.slice(0, 160)}...` : list;
}
