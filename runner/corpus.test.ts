// A golden that fails its schema is invalid input: one line naming the file, nothing run.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { InvalidInput } from "../cli/errors.js";
import { writeCorpus } from "./fixtures/corpus.js";
import { loadCorpus } from "./corpus.js";

it("reports every bad golden, one line each, naming the file", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-bad-"));
  const { vectors } = await writeCorpus(dir, { "a/good": { description: "d", steps: [{ op: "snapshot", nodes: [1] }] } });
  const good = JSON.parse(await readFile(path.join(vectors, "a", "good.json"), "utf8"));
  await writeFile(path.join(vectors, "a", "broken.json"), "{ not json");
  await writeFile(path.join(vectors, "a", "no-snapshots.json"), JSON.stringify({ ...good, name: "a/no-snapshots", snapshots: [] }));
  await writeFile(path.join(vectors, "a", "renamed.json"), JSON.stringify(good));
  const err = await loadCorpus(vectors).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInput);
  const lines = (err as InvalidInput).lines.map((l) => l.replace(`${path.relative(process.cwd(), vectors)}/`, ""));
  expect(lines).toHaveLength(3);
  expect(lines[0]).toMatch(/^a\/broken\.json: not JSON: /);
  expect(lines[1]).toBe("a/no-snapshots.json: not a valid golden vector (schema/golden.schema.json): /snapshots must NOT have fewer than 1 items");
  expect(lines[2]).toBe('a/renamed.json: golden name "a/good" does not match its path; expected "a/renamed"');
});
