// A golden that fails its schema is invalid input: one line naming the file, nothing run.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { InvalidInput } from "../common/errors.js";
import { writeCorpus } from "./fixtures/corpus.js";
import { loadCorpus } from "./corpus.js";

it("reports every bad golden, one line each, naming the file", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-bad-"));
  const { vectors } = await writeCorpus(dir, { "a/good": { description: "d", steps: [{ op: "snapshot", nodes: [1] }] } });
  const good = JSON.parse(await readFile(path.join(vectors, "a", "good.json"), "utf8"));
  await writeFile(path.join(vectors, "a", "broken.json"), "{ not json");
  await writeFile(path.join(vectors, "a", "no-snapshots.json"), JSON.stringify({ ...good, name: "a/no-snapshots", snapshots: [] }));
  await writeFile(path.join(vectors, "a", "renamed.json"), JSON.stringify(good));
  const crashLeader = { ...good, name: "a/crash-leader", scenario: { ...good.scenario, steps: [{ op: "crash", node: 1 }, ...good.scenario.steps] } };
  await writeFile(path.join(vectors, "a", "crash-leader.json"), JSON.stringify(crashLeader));
  const noNode = { ...good, name: "a/no-node", scenario: { ...good.scenario, steps: [{ op: "snapshot", nodes: [9] }] } };
  await writeFile(path.join(vectors, "a", "no-node.json"), JSON.stringify(noNode));
  const err = await loadCorpus(vectors).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInput);
  const lines = (err as InvalidInput).lines.map((l) => l.replace(`${path.relative(process.cwd(), vectors)}/`, ""));
  expect(lines).toHaveLength(5);
  expect(lines[0]).toMatch(/^a\/broken\.json: not JSON: /);
  // Schema-valid, but a scenario the runner must never send (R-PROTO-4): the golden is at fault, not the adapter.
  expect(lines[1]).toBe("a/crash-leader.json scenario.steps[0].node: crash of node 1, the leader, is not allowed (R-CRASH-1); the runner sends only valid scenarios (R-PROTO-4)");
  expect(lines[2]).toBe("a/no-node.json scenario.steps[0].nodes[0]: node 9 does not exist; expected a node id from 1 to 3 (R-NODE-1); the runner sends only valid scenarios (R-PROTO-4)");
  expect(lines[3]).toBe("a/no-snapshots.json: not a valid golden vector (schema/golden.schema.json): snapshots must NOT have fewer than 1 items");
  expect(lines[4]).toBe('a/renamed.json: golden name "a/good" does not match its path; expected "a/renamed"');
});

it("a golden whose bytes the reference does not give is the corpus's fault, not the adapter's: exit 2, the file named", async () => {
  const { makeCorpus } = await import("./fixtures/corpus.js");
  const { fakeExec, runConformance } = await import("./fixtures/harness.js");
  const corpus = await makeCorpus();
  const file = path.join(corpus.vectors, "a", "first.json");
  const golden = JSON.parse(await readFile(file, "utf8"));
  const hex: string = golden.snapshots[0].hex;
  // One byte of the last pair's value changed by hand, CRC and all left as they were.
  golden.snapshots[0].hex = `${hex.slice(0, -10)}${hex.slice(-10, -8) === "00" ? "01" : "00"}${hex.slice(-8)}`;
  await writeFile(file, JSON.stringify(golden));
  // InvalidInput is what the CLI prints one line per problem of, with exit code 2.
  const run = runConformance(["--vectors", corpus.vectors, "--exec", fakeExec(corpus)]);
  await expect(run).rejects.toBeInstanceOf(InvalidInput);
  await expect(run).rejects.toThrow(/a\/first\.json: snapshot 0 \(step \d+ node \d+\) is not what the reference computes for the golden's own scenario: the golden was edited by hand or is stale/);
});

it("a golden whose path is no scenario name is one line citing R-NAME-1, the rule validate and vectors apply to its scenario", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-bad-name-"));
  const { vectors } = await writeCorpus(dir, { "a/good": { description: "d", steps: [{ op: "snapshot", nodes: [1] }] } });
  const good = JSON.parse(await readFile(path.join(vectors, "a", "good.json"), "utf8"));
  await writeFile(path.join(vectors, "a", "Bad_Name.json"), JSON.stringify({ ...good, name: "a/Bad_Name" }));
  const err = await loadCorpus(vectors).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInput);
  expect((err as InvalidInput).lines.map((l) => l.replace(`${path.relative(process.cwd(), vectors)}/`, ""))).toEqual([
    'a/Bad_Name.json: the name "a/Bad_Name" is not a scenario name; expected segments of lowercase letters, digits and "-", each starting with a letter or digit, joined by "/" (R-NAME-1)',
  ]);
});
