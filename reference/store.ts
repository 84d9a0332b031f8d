// The store: key (a Unicode string) -> value (bytes), iterated in UTF-8 byte order (R-STORE-1).
// A Map, never a plain object: an object turns "__proto__" into a prototype change and enumerates
// integer-like keys ("2", "10") before the others. Values are shared between stores and never mutated in
// place: every write stores a new array.
import { keyOf, type Key } from "./log.js";

export interface Pair {
  readonly key: Key;
  readonly value: Uint8Array;
}

export class Store {
  private readonly pairs = new Map<string, Pair>();

  get size(): number {
    return this.pairs.size;
  }

  get(key: string): Uint8Array | undefined {
    return this.pairs.get(key)?.value;
  }

  set(key: string, value: Uint8Array): void {
    // The key's UTF-8 bytes are computed once, when the key first enters this store.
    this.pairs.set(key, { key: this.pairs.get(key)?.key ?? keyOf(key), value });
  }

  delete(key: string): void {
    this.pairs.delete(key);
  }

  clone(): Store {
    const copy = new Store();
    for (const [text, pair] of this.pairs) copy.pairs.set(text, pair);
    return copy;
  }

  /**
   * R-STORE-1: ascending by UTF-8 bytes. Sorting JavaScript strings with `<` or the default sort would
   * compare UTF-16 code units and put U+FFFD after U+1F600.
   */
  sorted(): Pair[] {
    return [...this.pairs.values()].sort((a, b) => (a.key.order < b.key.order ? -1 : a.key.order > b.key.order ? 1 : 0));
  }
}
