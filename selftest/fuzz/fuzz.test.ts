import { mkdtemp, readFile, readdir, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterEach, beforeEach, describe, expect, it } from "vitest";
import { loadScenario } from "../../reference/index.js";
import { UsageError } from "../../common/errors.js";
import { mutantAdapter } from "../mutation/mutants.js";
import { VARIANTS } from "../mutation/variants.js";
import { runConformance } from "../../runner/fixtures/harness.js";
import { fuzzCommand } from "./fuzz_cmd.js";
import { parseFuzzOptions } from "./options.js";

const ROOT = path.resolve(import.meta.dirname, "../..");
const variant = (id: string) => VARIANTS.find((v) => v.id === id)!;
const quoted = (argv: string[]) => argv.map((w) => `'${w}'`).join(" ");
/** The scenarios a run wrote (each has its NAME.traffic.txt beside it). */
const scenarios = async (dir: string) => (await readdir(dir)).filter((f) => f.endsWith(".json"));
const port = (file: string, ...args: string[]) => ["node", "--import", "tsx", path.join(ROOT, "runner", "fixtures", "ports", file), ...args].join(" ");

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
    expect(lines.filter((l) => l.startsWith("fuzz: seed"))).toEqual([`fuzz: seed 11 (reproduce with --seed 11 --mode mixed --max-steps 1000 --runs 300); stops after 300 scenarios; adapters ${ran}`]);
    expect(lines.at(-1)).toMatch(new RegExp(`^fuzz: no divergence in 300 scenarios across the reference and ${ran} in .* s \\(\\d+ scenarios/s\\); seed 11$`));
    expect(await readdir(found)).toEqual([]);
  });

  it("--mode decode: no disagreement between the reference's decoder and every registered adapter's", async () => {
    const code = await fuzzCommand(["--mode", "decode", "--runs", "300", "--seed", "11", "--found", found], ROOT, io);
    expect(code).toBe(0);
    expect(lines.at(-1)).toMatch(/^fuzz: no disagreement on 300 decode inputs across the reference and .* in .* s; seed 11$/);
    expect(await readdir(found)).toEqual([]);
  });

  for (const id of ["decode-duplicates-accepted", "decode-structure-before-crc"]) {
    it(`--mode decode stops on a broken decoder (${id}) and writes the shrunk input as a decode vector`, async () => {
      const argv = await mutantAdapter(ROOT, variant(id));
      expect(await fuzzCommand(["--mode", "decode", "--exec", quoted(argv), "--seed", "1", "--runs", "2000", "--found", found], ROOT, io)).toBe(1);
      expect(lines.find((l) => l.startsWith("fuzz: ts disagrees"))).toMatch(/^fuzz: ts disagrees with the reference on a decode input after \d+ inputs .*; shrunk \d+ times to \d+ bytes; reproduce with --mode decode --seed 1 --runs \d+$/);
      expect(lines.at(-1)).toMatch(/^ {2}(accepted, but the reference rejects it|rejected with R-DECODE-\d, expected R-DECODE-\d)/);
      const [file] = await readdir(found);
      const vector = JSON.parse(await readFile(path.join(found, file!), "utf8")) as { tags: string[]; input: { hex: string } };
      expect(vector.tags).toEqual(["decode", "found"]);
      expect(vector.input.hex).toMatch(/^(?:[0-9a-f]{2})+$/);
    });
  }

  for (const id of ["majority-ceil", "utf16-key-order", "incr-delta-through-float64"]) {
    it(`stops on a broken port (${id}) with a shrunk, valid scenario of a few steps and the runner's diagnosis`, async () => {
      const argv = await mutantAdapter(ROOT, variant(id));
      const code = await fuzzCommand(["--exec", quoted(argv), "--runs", "5000", "--seed", "3", "--found", found], ROOT, io);
      expect(code).toBe(1);
      const [file] = await scenarios(found);
      const text = await readFile(path.join(found, file!), "utf8");
      const loaded = loadScenario(text);
      expect(loaded.ok).toBe(true);
      if (!loaded.ok) return;
      expect(loaded.scenario.steps.length).toBeLessThanOrEqual(5);
      expect(loaded.authored.description).toMatch(/^Found by npm run fuzz \(seed 3, max 1000 steps\) and shrunk by fast-check: adapter ts diverges at step \d+ /);
      expect(lines.join("\n")).toMatch(/first divergence: step \d+/);
      expect(lines.join("\n")).toMatch(/likely rules: R-/);
    });
  }

  // The two bugs fast-check's default sizes (scenarios of at most 11 steps) missed in 1,000 runs: both need
  // several steps in the right order. With the default mode and budget (no --runs, no --time-limit) every
  // seed measured found them in under 2 s (docs/corpus.md, "What it finds, and the default budget"); these seeds also shrink quickly.
  for (const [id, seed, maxShrunk] of [
    ["cas-null-matches-empty", "1", 3],
    ["crash-keeps-volatile-state", "12", 6],
  ] as const) {
    it(`finds ${id} within the default time budget and shrinks it to ${maxShrunk} steps`, async () => {
      const argv = await mutantAdapter(ROOT, variant(id));
      const code = await fuzzCommand(["--exec", quoted(argv), "--seed", seed, "--found", found], ROOT, io);
      expect(code).toBe(1);
      expect(lines.find((l) => l.startsWith("fuzz: seed"))).toMatch(/; stops after 30 s;/);
      const diverges = lines.find((l) => l.startsWith("fuzz: ts diverges"))!;
      expect(diverges).toMatch(new RegExp(`^fuzz: ts diverges from the reference after (\\d+) scenarios \\(([\\d.]+) s, then [\\d.]+ s shrinking\\); shrunk \\d+ times to \\d+ steps; reproduce with --seed ${seed} --mode mixed --max-steps 1000 --runs \\1$`));
      expect(Number(/\(([\d.]+) s,/.exec(diverges)![1])).toBeLessThan(30);
      const [file] = await scenarios(found);
      const loaded = loadScenario(await readFile(path.join(found, file!), "utf8"));
      expect(loaded.ok && loaded.scenario.steps.length).toBeLessThanOrEqual(maxShrunk);
    });
  }

  it("reports an adapter that crashes as an ERROR with the tail of its stderr, not as a divergence", async () => {
    const replay = path.join(found, "replay.json");
    await writeFile(replay, "{}");
    const fake = `node ${path.join(ROOT, "runner", "fixtures", "fake_adapter.mjs")} --replay ${replay} --mode crash`;
    const dir = path.join(found, "out");
    expect(await fuzzCommand(["--exec", fake, "--seed", "5", "--found", dir], ROOT, io)).toBe(1);
    expect(lines.find((l) => l.startsWith("fuzz: fake "))).toMatch(/^fuzz: fake fails with an error after \d+ scenarios .*; shrunk \d+ times to 1 steps; reproduce with --seed 5 /);
    const [file] = await scenarios(dir);
    expect(lines.at(-2)).toBe(`ERROR fake ${path.relative(process.cwd(), path.join(dir, file!))}`);
    expect(lines.at(-1)).toMatch(/^  adapter exited with code 101 mid-scenario .*; stderr: thread 'main' panicked at src\/cluster.rs:42:9: \| index out of bounds/);
  });

  // The port of a Python porting bug: requests split with str.splitlines, so a key holding U+2028 arrives in
  // pieces. The pieces' replies used to be read as the next scenario's, so fast-check shrank to a one-step
  // scenario that failed only after the real one, and nothing reproducing was kept.
  it("finds a port that splits requests at U+2028, U+2029 or U+0085, and keeps a scenario that reproduces it", async () => {
    const exec = port("splitlines.ts");
    expect(await fuzzCommand(["--exec", exec, "--runs", "3000", "--seed", "4", "--found", found], ROOT, io)).toBe(1);
    expect(lines.find((l) => l.startsWith("fuzz: ts "))).toMatch(/^fuzz: ts fails with an error after \d+ scenarios .*; shrunk \d+ times to \d+ steps; reproduce with --seed 4 /);
    const [file] = await scenarios(found);
    const loaded = loadScenario(await readFile(path.join(found, file!), "utf8"));
    expect(loaded.ok).toBe(true);
    if (!loaded.ok) return;
    // Shrunk to the step that carries the character, not to whatever ran after it.
    const keys = loaded.scenario.steps.flatMap((s) => ("key" in s ? [s.key] : []));
    expect(keys.some((k) => /[\u2028\u2029\u0085]/.test(k))).toBe(true);
    expect(loaded.scenario.steps.length).toBeLessThanOrEqual(3);
    const traffic = await readFile(path.join(found, file!.replace(/\.json$/, ".traffic.txt")), "utf8");
    expect(traffic).toContain(`"scenario":${JSON.stringify(loaded.scenario)}`);
    expect(traffic).toMatch(/^answer:\n.*"id":null.*not JSON/m);
    // Replayed by the runner, the kept scenario fails the port that split it, and passes the TypeScript adapter.
    const replay = async (adapter: string) => {
      const r = await runConformance(["--scenario", path.join(found, file!), "--exec", adapter, "--reporter", "json", "--no-build"]);
      // The scenario's own result: the port's second line, written after its error reply, may also show as
      // protocol/line-after-last-reply, depending on whether it came before the session ended.
      return (JSON.parse(r.stdout) as { adapters: { results: { name: string; status: string }[] }[] }).adapters[0]!.results.filter((x) => !x.name.startsWith("protocol/")).map((x) => x.status);
    };
    expect(await replay(exec)).toEqual(["error"]);
    expect(await replay(`node --import tsx ${path.join(ROOT, "adapters", "ts", "main.ts")}`)).toEqual(["passed"]);
  });

  it("blames a line written after a right answer on the scenario that caused it, and shrinks it like a wrong byte", async () => {
    const exec = port("second_reply.ts");
    expect(await fuzzCommand(["--exec", exec, "--runs", "500", "--seed", "2", "--found", found], ROOT, io)).toBe(1);
    // Whether the extra line came before or after the next request went out decides the wording, not the verdict.
    expect(lines.at(-1)).toMatch(/^ {2}its answer was right, but the next request \(a one-step scenario\) then got: adapter wrote a line nobody asked for, after its reply to fuzz \(R-PROTO-3\)(: a second reply to it)?, line: /);
    const [file] = await scenarios(found);
    const loaded = loadScenario(await readFile(path.join(found, file!), "utf8"));
    // The port repeats its answer to a scenario with a delete step: shrunk to one, not to whatever came next.
    expect(loaded.ok && loaded.scenario.steps.some((s) => s.op === "delete")).toBe(true);
    expect(loaded.ok && loaded.scenario.steps.length).toBeLessThanOrEqual(3);
  });

  it("keeps the original scenario, with what was sent and answered, when the failure does not come back on the shrunk one", async () => {
    const exec = port("flaky_once.ts", "--once", path.join(found, "was-wrong"));
    const dir = path.join(found, "out");
    expect(await fuzzCommand(["--exec", exec, "--runs", "200", "--seed", "1", "--found", dir], ROOT, io)).toBe(1);
    const says = lines.find((l) => l.startsWith("fuzz: ts "))!;
    expect(says).toMatch(/^fuzz: ts diverges from the reference after (\d+) scenarios .*; (fast-check's replay of it passed|it did not fail again on the shrunk scenario \(\d+ steps\)), so the original scenario \((\d+) steps\) is kept as it was seen; reproduce with --seed 1 /);
    const steps = Number(/the original scenario \((\d+) steps\)/.exec(says)![1]);
    expect(lines.at(-1)).toMatch(/^ {2}seen once, on the original scenario: ts diverges at step \d+ /);
    const [file] = await scenarios(dir);
    const loaded = loadScenario(await readFile(path.join(dir, file!), "utf8"));
    expect(loaded.ok && loaded.scenario.steps.length).toBe(steps);
    expect(loaded.ok && loaded.authored.description).toMatch(/^Found by npm run fuzz \(seed 1, max 1000 steps\) and not shrunk \(.*; this is the scenario as it failed\): adapter ts diverges at step \d+ /);
    const traffic = await readFile(path.join(dir, file!.replace(/\.json$/, ".traffic.txt")), "utf8");
    expect(traffic).toMatch(/^answer:\na result whose snapshot of step \d+ node \d+ differs from the reference's:\n {2}expected [0-9a-f]+\n {2}got {6}[0-9a-f]+$/m);
    expect(loaded.ok && traffic).toContain(`"scenario":${JSON.stringify(loaded.ok && loaded.scenario)}`);
  });

  it("is reproducible from its seed: the same seed finds the same counterexample", async () => {
    const argv = quoted(await mutantAdapter(ROOT, variant("cas-null-matches-empty")));
    const texts: string[] = [];
    for (let i = 0; i < 2; i++) {
      const dir = path.join(found, String(i));
      expect(await fuzzCommand(["--exec", argv, "--runs", "5000", "--seed", "99", "--found", dir], ROOT, io)).toBe(1);
      const [file] = await scenarios(dir);
      texts.push(await readFile(path.join(dir, file!), "utf8"));
    }
    expect(texts[1]).toBe(texts[0]);
  });

  it("stops at the time limit by default, after --runs alone when given, and takes each mode's own --max-steps", () => {
    const parse = (...args: string[]) => parseFuzzOptions(args, ROOT, () => 7);
    expect(parse()).toMatchObject({ mode: "mixed", maxSteps: 1000, runs: null, timeLimitMs: 30_000, seed: 7 });
    expect(parse("--runs", "50")).toMatchObject({ runs: 50, timeLimitMs: null });
    expect(parse("--runs", "50", "--time-limit", "5")).toMatchObject({ runs: 50, timeLimitMs: 5000 });
    expect(parse("--mode", "long")).toMatchObject({ mode: "long", maxSteps: 2000 });
    expect(parse("--mode", "wide")).toMatchObject({ mode: "wide", maxSteps: 50 });
    expect(parse("--mode", "elect")).toMatchObject({ mode: "elect", maxSteps: 200 });
    expect(parse("--mode", "invariants")).toMatchObject({ mode: "invariants", maxSteps: 200 });
    expect(parse("--mode", "normal", "--max-steps", "80")).toMatchObject({ mode: "normal", maxSteps: 80 });
  });

  it("rejects bad flags with a UsageError naming the flag", async () => {
    await expect(fuzzCommand(["--runs", "0"], ROOT, io)).rejects.toThrow(UsageError);
    await expect(fuzzCommand(["--runs", "0"], ROOT, io)).rejects.toThrow(/^--runs: expected a whole number of at least 1/);
    await expect(fuzzCommand(["--time-limit", "soon"], ROOT, io)).rejects.toThrow(/^--time-limit:/);
    await expect(fuzzCommand(["--mode", "deep"], ROOT, io)).rejects.toThrow(/^--mode: expected one of mixed, normal, long, wide, elect, invariants, decode, got "deep"$/);
    await expect(fuzzCommand(["--max-steps", "0"], ROOT, io)).rejects.toThrow(/^--max-steps: expected a whole number of at least 1/);
    await expect(fuzzCommand(["--frobnicate"], ROOT, io)).rejects.toThrow(/unknown flag "--frobnicate"/);
  });
});
