import { mkdtemp, readFile, readdir, rm } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadScenario } from "../../reference/index.js";
import { UsageError } from "../../cli/errors.js";
import { mutantAdapter } from "../mutation/mutants.js";
import { VARIANTS } from "../mutation/variants.js";
import { fuzzCommand } from "./fuzz_cmd.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const variant = (id: string) => VARIANTS.find((v) => v.id === id)!;
const quoted = (argv: string[]) => argv.map((w) => `'${w}'`).join(" ");

describe("rsm fuzz", () => {
  let found: string;
  let lines: string[];
  const io = { out: (l: string) => lines.push(l), progress: () => {} };
  beforeEach(async () => {
    found = await mkdtemp(path.join(os.tmpdir(), "rsm-fuzz-"));
    lines = [];
  });
  afterEach(() => rm(found, { recursive: true, force: true }));

  it("finds no divergence between the reference and every registered adapter, and prints its seed", async () => {
    const code = await fuzzCommand(["--runs", "300", "--seed", "11", "--found", found], ROOT, io);
    expect(code).toBe(0);
    // Build notes may come first on a machine where an adapter is stale. An adapter whose toolchain or library
    // is missing here is reported NOT RUN, as conformance reports it, and the others are fuzzed.
    const notRun = lines.filter((l) => l.startsWith("NOT RUN ")).map((l) => l.split(" ")[2]!.replace(/:$/, ""));
    const ran = ["ts", "rust", "go", "cpp"].filter((n) => !notRun.includes(n)).join(", ");
    expect(lines.filter((l) => l.startsWith("fuzz: seed"))).toEqual([`fuzz: seed 11 (reproduce with --seed 11 --runs 300 --max-steps 50); adapters ${ran}`]);
    expect(lines.at(-1)).toMatch(new RegExp(`^fuzz: no divergence in 300 scenarios across the reference and ${ran} in .* s \\(\\d+ scenarios/s\\); seed 11$`));
    expect(await readdir(found)).toEqual([]);
  });

  for (const id of ["majority-ceil", "utf16-key-order", "incr-delta-through-float64"]) {
    it(`stops on a broken port (${id}) with a shrunk, valid scenario of a few steps and the runner's diagnosis`, async () => {
      const argv = await mutantAdapter(ROOT, variant(id));
      const code = await fuzzCommand(["--exec", quoted(argv), "--runs", "5000", "--seed", "3", "--found", found], ROOT, io);
      expect(code).toBe(1);
      const [file] = await readdir(found);
      const text = await readFile(path.join(found, file!), "utf8");
      const loaded = loadScenario(text);
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      expect(loaded.scenario.steps.length).toBeLessThanOrEqual(5);
      expect(loaded.authored.description).toMatch(/^Found by npm run fuzz \(seed 3, max 50 steps\) and shrunk by fast-check: adapter ts diverges at step \d+ /);
      expect(lines.join("\n")).toMatch(/first divergence: step \d+/);
      expect(lines.join("\n")).toMatch(/likely rules: R-/);
    });
  }

  it("is reproducible from its seed: the same seed finds the same counterexample", async () => {
    const argv = quoted(await mutantAdapter(ROOT, variant("cas-null-matches-empty")));
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = path.join(found, String(i));
      expect(await fuzzCommand(["--exec", argv, "--runs", "5000", "--seed", "99", "--found", dir], ROOT, io)).toBe(1);
      const [file] = await readdir(dir);
      texts.push(await readFile(path.join(dir, file!), "utf8"));
    }
    expect(texts[1]).toBe(texts[0]);
  });

  it("rejects bad flags with a UsageError naming the flag", async () => {
    await expect(fuzzCommand(["--runs", "0"], ROOT, io)).rejects.toThrow(UsageError);
    await expect(fuzzCommand(["--runs", "0"], ROOT, io)).rejects.toThrow(/^--runs: expected a whole number of at least 1/);
    await expect(fuzzCommand(["--time-limit", "soon"], ROOT, io)).rejects.toThrow(/^--time-limit:/);
    await expect(fuzzCommand(["--frobnicate"], ROOT, io)).rejects.toThrow(/unknown flag "--frobnicate"/);
  });
});
