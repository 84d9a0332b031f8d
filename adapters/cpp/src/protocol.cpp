#include "protocol.h"

#include <algorithm>
#include <charconv>
#include <istream>
#include <ostream>
#include <utility>

namespace rsm {
namespace {

using json = nlohmann::json;
// Replies keep their fields in the order SPEC.md writes them, which only matters to people reading them.
using ordered_json = nlohmann::ordered_json;

constexpr int kProtocol = 1;
constexpr NodeId kMaxNodes = 255;

// ---- decoding a normalized scenario ----

std::string member_path(const std::string& path, const char* name) { return path.empty() ? name : path + "." + name; }

const json& member(const json& object, const char* name, const std::string& path) {
  const auto it = object.find(name);
  if (it == object.end()) throw BadRequest(member_path(path, name) + ": missing");
  return *it;
}

const std::string& string_member(const json& object, const char* name, const std::string& path) {
  const json& value = member(object, name, path);
  if (!value.is_string()) throw BadRequest(member_path(path, name) + ": expected a string, got " + value.type_name());
  return value.get_ref<const std::string&>();
}

Bytes hex_member(const json& object, const char* name, const std::string& path) {
  const std::string& hex = string_member(object, name, path);
  try {
    return from_hex(hex);
  } catch (const BadRequest& e) {
    throw BadRequest(member_path(path, name) + ": " + e.what());
  }
}

// Ids and sizes are read as JSON integers and never through a double: 1.0 and 1e0 are not ids. Anything
// outside 1..255 cannot be a node id of any cluster (R-CLUSTER-1), which also keeps the narrowing exact.
NodeId node_id(const json& value, const std::string& path, const char* rule) {
  // The type name, not the value: dumping an arbitrary request value (deeply nested arrays) recurses.
  if (!value.is_number_integer()) throw BadRequest(path + ": expected an integer, got " + value.type_name() + " (" + rule + ")");
  if (value.is_number_unsigned()) {
    const auto id = value.get<std::uint64_t>();
    if (id >= 1 && id <= kMaxNodes) return static_cast<NodeId>(id);
  }
  throw BadRequest(path + ": " + value.dump() + " is not in 1..255 (" + rule + ")");
}

std::vector<NodeId> node_list(const json& object, const std::string& path) {
  const json& value = member(object, "nodes", path);
  const std::string where = member_path(path, "nodes");
  if (!value.is_array()) throw BadRequest(where + ": expected an array of node ids, got " + value.type_name() + " (R-NORM-3)");
  std::vector<NodeId> ids;
  ids.reserve(value.size());
  for (std::size_t i = 0; i < value.size(); ++i) ids.push_back(node_id(value[i], where + "[" + std::to_string(i) + "]", "R-NODE-1"));
  return ids;
}

// R-DELTA-1: a canonical decimal string, parsed by an integer parser. A double would silently drop the low
// bits of anything above 2^53.
std::uint64_t delta_member(const json& object, const std::string& path) {
  const std::string& text = string_member(object, "delta", path);
  const std::string where = member_path(path, "delta");
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || (text.size() > 1 && text[0] == '0')) {
    throw BadRequest(where + ": \"" + text + "\" is not a canonical decimal string (R-DELTA-1)");
  }
  std::uint64_t delta = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, delta);
  if (error != std::errc{} || stop != end) throw BadRequest(where + ": " + text + " is above 2^64 - 1 (R-DELTA-1)");
  return delta;
}

Step parse_step(const json& step, const std::string& path) {
  if (!step.is_object()) throw BadRequest(path + ": expected a step object, got " + step.type_name());
  const std::string& op = string_member(step, "op", path);
  // Schema order: put, delete, append, incr, cas, partition, crash, restart, heal, snapshot.
  if (op == "put") return Put{string_member(step, "key", path), hex_member(step, "value", path)};
  if (op == "delete") return Delete{string_member(step, "key", path)};
  if (op == "append") return Append{string_member(step, "key", path), hex_member(step, "value", path)};
  if (op == "incr") return Incr{string_member(step, "key", path), delta_member(step, path)};
  if (op == "cas") {
    Cas cas{string_member(step, "key", path), std::nullopt, hex_member(step, "value", path)};
    // R-CAS-2, R-NORM-2: expected is present, either null or hex; a missing one is not taken to mean null.
    if (!member(step, "expected", path).is_null()) cas.expected = hex_member(step, "expected", path);
    return cas;
  }
  if (op == "partition") return Partition{node_list(step, path)};
  if (op == "crash") return Crash{node_id(member(step, "node", path), member_path(path, "node"), "R-NODE-1")};
  if (op == "restart") return Restart{node_id(member(step, "node", path), member_path(path, "node"), "R-NODE-1")};
  if (op == "heal") return Heal{};
  if (op == "snapshot") return Snapshot{node_list(step, path)};
  throw BadRequest(path + ".op: unknown op " + json(op).dump() + " (R-SCEN-3)");
}

// ---- replies ----

// Result lines hold only ASCII hex, integers and the request's id, which came out of a JSON parser and so is
// valid UTF-8: strict is right, and a throw here would be a bug worth hearing about.
std::string dump_strict(const ordered_json& message) { return message.dump(-1, ' ', false, json::error_handler_t::strict); }

std::string hello_reply() {
  ordered_json reply;
  reply["type"] = "hello";
  reply["protocol"] = kProtocol;  // R-PROTO-5: the version spoken, even when asked for another
  reply["name"] = "cpp";
  reply["version"] = "0.1.0";
  reply["features"] = {"append", "incr", "cas", "crash"};
  return dump_strict(reply);
}

// R-PROTO-8: the id when it is a string, null otherwise. The message may quote the request (a JSON parser's
// error quotes the bytes it stopped at, which need not be UTF-8), so invalid bytes are replaced rather than
// allowed to make the reply itself invalid.
std::string error_reply(const std::optional<std::string>& id, const std::string& message) {
  ordered_json reply;
  reply["type"] = "error";
  reply["id"] = id.has_value() ? ordered_json(*id) : ordered_json(nullptr);
  reply["message"] = message;
  return reply.dump(-1, ' ', false, json::error_handler_t::replace);
}

std::string result_reply(const std::string& id, RunResult&& result) {
  ordered_json reply;
  reply["type"] = "result";
  reply["id"] = id;
  ordered_json snapshots = ordered_json::array();
  for (const SnapshotEntry& entry : result.snapshots) {
    ordered_json item;
    item["step"] = entry.step;
    item["node"] = entry.node;
    item["hex"] = to_hex(entry.snapshot);
    snapshots.push_back(std::move(item));
  }
  reply["snapshots"] = std::move(snapshots);
  // R-PROTO-7: a trace key only when one was asked for.
  if (result.trace.has_value()) {
    ordered_json trace = ordered_json::array();
    for (TraceEntry& entry : *result.trace) {
      ordered_json states = ordered_json::array();
      for (std::optional<Bytes>& state : entry.states) {
        states.push_back(state.has_value() ? ordered_json(to_hex(*state)) : ordered_json(nullptr));
        state.reset();  // a long trace is held twice at most one state at a time
      }
      ordered_json item;
      item["step"] = entry.step;
      item["states"] = std::move(states);
      trace.push_back(std::move(item));
    }
    reply["trace"] = std::move(trace);
  }
  return dump_strict(reply);
}

std::string respond_run(const json& request, const std::optional<std::string>& id) {
  if (!id.has_value()) return error_reply(std::nullopt, "run: id must be a string (R-PROTO-6)");
  const auto trace = request.find("trace");
  if (trace == request.end() || !trace->is_boolean()) {
    return error_reply(id, "run: trace must be a boolean (R-PROTO-6, R-PROTO-8)");
  }
  try {
    const auto scenario = request.find("scenario");
    if (scenario == request.end() || !scenario->is_object()) throw BadRequest("scenario: expected a normalized scenario object (R-PROTO-6)");
    return result_reply(*id, run_scenario(parse_scenario(*scenario), trace->get<bool>()));
  } catch (const std::exception& e) {
    // BadRequest, InvalidScenario, nlohmann's exceptions, and broken invariants alike: answered, never a
    // crash (R-PROTO-8), and the adapter stays usable for the next request.
    return error_reply(id, e.what());
  }
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

std::string to_hex(const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  std::string hex;
  hex.resize(bytes.size() * 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    hex[2 * i] = kDigits[bytes[i] >> 4];
    hex[2 * i + 1] = kDigits[bytes[i] & 0x0F];
  }
  return hex;
}

Bytes from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw BadRequest("hex has odd length " + std::to_string(hex.size()) + " (R-BYTES-2)");
  const auto nibble = [](char c) -> int {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
  };
  Bytes bytes(hex.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = nibble(hex[2 * i]);
    const int low = nibble(hex[2 * i + 1]);
    if (high < 0 || low < 0) throw BadRequest("not a hex digit at offset " + std::to_string(high < 0 ? 2 * i : 2 * i + 1) + " (R-BYTES-2)");
    bytes[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return bytes;
}

Scenario parse_scenario(const json& scenario) {
  if (!scenario.is_object()) throw BadRequest("scenario: expected an object (R-NORM-4)");
  // R-NORM-1: cluster, nodes and leader are always present; nothing is left to a default here.
  const json& cluster = member(scenario, "cluster", "scenario");
  if (!cluster.is_object()) throw BadRequest("scenario.cluster: expected an object (R-NORM-1)");
  Scenario parsed;
  parsed.cluster.nodes = node_id(member(cluster, "nodes", "scenario.cluster"), "scenario.cluster.nodes", "R-CLUSTER-1");
  parsed.cluster.leader = node_id(member(cluster, "leader", "scenario.cluster"), "scenario.cluster.leader", "R-CLUSTER-2");
  const json& steps = member(scenario, "steps", "scenario");
  if (!steps.is_array()) throw BadRequest("scenario.steps: expected an array");
  parsed.steps.reserve(steps.size());
  for (std::size_t i = 0; i < steps.size(); ++i) parsed.steps.push_back(parse_step(steps[i], "scenario.steps[" + std::to_string(i) + "]"));
  return parsed;
}

Response respond(std::string_view line) {
  try {
    // R-PROTO-4: a blank line is not a message; skipping it is allowed.
    if (is_blank(line)) return {std::nullopt, false};
    json request;
    try {
      request = json::parse(line);
    } catch (const json::exception& e) {  // parse_error, and out_of_range for a number like 1e400
      return {error_reply(std::nullopt, std::string("not JSON (R-PROTO-1): ") + e.what()), false};
    }
    if (!request.is_object()) return {error_reply(std::nullopt, "not a JSON object (R-PROTO-1)"), false};
    std::optional<std::string> id;
    if (const auto it = request.find("id"); it != request.end() && it->is_string()) id = it->get<std::string>();
    const auto type = request.find("type");
    if (type == request.end() || !type->is_string()) return {error_reply(id, "type: expected a string (R-PROTO-8)"), false};
    // R-PROTO-4: fields this adapter does not know are ignored.
    const std::string& kind = type->get_ref<const std::string&>();
    if (kind == "hello") return {hello_reply(), false};
    if (kind == "run") return {respond_run(request, id), false};
    if (kind == "shutdown") return {std::nullopt, true};  // R-PROTO-9: no reply
    return {error_reply(id, "unknown type " + type->dump() + " (R-PROTO-8)"), false};
  } catch (const std::exception& e) {
    return {error_reply(std::nullopt, std::string("internal error: ") + e.what()), false};
  }
}

int serve(std::istream& in, std::ostream& out) {
  // std::getline grows the string as far as the line goes: no line-length cap (R-PROTO-1).
  std::string line;
  while (std::getline(in, line)) {
    Response response;
    try {
      response = respond(line);
    } catch (...) {
      // respond() answers everything itself; this is only reached if even building that answer failed
      // (out of memory), and a fixed line still keeps the runner in step.
      response = {R"({"type":"error","id":null,"message":"internal error"})", false};
    }
    if (response.reply.has_value()) {
      // R-PROTO-2, R-PROTO-3: one line per reply, flushed before the next request is read, so that a
      // pipelining runner gets every answer without waiting for more input.
      out << *response.reply << '\n';
      out.flush();
    }
    if (response.shutdown) break;
  }
  return 0;  // R-PROTO-9: shutdown or end of input
}

}  // namespace rsm
