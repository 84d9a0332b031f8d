// `rsm trace FILE-or-NAME`: the reference's state of every node after every step, readably; with --exec, a
// port's states beside it, the nodes that differ marked, stopping after the first step where they differ.
// A scenario whose trace would be too big to hold (steps x nodes x snapshot size) is not traced: its first
// divergence is bisected (runner/diagnosis/bisect.ts) and only a window around it is shown, each step's state read from
// a re-run of the scenario's prefix ending in a snapshot.
import { stat } from "node:fs/promises";
import path from "node:path";
import {
  Cluster,
  bytesToHex,
  decodeVerdict,
  formatProblem,
  hexToBytes,
  loadScenarioBytes,
  nameProblem,
  nodeSnapshot,
  raftState,
  requiredFeatures,
  runScenario,
  runSizes,
  type NormalizedScenario,
  type RaftState,
  type Step,
  type TraceEntry,
} from "../reference/index.js";
import { defineCommand, parseFlags, usage } from "../common/args.js";
import { EXIT_FAILED, EXIT_OK, InvalidInput, UsageError } from "../common/errors.js";
import { AdapterStartFailed } from "./adapter/errors.js";
import { lineDiff } from "../corpus/line_diff.js";
import { verdictLines } from "../corpus/snapshot_text.js";
import { goldenPath, readScenarioFile } from "../corpus/scenario_files.js";
import { TRACE_BUDGET, bisectDivergence, prefixScenario } from "./diagnosis/bisect.js";
import { readVector } from "./corpus.js";
import { SCALE_TRACE_NAMES, scaleCaseScenario } from "./checks/scale_files.js";
import { scenarioJson } from "./adapter/protocol.js";
import { Session } from "./adapter/session.js";
import { splitCommandLine } from "./adapter/shell_words.js";

/** Characters of trace (R-PROTO-7) above which the port is not asked for one: the runner's budget, the same for conformance. */
export const MAX_TRACE_CHARS = TRACE_BUDGET;

export const TRACE_SPEC = defineCommand({
  name: "trace",
  synopsis: "[options] FILE-OR-NAME",
  brief: "every node's state after every step, the reference's (and a port's: --exec)",
  summary: `Prints the reference's state of every node after every step of a scenario: the step as one line of JSON,
then for each node whether it is up, down or isolated (in the partition set P, SPEC.md 2.2), its
commit_index and last_applied, and its snapshot decoded as \`rsm decode\` shows it.`,
  positionals: [
    {
      name: "FILE-OR-NAME",
      help: "an authored scenario file, a corpus name such as keys/nine-vs-ten (vectors/golden/NAME.json), or a case of the scale check such as scale/10000, generated (with --exec, its compact variant when the port lists compact; NAME-compact asks for that variant)",
    },
  ],
  flags: {
    steps: { type: "string", value: "A..B", help: "show only steps A to B (inclusive, 0-based); --steps N shows step N alone" },
    node: { type: "string", multiple: true, value: "N", help: "show only node N (repeatable)" },
    exec: {
      type: "string",
      value: '"COMMAND"',
      help: `also ask this adapter for its trace and show its states beside the reference's: "  " a node that agrees, "-" the reference and "+" the port for one that differs, with a diff of the two snapshots; stops after the first step that differs`,
    },
    all: { type: "boolean", help: "with --exec, go on past the first step that differs" },
    timeout: { type: "string", value: "SECONDS", help: "with --exec, how long the adapter has per request (default 60)" },
  },
  notes: [
    `A scenario whose whole trace would exceed ${MAX_TRACE_CHARS / 1024 / 1024} Mi characters is not traced with --exec: the first
divergence is bisected over prefixes of the scenario and only the steps around it are shown (or --steps).`,
    "exit codes: 0 no divergence (or no --exec), 1 a divergence shown or the adapter failed, 2 usage or invalid input",
  ],
});

export interface TraceOptions {
  /** MAX_TRACE_CHARS unless a test says otherwise. */
  readonly maxTraceChars?: number;
}

type Status = "up" | "down" | "isolated";

/** Each node's status after each step, from the steps alone (SPEC.md 2.2): index [step][node - 1]. */
export function statusesAfter(scenario: NormalizedScenario): Status[][] {
  const n = scenario.cluster.nodes;
  let isolated = new Set<number>();
  const down = new Set<number>();
  return scenario.steps.map((s) => {
    if (s.op === "partition") isolated = new Set(s.nodes);
    else if (s.op === "crash") down.add(s.node);
    else if (s.op === "restart") down.delete(s.node);
    else if (s.op === "heal") {
      isolated = new Set();
      down.clear();
    }
    return Array.from({ length: n }, (_, i) => (down.has(i + 1) ? "down" : isolated.has(i + 1) ? "isolated" : "up"));
  });
}

interface NodeState {
  readonly hex: string | null;
  /** Known for the reference only. */
  readonly commitIndex: number | null;
  /**
   * R-TRACE-1: role, vote and log of a scenario that needs `elect`; null while down or without `elect`;
   * undefined where the port was not asked for it (a re-run of a prefix gives snapshots only).
   */
  readonly raft?: RaftState | null;
}

/** Whether the port's state is the reference's: the snapshot, and the raft state where the port gave one. */
function sameState(e: NodeState, a: NodeState): boolean {
  return e.hex === a.hex && (a.raft === undefined || JSON.stringify(e.raft ?? null) === JSON.stringify(a.raft));
}

/**
 * Runs the reference step by step, handing the states after each of steps `first`..`last` to `each`; stops
 * after step `last`. Steps before `first` are applied and never encoded: encoding every node after every
 * step costs steps x store, which for a long scenario is most of the time a trace takes.
 */
function referenceSteps(scenario: NormalizedScenario, first: number, last: number, each: (step: number, states: NodeState[]) => boolean | void): void {
  const elect = requiredFeatures(scenario).includes("elect");
  const cluster = new Cluster(scenario.cluster, { fixedLeader: !elect });
  for (let i = 0; i <= last; i++) {
    const step = scenario.steps[i]!;
    if (step.op !== "snapshot") cluster.apply(step);
    if (i < first) continue;
    const states = cluster.nodes.map((n) => ({ hex: n.up ? bytesToHex(nodeSnapshot(n)) : null, commitIndex: n.up ? n.commitIndex : null, raft: elect ? raftState(n) : null }));
    if (each(i, states) === false) return;
  }
}

/** The decoded lines of a snapshot, with the rule that rejects it if one does (SPEC.md 4.1). */
function decodedLines(hex: string): { lines: string[]; lastApplied: string; currentTerm: string } {
  const v = decodeVerdict(hexToBytes(hex));
  return { lines: verdictLines(v), lastApplied: String(v.snapshot.lastIncludedIndex ?? "?"), currentTerm: String(v.snapshot.currentTerm ?? "?") };
}

/** R-TRACE-1 in words: "leader of term 2, voted for 2, log 3 (last term 2)". */
function raftWords(r: RaftState, term: string): string {
  return `${r.role} of term ${term}, ${r.voted_for === null ? "no vote" : `voted for ${r.voted_for}`}, log ${r.log_length} (last term ${r.last_log_term})`;
}

function summary(node: number, status: Status, s: NodeState): string {
  if (s.hex === null) return `node ${node}: ${status === "down" ? "down" : `${status}, but no state (null)`}${s.raft ? ", but a raft state" : ""}`;
  const d = decodedLines(s.hex);
  const raft = s.raft ? `${raftWords(s.raft, d.currentTerm)}, ` : "";
  const ci = s.commitIndex === null ? "" : `commit_index ${s.commitIndex}, `;
  return `node ${node}: ${status === "down" ? "down, but has a state" : status}, ${raft}${ci}last_applied ${d.lastApplied}`;
}

function stepLine(i: number, step: Step): string {
  return `step ${i}: ${JSON.stringify(step)}`;
}

/** One node's full text: the summary line, then its snapshot decoded, indented. */
function nodeLines(node: number, status: Status, s: NodeState): string[] {
  const lines = [summary(node, status, s)];
  if (s.hex !== null) for (const l of decodedLines(s.hex).lines) lines.push(`  ${l}`);
  return lines;
}

/** Parses --steps: "A..B" or "N", within the scenario's steps. */
export function parseSteps(text: string | undefined, count: number): { from: number; to: number } | null {
  if (text === undefined) return null;
  const m = /^(\d+)(?:\.\.(\d+))?$/.exec(text.trim());
  if (!m) throw new UsageError(`--steps: expected A..B or N (0-based step numbers), got ${JSON.stringify(text)}`);
  const from = Number(m[1]);
  const to = m[2] === undefined ? from : Number(m[2]);
  if (from > to) throw new UsageError(`--steps: ${text} is an empty range; expected A..B with A <= B`);
  if (to >= count) throw new UsageError(`--steps: ${text} goes past the scenario's last step, ${count - 1}`);
  return { from, to };
}

function parseNodes(texts: string[], n: number): number[] | null {
  if (texts.length === 0) return null;
  const nodes = texts.map((t) => {
    if (!/^\d+$/.test(t) || Number(t) < 1 || Number(t) > n) throw new UsageError(`--node: expected a node id in 1..${n}, got ${JSON.stringify(t)}`);
    return Number(t);
  });
  return [...new Set(nodes)].sort((a, b) => a - b);
}

/**
 * An authored scenario file, a corpus name (vectors/golden/NAME.json) or a case of the scale check
 * (scale/10000, generated): its name and normalized scenario. A scale case that a port with `compact` runs
 * with compactions also gives that variant, for --exec to choose by the port's hello as the check does.
 */
export async function loadTraceTarget(arg: string, root: string): Promise<{ name: string; scenario: NormalizedScenario; compactVariant?: NormalizedScenario }> {
  const info = await stat(arg).catch(() => null);
  // Anything there but a directory is read as a scenario file, so that a FIFO or a device is refused as one
  // (common/read_file.ts) rather than taken for a corpus name.
  if (info !== null && !info.isDirectory()) {
    const read = await readScenarioFile(arg, arg);
    if (!read.ok) throw new InvalidInput([read.line]);
    const loaded = loadScenarioBytes(read.bytes);
    if (!loaded.ok) throw new InvalidInput([formatProblem(arg, loaded.problems[0]!)]);
    return { name: arg, scenario: loaded.scenario };
  }
  // R-NAME-1, as every command checks a name: what is not one is never looked up as a path below the corpus.
  const badName = nameProblem(arg);
  if (badName !== null) throw new UsageError(`trace: ${JSON.stringify(arg)} is neither a scenario file nor a corpus name: ${badName} (R-NAME-1)`);
  const scale = scaleCaseScenario(arg);
  if (scale !== null) return { name: arg, scenario: scale.scenario, ...(!scale.compact && { compactVariant: scaleCaseScenario(arg, true)!.scenario }) };
  const file = goldenPath(root, arg);
  if (!(await stat(file).catch(() => null))?.isFile()) {
    const scaleHint = arg.startsWith("scale/") ? `; the scale check's cases: ${SCALE_TRACE_NAMES.join(", ")}` : "";
    throw new UsageError(`trace: ${JSON.stringify(arg)} is neither a scenario file nor a corpus name (no ${path.relative(process.cwd(), file) || file})${scaleHint}`);
  }
  const v = readVector({ name: arg, path: file });
  if (typeof v === "string") throw new InvalidInput([v]);
  return { name: arg, scenario: v.golden.scenario };
}

export async function traceCommand(args: string[], root: string, out: (line: string) => void, options: TraceOptions = {}): Promise<number> {
  const { values, positionals } = parseFlags(TRACE_SPEC, args);
  if (values.help) {
    out(usage(TRACE_SPEC));
    return EXIT_OK;
  }
  if (positionals.length !== 1) throw new UsageError("trace: expected exactly one argument, a scenario file or a corpus name");
  if (values.all && values.exec === undefined) throw new UsageError("--all: only means something with --exec");
  let timeoutMs = 60_000;
  if (values.timeout !== undefined) {
    if (!/^\d+(\.\d+)?$/.test(values.timeout) || Number(values.timeout) <= 0) throw new UsageError(`--timeout: expected a number of seconds, got ${JSON.stringify(values.timeout)}`);
    timeoutMs = Number(values.timeout) * 1000;
  }
  const argv = values.exec === undefined ? null : splitCommandLine(values.exec);
  if (argv !== null && (argv.length === 0 || argv[0] === "")) throw new UsageError("--exec: expected a command line, got one without a program");
  const target = await loadTraceTarget(positionals[0]!, root);
  const name = target.name;
  let scenario = target.scenario;
  const window = parseSteps(values.steps, scenario.steps.length);
  const nodes = parseNodes(values.node ?? [], scenario.cluster.nodes) ?? Array.from({ length: scenario.cluster.nodes }, (_, i) => i + 1);
  let statuses = statusesAfter(scenario);
  const from = window?.from ?? 0;
  const to = window?.to ?? scenario.steps.length - 1;

  if (argv === null) {
    out(`trace of ${name}: ${scenario.cluster.nodes} node(s), leader ${scenario.cluster.leader}, ${scenario.steps.length} step(s), the reference's states`);
    referenceSteps(scenario, from, to, (i, states) => {
      out(stepLine(i, scenario.steps[i]!));
      for (const n of nodes) for (const l of nodeLines(n, statuses[i]![n - 1]!, states[n - 1]!)) out(`  ${l}`);
    });
    return EXIT_OK;
  }

  let session: Session;
  try {
    session = await Session.start({ argv, cwd: process.cwd() }, timeoutMs);
  } catch (err) {
    if (!(err instanceof AdapterStartFailed)) throw err;
    out(`trace: the adapter did not start: ${err.message}`);
    if (err.stderrTail) out(err.stderrTail.trimEnd());
    return EXIT_FAILED;
  }
  try {
    // A variant has the same steps and nodes, so --steps and --node were checked against it already.
    const variant = target.compactVariant !== undefined && session.hello.features.includes("compact");
    if (variant) {
      scenario = target.compactVariant!;
      statuses = statusesAfter(scenario);
    }
    out(`trace of ${name}${variant ? " (with compactions, as the port lists compact)" : ""}: ${scenario.cluster.nodes} node(s), leader ${scenario.cluster.leader}, ${scenario.steps.length} step(s), the reference ("-") against ${session.hello.name} ("+")`);
    // With --steps the port is asked about steps 0..B only, ending in a snapshot (R-SNAP-3: it changes
    // nothing), so a window early in a long scenario costs the steps up to it, not the whole scenario.
    const asked = window === null || to === scenario.steps.length - 1 ? scenario : prefixScenario(scenario, to).scenario;
    // Exact, from the reference's run without encoding (reference/limits.ts): the port is asked for a trace
    // only when it fits the budget, so the budget never turns into a failure of the port.
    const budget = options.maxTraceChars ?? MAX_TRACE_CHARS;
    const big = runSizes(asked, { last: to }).traceChars > budget;
    const shown = { nodes, statuses, all: values.all === true };
    if (!big) return await traced(session, name, asked, { ...shown, from, to }, out);
    return window === null ? await bisected(session, name, scenario, shown, budget, out) : await windowed(session, name, scenario, { ...shown, from, to }, out);
  } finally {
    await session.close();
  }
}

interface Shown {
  readonly nodes: number[];
  readonly statuses: Status[][];
  readonly all: boolean;
}

/** One step, reference against port; returns whether any shown node differs. */
function compareStep(i: number, step: Step, expected: NodeState[], actual: NodeState[], o: Shown, out: (line: string) => void): number[] {
  const differing = o.nodes.filter((n) => !sameState(expected[n - 1]!, actual[n - 1]!));
  out(`${differing.length > 0 ? "!" : " "} ${stepLine(i, step)}${differing.length > 0 ? `  <- differs at node${differing.length > 1 ? "s" : ""} ${differing.join(", ")}` : ""}`);
  for (const n of o.nodes) {
    const status = o.statuses[i]![n - 1]!;
    const e = expected[n - 1]!;
    const a = actual[n - 1]!;
    if (!differing.includes(n)) {
      out(`    ${summary(n, status, e)} (port agrees)`);
      continue;
    }
    out(`  - ${summary(n, status, e)}`);
    out(`  + ${summary(n, status, a)}`);
    const el = e.hex === null ? [] : decodedLines(e.hex).lines;
    const al = a.hex === null ? [] : decodedLines(a.hex).lines;
    for (const l of lineDiff(el, al)) out(`    ${l}`);
  }
  return differing;
}

/**
 * The port's trace of `scenario` (the whole scenario, or with --steps its prefix up to the window's end) at
 * once; every step up to the window's end compared, the window shown.
 */
async function traced(session: Session, name: string, scenario: NormalizedScenario, o: Shown & { from: number; to: number }, out: (line: string) => void): Promise<number> {
  const outcome = await session.run({ name, scenario, scenarioText: scenarioJson(scenario), trace: true });
  if (outcome.kind !== "result") return adapterFailed(outcome, out);
  const trace = outcome.trace as TraceEntry[];
  let first: { step: number; nodes: number[] } | null = null;
  let shownDivergence = false;
  referenceSteps(scenario, 0, o.to, (i, states) => {
    // The schema checked the raft states' shape; a port that gave none for an elect scenario shows as null.
    const raft = trace[i]!.raft;
    const elect = states.some((s) => s.raft != null);
    const actual: NodeState[] = trace[i]!.states.map((hex, k) => ({ hex, commitIndex: null, ...(elect || raft ? { raft: raft?.[k] ?? null } : {}) }));
    const all = states.map((_, k) => k + 1).filter((n) => !sameState(states[n - 1]!, actual[n - 1]!));
    if (all.length > 0 && first === null) first = { step: i, nodes: all };
    if (i < o.from || i > o.to) return;
    const d = compareStep(i, scenario.steps[i]!, states, actual, o, out);
    if (d.length > 0) {
      shownDivergence = true;
      if (!o.all) return false;
    }
  });
  const f = first as { step: number; nodes: number[] } | null;
  const upTo = o.to === scenario.steps.length - 1 ? "at every step" : `at every step up to ${o.to}`;
  out(f === null ? `the port's trace agrees with the reference ${upTo}` : `first divergence: after step ${f.step}, node${f.nodes.length > 1 ? "s" : ""} ${f.nodes.join(", ")}`);
  return shownDivergence ? EXIT_FAILED : EXIT_OK;
}

/**
 * Too big to trace, no --steps: the whole scenario first, then the first divergence bisected over prefixes
 * and a window around it shown from re-runs of prefixes. A port whose snapshots and final states all agree
 * has nothing to bisect: it is told so, and that the states in between were not compared, never blamed for
 * what the budget left out.
 */
async function bisected(session: Session, name: string, scenario: NormalizedScenario, o: Shown, budget: number, out: (line: string) => void): Promise<number> {
  const expected = runScenario(scenario).snapshots;
  const outcome = await session.run({ name, scenario, scenarioText: scenarioJson(scenario), trace: false, expected });
  if (outcome.kind !== "result") return adapterFailed(outcome, out);
  const mismatch = expected.find((e, i) => outcome.snapshots[i]?.hex !== e.hex);
  const last = scenario.steps.length - 1;
  out("(the whole trace would be too big: bisecting for the first divergence over prefixes of the scenario)");
  // The bisection needs a step after which the port is known to differ: the first wrong snapshot's, or
  // else the end, when the final states differ.
  let upTo = mismatch?.step ?? null;
  if (upTo === null) {
    const end = await prefixStates(session, name, scenario, last);
    if ("kind" in end) return adapterFailed(end, out);
    if (end.differing.length === 0) {
      out(`no divergence found: every snapshot the port emits and every up node's state after the last step agree with the reference (the states in between were not compared: the whole trace is over ${budget.toLocaleString("en-US")} characters; --steps A..B compares a window)`);
      return EXIT_OK;
    }
    upTo = last;
  }
  const b = await bisectDivergence(session, name, scenario, upTo);
  if (b.divergence === null) {
    out(`no divergence found: ${b.note ?? "none"}`);
    return b.broken ? EXIT_FAILED : mismatch === undefined ? EXIT_OK : EXIT_FAILED;
  }
  const k = b.divergence.step;
  const shownDivergence = await showPrefixes(session, name, scenario, { ...o, from: Math.max(0, k - 2), to: Math.min(last, k + (o.all ? 2 : 0)) }, out);
  if (typeof shownDivergence === "number") return shownDivergence;
  out(`first divergence: after step ${k}, node${b.divergence.nodes.length > 1 ? "s" : ""} ${b.divergence.nodes.join(", ")}`);
  return EXIT_FAILED;
}

/**
 * Too big to trace, with --steps A..B: each step of the window from a re-run of the prefix ending there,
 * and, when one differs, its first divergence bisected over steps 0..that step. The scenario beyond B is
 * never run, by the port or the reference.
 */
async function windowed(session: Session, name: string, scenario: NormalizedScenario, o: Shown & { from: number; to: number }, out: (line: string) => void): Promise<number> {
  out(`(the trace of steps 0..${o.to} would be too big: each step of the window is read from a re-run of the scenario's prefix ending there)`);
  const shown = await showPrefixes(session, name, scenario, o, out);
  if (typeof shown === "number") return shown;
  if (shown === null) {
    out(`no divergence in steps ${o.from}..${o.to}`);
    return EXIT_OK;
  }
  const b = await bisectDivergence(session, name, scenario, shown.step);
  out(b.divergence === null ? `no divergence found: ${b.note ?? "none"}` : `first divergence: after step ${b.divergence.step}, node${b.divergence.nodes.length > 1 ? "s" : ""} ${b.divergence.nodes.join(", ")}`);
  return EXIT_FAILED;
}

type Failed = Exclude<Awaited<ReturnType<Session["run"]>>, { kind: "result" }>;

/**
 * The port's states of every up node after step k, from a run of steps 0..k ending in a snapshot, beside the
 * reference's (`known`, or computed here), and the nodes that differ; or how the run failed.
 */
async function prefixStates(session: Session, name: string, scenario: NormalizedScenario, k: number, known?: NodeState[]): Promise<{ expected: NodeState[]; actual: NodeState[]; differing: number[] } | Failed> {
  const p = prefixScenario(scenario, k);
  const run = await session.run({ name: `${name} (steps 0..${k}, then a snapshot)`, scenario: p.scenario, scenarioText: scenarioJson(p.scenario), trace: false });
  if (run.kind !== "result") return run;
  let expected: NodeState[] = known ?? [];
  if (known === undefined) {
    referenceSteps(scenario, k, k, (_, s) => {
      expected = s;
    });
  }
  // A re-run of a prefix gives snapshots only: the raft states are not compared there.
  const actual: NodeState[] = Array.from({ length: scenario.cluster.nodes }, () => ({ hex: null, commitIndex: null }));
  const got = run.snapshots.slice(-p.up.length);
  p.up.forEach((n, j) => (actual[n - 1] = { hex: got[j]?.hex ?? null, commitIndex: null }));
  return { expected, actual, differing: p.up.filter((n) => expected[n - 1]!.hex !== actual[n - 1]!.hex) };
}

/**
 * Steps `from`..`to`, each from a re-run of the prefix ending there, stopping after the first that differs
 * unless --all: the first differing step shown, null when none, or an exit code when the adapter failed.
 */
async function showPrefixes(session: Session, name: string, scenario: NormalizedScenario, o: Shown & { from: number; to: number }, out: (line: string) => void): Promise<number | null | { step: number }> {
  let first: number | null = null;
  // The reference's states of the window in one run, as far as its end.
  const known: NodeState[][] = [];
  referenceSteps(scenario, o.from, o.to, (i, s) => {
    known[i] = s;
  });
  for (let i = o.from; i <= o.to; i++) {
    const states = await prefixStates(session, name, scenario, i, known[i]);
    if ("kind" in states) return adapterFailed(states, out);
    const d = compareStep(i, scenario.steps[i]!, states.expected, states.actual, o, out);
    if (d.length > 0) {
      first ??= i;
      if (!o.all) break;
    }
  }
  return first === null ? null : { step: first };
}

function adapterFailed(outcome: Failed, out: (line: string) => void): number {
  if (outcome.kind === "refused") out(`trace: the adapter refused the scenario: ${outcome.message}`);
  else if (outcome.kind === "broken") {
    out(`trace: the adapter broke: ${outcome.reason}`);
    if (outcome.stderr) out(outcome.stderr.trimEnd());
  } else out("trace: the request was never answered");
  return EXIT_FAILED;
}
