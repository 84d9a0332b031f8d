// Builds a variant of the reference: a copy of reference/ (and the schemas it imports) under .build/mutants/
// with the variant's patches applied, loaded as a module of its own.
import { cp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { pathToFileURL } from "node:url";
import { tsImport } from "tsx/esm/api";
import { InternalError } from "../../common/errors.js";
import type { Variant } from "./variants.js";

export type ReferenceModule = typeof import("../../reference/index.js");

/**
 * `checked`: keep the reference's own invariant checks (reference/assert.ts), which the Raft safety checker
 * (reference/raft_safety.ts) is made of, for a search that looks for exactly those violations (the
 * invariant fuzzer's test); by default a variant runs without them, as a port would (writeMutant says why).
 */
export async function loadMutant(root: string, variant: Variant, options: { readonly checked?: boolean } = {}): Promise<ReferenceModule> {
  const dir = await writeMutant(root, variant, options.checked === true);
  // tsImport, not import(): `npm run mutation` runs the esbuild bundle under plain node, which cannot load .ts.
  return (await tsImport(pathToFileURL(path.join(dir, "reference", "index.ts")).href, import.meta.url)) as ReferenceModule;
}

/**
 * The TypeScript adapter over a variant of the reference: a deliberately broken port, for showing what the
 * runner and the fuzzer do with one. Returns its argv (run from the repository root).
 */
export async function mutantAdapter(root: string, variant: Variant): Promise<string[]> {
  const dir = await writeMutant(root, variant);
  await cp(path.join(root, "adapters", "ts"), path.join(dir, "adapters", "ts"), { recursive: true, filter: (src) => !src.endsWith(".test.ts") });
  await cp(path.join(root, "package.json"), path.join(dir, "package.json"));
  return ["node", "--import", "tsx", path.join(dir, "adapters", "ts", "main.ts")];
}

/** Copies reference/ and schema/ under .build/mutants/<id>/ and applies the variant's patches. */
async function writeMutant(root: string, variant: Variant, keepChecks = false): Promise<string> {
  const dir = path.join(root, ".build", "mutants", keepChecks ? `${variant.id}-checked` : variant.id);
  await rm(dir, { recursive: true, force: true });
  await mkdir(dir, { recursive: true });
  await cp(path.join(root, "reference"), path.join(dir, "reference"), { recursive: true, filter: (src) => !src.endsWith(".test.ts") });
  await cp(path.join(root, "schema"), path.join(dir, "schema"), { recursive: true });
  for (const patch of variant.patches) {
    const file = path.join(dir, "reference", patch.file);
    const text = await readFile(file, "utf8");
    const count = text.split(patch.search).length - 1;
    if (count !== 1) {
      throw new InternalError(
        `mutation variant ${variant.id}: its patch to reference/${patch.file} matches ${count} times, expected exactly once; update selftest/mutation/variants.ts to the reference as it is now`,
      );
    }
    await writeFile(file, text.replace(patch.search, () => patch.replace));
  }
  // The reference checks its own invariants (reference/assert.ts) and throws when one breaks; a port has no
  // such checks and answers on with wrong bytes. A variant that threw would fail its vectors as a crashed port
  // does, with no diagnosis, and the ranking would measure the reference's self-checks, not what a porter with
  // that bug reads. So a variant runs with them off.
  if (keepChecks) return dir;
  const assert = path.join(dir, "reference", "assert.ts");
  const checked = await readFile(assert, "utf8");
  const unchecked = checked.replace(/(export function invariant\([^)]*\): asserts condition \{)[^}]*\}/, "$1}");
  if (unchecked === checked) throw new InternalError("mutation: reference/assert.ts has no invariant(condition, message) to turn off; update selftest/mutation/mutants.ts");
  await writeFile(assert, unchecked);
  return dir;
}
