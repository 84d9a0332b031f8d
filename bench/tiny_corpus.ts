// A corpus of tiny goldens (one put and one snapshot each) for the runner's ceiling, generated from the
// reference into a scratch directory, with the replay answers beside it.
import { writeFile, mkdir } from "node:fs/promises";
import path from "node:path";
import type { NormalizedScenario } from "../reference/index.js";
import { formatGolden, goldenFor } from "../corpus/golden.js";

/** Writes dir/golden/tiny/*.json and dir/answers.jsonl; returns the answers file. */
export async function writeTinyCorpus(dir: string, count: number): Promise<string> {
  await mkdir(path.join(dir, "golden", "tiny"), { recursive: true });
  const answers: string[] = [];
  for (let i = 0; i < count; i++) {
    const name = `tiny/t${String(i).padStart(6, "0")}`;
    const scenario: NormalizedScenario = {
      cluster: { nodes: 1, leader: 1 },
      steps: [
        { op: "put", key: `k${i}`, value: (i & 0xff).toString(16).padStart(2, "0") },
        { op: "snapshot", nodes: [1] },
      ],
    };
    const golden = goldenFor(name, scenario, "benchmark scenario");
    await writeFile(path.join(dir, "golden", `${name}.json`), formatGolden(golden));
    answers.push(JSON.stringify({ name, snapshots: golden.snapshots }));
  }
  const file = path.join(dir, "answers.jsonl");
  await writeFile(file, `${answers.join("\n")}\n`);
  return file;
}
