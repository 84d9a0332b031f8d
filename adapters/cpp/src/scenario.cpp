// Why a SAX reader and not nlohmann::json::parse then a walk: at 10^6 steps (a 47 MB line, the bench's
// scaling scenario), request to reply, medians of 5 interleaved rounds on 2 shared cores (2026-12-01):
//   json value, then walked:  1.96 s wall, 1.93 s CPU, 679 MB peak (medians of busier runs: 2.1 to 4.7 s)
//   this reader, then run:    1.51 s wall, 1.44 s CPU, 216 MB peak
// The json value is a std::map per step, built and freed again, and missed the 2 s target whenever the
// cores were shared. The events come from the same parser (the same lexer, strings, numbers and UTF-8
// checks), and it is the only one the adapter has: protocol.cpp reads every request line with it.
#include "scenario.h"

#include <algorithm>
#include <charconv>
#include <type_traits>
#include <variant>

namespace rsm {

std::string WireValue::kind_name() const {
  switch (kind) {
    case Kind::Null: return "null";
    case Kind::Boolean: return "a boolean";
    case Kind::Integer: return "the integer " + text;
    case Kind::Float: return "the number " + text;
    case Kind::String: return "a string";
    case Kind::Array: return "an array";
    case Kind::Object: return "an object";
  }
  return "a value";
}

// ---- ScenarioReader: the SAX events of one scenario value ----

namespace {

WireValue container(WireValue::Kind kind) {
  WireValue value;
  value.kind = kind;
  return value;
}

}  // namespace

Scenario ScenarioReader::finish() && {
  if (not_object_.has_value()) throw InvalidStep("(root)", "expected a normalized scenario object, got " + not_object_->kind_name(), "R-NORM-4");
  if (problem_.has_value()) throw *problem_;
  if (!cluster_.has_value()) throw InvalidStep("cluster", "missing", "R-NORM-1");
  if (!has_steps_) throw InvalidStep("steps", "missing", "R-SCEN-1");
  return std::move(scenario_);
}

bool ScenarioReader::null() {
  value(WireValue{});
  return true;
}

bool ScenarioReader::boolean(bool value) {
  WireValue v = container(WireValue::Kind::Boolean);
  v.text = value ? "true" : "false";
  this->value(std::move(v));
  return true;
}

bool ScenarioReader::number_integer(std::int64_t value) {
  WireValue v = container(WireValue::Kind::Integer);
  v.negative = value < 0;
  v.whole = value < 0 ? 0 : static_cast<std::uint64_t>(value);
  v.text = std::to_string(value);
  this->value(std::move(v));
  return true;
}

bool ScenarioReader::number_unsigned(std::uint64_t value) {
  WireValue v = container(WireValue::Kind::Integer);
  v.whole = value;
  // Only for a message, and a node id or size fits the small-string buffer: no allocation per id.
  v.text = std::to_string(value);
  this->value(std::move(v));
  return true;
}

bool ScenarioReader::number_float(double /*value*/, const std::string& text) {
  WireValue v = container(WireValue::Kind::Float);
  v.text = text;
  value(std::move(v));
  return true;
}

bool ScenarioReader::string(std::string& value) {
  WireValue v = container(WireValue::Kind::String);
  v.text = std::move(value);  // the parser's token buffer, which it clears before the next token
  this->value(std::move(v));
  return true;
}

bool ScenarioReader::binary(nlohmann::json::binary_t& /*value*/) { return true; }  // never from JSON text

bool ScenarioReader::start_object(std::size_t /*size*/) {
  if (skip_ > 0) {
    ++skip_;
    return true;
  }
  if (frames_.empty()) {
    frames_.push_back(Frame::Scenario);
    return true;
  }
  const Frame top = frames_.back();
  if (top == Frame::Scenario && pending_ == Field::Cluster) {
    pending_ = Field::None;
    cluster_.emplace();  // a repeated member counts once, with its last value, as in a json object
    frames_.push_back(Frame::Cluster);
    return true;
  }
  if (top == Frame::Steps) {
    step_ = StepFields{};
    frames_.push_back(Frame::Step);
    return true;
  }
  // An object where a scalar was due is noted as one; an unknown field's is only skipped.
  value(container(WireValue::Kind::Object));
  skip_ = 1;
  return true;
}

bool ScenarioReader::key(std::string& name) {
  if (skip_ > 0) return true;
  pending_ = Field::None;  // not a field of a scenario: ignored (R-PROTO-4)
  switch (frames_.back()) {
    case Frame::Scenario:
      if (name == "cluster") pending_ = Field::Cluster;
      if (name == "steps") pending_ = Field::Steps;
      break;
    case Frame::Cluster:
      if (name == "nodes") pending_ = Field::Nodes;
      if (name == "leader") pending_ = Field::Leader;
      break;
    case Frame::Step:
      if (name == "op") pending_ = Field::Op;
      if (name == "key") pending_ = Field::Key;
      if (name == "value") pending_ = Field::Value;
      if (name == "delta") pending_ = Field::Delta;
      if (name == "expected") pending_ = Field::Expected;
      if (name == "node") pending_ = Field::Node;
      if (name == "nodes") pending_ = Field::NodeList;
      if (name == "via") pending_ = Field::Via;
      break;
    default: break;
  }
  return true;
}

bool ScenarioReader::end_object() {
  if (skip_ > 0) {
    if (--skip_ == 0 && frames_.empty()) done_ = true;
    return true;
  }
  const Frame closed = frames_.back();
  frames_.pop_back();
  if (closed == Frame::Cluster && !problem_.has_value()) {
    try {
      scenario_.cluster = parse_cluster(*cluster_);
    } catch (InvalidStep& e) {
      fail(std::move(e));
    }
  } else if (closed == Frame::Step) {
    const std::size_t index = next_step_++;
    if (!problem_.has_value()) {
      try {
        scenario_.steps.push_back(parse_step(std::move(step_), "steps[" + std::to_string(index) + "]"));
      } catch (InvalidStep& e) {
        fail(std::move(e));
      }
    }
  } else if (closed == Frame::Scenario) {
    done_ = true;
  }
  return true;
}

bool ScenarioReader::start_array(std::size_t /*size*/) {
  if (skip_ > 0) {
    ++skip_;
    return true;
  }
  if (!frames_.empty()) {
    const Frame top = frames_.back();
    if (top == Frame::Scenario && pending_ == Field::Steps) {
      pending_ = Field::None;
      has_steps_ = true;
      scenario_.steps.clear();  // a repeated member counts once, with its last value
      next_step_ = 0;
      frames_.push_back(Frame::Steps);
      return true;
    }
    if (top == Frame::Step && pending_ == Field::NodeList) {
      value(container(WireValue::Kind::Array));
      step_.node_list.clear();
      frames_.push_back(Frame::Nodes);
      return true;
    }
  }
  value(container(WireValue::Kind::Array));
  skip_ = 1;
  return true;
}

bool ScenarioReader::end_array() {
  if (skip_ > 0) {
    if (--skip_ == 0 && frames_.empty()) done_ = true;
    return true;
  }
  frames_.pop_back();  // Steps or Nodes
  return true;
}

bool ScenarioReader::parse_error(std::size_t /*position*/, const std::string& /*token*/, const nlohmann::detail::exception& error) {
  syntax_error_ = error.what();
  return false;
}

// A value in the place of the last key, or an element of the array being read: kept for the field it
// belongs to, or a problem now when the container itself is of the wrong kind.
void ScenarioReader::value(WireValue&& value) {
  if (frames_.empty()) {  // the scenario itself
    // A scalar is the whole value; a container's end is seen by end_object or end_array.
    done_ = value.kind != WireValue::Kind::Array && value.kind != WireValue::Kind::Object;
    not_object_ = std::move(value);
    return;
  }
  const Field field = std::exchange(pending_, Field::None);
  switch (frames_.back()) {
    case Frame::Scenario:
      if (field == Field::Cluster) fail(InvalidStep("cluster", "expected an object, got " + value.kind_name(), "R-NORM-1"));
      if (field == Field::Steps) fail(InvalidStep("steps", "expected an array, got " + value.kind_name(), "R-SCEN-2"));
      break;
    case Frame::Cluster:
      if (field == Field::Nodes) cluster_->nodes = std::move(value);
      if (field == Field::Leader) cluster_->leader = std::move(value);
      break;
    case Frame::Steps:
      fail(InvalidStep("steps[" + std::to_string(next_step_) + "]", "expected a step object, got " + value.kind_name(), "R-SCEN-3"));
      ++next_step_;
      break;
    case Frame::Step:
      switch (field) {
        case Field::Op: step_.op = std::move(value); break;
        case Field::Key: step_.key = std::move(value); break;
        case Field::Value: step_.value = std::move(value); break;
        case Field::Delta: step_.delta = std::move(value); break;
        case Field::Expected: step_.expected = std::move(value); break;
        case Field::Node: step_.node = std::move(value); break;
        case Field::NodeList: step_.nodes = std::move(value); break;
        case Field::Via: step_.via = std::move(value); break;
        default: break;
      }
      break;
    case Frame::Nodes: step_.node_list.push_back(std::move(value)); break;
  }
}

void ScenarioReader::fail(InvalidStep&& problem) {
  if (!problem_.has_value()) problem_ = std::move(problem);  // the first, in document order
}

// ---- decoding ----

Scenario parse_scenario(std::string_view text) {
  ScenarioReader reader;
  if (!nlohmann::json::sax_parse(text.begin(), text.end(), &reader)) {
    throw InvalidStep("(root)", "not JSON: " + reader.syntax_error(), "R-PROTO-1");
  }
  return std::move(reader).finish();
}

namespace {

constexpr NodeId kMaxNodes = 255;

// Ids and sizes are JSON integers, never read through a double: 1.0 and 1e0 are not ids. Anything outside
// 1..255 cannot be a node id of any cluster (R-CLUSTER-1), which also keeps the narrowing exact.
NodeId node_id(const WireValue& value, const std::string& path, NodeId max, const char* rule) {
  if (value.kind != WireValue::Kind::Integer) throw InvalidStep(path, "expected an integer, got " + value.kind_name(), rule);
  if (!value.negative && value.whole >= 1 && value.whole <= max) return static_cast<NodeId>(value.whole);
  throw InvalidStep(path, value.text + " is not in 1.." + std::to_string(max), rule);
}

}  // namespace

bool needs_elect(const Scenario& scenario) {
  return std::any_of(scenario.steps.begin(), scenario.steps.end(), [](const Step& step) {
    return std::visit(
        [](const auto& s) {
          using T = std::decay_t<decltype(s)>;
          if constexpr (std::is_same_v<T, Elect>) return true;
          else if constexpr (requires { s.via; }) return s.via.has_value();
          else return false;
        },
        step);
  });
}

Scenario::ClusterConfig parse_cluster(const ClusterFields& cluster) {
  Scenario::ClusterConfig config;
  if (!cluster.nodes.has_value()) throw InvalidStep("cluster.nodes", "missing", "R-NORM-1");
  config.nodes = node_id(*cluster.nodes, "cluster.nodes", kMaxNodes, "R-CLUSTER-1");
  if (!cluster.leader.has_value()) throw InvalidStep("cluster.leader", "missing", "R-NORM-1");
  config.leader = node_id(*cluster.leader, "cluster.leader", config.nodes, "R-CLUSTER-2");
  return config;
}

namespace {

// A step's paths are built only for an error message: a long scenario decodes a million steps without one.
std::string field_path(const std::string& step, const char* field) { return step + "." + field; }

WireValue& required(std::optional<WireValue>& value, const std::string& path, const char* field) {
  // R-SCEN-3: every field of the op is required; a missing cas `expected` is not taken to mean null.
  if (!value.has_value()) throw InvalidStep(field_path(path, field), "missing", "R-SCEN-3");
  return *value;
}

std::string& string_field(std::optional<WireValue>& value, const std::string& path, const char* field, const char* rule) {
  WireValue& v = required(value, path, field);
  if (v.kind != WireValue::Kind::String) throw InvalidStep(field_path(path, field), "expected a string, got " + v.kind_name(), rule);
  return v.text;
}

Bytes hex_field(std::optional<WireValue>& value, const std::string& path, const char* field) {
  const std::string& hex = string_field(value, path, field, "R-NORM-2");
  try {
    return parse_hex(hex, "");
  } catch (const InvalidStep& e) {
    // The path only now: built for every value, it would be the one allocation most steps make.
    throw InvalidStep(field_path(path, field), e.problem(), e.rule());
  }
}

}  // namespace

Step parse_step(StepFields&& step, const std::string& path) {
  const std::string& op = string_field(step.op, path, "op", "R-SCEN-3");
  const auto key = [&] { return std::move(string_field(step.key, path, "key", "R-KEY-1")); };
  const auto node = [&] { return node_id(required(step.node, path, "node"), field_path(path, "node"), kMaxNodes, "R-NODE-1"); };
  const auto nodes = [&] {
    const WireValue& list = required(step.nodes, path, "nodes");
    if (list.kind != WireValue::Kind::Array) {
      throw InvalidStep(field_path(path, "nodes"), "expected an array of node ids, got " + list.kind_name(), "R-NORM-3");
    }
    return parse_nodes(step.node_list, field_path(path, "nodes"));
  };
  // R-ROUTE-1: a client command's optional `via`, a node id (the cluster checks 1..N); absent, nullopt.
  const auto via = [&]() -> Via {
    if (!step.via.has_value()) return std::nullopt;
    return node_id(*step.via, field_path(path, "via"), kMaxNodes, "R-NODE-1");
  };
  // In schema order; fields an op does not have are ignored (R-PROTO-4).
  // {"op":"put","key":"a","value":"31"}
  if (op == "put") return Put{key(), hex_field(step.value, path, "value"), via()};
  // {"op":"delete","key":"a","via":2}
  if (op == "delete") return Delete{key(), via()};
  // {"op":"append","key":"a","value":"32"}
  if (op == "append") return Append{key(), hex_field(step.value, path, "value"), via()};
  // {"op":"incr","key":"n","delta":"5"}
  if (op == "incr") return Incr{key(), parse_delta(string_field(step.delta, path, "delta", "R-NORM-3"), field_path(path, "delta")), via()};
  // {"op":"cas","key":"a","expected":null,"value":"31"}
  if (op == "cas") {
    Cas cas{key(), std::nullopt, hex_field(step.value, path, "value"), via()};
    // R-CAS-2, R-NORM-2: expected is null or hex, and null is not the empty value.
    if (required(step.expected, path, "expected").kind != WireValue::Kind::Null) cas.expected = hex_field(step.expected, path, "expected");
    return cas;
  }
  // {"op":"partition","nodes":[3]}
  if (op == "partition") return Partition{nodes()};
  // {"op":"crash","node":2}
  if (op == "crash") return Crash{node()};
  // {"op":"restart","node":2}
  if (op == "restart") return Restart{node()};
  // {"op":"heal"}
  if (op == "heal") return Heal{};
  // {"op":"snapshot","nodes":[1,2,3]}
  if (op == "snapshot") return Snapshot{nodes()};
  // {"op":"compact","node":2}
  if (op == "compact") return Compact{node()};
  // {"op":"elect","node":2}
  if (op == "elect") return Elect{node()};
  throw InvalidStep(field_path(path, "op"), "unknown op " + nlohmann::json(op).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace), "R-SCEN-3");
}

std::vector<NodeId> parse_nodes(const std::vector<WireValue>& nodes, const std::string& path) {
  std::vector<NodeId> ids;
  ids.reserve(nodes.size());
  for (std::size_t k = 0; k < nodes.size(); ++k) {
    ids.push_back(node_id(nodes[k], path + "[" + std::to_string(k) + "]", kMaxNodes, "R-NODE-1"));
  }
  return ids;
}

namespace {

// The value of a hex digit of either case, or -1.
int hex_digit(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

}  // namespace

Bytes parse_hex(std::string_view hex, const std::string& path) {
  if (hex.size() % 2 != 0) throw InvalidStep(path, "hex has odd length " + std::to_string(hex.size()), "R-BYTES-2");
  Bytes bytes(hex.size() / 2);
  for (std::size_t i = 0; i < bytes.size(); ++i) {
    const int high = hex_digit(hex[2 * i]);
    const int low = hex_digit(hex[2 * i + 1]);
    if (high < 0 || low < 0) {
      throw InvalidStep(path, "not a hex digit at offset " + std::to_string(2 * i + (high < 0 ? 0 : 1)), "R-BYTES-2");
    }
    bytes[i] = static_cast<std::uint8_t>((high << 4) | low);
  }
  return bytes;
}

std::uint64_t parse_delta(std::string_view text, const std::string& path) {
  // Digits only, no sign, and no leading zero except in "0" itself.
  const bool digits = !text.empty() && std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
  if (!digits || (text.size() > 1 && text[0] == '0')) {
    const std::string quoted = nlohmann::json(std::string(text)).dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
    throw InvalidStep(path, quoted + " is not a canonical decimal string", "R-DELTA-1");
  }
  // An integer parser: a double would silently drop the low bits of anything above 2^53.
  std::uint64_t delta = 0;
  const char* end = text.data() + text.size();
  const auto [stop, error] = std::from_chars(text.data(), end, delta);
  if (error != std::errc{} || stop != end) throw InvalidStep(path, std::string(text) + " is above 2^64 - 1", "R-DELTA-1");
  return delta;
}

void encode_hex(const Bytes& bytes, std::string& out) {
  static constexpr char kDigits[] = "0123456789abcdef";
  const std::size_t start = out.size();
  out.resize(start + bytes.size() * 2);
  char* hex = out.data() + start;
  for (const std::uint8_t byte : bytes) {
    *hex++ = kDigits[byte >> 4];
    *hex++ = kDigits[byte & 0x0F];
  }
}

}  // namespace rsm
