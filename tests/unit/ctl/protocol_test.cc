#include "ctl/protocol.h"

#include <gtest/gtest.h>

namespace lvsd::ctl {
namespace {

Json parseLine(const std::string& line) {
  EXPECT_FALSE(line.empty());
  EXPECT_EQ(line.back(), '\n');
  return Json::parse(line);
}

TEST(ParseRequest, AcceptsMinimalRequest) {
  auto r = parseRequest(R"({"v":1,"cmd":"status"})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cmd, "status");
  EXPECT_TRUE(r->args.is_object());
  EXPECT_TRUE(r->args.empty());
}

TEST(ParseRequest, KeepsArgsAndIgnoresUnknownKeys) {
  auto r = parseRequest(R"({"v":1,"cmd":"check-config","args":{"path":"/x"},"id":7})");
  ASSERT_TRUE(r);
  EXPECT_EQ(r->args["path"], "/x");
}

struct BadCase {
  const char* text;
  const char* code;
};

class ParseRequestRejects : public ::testing::TestWithParam<BadCase> {};

TEST_P(ParseRequestRejects, WithCode) {
  auto r = parseRequest(GetParam().text);
  ASSERT_FALSE(r) << GetParam().text;
  EXPECT_EQ(r.error().code, GetParam().code) << GetParam().text;
  EXPECT_FALSE(r.error().message.empty());
}

INSTANTIATE_TEST_SUITE_P(
    Cases, ParseRequestRejects,
    ::testing::Values(BadCase{"", "parse_error"}, BadCase{"garbage", "parse_error"},
                      BadCase{R"({"v":1,"cmd":"sta)", "parse_error"},
                      BadCase{"\xff\xfe", "parse_error"}, BadCase{"[1,2]", "bad_request"},
                      BadCase{"42", "bad_request"}, BadCase{R"({"cmd":"status"})", "bad_request"},
                      BadCase{R"({"v":"1","cmd":"status"})", "bad_request"},
                      BadCase{R"({"v":1.5,"cmd":"status"})", "bad_request"},
                      BadCase{R"({"v":2,"cmd":"status"})", "unsupported_version"},
                      BadCase{R"({"v":1})", "bad_request"},
                      BadCase{R"({"v":1,"cmd":""})", "bad_request"},
                      BadCase{R"({"v":1,"cmd":5})", "bad_request"},
                      BadCase{R"({"v":1,"cmd":"status","args":[]})", "bad_request"}));

TEST(ParseRequest, RejectsDeepNestingWithoutRecursing) {
  std::string deep = R"({"v":1,"cmd":"status","args":{"a":)";
  for (int i = 0; i < 10000; ++i) {
    deep += "[";
  }
  auto r = parseRequest(deep);
  ASSERT_FALSE(r);
  EXPECT_EQ(r.error().code, "parse_error");
}

TEST(ParseRequest, BracketsInsideStringsDoNotCountAsNesting) {
  std::string s(200, '[');
  auto r = parseRequest(R"({"v":1,"cmd":"status","args":{"x":")" + s + "\"}}");
  ASSERT_TRUE(r);
}

TEST(Responses, OkAndErrorShapes) {
  Json ok = parseLine(okResponse(Json{{"a", 1}}));
  EXPECT_EQ(ok["v"], 1);
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["data"]["a"], 1);
  Json err = parseLine(errorResponse("unknown_command", "nope"));
  EXPECT_EQ(err["ok"], false);
  EXPECT_EQ(err["error"]["code"], "unknown_command");
  EXPECT_EQ(err["error"]["message"], "nope");
}

TEST(Responses, InvalidUtf8IsReplacedNotThrown) {
  std::string line;
  EXPECT_NO_THROW(line = errorResponse("x", "bad \xff byte"));
  Json parsed;
  EXPECT_NO_THROW(parsed = Json::parse(line));
  EXPECT_TRUE(parsed.is_object());
}

TEST(Responses, ParseResponseRoundTrip) {
  auto ok = parseResponse(okResponse(Json{{"k", "v"}}));
  ASSERT_TRUE(ok);
  EXPECT_TRUE(ok->ok);
  EXPECT_EQ(ok->data["k"], "v");
  auto err = parseResponse(errorResponse("timeout", "slow"));
  ASSERT_TRUE(err);
  EXPECT_FALSE(err->ok);
  EXPECT_EQ(err->error.code, "timeout");
  EXPECT_FALSE(parseResponse("{}"));
  EXPECT_FALSE(parseResponse("nonsense"));
}

TEST(EncodeRequest, RoundTripsThroughParse) {
  const std::string line = encodeRequest("check-config", Json{{"path", "/etc/lvsd/lvsd.conf"}});
  ASSERT_EQ(line.back(), '\n');
  auto r = parseRequest(std::string_view(line).substr(0, line.size() - 1));
  ASSERT_TRUE(r);
  EXPECT_EQ(r->cmd, "check-config");
  EXPECT_EQ(r->args["path"], "/etc/lvsd/lvsd.conf");
}

TEST(LineFramer, SplitsLinesAcrossChunks) {
  LineFramer f(100);
  f.feed("{\"a\"");
  EXPECT_FALSE(f.next());
  f.feed(":1}\n{\"b\":2}\r\n{\"c\"");
  EXPECT_EQ(f.next(), "{\"a\":1}");
  EXPECT_EQ(f.next(), "{\"b\":2}");
  EXPECT_FALSE(f.next());
  EXPECT_EQ(f.buffered(), 4u);
  EXPECT_EQ(f.takeRest(), "{\"c\"");
  EXPECT_FALSE(f.takeRest());
}

TEST(LineFramer, RawPayloadAfterALineIsNotALineNorCapped) {
  LineFramer f(8);  // payload far over the line cap, with newlines in it
  const std::string payload = std::string(40, 'p') + "\n\n" + std::string(20, 'q');
  const std::string wire = "head\n" + payload + "tail\n";
  std::optional<std::string> raw;
  std::vector<std::string> lines;
  for (char ch : wire) {  // one byte at a time
    f.feed(std::string_view(&ch, 1));
    for (;;) {
      if (lines.size() == 1 && !raw) {
        f.expectBytes(payload.size());
        EXPECT_FALSE(f.next());  // lines wait until the payload is taken
        raw = f.takeBytes();
        if (!raw) {
          break;
        }
        continue;
      }
      auto l = f.next();
      if (!l) {
        break;
      }
      lines.push_back(*l);
    }
  }
  EXPECT_FALSE(f.overflowed());
  ASSERT_TRUE(raw);
  EXPECT_EQ(*raw, payload);
  EXPECT_EQ(lines, (std::vector<std::string>{"head", "tail"}));
}

TEST(LineFramer, OverflowsOnLongUnterminatedLine) {
  LineFramer f(10);
  f.feed("12345");
  EXPECT_FALSE(f.overflowed());
  f.feed("678901");
  EXPECT_TRUE(f.overflowed());
  EXPECT_FALSE(f.next());
  EXPECT_FALSE(f.takeRest());
}

TEST(LineFramer, OverflowsOnLongTerminatedLineButKeepsEarlierOnes) {
  LineFramer f(10);
  f.feed("ok\n" + std::string(20, 'x') + "\n");
  EXPECT_EQ(f.next(), "ok");
  EXPECT_FALSE(f.next());
  EXPECT_TRUE(f.overflowed());
}

TEST(LineFramer, ExactlyAtLimitIsFine) {
  LineFramer f(10);
  f.feed(std::string(10, 'x') + "\n");
  EXPECT_EQ(f.next(), std::string(10, 'x'));
  EXPECT_FALSE(f.overflowed());
}

TEST(CommandRegistry, DispatchesAndReportsErrors) {
  CommandRegistry reg;
  reg.add("echo", [](const Json& args) -> Expected<Json, ProtocolError> { return args; });
  reg.add("fail", [](const Json&) -> Expected<Json, ProtocolError> {
    return Unexpected(ProtocolError{"failed", "it broke"});
  });
  Json ok = Json::parse(reg.dispatch(R"({"v":1,"cmd":"echo","args":{"x":1}})"));
  EXPECT_EQ(ok["ok"], true);
  EXPECT_EQ(ok["data"]["x"], 1);

  Json unknown = Json::parse(reg.dispatch(R"({"v":1,"cmd":"frobnicate"})"));
  EXPECT_EQ(unknown["ok"], false);
  EXPECT_EQ(unknown["error"]["code"], "unknown_command");
  EXPECT_NE(unknown["error"]["message"].get<std::string>().find("echo, fail"), std::string::npos);

  Json failed = Json::parse(reg.dispatch(R"({"v":1,"cmd":"fail"})"));
  EXPECT_EQ(failed["error"]["code"], "failed");
  EXPECT_EQ(failed["error"]["message"], "it broke");

  Json garbage = Json::parse(reg.dispatch("\x01\x02 not json"));
  EXPECT_EQ(garbage["error"]["code"], "parse_error");
  EXPECT_EQ(reg.names(), (std::vector<std::string>{"echo", "fail"}));
}

}  // namespace
}  // namespace lvsd::ctl

namespace lvsd::ctl {
namespace {

TEST(CommandRegistryDeferred, OtherRequestsAreAnsweredWhileOneIsOutstanding) {
  CommandRegistry reg;
  CommandRegistry::Reply held;
  reg.addDeferred("slow", [&](const Json&, CommandRegistry::Reply r) { held = std::move(r); });
  reg.add("status", [](const Json&) -> Expected<Json, ProtocolError> { return Json{{"up", 1}}; });
  std::vector<std::string> answers;
  const auto collect = [&](std::string line) { answers.push_back(std::move(line)); };
  reg.dispatch(R"({"v":1,"cmd":"slow"})", collect);
  EXPECT_TRUE(answers.empty());
  ASSERT_TRUE(held);
  reg.dispatch(R"({"v":1,"cmd":"status"})", collect);
  ASSERT_EQ(answers.size(), 1u);
  auto st = parseResponse(answers[0]);
  ASSERT_TRUE(st);
  EXPECT_EQ(st->data["up"], 1);
  held(okResponseRaw(R"({"table":[1,2]})"));
  ASSERT_EQ(answers.size(), 2u);
  ASSERT_EQ(answers[1].back(), '\n');
  auto slow = parseResponse(std::string_view(answers[1]).substr(0, answers[1].size() - 1));
  ASSERT_TRUE(slow);
  EXPECT_TRUE(slow->ok);
  EXPECT_EQ(slow->data["table"][1], 2);
  // The synchronous form cannot wait: it says so instead of hanging.
  auto sync = parseResponse(reg.dispatch(R"({"v":1,"cmd":"slow"})"));
  ASSERT_TRUE(sync);
  EXPECT_FALSE(sync->ok);
  EXPECT_EQ(sync->error.code, "failed");
  EXPECT_TRUE(reg.has("slow"));
  EXPECT_EQ(reg.names(), (std::vector<std::string>{"slow", "status"}));
}

}  // namespace
}  // namespace lvsd::ctl
