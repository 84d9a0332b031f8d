// `rsm conformance --list`: the selection's names, tags, features and steps, one per line (or as JSON); nothing runs.
import { InvalidInput } from "../common/errors.js";
import { consoleLine, json } from "../common/escape.js";
import { loadDecodeVectors } from "./checks/decode.js";
import { listCorpus, readVector } from "./corpus.js";
import type { Options } from "./options.js";
import { checkNames, streamSelection } from "./select.js";
import { SCALE_CASE_NAMES } from "./checks/scale.js";
import { scaleCaseScenario } from "./checks/scale_files.js";

interface Out {
  write(s: string): unknown;
}

export async function listSelection(o: Options, out: Out): Promise<number> {
  const entries = await listCorpus(o.vectors);
  const decodeVectors = await loadDecodeVectors(o.vectors);
  checkNames(o.names, [...entries.map((e) => e.name), ...decodeVectors.map((v) => v.name), ...SCALE_CASE_NAMES]);
  const select = streamSelection(o);
  const rows: { name: string; tags: string[]; features: string[]; steps: number }[] = [];
  const problems: string[] = [];
  for (const e of entries) {
    if (!select.byName(e.name)) continue;
    const v = readVector(e);
    if (typeof v === "string") problems.push(v);
    else if (select.byContent(v)) rows.push({ name: v.name, tags: [...v.golden.tags], features: [...v.golden.features], steps: v.golden.scenario.steps.length });
  }
  if (problems.length > 0) throw new InvalidInput(problems);
  // Decode vectors (SPEC.md section 8) are selected as scenarios are; they have no steps.
  for (const v of decodeVectors) {
    if (select.byName(v.name) && select.byContent(v)) rows.push({ name: v.name, tags: [...v.golden.tags], features: ["decode"], steps: 0 });
  }
  // The scale check's cases --name chose: generated, listed with their steps; no features of their own (the
  // variant with compactions is the one a port that lists compact runs).
  for (const name of o.names.filter((n) => SCALE_CASE_NAMES.includes(n))) rows.push({ name, tags: ["scale"], features: [], steps: scaleCaseScenario(name)!.scenario.steps.length });
  // Names, tags and features are the scenario files': printed through the output boundary (common/escape.ts).
  if (o.reporter === "json") out.write(`${json(rows, 1)}\n`);
  else {
    for (const r of rows) out.write(`${consoleLine(`${r.name}  tags: ${r.tags.join(",") || "-"}  features: ${r.features.join(",") || "-"}  steps: ${r.steps}`)}\n`);
    const decode = rows.filter((r) => r.name.startsWith("decode/")).length;
    out.write(`${rows.length - decode} scenario${rows.length - decode === 1 ? "" : "s"} of ${entries.length}${decode > 0 ? `, ${decode} decode vector${decode === 1 ? "" : "s"}` : ""}\n`);
  }
  return 0;
}
