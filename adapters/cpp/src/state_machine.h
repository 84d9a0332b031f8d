// Client commands and what applying one does to a store (SPEC.md section 2.1).
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <variant>

#include "store.h"

namespace rsm {

// R-ROUTE-1 (feature elect): the node a client sends a command to, when the step names one; nullopt sends it
// to the default leader. Only the cluster reads it: applying a command (apply_command) ignores it. A plain
// integer, not cluster.h's NodeId, which sits above this file.
using Via = std::optional<std::uint32_t>;

struct Put {
  std::string key;
  Bytes value;
  Via via = std::nullopt;
};

struct Delete {
  std::string key;
  Via via = std::nullopt;
};

struct Append {
  std::string key;
  Bytes value;
  Via via = std::nullopt;
};

struct Incr {
  std::string key;
  std::uint64_t delta = 0;
  Via via = std::nullopt;
};

struct Cas {
  std::string key;
  // R-CAS-2: null (nullopt) and empty are different expectations.
  std::optional<Bytes> expected;
  Bytes value;
  Via via = std::nullopt;
};

// In schema order: put, delete, append, incr, cas.
using Command = std::variant<Put, Delete, Append, Incr, Cas>;

// Applies one committed command to a store. Every command is applied, even one that leaves the store as it
// was (R-INCR-3, R-CAS-3): the caller advances last_applied either way.
// Not named plain `apply`: with a std::variant argument, argument-dependent lookup would also find std::apply.
void apply_command(Store& store, const Command& command);

}  // namespace rsm
