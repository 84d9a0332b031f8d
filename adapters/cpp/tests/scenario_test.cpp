// The normalized scenario (section 6): the wire form turned into steps, or an InvalidStep naming the JSON
// path and the rule.
#include "scenario.h"

#include <gtest/gtest.h>

#include <string>
#include <variant>

namespace rsm {
namespace {

const std::string kSpecScenario =
    R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"partition","nodes":[3]},{"op":"put","key":"b","value":"00ff"},{"op":"snapshot","nodes":[3]},{"op":"heal"},{"op":"snapshot","nodes":[1,2,3]}]})";

// The message of the InvalidStep that parse_scenario throws for `text`.
std::string problem(const std::string& text) {
  try {
    parse_scenario(text);
  } catch (const InvalidStep& e) {
    return e.what();
  }
  return "no problem";
}

// A scenario of one cluster of 3 and the given steps.
std::string with_steps(const std::string& steps) { return R"({"cluster":{"nodes":3,"leader":1},"steps":[)" + steps + "]}"; }

TEST(Scenario, SpecExampleDecodes) {
  const Scenario scenario = parse_scenario(kSpecScenario);
  EXPECT_EQ(scenario.cluster.nodes, 3u);
  EXPECT_EQ(scenario.cluster.leader, 1u);
  ASSERT_EQ(scenario.steps.size(), 6u);
  EXPECT_EQ(std::get<Put>(scenario.steps[2]).value, (Bytes{0x00, 0xFF}));
  EXPECT_EQ(std::get<Partition>(scenario.steps[1]).nodes, std::vector<NodeId>{3});
  EXPECT_TRUE(std::holds_alternative<Heal>(scenario.steps[4]));
  EXPECT_EQ(std::get<Snapshot>(scenario.steps[5]).nodes, (std::vector<NodeId>{1, 2, 3}));
}

TEST(Scenario, EveryOpDecodes) {
  const Scenario scenario = parse_scenario(with_steps(
      R"({"op":"put","key":"a","value":""},{"op":"delete","key":"a"},{"op":"append","key":"a","value":"0A"},)"
      R"({"op":"incr","key":"n","delta":"18446744073709551615"},{"op":"cas","key":"a","expected":null,"value":"31"},)"
      R"({"op":"cas","key":"a","expected":"","value":"32"},{"op":"partition","nodes":[]},{"op":"crash","node":2},)"
      R"({"op":"restart","node":2},{"op":"heal"},{"op":"snapshot","nodes":[2,1]},{"op":"compact","node":3})"));
  ASSERT_EQ(scenario.steps.size(), 12u);
  EXPECT_TRUE(std::get<Put>(scenario.steps[0]).value.empty());
  EXPECT_EQ(std::get<Append>(scenario.steps[2]).value, Bytes{0x0A});
  EXPECT_EQ(std::get<Incr>(scenario.steps[3]).delta, 18446744073709551615u);
  // R-CAS-2: null and empty are different expectations.
  EXPECT_FALSE(std::get<Cas>(scenario.steps[4]).expected.has_value());
  EXPECT_EQ(std::get<Cas>(scenario.steps[5]).expected, Bytes{});
  EXPECT_TRUE(std::get<Partition>(scenario.steps[6]).nodes.empty());
  EXPECT_EQ(std::get<Crash>(scenario.steps[7]).node, 2u);
  EXPECT_EQ(std::get<Restart>(scenario.steps[8]).node, 2u);
  EXPECT_EQ(std::get<Snapshot>(scenario.steps[10]).nodes, (std::vector<NodeId>{2, 1}));
  EXPECT_EQ(std::get<Compact>(scenario.steps[11]).node, 3u);
}

// Members in any order, unknown ones (of any shape) ignored (R-PROTO-4), a repeated one counted once with
// its last value, as in a json object.
TEST(Scenario, AnyOrderUnknownMembersIgnoredLastRepeatWins) {
  const Scenario scenario = parse_scenario(
      R"({"steps":[{"value":"31","extra":{"deep":[[{}]]},"key":"k","op":"put"},{"nodes":[1],"op":"snapshot"}],)"
      R"("tags":["x"],"cluster":{"leader":2,"nodes":2,"leader":1}})");
  EXPECT_EQ(scenario.cluster.nodes, 2u);
  EXPECT_EQ(scenario.cluster.leader, 1u);
  ASSERT_EQ(scenario.steps.size(), 2u);
  EXPECT_EQ(std::get<Put>(scenario.steps[0]).key, "k");
}

TEST(Scenario, KeysTravelExactly) {
  const Scenario scenario = parse_scenario(with_steps(R"({"op":"delete","key":"\u0000"},{"op":"delete","key":"😀"},{"op":"delete","key":""})"));
  EXPECT_EQ(std::get<Delete>(scenario.steps[0]).key, std::string(1, '\0'));
  EXPECT_EQ(std::get<Delete>(scenario.steps[1]).key, "\xF0\x9F\x98\x80");
  EXPECT_EQ(std::get<Delete>(scenario.steps[2]).key, "");
}

// One shape for every problem: the JSON path, as SPEC.md writes it, and the rule.
TEST(Scenario, ProblemsNameThePathAndTheRule) {
  EXPECT_EQ(problem("[]"), "(root): expected a normalized scenario object, got an array (R-NORM-4)");
  EXPECT_EQ(problem("{\"steps\":[]").rfind("(root): not JSON: ", 0), 0u);
  EXPECT_EQ(problem(R"({"steps":[]})"), "cluster: missing (R-NORM-1)");
  EXPECT_EQ(problem(R"({"cluster":{"nodes":3,"leader":1}})"), "steps: missing (R-SCEN-1)");
  EXPECT_EQ(problem(R"({"cluster":[],"steps":[]})"), "cluster: expected an object, got an array (R-NORM-1)");
  EXPECT_EQ(problem(R"({"cluster":{"nodes":3},"steps":[]})"), "cluster.leader: missing (R-NORM-1)");
  EXPECT_EQ(problem(R"({"cluster":{"nodes":3.0,"leader":1},"steps":[]})"), "cluster.nodes: expected an integer, got the number 3.0 (R-CLUSTER-1)");
  EXPECT_EQ(problem(R"({"cluster":{"nodes":256,"leader":1},"steps":[]})"), "cluster.nodes: 256 is not in 1..255 (R-CLUSTER-1)");
  EXPECT_EQ(problem(R"({"cluster":{"nodes":3,"leader":4},"steps":[]})"), "cluster.leader: 4 is not in 1..3 (R-CLUSTER-2)");
  EXPECT_EQ(problem(R"({"cluster":{"nodes":3,"leader":1},"steps":{}})"), "steps: expected an array, got an object (R-SCEN-2)");
  EXPECT_EQ(problem(with_steps(R"({"op":"heal"},"heal")")), "steps[1]: expected a step object, got a string (R-SCEN-3)");
  EXPECT_EQ(problem(with_steps(R"({"key":"a"})")), "steps[0].op: missing (R-SCEN-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"dance"})")), "steps[0].op: unknown op \"dance\" (R-SCEN-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"put","key":1,"value":""})")), "steps[0].key: expected a string, got the integer 1 (R-KEY-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"put","key":"a"})")), "steps[0].value: missing (R-SCEN-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"heal"},{"op":"put","key":"a","value":"abc"})")), "steps[1].value: hex has odd length 3 (R-BYTES-2)");
  EXPECT_EQ(problem(with_steps(R"({"op":"put","key":"a","value":"0g"})")), "steps[0].value: not a hex digit at offset 1 (R-BYTES-2)");
  EXPECT_EQ(problem(with_steps(R"({"op":"put","key":"a","value":{"hex":"00"}})")), "steps[0].value: expected a string, got an object (R-NORM-2)");
  EXPECT_EQ(problem(with_steps(R"({"op":"cas","key":"a","value":"00"})")), "steps[0].expected: missing (R-SCEN-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"incr","key":"a","delta":5})")), "steps[0].delta: expected a string, got the integer 5 (R-NORM-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"incr","key":"a","delta":"01"})")), "steps[0].delta: \"01\" is not a canonical decimal string (R-DELTA-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"incr","key":"a","delta":"18446744073709551616"})")),
            "steps[0].delta: 18446744073709551616 is above 2^64 - 1 (R-DELTA-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"crash","node":-2})")), "steps[0].node: -2 is not in 1..255 (R-NODE-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"crash","node":1e0})")), "steps[0].node: expected an integer, got the number 1e0 (R-NODE-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"snapshot","nodes":"all"})")), "steps[0].nodes: expected an array of node ids, got a string (R-NORM-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"snapshot","nodes":[1,[2]]})")), "steps[0].nodes[1]: expected an integer, got an array (R-NODE-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"compact"})")), "steps[0].node: missing (R-SCEN-3)");
  EXPECT_EQ(problem(with_steps(R"({"op":"compact","node":"2"})")), "steps[0].node: expected an integer, got a string (R-NODE-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"compact","node":0})")), "steps[0].node: 0 is not in 1..255 (R-NODE-1)");
  // The first problem in document order is the one reported.
  EXPECT_EQ(problem(with_steps(R"({"op":"dance"},{"op":"put"})")), "steps[0].op: unknown op \"dance\" (R-SCEN-3)");
}

TEST(Scenario, HexRoundTripsAndAcceptsEitherCase) {
  EXPECT_EQ(parse_hex("00fFaB", "v"), (Bytes{0x00, 0xFF, 0xAB}));
  std::string hex = "x";
  encode_hex(Bytes{0x00, 0xFF, 0xAB}, hex);
  EXPECT_EQ(hex, "x00ffab");  // appended
  EXPECT_TRUE(parse_hex("", "v").empty());
  EXPECT_THROW(parse_hex("0", "v"), InvalidStep);
  EXPECT_THROW(parse_hex("0g", "v"), InvalidStep);
}

TEST(Scenario, DeltaIsReadByAnIntegerParser) {
  EXPECT_EQ(parse_delta("0", "d"), 0u);
  EXPECT_EQ(parse_delta("9007199254740993", "d"), 9007199254740993u);  // 2^53 + 1, which a double rounds
  for (const char* bad : {"", "-1", "+1", "00", "1.0", " 1", "18446744073709551616"}) EXPECT_THROW(parse_delta(bad, "d"), InvalidStep) << bad;
}

// R-SCEN-3, R-ROUTE-1: elect has a node; a client command may have via, a node id; R-ELECT-1 says which
// scenarios need the feature.
TEST(Scenario, ElectAndViaDecode) {
  const Scenario scenario = parse_scenario(with_steps(
      R"({"op":"elect","node":2},{"op":"put","key":"a","value":"31","via":3},{"op":"delete","key":"a"},{"op":"snapshot","nodes":[1]})"));
  ASSERT_EQ(scenario.steps.size(), 4u);
  EXPECT_EQ(std::get<Elect>(scenario.steps[0]).node, 2u);
  EXPECT_EQ(std::get<Put>(scenario.steps[1]).via, Via{3});
  EXPECT_EQ(std::get<Delete>(scenario.steps[2]).via, std::nullopt);
  EXPECT_TRUE(needs_elect(scenario));
  EXPECT_TRUE(needs_elect(parse_scenario(with_steps(R"({"op":"incr","key":"n","delta":"1","via":1},{"op":"snapshot","nodes":[1]})"))));
  EXPECT_FALSE(needs_elect(parse_scenario(kSpecScenario)));
  EXPECT_EQ(problem(with_steps(R"({"op":"put","key":"a","value":"31","via":0})")), "steps[0].via: 0 is not in 1..255 (R-NODE-1)");
  EXPECT_EQ(problem(with_steps(R"({"op":"elect"})")), "steps[0].node: missing (R-SCEN-3)");
}

}  // namespace
}  // namespace rsm
