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

  constructor(
    private readonly keys: KeyTable,
    values?: Map<string, HexValue>,
  ) {
    this.values = values ?? new Map();
  }

  get(key: string): HexValue | undefined {
    return this.values.get(key);
  }

  set(key: string, value: HexValue): void {
    this.values.set(key, value);
  }

  delete(key: string): void {
    this.values.delete(key);
  }

  clone(): Store {
    return new Store(this.keys, new Map(this.values));
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
