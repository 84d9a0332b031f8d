// The corpus: golden vectors (SPEC.md section 8). The runner reads goldens, not authored scenarios, so it
// needs no normalization at run time; a golden that fails its schema is invalid input and stops the run
// before any adapter starts, with one line naming the file.
import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import type { GoldenVector } from "../../reference/index.js";
import { InvalidInput, UsageError } from "../errors.js";
import { listJson, nameOf } from "../scenario_files.js";
import { scenarioJson } from "./protocol.js";
import { validateGolden } from "./validators.js";

export interface Vector {
  readonly golden: GoldenVector;
  readonly name: string;
  /** The golden file as the user should see it, relative to the working directory. */
  readonly file: string;
  /** The normalized scenario as JSON, serialized once for every run request. */
  readonly scenarioText: string;
}

function shown(file: string): string {
  return path.relative(process.cwd(), file) || file;
}

/** The golden in a file, or the one line that says what is wrong with it. Each file is parsed once. */
function readGolden(file: string, text: string, expectedName: string): GoldenVector | string {
  let document: unknown;
  try {
    document = JSON.parse(text);
  } catch (err) {
    return `${shown(file)}: not JSON: ${(err as Error).message}`;
  }
  if (!validateGolden(document)) {
    const e = [...(validateGolden.errors ?? [])].sort((a, b) => b.instancePath.length - a.instancePath.length)[0];
    return `${shown(file)}: not a valid golden vector (schema/golden.schema.json): ${e ? `${e.instancePath || "(root)"} ${e.message}` : "invalid"}`;
  }
  const name = (document as GoldenVector).name;
  if (name !== expectedName) return `${shown(file)}: golden name ${JSON.stringify(name)} does not match its path; expected ${JSON.stringify(expectedName)}`;
  return document as GoldenVector;
}

/** Every golden below dir, sorted by name; throws InvalidInput listing every bad file. */
export async function loadCorpus(dir: string): Promise<Vector[]> {
  const info = await stat(dir).catch(() => null);
  if (info === null || !info.isDirectory()) throw new UsageError(`--vectors: ${shown(dir)} is not a directory of golden vectors`);
  const vectors: Vector[] = [];
  const problems: string[] = [];
  for (const rel of await listJson(dir)) {
    const file = path.join(dir, rel);
    const text = await readFile(file, "utf8");
    const golden = readGolden(file, text, nameOf(rel));
    if (typeof golden === "string") {
      problems.push(golden);
      continue;
    }
    vectors.push({ golden, name: golden.name, file: shown(file), scenarioText: scenarioJson(golden.scenario) });
  }
  if (problems.length > 0) throw new InvalidInput(problems);
  if (vectors.length === 0) throw new InvalidInput([`${shown(dir)}: no golden vectors (*.json) found; run npm run vectors`]);
  return vectors;
}
