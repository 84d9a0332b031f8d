// Derives code from schema/*.json, so it cannot drift from the schemas: the TypeScript types
// (reference/types/*.gen.ts) and the runner's precompiled validators (runner/adapter/validators.gen.ts).
// `rsm types` rewrites them and `rsm types --check` (run by the tests) fails when any is stale.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { Ajv2020 } from "ajv/dist/2020.js";
import * as standaloneModule from "ajv/dist/standalone/index.js";
import { compile } from "json-schema-to-typescript";
import { SCHEMA_DOCUMENTS, addKitKeywords } from "../reference/schemas.js";
import { writeFileAtomic } from "../common/fs_atomic.js";

export const SCHEMAS = ["scenario", "normalized", "protocol", "golden", "report", "decode", "decode_golden"] as const;

const BANNER = "// Generated from schema/NAME.schema.json by `npm run cli -- types`. Do not edit by hand.\n";

async function generate(root: string, name: string): Promise<string> {
  const file = path.join(root, "schema", `${name}.schema.json`);
  const schema = JSON.parse(await readFile(file, "utf8"));
  const ts = await compile(schema, name, {
    cwd: path.join(root, "schema"),
    bannerComment: BANNER.replace("NAME", name),
    additionalProperties: false,
    unreachableDefinitions: true,
    format: true,
  });
  return ts;
}

export function typesPath(root: string, name: string): string {
  return path.join(root, "reference", "types", `${name}.gen.ts`);
}

/** The runner's hot validators, compiled ahead of time: see runner/adapter/validators.ts. */
export const STANDALONE = {
  golden: "golden.schema.json",
  decodeGolden: "decode_golden.schema.json",
  adapterMessage: "protocol.schema.json#/$defs/adapterMessage",
} as const;

export function validatorsPath(root: string): string {
  return path.join(root, "runner", "adapter", "validators.gen.ts");
}

function generateValidators(): string {
  // The same options as reference/schemas.ts, minus `verbose`, which only the scenario validator needs.
  const ajv = new Ajv2020({ allErrors: true, strict: true, strictRequired: false, discriminator: true, code: { source: true, esm: true } });
  addKitKeywords(ajv);
  for (const doc of Object.values(SCHEMA_DOCUMENTS)) ajv.addSchema(doc);
  // A CommonJS module whose export is the function; depending on the loader it arrives as the default export.
  type Standalone = (ajv: Ajv2020, refs: Record<string, string>) => string;
  const mod = standaloneModule as unknown as { default: Standalone | { default: Standalone } };
  const code = typeof mod.default === "function" ? mod.default : mod.default.default;
  const source = code(ajv, STANDALONE);
  // ajv's ESM output still calls require() for its runtime helpers.
  return `// Generated from schema/*.json by \`npm run cli -- types\`. Do not edit by hand.\n// @ts-nocheck\nimport { createRequire } from "node:module";\nconst require = createRequire(import.meta.url);\n${source.replace(/^"use strict";/, "")}\n`;
}

/** Returns the files that are (check) or were (write) out of date. */
export async function syncSchemaTypes(root: string, mode: "write" | "check"): Promise<string[]> {
  const wanted: [string, string][] = [];
  for (const name of SCHEMAS) wanted.push([typesPath(root, name), await generate(root, name)]);
  wanted.push([validatorsPath(root), generateValidators()]);
  const stale: string[] = [];
  for (const [target, want] of wanted) {
    const have = await readFile(target, "utf8").catch(() => null);
    if (have === want) continue;
    stale.push(path.relative(root, target));
    if (mode === "write") await writeFileAtomic(target, want);
  }
  return stale;
}
