// Every request line is read by nlohmann's SAX parser, the adapter's one JSON parser: RequestReader here
// takes the request's members, ScenarioReader (scenario.cpp) the scenario's. No json value is built: at 10^6
// steps that alone missed the 2 s target (the figures are in scenario.cpp's first lines).
#include "protocol.h"

#include <algorithm>
#include <istream>
#include <ostream>
#include <utility>

#include <nlohmann/json.hpp>

namespace rsm {
namespace {

using json = nlohmann::json;
// Replies keep their fields in the order SPEC.md writes them, which only matters to people reading them.
using ordered_json = nlohmann::ordered_json;

// Result lines hold only ASCII hex, integers and the request's id, which came out of the JSON parser and so
// is valid UTF-8: strict is right, and a throw here would be a bug worth hearing about.
std::string dump_strict(const ordered_json& value) { return value.dump(-1, ' ', false, json::error_handler_t::strict); }

// R-TRACE-1's spelling of a role.
const char* role_name(Role role) {
  switch (role) {
    case Role::Leader: return "leader";
    case Role::Candidate: return "candidate";
    case Role::Follower: return "follower";
  }
  return "follower";
}

}  // namespace

int serve(std::istream& in, std::ostream& out) {
  // std::getline grows the string as far as the line goes: no line-length cap (R-PROTO-1).
  std::string line;
  while (std::getline(in, line)) {
    std::optional<std::string> reply;
    try {
      reply = handle_line(line);
    } catch (...) {
      // handle_line answers everything itself; this is only reached if even building that answer failed
      // (out of memory), and a fixed line still keeps the runner in step.
      reply = R"({"type":"error","id":null,"message":"internal error"})";
    }
    if (!reply.has_value()) break;  // R-PROTO-9: shutdown, without a reply
    // R-PROTO-2, R-PROTO-3: one line per reply, flushed before the next request is read, so that a
    // pipelining runner gets every answer without waiting for more input.
    out << *reply << '\n';
    out.flush();
  }
  return 0;  // R-PROTO-9: shutdown or end of input
}

namespace {

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

// A parser's message quotes the token it stopped in, which can be most of a 10 MB line; the start says where.
constexpr std::size_t kMaxQuoted = 200;

std::string shortened(std::string text) {
  if (text.size() > kMaxQuoted) text = text.substr(0, kMaxQuoted) + "...";
  return text;
}

// Reads one request line from the parser's SAX events into a Request: the members the adapter knows, the
// scenario handed event by event to a ScenarioReader, and everything else skipped. Every event returns true
// but parse_error's, so that a syntax error anywhere in the line decides first (R-PROTO-1).
class RequestReader {
 public:
  const std::string& syntax_error() const { return syntax_error_; }
  // The line's value when it is not an object.
  const std::optional<WireValue>& not_object() const { return not_object_; }
  Request request() && { return std::move(request_); }

  bool null() { return value(WireValue{}, [&](ScenarioReader& s) { return s.null(); }); }
  bool boolean(bool b) {
    WireValue v;
    v.kind = WireValue::Kind::Boolean;
    v.text = b ? "true" : "false";
    return value(std::move(v), [&](ScenarioReader& s) { return s.boolean(b); });
  }
  bool number_integer(json::number_integer_t n) {
    WireValue v;
    v.kind = WireValue::Kind::Integer;
    v.text = std::to_string(n);
    return value(std::move(v), [&](ScenarioReader& s) { return s.number_integer(n); });
  }
  bool number_unsigned(json::number_unsigned_t n) {
    WireValue v;
    v.kind = WireValue::Kind::Integer;
    v.text = std::to_string(n);
    return value(std::move(v), [&](ScenarioReader& s) { return s.number_unsigned(n); });
  }
  bool number_float(json::number_float_t n, const std::string& text) {
    WireValue v;
    v.kind = WireValue::Kind::Float;
    v.text = text;
    return value(std::move(v), [&](ScenarioReader& s) { return s.number_float(n, text); });
  }
  bool string(std::string& text) {
    if (in_scenario()) return forward([&](ScenarioReader& s) { return s.string(text); });
    WireValue v;
    v.kind = WireValue::Kind::String;
    v.text = text;  // a copy: the text goes on to the ScenarioReader when it is the scenario itself
    return value(std::move(v), [&](ScenarioReader& s) { return s.string(text); });
  }
  bool binary(json::binary_t& /*value*/) { return true; }  // never from JSON text
  bool start_object(std::size_t size) { return start(WireValue::Kind::Object, [&](ScenarioReader& s) { return s.start_object(size); }); }
  bool key(std::string& name) {
    if (in_scenario()) return forward([&](ScenarioReader& s) { return s.key(name); });
    if (skip_ > 0) return true;
    pending_ = Member::None;  // R-PROTO-4: a member the adapter does not know is ignored
    if (name == "type") pending_ = Member::Type;
    if (name == "id") pending_ = Member::Id;
    if (name == "trace") pending_ = Member::Trace;
    if (name == "scenario") pending_ = Member::Scenario;
    if (name == "hex") pending_ = Member::Hex;
    return true;
  }
  bool end_object() { return end([](ScenarioReader& s) { return s.end_object(); }); }
  bool start_array(std::size_t size) { return start(WireValue::Kind::Array, [&](ScenarioReader& s) { return s.start_array(size); }); }
  bool end_array() { return end([](ScenarioReader& s) { return s.end_array(); }); }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& error) {
    syntax_error_ = error.what();
    return false;
  }

 private:
  enum class Member { None, Type, Id, Trace, Scenario, Hex };

  // True while the events are the scenario's: from its first event until the ScenarioReader has it whole.
  bool in_scenario() const { return reading_scenario_; }
  template <typename Event>
  bool forward(Event event) {
    event(*request_.scenario);
    if (request_.scenario->done()) reading_scenario_ = false;
    return true;
  }
  // The start of a member's value: the scenario's is the first event its reader gets.
  bool begin_member() {
    if (skip_ > 0 || !open_ || std::exchange(pending_, Member::None) != Member::Scenario) return false;
    request_.scenario.emplace();  // a repeated member counts once, with its last value, as in a json object
    reading_scenario_ = true;
    return true;
  }

  template <typename Event>
  bool value(WireValue&& v, Event event) {
    if (in_scenario()) return forward(event);
    if (skip_ > 0) return true;
    if (!open_) {
      not_object_ = std::move(v);
      return true;
    }
    const Member member = pending_;
    if (begin_member()) return forward(event);
    if (member == Member::Type) request_.type = std::move(v);
    if (member == Member::Id) request_.id = std::move(v);
    if (member == Member::Trace) request_.trace = std::move(v);
    if (member == Member::Hex) request_.hex = std::move(v);
    return true;
  }
  template <typename Event>
  bool start(WireValue::Kind kind, Event event) {
    if (in_scenario()) return forward(event);
    if (skip_ > 0) {
      ++skip_;
      return true;
    }
    if (!open_ && !not_object_.has_value()) {
      if (kind == WireValue::Kind::Object) {
        open_ = true;
        return true;
      }
      not_object_ = WireValue{};
      not_object_->kind = kind;
      skip_ = 1;
      return true;
    }
    const Member member = pending_;
    if (begin_member()) return forward(event);
    // A container in a member that holds a scalar is noted by its kind, and skipped like an unknown one.
    WireValue v;
    v.kind = kind;
    if (member == Member::Type) request_.type = v;
    if (member == Member::Id) request_.id = v;
    if (member == Member::Trace) request_.trace = v;
    if (member == Member::Hex) request_.hex = v;
    skip_ = 1;
    return true;
  }
  template <typename Event>
  bool end(Event event) {
    if (in_scenario()) return forward(event);
    if (skip_ > 0) --skip_;
    return true;
  }

  Request request_;
  Member pending_ = Member::None;
  bool open_ = false;  // inside the request object
  bool reading_scenario_ = false;
  std::size_t skip_ = 0;  // the depth inside a value that is skipped
  std::optional<WireValue> not_object_;
  std::string syntax_error_;
};
}  // namespace

std::optional<std::string> handle_line(std::string_view line) {
  try {
    // R-PROTO-4 allows skipping a blank line or answering it with a null id; answered, a runner that sent
    // one by mistake still gets one reply per line and stays in step.
    if (is_blank(line)) return error_reply(std::nullopt, "blank line: not a message (R-PROTO-4)");
    RequestReader reader;
    // The one JSON parser, which also refuses invalid UTF-8, lone surrogates (R-PROTO-1, R-KEY-1), and
    // anything but whitespace after the object (strict).
    if (!json::sax_parse(line.begin(), line.end(), &reader)) {
      return error_reply(std::nullopt, "not JSON (R-PROTO-1): " + shortened(reader.syntax_error()));
    }
    if (reader.not_object().has_value()) {
      return error_reply(std::nullopt, "(root): expected an object, got " + reader.not_object()->kind_name() + " (R-PROTO-1)");
    }
    Request request = std::move(reader).request();
    std::optional<std::string> id;
    if (request.id.has_value() && request.id->kind == WireValue::Kind::String) id = request.id->text;
    if (!request.type.has_value() || request.type->kind != WireValue::Kind::String) {
      return error_reply(id, "type: expected a string (R-PROTO-8)");
    }
    const std::string& type = request.type->text;
    if (type == "hello") return hello_reply();
    if (type == "run") {
      if (!id.has_value()) return error_reply(std::nullopt, "id: expected a string (R-PROTO-6)");
      return handle_run(*id, std::move(request));
    }
    if (type == "decode") {
      if (!id.has_value()) return error_reply(std::nullopt, "id: expected a string (R-PROTO-13)");
      return handle_decode(*id, request);
    }
    if (type == "shutdown") return std::nullopt;
    return error_reply(id, "type: unknown type " + shortened(json(type).dump()) + " (R-PROTO-8)");
  } catch (const std::exception& e) {
    return error_reply(std::nullopt, std::string("internal error: ") + e.what());
  }
}

std::string handle_run(const std::string& id, Request&& request) {
  if (!request.trace.has_value() || request.trace->kind != WireValue::Kind::Boolean) {
    const std::string got = request.trace.has_value() ? request.trace->kind_name() : "nothing";
    return error_reply(id, "trace: expected a boolean, got " + got + " (R-PROTO-6, R-PROTO-8)");
  }
  if (!request.scenario.has_value()) return error_reply(id, "scenario: missing (R-PROTO-6)");
  try {
    const Scenario scenario = std::move(*request.scenario).finish();
    return result_reply(id, run_scenario(scenario, request.trace->text == "true"));
  } catch (const InvalidStep& e) {
    return error_reply(id, e.what());
  } catch (const std::exception& e) {
    // A broken invariant or no memory: answered, never a crash (R-PROTO-8), and the adapter serves on.
    return error_reply(id, std::string("internal error: ") + e.what());
  }
}

std::string handle_decode(const std::string& id, const Request& request) {
  // R-PROTO-10: a hex that is missing or not a string is a line the adapter does not understand, answered
  // with an error, not a rejection; so is a string that is not hex, since there is no B to judge. Either
  // case of digit is read (the runner sends lowercase).
  if (!request.hex.has_value() || request.hex->kind != WireValue::Kind::String) {
    const std::string got = request.hex.has_value() ? request.hex->kind_name() : "nothing";
    return error_reply(id, "hex: expected a string, got " + got + " (R-PROTO-13, R-PROTO-8)");
  }
  Bytes bytes;
  try {
    bytes = parse_hex(request.hex->text, "hex");
  } catch (const InvalidStep& e) {
    return error_reply(id, "hex: " + e.problem() + ", not the hex of a byte string (R-PROTO-13, R-PROTO-8)");
  }
  try {
    return decoded_reply(id, decode_snapshot(bytes));
  } catch (const MalformedSnapshot& rejection) {
    return rejected_reply(id, rejection);
  }
}

std::string hello_reply() {
  constexpr int kProtocol = 1;
  ordered_json reply;
  reply["type"] = "hello";
  reply["protocol"] = kProtocol;  // R-PROTO-5: the version spoken, even when asked for another
  reply["name"] = "cpp";
  reply["version"] = "0.1.0";
  reply["features"] = {"append", "incr", "cas", "crash", "compact", "elect", "decode"};
  return dump_strict(reply);
}

// Written out rather than built as an ordered_json and dumped: the snapshots' hex is nearly all of a long
// run's reply (36 MB for 10^6 steps), which a json value would hold as a second copy and dump would scan for
// characters to escape. The text is exactly what dump_strict gives (no spaces, fields in the order SPEC.md
// writes them); the id, the one value that may need escaping, still goes through it.
std::string result_reply(const std::string& id, RunResult&& result) {
  std::size_t size = 64 + id.size();
  for (const RunResult::SnapshotEntry& entry : result.snapshots) size += 64 + 2 * entry.snapshot.size();
  std::string reply;
  reply.reserve(size);
  reply += R"({"type":"result","id":)";
  reply += dump_strict(ordered_json(id));
  reply += R"(,"snapshots":[)";
  for (std::size_t i = 0; i < result.snapshots.size(); ++i) {
    const RunResult::SnapshotEntry& entry = result.snapshots[i];
    if (i != 0) reply += ',';
    reply += R"({"step":)" + std::to_string(entry.step) + R"(,"node":)" + std::to_string(entry.node) + R"(,"hex":")";
    encode_hex(entry.snapshot, reply);
    reply += R"("})";
  }
  reply += ']';
  // R-PROTO-7: a trace key only when one was asked for.
  if (result.trace.has_value()) {
    reply += R"(,"trace":[)";
    for (std::size_t i = 0; i < result.trace->size(); ++i) {
      RunResult::TraceEntry& entry = (*result.trace)[i];
      if (i != 0) reply += ',';
      reply += R"({"step":)" + std::to_string(entry.step) + R"(,"states":[)";
      for (std::size_t k = 0; k < entry.states.size(); ++k) {
        std::optional<Bytes>& state = entry.states[k];
        if (k != 0) reply += ',';
        if (state.has_value()) {
          reply += '"';
          encode_hex(*state, reply);
          reply += '"';
        } else {
          reply += "null";
        }
        state.reset();  // a long trace is held twice at most one state at a time
      }
      reply += ']';
      // R-TRACE-1: only in a scenario that needs elect.
      if (entry.raft.has_value()) {
        reply += R"(,"raft":[)";
        for (std::size_t k = 0; k < entry.raft->size(); ++k) {
          const std::optional<RaftState>& raft = (*entry.raft)[k];
          if (k != 0) reply += ',';
          if (!raft.has_value()) {
            reply += "null";
            continue;
          }
          reply += R"({"role":")";
          reply += role_name(raft->role);
          reply += R"(","voted_for":)";
          reply += raft->voted_for.has_value() ? std::to_string(*raft->voted_for) : "null";
          reply += R"(,"log_length":)" + std::to_string(raft->log_length);
          reply += R"(,"last_log_term":)" + std::to_string(raft->last_log_term) + '}';
        }
        reply += ']';
      }
      reply += '}';
    }
    reply += ']';
  }
  reply += '}';
  return reply;
}

// Written out like result_reply, a value's hex being most of the reply. Keys go through dump_strict: the
// decoder has proven them well-formed UTF-8 (R-DECODE-7), so the JSON string holds exactly their code points,
// a U+0000 escaped and a leading U+FEFF kept (R-DECODE-12), and strict cannot throw.
std::string decoded_reply(const std::string& id, const DecodedSnapshot& snapshot) {
  std::size_t size = 256 + id.size();
  for (const auto& [key, value] : snapshot.pairs) size += 32 + key.size() + 2 * value.size();
  std::string reply;
  reply.reserve(size);
  reply += R"({"type":"decoded","id":)";
  reply += dump_strict(ordered_json(id));
  // Decimal strings straight from the u64: std::to_string is exact and canonical, and no double is involved.
  reply += R"(,"snapshot":{"current_term":")" + std::to_string(snapshot.header.current_term);
  reply += R"(","last_included_index":")" + std::to_string(snapshot.header.last_included_index);
  reply += R"(","last_included_term":")" + std::to_string(snapshot.header.last_included_term);
  reply += R"(","pairs":[)";
  for (std::size_t i = 0; i < snapshot.pairs.size(); ++i) {
    if (i != 0) reply += ',';
    reply += R"({"key":)";
    reply += dump_strict(ordered_json(snapshot.pairs[i].first));
    reply += R"(,"value":")";
    encode_hex(snapshot.pairs[i].second, reply);
    reply += R"("})";
  }
  reply += "]}}";
  return reply;
}

std::string rejected_reply(const std::string& id, const MalformedSnapshot& rejection) {
  ordered_json reply;
  reply["type"] = "rejected";
  reply["id"] = id;
  reply["rule"] = rejection.rule_id();
  reply["message"] = rejection.what();
  return dump_strict(reply);
}

// The message may quote the request (a parser's error quotes the bytes it stopped at, which need not be
// UTF-8), so invalid bytes are replaced rather than allowed to make the reply itself invalid.
std::string error_reply(const std::optional<std::string>& id, const std::string& message) {
  ordered_json reply;
  reply["type"] = "error";
  reply["id"] = id.has_value() ? ordered_json(*id) : ordered_json(nullptr);
  reply["message"] = message;
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

}  // namespace rsm
