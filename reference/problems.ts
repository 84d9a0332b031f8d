// A problem found in a scenario: where (JSON path), which rule, and what was expected.
export interface Problem {
  /**
   * As SPEC.md writes it: steps[7].node, cluster.leader, (root); "" for a problem with the file's bytes
   * (not UTF-8, a byte-order mark), which come before there is a JSON document to point into.
   */
  readonly path: string;
  /** A SPEC.md rule id, e.g. R-CRASH-1. */
  readonly rule: string;
  readonly message: string;
}

/** `file path: message (rule)`, the one-line form every tool of the kit prints. */
export function formatProblem(file: string, p: Problem): string {
  return p.path === "" ? `${file}: ${p.message} (${p.rule})` : `${file} ${p.path}: ${p.message} (${p.rule})`;
}

const PREVIEW_MAX = 60;

type Frame = { items: readonly unknown[]; i: number } | { object: Record<string, unknown>; keys: string[]; i: number };

/**
 * A short, printable rendering of a JSON value for "got ..." in messages: JSON.stringify's text, cut at 60
 * characters. Built without recursion and only as far as it is shown, since the value is whatever a
 * scenario file holds: an array nested 5,000 deep overflowed JSON.stringify's stack, and a 6 MB string
 * would be copied whole to show 57 characters of it.
 */
export function preview(value: unknown): string {
  if (value === undefined) return "nothing";
  let text = "";
  const stack: Frame[] = [];
  const scalar = (v: unknown) => (typeof v === "string" ? JSON.stringify(v.length > PREVIEW_MAX ? v.slice(0, PREVIEW_MAX + 1) : v) : (JSON.stringify(v) ?? "null"));
  let next: unknown = value;
  let pending = true;
  while (text.length <= PREVIEW_MAX) {
    if (pending) {
      pending = false;
      if (Array.isArray(next)) {
        text += "[";
        stack.push({ items: next, i: 0 });
      } else if (next !== null && typeof next === "object") {
        text += "{";
        stack.push({ object: next as Record<string, unknown>, keys: Object.keys(next), i: 0 });
      } else text += scalar(next);
      continue;
    }
    const top = stack.at(-1);
    if (top === undefined) break;
    if ("items" in top) {
      if (top.i >= top.items.length) {
        text += "]";
        stack.pop();
        continue;
      }
      if (top.i > 0) text += ",";
      next = top.items[top.i++];
    } else {
      // JSON.stringify leaves out properties whose value it cannot write; JSON.parse never makes one.
      while (top.i < top.keys.length && top.object[top.keys[top.i]!] === undefined) top.i++;
      if (top.i >= top.keys.length) {
        text += "}";
        stack.pop();
        continue;
      }
      const key = top.keys[top.i++]!;
      text += `${top.i > 1 ? "," : ""}${JSON.stringify(key.length > PREVIEW_MAX ? key.slice(0, PREVIEW_MAX + 1) : key)}:`;
      next = top.object[key];
    }
    pending = true;
  }
  return text.length > PREVIEW_MAX ? `${text.slice(0, PREVIEW_MAX - 3)}...` : text;
}
