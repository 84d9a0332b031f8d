// The runner checks every golden it loads and every line an adapter writes. Compiling those schemas with ajv
// costs about 100 ms at every start, so they are compiled ahead of time into validators.gen.ts (kept fresh
// by `rsm types --check` in the tests); the code is ajv's own, with the same options as reference/schemas.ts.
import type { ErrorObject } from "ajv";
import * as generated from "./validators.gen.js";

export interface Validate {
  (data: unknown): boolean;
  errors?: ErrorObject[] | null;
}

const compiled = generated as unknown as { golden: Validate; decodeGolden: Validate; adapterMessage: Validate };

export const validateGolden: Validate = compiled.golden;
export const validateDecodeGolden: Validate = compiled.decodeGolden;
export const validateAdapterMessage: Validate = compiled.adapterMessage;
