import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validator } from "../../reference/index.js";
import { GOLDEN_DIR, listJson } from "../../corpus/scenario_files.js";
import { validateAdapterMessage, validateGolden } from "./validators.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

describe("precompiled validators agree with ajv compiling the schemas at run time", () => {
  it("on every golden, and on goldens broken in each way the schema forbids", async () => {
    const dynamic = validator("golden.schema.json");
    const docs: unknown[] = [];
    for (const n of await listJson(path.join(ROOT, GOLDEN_DIR))) if (!n.startsWith("decode/")) docs.push(JSON.parse(readFileSync(path.join(ROOT, GOLDEN_DIR, n), "utf8")));
    const g = docs[0] as Record<string, unknown>;
    docs.push({ ...g, format: 2 }, { ...g, extra: 1 }, { ...g, snapshots: [] }, { ...g, snapshots: [{ step: 0, node: 1, hex: "ABCD" }] }, { ...g, features: ["teleport"] });
    for (const d of docs) expect(validateGolden(d)).toBe(dynamic(d));
    expect(docs.filter((d) => validateGolden(d)).length).toBe(docs.length - 5);
  });

  it("on adapter messages, valid and not", () => {
    const dynamic = validator("protocol.schema.json#/$defs/adapterMessage");
    const hex = "524b563100000000000000010000000000000000000000000000000000000000045540e9";
    const messages = [
      { type: "hello", protocol: 1, name: "x", version: "1", features: [] },
      { type: "result", id: "1", snapshots: [{ step: 0, node: 1, hex }] },
      { type: "result", id: "1", snapshots: [{ step: 0, node: 1, hex }], trace: [{ step: 0, states: [hex, null] }] },
      { type: "error", id: null, message: "no" },
      { type: "result", id: "1", snapshots: [{ step: 0, node: 1, hex: hex.toUpperCase() }] },
      { type: "result", id: "1", snapshots: [{ step: 0, node: 1, hex: hex.slice(0, 70) }] },
      { type: "result", id: 1, snapshots: [] },
      { type: "greeting" },
      { type: "hello", protocol: 1, name: "x", version: "1", features: ["a", "a"] },
    ];
    for (const m of messages) expect(validateAdapterMessage(m), JSON.stringify(m)).toBe(dynamic(m));
    expect(messages.map((m) => validateAdapterMessage(m))).toEqual([true, true, true, true, false, false, false, false, false]);
  });
});

// Values of any length are allowed (SPEC.md R-BYTES-2); V8 runs a regex like ^(?:[0-9a-f]{2})*$ recursively
// and overflowed its stack at 12 MB, so a 6 MiB value killed every later run with "internal error".
describe("hex of any length", () => {
  it("a golden with a 6 MiB value and a 16 MB snapshot reply validate, precompiled and at run time", async () => {
    const { buildGolden } = await import("../../corpus/golden.js");
    const value = "ab".repeat(3 * 1024 * 1024);
    const scenario = { description: "big", cluster: { nodes: 1 }, steps: [{ op: "put", key: "k", value: { hex: value } }, { op: "snapshot", nodes: "all" }] };
    const outcome = buildGolden("big/six", "vectors/scenarios/big/six.json", new TextEncoder().encode(JSON.stringify(scenario)));
    expect(outcome.ok).toBe(true);
    if (!outcome.ok) return;
    const golden = JSON.parse(JSON.stringify(outcome.golden)) as unknown;
    expect(validateGolden(golden)).toBe(true);
    expect(validator("golden.schema.json")(golden)).toBe(true);
    const hex = `524b5631${"0".repeat(16 * 1024 * 1024)}`;
    const reply = { type: "result", id: "1", snapshots: [{ step: 0, node: 1, hex }] };
    expect(validateAdapterMessage(reply)).toBe(true);
    expect(validator("protocol.schema.json#/$defs/adapterMessage")(reply)).toBe(true);
  });

  it("still rejects odd-length, short and non-hex strings, long or not", () => {
    const dynamic = validator("protocol.schema.json#/$defs/adapterMessage");
    const reply = (hex: string) => ({ type: "result", id: "1", snapshots: [{ step: 0, node: 1, hex }] });
    for (const hex of ["0".repeat(70), "0".repeat(73), `${"0".repeat(20_000_000)}0`, `${"0".repeat(20_000_000)}g0`, "0".repeat(72).toUpperCase().replace(/^0/, "A")]) {
      expect(validateAdapterMessage(reply(hex))).toBe(false);
      expect(dynamic(reply(hex))).toBe(false);
    }
  });
});
