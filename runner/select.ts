// Choosing which vectors run: --filter, --tag, then --shard. The shard of a scenario depends on its name
// alone, so adding a vector never moves the others between the machines of a CI matrix.
import { globToRegExp, hasGlob } from "./glob.js";
import type { StreamSelection } from "./corpus_stream.js";

export interface Shard {
  /** 1-based. */
  readonly index: number;
  readonly count: number;
}

export interface Selection {
  readonly filters: readonly string[];
  readonly tags: readonly string[];
  readonly shard: Shard | null;
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
  return {
    byName: (name) => matches(name) && (s.shard === null || shardOf(name, s.shard.count) === s.shard.index),
    byContent: (v) => s.tags.length === 0 || v.golden.tags.some((t) => s.tags.includes(t)),
  };
}
