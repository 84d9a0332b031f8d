// The scale check's cases outside a run of the check: written as scenario files (--write-scale), traced by
// name (rsm trace scale/10000) and run alone (--name scale/10000), each generating the same scenario the
// check runs.
import { mkdtemp, readFile, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { loadScenarioBytes } from "../../reference/index.js";
import { UsageError } from "../../common/errors.js";
import { MANY_KEYS, manyKeysScenario } from "../../corpus/many_keys.js";
import { runConformance } from "../fixtures/harness.js";
import { traceCommand } from "../trace_cmd.js";
import { scaleScenario } from "./scale.js";

const ROOT = path.resolve(import.meta.dirname, "..", "..");

async function trace(args: string[]): Promise<{ code: number; lines: string[] }> {
  const lines: string[] = [];
  const code = await traceCommand(args, ROOT, (l) => lines.push(...l.split("\n")));
  return { code, lines };
}

describe("--write-scale", () => {
  it("writes each case chosen and its compact variant as authored scenario files holding the check's scenarios", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-write-scale-"));
    const r = await runConformance(["--write-scale", dir, "--name", "scale/10000", "--name", "scale/keys-70000"]);
    expect(r.code).toBe(0);
    const files = r.stdout.trim().split("\n");
    expect(files.map((f) => path.relative(dir, f))).toEqual(["scale/10000.json", "scale/10000-compact.json", "scale/keys-70000.json", "scale/keys-70000-compact.json"].map((f) => path.join(...f.split("/"))));
    const expected = [scaleScenario(10_000, false), scaleScenario(10_000, true), manyKeysScenario(MANY_KEYS, false), manyKeysScenario(MANY_KEYS, true)];
    for (const [i, file] of files.entries()) {
      const loaded = loadScenarioBytes(new Uint8Array(await readFile(file)));
      expect(loaded.ok).toBe(true);
      if (loaded.ok) expect(loaded.scenario).toEqual(expected[i]);
    }
  }, 120_000);

  it("refuses, in one line, a path that is a file, --list beside it, and a --name that is no case of the check", async () => {
    const dir = await mkdtemp(path.join(tmpdir(), "rsm-write-scale-"));
    const file = path.join(dir, "a-file");
    await writeFile(file, "x");
    await expect(runConformance(["--write-scale", file, "--name", "scale/10000"])).rejects.toThrow(new UsageError(`--write-scale ${file}: cannot write ${path.join(file, "scale", "10000.json")}: not a directory (ENOTDIR)`));
    await expect(runConformance(["--write-scale", dir, "--list"])).rejects.toThrow(/^--write-scale writes the scale check's scenarios and runs nothing; it cannot be combined with --list$/);
    await expect(runConformance(["--write-scale", dir, "--name", "keys/nine-vs-ten"])).rejects.toThrow(/^--write-scale: --name chooses no case of the scale check; expected one of scale\/10000, /);
  });
});

describe("rsm trace of a scale case", () => {
  it("generates the scenario by its name", async () => {
    const { code, lines } = await trace(["scale/10000", "--steps", "0..0", "--node", "1"]);
    expect(code).toBe(0);
    expect(lines[0]).toBe("trace of scale/10000: 5 node(s), leader 1, 10000 step(s), the reference's states");
    expect(lines[1]).toBe(`step 0: ${JSON.stringify(scaleScenario(10_000, false).steps[0])}`);
  });

  it("NAME-compact is the variant with compactions", async () => {
    const compact = scaleScenario(10_000, true);
    const first = compact.steps.findIndex((s) => s.op === "compact");
    const { code, lines } = await trace(["scale/10000-compact", "--steps", String(first), "--node", "1"]);
    expect(code).toBe(0);
    expect(lines[1]).toBe(`step ${first}: ${JSON.stringify(compact.steps[first])}`);
  });

  it("with --exec, runs the variant the port's hello chooses, as the check does (the TypeScript adapter lists compact)", async () => {
    const compact = scaleScenario(10_000, true);
    const first = compact.steps.findIndex((s) => s.op === "compact");
    const { code, lines } = await trace(["scale/10000", "--steps", String(first), "--node", "1", "--exec", "node --import tsx adapters/ts/main.ts"]);
    expect(code).toBe(0);
    expect(lines[0]).toMatch(/^trace of scale\/10000 \(with compactions, as the port lists compact\): 5 node\(s\), leader 1, 10000 step\(s\), the reference \("-"\) against ts \("\+"\)$/);
    expect(lines.some((l) => l.includes(JSON.stringify(compact.steps[first])))).toBe(true);
  }, 120_000);

  it("an unknown scale name is one line listing the cases", async () => {
    await expect(trace(["scale/10001"])).rejects.toThrow(/; the scale check's cases: scale\/10000, scale\/10000-compact, /);
  });
});

describe("--name scale/N", () => {
  it("runs that case of the scale check alone, and no vector", async () => {
    const r = await runConformance(["--adapter", "ts", "--name", "scale/10000", "--reporter", "json", "--no-build"]);
    const report = JSON.parse(r.stdout) as { adapters: { results: { name: string; status: string }[] }[] };
    expect(report.adapters[0]!.results.map((x) => [x.name, x.status])).toEqual([["scale/10000", "passed"]]);
    expect(r.code).toBe(0);
  }, 300_000);

  it("--list shows it with its steps", async () => {
    const r = await runConformance(["--list", "--name", "scale/10000"]);
    expect(r.code).toBe(0);
    expect(r.stdout.split("\n")[0]).toBe("scale/10000  tags: scale  features: -  steps: 10000");
  });

  it("an unknown one is a usage error naming the nearest", async () => {
    await expect(runConformance(["--adapter", "ts", "--name", "scale/10001"])).rejects.toThrow(/^--name: no golden vector is named "scale\/10001"; nearest: scale\/10000/);
  });
});
