// `rsm report diff OLD NEW`: what a pull request changed, per adapter: the scenarios that newly fail (the
// first thing a reviewer of a change to a port wants to see), those that newly pass, and every other change
// of outcome. Outcomes are compared as strings, so a status or a scenario name this code never heard of
// (a new topic, a new kind of cell) is still compared and shown. Both reports may hold any text (a port wrote
// into them): names and reasons are printed through the output boundary (common/escape.ts).
import { isUnexpectedProblem, type AdapterReport, type ScenarioResult } from "../model.js";
import { outcomeOf } from "./reporters/outcome.js";
import type { RunReport } from "./run_report.js";
import { markdown, terminal as t } from "../../common/escape.js";

/** A result that fails the run: an unexpected failure or error, or under --strict an unexpected pass. */
function failing(r: ScenarioResult | undefined, strict: boolean): boolean {
  return r !== undefined && (isUnexpectedProblem(r) || (strict && r.expectedFailure && r.status === "passed"));
}

export interface Change {
  readonly name: string;
  /** "absent" when the scenario was not in that report. */
  readonly before: string;
  readonly after: string;
  /** The new result's likely rules, or its reason's first words, for a newly failing one. */
  readonly why: string;
}

export interface AdapterDiff {
  readonly adapter: string;
  /** "added" or "removed" when only one report has the adapter. */
  readonly presence: "both" | "added" | "removed";
  readonly newlyFailing: readonly Change[];
  readonly newlyPassing: readonly Change[];
  readonly other: readonly Change[];
  readonly unchanged: number;
}

export interface ReportDiff {
  readonly adapters: readonly AdapterDiff[];
  /** Differences of kit or corpus between the two runs, said once above the lists. */
  readonly notes: readonly string[];
}

function why(r: ScenarioResult): string {
  if (r.diagnosis && r.diagnosis.rules.length > 0) return r.diagnosis.rules.slice(0, 3).join(", ");
  const reason = r.reason ?? "";
  return reason.length > 100 ? `${reason.slice(0, 99)}…` : reason;
}

function diffAdapter(name: string, before: AdapterReport | undefined, after: AdapterReport | undefined, strictBefore: boolean, strictAfter: boolean): AdapterDiff {
  const old = new Map((before?.results ?? []).map((r) => [r.name, r]));
  const now = new Map((after?.results ?? []).map((r) => [r.name, r]));
  const names = [...new Set([...old.keys(), ...now.keys()])].sort((x, y) => (x < y ? -1 : x > y ? 1 : 0));
  const newlyFailing: Change[] = [];
  const newlyPassing: Change[] = [];
  const other: Change[] = [];
  let unchanged = 0;
  for (const n of names) {
    const o = old.get(n);
    const a = now.get(n);
    const change: Change = { name: n, before: o ? outcomeOf(o) : "absent", after: a ? outcomeOf(a) : "absent", why: a ? why(a) : "" };
    const wasFailing = failing(o, strictBefore);
    const isFailing = failing(a, strictAfter);
    if (isFailing && !wasFailing) newlyFailing.push(change);
    else if (!isFailing && (wasFailing || change.before === "expected") && change.after === "passed") newlyPassing.push({ ...change, why: "" });
    else if (change.before !== change.after) other.push({ ...change, why: isFailing ? change.why : "" });
    else unchanged++;
  }
  return { adapter: name, presence: before && after ? "both" : after ? "added" : "removed", newlyFailing, newlyPassing, other, unchanged };
}

export function diffRuns(before: RunReport, after: RunReport): ReportDiff {
  const names = [...new Set([...after.adapters.map((a) => a.name), ...before.adapters.map((a) => a.name)])];
  const adapters = names.map((n) => diffAdapter(n, before.adapters.find((a) => a.name === n), after.adapters.find((a) => a.name === n), before.strict, after.strict));
  const notes: string[] = [];
  const kb = before.meta?.kit?.version;
  const ka = after.meta?.kit?.version;
  if (kb !== ka) notes.push(`kit ${kb ?? "unknown"} -> ${ka ?? "unknown"}`);
  const cb = before.meta?.corpus_sha256;
  const ca = after.meta?.corpus_sha256;
  if (cb !== ca) notes.push(`corpus ${cb?.slice(0, 12) ?? "unknown"} -> ${ca?.slice(0, 12) ?? "unknown"} (${before.corpus} -> ${after.corpus} goldens)`);
  return { adapters, notes };
}

export const regressed = (d: ReportDiff) => d.adapters.some((a) => a.newlyFailing.length > 0);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? "" : "s"}`;

function totals(d: ReportDiff): string {
  const failing = d.adapters.reduce((n, a) => n + a.newlyFailing.length, 0);
  const passing = d.adapters.reduce((n, a) => n + a.newlyPassing.length, 0);
  const other = d.adapters.reduce((n, a) => n + a.other.length, 0);
  const touched = d.adapters.filter((a) => a.newlyFailing.length + a.newlyPassing.length + a.other.length > 0 || a.presence !== "both").length;
  return `${failing} newly failing, ${passing} newly passing, ${plural(other, "other change")}; ${touched} of ${plural(d.adapters.length, "adapter")} changed`;
}

function headOf(a: AdapterDiff): string {
  const presence = a.presence === "added" ? " (only in the new report)" : a.presence === "removed" ? " (only in the old report)" : "";
  if (a.newlyFailing.length + a.newlyPassing.length + a.other.length === 0) return `${t(a.adapter)}${presence}: no change (${plural(a.unchanged, "scenario")})`;
  return `${t(a.adapter)}${presence}: ${a.newlyFailing.length} newly failing, ${a.newlyPassing.length} newly passing, ${plural(a.other.length, "other change")}, ${a.unchanged} unchanged`;
}

export function renderDiffHuman(d: ReportDiff): string {
  const out: string[] = [];
  for (const n of d.notes) out.push(`note: ${t(n)}`);
  for (const a of d.adapters) {
    out.push(headOf(a));
    const width = Math.max(0, ...[...a.newlyFailing, ...a.newlyPassing, ...a.other].map((c) => t(c.name).length));
    const list = (title: string, changes: readonly Change[]) => {
      if (changes.length === 0) return;
      out.push(`  ${title}:`);
      for (const c of changes) out.push(`    ${t(c.name).padEnd(width)}  ${t(c.before)} -> ${t(c.after)}${c.why ? `  (${t(c.why)})` : ""}`);
    };
    list("newly failing", a.newlyFailing);
    list("newly passing", a.newlyPassing);
    list("other changes", a.other);
  }
  out.push(`${regressed(d) ? "REGRESSED" : "NO REGRESSION"} ${totals(d)}`);
  return `${out.join("\n")}\n`;
}

export function renderDiffMarkdown(d: ReportDiff): string {
  const code = (s: string) => `<code>${markdown(s)}</code>`;
  const out = [`### rsm report diff: ${regressed(d) ? "REGRESSED" : "no regression"}`, "", totals(d), ""];
  for (const n of d.notes) out.push(`> ${markdown(n)}`, "");
  for (const a of d.adapters) {
    out.push(`#### ${markdown(headOf(a))}`, "");
    const rows = [...a.newlyFailing.map((c) => ["newly failing", c] as const), ...a.newlyPassing.map((c) => ["newly passing", c] as const), ...a.other.map((c) => ["changed", c] as const)];
    if (rows.length === 0) continue;
    out.push("| | scenario | before | after | likely rules / reason |", "|---|---|---|---|---|");
    for (const [kind, c] of rows) out.push(`| ${kind} | ${code(c.name)} | ${markdown(c.before)} | ${markdown(c.after)} | ${markdown(c.why)} |`);
    out.push("");
  }
  return out.join("\n");
}
