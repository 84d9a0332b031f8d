// Derives the TypeScript types from schema/*.json, so the types cannot drift from the schemas:
// `rsm types` rewrites reference/types/*.gen.ts and `rsm types --check` (run by the tests) fails when stale.
import { readFile } from "node:fs/promises";
import path from "node:path";
import { compile } from "json-schema-to-typescript";
import { writeFileAtomic } from "./fs_atomic.js";

export const SCHEMAS = ["scenario", "normalized", "protocol", "golden", "report"] as const;

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

/** Returns the files that are (check) or were (write) out of date. */
export async function syncSchemaTypes(root: string, mode: "write" | "check"): Promise<string[]> {
  const stale: string[] = [];
  for (const name of SCHEMAS) {
    const want = await generate(root, name);
    const target = typesPath(root, name);
    const have = await readFile(target, "utf8").catch(() => null);
    if (have === want) continue;
    stale.push(path.relative(root, target));
    if (mode === "write") await writeFileAtomic(target, want);
  }
  return stale;
}
