// Adapter protocol v1 (SPEC.md section 7): one JSON request per line in, at most one JSON reply per line out.
#pragma once

#include <iosfwd>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>

#include <nlohmann/json.hpp>

#include "run.h"
#include "store.h"

namespace rsm {

// A request the adapter cannot act on: bad JSON shape, a malformed field, an unknown op (R-PROTO-8).
class BadRequest : public std::runtime_error {
 public:
  using std::runtime_error::runtime_error;
};

// Lowercase hex, as snapshots travel (R-PROTO-6).
std::string to_hex(const Bytes& bytes);
// Hex digits of either case, even length (R-NORM-2 sends lowercase; accepting both costs nothing).
Bytes from_hex(std::string_view hex);

// Decodes a normalized scenario (R-NORM-1..4). Throws BadRequest naming the JSON path of the first problem.
Scenario parse_scenario(const nlohmann::json& scenario);

// What one request line calls for: a reply line (without its newline), or none, and whether to stop.
struct Response {
  std::optional<std::string> reply;
  bool shutdown = false;
};

// Answers one request line; never throws, whatever the line holds (R-PROTO-8).
Response respond(std::string_view line);

// The adapter: reads requests from `in` until shutdown or end of input and writes each reply to `out`,
// flushed (R-PROTO-2), before reading the next request (R-PROTO-3). Returns the exit status, 0 (R-PROTO-9).
int serve(std::istream& in, std::ostream& out);

}  // namespace rsm
