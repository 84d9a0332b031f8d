#include "state_machine.h"

#include <type_traits>

namespace rsm {
namespace {

// The commands in schema order, each applied to a store (section 2.1); defined below apply_command.
void apply_put(Store& store, const Put& put);
void apply_delete(Store& store, const Delete& del);
void apply_append(Store& store, const Append& append);
void apply_incr(Store& store, const Incr& incr);
void apply_cas(Store& store, const Cas& cas);

}  // namespace

void apply_command(Store& store, const Command& command) {
  std::visit(
      [&store](const auto& c) {
        using T = std::decay_t<decltype(c)>;
        // In schema order.
        if constexpr (std::is_same_v<T, Put>) apply_put(store, c);  // {"op":"put","key":"a","value":"31"}
        else if constexpr (std::is_same_v<T, Delete>) apply_delete(store, c);  // {"op":"delete","key":"a"}
        else if constexpr (std::is_same_v<T, Append>) apply_append(store, c);  // {"op":"append","key":"a","value":"32"}
        else if constexpr (std::is_same_v<T, Incr>) apply_incr(store, c);  // {"op":"incr","key":"n","delta":"5"}
        else if constexpr (std::is_same_v<T, Cas>) apply_cas(store, c);  // {"op":"cas","key":"a","expected":null,"value":"31"}
        else static_assert(!sizeof(T), "every command has an apply");
      },
      command);
}

namespace {

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

// R-PUT-1
void apply_put(Store& store, const Put& put) { store.insert_or_assign(put.key, put.value); }

// R-DELETE-1: deleting a missing key is a no-op, which erase already is.
void apply_delete(Store& store, const Delete& del) { store.erase(del.key); }

// R-APPEND-1: a missing key starts out empty and is created even when the appended value is empty.
void apply_append(Store& store, const Append& append) {
  Bytes& value = store[append.key];
  value.insert(value.end(), append.value.begin(), append.value.end());
}

// R-INCR-1..3
void apply_incr(Store& store, const Incr& incr) {
  const auto it = store.find(incr.key);
  if (it == store.end()) {
    // R-INCR-1: a missing key counts as 0, so delta 0 still creates eight zero bytes.
    store.emplace(incr.key, u64_be(incr.delta));
    return;
  }
  // R-INCR-3: a value that is not exactly 8 bytes is not a counter and is left alone.
  if (it->second.size() != kCounterSize) return;
  // R-INCR-2: unsigned arithmetic wraps mod 2^64, which is exactly the rule; it never saturates.
  it->second = u64_be(read_u64_be(it->second) + incr.delta);
}

// R-CAS-1..3
void apply_cas(Store& store, const Cas& cas) {
  const auto it = store.find(cas.key);
  if (!cas.expected.has_value()) {
    // R-CAS-2: expected null matches only a missing key, never a present one, not even an empty value.
    if (it == store.end()) store.emplace(cas.key, cas.value);
    return;
  }
  // R-CAS-2: bytes (empty ones included) match only a present key holding exactly those bytes.
  if (it != store.end() && it->second == *cas.expected) it->second = cas.value;
  // R-CAS-3: otherwise nothing changes.
}

}  // namespace

}  // namespace rsm
