// One ajv instance holding every schema of the kit, compiled once per process (never per scenario).
// The schemas are data in ../schema, the language-neutral contract; x-rule and x-expected are our own
// annotation keywords, which JSON Schema 2020-12 allows and other validators ignore.
import { Ajv2020, _, str, type CodeKeywordDefinition, type KeywordCxt, type ValidateFunction } from "ajv/dist/2020.js";
import decode from "../schema/decode.schema.json" with { type: "json" };
import decodeGolden from "../schema/decode_golden.schema.json" with { type: "json" };
import golden from "../schema/golden.schema.json" with { type: "json" };
import normalized from "../schema/normalized.schema.json" with { type: "json" };
import protocol from "../schema/protocol.schema.json" with { type: "json" };
import scenario from "../schema/scenario.schema.json" with { type: "json" };

export const SCHEMA_DOCUMENTS: Record<string, object> = {
  "scenario.schema.json": scenario,
  "normalized.schema.json": normalized,
  "protocol.schema.json": protocol,
  "golden.schema.json": golden,
  "decode.schema.json": decode,
  "decode_golden.schema.json": decodeGolden,
};

/**
 * `"x-hex-bytes": N` on a string schema: an even number of characters, at least 2N. Hex strings are
 * long (SPEC.md 5.1: values and snapshots up to 16 MiB), and V8 runs a regex such as `^(?:[0-9a-f]{2})*$`
 * recursively, so a 12 MB value overflows its stack; the schemas' patterns are therefore single character classes
 * (`^[0-9a-f]*$`, which V8 runs in a loop) and the length is checked here, in constant time. The pattern
 * makes the string ASCII, so its length is its number of characters. Ajv inlines this code, so the
 * precompiled validators (runner/adapter/validators.gen.ts) carry it too; validators that do not know the keyword
 * ignore it, as JSON Schema allows, and accept odd-length hex.
 */
const HEX_BYTES_KEYWORD: CodeKeywordDefinition = {
  keyword: "x-hex-bytes",
  type: "string",
  schemaType: "number",
  error: {
    message: ({ schema }) =>
      schema === 0 ? str`must have an even number of hex digits` : str`must have an even number of hex digits, at least ${String(2 * (schema as number))}`,
  },
  code(cxt: KeywordCxt) {
    const min = 2 * (cxt.schema as number);
    cxt.fail(min > 0 ? _`${cxt.data}.length % 2 !== 0 || ${cxt.data}.length < ${min}` : _`${cxt.data}.length % 2 !== 0`);
  },
};

/** The kit's own keywords, which every ajv instance over these schemas must know. */
export function addKitKeywords(instance: Ajv2020): void {
  instance.addVocabulary(["x-rule", "x-expected"]);
  instance.addKeyword(HEX_BYTES_KEYWORD);
}

let ajv: Ajv2020 | undefined;
const compiled = new Map<string, ValidateFunction>();

/** A validator for a schema id with an optional JSON pointer, e.g. "protocol.schema.json#/$defs/result". */
export function validator(ref: string): ValidateFunction {
  let v = compiled.get(ref);
  if (v) return v;
  ajv ??= createAjv();
  v = ajv.getSchema(ref);
  if (!v) throw new Error(`no schema ${ref}`);
  compiled.set(ref, v);
  return v;
}

function createAjv(): Ajv2020 {
  // strictRequired is off because a discriminated step requires "op" before the branch defines it.
  // allErrors: a porter fixing a scenario wants every problem at once, not one per run.
  const instance = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, discriminator: true, verbose: true });
  addKitKeywords(instance);
  for (const doc of Object.values(SCHEMA_DOCUMENTS)) instance.addSchema(doc);
  return instance;
}
