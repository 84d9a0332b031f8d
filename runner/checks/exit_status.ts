// The exit-status check (R-PROTO-9): after the corpus, an adapter is asked for one small run and then ended,
// once by a shutdown line with its stdin left open and once by the end of its stdin alone; each time it must
// exit with status 0. Every session of a run ends with both at once and is killed after a grace period
// whatever it does, so without this a port that exits 1 after shutdown, or never exits at all, passed.
import type { FleetAdapter } from "../adapter/fleet.js";
import type { ExitStatus } from "../adapter/adapter_process.js";
import type { ScenarioResult } from "../model.js";
import type { CheckKind } from "./check.js";
import { followUpRequest } from "./malformed.js";

/** The two ways a conversation ends (SPEC.md R-PROTO-9), as the results name them. */
const ENDINGS = [
  { how: "shutdown", name: "protocol/exit-after-shutdown", what: 'after {"type":"shutdown"} (its stdin still open)' },
  { how: "eof", name: "protocol/exit-after-eof", what: "after its stdin was closed, without a shutdown line" },
] as const;

/**
 * How long an adapter gets to exit: about hangs, not speed. A port that exits at once costs nothing of it,
 * and a JVM on a busy machine can take seconds to stop.
 */
const MIN_EXIT_WAIT_MS = 10_000;

function describe(status: ExitStatus | null, withinMs: number): string | null {
  if (status === null) return `did not exit within ${withinMs / 1000} s; the adapter was killed`;
  if (status.signal !== null) return `was killed by ${status.signal}`;
  return status.code === 0 ? null : `exited with code ${status.code}, not 0`;
}

export async function exitChecks(adapter: FleetAdapter, timeoutMs: number, isExpected: (name: string) => boolean): Promise<ScenarioResult[]> {
  const results: ScenarioResult[] = [];
  const withinMs = Math.max(timeoutMs, MIN_EXIT_WAIT_MS);
  for (const e of ENDINGS) {
    const session = await adapter.open(`the check ${e.name}`);
    if (session === null) break;
    const t0 = performance.now();
    const before = await session.run(followUpRequest());
    const status = before.kind === "broken" || before.kind === "aborted" ? undefined : await session.finish(e.how, withinMs);
    const problem = status === undefined ? null : describe(status, withinMs);
    const base = { name: e.name, file: "SPEC.md", source: "SPEC.md R-PROTO-9", expectedFailure: isExpected(e.name), stderrTail: null, diagnosis: null, durationMs: performance.now() - t0 };
    if (status === undefined) {
      session.kill();
      const reason = `the small run request sent before ending it broke the adapter: ${before.kind === "broken" ? before.reason : "never answered"}`;
      results.push({ ...base, status: "error", reason, restarted: true, stderrTail: before.kind === "broken" ? before.stderr || null : null });
    } else if (problem !== null) {
      results.push({ ...base, status: "failed", reason: `${e.what}, the adapter ${problem} (R-PROTO-9: it exits with status 0)`, restarted: false });
    } else {
      results.push({ ...base, status: "passed", reason: null, restarted: false });
    }
  }
  return results;
}

export const EXIT_STATUS_CHECK: CheckKind = {
  names: ENDINGS.map((e) => e.name),
  // One of the protocol's probes: --malformed turns it on and off with the malformed lines.
  create: (s) => (s.malformed ? { title: "exit status", when: "after", run: async (i) => ({ results: await exitChecks(i.adapter, s.timeoutMs, i.isExpected), session: null }) } : null),
};
