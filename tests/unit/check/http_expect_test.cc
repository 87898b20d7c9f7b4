#include "check/core/http_expect.h"

#include <gtest/gtest.h>

namespace lvsd::check {
namespace {

class FakeDigester : public Digester {
public:
  std::string hex(DigestAlgo algo, std::string_view body) const override {
    return (algo == DigestAlgo::Md5 ? "" : "ff") + std::string(body);
  }
};

class ContainsMatcher : public BodyMatcher {
public:
  explicit ContainsMatcher(std::string s) : s_(std::move(s)) {}
  bool matches(std::string_view body) const override {
    return body.find(s_) != std::string_view::npos;
  }

private:
  std::string s_;
};

TEST(HttpExpect, StatusRanges) {
  std::vector<StatusRange> r;
  ASSERT_TRUE(parseStatusRanges("200, 301-302,404", r));
  ASSERT_EQ(r.size(), 3U);
  EXPECT_EQ(r[1].lo, 301);
  EXPECT_EQ(r[1].hi, 302);
  EXPECT_FALSE(parseStatusRanges("", r));
  EXPECT_FALSE(parseStatusRanges("302-301", r));
  EXPECT_FALSE(parseStatusRanges("20", r));
  EXPECT_FALSE(parseStatusRanges("2000", r));
  EXPECT_FALSE(parseStatusRanges("200,", r));
}

TEST(HttpExpect, Verdicts) {
  FakeDigester d;
  HttpExpect e;
  EXPECT_EQ(evaluateHttp(e, {200, "x", false}, d, nullptr).verdict, Verdict::Up);
  EXPECT_EQ(evaluateHttp(e, {503, "x", false}, d, nullptr).verdict, Verdict::Down);
  EXPECT_EQ(evaluateHttp(e, {200, "x", true}, d, nullptr).verdict, Verdict::Down);
  e.digestAlgo = DigestAlgo::Md5;
  e.digestHex = "ABC";  // compared case-insensitively
  EXPECT_EQ(evaluateHttp(e, {200, "abc", false}, d, nullptr).verdict, Verdict::Up);
  EXPECT_EQ(evaluateHttp(e, {200, "abd", false}, d, nullptr).verdict, Verdict::Down);
  e.digestAlgo = DigestAlgo::None;
  e.wantRegex = true;
  ContainsMatcher m("hello");
  EXPECT_EQ(evaluateHttp(e, {200, "say hello", false}, d, &m).verdict, Verdict::Up);
  EXPECT_EQ(evaluateHttp(e, {200, "bye", false}, d, &m).verdict, Verdict::Down);
  EXPECT_EQ(evaluateHttp(e, {200, "hello", false}, d, nullptr).verdict, Verdict::Down);
}

}  // namespace
}  // namespace lvsd::check
