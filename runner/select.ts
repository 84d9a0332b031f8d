// Choosing which vectors run: --filter, --tag, then --shard. The shard of a scenario depends on its name
// alone, so adding a vector never moves the others between the machines of a CI matrix.
import { UsageError } from "../common/errors.js";
import { globToRegExp, hasGlob } from "./glob.js";
import type { StreamSelection } from "./corpus_stream.js";

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface Selection {
  /** Exact names (--name); empty: any. */
  readonly names: readonly string[];
  /** Patterns as --filter's that leave a scenario out (--skip). */
  readonly skips: readonly string[];
  readonly filters: readonly string[];
  readonly tags: readonly string[];
  readonly shard: Shard | null;
}

/** Levenshtein distance, for "did you mean": names are short, so the quadratic table is nothing. */
function distance(a: string, b: string): number {
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const row = [i];
    for (let j = 1; j <= b.length; j++) row.push(Math.min(prev[j]! + 1, row[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1)));
    prev = row;
  }
  return prev[b.length]!;
}

/** The names nearest to `wanted`: those containing it or it them first, then by edit distance; at most `count`. */
/** Every --name must name a vector: a typo would otherwise select nothing, or (with others) silently less. */
export function checkNames(names: readonly string[], known: readonly string[]): void {
  for (const n of names) {
    if (!known.includes(n)) throw new UsageError(`--name: no golden vector is named ${JSON.stringify(n)}; nearest: ${nearestNames(n, known).join(", ")}`);
  }
}

export function nearestNames(wanted: string, names: readonly string[], count = 3): string[] {
  const score = (n: string) => (n.includes(wanted) || wanted.includes(n) ? 0 : 1) * 1000 + distance(wanted, n);
  return [...names].sort((a, b) => score(a) - score(b) || a.localeCompare(b)).slice(0, count);
}

/** FNV-1a over the name's UTF-8 bytes: tiny, stable everywhere, and spreads similar names well. */
export function shardOf(name: string, count: number): number {
  let h = 0x811c9dc5;
  for (const b of Buffer.from(name, "utf8")) h = Math.imul(h ^ b, 0x01000193) >>> 0;
  return (h % count) + 1;
}

/** A filter with * or ? is a glob on the whole name; otherwise a substring. Several filters: any matches. */
export function nameMatcher(filters: readonly string[]): (name: string) => boolean {
  if (filters.length === 0) return () => true;
  const tests = filters.map((f) => {
    if (!hasGlob(f)) return (name: string) => name.includes(f);
    const re = globToRegExp(f, { paths: false });
    return (name: string) => re.test(name);
  });
  return (name) => tests.some((t) => t(name));
}

/** --filter and --shard go by name alone; --tag needs the golden. */
export function streamSelection(s: Selection): StreamSelection {
  const matches = nameMatcher(s.filters);
  const skipped = s.skips.length === 0 ? () => false : nameMatcher(s.skips);
  return {
    byName: (name) =>
      (s.names.length === 0 || s.names.includes(name)) && matches(name) && !skipped(name) && (s.shard === null || shardOf(name, s.shard.count) === s.shard.index),
    byContent: (v) => s.tags.length === 0 || v.golden.tags.some((t) => s.tags.includes(t)),
  };
}
