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
 * Seconds per reply, at least. Linear implementations need 1 to 10 s for 10^6 steps on a quiet 2-core machine
 * (the reference 4.9 s, bench/results.md); a port that copies or scans the log on every step needs hundreds.
 * At 10^5 steps the same bug can hide inside a generous bound.
 */
const FLOOR_S = 60;
/**
 * On a busy machine the bound grows with the reference's own time for the same scenario, measured in this
 * run: a linear port is within a few times the reference (bench/results.md: 0.27x to 1.3x), and a machine
 * 4x busier slows both alike, so a fixed bound would fail a correct port for the machine's sake.
 */
const TIMES_REFERENCE = 12;
/** The reference itself is held to a bound only a quadratic implementation misses, however busy the machine. */
const REFERENCE_BOUND_S = 240;

describe(`linear-time guard: ${STEPS.toLocaleString("en-US")} steps through every adapter`, () => {
  let dir: string;
  let boundS = FLOOR_S;
  beforeAll(async () => {
    dir = await mkdtemp(path.join(os.tmpdir(), "rsm-guard-"));
    const scenario = scalingScenario(STEPS, 1, 1000, 10_000, BENCH_COMPACT_EVERY);
    const t0 = performance.now();
    const golden = goldenFor("scale/guard", scenario, "linear-time guard");
    const referenceS = (performance.now() - t0) / 1000;
    expect(referenceS).toBeLessThan(REFERENCE_BOUND_S);
    boundS = Math.max(FLOOR_S, Math.ceil(TIMES_REFERENCE * referenceS));
    await mkdir(path.join(dir, "scale"), { recursive: true });
    await writeFile(path.join(dir, "scale", "guard.json"), formatGolden(golden));
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  it("every registered adapter passes it within the bound", async () => {
    const out = path.join(dir, "report.json");
    const r = spawnSync(process.execPath, ["--import", "tsx", path.join(ROOT, "cli", "cli.ts"), "conformance", "--vectors", dir, "--timeout", String(boundS), "--reporter", "json", "--out", out], {
      cwd: ROOT,
      encoding: "utf8",
      // spawnSync holds the event loop, so vitest's testTimeout cannot end a hang here: this deadline does,
      // a bound per adapter and room for builds; SIGTERM lets the runner kill its adapters first.
      timeout: (4 * boundS + 300) * 1000,
      killSignal: "SIGTERM",
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
