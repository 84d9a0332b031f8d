// The store: key (a Unicode string) -> value (bytes), iterated in UTF-8 byte order (R-STORE-1).
//
// Values are kept as lowercase hex, exactly as the normalized scenario carries them (R-NORM-2): the log
// and every node's store then share the same immutable strings, so applying an entry allocates nothing per
// node, and lowercase hex compares equal exactly when the bytes do. Bytes are decoded only when a snapshot
// is encoded. A Map, never a plain object: an object turns "__proto__" into a prototype change and
// enumerates integer-like keys ("2", "10") before the others.
import { keyOf, type Key } from "./log.js";

/** Lowercase hex of a value's bytes; "" is the empty value, which is present (R-STORE-2). */
export type HexValue = string;

export interface Pair {
  readonly key: Key;
  readonly value: HexValue;
}

/** Each key's UTF-8 bytes, computed once per cluster rather than once per node. */
export class KeyTable {
  private readonly keys = new Map<string, Key>();

  get(text: string): Key {
    let key = this.keys.get(text);
    if (key === undefined) this.keys.set(text, (key = keyOf(text)));
    return key;
  }
}

export class Store {
  private readonly values: Map<string, HexValue>;
  /**
   * The bytes the pairs take in a snapshot (section 4: two 4-byte lengths, the key's UTF-8, the value),
   * kept as the store changes, so that a snapshot's size is known at every step without encoding it: the
   * size limits (R-SIZE-3, R-SIZE-4) and the runner's trace budget read it after every step.
   */
  private pairBytes: number;

  /** `values` and `pairBytes` only from clone, which copies both. */
  constructor(
    private readonly keys: KeyTable,
    values?: Map<string, HexValue>,
    pairBytes = 0,
  ) {
    this.values = values ?? new Map();
    this.pairBytes = pairBytes;
  }

  get(key: string): HexValue | undefined {
    return this.values.get(key);
  }

  set(key: string, value: HexValue): void {
    const old = this.values.get(key);
    this.pairBytes += old === undefined ? 8 + this.keys.get(key).bytes.length + value.length / 2 : (value.length - old.length) / 2;
    this.values.set(key, value);
  }

  delete(key: string): void {
    const old = this.values.get(key);
    if (old === undefined) return;
    this.pairBytes -= 8 + this.keys.get(key).bytes.length + old.length / 2;
    this.values.delete(key);
  }

  clone(): Store {
    return new Store(this.keys, new Map(this.values), this.pairBytes);
  }

  /** The bytes this store's pairs take in its snapshot (section 4; snapshot.ts adds the header and CRC); nothing is encoded. */
  get pairsSize(): number {
    return this.pairBytes;
  }

  /**
   * R-STORE-1: ascending by UTF-8 bytes. Sorting JavaScript strings with `<` or the default sort would
   * compare UTF-16 code units and put U+FFFD after U+1F600.
   */
  sorted(): Pair[] {
    const pairs: Pair[] = [];
    for (const [text, value] of this.values) pairs.push({ key: this.keys.get(text), value });
    return pairs.sort((a, b) => (a.key.order < b.key.order ? -1 : a.key.order > b.key.order ? 1 : 0));
  }
}
