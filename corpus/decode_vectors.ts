// Decode vectors (SPEC.md section 8, feature decode): an input for a snapshot decoder authored readably under
// vectors/decode/<name>.json, and its golden under vectors/golden/decode/<name>.json with the reference's
// verdict (SPEC.md 4.1). The verdict is the reference's, never written by hand.
import { createHash } from "node:crypto";
import { bytesToHex, formatProblem, hexToBytes, scenarioText, utf8Bytes, validator, type Problem } from "../reference/index.js";
import { crc32c } from "../reference/crc32c.js";
import { decodeVerdict, decodedJson } from "../reference/decode.js";
import { schemaProblems } from "../reference/schema_problems.js";
import type { AuthoredDecodeVector, Bytes, DecodeInputFields } from "../reference/types/decode.gen.js";
import type { DecodeGolden } from "../reference/types/decode_golden.gen.js";
import { goldenHeadLines } from "./golden.js";

/** The topic decode vectors are named under; scenarios may not use it (SPEC.md section 8). Defined with the name rule. */
import { DECODE_TOPIC } from "../reference/names.js";
export { DECODE_TOPIC };

const U64_MAX = (1n << 64n) - 1n;
const U32_MAX = (1n << 32n) - 1n;

const bytesOf = (b: Bytes): Uint8Array => (b.hex !== undefined ? hexToBytes(b.hex) : utf8Bytes(b.utf8!));

/** Range checks the schema cannot make: u64 and u32 decimals, and utf8 text without lone surrogates. */
function rangeProblems(input: DecodeInputFields): Problem[] {
  const problems: Problem[] = [];
  const limit = (value: string | undefined, max: bigint, path: string) => {
    if (value !== undefined && BigInt(value) > max) problems.push({ path, rule: "R-DECODE-12", message: `${value} is above ${max}` });
  };
  limit(input.current_term, U64_MAX, "input.current_term");
  limit(input.last_included_index, U64_MAX, "input.last_included_index");
  limit(input.last_included_term, U64_MAX, "input.last_included_term");
  limit(input.pair_count, U32_MAX, "input.pair_count");
  const text = (b: Bytes | undefined, path: string) => {
    if (b?.utf8 !== undefined && !b.utf8.isWellFormed()) problems.push({ path: `${path}.utf8`, rule: "R-BYTES-3", message: "utf8 text contains a lone surrogate; expected valid Unicode" });
  };
  text(input.magic, "input.magic");
  text(input.tail, "input.tail");
  input.pairs.forEach((p, i) => {
    limit(p.key_length, U32_MAX, `input.pairs[${i}].key_length`);
    limit(p.value_length, U32_MAX, `input.pairs[${i}].value_length`);
    text(p.key, `input.pairs[${i}].key`);
    text(p.value, `input.pairs[${i}].value`);
  });
  return problems;
}

/** The input's bytes, written field by field as section 4 lays them out, with the authored deviations. */
export function decodeInputBytes(input: AuthoredDecodeVector["input"]): Uint8Array {
  if ("hex" in input) return hexToBytes(input.hex);
  const parts: Uint8Array[] = [];
  const u32 = (n: bigint | number) => {
    const b = new Uint8Array(4);
    new DataView(b.buffer).setUint32(0, Number(n));
    return b;
  };
  const u64 = (s: string) => {
    const b = new Uint8Array(8);
    new DataView(b.buffer).setBigUint64(0, BigInt(s));
    return b;
  };
  parts.push(input.magic ? bytesOf(input.magic) : Uint8Array.of(0x52, 0x4b, 0x56, 0x31));
  parts.push(u64(input.current_term), u64(input.last_included_index), u64(input.last_included_term));
  parts.push(u32(input.pair_count !== undefined ? BigInt(input.pair_count) : input.pairs.length));
  for (const p of input.pairs) {
    const key = bytesOf(p.key);
    const value = bytesOf(p.value);
    parts.push(u32(p.key_length !== undefined ? BigInt(p.key_length) : key.length), key);
    parts.push(u32(p.value_length !== undefined ? BigInt(p.value_length) : value.length), value);
  }
  if (input.tail) parts.push(bytesOf(input.tail));
  const body = concat(parts);
  const crc = input.crc !== undefined ? hexToBytes(input.crc) : u32(crc32c(body, 0, body.length));
  return concat([body, crc]);
}

function concat(parts: readonly Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const p of parts) {
    out.set(p, at);
    at += p.length;
  }
  return out;
}

/** The reference's verdict on `bytes`, as a golden records it. */
export function expectedVerdict(bytes: Uint8Array): DecodeGolden["expected"] {
  const v = decodeVerdict(bytes);
  return v.ok ? { type: "decoded", snapshot: decodedJson(v.snapshot) } : { type: "rejected", rule: v.rule, offset: v.offset, message: v.message };
}

export type DecodeGoldenOutcome = { ok: true; golden: DecodeGolden } | { ok: false; lines: string[] };

/** `name` is the vector's name below vectors/decode; `source` its path relative to the repository root. */
export function buildDecodeGolden(name: string, source: string, fileBytes: Uint8Array): DecodeGoldenOutcome {
  const fail = (problems: readonly Problem[]): DecodeGoldenOutcome => ({ ok: false, lines: problems.map((p) => formatProblem(source, p)) });
  const text = scenarioText(fileBytes);
  if (!text.ok) return fail([text.problem]);
  let document: unknown;
  try {
    document = JSON.parse(text.text);
  } catch (err) {
    return fail([{ path: "(root)", rule: "R-FILE-1", message: `not JSON: ${(err as Error).message}` }]);
  }
  const validate = validator("decode.schema.json");
  if (!validate(document)) return fail(schemaProblems(document, validate.errors ?? []));
  const authored = document as AuthoredDecodeVector;
  if (!("hex" in authored.input)) {
    const problems = rangeProblems(authored.input);
    if (problems.length > 0) return fail(problems);
  }
  const bytes = decodeInputBytes(authored.input);
  return {
    ok: true,
    golden: {
      format: 1,
      name: `${DECODE_TOPIC}/${name}`,
      source,
      source_sha256: createHash("sha256").update(fileBytes).digest("hex"),
      description: authored.description,
      tags: authored.tags ?? [],
      rules: authored.rules ?? [],
      features: ["decode"],
      hex: bytesToHex(bytes),
      expected: expectedVerdict(bytes),
    },
  };
}

/** Stable text, one field per line, the decoded pairs one per line. */
export function formatDecodeGolden(g: DecodeGolden): string {
  const j = (v: unknown) => JSON.stringify(v);
  const e = g.expected;
  const expected =
    e.type === "rejected"
      ? `{"type": "rejected", "rule": ${j(e.rule)}, "offset": ${e.offset}, "message": ${j(e.message)}}`
      : [
          `{"type": "decoded", "snapshot": {`,
          `    "current_term": ${j(e.snapshot.current_term)},`,
          `    "last_included_index": ${j(e.snapshot.last_included_index)},`,
          `    "last_included_term": ${j(e.snapshot.last_included_term)},`,
          `    "pairs": [${e.snapshot.pairs.length === 0 ? "]" : `\n${e.snapshot.pairs.map((p) => `      ${j(p)}`).join(",\n")}\n    ]`}`,
          `  }}`,
        ].join("\n");
  return [
    ...goldenHeadLines(g),
    `  "hex": ${j(g.hex)},`,
    `  "expected": ${expected}`,
    "}",
    "",
  ].join("\n");
}
