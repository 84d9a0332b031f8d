// The corpus read while the run goes on: the first vector is out before the last file is read, a bad golden
// anywhere stops the run with every bad file named, and nothing is reported for a run on a bad corpus.
import { writeFile } from "node:fs/promises";
import { mkdtemp } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { expect, it } from "vitest";
import { InvalidInput } from "../common/errors.js";
import { SCENARIOS, NAMES, writeCorpus } from "./fixtures/corpus.js";
import { fakeExec, runConformance } from "./fixtures/harness.js";
import { liveCount } from "./adapter/children.js";
import { listCorpus } from "./corpus.js";
import { CorpusStream } from "./corpus_stream.js";
import { streamSelection } from "./select.js";

const ALL = streamSelection({ names: [], skips: [], filters: [], tags: [], shard: null });

it("hands out the first vector before the rest of the corpus is read", async () => {
  const { vectors } = await writeCorpus(await mkdtemp(path.join(tmpdir(), "rsm-stream-")));
  const stream = new CorpusStream(await listCorpus(vectors), ALL, () => {});
  let finished = false;
  void stream.finished.then(() => (finished = true));
  expect((await stream.at(0))?.name).toBe(NAMES[0]);
  expect(finished).toBe(false);
  await stream.finished;
  expect(stream.selected().map((v) => v.name)).toEqual(NAMES);
  expect(stream.corpusSize).toBe(NAMES.length);
});

it("reads candidates first, yet names every bad golden of the corpus in name order, and calls onProblem once", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-stream-bad-"));
  const { vectors } = await writeCorpus(dir);
  await writeFile(path.join(vectors, "a", "zz-broken.json"), "{ not json");
  await writeFile(path.join(vectors, "0-first-broken.json"), "[]");
  let calls = 0;
  const stream = new CorpusStream(await listCorpus(vectors), streamSelection({ names: [], skips: [], filters: ["b/"], tags: [], shard: null }), () => calls++);
  expect(stream.candidates.map((e) => e.name)).toEqual(NAMES.filter((n) => n.includes("b/")));
  await stream.finished;
  expect(calls).toBe(1);
  expect(stream.problems.map((l) => l.split(":")[0]!.split("/").slice(-2).join("/"))).toEqual([path.basename(vectors) + "/0-first-broken.json", "a/zz-broken.json"]);
});

it("a run on a corpus with a bad golden ends with the bad files, not with a report, and leaves no process", async () => {
  const dir = await mkdtemp(path.join(tmpdir(), "rsm-stream-run-"));
  const corpus = await writeCorpus(dir, SCENARIOS);
  await writeFile(path.join(corpus.vectors, "zz-last.json"), "{ not json");
  const err = await runConformance(["--vectors", corpus.vectors, "--exec", fakeExec(corpus, "--mode", "ok")]).catch((e: unknown) => e);
  expect(err).toBeInstanceOf(InvalidInput);
  expect((err as InvalidInput).lines).toHaveLength(1);
  expect((err as InvalidInput).lines[0]).toMatch(/zz-last\.json: not JSON: /);
  expect(liveCount()).toBe(0);
});
