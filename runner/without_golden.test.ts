// An authored scenario without a golden is never run (the runner reads goldens only), so the default
// conformance run says so on its verdict line instead of passing silently.
import { mkdir, mkdtemp, rename, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { scenariosWithoutGolden } from "../corpus/scenario_files.js";
import { makeCorpus, NAMES, type TestCorpus } from "./fixtures/corpus.js";
import { fakeExec, runConformance } from "./fixtures/harness.js";

/** A repository root whose vectors/golden is the test corpus and whose vectors/scenarios holds `authored`. */
async function rootWith(authored: string[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "rsm-root-"));
  await mkdir(path.join(root, "vectors"));
  await rename((await makeCorpus()).vectors, path.join(root, "vectors", "golden"));
  for (const name of authored) {
    const file = path.join(root, "vectors", "scenarios", `${name}.json`);
    await mkdir(path.dirname(file), { recursive: true });
    await writeFile(file, "{}\n"); // only the name matters here
  }
  return root;
}

describe("scenarios without a golden", () => {
  let corpus: TestCorpus;
  beforeAll(async () => {
    corpus = await makeCorpus();
  });

  it("lists the authored scenarios that have no golden, by name", async () => {
    const root = await rootWith([...NAMES, "found/x", "found/y"]);
    expect(await scenariosWithoutGolden(root)).toEqual(["found/x", "found/y"]);
    expect(await scenariosWithoutGolden(await rootWith(NAMES))).toEqual([]);
  });

  it("are counted on the verdict line of a run of the default golden directory, with the first name", async () => {
    const root = await rootWith([...NAMES, "found/x"]);
    const { code, stdout } = await runConformance(["--exec", fakeExec(corpus), "--malformed", "off", "--env", "off", "--traces", "off", "--scale", "off"], root);
    expect(code).toBe(0);
    expect(stdout.trimEnd().split("\n").at(-1)).toMatch(/^OK \d+ passed, 0 failed, 0 errored; \d+ scenarios x 1 adapter in .*; 1 scenario without a golden \(found\/x; run npm run vectors\)$/);
    const two = await runConformance(["--exec", fakeExec(corpus)], await rootWith([...NAMES, "found/x", "found/y"]));
    expect(two.stdout.trimEnd().split("\n").at(-1)).toMatch(/; 2 scenarios without a golden \(found\/x, \.\.\.; run npm run vectors\)$/);
  });

  it("are not mentioned when every scenario has a golden, or when --vectors names another directory", async () => {
    const complete = await runConformance(["--exec", fakeExec(corpus)], await rootWith(NAMES));
    expect(complete.stdout).not.toMatch(/without a golden/);
    const root = await rootWith([...NAMES, "found/x"]);
    const other = await runConformance(["--exec", fakeExec(corpus), "--vectors", corpus.vectors], root);
    expect(other.code).toBe(0);
    expect(other.stdout).not.toMatch(/without a golden/);
  });
});
