// Registered adapters with a build: built when stale and only then, a failing build reported once with its
// output while the other adapters run, a missing toolchain noted without failing a run that did not ask.
import { mkdir, mkdtemp, utimes, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { InvalidInput } from "../../common/errors.js";
import { FAKE_ADAPTER, makeCorpus, type TestCorpus } from "../fixtures/corpus.js";
import { runConformance } from "../fixtures/harness.js";
import { parseRegistry } from "./registry.js";

let corpus: TestCorpus;
beforeAll(async () => {
  corpus = await makeCorpus();
});

const BUILD_OK = "require('fs').mkdirSync('out', { recursive: true }); require('fs').writeFileSync('out/good', 'built'); console.log('compiling good')";
const BUILD_FAILS = "console.log('Compiling broken v0.1.0'); console.error('error[E0308]: mismatched types'); process.exit(101)";

async function makeRoot(adapters: object[]): Promise<string> {
  const root = await mkdtemp(path.join(tmpdir(), "rsm-root-"));
  await mkdir(path.join(root, "adapters"), { recursive: true });
  await mkdir(path.join(root, "src"), { recursive: true });
  await writeFile(path.join(root, "src", "main.txt"), "source");
  await writeFile(path.join(root, "adapters", "registry.json"), JSON.stringify({ adapters }));
  return root;
}

// Functions, because the corpus (and its replay file) exists only once beforeAll ran.
const run = () => ({ argv: ["node", FAKE_ADAPTER, "--replay", corpus.replay] });
const good = () => ({ name: "good", build: { cwd: ".", argv: ["node", "-e", BUILD_OK], inputs: ["src", "src/**/*.txt"], output: "out/good" }, run: run() });
const broken = () => ({ name: "broken", build: { cwd: ".", argv: ["node", "-e", BUILD_FAILS], inputs: ["src"], output: "out/broken" }, run: run() });
const notool = () => ({ name: "notool", build: { cwd: ".", argv: ["no-such-toolchain-for-rsm", "build"], inputs: [], output: "out/notool" }, run: run() });

describe("builds", () => {
  it("builds a stale adapter once; a failed build is reported once with its output; the others run", async () => {
    const root = await makeRoot([good(), broken(), notool()]);
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json"], root);
    const [g, b, n] = (JSON.parse(r.stdout) as { adapters: { name: string; built: boolean; fatal: { kind: string; message: string; output: string | null; optional: boolean } | null; counts: { passed: number; not_run: number } }[] }).adapters;
    expect(r.code).toBe(1);
    expect(g).toMatchObject({ name: "good", built: true, fatal: null, counts: { passed: 6 } });
    expect(b!.fatal).toMatchObject({ kind: "build", optional: false });
    expect(b!.fatal!.message).toMatch(/^build `node -e .*` in \. exited with code 101$/);
    expect(b!.fatal!.output).toContain("error[E0308]: mismatched types");
    expect(b!.counts.not_run).toBe(6);
    expect(n!.fatal).toMatchObject({ kind: "toolchain", optional: true });
    expect(n!.fatal!.message).toMatch(/^no-such-toolchain-for-rsm is not installed/);
    // The successful build's own output is not shown; it was announced on stderr.
    expect(r.stdout).not.toContain("compiling good");
    expect(r.stderr).toContain("rsm: building good:");

    const human = await runConformance(["--vectors", corpus.vectors, "--adapter", "broken"], root);
    expect(human.stdout.match(/^ADAPTER broken: build/gm)).toHaveLength(1);
    expect(human.stdout).toContain("    | error[E0308]: mismatched types");
  });

  it("a failing probe (a library not installed) is a missing prerequisite: NOT RUN, unless named with --adapter", async () => {
    const probe = "console.error('the adapter needs libfoo (Debian: libfoo-dev)'); process.exit(1)";
    const lacking = { ...good(), name: "lacking", build: { ...good().build, output: "out/lacking", probe: ["node", "-e", probe] } };
    const root = await makeRoot([good(), lacking]);
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json"], root);
    expect(r.code).toBe(0);
    const l = (JSON.parse(r.stdout) as { adapters: { name: string; fatal: { kind: string; message: string; optional: boolean } | null }[] }).adapters[1]!;
    expect(l.fatal).toMatchObject({ kind: "toolchain", optional: true });
    expect(l.fatal!.message).toMatch(/^a prerequisite is not installed \(`node -e .*` failed\): the adapter needs libfoo \(Debian: libfoo-dev\)$/);
    expect((await runConformance(["--vectors", corpus.vectors, "--adapter", "lacking"], root)).code).toBe(1);
  });

  it("conformance, fuzz and build report an adapter that cannot be built in the same words", async () => {
    const probe = "console.error('the adapter needs libfoo (Debian: libfoo-dev)'); process.exit(1)";
    const lacking = { ...good(), name: "lacking", build: { ...good().build, output: "out/lacking", probe: ["node", "-e", probe] } };
    const root = await makeRoot([lacking]);
    const notRun = (lines: string[]) => lines.filter((l) => l.startsWith("NOT RUN lacking"));
    const conformance = await runConformance(["--vectors", corpus.vectors], root);
    expect(conformance.code).toBe(0);
    const expected = notRun(conformance.stdout.split("\n"));
    expect(expected).toEqual([expect.stringMatching(/^NOT RUN lacking: a prerequisite is not installed \(`node -e .*` failed\): the adapter needs libfoo/)]);

    const fuzzed: string[] = [];
    const { fuzzCommand } = await import("../../selftest/fuzz/fuzz_cmd.js");
    expect(await fuzzCommand(["--runs", "1", "--seed", "1", "--found", path.join(root, "found")], root, { out: (l) => fuzzed.push(l), progress: () => {} })).toBe(0);
    expect(notRun(fuzzed)).toEqual(expected);

    const built: string[] = [];
    const { buildCommand } = await import("../build_cmd.js");
    expect(await buildCommand([], root, (l) => built.push(...l.split("\n")))).toBe(0);
    expect(notRun(built)).toEqual(expected);
    expect(built.at(-1)).toBe("adapters ready: none; not run: lacking");
    expect(await buildCommand(["lacking"], root, () => {})).toBe(1);
  });

  it("a build that never ends is killed after build.timeout_s and reported as a failed build; the others run", async () => {
    const hangs = { ...good(), name: "hangs", build: { ...good().build, argv: ["node", "-e", "console.log('compiling forever'); setInterval(() => {}, 1000)"], output: "out/hangs", timeout_s: 1 } };
    const root = await makeRoot([good(), hangs]);
    const r = await runConformance(["--vectors", corpus.vectors, "--reporter", "json"], root);
    expect(r.code).toBe(1);
    const [g, h] = (JSON.parse(r.stdout) as { adapters: { counts: { passed: number }; fatal: { kind: string; message: string; output: string | null } | null }[] }).adapters;
    expect(g!.counts.passed).toBe(6);
    expect(h!.fatal).toMatchObject({ kind: "build" });
    expect(h!.fatal!.message).toMatch(/^build `node -e .*` in \. did not finish within 1 s \(build\.timeout_s\) and was killed$/);
    expect(h!.fatal!.output).toContain("compiling forever");
  });

  it("a build.cwd that does not exist is a mistake in the registry (exit 2), not a missing toolchain", async () => {
    const lost = { ...good(), name: "lost", build: { ...good().build, cwd: "adapters/nowhere" } };
    const root = await makeRoot([good(), lost]);
    await expect(runConformance(["--vectors", corpus.vectors], root)).rejects.toThrow(
      'adapters/registry.json adapters[1].build.cwd: expected a directory of the repository, got "adapters/nowhere", which does not exist',
    );
  });

  it("does not rebuild a fresh adapter, and rebuilds when an input changes", async () => {
    const root = await makeRoot([good()]);
    expect((await runConformance(["--vectors", corpus.vectors], root)).stderr).toContain("building good");
    expect((await runConformance(["--vectors", corpus.vectors], root)).stderr).not.toContain("building good");
    const later = new Date(Date.now() + 60_000);
    await utimes(path.join(root, "src", "main.txt"), later, later);
    expect((await runConformance(["--vectors", corpus.vectors], root)).stderr).toContain("building good");
    await utimes(path.join(root, "src", "main.txt"), later, later);
    expect((await runConformance(["--vectors", corpus.vectors, "--no-build"], root)).stderr).not.toContain("building");
  });

  it("a missing toolchain does not fail a default run, but does when the adapter is asked for", async () => {
    const root = await makeRoot([good(), notool()]);
    const quiet = await runConformance(["--vectors", corpus.vectors], root);
    expect(quiet.code).toBe(0);
    expect(quiet.stdout).toMatch(/^NOT RUN notool: no-such-toolchain-for-rsm is not installed/m);
    expect((await runConformance(["--vectors", corpus.vectors, "--adapter", "notool"], root)).code).toBe(1);
  });
});

describe("the registry", () => {
  it("names the file and path of every problem", () => {
    const text = JSON.stringify({ adapters: [{ name: "Bad Name", run: { argv: [] } }, { name: "x", run: { argv: ["a"] }, build: { argv: ["b"], inputs: "src", output: "" } }] });
    let lines: readonly string[] = [];
    try {
      parseRegistry(text, "adapters/registry.json");
    } catch (err) {
      lines = (err as InvalidInput).lines;
    }
    expect(lines).toEqual([
      'adapters/registry.json adapters[0].name: expected lowercase letters, digits, - and _, got "Bad Name"',
      "adapters/registry.json adapters[0].run.argv: expected a non-empty array of non-empty strings, got []",
      'adapters/registry.json adapters[1].build.inputs: expected an array of non-empty strings, got "src"',
      'adapters/registry.json adapters[1].build.output: expected a non-empty string, got ""',
    ]);
  });

  it("the repository's registry lists ts, rust, go and cpp", async () => {
    const { loadRegistry } = await import("./registry.js");
    const { REPO_ROOT } = await import("../fixtures/harness.js");
    expect((await loadRegistry(REPO_ROOT)).map((a) => a.name)).toEqual(["ts", "rust", "go", "cpp"]);
  });
});
