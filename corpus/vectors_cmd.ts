// `rsm vectors [--check]`: regenerate every golden from the reference. Writes only files that change, each
// atomically, and nothing at all while any scenario is invalid; --check writes nothing and fails naming
// every stale, missing or orphaned golden.
import { rm } from "node:fs/promises";
import path from "node:path";
import { EXIT_FAILED, EXIT_OK, InvalidInput } from "../common/errors.js";
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { removeStaleTemporaries, writeFileAtomic } from "../common/fs_atomic.js";
import { FileRefused, GOLDEN_FILE, readInputText } from "../common/read_file.js";
import { formatProblem, nameProblem } from "../reference/index.js";
import { buildGolden, formatGolden } from "./golden.js";
import { tagProblems, tagVocabulary } from "./tags.js";
import { declaredRuleProblems } from "./declared_rules.js";
import { LINES_PER_GOLDEN, capped, goldenChanges } from "./golden_diff.js";
import { DECODE_TOPIC, buildDecodeGolden, formatDecodeGolden } from "./decode_vectors.js";
import { DECODE_DIR, GOLDEN_DIR, SCENARIOS_DIR, goldenPath, listJson, nameOf, readScenarioFile, scenarioPath, type ReadOptions } from "./scenario_files.js";

export interface VectorsPlan {
  created: string[];
  updated: string[];
  orphaned: string[];
  unchanged: number;
  /** name -> new golden text, for created and updated. */
  texts: Map<string, string>;
  /** name -> the golden text on disk, for updated. */
  previous: Map<string, string>;
}

/** A golden as it is now, bounded like every golden the kit reads; null when it is gone. */
async function readExistingGolden(file: string, shown: string): Promise<string | null> {
  try {
    return await readInputText(file, GOLDEN_FILE, { label: shown });
  } catch (err) {
    if (err instanceof FileRefused && err.code === "ENOENT") return null;
    throw err;
  }
}

export async function planVectors(root: string, options: ReadOptions = {}): Promise<VectorsPlan> {
  const scenarioNames = (await listJson(path.join(root, SCENARIOS_DIR))).map(nameOf);
  const goldenNames = new Set((await listJson(path.join(root, GOLDEN_DIR))).map(nameOf));
  const plan: VectorsPlan = { created: [], updated: [], orphaned: [], unchanged: 0, texts: new Map(), previous: new Map() };
  const invalid: string[] = [];
  const vocabulary = tagVocabulary(root);
  const decodeNames = (await listJson(path.join(root, DECODE_DIR))).map(nameOf);
  // Scenarios first, then decode vectors (SPEC.md section 8), each golden built by the reference.
  const sources = [
    ...scenarioNames.map((name) => ({ name, source: `${SCENARIOS_DIR.split(path.sep).join("/")}/${name}.json`, file: scenarioPath(root, name), decode: false })),
    ...decodeNames.map((n) => ({ name: `${DECODE_TOPIC}/${n}`, source: `${DECODE_DIR.split(path.sep).join("/")}/${n}.json`, file: path.join(root, DECODE_DIR, `${n}.json`), decode: true })),
  ];
  for (const { name, source, file, decode } of sources) {
    if (!decode && name.split("/")[0] === DECODE_TOPIC) {
      invalid.push(`${source}: the topic "${DECODE_TOPIC}" is reserved for decode vectors (vectors/decode, SPEC.md section 8); expected another folder`);
      continue;
    }
    // R-NAME-1: the golden would carry this name, and every conformance run would then refuse it.
    const badName = nameProblem(name);
    if (badName !== null) {
      invalid.push(formatProblem(source, { path: "", rule: "R-NAME-1", message: badName }));
      continue;
    }
    const read = await readScenarioFile(file, source, options);
    if (!read.ok) {
      invalid.push(read.line);
      continue;
    }
    const built = decode ? buildDecodeGolden(name.slice(DECODE_TOPIC.length + 1), source, read.bytes) : buildGolden(name, source, read.bytes);
    if (!built.ok) {
      for (const line of built.lines) invalid.push(line);
      continue;
    }
    const unknown = [...tagProblems(source, built.golden.tags, vocabulary), ...declaredRuleProblems(source, built.golden.rules)];
    if (unknown.length > 0) {
      for (const line of unknown) invalid.push(line);
      continue;
    }
    const text = "hex" in built.golden ? formatDecodeGolden(built.golden) : formatGolden(built.golden);
    // Another `vectors` running beside this one may have removed it meanwhile.
    const existing = goldenNames.has(name) ? await readExistingGolden(goldenPath(root, name), `${GOLDEN_DIR.split(path.sep).join("/")}/${name}.json`) : null;
    if (existing === text) plan.unchanged++;
    else {
      (existing === null ? plan.created : plan.updated).push(name);
      plan.texts.set(name, text);
      if (existing !== null) plan.previous.set(name, existing);
    }
  }
  if (invalid.length > 0) throw new InvalidInput(invalid);
  const known = new Set(sources.map((s) => s.name));
  plan.orphaned = [...goldenNames].filter((n) => !known.has(n));
  return plan;
}

export const VECTORS_SPEC = defineCommand({
  name: "vectors",
  synopsis: "[--check]",
  brief: "regenerate golden vectors from the reference; --check fails if any is stale",
  summary: `Regenerates every golden vector (vectors/golden) from its authored scenario (vectors/scenarios) with the
reference. Writes only files that change, atomically, and prints what changed; writes nothing while any
scenario is invalid. For each changed golden it names the snapshots (step, node) that changed and shows each
as a decoded diff, old against new (at most ${LINES_PER_GOLDEN} lines per golden); new and removed goldens are named.`,
  positionals: { none: "expected only --check" },
  flags: {
    check: { type: "boolean", help: "write nothing; exit 1 naming every stale, missing or orphaned golden (stale ones with their diff)" },
  },
  notes: ["exit codes: 0 done (or fresh), 1 stale goldens (--check), 2 usage or invalid input"],
});

export async function vectorsCommand(args: string[], root: string, out: (line: string) => void, options: ReadOptions = {}): Promise<number> {
  const { values } = parseFlags(VECTORS_SPEC, args);
  if (values.help) {
    out(usage(VECTORS_SPEC));
    return EXIT_OK;
  }
  const check = values.check === true;
  const plan = await planVectors(root, options);
  const rel = (name: string) => path.join(GOLDEN_DIR, `${name}.json`);
  // Each updated golden's decoded changes, indented under its line, capped; the count of snapshots is totalled.
  let snapshotsChanged = 0;
  const changes = (name: string) => {
    const c = goldenChanges(plan.previous.get(name)!, plan.texts.get(name)!);
    snapshotsChanged += c.snapshots;
    for (const l of capped(c.lines)) out(`  ${l}`);
  };
  const total = () => (plan.updated.length > 0 ? `; ${snapshotsChanged} snapshot(s) changed in ${plan.updated.length} updated golden(s)` : "");
  if (check) {
    for (const n of plan.created) out(`missing  ${rel(n)} (run npm run vectors)`);
    for (const n of plan.updated) {
      out(`stale    ${rel(n)} (the reference now gives other bytes or its scenario changed)`);
      changes(n);
    }
    for (const n of plan.orphaned) out(`orphaned ${rel(n)} (no ${n.startsWith(`${DECODE_TOPIC}/`) ? `decode vector ${path.join(DECODE_DIR, `${n.slice(DECODE_TOPIC.length + 1)}.json`)}` : `scenario ${path.join(SCENARIOS_DIR, `${n}.json`)}`})`);
    const bad = plan.created.length + plan.updated.length + plan.orphaned.length;
    out(bad === 0 ? `goldens are fresh (${plan.unchanged} checked)` : `${bad} golden file(s) out of date${total()}`);
    return bad === 0 ? EXIT_OK : EXIT_FAILED;
  }
  // Temporaries (*.tmp) are never listed as goldens; those of a run killed mid-write are removed here.
  for (const t of await removeStaleTemporaries(path.join(root, GOLDEN_DIR))) out(`removed  ${path.join(GOLDEN_DIR, t)} (a temporary of an interrupted run)`);
  for (const [name, text] of plan.texts) await writeFileAtomic(goldenPath(root, name), text);
  for (const n of plan.orphaned) await rm(goldenPath(root, n), { force: true });
  for (const n of plan.created) out(`created  ${rel(n)}`);
  for (const n of plan.updated) {
    out(`updated  ${rel(n)}`);
    changes(n);
  }
  for (const n of plan.orphaned) out(`removed  ${rel(n)}`);
  out(`${plan.created.length} created, ${plan.updated.length} updated, ${plan.orphaned.length} removed, ${plan.unchanged} unchanged${total()}`);
  return EXIT_OK;
}

