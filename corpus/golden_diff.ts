// Goldens as text a reviewer can read. A golden's snapshots are hex strings, so a change to one is a changed
// line of hex in `git diff`; here they are decoded. goldenChanges says which snapshots (step, node) of a golden
// changed and shows each as a decoded line diff, for `rsm vectors`; goldenTextLines renders a whole golden with
// every snapshot decoded, for `rsm golden-text`, the textconv of git's rsm-golden diff driver (docs/corpus.md,
// "Reviewing golden changes").
import { decodeVerdict, hexToBytes } from "../reference/index.js";
import { lineDiff } from "./line_diff.js";
import { verdictLines } from "./snapshot_text.js";

interface SnapshotRow {
  readonly step: number;
  readonly node: number;
  readonly hex: string;
}

/** The fields of a golden this reads; anything else in the file is shown as it is. */
interface LooseGolden {
  readonly snapshots: SnapshotRow[];
  readonly [field: string]: unknown;
}

const isRow = (s: unknown): s is SnapshotRow =>
  typeof s === "object" && s !== null && typeof (s as SnapshotRow).step === "number" && typeof (s as SnapshotRow).node === "number" && typeof (s as SnapshotRow).hex === "string";

/** The golden in `text`, or null when it is not JSON with a list of {step, node, hex} snapshots. */
export function parseGolden(text: string): LooseGolden | null {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return null;
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) return null;
  const snapshots = (value as { snapshots?: unknown }).snapshots;
  if (!Array.isArray(snapshots) || !snapshots.every(isRow)) return null;
  return value as LooseGolden;
}

/** A snapshot's decoded lines, with the rule that rejects it if one does; text that is not hex is one line saying so, then the text. */
export function decodedLines(hex: string): string[] {
  let bytes: Uint8Array;
  try {
    bytes = hexToBytes(hex);
  } catch (err) {
    if (!(err instanceof RangeError)) throw err;
    return [`(does not decode: ${err.message})`, `hex ${hex}`];
  }
  return verdictLines(decodeVerdict(bytes));
}

const label = (s: { step: number; node: number }) => `snapshot step ${s.step} node ${s.node}`;
const keyOf = (s: { step: number; node: number }) => `${s.step}:${s.node}`;

export interface GoldenChanges {
  /** Snapshots whose bytes changed, were added or were removed, by (step, node). */
  readonly snapshots: number;
  /** What to show, uncapped: the changed fields, then per snapshot a header and its decoded diff. */
  readonly lines: string[];
}

/** The fields other than snapshots, in the order of the newer golden, whose values differ. */
function changedFields(before: LooseGolden, after: LooseGolden): string[] {
  const names = [...new Set([...Object.keys(after), ...Object.keys(before)])].filter((k) => k !== "snapshots");
  const changed: string[] = [];
  for (const k of names) {
    if (k === "scenario" && typeof before[k] === "object" && typeof after[k] === "object" && before[k] && after[k]) {
      const b = before[k] as Record<string, unknown>;
      const a = after[k] as Record<string, unknown>;
      for (const sub of [...new Set([...Object.keys(a), ...Object.keys(b)])]) {
        if (JSON.stringify(b[sub]) !== JSON.stringify(a[sub])) changed.push(`scenario.${sub}`);
      }
    } else if (JSON.stringify(before[k]) !== JSON.stringify(after[k])) changed.push(k);
  }
  return changed;
}

/**
 * What changed between two texts of one golden: the fields other than snapshots that differ, and for each
 * snapshot (step, node) whose hex differs, was added or was removed, a header and a decoded diff (lineDiff of
 * decodedLines, old against new; an added or removed snapshot shows its lines whole as + or -). A snapshot
 * that changed exactly as an earlier one did is one line naming that one.
 */
export function goldenChanges(before: string, after: string): GoldenChanges {
  const b = parseGolden(before);
  const a = parseGolden(after);
  if ((b === null || a === null) && /"expected":/.test(before) && /"expected":/.test(after)) {
    // A decode golden (SPEC.md section 8): its input and verdict are readable text already.
    return { snapshots: 0, lines: lineDiff(before.trimEnd().split("\n"), after.trimEnd().split("\n")) };
  }
  if (b === null || a === null) {
    return { snapshots: 0, lines: [`(the ${b === null ? "old" : "new"} file is not a golden: not JSON with a list of snapshots; compare the files themselves)`] };
  }
  const lines: string[] = [];
  const fields = changedFields(b, a);
  if (fields.length > 0) lines.push(`changed: ${fields.join(", ")}`);
  const old = new Map(b.snapshots.map((s) => [keyOf(s), s]));
  const now = new Map(a.snapshots.map((s) => [keyOf(s), s]));
  // In the order of the newer golden, with removed snapshots where they were.
  const order = [...a.snapshots, ...b.snapshots.filter((s) => !now.has(keyOf(s)))].sort((x, y) => x.step - y.step || x.node - y.node);
  let snapshots = 0;
  // A change already shown for another node (replicas usually change alike) is named, not repeated.
  const shown = new Map<string, string>();
  for (const s of order) {
    const was = old.get(keyOf(s));
    const is = now.get(keyOf(s));
    if (was && is && was.hex === is.hex) continue;
    snapshots++;
    const change = `${was?.hex ?? "-"}>${is?.hex ?? "-"}`;
    const first = shown.get(change);
    if (first !== undefined) {
      lines.push(`${label(s)}: ${was && is ? "changed" : is ? "added" : "removed"} as ${first}`);
      continue;
    }
    shown.set(change, `step ${s.step} node ${s.node}`);
    if (was && is) {
      lines.push(`${label(s)}:`);
      for (const l of lineDiff(decodedLines(was.hex), decodedLines(is.hex))) lines.push(`  ${l}`);
    } else if (is) {
      lines.push(`${label(s)}: added`);
      for (const l of decodedLines(is.hex)) lines.push(`  + ${l}`);
    } else {
      lines.push(`${label(s)}: removed`);
      for (const l of decodedLines(was!.hex)) lines.push(`  - ${l}`);
    }
  }
  if (snapshots === 0 && fields.length === 0) lines.push("(same fields and snapshots; only the file's layout differs)");
  return { snapshots, lines };
}

/** Lines shown per golden by `rsm vectors` before the rest is counted. */
export const LINES_PER_GOLDEN = 40;

/** `lines` cut at `cap`, then "... N more lines". */
export function capped(lines: readonly string[], cap = LINES_PER_GOLDEN): string[] {
  if (lines.length <= cap) return [...lines];
  return [...lines.slice(0, cap), `... ${lines.length - cap} more lines`];
}

/**
 * A whole golden as text: each field on a line of its own (steps one per line, as in the file), then every
 * snapshot as "snapshot step S node N:" and its decoded lines. Text that is not a golden comes back as it is,
 * so a textconv never fails a `git diff`.
 */
export function goldenTextLines(text: string): string[] {
  const g = parseGolden(text);
  if (g === null) return text.split("\n");
  const j = (v: unknown) => JSON.stringify(v);
  const lines: string[] = [];
  for (const [k, v] of Object.entries(g)) {
    if (k === "snapshots") continue;
    if (k === "scenario" && typeof v === "object" && v !== null && !Array.isArray(v)) {
      for (const [sk, sv] of Object.entries(v)) {
        if (sk === "steps" && Array.isArray(sv)) {
          lines.push(`scenario.steps (${sv.length}):`);
          sv.forEach((step, i) => lines.push(`  [${i}] ${j(step)}`));
        } else lines.push(`scenario.${sk} ${j(sv)}`);
      }
      continue;
    }
    lines.push(`${k} ${typeof v === "string" && !/[\u0000-\u001f]/.test(v) ? v : j(v)}`);
  }
  for (const s of g.snapshots) {
    lines.push(`${label(s)}:`);
    for (const l of decodedLines(s.hex)) lines.push(`  ${l}`);
  }
  return lines;
}
