// The store: key (a Unicode string) -> value (bytes), iterated in UTF-8 byte order (R-STORE-1).
// A Map, never a plain object: an object turns "__proto__" into a prototype change and enumerates
// integer-like keys ("2", "10") before the others.
import { compareBytes, utf8Bytes } from "./bytes.js";

export interface Pair {
  readonly key: string;
  /** The key's UTF-8 bytes, which are what orders and what is written (R-WIRE-6, R-WIRE-8). */
  readonly keyBytes: Uint8Array;
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

  has(key: string): boolean {
    return this.pairs.has(key);
  }

  set(key: string, value: Uint8Array): void {
    const keyBytes = this.pairs.get(key)?.keyBytes ?? utf8Bytes(key);
    this.pairs.set(key, { key, keyBytes, value });
  }

  delete(key: string): void {
    this.pairs.delete(key);
  }

  clone(): Store {
    const copy = new Store();
    for (const [key, pair] of this.pairs) copy.pairs.set(key, pair);
    return copy;
  }

  /**
   * R-STORE-1: ascending by UTF-8 bytes. Sorting JavaScript strings with `<` or the default sort would
   * compare UTF-16 code units and put U+FFFD after U+1F600.
   */
  sorted(): Pair[] {
    return [...this.pairs.values()].sort((a, b) => compareBytes(a.keyBytes, b.keyBytes));
  }
}
