// Two line lists as a unified-style diff: a decoded snapshot against another (failure reports, golden changes,
// traces) or any text a person compares line by line.
import { diffArrays } from "diff";

/** Lines of unchanged context kept around each change in the diff. */
const CONTEXT = 2;

/**
 * The changed middle of two line lists is diffed in full up to this many lines on each side; past it, only
 * while the lists differ by at most MAX_EDITS lines (Myers' cost is the lines times the edits), which covers
 * a long snapshot with a few pairs wrong and its CRC line.
 */
const MAX_DIFFED = 2_000;
const MAX_EDITS = 200;
/** Lines of each side shown when the middle is longer than that. */
const SHOWN_UNDIFFED = 20;

/** Changes with CONTEXT lines around them and "  ..." for what is skipped, from rows of a diff. */
function withContext(rows: readonly { mark: " " | "-" | "+"; text: string }[], out: string[]): void {
  const changed = rows.map((r) => r.mark !== " ");
  // near[i]: a change lies within CONTEXT rows of i; counted, not sliced, so it is linear in the rows.
  const near = new Array<boolean>(rows.length).fill(false);
  let last = -Infinity;
  for (let i = 0; i < rows.length; i++) {
    if (changed[i]) last = i;
    near[i] = i - last <= CONTEXT;
  }
  last = Infinity;
  for (let i = rows.length - 1; i >= 0; i--) {
    if (changed[i]) last = i;
    near[i] = near[i]! || last - i <= CONTEXT;
  }
  rows.forEach((r, i) => {
    if (near[i]) out.push(`${r.mark} ${r.text}`);
    else if (near[i - 1] || i === 0) out.push("  ...");
  });
}

/**
 * A unified-style diff of two line lists, changes with a little context and "..." for what is skipped.
 * Lines both lists begin and end with are set aside first; a middle longer than MAX_DIFFED lines is diffed
 * only if few lines differ (a snapshot of 120,000 pairs with one value wrong), and otherwise shown in part,
 * with how much is left out: its cost would grow with the square of its length.
 */
export function lineDiff(expected: readonly string[], actual: readonly string[]): string[] {
  const shared = Math.min(expected.length, actual.length);
  let start = 0;
  while (start < shared && expected[start] === actual[start]) start++;
  let endE = expected.length;
  let endA = actual.length;
  while (endE > start && endA > start && expected[endE - 1] === actual[endA - 1]) {
    endE--;
    endA--;
  }
  if (start === endE && start === endA) return ["  ..."];
  const out: string[] = [];
  if (start > CONTEXT) out.push("  ...");
  for (let i = Math.max(0, start - CONTEXT); i < start; i++) out.push(`  ${expected[i]}`);
  const midE = expected.slice(start, endE);
  const midA = actual.slice(start, endA);
  const small = midE.length <= MAX_DIFFED && midA.length <= MAX_DIFFED;
  const changes = small ? diffArrays(midE, midA) : diffArrays(midE, midA, { maxEditLength: MAX_EDITS });
  if (changes !== undefined) {
    const rows: { mark: " " | "-" | "+"; text: string }[] = [];
    for (const change of changes) {
      const mark = change.added ? "+" : change.removed ? "-" : " ";
      for (const text of change.value) rows.push({ mark, text });
    }
    withContext(rows, out);
  } else {
    const part = (lines: string[], mark: string, what: string) => {
      for (const l of lines.slice(0, SHOWN_UNDIFFED)) out.push(`${mark} ${l}`);
      if (lines.length > SHOWN_UNDIFFED) out.push(`  ... (${lines.length - SHOWN_UNDIFFED} more ${what} lines; too many differ to diff line by line)`);
    };
    part(midE, "-", "expected");
    part(midA, "+", "actual");
  }
  for (let i = endE; i < Math.min(expected.length, endE + CONTEXT); i++) out.push(`  ${expected[i]}`);
  if (expected.length - endE > CONTEXT) out.push("  ...");
  return out;
}
