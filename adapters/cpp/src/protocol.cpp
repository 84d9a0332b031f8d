#include "protocol.h"

#include <algorithm>
#include <charconv>
#include <initializer_list>
#include <istream>
#include <ostream>
#include <utility>
#include <vector>

namespace rsm {
namespace {

using json = nlohmann::json;
// Replies keep their fields in the order SPEC.md writes them, which only matters to people reading them.
using ordered_json = nlohmann::ordered_json;

constexpr int kProtocol = 1;
constexpr NodeId kMaxNodes = 255;

// ---- hex and decimal text ----

// The value of a hex digit of either case (R-NORM-2 sends lowercase; accepting both costs nothing), or -1.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

// R-BYTES-2: an even number of hex digits. Returns false, leaving `bytes` unspecified, for anything else;
// from_hex says what was wrong.
bool decode_hex(std::string_view hex, Bytes& bytes) {
  if (hex.size() % 2 != 0) return false;
  bytes.resize(hex.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = hex_digit(hex[2 * i]);
    const int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) return false;
    bytes[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return true;
}

// Lowercase hex, as snapshots travel (R-PROTO-6), appended so that a reply is built in one buffer.
void append_hex(std::string& out, const Bytes& bytes) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + bytes.size() * 2);
  char* hex = out.data() + start;
  for (const std::uint8_t byte : bytes) {
    *hex++ = kDigits[byte >> 4];
    *hex++ = kDigits[byte & 0x0F];
  }
}

// R-DELTA-1: digits only, no sign, and no leading zero except in "0" itself.
bool is_canonical_decimal(std::string_view text) {
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  return digits && !(text.size() > 1 && text[0] == '0');
}

// R-DELTA-1: a string of digits parsed by an integer parser; false when it is above 2^64 - 1. A double would
// silently drop the low bits of anything above 2^53.
bool parse_u64(std::string_view digits, std::uint64_t& value) {
  const char* end = digits.data() + digits.size();
  const auto [stop, error] = std::from_chars(digits.data(), end, value);
  return error == std::errc{} && stop == end;
}

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

// R-DELTA-1: a canonical decimal string, parsed by an integer parser.
std::uint64_t delta_member(const json& object, const std::string& path) {
  const std::string& text = string_member(object, "delta", path);
  const std::string where = member_path(path, "delta");
  if (!is_canonical_decimal(text)) throw BadRequest(where + ": \"" + text + "\" is not a canonical decimal string (R-DELTA-1)");
  std::uint64_t delta = 0;
  if (!parse_u64(text, delta)) throw BadRequest(where + ": " + text + " is above 2^64 - 1 (R-DELTA-1)");
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

// Written out rather than built as an ordered_json and dumped: the snapshots' hex is nearly all of a long
// run's reply (36 MB for 10^6 steps), which a json value would hold as a second copy and dump would scan for
// characters to escape. The text is exactly what dump_strict gives (no spaces, fields in the order SPEC.md
// writes them); the id, the one value that may need escaping, still goes through it.
std::string result_reply(const std::string& id, RunResult&& result) {
  std::size_t size = 64 + id.size();
  for (const SnapshotEntry& entry : result.snapshots) size += 64 + 2 * entry.snapshot.size();
  std::string reply;
  reply.reserve(size);
  reply += R"({"type":"result","id":)";
  reply += dump_strict(ordered_json(id));
  reply += R"(,"snapshots":[)";
  for (std::size_t i = 0; i < result.snapshots.size(); ++i) {
    const SnapshotEntry& entry = result.snapshots[i];
    if (i != 0) reply += ',';
    reply += R"({"step":)" + std::to_string(entry.step) + R"(,"node":)" + std::to_string(entry.node) + R"(,"hex":")";
    append_hex(reply, entry.snapshot);
    reply += R"("})";
  }
  reply += ']';
  // R-PROTO-7: a trace key only when one was asked for.
  if (result.trace.has_value()) {
    reply += R"(,"trace":[)";
    for (std::size_t i = 0; i < result.trace->size(); ++i) {
      TraceEntry& entry = (*result.trace)[i];
      if (i != 0) reply += ',';
      reply += R"({"step":)" + std::to_string(entry.step) + R"(,"states":[)";
      for (std::size_t k = 0; k < entry.states.size(); ++k) {
        std::optional<Bytes>& state = entry.states[k];
        if (k != 0) reply += ',';
        if (state.has_value()) {
          reply += '"';
          append_hex(reply, *state);
          reply += '"';
        } else {
          reply += "null";
        }
        state.reset();  // a long trace is held twice at most one state at a time
      }
      reply += "]}";
    }
    reply += ']';
  }
  reply += '}';
  return reply;
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

// ---- run requests, run as they are read ----
//
// A long scenario is one long line: 10^6 steps are 47 MB of JSON. Parsed into a json value, that line
// became a std::map per step, which took a third of the run's time and most of its peak memory, and was
// walked once more by parse_scenario into a Scenario held whole. RunReader instead follows nlohmann's SAX
// parser (the same lexer as json::parse, so the same strings, numbers and UTF-8 checks) and decodes each
// step as the parser meets it, then runs it at once.
//
// It is only a shortcut for the requests the runner sends, and accepts a request only when it can answer it
// exactly as the general path (respond_run) would. That is a run request (R-PROTO-6) holding exactly the
// fields of a normalized scenario (R-NORM-1..4), each once, with values that parse_scenario would decode the
// same way, and in the order the runner writes them, trace before scenario and cluster before steps (so that
// the first step can run before the rest is read). On anything else, from an unknown field to a syntax error
// on the last byte, it gives up and the line takes the general path, whose answer, error messages included,
// stands. A step that the run refuses (InvalidScenario) does not end the reading: the general path decodes
// the whole scenario before it runs anything, so a later decoding error would be its answer.
class RunReader {
 public:
  bool complete() const { return complete_; }

  // The reply, once the parse has completed.
  std::string reply() {
    if (failure_.has_value()) return error_reply(id_, *failure_);
    try {
      return result_reply(id_, std::move(*run_).finish());
    } catch (const std::exception& e) {
      return error_reply(id_, e.what());
    }
  }

  // The SAX interface (nlohmann::json_sax). Returning false stops the parse: the general path takes over.
  bool null() {
    if (take() != Field::Expected) return false;
    step_.expected.reset();  // R-CAS-2: null, not empty
    return true;
  }
  bool boolean(bool value) {
    if (take() != Field::Trace) return false;
    trace_ = value;
    return true;
  }
  bool number_integer(json::number_integer_t /*negative*/) { return false; }
  bool number_unsigned(json::number_unsigned_t value) {
    // Node ids and sizes are 1..255 in every cluster (R-CLUSTER-1, R-NODE-1); node_id refuses the rest.
    const Field field = take();
    if (value < 1 || value > kMaxNodes) return false;
    const auto id = static_cast<NodeId>(value);
    switch (field) {
      case Field::Nodes: cluster_.nodes = id; return true;
      case Field::Leader: cluster_.leader = id; return true;
      case Field::Node: step_.node = id; return true;
      case Field::NodeListItem: step_.nodes.push_back(id); return true;
      default: return false;
    }
  }
  bool number_float(json::number_float_t /*value*/, const std::string& /*text*/) { return false; }
  bool binary(json::binary_t& /*value*/) { return false; }
  bool string(std::string& value) {
    switch (take()) {
      case Field::Type: return value == "run";
      case Field::Id: id_ = value; return true;
      case Field::Name: return true;  // not used to run anything
      case Field::Op: step_.op = value; return true;
      case Field::Key: step_.key = value; return true;
      case Field::Value: return decode_hex(value, step_.value);
      case Field::Expected: return decode_hex(value, step_.expected.emplace());
      case Field::Delta: return is_canonical_decimal(value) && parse_u64(value, step_.delta);
      default: return false;
    }
  }
  bool start_object(std::size_t /*size*/) {
    if (open_.empty()) return open(Container::Request);
    switch (take()) {
      case Field::Scenario: return open(Container::Scenario);
      case Field::Cluster: return open(Container::Cluster);
      case Field::StepItem:
        step_.seen = 0;
        return open(Container::Step);
      default: return false;
    }
  }
  bool key(std::string& name) {
    const Field field = field_named(name);
    if (field == Field::None) return false;  // unknown here: the general path ignores or refuses it
    // Each field once: of a repeated one, the general path's json object would keep only the last.
    std::uint32_t& seen = open_.back() == Container::Step ? step_.seen : seen_;
    if ((seen & bit(field)) != 0) return false;
    seen |= bit(field);
    pending_ = field;
    return true;
  }
  bool end_object() {
    const Container closing = open_.back();
    open_.pop_back();
    switch (closing) {
      case Container::Request:
        complete_ = has(seen_, {Field::Type, Field::Id, Field::Trace, Field::Scenario});
        return complete_;
      case Container::Scenario: return has(seen_, {Field::Cluster, Field::Steps});
      case Container::Cluster: return has(seen_, {Field::Nodes, Field::Leader});
      case Container::Step: return finish_step();
      default: return false;
    }
  }
  bool start_array(std::size_t /*size*/) {
    switch (take()) {
      case Field::Steps:
        // The cluster object has been closed (its end checked it), and the trace flag read: the run starts.
        if (!has(seen_, {Field::Trace, Field::Cluster})) return false;
        start_run();
        return open(Container::Steps);
      case Field::NodeList:
        step_.nodes.clear();
        return open(Container::NodeList);
      default: return false;
    }
  }
  bool end_array() {
    open_.pop_back();
    return true;
  }
  bool parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& /*error*/) {
    return false;
  }

 private:
  enum class Container { Request, Scenario, Cluster, Steps, Step, NodeList };
  // What the next value is: the field whose key came last, or an array element.
  enum class Field : std::uint32_t {
    None, Type, Id, Name, Trace, Scenario, Cluster, Nodes, Leader, Steps,  // the request and the scenario
    Op, Key, Value, Delta, Expected, Node, NodeList,                       // a step
    StepItem, NodeListItem,                                                // array elements
  };

  static std::uint32_t bit(Field field) { return 1u << static_cast<std::uint32_t>(field); }
  static bool has(std::uint32_t seen, std::initializer_list<Field> fields) {
    return std::all_of(fields.begin(), fields.end(), [seen](Field f) { return (seen & bit(f)) != 0; });
  }
  // Exactly op and these fields: a step's properties are fixed by its op (R-SCEN-3).
  bool step_has_exactly(std::initializer_list<Field> fields) const {
    std::uint32_t wanted = bit(Field::Op);
    for (const Field f : fields) wanted |= bit(f);
    return step_.seen == wanted;
  }

  bool open(Container container) {
    open_.push_back(container);
    return true;
  }

  // The field the next value belongs to, consumed.
  Field take() {
    if (open_.empty()) return Field::None;
    if (open_.back() == Container::Steps) return Field::StepItem;
    if (open_.back() == Container::NodeList) return Field::NodeListItem;
    return std::exchange(pending_, Field::None);
  }

  Field field_named(std::string_view name) const {
    switch (open_.back()) {
      case Container::Request:
        if (name == "type") return Field::Type;
        if (name == "id") return Field::Id;
        if (name == "name") return Field::Name;
        if (name == "trace") return Field::Trace;
        if (name == "scenario") return Field::Scenario;
        return Field::None;
      case Container::Scenario:
        if (name == "cluster") return Field::Cluster;
        if (name == "steps") return Field::Steps;
        return Field::None;
      case Container::Cluster:
        if (name == "nodes") return Field::Nodes;
        if (name == "leader") return Field::Leader;
        return Field::None;
      case Container::Step:
        if (name == "op") return Field::Op;
        if (name == "key") return Field::Key;
        if (name == "value") return Field::Value;
        if (name == "delta") return Field::Delta;
        if (name == "expected") return Field::Expected;
        if (name == "node") return Field::Node;
        if (name == "nodes") return Field::NodeList;
        return Field::None;
      default: return Field::None;
    }
  }

  // The Step parse_step would make of the same object, run. Strings and bytes are moved out of step_, which
  // the next step fills afresh.
  bool finish_step() {
    const std::string& op = step_.op;
    if (op == "put" && step_has_exactly({Field::Key, Field::Value})) return run(Put{std::move(step_.key), std::move(step_.value)});
    if (op == "delete" && step_has_exactly({Field::Key})) return run(Delete{std::move(step_.key)});
    if (op == "append" && step_has_exactly({Field::Key, Field::Value})) return run(Append{std::move(step_.key), std::move(step_.value)});
    if (op == "incr" && step_has_exactly({Field::Key, Field::Delta})) return run(Incr{std::move(step_.key), step_.delta});
    if (op == "cas" && step_has_exactly({Field::Key, Field::Expected, Field::Value})) {
      return run(Cas{std::move(step_.key), std::move(step_.expected), std::move(step_.value)});
    }
    if (op == "partition" && step_has_exactly({Field::NodeList})) return run(Partition{std::move(step_.nodes)});
    if (op == "crash" && step_has_exactly({Field::Node})) return run(Crash{step_.node});
    if (op == "restart" && step_has_exactly({Field::Node})) return run(Restart{step_.node});
    if (op == "heal" && step_has_exactly({})) return run(Heal{});
    if (op == "snapshot" && step_has_exactly({Field::NodeList})) return run(Snapshot{std::move(step_.nodes)});
    return false;
  }

  void start_run() {
    try {
      run_.emplace(cluster_, trace_);
    } catch (const std::exception& e) {
      failure_ = e.what();
    }
  }

  // Runs one decoded step, unless the run has already failed. Always true: a failure is only recorded (see
  // the section comment), and the reading goes on.
  bool run(const Step& step) {
    if (failure_.has_value()) return true;
    try {
      run_->step(step);
    } catch (const std::exception& e) {
      // InvalidScenario and broken invariants alike: answered, never a crash (R-PROTO-8).
      failure_ = e.what();
      run_.reset();
    }
    return true;
  }

  // The fields of the step being read, in whatever order they come.
  struct StepFields {
    std::uint32_t seen = 0;
    std::string op;
    std::string key;
    Bytes value;
    std::uint64_t delta = 0;
    std::optional<Bytes> expected;
    NodeId node = 0;
    std::vector<NodeId> nodes;
  };

  std::string id_;
  bool trace_ = false;
  ClusterConfig cluster_;
  StepFields step_;
  std::optional<ScenarioRun> run_;
  // Why the run stopped: the message the general path would answer with.
  std::optional<std::string> failure_;
  // The fields seen outside steps, each of which occurs once in a whole request.
  std::uint32_t seen_ = 0;
  Field pending_ = Field::None;
  std::vector<Container> open_;
  bool complete_ = false;
};

// The reply to `line` when it is a run request RunReader takes, or nullopt for the general path.
std::optional<std::string> run_directly(std::string_view line) {
  RunReader reader;
  // strict: nothing but whitespace may follow the object, as json::parse requires.
  if (!json::sax_parse(line.begin(), line.end(), &reader, json::input_format_t::json, true) || !reader.complete()) {
    return std::nullopt;
  }
  return reader.reply();
}

bool is_blank(std::string_view line) {
  return std::all_of(line.begin(), line.end(), [](char c) { return c == ' ' || c == '\t' || c == '\r' || c == '\n'; });
}

}  // namespace

std::string to_hex(const Bytes& bytes) {
  std::string hex;
  append_hex(hex, bytes);
  return hex;
}

Bytes from_hex(std::string_view hex) {
  if (hex.size() % 2 != 0) throw BadRequest("hex has odd length " + std::to_string(hex.size()) + " (R-BYTES-2)");
  Bytes bytes;
  if (!decode_hex(hex, bytes)) {
    const auto bad = std::find_if(hex.begin(), hex.end(), [](char c) { return hex_digit(c) < 0; });
    throw BadRequest("not a hex digit at offset " + std::to_string(bad - hex.begin()) + " (R-BYTES-2)");
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
    // The shortcut for the requests the runner sends; every other line goes the general way below.
    if (std::optional<std::string> reply = run_directly(line)) return {std::move(reply), false};
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
