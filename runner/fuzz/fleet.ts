// The adapters a fuzz run compares against the reference: one persistent process each, restarted after any
// misbehaviour, and every reply checked by the runner's own protocol checks.
import type { NormalizedScenario, SnapshotEntry, TraceEntry } from "../../reference/index.js";
import { AdapterProcess } from "../conformance/adapter_process.js";
import type { AdapterTarget } from "../conformance/adapter_run.js";
import { checkReply } from "../conformance/compare.js";
import { AdapterExited, AdapterStartFailed, AdapterTimedOut, ProtocolError, RequestAborted } from "../conformance/errors.js";
import { parseAdapterLine, runLine, scenarioJson } from "../conformance/protocol.js";

export type Answer =
  | { kind: "result"; snapshots: SnapshotEntry[]; trace?: TraceEntry[] }
  | { kind: "error"; reason: string }
  | { kind: "skipped" };

interface Member {
  readonly target: AdapterTarget;
  name: string;
  features: Set<string>;
  process: AdapterProcess | null;
}

let counter = 0;

export class Fleet {
  private constructor(
    private readonly members: Member[],
    private readonly timeoutMs: number,
  ) {}

  /** Starts every adapter; an adapter that cannot start is a usage problem for a fuzz run, said once. */
  static async start(targets: readonly AdapterTarget[], timeoutMs: number): Promise<Fleet> {
    const members = await Promise.all(
      targets.map(async (target): Promise<Member> => {
        const { process, hello } = await AdapterProcess.start(target.launch, timeoutMs).catch((err: unknown) => {
          if (err instanceof AdapterStartFailed) throw new AdapterStartFailed(`${target.name}: ${err.message}`, err.stderrTail);
          throw err;
        });
        return { target, name: target.fromExec ? hello.name : target.name, features: new Set(hello.features), process };
      }),
    );
    return new Fleet(members, timeoutMs);
  }

  get names(): string[] {
    return this.members.map((m) => m.name);
  }

  /** Every adapter's answer to one scenario, in fleet order; all adapters work at the same time. */
  runAll(scenario: NormalizedScenario, needs: readonly string[], trace = false): Promise<Answer[]> {
    const text = scenarioJson(scenario);
    return Promise.all(this.members.map((m) => this.run(m, text, needs, trace)));
  }

  /** One adapter's answer, by name (for the re-run with trace). */
  async runOne(name: string, scenario: NormalizedScenario, needs: readonly string[], trace: boolean): Promise<Answer> {
    const m = this.members.find((x) => x.name === name)!;
    return this.run(m, scenarioJson(scenario), needs, trace);
  }

  private async run(m: Member, text: string, needs: readonly string[], trace: boolean): Promise<Answer> {
    if (needs.some((f) => !m.features.has(f))) return { kind: "skipped" };
    if (m.process === null || !m.process.alive) {
      try {
        m.process = (await AdapterProcess.start(m.target.launch, this.timeoutMs)).process;
      } catch (err) {
        if (err instanceof AdapterStartFailed) return { kind: "error", reason: `could not restart: ${err.message}` };
        throw err;
      }
    }
    const proc = m.process;
    const id = `f${++counter}`;
    try {
      const line = await proc.request(runLine(id, "fuzz", trace, text), this.timeoutMs, "a fuzz scenario", id);
      const reply = checkReply(parseAdapterLine(line), id, trace, line, (other) => proc.answeredRequest(other));
      if (reply.type === "error") return { kind: "error", reason: `answered with an error (R-PROTO-8): ${reply.message}` };
      return reply.trace ? { kind: "result", snapshots: reply.snapshots, trace: reply.trace } : { kind: "result", snapshots: reply.snapshots };
    } catch (err) {
      if (!(err instanceof AdapterTimedOut || err instanceof AdapterExited || err instanceof ProtocolError || err instanceof RequestAborted)) throw err;
      proc.kill();
      m.process = null;
      const tail = proc.stderrTail();
      return { kind: "error", reason: `${err.message}${tail ? `; stderr: ${tail.trim().split("\n").slice(-3).join(" | ")}` : ""}` };
    }
  }

  async close(): Promise<void> {
    await Promise.all(this.members.map((m) => m.process?.close()));
  }
}

