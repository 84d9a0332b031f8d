// Applying one committed command to a store (SPEC.md section 2.1), in schema order. Values are lowercase
// hex (see store.ts), so an 8-byte value is 16 hex digits and byte equality is string equality.
import type { Command } from "./log.js";
import type { HexValue, Store } from "./store.js";

const U64 = 1n << 64n;

export function applyCommand(store: Store, command: Command): void {
  switch (command.op) {
    case "put":
      // R-PUT-1, R-STORE-2: an empty value is a present key.
      store.set(command.key, command.value);
      return;
    case "delete":
      // R-DELETE-1: deleting a missing key is a no-op.
      store.delete(command.key);
      return;
    case "append":
      // R-APPEND-1: a missing key counts as empty, so append creates it even with an empty value.
      store.set(command.key, (store.get(command.key) ?? "") + command.value);
      return;
    case "incr":
      applyIncr(store, command.key, BigInt(command.delta));
      return;
    case "cas":
      applyCas(store, command.key, command.expected, command.value);
      return;
  }
}

function applyIncr(store: Store, key: string, delta: bigint): void {
  const current = store.get(key);
  let value: bigint;
  if (current === undefined) {
    value = 0n; // R-INCR-1: a missing key counts as 0.
  } else if (current.length === 16) {
    value = BigInt(`0x${current}`); // R-INCR-2: 8 bytes, big-endian.
  } else {
    return; // R-INCR-3: a value that is not 8 bytes is left alone; the entry still counts as applied.
  }
  // R-INCR-2: wraps modulo 2^64, never saturates; written back as 8 big-endian bytes.
  store.set(key, ((value + delta) % U64).toString(16).padStart(16, "0"));
}

function applyCas(store: Store, key: string, expected: HexValue | null, value: HexValue): void {
  const current = store.get(key);
  // R-CAS-1, R-CAS-2: null matches only a missing key; bytes (even empty) match only a present equal value.
  const matches = expected === null ? current === undefined : current === expected;
  if (matches) store.set(key, value);
  // R-CAS-3: otherwise a no-op.
}
