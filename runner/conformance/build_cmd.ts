// `rsm build [NAME...]`: build the stale registered adapters, once, before anything runs them. npm test does
// this first so that test files running in parallel never start the same build twice.
import { EXIT_FAILED, EXIT_OK } from "../errors.js";
import { loadRegistry } from "./registry.js";
import { buildIfStale, planTargets } from "./targets.js";

export async function buildCommand(args: string[], root: string, out: (line: string) => void): Promise<number> {
  const targets = planTargets(root, await loadRegistry(root), args, []);
  let failed = 0;
  for (const t of targets) {
    const { fatal } = await buildIfStale(root, t, (line) => out(line));
    if (fatal === null) continue;
    out(`${fatal.optional ? "NOT BUILT" : "FAILED"} ${t.name}: ${fatal.message}`);
    if (fatal.output) out(fatal.output.trimEnd());
    if (!fatal.optional) failed++;
  }
  out(failed === 0 ? `adapters ready: ${targets.map((t) => t.name).join(", ")}` : `${failed} adapter build(s) failed`);
  return failed === 0 ? EXIT_OK : EXIT_FAILED;
}
