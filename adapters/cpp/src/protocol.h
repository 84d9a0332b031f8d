// Adapter protocol v1 (SPEC.md section 7): one JSON request per line in, one reply line out for each. Every
// line is read by the adapter's one JSON parser, nlohmann's SAX parser (scenario.cpp's first lines say why).
#pragma once

#include <iosfwd>
#include <optional>
#include <string>
#include <string_view>

#include "run.h"
#include "scenario.h"
#include "snapshot.h"

namespace rsm {

// The adapter: reads requests from `in` until shutdown or end of input and writes each reply to `out`,
// flushed (R-PROTO-2), before reading the next request (R-PROTO-3). Returns the exit status, 0 (R-PROTO-9).
int serve(std::istream& in, std::ostream& out);

// The reply to one request line, without its newline, or nullopt for shutdown, which has none (R-PROTO-9).
// Every other line gets one, whatever it holds (R-PROTO-8); this never throws.
std::optional<std::string> handle_line(std::string_view line);

// The members of a request line that the adapter reads, as the parser reported them; it ignores the others
// (R-PROTO-4). The scenario is decoded while the line is read, before the type is known to be run.
struct Request {
  std::optional<WireValue> type, id, trace, hex;
  std::optional<ScenarioReader> scenario;
};

// The reply to a run request (R-PROTO-6), given its id: a result, or an error naming the field at fault.
std::string handle_run(const std::string& id, Request&& request);

// The reply to a decode request (R-PROTO-13), given its id: decoded or rejected (section 4.1), or an error
// when `hex` is missing, not a string or not hex (R-PROTO-8, R-PROTO-10).
std::string handle_decode(const std::string& id, const Request& request);

// R-PROTO-5: the version spoken (1, even when asked for another) and the optional features (section 6).
std::string hello_reply();

// R-PROTO-6, R-PROTO-7: the snapshots in lowercase hex, and the trace when there is one. Consumes the trace,
// so that a long run's states are held once, not twice, while its reply is written.
std::string result_reply(const std::string& id, RunResult&& result);

// R-PROTO-13: an accepted snapshot, u64s as exact decimal strings, keys as JSON strings of their code points
// and values in lowercase hex, the pairs in the order they came.
std::string decoded_reply(const std::string& id, const DecodedSnapshot& snapshot);

// R-PROTO-13: a rejection by exactly one rule, R-DECODE-1..8, and a message for people.
std::string rejected_reply(const std::string& id, const MalformedSnapshot& rejection);

// R-PROTO-8: the request's id when it is a string, null otherwise (nullopt).
std::string error_reply(const std::optional<std::string>& id, const std::string& message);

}  // namespace rsm
