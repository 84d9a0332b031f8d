// The corpus: golden vectors (SPEC.md section 8). The runner reads goldens, not authored scenarios, so it
// needs no normalization at run time. A golden that fails its schema is invalid input: the run stops with one
// line per bad file, and no result is reported.
import { stat } from "node:fs/promises";
import path from "node:path";
import { formatPath, nameProblem, pointerSegments, semanticProblems, type AuthoredScenario, type GoldenVector } from "../reference/index.js";
import { InvalidInput, UsageError } from "../common/errors.js";
import { FileRefused, GOLDEN_FILE, readInputTextSync } from "../common/read_file.js";
import { listJson, nameOf } from "../corpus/scenario_files.js";
import { DECODE_TOPIC } from "../corpus/decode_vectors.js";
import { scenarioJson } from "./adapter/protocol.js";
import { validateGolden } from "./adapter/validators.js";

export interface Vector {
  readonly golden: GoldenVector;
  readonly name: string;
  /** The golden file as the user should see it, relative to the working directory. */
  readonly file: string;
  /** The normalized scenario as JSON, serialized once for every run request. */
  readonly scenarioText: string;
}

/** A golden file found in the corpus directory, not yet read. */
export interface CorpusEntry {
  /** The scenario name: the path below the corpus directory without ".json". */
  readonly name: string;
  readonly path: string;
}

function shown(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** The golden files below dir, sorted by name; a usage error when dir is no directory or holds none. */
export async function listCorpus(dir: string): Promise<CorpusEntry[]> {
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) throw new UsageError(`--vectors: ${shown(dir)} is not a directory of golden vectors`);
  // decode/ holds decode goldens (SPEC.md section 8), read by runner/checks/decode.ts.
  const entries = (await listJson(dir)).filter((rel) => !rel.startsWith(`${DECODE_TOPIC}/`)).map((rel) => ({ name: nameOf(rel), path: path.join(dir, rel) }));
  if (entries.length === 0) throw new InvalidInput([`${shown(dir)}: no golden vectors (*.json) found; run npm run vectors`]);
  return entries;
}

/**
 * The vector in one golden file, or the one line that says what is wrong with it. Each file is parsed once.
 * The read is synchronous: a golden is small, and 222 asynchronous reads cost four times as long.
 */
export function readVector(entry: CorpusEntry): Vector | string {
  const file = shown(entry.path);
  // R-NAME-1, by the one rule `validate` and `vectors` apply too, before the golden schema's pattern would.
  const badName = nameProblem(entry.name);
  if (badName !== null) return `${file}: ${badName} (R-NAME-1)`;
  let document: unknown;
  try {
    // Bounded, and refused unless a regular file (common/read_file.ts): synchronous, so a FIFO opened here
    // would have blocked the main thread, and with it every signal handler.
    document = JSON.parse(readInputTextSync(entry.path, GOLDEN_FILE, { label: file }));
  } catch (err) {
    return err instanceof FileRefused ? err.message : `${file}: not JSON: ${(err as Error).message}`;
  }
  if (!validateGolden(document)) {
    const e = [...(validateGolden.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    return `${file}: not a valid golden vector (schema/golden.schema.json): ${e ? `${formatPath(pointerSegments(e.instancePath))} ${e.message}` : "invalid"}`;
  }
  const golden = document as GoldenVector;
  if (golden.name !== entry.name) return `${file}: golden name ${JSON.stringify(golden.name)} does not match its path; expected ${JSON.stringify(entry.name)}`;
  // R-PROTO-4: the runner only ever sends valid scenarios, so a golden whose scenario breaks a rule the schema
  // cannot express (a crash of the leader, node 9 of 3) is the corpus's fault, not the adapter's.
  const [problem] = semanticProblems(golden.scenario as unknown as AuthoredScenario);
  if (problem !== undefined) return `${file} scenario.${problem.path}: ${problem.message} (${problem.rule}); the runner sends only valid scenarios (R-PROTO-4)`;
  return { golden, name: golden.name, file, scenarioText: scenarioJson(golden.scenario) };
}

/** Every golden below dir, sorted by name; throws InvalidInput listing every bad file. */
export async function loadCorpus(dir: string): Promise<Vector[]> {
  const vectors: Vector[] = [];
  const problems: string[] = [];
  for (const entry of await listCorpus(dir)) {
    const v = readVector(entry);
    if (typeof v === "string") problems.push(v);
    else vectors.push(v);
  }
  if (problems.length > 0) throw new InvalidInput(problems);
  return vectors;
}
