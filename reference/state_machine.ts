// Applying one committed command to a store (SPEC.md section 2.1), in schema order.
import { bytesEqual, concatBytes, hexToBytes } from "./bytes.js";
import type { Command } from "./log.js";
import type { Store } from "./store.js";

const U64 = 1n << 64n;
const EMPTY = new Uint8Array(0);

export function applyCommand(store: Store, command: Command): void {
  switch (command.op) {
    case "put":
      // R-PUT-1, R-STORE-2: an empty value is a present key.
      store.set(command.key, hexToBytes(command.value));
      return;
    case "delete":
      // R-DELETE-1: deleting a missing key is a no-op.
      store.delete(command.key);
      return;
    case "append":
      // R-APPEND-1: a missing key counts as empty, so append creates it even with an empty value.
      store.set(command.key, concatBytes(store.get(command.key) ?? EMPTY, hexToBytes(command.value)));
      return;
    case "incr":
      applyIncr(store, command.key, BigInt(command.delta));
      return;
    case "cas":
      applyCas(store, command.key, command.expected === null ? null : hexToBytes(command.expected), hexToBytes(command.value));
      return;
  }
}

function applyIncr(store: Store, key: string, delta: bigint): void {
  const current = store.get(key);
  let value: bigint;
  if (current === undefined) {
    value = 0n; // R-INCR-1: a missing key counts as 0.
  } else if (current.length === 8) {
    value = new DataView(current.buffer, current.byteOffset, 8).getBigUint64(0, false);
  } else {
    return; // R-INCR-3: a value that is not 8 bytes is left alone; the entry still counts as applied.
  }
  // R-INCR-2: wraps modulo 2^64, never saturates.
  const out = new Uint8Array(8);
  new DataView(out.buffer).setBigUint64(0, (value + delta) % U64, false);
  store.set(key, out);
}

function applyCas(store: Store, key: string, expected: Uint8Array | null, value: Uint8Array): void {
  const current = store.get(key);
  // R-CAS-1, R-CAS-2: null matches only a missing key; bytes (even empty) match only a present equal value.
  const matches = expected === null ? current === undefined : current !== undefined && bytesEqual(current, expected);
  if (matches) store.set(key, value);
  // R-CAS-3: otherwise a no-op.
}
