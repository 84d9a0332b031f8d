// The normalized scenario (SPEC.md section 6): the wire form of a scenario turned into steps, or into an
// InvalidStep that says where and which rule. The wire form arrives as the events of nlohmann's SAX parser
// (ScenarioReader), the adapter's one JSON parser; scenario.cpp's first lines say why not a json value.
#pragma once

#include <cstddef>
#include <cstdint>
#include <optional>
#include <stdexcept>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include <nlohmann/json.hpp>

#include "cluster.h"
#include "store.h"

namespace rsm {

// A normalized scenario (R-NORM-1..4), decoded: bytes as bytes, delta as a u64.
struct Scenario {
  struct ClusterConfig {
    NodeId nodes = 3;
    NodeId leader = 1;
  };
  ClusterConfig cluster;
  std::vector<Step> steps;
};

// One step of a scenario with its fields decoded. Declared in cluster.h, beside the events it holds, and
// named again here at its place in adapters/README.md's file map (the same type: a re-export): the cluster
// runs steps, and dependencies point down the map, never from cluster up to this file.
using Step = rsm::Step;

// A scenario the adapter cannot run (R-PROTO-8), in one shape whatever the cause, a field that does not
// decode or a step that breaks a rejection rule: the JSON path of the offending field as SPEC.md writes it,
// relative to the scenario, and the rule, e.g.
// `steps[7].node: crash of node 1, the leader, is not allowed (R-CRASH-1)`.
class InvalidStep : public std::runtime_error {
 public:
  InvalidStep(std::string path, const std::string& problem, std::string rule)
      : std::runtime_error(path + ": " + problem + " (" + rule + ")"), path_(std::move(path)), problem_(problem), rule_(std::move(rule)) {}
  const std::string& path() const { return path_; }
  const std::string& problem() const { return problem_; }
  const std::string& rule() const { return rule_; }

 private:
  std::string path_;
  std::string problem_;
  std::string rule_;
};

// One JSON value as the parser reported it, before the field it belongs to gives it a meaning: a scalar
// whole, a container by its kind only (no field of a scenario holds a container but `nodes`, read apart).
struct WireValue {
  enum class Kind { Null, Boolean, Integer, Float, String, Array, Object };
  Kind kind = Kind::Null;
  bool negative = false;    // an Integer below zero, whose text holds it
  std::uint64_t whole = 0;  // an Integer at or above zero
  std::string text;         // a String, or a number's digits for messages

  // "a string", "an array": what a message says came instead of what was expected.
  std::string kind_name() const;
};

// The fields of a cluster object or of a step as they came, in any order; a missing one is nullopt. Fields
// the scenario does not have are not kept: they are ignored (R-PROTO-4).
struct ClusterFields {
  std::optional<WireValue> nodes, leader;
};
struct StepFields {
  std::optional<WireValue> op, key, value, delta, expected, node, nodes, via;
  std::vector<WireValue> node_list;  // the elements of `nodes` when it is an array
};

// Reads the value of a scenario from the events of nlohmann's SAX parser (nlohmann::json_sax's interface),
// decoding each step as its object closes, and never builds a json value. It is fed the events of the
// scenario only, from the start of its value to the end: parse_scenario feeds it a whole text, the
// protocol the `scenario` member of a run request. Every event returns true, so that the parser goes on to
// the end of the line, whose syntax decides first (R-PROTO-1); the first problem is kept for finish().
class ScenarioReader {
 public:
  // True once the scenario's value has been read whole.
  bool done() const { return done_; }
  // The scenario, or the first problem found in it, in document order. Throws InvalidStep.
  Scenario finish() &&;
  // The parser's message, once it has reported a syntax error.
  const std::string& syntax_error() const { return syntax_error_; }

  bool null();
  bool boolean(bool value);
  bool number_integer(std::int64_t value);
  bool number_unsigned(std::uint64_t value);
  bool number_float(double value, const std::string& text);
  bool string(std::string& value);
  bool binary(nlohmann::json::binary_t& value);
  bool start_object(std::size_t size);
  bool key(std::string& name);
  bool end_object();
  bool start_array(std::size_t size);
  bool end_array();
  bool parse_error(std::size_t position, const std::string& token, const nlohmann::detail::exception& error);

 private:
  // The containers being read, innermost last.
  enum class Frame { Scenario, Cluster, Steps, Step, Nodes };
  // What the next value is, from the key before it.
  enum class Field { None, Cluster, Steps, Nodes, Leader, Op, Key, Value, Delta, Expected, Node, NodeList, Via };

  void value(WireValue&& value);
  void fail(InvalidStep&& problem);

  std::vector<Frame> frames_;
  Field pending_ = Field::None;
  // The depth inside a value that is skipped whole: an unknown field's, or a container where a scalar was due.
  std::size_t skip_ = 0;
  std::optional<ClusterFields> cluster_;
  bool has_steps_ = false;
  std::size_t next_step_ = 0;  // the index of the step being read
  StepFields step_;
  Scenario scenario_;
  std::optional<InvalidStep> problem_;
  std::optional<WireValue> not_object_;  // the scenario itself, when it is not an object
  bool done_ = false;
  std::string syntax_error_;
};

// Decodes a normalized scenario from a whole JSON text with a ScenarioReader. Throws InvalidStep, for text
// that is not JSON too.
Scenario parse_scenario(std::string_view text);
// R-ELECT-1: whether the scenario needs the feature elect: an elect step, or a client command with via.
bool needs_elect(const Scenario& scenario);
// R-NORM-1: nodes in 1..255 (R-CLUSTER-1) and leader in 1..nodes (R-CLUSTER-2), both present.
Scenario::ClusterConfig parse_cluster(const ClusterFields& cluster);
// One step, `path` being its own ("steps[7]"): its op and that op's fields (R-SCEN-3).
Step parse_step(StepFields&& step, const std::string& path);
// An array of node ids (R-NORM-3), each an integer in 1..255 (R-NODE-1; the cluster checks 1..N).
std::vector<NodeId> parse_nodes(const std::vector<WireValue>& nodes, const std::string& path);
// R-NORM-2, R-BYTES-2: an even number of hex digits (the runner sends lowercase; either case is accepted).
Bytes parse_hex(std::string_view hex, const std::string& path);
// R-DELTA-1: a canonical decimal string at most 2^64 - 1, read by an integer parser, never a double.
std::uint64_t parse_delta(std::string_view text, const std::string& path);
// Lowercase hex, as snapshots travel (R-PROTO-6), appended to `out` so that a reply is built in one buffer.
void encode_hex(const Bytes& bytes, std::string& out);

}  // namespace rsm
