// Adapter protocol v1 (section 7), driven in memory through serve().
#include "protocol.h"

#include <gtest/gtest.h>

#include <cstdint>
#include <sstream>
#include <string>
#include <vector>

#include "crc32c.h"

namespace rsm {
namespace {

using json = nlohmann::json;

const char* const kHello =
    R"({"type":"hello","protocol":1,"name":"cpp","version":"0.1.0","features":["append","incr","cas","crash","compact","elect","decode"]})";

// Runs the adapter over `input` and returns its output lines, each checked to be one valid JSON object.
std::vector<std::string> serve_lines(const std::string& input) {
  std::istringstream in(input);
  std::ostringstream out;
  EXPECT_EQ(serve(in, out), 0);
  std::vector<std::string> lines;
  std::istringstream replies(out.str());
  for (std::string line; std::getline(replies, line);) {
    EXPECT_TRUE(json::accept(line)) << line;
    lines.push_back(line);
  }
  return lines;
}

json only_reply(const std::string& line) {
  const std::vector<std::string> lines = serve_lines(line + "\n");
  EXPECT_EQ(lines.size(), 1u);
  return lines.empty() ? json() : json::parse(lines[0]);
}

std::string run_request(const std::string& id, const std::string& scenario, bool trace = false) {
  return R"({"type":"run","id":")" + id + R"(","name":"t","trace":)" + (trace ? "true" : "false") +
         R"(,"scenario":)" + scenario + "}";
}

const std::string kSpecScenario =
    R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"partition","nodes":[3]},{"op":"put","key":"b","value":"00ff"},{"op":"snapshot","nodes":[3]},{"op":"heal"},{"op":"snapshot","nodes":[1,2,3]}]})";

TEST(Protocol, HelloAnswersProtocolOneEvenWhenAskedForAnother) {
  EXPECT_EQ(serve_lines(R"({"type":"hello","protocol":1})" "\n"), std::vector<std::string>{kHello});
  EXPECT_EQ(serve_lines(R"({"type":"hello","protocol":2,"extra":true})" "\n"), std::vector<std::string>{kHello});
}

TEST(Protocol, SpecExampleResult) {
  const json reply = only_reply(run_request("1", kSpecScenario));
  EXPECT_EQ(reply["type"], "result");
  EXPECT_EQ(reply["id"], "1");
  EXPECT_FALSE(reply.contains("trace"));
  ASSERT_EQ(reply["snapshots"].size(), 4u);
  EXPECT_EQ(reply["snapshots"][0], json::parse(R"({"step":3,"node":3,"hex":"524b56310000000000000001000000000000000100000000000000010000000100000001610000000131ed7607a5"})"));
  EXPECT_EQ(reply["snapshots"][3]["hex"],
            "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c");
}

TEST(Protocol, TraceOnlyWhenAsked) {
  const json reply = only_reply(run_request("7", kSpecScenario, true));
  ASSERT_TRUE(reply.contains("trace"));
  ASSERT_EQ(reply["trace"].size(), 6u);  // one per step, snapshot steps included
  EXPECT_EQ(reply["trace"][3]["step"], 3);
  EXPECT_EQ(reply["trace"][3]["states"].size(), 3u);
  const json down = only_reply(run_request(
      "8", R"({"cluster":{"nodes":2,"leader":1},"steps":[{"op":"crash","node":2},{"op":"snapshot","nodes":[1]}]})", true));
  EXPECT_TRUE(down["trace"][0]["states"][1].is_null());
}

// R-TRACE-1: the raft states' JSON, as SPEC.md spells it: roles as strings, voted_for a node id or null,
// null for a down node; and no raft key without elect.
TEST(Protocol, TraceRaftStatesWithElect) {
  const json reply = only_reply(run_request(
      "9", R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"elect","node":3},{"op":"crash","node":1},{"op":"put","key":"a","value":"31","via":1},{"op":"snapshot","nodes":[3]}]})", true));
  ASSERT_EQ(reply["trace"].size(), 4u);
  EXPECT_EQ(reply["trace"][0]["raft"], json::parse(R"([{"role":"follower","voted_for":3,"log_length":1,"last_log_term":2},{"role":"follower","voted_for":3,"log_length":1,"last_log_term":2},{"role":"leader","voted_for":3,"log_length":1,"last_log_term":2}])"));
  EXPECT_TRUE(reply["trace"][1]["raft"][0].is_null());
  EXPECT_TRUE(reply["trace"][1]["states"][0].is_null());
  EXPECT_EQ(reply["trace"][2]["raft"][2]["log_length"], 1);  // via a down node: dropped (R-ROUTE-1)
  EXPECT_FALSE(only_reply(run_request("10", kSpecScenario, true))["trace"][0].contains("raft"));
}

// Members come in any order: the SAX reader must not depend on the runner's. nlohmann's json keeps object
// keys sorted, so a round trip through it puts "scenario" before "trace" and "key" before "op".
TEST(Protocol, EveryFieldOrderAnswersAlike) {
  for (const bool trace : {false, true}) {
    const std::string runner_order = run_request("o", kSpecScenario, trace);
    const std::string sorted = json::parse(runner_order).dump();
    ASSERT_NE(runner_order, sorted);
    EXPECT_EQ(serve_lines(runner_order + "\n"), serve_lines(sorted + "\n"));
  }
}

// The whole scenario is decoded before any of it runs: a step that does not decode is the answer even when
// an earlier step breaks a rejection rule.
TEST(Protocol, DecodingErrorsComeBeforeRunErrors) {
  const std::string crash_leader = R"({"op":"crash","node":1})";
  const json refused = only_reply(run_request("e", R"({"cluster":{"nodes":3,"leader":1},"steps":[)" + crash_leader + "]}"));
  EXPECT_NE(refused["message"].get<std::string>().find("R-CRASH-1"), std::string::npos) << refused;
  const json undecodable = only_reply(
      run_request("e", R"({"cluster":{"nodes":3,"leader":1},"steps":[)" + crash_leader + R"(,{"op":"put","key":"k","value":"zz"}]})"));
  EXPECT_EQ(undecodable["id"], "e");
  EXPECT_NE(undecodable["message"].get<std::string>().find("R-BYTES-2"), std::string::npos) << undecodable;
}

// A repeated field counts once, with its last value, as in a json object.
TEST(Protocol, RepeatedFieldKeepsTheLastValue) {
  const std::string first = R"({"cluster":{"nodes":1,"leader":1},"steps":[{"op":"snapshot","nodes":[1]}]})";
  const std::string request = run_request("r", first);
  const json reply = only_reply(request.substr(0, request.size() - 1) + R"(,"scenario":)" + kSpecScenario + "}");
  EXPECT_EQ(reply["snapshots"].size(), 4u);
}

TEST(Protocol, GarbageAnswersErrorWithNullId) {
  for (const char* line : {"garbage", "[1,2]", "\"run\"", "{\"type\":\"run\"", "\xff\xfe{", "{\"type\":\"hello\"}{}"}) {
    const json reply = only_reply(line);
    EXPECT_EQ(reply["type"], "error") << line;
    EXPECT_TRUE(reply["id"].is_null()) << line;
  }
}

TEST(Protocol, UnknownTypeEchoesStringId) {
  EXPECT_EQ(only_reply(R"({"type":"frobnicate","id":"x1"})")["id"], "x1");
  EXPECT_TRUE(only_reply(R"({"type":"frobnicate","id":5})")["id"].is_null());
  EXPECT_EQ(only_reply(R"({"id":"x2"})")["type"], "error");
}

TEST(Protocol, BadRunsAnswerErrors) {
  const json not_bool = only_reply(R"({"type":"run","id":"r1","name":"t","trace":"yes","scenario":{}})");
  EXPECT_EQ(not_bool["type"], "error");
  EXPECT_EQ(not_bool["id"], "r1");
  const json numeric_id = only_reply(R"({"type":"run","id":1,"name":"t","trace":false,"scenario":{}})");
  EXPECT_EQ(numeric_id["type"], "error");
  EXPECT_TRUE(numeric_id["id"].is_null());
  const std::vector<std::string> scenarios = {
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"dance"}]})",                                  // unknown op
      R"({"cluster":{"nodes":3.0,"leader":1},"steps":[]})",                                              // not an integer
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":1e0}]})",                       // not an integer
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":-2}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":4294967298}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"incr","key":"k","delta":"18446744073709551616"}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"incr","key":"k","delta":"01"}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"incr","key":"k","delta":5}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"k","value":"abc"}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"k","value":"zz"}]})",
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"cas","key":"k","value":"00"}]})",          // no expected
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":1}]})",                       // R-CRASH-1
      R"({"cluster":{"nodes":3,"leader":4},"steps":[]})",                                              // R-CLUSTER-2
      R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"snapshot","nodes":"all"}]})",
      R"({"cluster":{"nodes":3,"leader":1}})",
  };
  for (const std::string& scenario : scenarios) {
    const json reply = only_reply(run_request("r2", scenario));
    EXPECT_EQ(reply["type"], "error") << scenario;
    EXPECT_EQ(reply["id"], "r2") << scenario;
  }
}

TEST(Protocol, LoneSurrogateKeyIsAnErrorNotACrash) {
  const json reply = only_reply(run_request(
      "s", R"({"cluster":{"nodes":1,"leader":1},"steps":[{"op":"put","key":"\ud800","value":""},{"op":"snapshot","nodes":[1]}]})"));
  EXPECT_EQ(reply["type"], "error");
}

TEST(Protocol, NulKeyAndBigDeltaTravelExactly) {
  const json reply = only_reply(run_request(
      "n", R"({"cluster":{"nodes":1,"leader":1},"steps":[{"op":"incr","key":"\u0000","delta":"9007199254740993"},{"op":"snapshot","nodes":[1]}]})"));
  // key length 1, key 00, value length 8, value 2^53 + 1
  EXPECT_NE(reply["snapshots"][0]["hex"].get<std::string>().find("000000010000000008" "0020000000000001"), std::string::npos);
}

TEST(Protocol, BlankLinesAreAnsweredAndRepliesStayInOrder) {
  const std::string input = std::string(R"({"type":"hello","protocol":1})") + "\n\n   \n" +
                            run_request("a", kSpecScenario) + "\n" + run_request("b", kSpecScenario) + "\n";
  const std::vector<std::string> lines = serve_lines(input);
  ASSERT_EQ(lines.size(), 5u);
  EXPECT_EQ(lines[1], R"j({"type":"error","id":null,"message":"blank line: not a message (R-PROTO-4)"})j");
  EXPECT_EQ(json::parse(lines[2])["id"], nullptr);
  EXPECT_EQ(json::parse(lines[3])["id"], "a");
  EXPECT_EQ(json::parse(lines[4])["id"], "b");
}

// R-PROTO-8: every line the adapter does not understand gets an error reply, with the request's id when it
// is a string and null otherwise, and the adapter goes on serving: each bad line here is followed by a hello.
TEST(Protocol, EveryLineItDoesNotUnderstandGetsAnErrorAndServingGoesOn) {
  struct Case {
    std::string line;
    json id;
    std::string message_start;
  };
  const std::vector<Case> cases = {
      {"", nullptr, "blank line"},
      {"   \t", nullptr, "blank line"},
      {"this is not JSON", nullptr, "not JSON (R-PROTO-1)"},
      {"{\"type\":\"hello\",\"protocol\":1,\"name\":\"\xff\xfe\"}", nullptr, "not JSON (R-PROTO-1)"},  // invalid UTF-8
      {"\xc3\x28", nullptr, "not JSON (R-PROTO-1)"},
      {"[1,2]", nullptr, "(root): expected an object, got an array"},
      {"\"run\"", nullptr, "(root): expected an object, got a string"},
      {"42", nullptr, "(root): expected an object"},
      {R"({"type":"frobnicate","id":"u1"})", "u1", "type: unknown type \"frobnicate\""},
      {R"({"id":"u2"})", "u2", "type: expected a string"},
      {R"({"type":["run"],"id":"u3"})", "u3", "type: expected a string"},
      {R"({"type":"run","id":"r1","name":"t","trace":false})", "r1", "scenario: missing (R-PROTO-6)"},
      {R"({"type":"run","id":7,"name":"t","trace":false,"scenario":{"cluster":{"nodes":1,"leader":1},"steps":[]}})", nullptr, "id: expected a string"},
      {R"({"type":"run","id":"r2","name":"t","trace":"true","scenario":{"cluster":{"nodes":1,"leader":1},"steps":[]}})", "r2", "trace: expected a boolean, got a string"},
      {R"({"type":"run","id":"r3","name":"t","scenario":{"cluster":{"nodes":1,"leader":1},"steps":[]}})", "r3", "trace: expected a boolean, got nothing"},
      {R"({"type":"run","id":"r4","trace":false,"scenario":{"cluster":{"nodes":1,"leader":1},"steps":[]}} trailing)", nullptr, "not JSON"},
      {R"({"type":"run","id":"r5","trace":false,"scenario":[]})", "r5", "(root): expected a normalized scenario object, got an array"},
      {"{\"type\":\"run\",\"id\":\"r6\",\"trace\":false,\"scenario\":{\"cluster\":{\"nodes\":1e400", nullptr, "not JSON"},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> lines = serve_lines(c.line + "\n" + R"({"type":"hello","protocol":1})" + "\n");
    ASSERT_EQ(lines.size(), 2u) << c.line;
    const json reply = json::parse(lines[0]);
    EXPECT_EQ(reply["type"], "error") << c.line;
    EXPECT_EQ(reply["id"], c.id) << c.line;
    EXPECT_EQ(reply["message"].get<std::string>().rfind(c.message_start, 0), 0u) << c.line << " -> " << lines[0];
    EXPECT_EQ(lines[1], kHello) << c.line;
  }
}

// A 10 MB line of garbage, and 10 MB of nesting: answered with a short error, no crash, no deep recursion.
TEST(Protocol, TenMegabyteGarbageLines) {
  const std::size_t size = 10 * 1024 * 1024;
  for (const std::string& garbage : {std::string(size, 'x'), std::string(size, '['), "\"" + std::string(size, 'a'),
                                     R"({"type":"run","id":"g","trace":false,"scenario":)" + std::string(size, '{')}) {
    const std::vector<std::string> lines = serve_lines(garbage + "\n" + R"({"type":"hello","protocol":1})" + "\n");
    ASSERT_EQ(lines.size(), 2u);
    const json reply = json::parse(lines[0]);
    EXPECT_EQ(reply["type"], "error");
    EXPECT_TRUE(reply["id"].is_null());
    EXPECT_LT(lines[0].size(), 1000u);  // the parser's message quotes its token, shortened
    EXPECT_EQ(lines[1], kHello);
  }
}

// One shape for a step the run refuses: the JSON path in the scenario and the rule.
TEST(Protocol, InvalidStepNamesPathAndRule) {
  const json reply = only_reply(run_request(
      "v", R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"put","key":"a","value":"31"},{"op":"crash","node":1}]})"));
  EXPECT_EQ(reply, json::parse(R"j({"type":"error","id":"v","message":"steps[1].node: crash of node 1, the leader, is not allowed (R-CRASH-1)"})j"));
  const json twice = only_reply(run_request("w", R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"snapshot","nodes":[2,2]}]})"));
  EXPECT_EQ(twice["message"], "steps[0].nodes[1]: snapshot lists node 2 twice (R-SNAP-1)");
}

TEST(Protocol, ShutdownStopsWithoutReplying) {
  const std::vector<std::string> lines =
      serve_lines(std::string(R"({"type":"shutdown"})") + "\n" + R"({"type":"hello","protocol":1})" + "\n");
  EXPECT_TRUE(lines.empty());
}

TEST(Protocol, EndOfInputWithoutNewline) {
  EXPECT_EQ(serve_lines(R"({"type":"hello","protocol":1})"), std::vector<std::string>{kHello});
}

TEST(Protocol, LinesLongerThanSixtyFourKiB) {
  const std::string big_value(2 * 70000, 'a');  // 70,000 bytes of 0xaa
  const json reply = only_reply(run_request(
      "big", R"({"cluster":{"nodes":1,"leader":1},"steps":[{"op":"put","key":"k","value":")" + big_value +
                 R"("},{"op":"snapshot","nodes":[1]}]})"));
  ASSERT_EQ(reply["type"], "result");
  EXPECT_EQ(reply["snapshots"][0]["hex"].get<std::string>().size(), 2 * (32 + 4 + 1 + 4 + 70000 + 4));
}

// ---- compact (section 3.3) ----

// A node that compacted, crashed and restarted isolated shows its saved state; the same scenario without the
// compact step shows an empty store.
TEST(Protocol, CompactStepRunsEndToEnd) {
  const std::string steps =
      R"({"op":"put","key":"a","value":"31"},{"op":"compact","node":3},{"op":"put","key":"b","value":"00ff"},)"
      R"({"op":"partition","nodes":[3]},{"op":"crash","node":3},{"op":"restart","node":3},{"op":"snapshot","nodes":[3]})";
  const json reply = only_reply(run_request("c", R"({"cluster":{"nodes":3,"leader":1},"steps":[)" + steps + "]}"));
  ASSERT_EQ(reply["type"], "result") << reply;
  EXPECT_EQ(reply["snapshots"][0], json::parse(R"({"step":6,"node":3,"hex":"524b56310000000000000001000000000000000100000000000000010000000100000001610000000131ed7607a5"})"));
  const json down = only_reply(run_request("c", R"({"cluster":{"nodes":3,"leader":1},"steps":[{"op":"crash","node":2},{"op":"compact","node":2}]})"));
  EXPECT_EQ(down, json::parse(R"j({"type":"error","id":"c","message":"steps[1].node: compact of node 2, which is down (R-COMPACT-1)"})j"));
}

// ---- decode (R-PROTO-13) ----

std::string decode_request(const std::string& id, const std::string& hex) {
  return R"({"type":"decode","id":")" + id + R"(","hex":")" + hex + R"("})";
}

// The hex of a snapshot with this header and these pairs, its CRC right.
std::string snapshot_hex(std::uint64_t term, std::uint64_t index, std::uint64_t last_term, const Store& store) {
  std::string hex;
  encode_hex(encode_snapshot({term, index, last_term}, store.pairs()), hex);
  return hex;
}

TEST(Protocol, DecodedReplyCarriesExactFields) {
  const std::string line = serve_lines(decode_request("d1",
      "524b5631000000000000000100000000000000020000000000000001000000020000000161000000013100000001620000000200ff63c4d85c") + "\n")[0];
  EXPECT_EQ(line, R"({"type":"decoded","id":"d1","snapshot":{"current_term":"1","last_included_index":"2","last_included_term":"1","pairs":[{"key":"a","value":"31"},{"key":"b","value":"00ff"}]}})");
  const std::string empty = serve_lines(decode_request("d2", "524b563100000000000000010000000000000000000000000000000000000000045540e9") + "\n")[0];
  EXPECT_EQ(empty, R"({"type":"decoded","id":"d2","snapshot":{"current_term":"1","last_included_index":"0","last_included_term":"0","pairs":[]}})");
}

// u64s as exact decimal strings, keys as the JSON strings of their code points: U+0000 whole, a leading BOM
// kept, astral characters as they are.
TEST(Protocol, DecodedU64sAndKeysAreExact) {
  const Store store{{std::string("\0x", 2), {}}, {"\xEF\xBB\xBFk", {0x01}}, {"\xF0\x9F\x98\x80", {0xFF, 0x00}}};
  const json reply = only_reply(decode_request("d3", snapshot_hex(7, 18446744073709551615ull, 7, store)));
  ASSERT_EQ(reply["type"], "decoded") << reply;
  EXPECT_EQ(reply["snapshot"]["current_term"], "7");
  EXPECT_EQ(reply["snapshot"]["last_included_index"], "18446744073709551615");
  EXPECT_EQ(reply["snapshot"]["last_included_term"], "7");
  ASSERT_EQ(reply["snapshot"]["pairs"].size(), 3u);
  EXPECT_EQ(reply["snapshot"]["pairs"][0]["key"], std::string("\0x", 2));
  EXPECT_EQ(reply["snapshot"]["pairs"][0]["value"], "");
  EXPECT_EQ(reply["snapshot"]["pairs"][1]["key"], "\xEF\xBB\xBFk");
  EXPECT_EQ(reply["snapshot"]["pairs"][1]["value"], "01");
  EXPECT_EQ(reply["snapshot"]["pairs"][2]["key"], "\xF0\x9F\x98\x80");
  EXPECT_EQ(reply["snapshot"]["pairs"][2]["value"], "ff00");
  const std::string line = serve_lines(decode_request("d4", snapshot_hex(1, 1, 1, {{std::string(1, '\0'), {}}})) + "\n")[0];
  EXPECT_NE(line.find(R"("key":"\u0000")"), std::string::npos) << line;
}

TEST(Protocol, RejectedReplyNamesTheRule) {
  EXPECT_EQ(only_reply(decode_request("r1", "")),
            json::parse(R"j({"type":"rejected","id":"r1","rule":"R-DECODE-1","message":"only 0 bytes, fewer than 36 at byte 0 (R-DECODE-1)"})j"));
  std::string bad_crc = snapshot_hex(1, 0, 0, {});
  bad_crc.back() = bad_crc.back() == '0' ? '1' : '0';
  EXPECT_EQ(only_reply(decode_request("r2", bad_crc))["rule"], "R-DECODE-3");
  EXPECT_EQ(only_reply(decode_request("r3", snapshot_hex(0, 0, 0, {})))["rule"], "R-DECODE-4");
  EXPECT_EQ(only_reply(decode_request("r4", snapshot_hex(1, 1, 1, {{"\xED\xA0\x80", {}}})))["rule"], "R-DECODE-7");
  const json reply = only_reply(decode_request("r5", std::string(72, 'f')));
  EXPECT_EQ(reply["type"], "rejected");
  EXPECT_EQ(reply["id"], "r5");
  EXPECT_EQ(reply["rule"], "R-DECODE-2");
  EXPECT_TRUE(reply["message"].is_string());
}

// R-PROTO-8, R-PROTO-10: a decode without a string hex, with one that is not hex, or without a string id is
// an error, and serving goes on.
TEST(Protocol, BadDecodeRequestsAnswerErrors) {
  struct Case {
    std::string line;
    json id;
  };
  const std::vector<Case> cases = {
      {R"({"type":"decode","id":"e1"})", "e1"},
      {R"({"type":"decode","id":"e2","hex":null})", "e2"},
      {R"({"type":"decode","id":"e3","hex":12})", "e3"},
      {R"({"type":"decode","id":"e4","hex":["00"]})", "e4"},
      {R"({"type":"decode","id":"e5","hex":{"hex":"00"}})", "e5"},
      {R"({"type":"decode","id":"e6","hex":"abc"})", "e6"},
      {R"({"type":"decode","id":"e7","hex":"zz"})", "e7"},
      {R"({"type":"decode","id":"e8","hex":"52 4b"})", "e8"},
      {R"({"type":"decode","id":9,"hex":""})", nullptr},
      {R"({"type":"decode","hex":""})", nullptr},
  };
  for (const Case& c : cases) {
    const std::vector<std::string> lines = serve_lines(c.line + "\n" + R"({"type":"hello","protocol":1})" + "\n");
    ASSERT_EQ(lines.size(), 2u) << c.line;
    const json reply = json::parse(lines[0]);
    EXPECT_EQ(reply["type"], "error") << c.line;
    EXPECT_EQ(reply["id"], c.id) << c.line;
    EXPECT_EQ(lines[1], kHello) << c.line;
  }
  // Unknown members are ignored (R-PROTO-4), and uppercase hex is still hex.
  EXPECT_EQ(only_reply(R"({"type":"decode","extra":[1],"id":"u","hex":"524B563100000000000000010000000000000000000000000000000000000000045540E9"})")["type"],
            "decoded");
}

// A pair count of 2^32 - 1 with no pairs is a rejection, answered at once, never an allocation.
TEST(Protocol, HugeDeclaredCountIsARejection) {
  Bytes bytes = {'R', 'K', 'V', '1', 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, 0xFF, 0xFF, 0xFF, 0xFF};
  const std::uint32_t crc = crc32c(bytes.data(), bytes.size());
  for (int i = 3; i >= 0; --i) bytes.push_back(static_cast<std::uint8_t>(crc >> (8 * i)));
  std::string hex;
  encode_hex(bytes, hex);
  EXPECT_EQ(only_reply(decode_request("h", hex))["rule"], "R-DECODE-5");
}

}  // namespace
}  // namespace rsm
