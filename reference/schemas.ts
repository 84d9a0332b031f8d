// One ajv instance holding every schema of the kit, compiled once per process (never per scenario).
// The schemas are data in ../schema, the language-neutral contract; x-rule and x-expected are our own
// annotation keywords, which JSON Schema 2020-12 allows and other validators ignore.
import { Ajv2020, type ValidateFunction } from "ajv/dist/2020.js";
import golden from "../schema/golden.schema.json" with { type: "json" };
import normalized from "../schema/normalized.schema.json" with { type: "json" };
import protocol from "../schema/protocol.schema.json" with { type: "json" };
import scenario from "../schema/scenario.schema.json" with { type: "json" };

export const SCHEMA_DOCUMENTS: Record<string, object> = {
  "scenario.schema.json": scenario,
  "normalized.schema.json": normalized,
  "protocol.schema.json": protocol,
  "golden.schema.json": golden,
};

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
  instance.addVocabulary(["x-rule", "x-expected"]);
  for (const doc of Object.values(SCHEMA_DOCUMENTS)) instance.addSchema(doc);
  return instance;
}
