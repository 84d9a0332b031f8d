// A counterexample becomes an authored scenario (SPEC.md section 5), so `npm run vectors` gives it a golden
// like any other and it guards every port from then on.
import { createHash } from "node:crypto";
import path from "node:path";
import { checkScenario, formatProblem, type AuthoredScenario } from "../../reference/index.js";
import { InternalError } from "../../common/errors.js";
import { formatAuthored } from "../../corpus/authored_format.js";
// The conversion lives with the authored format, where the runner's --write-scale uses it too.
export { toAuthored } from "../../corpus/authored_format.js";
import { writeFileAtomic } from "../../common/fs_atomic.js";

/** Writes the scenario under dir with a name from the adapter, seed and content; returns the path. */
export async function writeFound(dir: string, adapter: string, seed: number, authored: AuthoredScenario): Promise<string> {
  const check = checkScenario(JSON.parse(JSON.stringify(authored)));
  if (!check.ok) throw new InternalError(`the shrunk scenario is not valid: ${check.problems.map((p) => formatProblem("found", p)).join("; ")}`);
  const text = formatAuthored(authored);
  const slug = adapter.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "") || "adapter";
  const hash = createHash("sha256").update(text).digest("hex").slice(0, 8);
  const file = path.join(dir, `${slug}-seed-${seed}-${hash}.json`);
  await writeFileAtomic(file, text);
  return file;
}
