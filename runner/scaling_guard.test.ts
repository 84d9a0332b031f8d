// The linear-time guard, so no adapter can silently go quadratic: a 10^6-step scaling scenario through every registered adapter, by the real
// runner, with a bound so generous that only a quadratic implementation (copying the log per step, scanning
// it per step) can miss it. The real numbers live in `npm run bench`, never here.
import { spawnSync } from "node:child_process";
import { mkdtemp, mkdir, readFile, rm, writeFile } from "node:fs/promises";
import os from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ConformanceReport } from "../reference/types/report.gen.js";
import { formatGolden, goldenFor } from "../corpus/golden.js";
import { BENCH_COMPACT_EVERY, scalingScenario } from "../corpus/scaling.js";

const ROOT = path.resolve(import.meta.dirname, "..");
const STEPS = 1_000_000;
/**
 * Seconds per reply. Linear implementations need 1 to 10 s for 10^6 steps; a port that copies or scans the
 * log on every step needs hundreds. At 10^5 steps the same bug can hide inside a generous bound.
 */
const BOUND_S = 60;

describe(`linear-time guard: ${STEPS.toLocaleString("en-US")} steps through every adapter`, () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "rsm-guard-"));
    const scenario = scalingScenario(STEPS, 1, 1000, 10_000, BENCH_COMPACT_EVERY);
    const t0 = performance.now();
    const golden = goldenFor("scale/guard", scenario, "linear-time guard");
    // The reference itself is held to the same bound.
    expect((performance.now() - t0) / 1000).toBeLessThan(BOUND_S);
    await mkdir(path.join(dir, "scale"), { recursive: true });
    await writeFile(path.join(dir, "scale", "guard.json"), formatGolden(golden));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("every registered adapter passes it within the bound", async () => {
    const out = path.join(dir, "report.json");
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "cli.ts"), "conformance", "--vectors", dir, "--timeout", String(BOUND_S), "--reporter", "json", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(r.status, r.stderr).toBe(0);
    const report = JSON.parse(await readFile(out, "utf8")) as ConformanceReport;
    for (const a of report.adapters) {
      if (a.fatal?.kind === "toolchain" && a.fatal.optional) continue; // a toolchain this machine lacks
      expect(a.results.map((x) => `${a.name} ${x.status} ${x.reason ?? ""}`)).toEqual([`${a.name} passed `]);
    }
    expect(report.adapters.map((a) => a.name)).toEqual(["ts", "rust", "go", "cpp"]);
  });
});
