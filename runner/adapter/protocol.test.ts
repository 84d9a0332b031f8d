import { describe, expect, it } from "vitest";
import { validator, type NormalizedScenario, type SnapshotEntry } from "../../reference/index.js";
import { compareSnapshots } from "../diagnosis/compare.js";
import { ProtocolError } from "./errors.js";
import { HELLO_LINE, SHUTDOWN_LINE, checkRunReply, cutLine, emittedSnapshots, isCanonicalPass, parseAdapterLine, runLine, scenarioJson } from "./protocol.js";

const scenario: NormalizedScenario = { cluster: { nodes: 1, leader: 1 }, steps: [{ op: "put", key: "\u{1F600}\"", value: "31" }, { op: "snapshot", nodes: [1] }] };
const HEX = "524b563100000000000000010000000000000000000000000000000000000000045540e9";

describe("what the runner sends", () => {
  it("is valid against the runnerMessage schema, and a run line is the JSON it looks like", () => {
    const validate = validator("protocol.schema.json#/$defs/runnerMessage");
    const line = runLine("12", 'odd "name"', true, scenarioJson(scenario));
    for (const l of [HELLO_LINE, SHUTDOWN_LINE, line]) expect(validate(JSON.parse(l))).toBe(true);
    expect(JSON.parse(line)).toEqual({ type: "run", id: "12", name: 'odd "name"', trace: true, scenario });
  });
});

describe("parseAdapterLine", () => {
  const error = (line: string) => {
    try {
      parseAdapterLine(line);
    } catch (err) {
      expect(err).toBeInstanceOf(ProtocolError);
      return (err as Error).message;
    }
    throw new Error("no error");
  };

  it("names what is wrong and quotes the line", () => {
    expect(error("oops")).toBe("adapter wrote a line that is not JSON (R-PROTO-1, R-PROTO-2), line: oops");
    expect(error('{"type":"bye"}')).toMatch(/not a protocol message: unknown message type; expected "hello", "result", "decoded", "rejected" or "error"/);
    expect(error(`{"type":"result","id":"1","snapshots":[{"step":0,"node":1,"hex":"${HEX.toUpperCase()}"}]}`)).toMatch(/malformed hex at snapshots\[0\]\.hex/);
    expect(error(`{"type":"result","id":"1","snapshots":[{"step":0,"node":1,"hex":"${HEX}0"}]}`)).toMatch(/malformed hex at snapshots\[0\]\.hex/);
    expect(error(`{"type":"result","id":"1","snapshots":[{"step":0,"node":1,"hex":"${"0".repeat(16_000_001)}"}]}`)).toMatch(
      /^adapter wrote a line that is not a protocol message: malformed hex at snapshots\[0\]\.hex: a snapshot is lowercase hex with an even number of digits, at least 72 \(R-PROTO-4\)/,
    );
    expect(error(`{"type":"result","id":"1","snapshots":[{"step":0,"node":1,"hex":"${HEX.slice(0, 70)}"}]}`)).toMatch(/malformed hex at snapshots\[0\]\.hex/);
    expect(error('{"type":"result","id":"1","snapshots":[],"extra":1}')).toMatch(/\(root\) has unknown property "extra"/);
  });

  it("cuts long lines and escapes control characters", () => {
    expect(cutLine("a\u0000b\u001b[31m")).toBe("a\\x00b\\x1b[31m");
    expect(cutLine("x".repeat(1000))).toBe(`${"x".repeat(200)}... (1000 characters)`);
  });
});

describe("checkRunReply and compareSnapshots", () => {
  const two: NormalizedScenario = { cluster: { nodes: 2, leader: 1 }, steps: [{ op: "put", key: "a", value: "31" }, { op: "snapshot", nodes: [1, 2] }] };
  const asked = { id: "5", name: "a/now", trace: false, scenario: two };
  const line = (extra: object = {}) => JSON.stringify({ type: "result", id: "5", snapshots: [{ step: 1, node: 1, hex: HEX }, { step: 1, node: 2, hex: HEX }], ...extra });
  const none = { answered: () => undefined, pending: () => undefined };

  it("checks the id, the type and the trace key", () => {
    expect(() => checkRunReply(line({ id: "6" }), asked, none)).toThrow(/reply id "6" does not match request id "5"/);
    expect(() => checkRunReply(line({ id: "4" }), asked, { ...none, answered: (id) => (id === "4" ? "a/earlier" : undefined) })).toThrow(/after its reply to a\/earlier \(R-PROTO-3\): a second reply/);
    expect(() => checkRunReply(line({ id: "6" }), asked, { ...none, pending: (id) => (id === "6" ? "a/later" : undefined) })).toThrow(/^replies out of order: the reply to request "6" \(a\/later\) came while the reply to request "5" \(a\/now\) was due \(R-PROTO-3\)/);
    expect(() => checkRunReply(line({ trace: [] }), asked, none)).toThrow(/no trace was requested \(R-PROTO-7\)/);
    expect(() => checkRunReply(line(), { ...asked, trace: true }, none)).toThrow(/a trace was requested \(R-PROTO-7\)/);
    expect(() => checkRunReply(JSON.stringify({ type: "hello", protocol: 1, name: "x", version: "1", features: [] }), asked, none)).toThrow(/with a hello message/);
    expect(checkRunReply(JSON.stringify({ type: "error", id: "5", message: "no" }), asked, none)).toEqual({ type: "error", message: "no" });
  });

  it("checks which snapshots in which order (R-PROTO-6) from the scenario alone, and the trace's shape (R-PROTO-7)", () => {
    const swapped = JSON.stringify({ type: "result", id: "5", snapshots: [{ step: 1, node: 2, hex: HEX }, { step: 1, node: 1, hex: HEX }] });
    expect(() => checkRunReply(swapped, asked, none)).toThrow(/snapshot 0 is step 1 node 2, expected step 1 node 1 \(R-PROTO-6/);
    const short = JSON.stringify({ type: "result", id: "5", snapshots: [{ step: 1, node: 1, hex: HEX }] });
    expect(() => checkRunReply(short, asked, none)).toThrow(/expected 2 snapshots, got 1/);
    expect(() => checkRunReply(line({ trace: [{ step: 0, states: [HEX, HEX] }] }), { ...asked, trace: true }, none)).toThrow(/the trace has 1 entries for 2 steps \(R-PROTO-7\)/);
    const trace = [{ step: 0, states: [HEX, HEX] }, { step: 1, states: [HEX] }];
    expect(() => checkRunReply(line({ trace }), { ...asked, trace: true }, none)).toThrow(/trace entry 1 has 1 states for 2 nodes/);
    expect(emittedSnapshots(two)).toEqual([{ step: 1, node: 1 }, { step: 1, node: 2 }]);
  });

  it("compareSnapshots finds the first snapshot whose bytes differ", () => {
    const a: SnapshotEntry = { step: 1, node: 1, hex: HEX };
    const b: SnapshotEntry = { step: 1, node: 2, hex: HEX };
    expect(compareSnapshots([a, b], [a, b])).toEqual({ kind: "pass" });
    const other = { ...b, hex: `${HEX.slice(0, -2)}00` };
    expect(compareSnapshots([a, b], [a, other])).toEqual({ kind: "mismatch", index: 1, expected: b, actualHex: other.hex });
  });
});

describe("isCanonicalPass", () => {
  const snapshots: SnapshotEntry[] = [
    { step: 1, node: 1, hex: HEX },
    { step: 2, node: 3, hex: HEX },
  ];
  const canonical = JSON.stringify({ type: "result", id: "7", snapshots });

  it("accepts exactly what JSON.stringify writes for this id and these snapshots, which the full check passes", () => {
    expect(isCanonicalPass(canonical, "7", snapshots)).toBe(true);
    const reply = checkRunReply(canonical, { id: "7", name: "x", trace: false, scenario, expected: snapshots }, { answered: () => undefined, pending: () => undefined });
    expect(reply.type === "result" && compareSnapshots(snapshots, reply.snapshots)).toEqual({ kind: "pass" });
  });

  it("leaves every other line to the full check, however close", () => {
    const others = [
      JSON.stringify({ type: "result", id: "8", snapshots }),
      JSON.stringify({ type: "result", id: "7", snapshots: [snapshots[0], { ...snapshots[1]!, hex: HEX.replace(/9$/, "8") }] }),
      JSON.stringify({ type: "result", id: "7", snapshots: [{ ...snapshots[0]!, hex: HEX.toUpperCase() }, snapshots[1]] }),
      JSON.stringify({ type: "result", id: "7", snapshots: [snapshots[0]] }),
      JSON.stringify({ type: "result", id: "7", snapshots: [...snapshots, snapshots[1]] }),
      JSON.stringify({ type: "result", id: "7", snapshots: [snapshots[1], snapshots[0]] }),
      JSON.stringify({ type: "result", id: "7", snapshots: [{ node: 1, step: 1, hex: HEX }, snapshots[1]] }),
      JSON.stringify({ type: "result", id: "7", snapshots, trace: [] }),
      JSON.stringify({ id: "7", type: "result", snapshots }),
      JSON.stringify({ type: "result", id: "7", snapshots }, null, 1),
      `${canonical} `,
      canonical.slice(0, -1),
    ];
    for (const line of others) expect(isCanonicalPass(line, "7", snapshots), line).toBe(false);
  });
});
