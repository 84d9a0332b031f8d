// The reference in a process of its own, for the scaling benchmark: prints the time of runScenario on a
// scaling scenario of N steps (with an election every E steps when a second argument E is given), the
// process's peak RSS, and a digest of the snapshots to check ports against.
import { createHash } from "node:crypto";
import { runScenario } from "../reference/index.js";
import { BENCH_COMPACT_EVERY, scalingScenario } from "../corpus/scaling.js";

const steps = Number(process.argv[2]);
const electEvery = Number(process.argv[3] ?? 0);
const scenario = scalingScenario(steps, 1, 1000, 10_000, BENCH_COMPACT_EVERY, electEvery);
const t0 = performance.now();
const { snapshots } = runScenario(scenario);
const ms = performance.now() - t0;
const digest = createHash("sha256");
for (const s of snapshots) digest.update(`${s.step} ${s.node} ${s.hex}\n`);
process.stdout.write(`${JSON.stringify({ ms, peakMb: Math.round(process.resourceUsage().maxRSS / 1024), digest: digest.digest("hex") })}\n`);
