// The TypeScript adapter driven in memory: protocol v1 replies, and R-PROTO-8 errors instead of crashes.
import { PassThrough } from "node:stream";
import { describe, expect, it } from "vitest";
import { runScenario, validator, type NormalizedScenario } from "../../reference/index.js";
import { handleLine, serve } from "./adapter.js";

const scenario: NormalizedScenario = {
  cluster: { nodes: 3, leader: 1 },
  steps: [{ op: "put", key: "a", value: "31" }, { op: "crash", node: 3 }, { op: "snapshot", nodes: [1, 2] }],
};
const run = (extra: object = {}) => JSON.stringify({ type: "run", id: "7", name: "t/one", trace: false, scenario, ...extra });
const reply = (line: string) => JSON.parse(handleLine(line)!) as Record<string, unknown>;
const isAdapterMessage = validator("protocol.schema.json#/$defs/adapterMessage");

describe("handleLine", () => {
  it("answers hello with protocol 1, its name, version and every optional feature", () => {
    expect(reply('{"type":"hello","protocol":1}')).toEqual({ type: "hello", protocol: 1, name: "ts", version: "0.1.0", features: ["append", "incr", "cas", "crash", "compact", "elect", "decode"] });
    // R-PROTO-5: asked for another version, it still answers with the one it speaks.
    expect(reply('{"type":"hello","protocol":9}').protocol).toBe(1);
  });

  it("decodes a snapshot (R-PROTO-13): the fields of an accepted one, the rule of a rejected one, an error for a request it cannot parse", () => {
    const two = "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c";
    expect(reply(`{"type":"decode","id":"d1","hex":"${two}"}`)).toEqual({
      type: "decoded",
      id: "d1",
      snapshot: { current_term: "1", last_included_index: "2", last_included_term: "1", pairs: [{ key: "a", value: "31" }, { key: "b", value: "00ff" }] },
    });
    expect(reply(`{"type":"decode","id":"d2","hex":"${two.slice(0, -2)}00"}`)).toMatchObject({ type: "rejected", id: "d2", rule: "R-DECODE-3" });
    expect(reply('{"type":"decode","id":"d3","hex":""}')).toMatchObject({ type: "rejected", id: "d3", rule: "R-DECODE-1" });
    expect(reply('{"type":"decode","id":"d4"}')).toMatchObject({ type: "error", id: "d4" });
    expect(reply('{"type":"decode","id":"d5","hex":"abc"}')).toMatchObject({ type: "error", id: "d5" });
  });

  it("runs a scenario with the reference, with and without trace", () => {
    expect(reply(run())).toEqual({ type: "result", id: "7", ...runScenario(scenario) });
    const traced = reply(run({ trace: true }));
    expect(traced.trace).toEqual(runScenario(scenario, { trace: true }).trace);
    expect(isAdapterMessage(traced)).toBe(true);
  });

  it("ignores fields it does not know in a run request (R-PROTO-4)", () => {
    expect(reply(run({ priority: "high" })).type).toBe("result");
  });

  it("answers everything it does not understand with an error, never a crash (R-PROTO-8)", () => {
    expect(reply("not json")).toEqual({ type: "error", id: null, message: "not JSON: not json" });
    expect(reply("[1,2]")).toMatchObject({ type: "error", id: null });
    expect(reply('{"type":"launch","id":"3"}')).toEqual({ type: "error", id: "3", message: 'unknown message type "launch"' });
    expect(reply('{"type":"run","id":"4","name":"x","trace":false}')).toMatchObject({ type: "error", id: "4" });
    const leaderCrash = { cluster: { nodes: 3, leader: 1 }, steps: [{ op: "crash", node: 1 }, { op: "snapshot", nodes: [2] }] };
    expect(reply(run({ scenario: leaderCrash }))).toMatchObject({ type: "error", id: "7" });
    for (const line of ["not json", '{"type":"launch"}', run({ scenario: leaderCrash })]) expect(isAdapterMessage(reply(line))).toBe(true);
  });

  it("refuses an invalid step in the ports' shape: the step's JSON path, what is wrong, and the rule (adapters/README.md)", () => {
    const run = (steps: unknown[]) => JSON.parse(handleLine(JSON.stringify({ type: "run", id: "v", name: "x", trace: false, scenario: { cluster: { nodes: 3, leader: 1 }, steps } }))!);
    expect(run([{ op: "put", key: "a", value: "01" }, { op: "crash", node: 1 }])).toEqual({ type: "error", id: "v", message: "steps[1].node: crash of node 1, the leader, is not allowed (R-CRASH-1)" });
    expect(run([{ op: "crash", node: 2 }, { op: "crash", node: 2 }])).toEqual({ type: "error", id: "v", message: "steps[1].node: crash of node 2, which is already down (R-CRASH-2)" });
  });

  it("says nothing to shutdown", () => {
    expect(handleLine('{"type":"shutdown"}')).toBeNull();
  });
});

describe("serve", () => {
  it("answers each line in order, a blank one with an error (R-PROTO-10), and stops at shutdown", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const done = serve(input, output);
    input.end(['{"type":"hello","protocol":1}', run(), "", '{"type":"shutdown"}', run()].join("\n") + "\n");
    await done;
    const lines = output.read()?.toString().trim().split("\n") ?? [];
    expect(lines.map((l: string) => JSON.parse(l).type)).toEqual(["hello", "result", "error"]);
    expect(JSON.parse(lines[2]!).id).toBeNull();
  });

  it("refuses a line whose bytes are not UTF-8 whole, even when a lenient decoder would read a valid request (R-PROTO-10)", async () => {
    const input = new PassThrough();
    const output = new PassThrough();
    const done = serve(input, output);
    const valid = Buffer.from(run());
    // The id's bytes "7" 0xff: read with U+FFFD in place of 0xff, this is a run request that would be answered.
    const broken = Buffer.from(run().replace('"id":"7"', '"id":"7\u00ff"'), "latin1");
    // A multi-byte character cut between two chunks, and a line cut between chunks, are read whole.
    const key = Buffer.from(run().replace('"key":"a"', '"key":"\u00e9"'));
    input.write(Buffer.concat([broken, Buffer.from("\n"), key.subarray(0, key.indexOf(0xc3) + 1)]));
    input.end(Buffer.concat([key.subarray(key.indexOf(0xc3) + 1), Buffer.from("\n"), valid]));
    await done;
    const text = (output.read() as Buffer | null)?.toString() ?? "";
    const lines = text.trim().split("\n").map((l) => JSON.parse(l) as { type: string; id: string | null });
    expect(lines.map((l) => [l.type, l.id])).toEqual([["error", null], ["result", "7"], ["result", "7"]]);
  });
});
