import { readFileSync } from "node:fs";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { validator } from "../reference/index.js";
import { GOLDEN_DIR, listJson } from "../corpus/scenario_files.js";
import { validateAdapterMessage, validateGolden } from "./validators.js";

const ROOT = path.resolve(import.meta.dirname, "..");

describe("precompiled validators agree with ajv compiling the schemas at run time", () => {
  it("on every golden, and on goldens broken in each way the schema forbids", async () => {
    const dynamic = validator("golden.schema.json");
    const docs: unknown[] = [];
    for (const n of await listJson(path.join(ROOT, GOLDEN_DIR))) docs.push(JSON.parse(readFileSync(path.join(ROOT, GOLDEN_DIR, n), "utf8")));
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
