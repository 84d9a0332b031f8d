#include "state_machine.h"

#include <type_traits>

namespace rsm {
namespace {

// The commands in schema order, each applied to a store (section 2.1); defined below apply_command, in the
// order of adapters/README.md. `erase` is the SPEC's delete, a C++ keyword (the Store's verb too).
void put(Store& store, const Put& command);
void erase(Store& store, const Delete& command);
void append(Store& store, const Append& command);
void incr(Store& store, const Incr& command);
void cas(Store& store, const Cas& command);

}  // namespace

void apply_command(Store& store, const Command& command) {
  std::visit(
      [&store](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        // In schema order.
        if constexpr (std::is_same_v<T, Put>) put(store, c);  // {"op":"put","key":"a","value":"31"}
        else if constexpr (std::is_same_v<T, Delete>) erase(store, c);  // {"op":"delete","key":"a"}
        else if constexpr (std::is_same_v<T, Append>) append(store, c);  // {"op":"append","key":"a","value":"32"}
        else if constexpr (std::is_same_v<T, Incr>) incr(store, c);  // {"op":"incr","key":"n","delta":"5"}
        else if constexpr (std::is_same_v<T, Cas>) cas(store, c);  // {"op":"cas","key":"a","expected":null,"value":"31"}
        else static_assert(!sizeof(T), "every command has an apply");
      },
      command);
}

namespace {

// R-PUT-1
void put(Store& store, const Put& command) { store.put(command.key, command.value); }

// R-DELETE-1: deleting a missing key is a no-op, which Store::erase already is.
void erase(Store& store, const Delete& command) { store.erase(command.key); }

// R-APPEND-1: a missing key starts out empty and is created even when the appended value is empty. A
// present value is extended in place: a long value appended to byte by byte is never copied whole.
void append(Store& store, const Append& command) {
  Bytes* value = store.get(command.key);
  if (value == nullptr) {
    store.put(command.key, command.value);
    return;
  }
  value->insert(value->end(), command.value.begin(), command.value.end());
}

constexpr std::size_t kCounterSize = 8;

std::uint64_t read_u64_be(const Bytes& bytes) {
  std::uint64_t value = 0;
  for (std::size_t i = 0; i < kCounterSize; ++i) value = (value << 8) | bytes[i];
  return value;
}

Bytes u64_be(std::uint64_t value) {
  Bytes bytes(kCounterSize);
  for (std::size_t i = 0; i < kCounterSize; ++i) bytes[i] = static_cast<std::uint8_t>(value >> (8 * (kCounterSize - 1 - i)));
  return bytes;
}

// R-INCR-1..3
void incr(Store& store, const Incr& command) {
  Bytes* value = store.get(command.key);
  if (value == nullptr) {
    // R-INCR-1: a missing key counts as 0, so delta 0 still creates eight zero bytes.
    store.put(command.key, u64_be(command.delta));
    return;
  }
  // R-INCR-3: a value that is not exactly 8 bytes is not a counter and is left alone.
  if (value->size() != kCounterSize) return;
  // R-INCR-2: unsigned arithmetic wraps mod 2^64, which is exactly the rule; it never saturates.
  *value = u64_be(read_u64_be(*value) + command.delta);
}

// R-CAS-1..3
void cas(Store& store, const Cas& command) {
  Bytes* value = store.get(command.key);
  if (!command.expected.has_value()) {
    // R-CAS-2: expected null matches only a missing key, never a present one, not even an empty value.
    if (value == nullptr) store.put(command.key, command.value);
    return;
  }
  // R-CAS-2: bytes (empty ones included) match only a present key holding exactly those bytes.
  if (value != nullptr && *value == *command.expected) *value = command.value;
  // R-CAS-3: otherwise nothing changes.
}

}  // namespace

}  // namespace rsm
